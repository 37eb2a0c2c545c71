import { join } from 'node:path';
import { ExtensionBrowser } from '../browser';
import { STICKY, screenLightness, screenshotScreen, stickiness } from '../dunst';
import { ALICE, expect, test } from '../fixtures';
import { DOCS_IMG } from '../paths';
import { approvalAdded, newTicket, ticketMove } from '@herald/testkit/upstreams';

// Answering from the toast (issue 12): buttons pressed through the notification server itself
// (dunst's action menu), the answer reaching the fake dashboard or tracker in the person's name.
// Alice may act on tickets and agents; bob, on his own browser profile, may only read.

test.use({ aliceAct: ['tickets', 'agents/**'] });

const BOB = { name: 'bob', password: 'bob-password-1234' };

test('14. Approve on the toast: the dashboard records alice, her toast says so, bob (no grant, no buttons) loses his', async ({
  signedIn,
  relay,
  dashboard,
  toasts,
}) => {
  await relay.addUser(BOB.name, BOB.password, ['agents/**']);
  const bobs = new ExtensionBrowser();
  try {
    await bobs.launch();
    const bobPopup = await bobs.openPopup();
    await bobPopup.signIn(relay.url, BOB.name, BOB.password);
    await bobPopup.expectConnected();

    dashboard.emit(approvalAdded('ap14', 'abc1234'));
    const title = 'Approval needed: apply commit abc1234';
    await expect
      .poll(() => toasts.about(title), { message: 'alice and bob toasted' })
      .toHaveLength(2);
    for (const toast of toasts.about(title)) expect(stickiness(toast)).toEqual(STICKY);
    // Two toasts on screen, and only alice's has buttons.
    expect((await toasts.buttons(title)).sort()).toEqual(['Approve', 'Deny']);
    await expect(
      bobPopup.recentItem('abc1234').getByRole('group', { name: 'Actions' }),
    ).toHaveCount(0);
    await screenshotScreen(join(DOCS_IMG, 'toast-actions.png'));

    await toasts.press('Approve', title);
    await expect
      .poll(() => dashboard.answers.map((a) => [a.path, a.body.by]))
      .toEqual([['/api/approvals/ap14/approve', 'alice']]);
    // Her sticky toast is replaced by a plain one that says what happened; bob's goes, within 2 s.
    await expect.poll(() => toasts.about('Approved: apply commit abc1234')).toHaveLength(1);
    expect(toasts.about('Approved: apply commit abc1234')[0]?.urgency).toBe('NORMAL');
    await expect.poll(() => toasts.stillShown(title), { timeout: 2000 }).toBe(0);
    await expect(signedIn.recentItem('abc1234')).toContainText(/approved/i);
    await expect(signedIn.recentItem('abc1234')).toContainText('alice');
    // The dashboard's own "approved" event follows: listed, never a second toast.
    expect(toasts.about('Approved: apply commit abc1234')).toHaveLength(1);
  } finally {
    await bobs.dispose();
  }
});

test('15. Reject a proposed resolution on the toast: the tracker records it, its move is not toasted again', async ({
  signedIn,
  tracker,
  toasts,
}) => {
  const ticket = newTicket('Ship the toast buttons');
  tracker.push(ticketMove(ticket, 'proposed_resolution', 'in_progress'));
  const title = `Resolution proposed: ${ticket.title}`;
  await expect.poll(() => toasts.about(title)).toHaveLength(1);
  expect((await toasts.buttons(title)).sort()).toEqual(['Accept', 'Reject']);

  await toasts.press('Reject', title);
  await expect.poll(() => tracker.status(ticket.id)).toBe('in_progress');
  expect(tracker.answers.map((a) => a.body)).toEqual([{ decision: 'reject', by: 'alice' }]);
  await expect.poll(() => toasts.about(`Rejected: ${ticket.title}`)).toHaveLength(1);
  // The tracker's own report of the move reaches the list, and no toast.
  await expect(signedIn.recentItem(ticket.title)).toContainText(/rejected|in progress/i);
  expect(toasts.about(`In progress: ${ticket.title}`)).toHaveLength(0);
  expect(await toasts.stillShown(title)).toBe(0);
});

test('16. a question with three options is answered from the popup', async ({
  signedIn,
  dashboard,
  toasts,
}) => {
  dashboard.emit({
    kind: 'question_added',
    id: 'q16',
    asker: 'alpha',
    question: 'Which database?',
    options: ['postgres', 'sqlite', 'redis'],
    multi: false,
    asked_at: Math.floor(Date.now() / 1000),
  });
  const title = 'alpha asks: Which database?';
  await expect.poll(() => toasts.about(title)).toHaveLength(1);
  expect(await toasts.buttons(title), 'three options: no buttons on the toast').toEqual([]);

  const item = signedIn.recentItem('Which database?');
  await item
    .getByRole('group', { name: 'Actions' })
    .getByRole('button', { name: 'sqlite', exact: true })
    .click();
  await expect
    .poll(() => dashboard.answers.map((a) => a.body))
    .toEqual([{ answer: 'sqlite', by: 'alice' }]);
  await expect(item).toContainText('sqlite');
  await expect(item.getByRole('group', { name: 'Actions' })).toHaveCount(0);
  await expect.poll(() => toasts.stillShown(title)).toBe(0);
});

test('17. a dashboard that says someone was quicker, or is down: told in words, the item still pending and sticky', async ({
  signedIn,
  dashboard,
  toasts,
}) => {
  dashboard.emit(approvalAdded('ap17', 'def5678'));
  const title = 'Approval needed: apply commit def5678';
  await expect.poll(() => toasts.about(title)).toHaveLength(1);

  dashboard.setAnswerMode('conflict');
  await toasts.press('Approve', title);
  await expect.poll(() => toasts.about("Couldn't approve")).toHaveLength(1);
  expect(toasts.about("Couldn't approve")[0]?.summary).toMatch(/bob/);

  dashboard.setAnswerMode('error');
  await toasts.press('Approve', title);
  await expect.poll(() => toasts.about("Couldn't approve")).toHaveLength(2);
  expect(toasts.about("Couldn't approve")[1]?.summary).toMatch(/unreachable|not answer|down/i);

  expect(dashboard.answers).toEqual([]);
  await expect(signedIn.recentItem('def5678').getByRole('group', { name: 'Actions' })).toHaveCount(
    1,
  );
  expect(await toasts.stillShown(title), 'the sticky toast still up').toBe(1);
});

test("18. the README's picture: Chromium's own toast with Approve and Deny, and the popup's", async ({
  relay,
  dashboard,
}) => {
  // Chromium drawing its toasts itself (not handing them to dunst), as it does where the desktop
  // has no notification server: the buttons are then visible on screen, at the bottom right.
  const own = new ExtensionBrowser({ ownToasts: true });
  try {
    await own.launch();
    const popup = await own.openPopup();
    await popup.signIn(relay.url, ALICE.name, ALICE.password);
    await popup.expectConnected();
    dashboard.emit(approvalAdded('ap18', 'abc1234'));
    const actions = popup.recentItem('abc1234').getByRole('group', { name: 'Actions' });
    for (const name of ['Approve', 'Deny'])
      await expect(actions.getByRole('button', { name, exact: true })).toBeVisible();
    await expect
      .poll(() => screenLightness(1000, 700, 240, 80), { message: 'the toast drawn' })
      .toBeGreaterThan(0.5);
    await screenshotScreen(join(DOCS_IMG, 'toast-actions.png'));
  } finally {
    await own.dispose();
  }
});
