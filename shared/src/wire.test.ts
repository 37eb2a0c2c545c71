import { describe, expect, it } from 'vitest';
import { seqParamSchema, serverMessageSchema, streamControlSchema } from './wire';

describe('seqParamSchema', () => {
  it.each(['0', '7', '1234567890123456'])('accepts %s', (v) => {
    expect(seqParamSchema.parse(v)).toBe(Number(v));
  });
  it.each(['', ' ', '0x10', '1e3', '-1', '01', '1.5', '12345678901234567', 'NaN'])(
    'refuses %j',
    (v) => {
      expect(seqParamSchema.safeParse(v).success).toBe(false);
    },
  );
});

describe('control frames', () => {
  it('caught_up and heartbeat carry the same fields on WebSocket (`type`) and streams (`event`)', () => {
    const beat = { head: 3, at: '2026-01-01T00:00:00.000Z' };
    expect(serverMessageSchema.parse({ type: 'heartbeat', ...beat })).toEqual({
      type: 'heartbeat',
      ...beat,
    });
    expect(streamControlSchema.parse({ event: 'heartbeat', ...beat })).toEqual({
      event: 'heartbeat',
      ...beat,
    });
    expect(serverMessageSchema.parse({ type: 'caught_up', seq: 4 })).toEqual({
      type: 'caught_up',
      seq: 4,
    });
    expect(streamControlSchema.parse({ event: 'caught_up', seq: 4 })).toEqual({
      event: 'caught_up',
      seq: 4,
    });
    expect(serverMessageSchema.safeParse({ type: 'caught_up' }).success).toBe(false);
    expect(streamControlSchema.safeParse({ event: 'heartbeat', head: 3 }).success).toBe(false);
  });
});
