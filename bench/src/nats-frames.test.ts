import { describe, expect, it } from 'vitest';
import { NatsReader, pubFrame, subFrame, type NatsOp } from './nats-frames';

const read = (...chunks: (Buffer | string)[]): NatsOp[] => {
  const out: NatsOp[] = [];
  const r = new NatsReader((op) => out.push(op));
  for (const c of chunks) r.push(Buffer.from(c));
  return out;
};

describe('NATS protocol frames', () => {
  it('SUB and PUB lines', () => {
    expect(subFrame('bench.tickets', 1).toString()).toBe('SUB bench.tickets 1\r\n');
    expect(pubFrame('a.b', Buffer.from('{"seq":1}')).toString()).toBe('PUB a.b 9\r\n{"seq":1}\r\n');
  });

  it('reads INFO, PING, PONG, +OK, -ERR and MSG (with and without reply-to)', () => {
    const ops = read(
      'INFO {"server_id":"x"}\r\nPING\r\npong\r\n+OK\r\n-ERR \'Slow Consumer\'\r\n',
      'MSG a.b 1 5\r\nhello\r\nMSG a.b 1 _INBOX.r 2\r\nhi\r\n',
    );
    expect(ops).toEqual([
      { op: 'INFO', text: '{"server_id":"x"}' },
      { op: 'PING' },
      { op: 'PONG' },
      { op: '+OK' },
      { op: '-ERR', text: "'Slow Consumer'" },
      { op: 'MSG', payload: Buffer.from('hello'), size: 20 },
      { op: 'MSG', payload: Buffer.from('hi'), size: 26 },
    ]);
  });

  it('split at every byte gives the same operations; a payload may hold CR LF', () => {
    const stream = 'PING\r\nMSG s 1 4\r\na\r\nb\r\nMSG s 1 0\r\n\r\nPONG\r\n';
    const whole = read(stream);
    expect(whole.map((o) => o.op)).toEqual(['PING', 'MSG', 'MSG', 'PONG']);
    expect(read(...[...stream].map((c) => c))).toEqual(whole);
    expect(whole[1]).toEqual({ op: 'MSG', payload: Buffer.from('a\r\nb'), size: 17 });
  });

  it('refuses what it does not know rather than skipping it', () => {
    expect(() => read('HMSG s 1 0 0\r\n\r\n')).toThrow(/unknown NATS operation/);
    expect(() => read('MSG s 1 x\r\n')).toThrow(/bad NATS MSG line/);
  });
});
