// One person, two browsers: Chromium and Firefox signed in as alice at once, one relay, one
// notification server. What she does in one browser (read, dismiss, snooze) holds in the other,
// through the relay's per-person state; a reminder rings on one browser only; a second person
// sees none of it. Durations are test-sized through the worker's hooks (a snooze of `ms`, a
// reminder interval in ms), never by waiting out an hour.
import type { TestInfo } from '@playwright/test';
import { personSettingsSchema, SETTINGS_KEY } from '@herald/shared';
import { CHROMIUM_APP_NAME } from '../browser';
import { FIREFOX_APP_NAME } from '../firefox';
import { expect, test } from '../fixtures';
import type { Popup } from '../pages/popup';
import { newTicket, ticketMove, type Ticket } from '@herald/testkit/upstreams';

const BOTH = [CHROMIUM_APP_NAME, FIREFOX_APP_NAME].sort();
const tagOf = (ticket: Ticket) => `ticket:${ticket.id}`;

/** How long the other browser took to follow, kept with the run's results (not asserted). */
function note(testInfo: TestInfo, what: string, since: number) {
  testInfo.annotations.push({ type: 'sync', description: `${what}: ${Date.now() - since} ms` });
}

/** The reminder interval this browser holds in its copy of the person's settings. */
async function remindAfterMs(popup: Popup): Promise<number | undefined> {
  const { personState } = await popup.storageLocal('personState');
  const entries = (personState as { entries?: Record<string, { value?: unknown }> } | undefined)
    ?.entries;
  return personSettingsSchema.optional().parse(entries?.[SETTINGS_KEY]?.value)?.remindAfterMs;
}

test('22. a toast dismissed in Chromium goes in Firefox too; "Mark all read" in Firefox clears Chromium’s badge; what was read while Firefox was closed is not toasted when it returns', async ({
  signedIn,
  firefox,
  firefoxSignedIn,
  tracker,
  toasts,
}, testInfo) => {
  const ticket = newTicket('Read once, read everywhere');
  tracker.push(ticketMove(ticket, 'proposed_resolution', 'in_progress'));
  await expect.poll(() => toasts.appsAbout(ticket.title)).toEqual(BOTH);
  await expect.poll(() => signedIn.badgeText()).toBe('1');
  await expect.poll(() => firefoxSignedIn.badgeText()).toBe('1');

  // Chromium's toast is sticky (critical), so it is the first on screen: the person closes it.
  await toasts.dismiss();
  const dismissed = Date.now();
  await expect.poll(() => toasts.stillShown(ticket.title, CHROMIUM_APP_NAME)).toBe(0);
  await expect
    .poll(() => toasts.stillShown(ticket.title, FIREFOX_APP_NAME), {
      message: 'Firefox closed its toast for the item dismissed in Chromium',
    })
    .toBe(0);
  note(testInfo, 'dismissed in Chromium → gone in Firefox', dismissed);
  await expect.poll(() => firefoxSignedIn.badgeText()).toBe('');
  expect(await signedIn.badgeText()).toBe('');

  const first = newTicket('First thing waiting');
  const second = newTicket('Second thing waiting');
  tracker.push(ticketMove(first, 'proposed_resolution', 'in_progress'));
  tracker.push(ticketMove(second, 'proposed_resolution', 'in_progress'));
  await expect.poll(() => toasts.appsAbout(second.title)).toEqual(BOTH);
  await expect.poll(() => signedIn.badgeText()).toBe('2');
  await expect.poll(() => firefoxSignedIn.badgeText()).toBe('2');

  await firefoxSignedIn.click('Mark all read');
  const marked = Date.now();
  await expect
    .poll(() => signedIn.badgeText(), { message: 'Chromium heard of the read marks' })
    .toBe('');
  note(testInfo, '"Mark all read" in Firefox → Chromium badge clear', marked);
  for (const t of [first, second]) {
    await expect.poll(() => toasts.stillShown(t.title)).toBe(0);
  }
  // Nothing was toasted twice on the way (a read mark never raises anything).
  expect(toasts.about(first.title)).toHaveLength(2);

  // Firefox is quit; meanwhile something arrives and is read in Chromium (a click on its toast).
  await firefox.close();
  const whileAway = newTicket('Handled while Firefox was closed');
  tracker.push(ticketMove(whileAway, 'proposed_resolution', 'in_progress'));
  await expect.poll(() => toasts.appsAbout(whileAway.title)).toEqual([CHROMIUM_APP_NAME]);
  await toasts.click(0);
  await expect.poll(() => signedIn.badgeText()).toBe('');
  // Firefox starts again and replays what it missed: listed, read, and not toasted.
  await firefox.launch();
  const again = await firefox.openPopup();
  await again.expectConnected();
  await expect
    .poll(() => again.recentTexts())
    .toContainEqual(expect.stringContaining(whileAway.title));
  const later = newTicket('Heard after Firefox came back');
  tracker.push(ticketMove(later, 'in_progress'));
  await expect.poll(() => toasts.appsAbout(later.title)).toEqual(BOTH);
  expect(toasts.appsAbout(whileAway.title), 'not toasted again in Firefox').toEqual([
    CHROMIUM_APP_NAME,
  ]);
  expect(await again.badgeText()).toBe('');
});

