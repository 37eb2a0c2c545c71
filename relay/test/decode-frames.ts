import { expect } from 'vitest';

/** For tests: decodes one unmasked server frame, what a WebSocket client would read. */
export function decode(frame: Buffer) {
  const fin = (frame[0]! & 0x80) !== 0;
  const opcode = frame[0]! & 0x0f;
  let len = frame[1]! & 0x7f;
  let offset = 2;
  if (len === 126) {
    len = frame.readUInt16BE(2);
    offset = 4;
  } else if (len === 127) {
    len = Number(frame.readBigUInt64BE(2));
    offset = 10;
  }
  expect(frame[1]! & 0x80).toBe(0); // servers never mask
  expect(frame.length).toBe(offset + len);
  return { fin, opcode, text: frame.subarray(offset).toString() };
}
