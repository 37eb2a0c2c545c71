// The same person's story in Firefox (firefox-esr, the MV2 build), against the real relay, with
// Firefox's toasts shown and clicked through the same dunst as Chromium's.
import { expectTogglesObeyed } from '../event-types';
import { FIREFOX_APP_NAME } from '../firefox';
import { ALICE, expect, test } from '../fixtures';
import { newTicket, ticketMove, ticketUrl } from '@herald/testkit/upstreams';

test('19. Firefox: sign in from the popup; a proposed resolution is one toast, a click opens the ticket', async ({
  firefox,
  relay,
  tracker,
  toasts,
}) => {
  const popup = await firefox.openPopup();
  await popup.expectSignedOut();
  await popup.signIn(relay.url, ALICE.name, ALICE.password);
  await popup.expectConnected();

  const ticket = newTicket('Firefox users get toasts too');
  const url = ticketUrl(tracker.url, ticket);
  tracker.push(ticketMove(ticket, 'proposed_resolution', 'in_progress'));
  await expect.poll(() => toasts.about(ticket.title)).toHaveLength(1);
  const toast = toasts.about(ticket.title)[0];
  expect(toast?.appname, 'shown for Firefox').toBe(FIREFOX_APP_NAME);
  expect(toast?.summary).toMatch(/resolution proposed/i);
  expect(await toasts.displayed()).toBe(1);
  await expect.poll(() => popup.recentTexts()).toEqual([expect.stringContaining(ticket.title)]);
  expect(await firefox.tabUrls()).not.toContain(url);

  await toasts.click();
  await expect
    .poll(() => firefox.tabUrls(), { message: 'the ticket opened in a tab' })
    .toContain(url);
  await expect.poll(() => toasts.displayed(), { message: 'the clicked toast is gone' }).toBe(0);
});

test('20. Firefox: the event-type toggles decide what the relay sends and what is toasted', async ({
  firefoxSignedIn,
  tracker,
  dashboard,
  relay,
  toasts,
}) => {
  await expectTogglesObeyed(firefoxSignedIn, { tracker, dashboard, relay, toasts });
});

test('21. Firefox: still signed in after quitting and starting Firefox again, and still toasts', async ({
  firefox,
  firefoxSignedIn,
  tracker,
  toasts,
}) => {
  void firefoxSignedIn;
  await firefox.close();
  await firefox.launch();

  const again = await firefox.openPopup();
  await again.expectConnected();
  const ticket = newTicket('Remember me across restarts');
  tracker.push(ticketMove(ticket, 'in_progress'));
  await expect.poll(() => toasts.about(ticket.title)).toHaveLength(1);
  expect(toasts.about(ticket.title)[0]?.appname).toBe(FIREFOX_APP_NAME);
  await expect.poll(() => again.recentTexts()).toEqual([expect.stringContaining(ticket.title)]);
});
