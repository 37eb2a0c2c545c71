import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { createNotifier, OUTCOME_PREFIX, SUMMARY_ID } from './notifier';
import { HOUR_MS } from './mute';
import { createPersonSync } from './person-sync';
import { DEFAULT_PREFS } from './prefs';
import { seedLegacyPrefs } from '../test/legacy';
import { getLocal, setLocal } from './storage';
import { approval, decidedEvent, makeEvent, proposed } from '../test/events';

const NOW = Date.parse('2026-11-23T10:00:00Z');

async function toasts() {
  return (await fakeBrowser.notifications.getAll()) as Record<
    string,
    { title: string; requireInteraction?: boolean; buttons?: { title: string }[] }
  >;
}

beforeEach(() => fakeBrowser.reset());

/** The person's state, never reaching a relay (the outbox keeps what is changed). */
const offlineSync = () =>
  createPersonSync({
    now: () => NOW,
    fetchFn: vi.fn(async () => Promise.reject(new Error('offline'))),
  });

function notifier(open = vi.fn(async () => 'opened')) {
  const sync = offlineSync();
  return { n: createNotifier({ richToasts: true, now: () => NOW, open, sync }), open, sync };
}

describe('toasts', () => {
  it('raises a sticky toast whose id is the tag for a proposed resolution', async () => {
    const { n } = notifier();
    await n.handle(proposed(1, 'T-1'), false);
    const shown = await toasts();
    expect(Object.keys(shown)).toEqual(['ticket:T-1']);
    expect(shown['ticket:T-1']).toMatchObject({
      title: 'Resolution proposed: T-1',
      requireInteraction: true,
    });
    expect(await fakeBrowser.action.getBadgeText({})).toBe('1');
  });

  it('plain status changes are not sticky and do not count on the badge', async () => {
    const { n } = notifier();
    await n.handle(makeEvent(1), false);
    expect((await toasts())['ticket:1']?.requireInteraction).toBe(false);
    expect(await fakeBrowser.action.getBadgeText({})).toBe('');
  });

  it('a newer event for the same tag replaces the toast and the list entry', async () => {
    const { n } = notifier();
    await n.handle(makeEvent(1, { tag: 'ticket:A', title: 'first' }), false);
    await n.handle(makeEvent(2, { tag: 'ticket:A', title: 'second' }), false);
    expect(Object.keys(await toasts())).toEqual(['ticket:A']);
    expect((await toasts())['ticket:A']?.title).toBe('second');
    expect((await getLocal('recent')).map((i) => i.seq)).toEqual([2]);
  });

  it('processes each seq once: a replayed duplicate raises nothing and adds nothing', async () => {
    const { n } = notifier();
    await n.handle(proposed(7, 'T-7'), false);
    await fakeBrowser.notifications.clear('ticket:T-7');
    await n.handle(proposed(7, 'T-7'), true);
    await n.flushCatchUp();
    expect(await toasts()).toEqual({});
    expect(await getLocal('recent')).toHaveLength(1);
  });

  it('a resolving event clears the sticky toast instead of raising one, and the badge drops', async () => {
    const { n } = notifier();
    await n.handle(
      makeEvent(1, { kind: 'agent.approval_added', tag: 'approval:9', sticky: true }),
      false,
    );
    expect(await fakeBrowser.action.getBadgeText({})).toBe('1');
    await n.handle(
      makeEvent(2, {
        kind: 'agent.approval_resolved',
        tag: 'approval:9',
        resolves: true,
        title: 'Approved',
      }),
      false,
    );
    expect(await toasts()).toEqual({});
    expect(await fakeBrowser.action.getBadgeText({})).toBe('');
    expect((await getLocal('recent'))[0]).toMatchObject({
      seq: 2,
      title: 'Approved',
      sticky: false,
    });
  });

  it('without sticky toasts (Firefox) it still raises the toast, with no requireInteraction', async () => {
    const n = createNotifier({ richToasts: false, now: () => NOW });
    await n.handle(proposed(1, 'T-1'), false);
    expect((await toasts())['ticket:T-1']).not.toHaveProperty('requireInteraction');
    expect(await fakeBrowser.action.getBadgeText({})).toBe('1');
  });

  it('drops kinds the person switched off, even if the relay sent them before the change', async () => {
    const { n } = notifier();
    await seedLegacyPrefs({ ...DEFAULT_PREFS, otherStatus: false });
    await n.handle(makeEvent(1), false);
    expect(await toasts()).toEqual({});
    expect(await getLocal('recent')).toEqual([]);
  });
});

