import { CLOSE } from '@herald/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { event, startRelay, type RelayProcess } from './harness';
import { readStream } from '@herald/testkit/stream-client';
import { connect, subscribe } from '@herald/testkit/ws-client';

let relay: RelayProcess;
let publisher: string;

beforeAll(async () => {
  relay = await startRelay({ env: { HERALD_LOGIN_MAX_FAILURES_PER_USER: '3' } });
  await relay.addUser('alice', 'alice-password', ['**']);
  await relay.addUser('bob', 'bob-password', ['**']);
  publisher = await relay.addPublisher('p', ['**']);
});
afterAll(() => relay.stop());

const login = (username: string, password: string) =>
  fetch(`${relay.url}/v1/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });

describe('login', () => {
  it('returns a token and the user; wrong passwords and unknown users get the same 401', async () => {
    const ok = await login('bob', 'bob-password');
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { token: string; user: unknown };
    expect(body.token).toMatch(/^hrd_[A-Za-z0-9_-]{43}$/);
    expect(body.user).toEqual({ name: 'bob', topics: ['**'], act: [] });
    for (const [u, p] of [
      ['bob', 'wrong'],
      ['nobody', 'whatever'],
    ] as const) {
      const res = await login(u, p);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        error: { code: 'invalid_credentials', message: 'wrong username or password' },
      });
    }
  });

  it('answers repeated failures with 429 and Retry-After, even for the right password', async () => {
    for (let i = 0; i < 3; i++) expect((await login('alice', 'guess-' + i)).status).toBe(401);
    const blocked = await login('alice', 'alice-password');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await blocked.json()) as { error: { code: string } }).error.code).toBe(
      'too_many_attempts',
    );
    // Another user from the same address is not locked out by alice's attacker (address limit is higher).
    expect((await login('bob', 'bob-password')).status).toBe(200);
  });
});

describe('logout', () => {
  it('revokes the token and closes its live WebSocket and stream with 4401; other sessions stay', async () => {
    const token = await relay.login('bob', 'bob-password');
    const other = await relay.login('bob', 'bob-password');
    const { client } = await subscribe(relay.url, { token });
    const keeps = await subscribe(relay.url, { token: other });
    const stream = await readStream(relay.url, token);
    const res = await fetch(`${relay.url}/v1/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(204);
    expect((await client.closed).code).toBe(CLOSE.UNAUTHORIZED);
    await stream.ended;
    expect(stream.lines.at(-1)).toEqual({
      event: 'closed',
      code: CLOSE.UNAUTHORIZED,
      reason: 'signed out',
    });
    // A hello with the revoked token is refused.
    const again = await connect(relay.url);
    again.send({ type: 'hello', token });
    expect((await again.closed).code).toBe(CLOSE.UNAUTHORIZED);
    // The other session of the same user is untouched.
    await relay.publish(publisher, event({ id: 'still-here' }));
    expect((await keeps.client.events(1))[0]!.id).toBe('still-here');
    keeps.client.ws.close();
  });
});
