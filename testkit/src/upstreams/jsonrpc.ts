import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { waitFor } from '../wait';

export interface FakeRpcDaemon {
  url: string;
  /** Sends a JSON-RPC 2.0 notification to every connected client. */
  notify(method: string, params?: unknown): void;
  sendRaw(text: string): void;
  dropConnections(): void;
  setToken(token: string): void;
  close(): Promise<void>;
  /** Requests clients sent (e.g. the subscribe call). */
  readonly requests: Array<{ method: string; params?: unknown; id?: unknown }>;
  readonly connections: number;
  readonly unauthorized: number;
  waitForConnections(n: number, timeoutMs?: number): Promise<void>;
}

/** A download daemon speaking JSON-RPC 2.0 over WebSocket, with a Bearer token on the upgrade. */
export async function startFakeRpcDaemon(opts: {
  token: string;
  refuseSubscribe?: boolean;
}): Promise<FakeRpcDaemon> {
  let token = opts.token;
  let unauthorized = 0;
  const requests: FakeRpcDaemon['requests'] = [];
  const clients = new Set<WebSocket>();
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    verifyClient: (info, done) => {
      if (info.req.headers.authorization === `Bearer ${token}`) return done(true);
      unauthorized += 1;
      done(false, 401, 'Unauthorized');
    },
  });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  wss.on('connection', (ws) => {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    ws.on('message', (data) => {
      const req = JSON.parse(data.toString()) as { id?: unknown; method: string; params?: unknown };
      requests.push(req);
      if (req.id === undefined) return;
      const reply = opts.refuseSubscribe
        ? { jsonrpc: '2.0', id: req.id, error: { code: -32601, message: 'Method not found' } }
        : { jsonrpc: '2.0', id: req.id, result: true };
      ws.send(JSON.stringify(reply));
    });
  });
  const sendRaw = (text: string) => {
    for (const ws of clients) ws.send(text);
  };
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/jsonrpc`,
    notify: (method, params) => sendRaw(JSON.stringify({ jsonrpc: '2.0', method, params })),
    sendRaw,
    dropConnections() {
      for (const ws of clients) ws.terminate();
      clients.clear();
    },
    setToken(next) {
      token = next;
    },
    async close() {
      for (const ws of clients) ws.terminate();
      clients.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
    requests,
    get connections() {
      return clients.size;
    },
    get unauthorized() {
      return unauthorized;
    },
    async waitForConnections(n, timeoutMs) {
      await waitFor(() => clients.size >= n, `${n} JSON-RPC client(s)`, { timeoutMs });
    },
  };
}
