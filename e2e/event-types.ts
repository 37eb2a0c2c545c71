// The event-type toggles, as a person uses them, in either browser's popup.
import { expect } from '@playwright/test';
import {
  agentRestarting,
  newTicket,
  ticketMove,
  type FakeDashboard,
  type FakeTracker,
} from '@herald/testkit/upstreams';
import type { Toasts } from './dunst';
import type { Relay } from './fixtures';
import type { Popup } from './pages/popup';
import { relayMetric } from './upstream-events';

/**
 * A toggle travels popup → storage → worker → `subscribe` → relay, and nothing outside shows when
 * the relay has applied it. So: announce an agent restart every half second until one is toasted;
 * lifecycle events were filtered out by the relay before, so the first one toasted proves the new
 * filter is in force (and none emitted before it was sent, so none arrives late).
 */
export async function waitUntilLifecycleFlows(
  dashboard: FakeDashboard,
  toasts: Toasts,
): Promise<void> {
  await expect
    .poll(
      () => {
        if (toasts.about('probe is restarting').length === 0)
          dashboard.emit(agentRestarting('probe'));
        return toasts.about('probe is restarting').length;
      },
      { intervals: [500], timeout: 15_000, message: 'lifecycle events reach the browser' },
    )
    .toBeGreaterThan(0);
}

/**
 * "Other status changes" off and "Lifecycle" on in `popup`: the relay sends
 * (`herald_events_out_total`), and the browser toasts and lists, exactly that.
 */
export async function expectTogglesObeyed(
  popup: Popup,
  {
    tracker,
    dashboard,
    relay,
    toasts,
  }: { tracker: FakeTracker; dashboard: FakeDashboard; relay: Relay; toasts: Toasts },
): Promise<void> {
  await popup.setEventType('Other status changes', false);
  await popup.setEventType('Lifecycle', true);
  await waitUntilLifecycleFlows(dashboard, toasts);
  const sentBefore = await relayMetric(relay.url, 'herald_events_out_total');

  const muted = newTicket('Crash when a label has an emoji 🐛');
  const proposed = newTicket('Export tickets as CSV');
  tracker.push(ticketMove(muted, 'in_progress'));
  dashboard.emit(agentRestarting('beta'));
  tracker.push(ticketMove(proposed, 'proposed_resolution', 'in_progress'));

  await expect.poll(() => toasts.about('beta is restarting')).toHaveLength(1);
  // The tracker's lines reach the relay in order: once `proposed` is toasted, `muted` was decided.
  await expect.poll(() => toasts.about(proposed.title)).toHaveLength(1);
  expect(toasts.about(muted.title), 'a turned-off type raises no toast').toHaveLength(0);
  expect(
    (await relayMetric(relay.url, 'herald_events_out_total')) - sentBefore,
    'the relay sent the proposed resolution and the restart, not the status change',
  ).toBe(2);

  const listed = (text: string) => async () =>
    (await popup.recentTexts()).filter((t) => t.includes(text)).length;
  await expect.poll(listed(proposed.title), { message: 'listed' }).toBe(1);
  await expect.poll(listed('beta is restarting'), { message: 'listed' }).toBe(1);
  expect(await listed(muted.title)(), 'a turned-off type is not listed').toBe(0);
}
