import { CLOSE } from '@herald/shared';
import { describe, expect, it } from 'vitest';
import { startRelay } from './harness';
import { readStream } from './stream-client';
import { subscribe } from './ws-client';

describe('SIGTERM', () => {
  it('closes readers with 1001 and exits cleanly', async () => {
    const relay = await startRelay();
    await relay.addUser('alice', 'alice-password', ['**']);
    const token = await relay.login('alice', 'alice-password');
    const { client } = await subscribe(relay.url, { token });
    const stream = await readStream(relay.url, token);
    const exit = relay.stop();
    expect((await client.closed).code).toBe(CLOSE.GOING_AWAY);
    await stream.ended;
    expect(stream.lines.at(-1)).toMatchObject({ event: 'closed', code: CLOSE.GOING_AWAY });
    expect(await exit).toBe(0);
  });
});
