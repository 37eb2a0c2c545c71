import WebSocket from 'ws';
import { io as sioConnect, type Socket as SioSocket } from 'socket.io-client';
import { brokerSession, isBroker, subprotocols } from './broker-client';
import { nowMicros, type ClientSetup } from './ipc';

const SEQ_KEY = Buffer.from('"seq":');
const T0_KEY = Buffer.from('"t0":');

const EVENT_PREFIX = Buffer.from('{"type":"event"');

/** Herald and the ws peers both start an event frame with `{"type":"event"`. */
function isEventFrame(buf: Buffer): boolean {
  return (
    buf.length > EVENT_PREFIX.length &&
    buf.compare(EVENT_PREFIX, 0, EVENT_PREFIX.length, 0, EVENT_PREFIX.length) === 0
  );
}

/** The unsigned integer right after `key` in `buf`, or -1: cheaper than JSON.parse per message. */
export function intAfter(buf: Buffer, key: Buffer): number {
  let i = buf.indexOf(key);
  if (i < 0) return -1;
  i += key.length;
  let n = 0;
  let any = false;
  for (; i < buf.length; i++) {
    const c = buf[i]!;
    if (c < 48 || c > 57) break;
    n = n * 10 + (c - 48);
    any = true;
  }
  return any ? n : -1;
}

/** Counters shared by every connection of this process. */
export const totals = { received: 0, bytes: 0, outOfOrder: 0, latencies: [] as number[] };
const MAX_SAMPLES = 400_000;

export class RefusedError extends Error {
  constructor(readonly code: number) {
    super(`closed with ${code} before ready`);
  }
}

/**
 * One benchmark client: counts events, remembers the last seq (to resume with `since`), and when
 * it is a sampling client, records publish → receive latency from the event's `data.t0`.
 */
export class Conn {
  lastSeq = 0;
  received = 0;
  welcomeHead = -1;
  caughtUpAt = 0;
  /** When the server last accepted this client (µs, monotonic). */
  readyAt = 0;
  connected = false;
  /** The log the last welcome named, sent back with `since` (a resume at another relay). */
  epoch: string | undefined;
  /** Where this client connects: the setup's URL, or another relay after a failover. */
  url: string;
  private ws: WebSocket | undefined;
  private sio: SioSocket | undefined;

  constructor(
    readonly index: number,
    private readonly setup: ClientSetup,
    private readonly onClose: (code: number) => void,
  ) {
    this.url = setup.url;
  }

  get sampling(): boolean {
    return this.index % this.setup.sampleEvery === 0;
  }

  private onEvent(seq: number, buf: Buffer | undefined, t0: number, size: number): void {
    totals.received++;
    totals.bytes += size;
    this.received++;
    if (seq <= this.lastSeq) totals.outOfOrder++;
    else this.lastSeq = seq;
    if (this.sampling) {
      const start = buf ? intAfter(buf, T0_KEY) : t0;
      if (start > 0 && totals.latencies.length < MAX_SAMPLES) {
        totals.latencies.push(nowMicros() - start);
      }
    }
    if (this.caughtUpAt === 0 && this.welcomeHead >= 0 && this.lastSeq >= this.welcomeHead) {
      this.caughtUpAt = nowMicros();
    }
  }

