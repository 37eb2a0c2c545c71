import { StreamReader } from './stream-reader';

/**
 * The NATS client protocol as the bench speaks it (docs.nats.io, "Client Protocol"): CONNECT, SUB,
 * PUB, PING and PONG out; INFO, MSG, PING, PONG, +OK and -ERR in, from a stream that may split or
 * merge operations (TCP, or WebSocket frames). Text lines end in CRLF; a MSG line's last field is
 * its payload's byte count, and the payload follows with a CRLF of its own.
 */

/** The subject every bench event is published to and read from (`bench/tickets` in NATS form). */
export const NATS_SUBJECT = 'bench.tickets';

/** No +OK per operation (verbose off), no header support asked for. */
export const CONNECT = Buffer.from(
  'CONNECT {"verbose":false,"pedantic":false,"protocol":1,"headers":false,"lang":"bench"}\r\n',
);
export const PING = Buffer.from('PING\r\n');
export const PONG = Buffer.from('PONG\r\n');

export const subFrame = (subject: string, sid: number): Buffer =>
  Buffer.from(`SUB ${subject} ${sid}\r\n`);

/** `PUB <subject> <#bytes>\r\n<payload>\r\n`. */
export function pubFrame(subject: string, payload: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`PUB ${subject} ${payload.length}\r\n`),
    payload,
    Buffer.from('\r\n'),
  ]);
}

export type NatsOp =
  | { op: 'MSG'; payload: Buffer; size: number }
  | { op: 'PING' | 'PONG' | '+OK' }
  | { op: 'INFO' | '-ERR'; text: string };

const CR = 13;
const SPACE = 32;

/** The byte count ending a MSG line (`MSG <subject> <sid> [reply-to] <#bytes>`), or -1. */
function lastNumber(buf: Buffer, from: number, to: number): number {
  let i = to - 1;
  while (i > from && buf[i] !== SPACE) i--;
  let n = 0;
  for (let j = i + 1; j < to; j++) {
    const c = buf[j]! - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return i + 1 < to ? n : -1;
}

/** Reads operations from a byte stream, keeping a partial one until the rest arrives. */
export class NatsReader extends StreamReader {
  constructor(private readonly onOp: (op: NatsOp) => void) {
    super();
  }

  protected read(buf: Buffer, at: number): number {
    const eol = buf.indexOf(CR, at);
    if (eol < 0 || eol + 1 >= buf.length) return -1;
    const lineEnd = eol + 2;
    // Operation names are case-insensitive; the server sends them upper case. MSG, one per
    // delivery, is told from its bytes (`| 0x20` folds ASCII case) without making a string.
    if (
      (buf[at]! | 0x20) === 0x6d &&
      (buf[at + 1]! | 0x20) === 0x73 &&
      (buf[at + 2]! | 0x20) === 0x67 &&
      buf[at + 3] === SPACE
    ) {
      const n = lastNumber(buf, at, eol);
      if (n < 0) throw new Error(`bad NATS MSG line: ${buf.toString('latin1', at, eol)}`);
      const end = lineEnd + n + 2;
      if (end > buf.length) return -1;
      this.onOp({ op: 'MSG', payload: buf.subarray(lineEnd, lineEnd + n), size: end - at });
      return end;
    }
    const op = buf.toString('latin1', at, Math.min(eol, at + 5)).toUpperCase();
    if (op === 'PING' || op === 'PONG' || op === '+OK') this.onOp({ op });
    else if (op.startsWith('INFO') || op.startsWith('-ERR'))
      this.onOp({
        op: op.startsWith('INFO') ? 'INFO' : '-ERR',
        text: buf.toString('utf8', at + 5, eol).trim(),
      });
    else throw new Error(`unknown NATS operation: ${buf.toString('latin1', at, eol)}`);
    return lineEnd;
  }
}
