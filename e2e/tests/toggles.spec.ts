import { expect, test } from '../fixtures';
import type { FakeDashboard } from '../../relay/test/fakes/agents';
import type { Toasts } from '../dunst';
import { agentRestarting, newTicket, relayMetric, ticketMove } from '../upstream-events';

/**
 * A toggle travels popup → storage → worker → `subscribe` → relay, and nothing outside shows when
 * the relay has applied it. So: announce an agent restart every half second until one is toasted;
 * lifecycle events were filtered out by the relay before, so the first one toasted proves the new
 * filter is in force (and none emitted before it was sent, so none arrives late).
 */
async function waitUntilLifecycleFlows(dashboard: FakeDashboard, toasts: Toasts): Promise<void> {
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

test('5. event-type toggles decide what the relay sends and what is toasted', async ({
  signedIn,
  tracker,
  dashboard,
  relay,
  toasts,
}) => {
  const before = newTicket('Rotate signing keys for the build farm');
  tracker.push(ticketMove(before, 'in_progress'));
  await expect.poll(() => toasts.about(before.title), { message: 'on by default' }).toHaveLength(1);

  await signedIn.setEventType('Other status changes', false);
  await signedIn.setEventType('Lifecycle', true);
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

  await expect(signedIn.recentItem(proposed.title)).toHaveCount(1);
  await expect(signedIn.recentItem('beta is restarting')).toHaveCount(1);
  await expect(signedIn.recentItem(muted.title)).toHaveCount(0);
});