test('23. a snoozed item comes back once, on one browser; a reminder rings once per interval, on one browser', async ({
  signedIn,
  firefoxSignedIn,
  tracker,
  toasts,
}) => {
  const snoozed = newTicket('Snooze me for a moment');
  tracker.push(ticketMove(snoozed, 'proposed_resolution', 'in_progress'));
  await expect.poll(() => toasts.appsAbout(snoozed.title)).toEqual(BOTH);

  // Snoozed in Firefox (the test hook makes "1 hour" four seconds): gone from both screens.
  await firefoxSignedIn.ask({ type: 'snooze', tag: tagOf(snoozed), choice: 'hour', ms: 4000 });
  await expect.poll(() => toasts.stillShown(snoozed.title)).toBe(0);
  await expect.poll(() => signedIn.badgeText()).toBe('');
  // Back at its time: one more toast, on one browser of the two.
  await expect.poll(() => toasts.about(snoozed.title).length, { timeout: 20_000 }).toBe(3);
  const marker = newTicket('Heard after the snooze ended');
  tracker.push(ticketMove(marker, 'in_progress'));
  await expect.poll(() => toasts.appsAbout(marker.title)).toEqual(BOTH);
  expect(toasts.about(snoozed.title), 'the snooze rang on one browser, not both').toHaveLength(3);

  // Reminders every five seconds, set in Chromium: a settings change reaches Firefox too.
  await signedIn.ask({ type: 'settings', settings: { remindAfterMs: 5000 } });
  await expect.poll(() => remindAfterMs(firefoxSignedIn)).toBe(5000);
  const waiting = newTicket('Still waiting on you');
  tracker.push(ticketMove(waiting, 'proposed_resolution', 'in_progress'));
  await expect.poll(() => toasts.appsAbout(waiting.title)).toEqual(BOTH);
  await expect.poll(() => toasts.about(waiting.title).length, { timeout: 20_000 }).toBe(3);
  await firefoxSignedIn.ask({ type: 'settings', settings: { remindAfterMs: 0 } });
  await expect.poll(() => remindAfterMs(signedIn)).toBe(0);
  const after = newTicket('Heard after the reminder');
  tracker.push(ticketMove(after, 'in_progress'));
  await expect.poll(() => toasts.appsAbout(after.title)).toEqual(BOTH);
  expect(toasts.about(waiting.title), 'the reminder rang on one browser, once').toHaveLength(3);
});

test('24. a second person sees none of the first one’s state; in Firefox what waits stays counted after its toast goes', async ({
  signedIn,
  firefox,
  relay,
  tracker,
  toasts,
}) => {
  await relay.addUser('bob', 'bob-password-0123', ['tickets']);
  const bob = await firefox.openPopup();
  await bob.signIn(relay.url, 'bob', 'bob-password-0123');
  await bob.expectConnected();

  // Alice (Chromium) turns status changes off; Bob's toggles are his own.
  await signedIn.setEventType('Other status changes', false);
  const ticket = newTicket('Both of them need to hear this');
  tracker.push(ticketMove(ticket, 'proposed_resolution', 'in_progress'));
  await expect.poll(() => toasts.appsAbout(ticket.title)).toEqual(BOTH);

  // Alice reads it by clicking her toast (sticky, so the first on screen).
  await toasts.click(0);
  await expect.poll(() => signedIn.badgeText()).toBe('');
  const moved = newTicket('A status change only Bob wants');
  tracker.push(ticketMove(moved, 'in_progress'));
  await expect.poll(() => toasts.appsAbout(moved.title)).toEqual([FIREFOX_APP_NAME]);
  expect(await toasts.stillShown(ticket.title, FIREFOX_APP_NAME), 'Bob’s toast stays').toBe(1);
  expect(await bob.badgeText()).toBe('1');

  // Firefox cannot keep a toast up: one that expires (this title's toasts expire after two
  // seconds, by a rule of the suite's dunst) leaves what waits on Bob counted and on top.
  const expiring = newTicket('Waits on Bob, expires by itself');
  tracker.push(ticketMove(expiring, 'proposed_resolution', 'in_progress'));
  await expect
    .poll(() => toasts.about(expiring.title).map((t) => t.appname))
    .toContain(FIREFOX_APP_NAME);
  await expect
    .poll(() => toasts.stillShown(expiring.title, FIREFOX_APP_NAME), { timeout: 15_000 })
    .toBe(0);
  expect(await bob.badgeText()).toBe('2');
  const list = await bob.recentTexts();
  expect(list).toHaveLength(3);
  expect(list[0]).toContain(expiring.title);
  expect(list[1], 'what waits on Bob comes before a newer status change').toContain(ticket.title);
  expect(list[2]).toContain(moved.title);
});
