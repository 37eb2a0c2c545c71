import type { ServerMessage, StateSnapshot, StreamControl } from '@herald/shared';
import * as wsModule from 'ws';
import type { StoredEvent } from './store/log';

export type Transport = 'ws' | 'ndjson' | 'sse';
export type StreamTransport = Exclude<Transport, 'ws'>;

type FrameFn = (data: Buffer, options: object) => Buffer[];
// ws ships its RFC 6455 framer but its types don't declare it.
const wsFrame = (wsModule as unknown as { Sender: { frame: FrameFn } }).Sender.frame;

/**
 * One complete, unmasked WebSocket text frame. Server frames are identical for every client,
 * so an event is framed once and the same bytes are written to every socket.
 */
export function textFrame(text: string): Buffer {
  const parts = wsFrame(Buffer.from(text), {
    fin: true,
    rsv1: false,
    opcode: 1,
    mask: false,
    readOnly: false,
  });
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/**
 * An event's bytes per transport, each encoded at most once however many readers get it. The
 * wrappers are spliced around the envelope's stored JSON by hand, deliberately: parsing and
 * re-encoding every envelope to build a typed frame would cost the hot path (one event, every
 * reader) for bytes that cannot differ (frames.test.ts pins them).
 */
export class EncodedEvent {
  private ws?: Buffer;
  private ndjson?: Buffer;
  private sse?: Buffer;

  constructor(readonly event: StoredEvent) {}

  for(transport: Transport): Buffer {
    switch (transport) {
      case 'ws':
        return (this.ws ??= textFrame(`{"type":"event","event":${this.event.json}}`));
      case 'ndjson':
        return (this.ndjson ??= Buffer.from(`${this.event.json}\n`));
      case 'sse':
        return (this.sse ??= Buffer.from(
          `id: ${this.event.seq}\nevent: event\ndata: ${this.event.json}\n\n`,
        ));
    }
  }
}

/** A WebSocket control frame, from its protocol type. */
export function wsControl(msg: ServerMessage): Buffer {
  return textFrame(JSON.stringify(msg));
}

/**
 * A stream's control line, from its protocol type: one JSON line for NDJSON; for SSE the same
 * JSON as the data of a message named by its `event`, so `EventSource` listeners can pick it.
 */
export function streamControlText(transport: StreamTransport, msg: StreamControl): string {
  const json = JSON.stringify(msg);
  return transport === 'sse' ? `event: ${msg.event}\ndata: ${json}\n\n` : `${json}\n`;
}

export function streamControl(transport: StreamTransport, msg: StreamControl): Buffer {
  return Buffer.from(streamControlText(transport, msg));
}

/** The keep-alive each transport understands, built once per beat. */
export function heartbeatBytes(head: number, at: string): Record<Transport, Buffer> {
  return {
    ws: wsControl({ type: 'heartbeat', head, at }),
    ndjson: streamControl('ndjson', { event: 'heartbeat', head, at }),
    // SSE's own keep-alive, a comment line: EventSource skips it, listeners see nothing.
    sse: Buffer.from(': keep-alive\n\n'),
  };
}

/** Marks the end of a reader's replay, in its transport's shape. */
export function caughtUpBytes(transport: Transport, seq: number): Buffer {
  return transport === 'ws'
    ? wsControl({ type: 'caught_up', seq })
    : streamControl(transport, { event: 'caught_up', seq });
}

/** A person's state (a snapshot or one change), for the one socket it belongs to. */
export function stateFrame(snapshot: StateSnapshot): Buffer {
  return wsControl({ type: 'state', ...snapshot });
}
