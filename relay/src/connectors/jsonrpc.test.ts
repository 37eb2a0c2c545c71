import { afterEach, describe, expect, it } from 'vitest';
import { startFakeRpcDaemon, type FakeRpcDaemon } from '@herald/testkit/upstreams';
import { waitFor } from '@herald/testkit/wait';
import { createRecorder, type Recorder } from '../../test/recorder';
import { createJsonRpcConnector, jsonrpcConfigSchema } from './jsonrpc';
import type { Connector } from './types';

const TOKEN = 'rpc-token-9876';
let daemon: FakeRpcDaemon;
let connector: Connector;
let rec: Recorder;

async function setup(opts: { token?: string; progressIntervalMs?: number | null } = {}) {
  process.env.TEST_RPC_TOKEN = TOKEN;
  daemon = await startFakeRpcDaemon({ token: opts.token ?? TOKEN });
  rec = createRecorder();
  const cfg = jsonrpcConfigSchema.parse({
    type: 'jsonrpc',
    name: 'downloads',
    url: daemon.url,
    token: { env: 'TEST_RPC_TOKEN' },
    subscribe: { method: 'subscribe', params: ['download.*'] },
    progressIntervalMs: opts.progressIntervalMs ?? null,
    reconnect: { initialMs: 20, maxMs: 100, authRetryMs: 50 },
  });
  connector = createJsonRpcConnector(cfg, rec.ctx);
  connector.start();
}

afterEach(async () => {
  await connector?.stop();
  await daemon?.close();
});

describe('jsonrpc connector', () => {
  it('subscribes, maps download notifications and never lets progress through by default', async () => {
    await setup();
    await daemon.waitForConnections(1);
    await waitFor(() => daemon.requests.length === 1, 'the subscribe request');
    expect(daemon.requests[0]).toMatchObject({ method: 'subscribe', params: ['download.*'] });
    daemon.notify('download.started', { id: 'd1', name: 'debian.iso', size: 658505728 });
    for (let i = 1; i <= 50; i++)
      daemon.notify('download.progress', { id: 'd1', progress: i / 50 });
    daemon.notify('download.complete', { id: 'd1', name: 'debian.iso' });
    daemon.notify('download.error', [{ gid: 'd2', name: 'big.tar', error: 'disk full' }]);
    await rec.waitForEvents(3);
    await waitFor(() => connector.status().events === 3, 'three published events');
    expect(rec.events.map((e) => [e.kind, e.tag, e.title, e.sticky])).toEqual([
      ['download.started', 'download:d1', 'Downloading: debian.iso', false],
      ['download.complete', 'download:d1', 'Downloaded: debian.iso', false],
      ['download.error', 'download:d2', 'Download failed: big.tar', true],
    ]);
    expect(rec.events[0]!.body).toBe('628.0 MB');
    expect(rec.events[2]!.body).toBe('disk full');
  });

  it('coalesces a progress storm to at most one event per download per interval', async () => {
    await setup({ progressIntervalMs: 60_000 });
    await daemon.waitForConnections(1);
    for (let i = 1; i <= 100; i++) {
      daemon.notify('download.progress', { id: 'a', progress: i });
      daemon.notify('download.progress', { id: 'b', progress: i });
    }
    daemon.notify('download.complete', { id: 'a', name: 'a.bin' });
    await rec.waitForEvents(3);
    expect(rec.events.map((e) => e.title)).toEqual([
      'download a: 1%',
      'download b: 1%',
      'Downloaded: a.bin',
    ]);
  });

  it('skips malformed messages, retries a rejected token, reconnects after a drop', async () => {
    await setup({ token: 'other' });
    await waitFor(() => daemon.unauthorized >= 2, 'two refused upgrades');
    expect(connector.status()).toMatchObject({ connected: false, lastError: 'HTTP 401' });
    daemon.setToken(TOKEN);
    await daemon.waitForConnections(1);
    daemon.sendRaw('not json');
    daemon.sendRaw('{"jsonrpc":"1.0","method":"x"}');
    daemon.notify('download.started', { id: 'x' });
    await rec.waitForEvents(1);
    expect(connector.status().skipped).toBe(2);
    daemon.dropConnections();
    await daemon.waitForConnections(1);
    daemon.notify('download.complete', { id: 'x' });
    await rec.waitForEvents(2);
    expect(connector.status().reconnects).toBeGreaterThanOrEqual(2);
    expect(rec.logs.join('\n')).not.toContain(TOKEN);
  });

  it('shows a refused subscribe request in the status', async () => {
    process.env.TEST_RPC_TOKEN = TOKEN;
    daemon = await startFakeRpcDaemon({ token: TOKEN, refuseSubscribe: true });
    rec = createRecorder();
    connector = createJsonRpcConnector(
      jsonrpcConfigSchema.parse({
        type: 'jsonrpc',
        name: 'downloads',
        url: daemon.url,
        token: { env: 'TEST_RPC_TOKEN' },
        subscribe: { method: 'aria2.subscribe' },
      }),
      rec.ctx,
    );
    connector.start();
    await waitFor(() => connector.status().lastError !== null, 'an error in the status');
    expect(connector.status().lastError).toBe('subscribe failed: Method not found');
  });
});
