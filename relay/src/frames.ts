import type { ServerMessage, StateSnapshot } from '@herald/shared';
import * as wsModule from 'ws';
import type { StoredEvent } from './store/log';

export type Transport = 'ws' | 'ndjson' | 'sse';

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

/** An event's bytes per transport, each encoded at most once however many readers get it. */
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

/** The keep-alive each transport understands, built once per beat. */
export function heartbeatBytes(head: number, at: string): Record<Transport, Buffer> {
  return {
    ws: textFrame(JSON.stringify({ type: 'heartbeat', head, at })),
    ndjson: Buffer.from(JSON.stringify({ event: 'heartbeat', head, at }) + '\n'),
    sse: Buffer.from(': keep-alive\n\n'),
  };
}

/** Marks the end of a reader's replay, in its transport's shape. */
export function caughtUpBytes(transport: Transport, seq: number): Buffer {
  switch (transport) {
    case 'ws':
      return textFrame(JSON.stringify({ type: 'caught_up', seq }));
    case 'ndjson':
      return Buffer.from(JSON.stringify({ event: 'caught_up', seq }) + '\n');
    case 'sse':
      return Buffer.from(
        `event: caught_up\ndata: ${JSON.stringify({ event: 'caught_up', seq })}\n\n`,
      );
  }
}

/** A person's state (a snapshot or one change), for the one socket it belongs to. */
export function stateFrame(snapshot: StateSnapshot): Buffer {
  const frame: ServerMessage = { type: 'state', ...snapshot };
  return textFrame(JSON.stringify(frame));
}
