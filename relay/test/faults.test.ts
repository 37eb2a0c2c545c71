import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorBodySchema, type HistoryResponse } from '@herald/shared';
import { describe, expect, it } from 'vitest';
import { event, startRelay, type RelayProcess } from './harness';
import { subscribe } from '@herald/testkit/ws-client';

/** Every event alice may read, following the history cursor to the head. */
async function readAll(relay: RelayProcess, token: string) {
  const all: { id: string; seq: number }[] = [];
  let since = 0;
  for (let page = 0; page < 10_000; page++) {
    const res = await fetch(`${relay.url}/v1/events?since=${since}&limit=1000`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await res.json()) as HistoryResponse & { next: number };
    all.push(...body.events);
    if (body.next >= body.head) return all;
    since = body.next;
  }
  throw new Error('history never reached the head');
}

describe('kill -9 during batch publishes', () => {
  it('each batch is all or nothing, and every acknowledged batch is stored at its seqs', async () => {
    const relay = await startRelay({ env: { HERALD_HISTORY_BURST: '1000' } });
    await relay.addUser('alice', 'alice-password', ['**']);
    const publisher = await relay.addPublisher('p', ['**']);
    const batches = new Map<string, string[]>();
    const acknowledged = new Map<string, number>();
    let acknowledgedBatches = 0;
    const producers = Array.from({ length: 3 }, (_, p) =>
      (async () => {
        for (let b = 0; b < 1000; b++) {
          const key = `p${p}-b${b}`;
          const ids = Array.from({ length: 500 }, (_, i) => `${key}-${i}`);
          batches.set(key, ids);
          try {
            const r = await relay.publish(
              publisher,
              ids.map((id) => event({ id })),
            );
            for (const x of r.results) acknowledged.set(x.id, x.seq);
            acknowledgedBatches++;
          } catch {
            return; // the relay died: this batch was never acknowledged
          }
        }
      })(),
    );
    while (acknowledgedBatches < 20) await new Promise((r) => setImmediate(r));
    await relay.kill9();
    await Promise.all(producers);
    await relay.restart();

    const token = await relay.login('alice', 'alice-password');
    const stored = new Map((await readAll(relay, token)).map((e) => [e.id, e.seq]));
    for (const [id, seq] of acknowledged) expect(stored.get(id), id).toBe(seq);
    let partial = 0;
    for (const [key, ids] of batches) {
      const present = ids.filter((id) => stored.has(id)).length;
      if (present !== 0 && present !== ids.length) partial++;
      if (present === ids.length) {
        // One transaction: the batch's seqs are consecutive, in request order.
        const first = stored.get(ids[0]!)!;
        expect(
          ids.map((id) => stored.get(id)! - first),
          key,
        ).toEqual(ids.map((_, i) => i));
      }
    }
    expect(partial).toBe(0);
    await relay.stop();
  });
});

/** A tmpfs of its own, so the disk can really fill up; needs root (CI and this machine are). */
function smallDisk(mib: number) {
  const dir = mkdtempSync(join(tmpdir(), 'herald-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${mib}m`, 'tmpfs', dir]);
  return {
    dir,
    /** Writes a file until the filesystem refuses another byte; returns its path. */
    fill() {
      const path = join(dir, 'filler');
      const fd = openSync(path, 'w');
      for (const size of [1 << 20, 1 << 12, 1]) {
        const chunk = Buffer.alloc(size, 1);
        try {
          for (;;) writeSync(fd, chunk);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
        }
      }
      closeSync(fd);
      return path;
    },
    unmount: () => execFileSync('umount', ['-l', dir]),
  };
}

/** Polls `/healthz` until it answers `status` (it caches for a second), bounded. */
async function healthBecomes(relay: RelayProcess, status: number) {
  let last: { status: number; body: unknown } | undefined;
  for (let i = 0; i < 100; i++) {
    const res = await fetch(`${relay.url}/healthz`);
    last = { status: res.status, body: await res.json() };
    if (res.status === status) return last.body as { status: string; reason?: string };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`healthz never answered ${status}: ${JSON.stringify(last)}`);
}

describe.runIf(process.getuid?.() === 0)('the disk fills up under a running relay', () => {
  it('publish answers 503 store_unavailable, health says why, readers stay, and it all resumes', async () => {
    const disk = smallDisk(24);
    try {
      const relay = await startRelay({ dataDir: join(disk.dir, 'data') });
      await relay.addUser('alice', 'alice-password', ['**']);
      const publisher = await relay.addPublisher('p', ['**']);
      const token = await relay.login('alice', 'alice-password');
      const reader = await subscribe(relay.url, { token, since: 0 });
      const acknowledged: string[] = [];
      const publishBatch = async (tag: string) => {
        const events = Array.from({ length: 50 }, (_, i) =>
          event({ id: `${tag}-${i}`, body: 'z'.repeat(2000) }),
        );
        const res = await fetch(`${relay.url}/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${publisher}` },
          body: JSON.stringify(events),
        });
        if (res.status === 202) acknowledged.push(...events.map((e) => e.id));
        return { status: res.status, body: await res.json() };
      };
      expect((await publishBatch('before')).status).toBe(202);

      const filler = disk.fill();
      let refused: { status: number; body: unknown } | undefined;
      for (let b = 0; b < 200 && !refused; b++) {
        const r = await publishBatch(`full-${b}`);
        if (r.status !== 202) refused = r;
      }
      expect(refused?.status).toBe(503);
      expect(errorBodySchema.parse(refused?.body).error.code).toBe('store_unavailable');
      const sick = await healthBecomes(relay, 503);
      expect(sick.status).toBe('unavailable');
      expect(sick.reason).toMatch(/disk full|SQLITE_FULL/);
      // The reader is still connected and answered.
      reader.client.send({ type: 'ping', id: 'still-there' });
      expect((await reader.client.next('pong')).id).toBe('still-there');

      rmSync(filler);
      expect((await publishBatch('after')).status).toBe(202);
      await healthBecomes(relay, 200);
      const got = await reader.client.events(acknowledged.length);
      expect(got.map((e) => e.id)).toEqual(acknowledged);

      // And after a restart every acknowledged event is still there, once, in order.
      reader.client.ws.close();
      await relay.stop();
      await relay.restart();
      const again = await relay.login('alice', 'alice-password');
      expect((await readAll(relay, again)).map((e) => e.id)).toEqual(acknowledged);
      await relay.stop();
    } finally {
      disk.unmount();
    }
  });
});

describe('half-open clients', () => {
  it('a reader that neither reads nor answers pings is dropped and its socket released', async () => {
    const relay = await startRelay({ env: { HERALD_HEARTBEAT_SECONDS: '1' } });
    await relay.addUser('alice', 'alice-password', ['**']);
    const token = await relay.login('alice', 'alice-password');
    const gone = await subscribe(relay.url, { token });
    // The peer vanished without a FIN: its socket stays open but nothing is read or answered.
    (gone.client.ws as unknown as { _socket: Socket })._socket.pause();
    const healthy = await subscribe(relay.url, { token });
    const closed = await relay.waitForLog(
      (e) => e.msg === 'connection close' && e.code === 1006,
      10_000,
    );
    expect(closed.user).toBe('alice');
    // The healthy one answered every ping and is still served.
    await healthy.client.next('heartbeat');
    const metrics = await (await fetch(`${relay.url}/metrics`)).text();
    expect(metrics).toMatch(/^herald_connections\{transport="ws"\} 1$/m);
    healthy.client.ws.close();
    await relay.stop();
  });
});
