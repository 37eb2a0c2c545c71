import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StatePutResult } from '@herald/shared';
import { RETRY_MS, createFlusher, queuePuts, withoutSent } from './outbox';
import type { Auth, Outbox } from './storage';

const auth: Auth = {
  relayUrl: 'http://r',
  token: 'tok',
  user: { name: 'ada', topics: [], act: [] },
};

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers });

/** A relay that applies every put, numbering revs from 1. */
function applying() {
  let rev = 0;
  return vi.fn(async (_url: string | URL | Request, init?: RequestInit) => {
    const { puts } = JSON.parse(String(init?.body)) as { puts: { key: string }[] };
    const results = puts.map((p) => ({ key: p.key, applied: true, rev: ++rev }));
    return json(200, { head: rev, results });
  });
}

function setup(fetchFn: ReturnType<typeof vi.fn>, start: Outbox) {
  let outbox = start;
  const settled: (StatePutResult[] | 'dropped')[] = [];
  const flusher = createFlusher({
    fetchFn: fetchFn as unknown as typeof fetch,
    auth: async () => auth,
    pending: () => outbox,
    settle: async (sent, results) => {
      settled.push(results);
      outbox = withoutSent(outbox, sent);
    },
  });
  return { flusher, settled, outbox: () => outbox };
}

const read = (n: number) => Object.fromEntries([[`read:t${n}`, { seq: n }]]);

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('the outbox', () => {
  it('keeps the latest change per key, the newest last', () => {
    let o = queuePuts({}, [
      { key: 'read:a', value: { seq: 1 } },
      { key: 'settings', value: {} },
    ]);
    o = queuePuts(o, [{ key: 'read:a', value: { seq: 2 } }]);
    expect(Object.entries(o)).toEqual([
      ['settings', {}],
      ['read:a', { seq: 2 }],
    ]);
  });

  it('a key changed again while its put was on the way stays to be sent', () => {
    expect(withoutSent({ 'read:a': { seq: 3 }, b: 1 }, { 'read:a': { seq: 2 }, b: 1 })).toEqual({
      'read:a': { seq: 3 },
    });
  });

  it('sends with the bearer token, in requests of at most 100 puts, until empty', async () => {
    const fetchFn = applying();
    const start = Object.assign(
      {},
      ...Array.from({ length: 150 }, (_, i) => read(i + 1)),
    ) as Outbox;
    const t = setup(fetchFn, start);
    await t.flusher.flush();
    expect(fetchFn).toHaveBeenCalledTimes(2);
    const [url, init] = fetchFn.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('http://r/v1/me/state');
    expect(init.headers).toMatchObject({ authorization: 'Bearer tok' });
    expect(JSON.parse(String(init.body)).puts).toHaveLength(100);
    expect(t.outbox()).toEqual({});
  });

  it("stale and conflict answers are final: the values leave the outbox with the relay's answer", async () => {
    const current = { key: 'read:t1', rev: 9, at: 1, value: { seq: 7 } };
    const fetchFn = vi.fn(async () =>
      json(200, {
        head: 9,
        results: [{ key: 'read:t1', applied: false, reason: 'stale', current }],
      }),
    );
    const t = setup(fetchFn, read(1));
    await t.flusher.flush();
    expect(t.settled).toEqual([[expect.objectContaining({ reason: 'stale', current })]]);
    expect(t.outbox()).toEqual({});
  });

  it('offline: kept, and tried again later; a 429 waits as long as the relay said', async () => {
    const fetchFn = vi
      .fn()
      .mockRejectedValueOnce(new TypeError('offline'))
      .mockResolvedValueOnce(
        json(429, { error: { code: 'too_many_requests', message: '' } }, { 'retry-after': '5' }),
      )
      .mockImplementation(applying());
    const t = setup(fetchFn, read(1));
    await t.flusher.flush();
    expect(t.outbox()).toEqual(read(1));
    await vi.advanceTimersByTimeAsync(RETRY_MS);
    expect(fetchFn).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(fetchFn).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(fetchFn).toHaveBeenCalledTimes(3);
    expect(t.outbox()).toEqual({});
  });

  it('401: nothing more is sent until a new sign-in resets it; the changes wait', async () => {
    const fetchFn = vi.fn(async () => json(401, { error: { code: 'unauthorized', message: '' } }));
    const t = setup(fetchFn, read(1));
    await t.flusher.flush();
    await t.flusher.flush();
    expect(fetchFn).toHaveBeenCalledTimes(1);
    expect(t.outbox()).toEqual(read(1));
    t.flusher.reset();
    await t.flusher.flush();
    expect(fetchFn).toHaveBeenCalledTimes(2);
  });

  it('a 400 or a value that no longer fits the protocol is dropped, not sent forever', async () => {
    const fetchFn = vi.fn(async () =>
      json(400, { error: { code: 'invalid_request', message: '' } }),
    );
    const t = setup(fetchFn, { 'read:bad': { seq: 0 }, ...read(2) });
    await t.flusher.flush();
    expect(t.settled).toEqual(['dropped', 'dropped']);
    expect(
      JSON.parse(String((fetchFn.mock.calls[0] as unknown[] as [string, RequestInit])[1].body))
        .puts,
    ).toEqual([{ key: 'read:t2', value: { seq: 2 } }]);
    expect(t.outbox()).toEqual({});
  });

  it('one flush at a time; changes made during it go in one more request', async () => {
    const fetchFn = applying();
    const t = setup(fetchFn, read(1));
    const first = t.flusher.flush();
    const second = t.flusher.flush();
    await Promise.all([first, second]);
    expect(fetchFn).toHaveBeenCalledTimes(1);
  });
});
