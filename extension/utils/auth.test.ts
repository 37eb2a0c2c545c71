import { describe, expect, it, vi } from 'vitest';
import { login, logout, normalizeRelayUrl, relayUrlWarning } from './auth';
import { wsUrl } from './connection';
import { wordsFor } from './words';

function reply(status: number, body: unknown, headers: Record<string, string> = {}) {
  return vi.fn(async () => new Response(JSON.stringify(body), { status, headers }));
}

describe('login', () => {
  it('a relay from before actions sends no act grant: the person may act on nothing', async () => {
    const fetchFn = reply(200, { token: 't', user: { name: 'ada', topics: ['tickets'] } });
    const r = await login('http://127.0.0.1:8787', 'ada', 'pw', fetchFn);
    expect(r.ok && r.user.act).toEqual([]);
  });

  it('returns the token and user on 200, posting to /v1/login under the relay URL', async () => {
    const user = { name: 'ada', topics: ['tickets'], act: ['tickets'] };
    const fetchFn = reply(200, { token: 't', user });
    const r = await login(' http://127.0.0.1:8787/ ', 'ada', 'pw', fetchFn);
    expect(r).toEqual({ ok: true, relayUrl: 'http://127.0.0.1:8787', token: 't', user });
    expect(fetchFn).toHaveBeenCalledWith(
      'http://127.0.0.1:8787/v1/login',
      expect.objectContaining({ method: 'POST' }),
    );
  });

  it('wrong password → invalid_credentials', async () => {
    const r = await login(
      'http://r',
      'ada',
      'x',
      reply(401, { error: { code: 'invalid_credentials', message: 'no' } }),
    );
    expect(r).toEqual({ ok: false, code: 'invalid_credentials' });
  });

  it('429 carries the Retry-After seconds', async () => {
    const r = await login(
      'http://r',
      'ada',
      'x',
      reply(
        429,
        { error: { code: 'too_many_attempts', message: 'slow' } },
        { 'retry-after': '42' },
      ),
    );
    expect(r).toEqual({ ok: false, code: 'too_many_attempts', retryAfter: 42 });
  });

  it('a network failure is "unreachable", a bad URL never leaves the browser', async () => {
    const down = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    expect(await login('http://127.0.0.1:9', 'a', 'b', down)).toEqual({
      ok: false,
      code: 'unreachable',
    });
    const never = vi.fn();
    expect(await login('relay.local', 'a', 'b', never)).toEqual({ ok: false, code: 'invalid_url' });
    expect(await login('ftp://relay', 'a', 'b', never)).toEqual({ ok: false, code: 'invalid_url' });
    expect(never).not.toHaveBeenCalled();
  });

  it('a 200 that is not a login response is not trusted', async () => {
    expect(await login('http://r', 'a', 'b', reply(200, { token: 5 }))).toEqual({
      ok: false,
      code: 'unexpected_response',
    });
  });
});

describe('logout', () => {
  it('sends the token as a bearer header and swallows network errors', async () => {
    const fetchFn = vi.fn(async () => new Response(null, { status: 204 }));
    await logout('http://r', 'tok', fetchFn);
    expect(fetchFn).toHaveBeenCalledWith(
      'http://r/v1/logout',
      expect.objectContaining({ headers: { authorization: 'Bearer tok' } }),
    );
    await expect(
      logout('http://r', 'tok', async () => Promise.reject(new Error('offline'))),
    ).resolves.toBeUndefined();
  });
});

describe('normalizeRelayUrl', () => {
  it('keeps a path prefix and drops trailing slashes', () => {
    expect(normalizeRelayUrl('https://relay.example/herald//')).toBe(
      'https://relay.example/herald',
    );
    expect(normalizeRelayUrl('https://user:pw@relay.example')).toBeUndefined();
  });
});

describe('relayUrlWarning', () => {
  it('warns for plain http to another host, not for https or this computer', () => {
    for (const url of ['http://relay.example.com', 'http://10.0.0.5:8787', 'http://[2001:db8::1]'])
      expect(relayUrlWarning(url), url).toBe('insecure_relay_url');
    for (const url of [
      'https://relay.example.com',
      'http://127.0.0.1:8787',
      'http://127.1.2.3',
      'http://localhost:8787',
      'http://herald.localhost',
      'http://[::1]:8787',
      'not a url',
    ])
      expect(relayUrlWarning(url), url).toBeUndefined();
    expect(wordsFor('insecure_relay_url')).toMatch(/not encrypted/);
  });

  it('an https relay is reached with wss', () => {
    expect(wsUrl('https://relay.example.com/herald')).toBe('wss://relay.example.com/herald/v1/ws');
    expect(wsUrl('http://127.0.0.1:8787')).toBe('ws://127.0.0.1:8787/v1/ws');
  });
});
