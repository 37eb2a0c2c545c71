import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLOSE } from '@herald/shared';
import { describe, expect, it } from 'vitest';
import { BIN, startRelay } from './harness';
import { readStream } from '@herald/testkit/stream-client';
import { subscribe } from '@herald/testkit/ws-client';

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

describe('SIGTERM when nobody reads the logs any more', () => {
  it('still stops: a broken log pipe must not hold the process', async () => {
    // As when a supervisor's log collector (or a test worker) dies: stdout and stderr break.
    const child = spawn(process.execPath, [BIN, 'serve'], {
      env: {
        ...process.env,
        HERALD_PORT: '0',
        HERALD_DATA_DIR: mkdtempSync(join(tmpdir(), 'herald-orphan-')),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise((resolve) => child.stdout.once('data', resolve));
    child.stdout.destroy();
    child.stderr.destroy();
    child.kill('SIGTERM');
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const stuck = new Promise<'stuck'>((resolve) =>
      setTimeout(() => resolve('stuck'), 10_000).unref(),
    );
    const outcome = await Promise.race([exited, stuck]);
    if (outcome === 'stuck') child.kill('SIGKILL');
    expect(outcome).toBe(0);
  }, 20_000);
});
