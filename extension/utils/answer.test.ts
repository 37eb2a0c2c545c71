import { describe, expect, it, vi } from 'vitest';
import { actionRequestSchema, type ActionRequest } from '@herald/shared';
import { postAction } from './answer';

const request: ActionRequest = {
  requestId: '3b241101-e2bb-4255-8caf-4136c566a962',
  seq: 7,
  eventId: 'approval-9',
  action: 'approve',
};
const result = {
  requestId: request.requestId,
  action: 'approve',
  message: 'Approved: Bump zod to 4.6',
  by: 'alice',
  at: '2026-11-23T10:00:00.000Z',
};

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

describe('POST /v1/actions', () => {
  it('posts the request with the token and returns the result', async () => {
    const fetchFn = vi.fn(async () => json(200, result));
    const out = await postAction('http://r', 'tok', request, { fetchFn });
    expect(out).toEqual({ ok: true, result });
    const [url, init] = fetchFn.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('http://r/v1/actions');
    expect(init.method).toBe('POST');
    expect(init.headers).toMatchObject({ authorization: 'Bearer tok' });
    expect(actionRequestSchema.parse(JSON.parse(String(init.body)))).toEqual(request);
  });

  it('a network failure is retried once with the same requestId, then reported', async () => {
    const fetchFn = vi
      .fn<typeof fetch>()
      .mockRejectedValueOnce(new TypeError('Failed to fetch'))
      .mockResolvedValueOnce(json(200, result));
    expect(await postAction('http://r', 'tok', request, { fetchFn, retryDelayMs: 0 })).toEqual({
      ok: true,
      result,
    });
    const bodies = fetchFn.mock.calls.map(([, init]) => JSON.parse(String(init?.body)));
    expect(bodies[0].requestId).toBe(request.requestId);
    expect(bodies[1]).toEqual(bodies[0]);

    const down = vi.fn<typeof fetch>().mockRejectedValue(new TypeError('Failed to fetch'));
    expect(
      await postAction('http://r', 'tok', request, { fetchFn: down, retryDelayMs: 0 }),
    ).toEqual({ ok: false, code: 'answer_unreachable' });
    expect(down).toHaveBeenCalledTimes(2);
  });

  it('an error body gives its code, and for already_decided the status and who', async () => {
    const fetchFn = vi.fn(async () =>
      json(409, {
        error: {
          code: 'already_decided',
          message: 'already decided',
          status: 'approved',
          by: 'bob',
        },
      }),
    );
    expect(await postAction('http://r', 'tok', request, { fetchFn })).toEqual({
      ok: false,
      code: 'already_decided',
      status: 'approved',
      by: 'bob',
    });
  });

  it('an HTTP failure is not retried', async () => {
    const fetchFn = vi.fn(async () =>
      json(504, { error: { code: 'upstream_unavailable', message: 'no answer' } }),
    );
    expect(await postAction('http://r', 'tok', request, { fetchFn })).toEqual({
      ok: false,
      code: 'upstream_unavailable',
    });
    expect(fetchFn).toHaveBeenCalledTimes(1);
  });

  it('what does not parse is unexpected; a bare 401 is unauthorized', async () => {
    const odd = vi.fn(async () => json(200, { ok: 'yes' }));
    expect(await postAction('http://r', 'tok', request, { fetchFn: odd })).toEqual({
      ok: false,
      code: 'unexpected_response',
    });
    const html = vi.fn(async () => new Response('<html>', { status: 502 }));
    expect((await postAction('http://r', 'tok', request, { fetchFn: html })).ok).toBe(false);
    const bare = vi.fn(async () => new Response(null, { status: 401 }));
    expect(await postAction('http://r', 'tok', request, { fetchFn: bare })).toEqual({
      ok: false,
      code: 'unauthorized',
    });
  });

  it('a request the protocol refuses is not sent', async () => {
    const fetchFn = vi.fn(async () => json(200, result));
    const out = await postAction('http://r', 'tok', { ...request, value: '' }, { fetchFn });
    expect(out).toEqual({ ok: false, code: 'invalid_action' });
    expect(fetchFn).not.toHaveBeenCalled();
  });
});