describe('catch-up', () => {
  it('more than 3 missed events become one summary toast; all land in the recent list', async () => {
    const { n } = notifier();
    for (let seq = 1; seq <= 7; seq++) await n.handle(proposed(seq, `T-${seq}`), true);
    expect(await toasts()).toEqual({});
    await n.flushCatchUp();
    const shown = await toasts();
    expect(Object.keys(shown)).toEqual([SUMMARY_ID]);
    expect(shown[SUMMARY_ID]).toMatchObject({
      title: '7 updates while you were away',
      requireInteraction: true,
    });
    expect(await getLocal('recent')).toHaveLength(7);
    expect(await fakeBrowser.action.getBadgeText({})).toBe('7');
  });

  it('3 or fewer missed events are shown one by one', async () => {
    const { n } = notifier();
    for (let seq = 1; seq <= 3; seq++) await n.handle(proposed(seq, `T-${seq}`), true);
    await n.flushCatchUp();
    expect(Object.keys(await toasts()).sort()).toEqual(['ticket:T-1', 'ticket:T-2', 'ticket:T-3']);
  });

  it('something raised and resolved while away raises nothing, and does not count', async () => {
    const { n } = notifier();
    for (let seq = 1; seq <= 4; seq++) await n.handle(proposed(seq, `T-${seq}`), true);
    await n.handle(makeEvent(5, { tag: 'ticket:T-1', resolves: true }), true);
    await n.flushCatchUp();
    expect(Object.keys(await toasts()).sort()).toEqual(['ticket:T-2', 'ticket:T-3', 'ticket:T-4']);
  });
});

describe('mute', () => {
  it('muted events reach the recent list and badge but raise no toast', async () => {
    const { n, sync } = notifier();
    await sync.updateSettings({ muteUntil: NOW + HOUR_MS });
    await n.handle(proposed(1, 'T-1'), false);
    for (let seq = 2; seq <= 6; seq++) await n.handle(proposed(seq, `T-${seq}`), true);
    await n.flushCatchUp();
    expect(await toasts()).toEqual({});
    expect(await getLocal('recent')).toHaveLength(6);
    expect(await fakeBrowser.action.getBadgeText({})).toBe('6');
  });

  it('toasts come back when the hour is over, and after Unmute', async () => {
    const { n, sync } = notifier();
    await sync.updateSettings({ muteUntil: NOW - 60_000 });
    await n.handle(proposed(1, 'T-1'), false);
    expect(Object.keys(await toasts())).toEqual(['ticket:T-1']);
    await sync.updateSettings({ muteUntil: NOW + 8 * HOUR_MS });
    await n.handle(proposed(2, 'T-2'), false);
    expect(Object.keys(await toasts())).toEqual(['ticket:T-1']);
    await sync.updateSettings({ muteUntil: 0 });
    await n.handle(proposed(3, 'T-3'), false);
    expect(Object.keys(await toasts())).toContain('ticket:T-3');
  });
});

describe('click', () => {
  it('opens the page, clears the toast and marks the item read', async () => {
    const { n, open } = notifier();
    await n.handle(proposed(1, 'T-1'), false);
    await n.activate('ticket:T-1');
    expect(open).toHaveBeenCalledWith('https://tracker.example/tickets/T-1');
    expect(await toasts()).toEqual({});
    expect((await getLocal('recent'))[0]?.read).toBe(true);
    expect(await fakeBrowser.action.getBadgeText({})).toBe('');
  });

  it('the summary toast goes away and shows the list instead of opening a page', async () => {
    const { n, open } = notifier();
    const openPopup = vi.fn(async () => undefined);
    fakeBrowser.action.openPopup = openPopup;
    for (let seq = 1; seq <= 5; seq++) await n.handle(proposed(seq, `T-${seq}`), true);
    await n.flushCatchUp();
    await n.activate(SUMMARY_ID);
    expect(open).not.toHaveBeenCalled();
    expect(openPopup).toHaveBeenCalled();
    expect(await toasts()).toEqual({});
  });

  it('in Firefox (MV2, the toolbar button is browserAction) the summary toast opens the list too', async () => {
    const { n } = notifier();
    const openPopup = vi.fn(async () => undefined);
    const fake = fakeBrowser as unknown as Record<'action' | 'browserAction', unknown>;
    const action = fake.action;
    fake.action = undefined;
    fakeBrowser.browserAction.openPopup = openPopup;
    fakeBrowser.browserAction.setBadgeText = vi.fn(async () => undefined);
    fakeBrowser.browserAction.setBadgeBackgroundColor = vi.fn(async () => undefined);
    try {
      for (let seq = 1; seq <= 5; seq++) await n.handle(proposed(seq, `T-${seq}`), true);
      await n.flushCatchUp();
      await n.activate(SUMMARY_ID);
      expect(openPopup).toHaveBeenCalled();
    } finally {
      fake.action = action;
    }
  });
});

