import { serverMessageSchema, type ServerMessage, type HeraldEvent } from '@herald/shared';
import { Waiters } from './wait';
import WebSocket from 'ws';

export interface TestClient {
  ws: WebSocket;
  messages: ServerMessage[];
  /** Resolves with the next message of this type (already received ones count, in order). */
  next<T extends ServerMessage['type']>(
    type: T,
    timeoutMs?: number,
  ): Promise<Extract<ServerMessage, { type: T }>>;
  /** Resolves once `count` events have arrived; returns all events so far. */
  events(count: number, timeoutMs?: number): Promise<HeraldEvent[]>;
  /** Resolves with the event of this id once it has arrived (already, or later). */
  event(id: string, timeoutMs?: number): Promise<HeraldEvent>;
  /** Resolves with what `check` returns once that is not `false`, re-checked as frames arrive. */
  until<R>(check: () => R | false, what: string, timeoutMs?: number): Promise<R>;
  closed: Promise<{ code: number; reason: string }>;
  send(msg: unknown): void;
}

export interface ConnectOptions {
  origin?: string;
  /** Trust this certificate (a proxy's self-signed one) for `https://` URLs. */
  ca?: string;
}

/** A WebSocket client that records every frame, schema-checked. */
export function connect(url: string, options: ConnectOptions = {}): Promise<TestClient> {
  const ws = new WebSocket(url.replace(/^http/, 'ws') + '/v1/ws', {
    ...(options.origin && { origin: options.origin }),
    ...(options.ca && { ca: options.ca }),
  });
  const messages: ServerMessage[] = [];
  const waiters = new Waiters();
  const cursor = new Map<string, number>();
  ws.on('message', (data) => {
    messages.push(serverMessageSchema.parse(JSON.parse(data.toString())));
    waiters.wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString() });
      waiters.wake();
    }),
  );
  const got = () => `got ${JSON.stringify(messages.map((m) => m.type))}`;
  const until = <R>(check: () => R | false, what: string, timeoutMs = 5000) =>
    waiters.wait(check, what, timeoutMs, got);

  const client: TestClient = {
    ws,
    messages,
    closed,
    send: (msg) => ws.send(JSON.stringify(msg)),
    until,
    next: (type, timeoutMs) =>
      until(
        () => {
          const from = cursor.get(type) ?? 0;
          const i = messages.findIndex((m, idx) => idx >= from && m.type === type);
          if (i < 0) return false;
          cursor.set(type, i + 1);
          return messages[i] as Extract<ServerMessage, { type: typeof type }>;
        },
        `a ${type} frame`,
        timeoutMs,
      ),
    events: (count, timeoutMs) =>
      until(
        () => {
          const evs = messages.flatMap((m) => (m.type === 'event' ? [m.event] : []));
          return evs.length >= count ? evs : false;
        },
        `${count} events`,
        timeoutMs,
      ),
    event: (id, timeoutMs) =>
      until(
        () => {
          for (const m of messages) if (m.type === 'event' && m.event.id === id) return m.event;
          return false;
        },
        `event ${id}`,
        timeoutMs,
      ),
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(client));
    ws.once('error', reject);
  });
}

/** Connects and says hello; resolves after the welcome. */
export async function subscribe(
  url: string,
  hello: Record<string, unknown>,
  options: ConnectOptions = {},
) {
  const client = await connect(url, options);
  client.send({ type: 'hello', ...hello });
  const welcome = await client.next('welcome');
  return { client, welcome };
}
