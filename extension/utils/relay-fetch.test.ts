import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { postToRelay } from './relay-fetch';

const schema = z.object({ n: z.number() });

function answering(status: number, body: unknown, headers: Record<string, string> = {}) {
  return vi.fn(async (_url: string | URL | Request, _init?: RequestInit) =>
    Promise.resolve(
      new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers }),
    ),
  );
}

describe('postToRelay', () => {
  it('posts the body as JSON without cookies, with the token as Bearer when given', async () => {
    const fetchFn = answering(200, { n: 1 });
    await postToRelay('https://relay/v1/x', { a: 1 }, schema, { fetchFn, token: 'tok' });
    await postToRelay('https://relay/v1/login', { a: 2 }, schema, { fetchFn });
    const [url, init] = fetchFn.mock.calls[0]!;
    expect(url).toBe('https://relay/v1/x');
    expect(init).toMatchObject({ method: 'POST', body: '{"a":1}', credentials: 'omit' });
    expect(init?.headers).toEqual({
      'content-type': 'application/json',
      authorization: 'Bearer tok',
    });
    expect(fetchFn.mock.calls[1]![1]?.headers).toEqual({ 'content-type': 'application/json' });
  });

  it('a network failure is unreachable, never a throw', async () => {
    const fetchFn = vi.fn(async () => Promise.reject(new TypeError('Failed to fetch')));
    expect(await postToRelay('https://relay/v1/x', {}, schema, { fetchFn })).toEqual({
      kind: 'unreachable',
    });
  });

  it('a 2xx is ok when its body fits the schema, unexpected when it does not', async () => {
    const ok = await postToRelay('u', {}, schema, { fetchFn: answering(200, { n: 3 }) });
    expect(ok).toEqual({ kind: 'ok', data: { n: 3 } });
    const wrong = await postToRelay('u', {}, schema, { fetchFn: answering(200, { n: 'x' }) });
    expect(wrong).toEqual({ kind: 'unexpected' });
    const html = await postToRelay('u', {}, schema, { fetchFn: answering(200, '<html>') });
    expect(html).toEqual({ kind: 'unexpected' });
  });

  it('another status is refused, with the error body when the relay sent one', async () => {
    const body = { error: { code: 'too_many_attempts', message: 'slow down' } };
    const fetchFn = answering(429, body, { 'retry-after': '30' });
    const reply = await postToRelay('u', {}, schema, { fetchFn });
    expect(reply).toMatchObject({ kind: 'refused', status: 429, error: body.error });
    expect(reply.kind === 'refused' && reply.headers.get('retry-after')).toBe('30');
    const bare = await postToRelay('u', {}, schema, { fetchFn: answering(502, 'Bad Gateway') });
    expect(bare).toMatchObject({ kind: 'refused', status: 502 });
    expect(bare).not.toHaveProperty('error');
  });
});
