import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { CLOSE, errorBodySchema } from '@herald/shared';
import { describe, expect, it } from 'vitest';
import { createRelay } from '../src/relay';
import { connect, subscribe } from '@herald/testkit/ws-client';

// In-process on purpose: the store is broken from outside while the relay runs, and an
// uncaught throw anywhere in the relay fails this test run instead of vanishing with a child.
describe('the store fails under a running relay', () => {
  it('a WebSocket hello closes 1011, heartbeats re-check without crashing, HTTP answers 503', async () => {
    const relay = await createRelay({
      port: 0,
      dataDir: mkdtempSync(join(tmpdir(), 'herald-store-')),
      heartbeatSeconds: 1,
      logLevel: 'silent',
    });
    try {
      await relay.accounts.addUser('alice', 'alice-password', ['**']);
      const login = await fetch(`${relay.url}/v1/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'alice', password: 'alice-password' }),
      });
      const { token } = (await login.json()) as { token: string };
      const connected = await subscribe(relay.url, { token });

      // The database goes away (as with an I/O error or a deleted file): every query now throws.
      (relay.accounts as unknown as { db: Database.Database }).db.close();

      const late = await connect(relay.url);
      late.send({ type: 'hello', token });
      expect((await late.closed).code).toBe(CLOSE.INTERNAL_ERROR);

      // Two heartbeats: each ran the token re-check against the failing store.
      await connected.client.next('heartbeat', 5000);
      await connected.client.next('heartbeat', 5000);
      connected.client.send({ type: 'ping', id: 'alive' });
      expect((await connected.client.next('pong')).id).toBe('alive');

      const health = await fetch(`${relay.url}/healthz`);
      expect(health.status).toBe(503);
      expect(((await health.json()) as { reason: string }).reason).toMatch(/^store: /);
      const again = await fetch(`${relay.url}/v1/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'alice', password: 'alice-password' }),
      });
      expect(again.status).toBe(503);
      expect(errorBodySchema.parse(await again.json()).error.code).toBe('store_unavailable');
      connected.client.ws.close();
    } finally {
      await relay.close();
    }
  });
});
