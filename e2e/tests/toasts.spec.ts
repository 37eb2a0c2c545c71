import { join } from 'node:path';
import { expect, test } from '../fixtures';
import { STICKY, screenshotScreen, stickiness } from '../dunst';
import { DOCS_IMG } from '../paths';
import {
  approvalAdded,
  approvalResolved,
  newTicket,
  ticketMove,
  ticketUrl,
} from '@herald/testkit/upstreams';

test('2. a proposed resolution is one sticky toast naming the ticket; in_progress is a plain one', async ({
  signedIn,
  tracker,
  toasts,
}) => {
  void signedIn;
  const proposed = newTicket('Add browser notifications to /tickets page');
  const started = newTicket('Rotate signing keys for the build farm');

  tracker.push(ticketMove(proposed, 'proposed_resolution', 'in_progress'));
  await expect.poll(() => toasts.about(proposed.title)).toHaveLength(1);
  const sticky = toasts.about(proposed.title)[0];
  expect(stickiness(sticky), 'sent to the notification server as critical, no expiry').toEqual(
    STICKY,
  );
  expect(sticky?.summary).toMatch(/resolution proposed/i);
  await screenshotScreen(join(DOCS_IMG, 'toast-sticky.png'));

  tracker.push(ticketMove(started, 'in_progress'));
  await expect.poll(() => toasts.about(started.title)).toHaveLength(1);
  const plain = toasts.about(started.title)[0];
  expect(plain?.urgency).toBe('NORMAL');
  expect(plain?.timeout, 'a plain toast goes away by itself').toBeGreaterThan(0);

  // The later toast has arrived, so a duplicate of the first one would have too.
  expect(toasts.about(proposed.title)).toHaveLength(1);
  expect(await toasts.displayed()).toBe(2);
});

test.describe('with the "focus a tab" permission granted', () => {
  test.use({ tabsGranted: true });

  test('3. clicking the toast opens the ticket, or focuses the tab already showing it', async ({
    ext,
    signedIn,
    tracker,
    toasts,
  }) => {
    void signedIn;
    const ticket = newTicket('Flaky login test on CI');
    const url = ticketUrl(tracker.url, ticket);

    tracker.push(ticketMove(ticket, 'proposed_resolution', 'in_progress'));
    await expect.poll(() => toasts.about(ticket.title)).toHaveLength(1);
    expect(await toasts.displayed()).toBe(1);
    await toasts.click();
    await expect
      .poll(() => ext.tabsShowing(url), { message: 'the ticket opened in a tab' })
      .toEqual({ count: 1, inFront: true });
    await expect.poll(() => toasts.displayed(), { message: 'the clicked toast is gone' }).toBe(0);

    // The person moves on to another tab; the ticket's tab is in the background.
    await ext.openTabBeside(url);
    await expect.poll(() => ext.tabsShowing(url)).toEqual({ count: 1, inFront: false });

    tracker.push(ticketMove(ticket, 'blocked', 'proposed_resolution'));
    await expect.poll(() => toasts.about(ticket.title)).toHaveLength(2);
    expect(await toasts.displayed()).toBe(1);
    await toasts.click();
    await expect
      .poll(() => ext.tabsShowing(url), { message: 'the same tab, brought to the front' })
      .toEqual({ count: 1, inFront: true });
  });
});

test('4. a newer transition replaces the ticket toast; an approval resolved elsewhere clears it', async ({
  ext,
  signedIn,
  tracker,
  dashboard,
  toasts,
}) => {
  void signedIn;
  const ticket = newTicket('Dark mode for the dashboard');
  tracker.push(ticketMove(ticket, 'in_progress'));
  await expect.poll(() => toasts.about(ticket.title)).toHaveLength(1);
  tracker.push(ticketMove(ticket, 'proposed_resolution', 'in_progress'));
  await expect.poll(() => toasts.about(ticket.title)).toHaveLength(2);
  const [first, second] = toasts.about(ticket.title);
  expect(second?.id, 'the second toast took the place of the first').toBe(first?.id);
  expect(stickiness(second)).toEqual(STICKY);
  expect(await toasts.displayed()).toBe(1);
  expect(await ext.notificationIds()).toEqual([`ticket:${ticket.id}`]);

  dashboard.emit(approvalAdded('ap-17', 'c0ffee1'));
  await expect.poll(() => toasts.about('c0ffee1')).toHaveLength(1);
  expect(stickiness(toasts.about('c0ffee1')[0])).toEqual(STICKY);
  expect(await toasts.displayed()).toBe(2);

  dashboard.emit(approvalResolved('ap-17', 'c0ffee1'));
  await expect.poll(() => toasts.displayed(), { message: 'the approval toast went away' }).toBe(1);
  expect(await ext.notificationIds()).toEqual([`ticket:${ticket.id}`]);

  // A later event has been toasted, so a toast for the resolution would have been too.
  const later = newTicket('Export tickets as CSV');
  tracker.push(ticketMove(later, 'in_progress'));
  await expect.poll(() => toasts.about(later.title)).toHaveLength(1);
  expect(toasts.about('c0ffee1'), 'the resolution itself raises no toast').toHaveLength(1);
});