describe('actions on toasts', () => {
  const grant = (act: string[]) =>
    setLocal('auth', {
      relayUrl: 'http://r',
      token: 't',
      user: { name: 'ada', topics: ['**'], act },
    });
  const question = (seq: number, options: string[]) =>
    approval(seq, 'Q', {
      kind: 'agent.question_added',
      tag: 'question:Q',
      actions: [
        ...options.map((o, i) => ({ id: `option-${i + 1}`, title: o, input: 'none' as const })),
        { id: 'answer', title: 'Answer…', input: 'text' as const },
      ],
    });

  it('a person with the grant gets a button per action; the button maps back to its action', async () => {
    await grant(['agents/*']);
    const { n } = notifier();
    await n.handle(approval(1, 'A'), false);
    expect((await toasts())['approval:A']?.buttons).toEqual([
      { title: 'Approve' },
      { title: 'Deny' },
    ]);
    expect(await n.buttonAction('approval:A', 1)).toBe('deny');
    expect(await n.buttonAction('approval:A', 2)).toBeUndefined();
  });

  it('without the grant, the same toast has no buttons', async () => {
    await grant(['tickets']);
    const { n } = notifier();
    await n.handle(approval(1, 'A'), false);
    expect((await toasts())['approval:A']).not.toHaveProperty('buttons');
    expect(await n.buttonAction('approval:A', 0)).toBeUndefined();
  });

  it('a question with two options offers them; with three, no buttons', async () => {
    await grant(['**']);
    const { n } = notifier();
    await n.handle(question(1, ['Postgres', 'SQLite']), false);
    expect((await toasts())['question:Q']?.buttons).toEqual([
      { title: 'Postgres' },
      { title: 'SQLite' },
    ]);
    await n.handle(question(2, ['Postgres', 'SQLite', 'MySQL']), false);
    expect((await toasts())['question:Q']).not.toHaveProperty('buttons');
  });

  it('Firefox: never buttons, requireInteraction or silent', async () => {
    await grant(['**']);
    const n = createNotifier({ richToasts: false, now: () => NOW });
    await n.handle(approval(1, 'A'), false);
    await n.raiseAgain('approval:A');
    await n.showOutcome('approval:A', 'Approved', 'by ada');
    for (const toast of Object.values(await toasts())) {
      expect(toast).not.toHaveProperty('buttons');
      expect(toast).not.toHaveProperty('requireInteraction');
      expect(toast).not.toHaveProperty('silent');
    }
  });
});