  /** Resolves once the server has accepted the client (welcome / open / namespace connect). */
  connect(since?: number, timeoutMs = 30_000): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      // Bounded: a handshake the server never answers (SYNs dropped, backed off) gives up.
      const timer = setTimeout(
        () => {
          this.close();
          reject(new Error('connect timed out'));
        },
        Math.max(1, timeoutMs),
      );
      this.open(since).then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
  }

  private open(since?: number): Promise<void> {
    const { protocol, localAddresses } = this.setup;
    const url = this.url;
    const localAddress = localAddresses[this.index % localAddresses.length];
    this.connected = false;
    return new Promise<void>((resolve, reject) => {
      const ready = (): void => {
        this.connected = true;
        this.readyAt = nowMicros();
        // Peers have no resume: back is all there is to catching up.
        if (protocol !== 'herald') this.caughtUpAt = this.readyAt;
        resolve();
      };
      if (protocol === 'sio-official') {
        const s = sioConnect(url, {
          transports: ['websocket'],
          reconnection: false,
          forceNew: true,
          localAddress,
        } as Parameters<typeof sioConnect>[1]);
        this.sio = s;
        s.on('connect', ready);
        s.on('connect_error', (err) => reject(err));
        s.on('disconnect', () => this.closed(1006));
        s.on('event', (msg: { event: { seq: number; data: { t0: number } } }) => {
          this.onEvent(msg.event.seq, undefined, msg.event.data.t0, 300);
        });
        return;
      }
      const wsUrl = protocol === 'sio' ? `${url}/socket.io/?EIO=4&transport=websocket` : url;
      const ws = new WebSocket(wsUrl, subprotocols(protocol), {
        localAddress,
        perMessageDeflate: false,
      });
      this.ws = ws;
      // Mosquitto and NATS: the bench's own minimal MQTT / NATS client over this WebSocket.
      const broker = isBroker(protocol)
        ? brokerSession(protocol, {
            send: (data) => ws.send(data),
            ready,
            fail: reject,
            event: (payload, size) => this.onEvent(intAfter(payload, SEQ_KEY), payload, 0, size),
          })
        : undefined;
      ws.on('error', (err) => {
        if (!this.connected) reject(err);
      });
      ws.on('close', (code) => {
        if (this.ws !== ws) return;
        if (!this.connected) reject(new RefusedError(code));
        else this.closed(code);
      });
      ws.on('open', () => {
        if (broker) broker.opened();
        else if (protocol === 'ws') ready();
        else if (protocol === 'herald') {
          const epoch = since === undefined ? undefined : this.epoch;
          ws.send(JSON.stringify({ type: 'hello', token: this.setup.token, since, epoch }));
        }
      });
      ws.on('message', (data: Buffer) => {
        if (this.ws !== ws) return;
        if (broker) return broker.message(data);
        if (protocol === 'sio') {
          // engine.io v4 text packets: 0 open, 2 ping, 4 message; socket.io 0 connect, 2 event.
          if (data[0] === 0x34 && data[1] === 0x32)
            this.onEvent(intAfter(data, SEQ_KEY), data, 0, data.length);
          else if (data[0] === 0x30) ws.send('40');
          else if (data[0] === 0x32) ws.send('3');
          else if (data[0] === 0x34 && data[1] === 0x30) ready();
          return;
        }
        // Only event frames count: `caught_up` and heartbeats carry seq-like numbers too.
        if (isEventFrame(data)) this.onEvent(intAfter(data, SEQ_KEY), data, 0, data.length);
        else if (protocol === 'herald' && !this.connected) this.welcome(data, ready);
      });
    });
  }

  private welcome(data: Buffer, ready: () => void): void {
    const msg = JSON.parse(data.toString('utf8')) as {
      type: string;
      head?: number;
      epoch?: string;
    };
    if (msg.type !== 'welcome') return;
    this.welcomeHead = msg.head ?? 0;
    this.epoch = msg.epoch;
    if (this.caughtUpAt === 0 && this.lastSeq >= this.welcomeHead) this.caughtUpAt = nowMicros();
    ready();
  }

  private closed(code: number): void {
    this.connected = false;
    this.onClose(code);
  }

  /** Abrupt drop, as when a laptop's network goes away: no close handshake. */
  drop(): void {
    this.connected = false;
    const ws = this.ws;
    this.ws = undefined;
    ws?.terminate();
    this.sio?.disconnect();
  }

  close(): void {
    const ws = this.ws;
    this.ws = undefined;
    ws?.terminate();
    this.sio?.disconnect();
  }
}
