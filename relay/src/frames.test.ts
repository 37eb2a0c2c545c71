import { serverMessageSchema, streamControlSchema } from '@herald/shared';
import { describe, expect, it } from 'vitest';
import {
  caughtUpBytes,
  EncodedEvent,
  heartbeatBytes,
  streamControlText,
  textFrame,
  wsControl,
} from './frames';
import { decode } from '../test/decode-frames';

describe('textFrame', () => {
  it.each([5, 125, 126, 65_535, 65_536, 70_000])('frames %i bytes as one final text frame', (n) => {
    const text = 'x'.repeat(n);
    expect(decode(textFrame(text))).toEqual({ fin: true, opcode: 1, text });
  });
});

describe('encoded events and control frames', () => {
  const event = { seq: 7, topic: 't', kind: 'k', ts: 1, json: '{"seq":7,"id":"a"}' };

  it('encodes an event once per transport, in each transport shape', () => {
    const e = new EncodedEvent(event);
    expect(e.for('ws')).toBe(e.for('ws'));
    expect(decode(e.for('ws')).text).toBe('{"type":"event","event":{"seq":7,"id":"a"}}');
    expect(e.for('ndjson').toString()).toBe('{"seq":7,"id":"a"}\n');
    expect(e.for('sse').toString()).toBe('id: 7\nevent: event\ndata: {"seq":7,"id":"a"}\n\n');
  });

  it('heartbeats and caught_up parse with the protocol schemas', () => {
    const beat = heartbeatBytes(9, '2026-01-01T00:00:00.000Z');
    expect(serverMessageSchema.parse(JSON.parse(decode(beat.ws).text))).toEqual({
      type: 'heartbeat',
      head: 9,
      at: '2026-01-01T00:00:00.000Z',
    });
    expect(streamControlSchema.parse(JSON.parse(beat.ndjson.toString()))).toMatchObject({
      event: 'heartbeat',
      head: 9,
    });
    expect(beat.sse.toString()).toBe(': keep-alive\n\n');
    expect(serverMessageSchema.parse(JSON.parse(decode(caughtUpBytes('ws', 4)).text))).toEqual({
      type: 'caught_up',
      seq: 4,
    });
    expect(streamControlSchema.parse(JSON.parse(caughtUpBytes('ndjson', 4).toString()))).toEqual({
      event: 'caught_up',
      seq: 4,
    });
    expect(caughtUpBytes('sse', 4).toString()).toBe(
      'event: caught_up\ndata: {"event":"caught_up","seq":4}\n\n',
    );
  });
});

describe('stream control lines', () => {
  it('frames one typed control line per stream transport, the SSE message named by its event', () => {
    const connected = { event: 'connected', head: 3, epoch: 'e1', gap: false } as const;
    const json = '{"event":"connected","head":3,"epoch":"e1","gap":false}';
    expect(streamControlText('ndjson', connected)).toBe(`${json}\n`);
    expect(streamControlText('sse', connected)).toBe(`event: connected\ndata: ${json}\n\n`);
    const closed = { event: 'closed', code: 1001, reason: 'relay shutting down' } as const;
    expect(streamControlSchema.parse(JSON.parse(streamControlText('ndjson', closed)))).toEqual(
      closed,
    );
    expect(streamControlText('sse', closed)).toBe(
      `event: closed\ndata: {"event":"closed","code":1001,"reason":"relay shutting down"}\n\n`,
    );
  });

  it('frames a typed WebSocket control frame as one text frame of its JSON', () => {
    expect(decode(wsControl({ type: 'pong', id: 'p1' })).text).toBe('{"type":"pong","id":"p1"}');
  });
});
