/** Messages between the orchestrator (run.ts) and a client process (clients.ts), over fork IPC. */

/**
 * How the clients speak to a server: Herald's hello protocol, bare ws, socket.io, or a broker's
 * protocol over WebSocket (MQTT 3.1.1 for Mosquitto, NATS's for NATS).
 */
export type ClientProtocol = 'herald' | 'ws' | 'sio' | 'sio-official' | 'mqtt' | 'nats';

export interface ClientSetup {
  protocol: ClientProtocol;
  /** ws:// URL of the server (for Herald, the /v1/ws endpoint). */
  url: string;
  /** Herald user token sent in the hello. */
  token?: string;
  /** Loopback source addresses to spread connections over (ports run short otherwise). */
  localAddresses: string[];
  /** Every `sampleEvery`-th client extracts the embedded send time of each event it receives. */
  sampleEvery: number;
}

export type ClientCommand =
  | { id: number; cmd: 'setup'; setup: ClientSetup }
  | { id: number; cmd: 'connect'; count: number; timeoutMs: number }
  | { id: number; cmd: 'reset' }
  | { id: number; cmd: 'stats' }
  | { id: number; cmd: 'storm'; count: number; timeoutMs: number; url?: string }
  | { id: number; cmd: 'close' };

export interface ClientStats {
  connected: number;
  /** Event messages received since the last reset. */
  received: number;
  bytes: number;
  /** Events whose seq was not above the client's previous one (duplicates or reordering). */
  outOfOrder: number;
  /** CPU time of this process (µs) and wall time (µs) since the last reset. */
  cpuMicros: number;
  wallMicros: number;
  /** Publish → receive latencies (µs) sampled since the last reset. */
  latencies: number[];
  /** Close codes seen since start, e.g. {"1013": 3}. */
  closes: Record<string, number>;
  connectErrors: number;
  /** Per-client highest seq, min and max over clients. */
  minLastSeq: number;
  maxLastSeq: number;
  /** Events received since the last reset by the clients connected now. */
  receivedByConnected: number;
  /** Per-client received counts since the last reset, min over clients. */
  minReceived: number;
}

export interface StormResult {
  /** When this process dropped its clients (µs, monotonic: comparable across processes). */
  dropAt: number;
  /** ms from the drop until the last client had replayed up to the head its welcome named. */
  caughtUpMs: number;
  reconnected: number;
  /** Clients that had not caught up when the deadline passed. */
  stragglers: number;
  /** Connection attempts refused (rate limit / try later) and retried. */
  retries: number;
  /** ms this process took to start every new handshake (its own cost). */
  startedMs: number;
  /** ms from the drop until accepted (welcome) and until caught up: p50, p90, max. */
  welcomeMs: number[];
  caughtUpMsDist: number[];
  /** This client process's CPU use during the storm, share of one core. */
  clientCpuCores: number;
}

export type ClientReply =
  | { id: number; ok: true; stats?: ClientStats; storm?: StormResult; connected?: number }
  | { id: number; ok: false; error: string };

/** Periodic progress so the publisher can keep a bounded number of events in flight. */
export interface ClientProgress {
  progress: true;
  received: number;
}

/** Monotonic µs: CLOCK_MONOTONIC is shared by every process on the machine, unlike timeOrigin. */
export function nowMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}
