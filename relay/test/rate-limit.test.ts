import { CLOSE } from '@herald/shared';
import { describe, expect, it } from 'vitest';
import { startRelay } from './harness';
import { connect } from '@herald/testkit/ws-client';

describe('reconnect storms', () => {
  it('rate-limits new connections per address with a close code that says back off', async () => {
    const relay = await startRelay({
      env: { HERALD_CONNECT_BURST: '3', HERALD_CONNECT_RATE: '1' },
    });
    await relay.addUser('alice', 'alice-password', ['**']);
    const token = await relay.login('alice', 'alice-password');
    const accepted = await Promise.all([1, 2, 3].map(() => connect(relay.url)));
    for (const c of accepted) c.send({ type: 'hello', token });
    await Promise.all(accepted.map((c) => c.next('welcome')));
    const refused = await connect(relay.url);
    expect((await refused.closed).code).toBe(CLOSE.RATE_LIMITED);
    const stream = await fetch(`${relay.url}/v1/stream`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(stream.status).toBe(429);
    expect(stream.headers.get('retry-after')).toBe('1');
    for (const c of accepted) c.ws.close();
    await relay.stop();
  });
});
