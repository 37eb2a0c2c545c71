import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { createActing } from './act';
import { createNotifier, OUTCOME_PREFIX } from './notifier';
import { getLocal, setLocal } from './storage';
import { approval, decidedEvent, makeEvent } from '../test/events';

const NOW = Date.parse('2026-11-23T10:00:00Z');
const alice = { name: 'alice', topics: ['**'], act: ['agents/*'] };

type Toast = { title: string; message: string; buttons?: { title: string }[] };
const toasts = async () => (await fakeBrowser.notifications.getAll()) as Record<string, Toast>;

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status });
}
const approved = (by = 'alice') =>
  json(200, {
    requestId: 'req-00000001',
    action: 'approve',
    message: 'Approved: Bump zod to 4.6',
    by,
    at: new Date(NOW).toISOString(),
  });

async function setup(reply: () => Promise<Response> = async () => approved()) {
  await setLocal('auth', { relayUrl: 'http://r', token: 'tok', user: alice });
  const fetchFn = vi.fn<typeof fetch>(reply);
  const notifier = createNotifier({ richToasts: true, now: () => NOW });
  const acting = createActing({
    notifier,
    fetchFn,
    now: () => NOW,
    requestId: () => 'req-00000001',
    retryDelayMs: 0,
  });
  await notifier.handle(approval(5, 'A'), false);
  return { fetchFn, notifier, acting };
}

beforeEach(() => fakeBrowser.reset());

describe('answering from a toast', () => {
  it('a button performs its action: the sticky toast gives way to the outcome, the item is decided', async () => {
    const { acting, fetchFn } = await setup();
    expect((await toasts())['approval:A']?.buttons).toEqual([
      { title: 'Approve' },
      { title: 'Deny' },
    ]);
    await acting.fromToastButton('approval:A', 0);
    const body = JSON.parse(String(fetchFn.mock.calls[0]?.[1]?.body));
    expect(body).toEqual({ requestId: 'req-00000001', seq: 5, eventId: 'ev-5', action: 'approve' });
    const shown = await toasts();
    expect(Object.keys(shown)).toEqual([`${OUTCOME_PREFIX}approval:A`]);
    expect(shown[`${OUTCOME_PREFIX}approval:A`]).toMatchObject({
      title: 'Approved: Bump zod to 4.6',
      requireInteraction: false,
    });
    expect((await getLocal('recent'))[0]).toMatchObject({
      sticky: false,
      decided: { action: 'approve', by: 'alice', message: 'Approved: Bump zod to 4.6', at: NOW },
    });
    expect(await fakeBrowser.action.getBadgeText({})).toBe('');
  });

  it("then the relay's herald.decided and the upstream's resolution raise nothing more", async () => {
    const { acting, notifier } = await setup();
    await acting.fromToastButton('approval:A', 0);
    await notifier.handle({ ...decidedEvent(6, approval(5, 'A')), ts: NOW }, false);
    await notifier.handle(
      makeEvent(7, {
        tag: 'approval:A',
        kind: 'agent.approval_resolved',
        title: 'Approved',
        ts: NOW,
      }),
      false,
    );
    expect(Object.keys(await toasts())).toEqual([`${OUTCOME_PREFIX}approval:A`]);
    expect((await getLocal('recent'))[0]).toMatchObject({ seq: 7, decided: { by: 'alice' } });
  });

  it('a failure says why in its own toast and the sticky toast is back, the item still waiting', async () => {
    const { acting } = await setup(async () =>
      json(409, {
        error: { code: 'already_decided', message: 'x', status: 'approved', by: 'bob' },
      }),
    );
    await fakeBrowser.notifications.clear('approval:A'); // the click took the toast away
    await acting.fromToastButton('approval:A', 0);
    const shown = await toasts();
    expect(shown[`${OUTCOME_PREFIX}approval:A`]).toMatchObject({
      title: "Couldn't approve: already approved by bob",
      message: 'Approval needed: Bump zod to 4.6',
    });
    expect(shown['approval:A']).toMatchObject({ requireInteraction: true, silent: true });
    expect((await getLocal('recent'))[0]?.decided).toBeUndefined();
  });

  it('an unreachable relay: one retry with the same requestId, then words', async () => {
    const { acting, fetchFn } = await setup(async () => {
      throw new TypeError('Failed to fetch');
    });
    await acting.fromToastButton('approval:A', 1);
    expect(fetchFn).toHaveBeenCalledTimes(2);
    expect((await toasts())[`${OUTCOME_PREFIX}approval:A`]?.title).toBe(
      "Couldn't deny: the relay is unreachable; try again",
    );
  });

  it('a second click while the first answer is on its way sends nothing', async () => {
    let release: (r: Response) => void = () => undefined;
    const { acting, fetchFn } = await setup(
      () => new Promise<Response>((resolve) => (release = resolve)),
    );
    const first = acting.fromToastButton('approval:A', 0);
    await vi.waitFor(() => expect(fetchFn).toHaveBeenCalledTimes(1));
    await acting.fromToastButton('approval:A', 1);
    release(approved());
    await first;
    expect(fetchFn).toHaveBeenCalledTimes(1);
  });
});

describe('answering from the popup', () => {
  it('answers with a value, and reports a failure in words without touching toasts', async () => {
    const { acting } = await setup(async () =>
      json(504, { error: { code: 'upstream_unavailable', message: 'x' } }),
    );
    const reply = await acting.answer({ tag: 'approval:A', action: 'approve' }, 'popup');
    expect(reply).toEqual({
      ok: false,
      code: 'upstream_unavailable',
      message: "Couldn't approve: the agent dashboard is unreachable, still waiting",
    });
    expect(Object.keys(await toasts())).toEqual(['approval:A']);
  });

  it('success clears the toast; the list holds the outcome', async () => {
    const { acting } = await setup();
    expect(await acting.answer({ tag: 'approval:A', action: 'approve' }, 'popup')).toEqual({
      ok: true,
    });
    expect(await toasts()).toEqual({});
    expect((await getLocal('recent'))[0]?.decided?.by).toBe('alice');
  });

  it('without the grant, for an unknown action or an empty answer, nothing is sent', async () => {
    const { acting, fetchFn } = await setup();
    const text = { tag: 'approval:A', action: 'answer', value: ' ' };
    expect((await acting.answer(text, 'popup')).ok).toBe(false);
    await setLocal('auth', { relayUrl: 'http://r', token: 'tok', user: { ...alice, act: [] } });
    const reply = await acting.answer({ tag: 'approval:A', action: 'approve' }, 'popup');
    expect(reply).toMatchObject({ ok: false, code: 'action_forbidden' });
    expect(fetchFn).not.toHaveBeenCalled();
  });
});