describe('decided elsewhere', () => {
  const asked = approval(1, 'A', { ts: NOW });

  it("herald.decided clears the item's toast, marks it decided (title kept), and leaves the outcome toast", async () => {
    const { n } = notifier();
    await n.handle(asked, false);
    await n.showOutcome('approval:A', 'Approved: Bump zod to 4.6', 'by ada');
    await n.handle({ ...decidedEvent(2, asked, 'bob'), ts: NOW + 1000 }, false);
    expect(Object.keys(await toasts())).toEqual([`${OUTCOME_PREFIX}approval:A`]);
    expect((await getLocal('recent'))[0]).toMatchObject({
      seq: 1,
      title: 'Approval needed: Bump zod to 4.6',
      sticky: false,
      decided: {
        action: 'approve',
        by: 'bob',
        message: 'Approved: Bump zod to 4.6',
        at: NOW + 1000,
      },
    });
    expect(await fakeBrowser.action.getBadgeText({})).toBe('');
  });

  it("the upstream's resolution within 10 minutes is listed, not toasted; later, or a new sticky event, toasts", async () => {
    const { n } = notifier();
    await n.handle(asked, false);
    await n.handle({ ...decidedEvent(2, asked), ts: NOW }, false);
    const resolved = makeEvent(3, {
      tag: 'approval:A',
      title: 'Resolved: Bump zod',
      ts: NOW + 60_000,
    });
    await n.handle(resolved, false);
    expect(await toasts()).toEqual({});
    expect((await getLocal('recent'))[0]).toMatchObject({ seq: 3, decided: { by: 'alice' } });
    await n.handle(makeEvent(4, { tag: 'approval:A', ts: NOW + 11 * 60_000 }), false);
    expect(Object.keys(await toasts())).toEqual(['approval:A']);
    await n.handle(approval(5, 'A', { ts: NOW + 11 * 60_000 }), false);
    expect((await toasts())['approval:A']?.requireInteraction).toBe(true);
    expect((await getLocal('recent'))[0]?.decided).toBeUndefined();
  });

  it('an answer to an older question does not clear a newer one with the same tag', async () => {
    const { n } = notifier();
    await n.handle(asked, false);
    await n.handle(approval(2, 'A'), false);
    await n.handle(decidedEvent(3, asked), false);
    expect(Object.keys(await toasts())).toEqual(['approval:A']);
    expect((await getLocal('recent'))[0]).toMatchObject({ seq: 2, sticky: true });
  });

  it('herald.decided passes even with every event type switched off', async () => {
    const { n } = notifier();
    await n.handle(asked, false);
    await seedLegacyPrefs({
      proposedResolution: false,
      otherStatus: false,
      approvals: false,
      questions: false,
      lifecycle: false,
      messages: false,
      otherSources: false,
    });
    await n.handle(decidedEvent(2, asked), false);
    expect(await toasts()).toEqual({});
    expect((await getLocal('recent'))[0]?.decided?.by).toBe('alice');
  });

  it('a publisher cannot pass its own event off as a decision', async () => {
    const { n } = notifier();
    await n.handle(asked, false);
    await n.handle({ ...decidedEvent(2, asked), origin: 'publisher:ci' }, false);
    expect((await getLocal('recent'))[0]).toMatchObject({ seq: 2 });
    expect((await getLocal('recent'))[0]?.decided).toBeUndefined();
  });

  it('clicking the outcome toast opens the item', async () => {
    const { n, open } = notifier();
    await n.handle(asked, false);
    await n.showOutcome('approval:A', 'Approved', 'by ada');
    await n.activate(`${OUTCOME_PREFIX}approval:A`);
    expect(open).toHaveBeenCalledWith('https://agents.example/approvals/A');
    expect(await toasts()).toEqual({});
  });
});

