import { closePolicy } from '@herald/shared';
import { Conn, RefusedError, totals } from './conn';
import { percentiles, round } from './stats';
import {
  nowMicros,
  type ClientCommand,
  type ClientReply,
  type ClientSetup,
  type ClientStats,
  type StormResult,
} from './ipc';

/**
 * A client process: holds many connections, does the minimum per message, and answers the
 * orchestrator over IPC. Started by client-pool.ts with `fork`.
 */
let setup: ClientSetup | undefined;
const conns: Conn[] = [];
const closes: Record<string, number> = {};
let connectErrors = 0;
let retries = 0;
let mark = { cpu: process.cpuUsage(), wall: nowMicros() };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function connectWithRetry(conn: Conn, deadline: number, since?: number): Promise<boolean> {
  for (let attempt = 0; attempt < 50 && Date.now() < deadline; attempt++) {
    try {
      await conn.connect(since, deadline - Date.now());
      return true;
    } catch (err) {
      // The server asked to come back later: retry after a random pause.
      if (err instanceof RefusedError && closePolicy(err.code) === 'back_off') {
        retries++;
        await sleep(100 + Math.random() * 400);
        continue;
      }
      connectErrors++;
      return false;
    }
  }
  return false;
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<unknown>) {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}

async function connect(count: number, timeoutMs: number): Promise<number> {
  if (!setup) throw new Error('setup first');
  const deadline = Date.now() + timeoutMs;
  const fresh: Conn[] = [];
  for (let i = 0; i < count; i++) {
    const c = new Conn(conns.length, setup, (code) => {
      closes[code] = (closes[code] ?? 0) + 1;
    });
    conns.push(c);
    fresh.push(c);
  }
  // Bounded concurrency: a listen backlog overflow would measure the kernel, not the server.
  await pool(fresh, 200, (c) => connectWithRetry(c, deadline));
  return conns.filter((c) => c.connected).length;
}

/**
 * Drops `count` clients at once and brings them all back with `since` (and `epoch`: Herald
 * only), to `url` when given (another relay, after a failover).
 */
async function storm(count: number, timeoutMs: number, url?: string): Promise<StormResult> {
  const victims = conns.slice(0, count);
  const retriesBefore = retries;
  const cpuBefore = process.cpuUsage();
  const dropAt = nowMicros();
  const deadline = Date.now() + timeoutMs;
  for (const c of victims) {
    c.drop();
    if (url) c.url = url;
    c.welcomeHead = -1;
    c.caughtUpAt = 0;
  }
  const attempts = victims.map((c) => connectWithRetry(c, deadline, c.lastSeq));
  // How long this process took just to start the handshakes: client-side cost, not the server's.
  const startedMs = round((nowMicros() - dropAt) / 1000);
  const back = await Promise.all(attempts);
  while (Date.now() < deadline && victims.some((c) => c.caughtUpAt === 0)) await sleep(20);
  const done = victims.filter((c) => c.caughtUpAt > 0);
  const last = done.reduce((m, c) => Math.max(m, c.caughtUpAt), dropAt);
  const dist = (xs: number[]) => percentiles(xs, [50, 90, 100]).map((us) => round(us / 1000));
  const cpu = process.cpuUsage(cpuBefore);
  return {
    dropAt,
    startedMs,
    welcomeMs: dist(victims.map((c) => c.readyAt - dropAt)),
    caughtUpMsDist: dist(done.map((c) => c.caughtUpAt - dropAt)),
    clientCpuCores: round((cpu.user + cpu.system) / (nowMicros() - dropAt)),
    caughtUpMs: (last - dropAt) / 1000,
    reconnected: back.filter(Boolean).length,
    stragglers: victims.length - done.length,
    retries: retries - retriesBefore,
  };
}

function stats(): ClientStats {
  const cpu = process.cpuUsage(mark.cpu);
  let minLastSeq = Infinity;
  let maxLastSeq = 0;
  let minReceived = Infinity;
  for (const c of conns) {
    minLastSeq = Math.min(minLastSeq, c.lastSeq);
    maxLastSeq = Math.max(maxLastSeq, c.lastSeq);
    minReceived = Math.min(minReceived, c.received);
  }
  let receivedByConnected = 0;
  for (const c of conns) if (c.connected) receivedByConnected += c.received;
  return {
    receivedByConnected,
    connected: conns.filter((c) => c.connected).length,
    received: totals.received,
    bytes: totals.bytes,
    outOfOrder: totals.outOfOrder,
    cpuMicros: cpu.user + cpu.system,
    wallMicros: nowMicros() - mark.wall,
    latencies: totals.latencies,
    closes,
    connectErrors,
    minLastSeq: conns.length ? minLastSeq : 0,
    maxLastSeq,
    minReceived: conns.length ? minReceived : 0,
  };
}

function reset(): void {
  totals.received = 0;
  totals.bytes = 0;
  totals.outOfOrder = 0;
  totals.latencies = [];
  for (const c of conns) c.received = 0;
  mark = { cpu: process.cpuUsage(), wall: nowMicros() };
}

async function handle(msg: ClientCommand): Promise<ClientReply> {
  switch (msg.cmd) {
    case 'setup':
      setup = msg.setup;
      return { id: msg.id, ok: true };
    case 'connect':
      return { id: msg.id, ok: true, connected: await connect(msg.count, msg.timeoutMs) };
    case 'reset':
      reset();
      return { id: msg.id, ok: true };
    case 'stats':
      return { id: msg.id, ok: true, stats: stats() };
    case 'storm':
      return { id: msg.id, ok: true, storm: await storm(msg.count, msg.timeoutMs, msg.url) };
    case 'close':
      for (const c of conns) c.close();
      conns.length = 0;
      return { id: msg.id, ok: true };
  }
}

/** The orchestrator may have given up on us (timeout) and closed the channel: don't crash. */
function send(msg: unknown): void {
  if (process.connected) process.send?.(msg);
}

process.on('message', (msg: ClientCommand) => {
  handle(msg).then(
    (reply) => send(reply),
    (err: unknown) => send({ id: msg.id, ok: false, error: String(err) }),
  );
});
process.on('disconnect', () => process.exit(0));

// Progress for the closed-loop publisher; cheap, and silent when nothing moved.
let reported = -1;
setInterval(() => {
  if (totals.received !== reported) {
    reported = totals.received;
    send({ progress: true, received: totals.received });
  }
}, 25).unref();
