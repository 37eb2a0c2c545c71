import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { envelope } from '../payload';
import { listenAndReport, publishServer } from './publish-endpoint';

/**
 * Peer (c), the floor: each event is encoded and framed once; the frames published in one
 * event-loop turn are concatenated and written with a single `socket.write` per client, straight
 * to the TCP socket (bypassing ws's per-send framing). No log, no ACL, no backpressure: the
 * least work this machine can do to put the bytes on every connection.
 */
let seq = 0;
let pending: Buffer[] = [];

/** An unmasked, final text frame (RFC 6455 §5.2), as a server sends it. */
function textFrame(payload: Buffer): Buffer {
  const len = payload.length;
  const head = len < 126 ? 2 : len < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(head + len);
  frame[0] = 0x81;
  if (head === 2) frame[1] = len;
  else if (head === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(len, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(len), 2);
  }
  payload.copy(frame, head);
  return frame;
}

function flush(): void {
  const frames = Buffer.concat(pending);
  pending = [];
  for (const client of wss.clients) {
    (client as WebSocket & { _socket: Socket })._socket.write(frames);
  }
}

const server = publishServer((events) => {
  if (pending.length === 0) setImmediate(flush);
  return events.map((ev) => {
    pending.push(textFrame(Buffer.from(JSON.stringify(envelope(ev, ++seq)))));
    return seq;
  });
});
const wss = new WebSocketServer({ server, perMessageDeflate: false });
listenAndReport(server);