describe("the person's state from other browsers", () => {
  /** A notifier whose list follows the state, as the worker wires it. */
  function following() {
    const t = notifier();
    t.sync.onChange(() => t.n.applyState());
    return t;
  }
  const frame = (rev: number, key: string, value: unknown) => ({
    head: rev,
    reset: false,
    entries: [{ key, rev, at: NOW, value }],
  });

  it('a read mark made elsewhere clears the toast, marks the item read, and drops it from the badge', async () => {
    const { n, sync } = following();
    await n.handle(proposed(1, 'T-1'), false);
    await n.handle(proposed(2, 'T-2'), false);
    expect(await fakeBrowser.action.getBadgeText({})).toBe('2');
    await sync.applyFrame(frame(1, 'read:ticket:T-1', { seq: 1 }));
    expect(Object.keys(await toasts())).toEqual(['ticket:T-2']);
    expect((await getLocal('recent')).find((i) => i.tag === 'ticket:T-1')?.read).toBe(true);
    expect(await fakeBrowser.action.getBadgeText({})).toBe('1');
  });

  it('a replay after a read mark does not toast it again, and a mark for an older seq does not hide a newer one', async () => {
    const { n, sync } = following();
    await sync.applyFrame(frame(1, 'read:ticket:T-1', { seq: 5 }));
    await sync.applyFrame(frame(2, 'read:ticket:T-2', { seq: 5 }));
    await n.handle(proposed(5, 'T-1'), true);
    await n.handle(proposed(6, 'T-2'), true);
    await n.flushCatchUp();
    expect(Object.keys(await toasts())).toEqual(['ticket:T-2']);
    expect((await getLocal('recent')).map((i) => [i.tag, i.read])).toEqual([
      ['ticket:T-2', false],
      ['ticket:T-1', true],
    ]);
  });

  it('a read mark arriving during the replay takes the item out of the catch-up', async () => {
    const { n, sync } = following();
    await n.handle(proposed(1, 'T-1'), true);
    await n.handle(proposed(2, 'T-2'), true);
    await sync.applyFrame(frame(1, 'read:ticket:T-1', { seq: 1 }));
    await n.flushCatchUp();
    expect(Object.keys(await toasts())).toEqual(['ticket:T-2']);
  });

  it('a snooze clears the toast and keeps new events for the tag quiet until it ends', async () => {
    const { n, sync } = following();
    await n.handle(proposed(1, 'T-1'), false);
    // The badge reads the machine's clock: a snooze far past both clocks' "now".
    const until = NOW + 400 * 24 * HOUR_MS;
    await sync.applyFrame(frame(1, 'snooze:ticket:T-1', { seq: 1, until }));
    expect(await toasts()).toEqual({});
    expect((await getLocal('recent'))[0]?.snoozed).toEqual({ seq: 1, until });
    expect(await fakeBrowser.action.getBadgeText({})).toBe('');
    await n.handle(proposed(2, 'T-1'), false);
    expect(await toasts()).toEqual({});
  });

  it('"until it changes" lets the next event for the item through', async () => {
    const { n, sync } = following();
    await n.handle(proposed(1, 'T-1'), false);
    await sync.applyFrame(frame(1, 'snooze:ticket:T-1', { seq: 1, change: true }));
    expect(await toasts()).toEqual({});
    await n.handle(proposed(2, 'T-1'), false);
    expect(Object.keys(await toasts())).toEqual(['ticket:T-1']);
    expect((await getLocal('recent'))[0]?.snoozed).toBeUndefined();
  });

  it('a click and a toast the person closed (byUser) send a read mark; a toast that expired does not', async () => {
    const { n, sync } = following();
    await n.handle(proposed(1, 'T-1'), false);
    await n.handle(proposed(2, 'T-2'), false);
    await n.activate('ticket:T-1');
    await n.closed('ticket:T-2', false);
    await n.closed('ticket:T-2', undefined);
    expect(sync.view().outbox).toEqual({ 'read:ticket:T-1': { seq: 1 } });
    await n.closed('ticket:T-2', true);
    expect(sync.view().outbox).toEqual({
      'read:ticket:T-1': { seq: 1 },
      'read:ticket:T-2': { seq: 2 },
    });
    expect(await fakeBrowser.action.getBadgeText({})).toBe('');
  });

  it('in Firefox a closed toast is no read: it says byUser for an expired one too', async () => {
    const sync = offlineSync();
    const n = createNotifier({ richToasts: false, now: () => NOW, sync, closeIsRead: false });
    sync.onChange(() => n.applyState());
    await n.handle(proposed(1, 'T-1'), false);
    await n.closed('ticket:T-1', true);
    expect(sync.view().outbox).toEqual({});
    expect(await fakeBrowser.action.getBadgeText({})).toBe('1');
    await n.activate('ticket:T-1');
    expect(sync.view().outbox).toEqual({ 'read:ticket:T-1': { seq: 1 } });
  });

  it('quiet hours list what arrives; what waits breaks through only when the person lets it', async () => {
    const { n, sync } = following();
    const quietHours = {
      enabled: true,
      from: '00:00',
      to: '00:00',
      days: [0, 1, 2, 3, 4, 5, 6],
      timeZone: 'UTC',
      stickyBreaksThrough: false,
    };
    await sync.updateSettings({ quietHours });
    await n.handle(proposed(1, 'T-1'), false);
    await n.handle(makeEvent(2), false);
    expect(await toasts()).toEqual({});
    await sync.updateSettings({ quietHours: { ...quietHours, stickyBreaksThrough: true } });
    await n.handle(proposed(3, 'T-3'), false);
    await n.handle(makeEvent(4), false);
    expect(Object.keys(await toasts())).toEqual(['ticket:T-3']);
    expect(await getLocal('recent')).toHaveLength(4);
  });
});
