// Guards what WsSink takes from ws's internals: it writes pre-framed bytes to the private
// `_socket` field of a server-side WebSocket (ws pins it exactly in relay/package.json for this
// reason). Run this before bumping ws: if the field moves, every delivery would throw.
import { Socket, type AddressInfo } from 'node:net';
import { CLOSE } from '@herald/shared';
import { waitFor } from '@herald/testkit/wait';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { textFrame } from './frames';
import { WsSink } from './sinks';

let server: WebSocketServer | undefined;

afterEach(async () => {
  for (const client of server?.clients ?? []) client.terminate();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A real server-side WebSocket (compression off, as the relay's) and a ws client on it. */
async function pair(): Promise<{ serverWs: WebSocket; client: WebSocket; received: string[] }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  server = wss;
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const connected = new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  const received: string[] = [];
  client.on('message', (data) => received.push(data.toString()));
  await new Promise<void>((resolve, reject) => client.once('open', resolve).once('error', reject));
  return { serverWs: await connected, client, received };
}

describe('WsSink over the ws version in the lockfile', () => {
  it('finds the TCP socket where it reads it (the private _socket field)', async () => {
    const { serverWs } = await pair();
    expect((serverWs as unknown as { _socket: unknown })._socket).toBeInstanceOf(Socket);
  });

  it('writes pre-framed text frames that reach the client as messages, in order', async () => {
    const { serverWs, received } = await pair();
    const sink = new WsSink(serverWs);
    sink.write([textFrame('{"type":"pong","id":"a"}'), textFrame('{"type":"pong","id":"b"}')]);
    sink.write([textFrame('{"type":"pong","id":"c"}')]);
    await waitFor(() => received.length === 3, 'three messages');
    expect(received).toEqual([
      '{"type":"pong","id":"a"}',
      '{"type":"pong","id":"b"}',
      '{"type":"pong","id":"c"}',
    ]);
  });

  it('reports what the socket holds back and when it has drained', async () => {
    const { serverWs } = await pair();
    const sink = new WsSink(serverWs);
    expect(typeof sink.buffered()).toBe('number');
    sink.write([textFrame('x'.repeat(1 << 20))]);
    await sink.drained();
    expect(sink.buffered()).toBe(0);
  });

  it('closes with the code and reason the client sees', async () => {
    const { serverWs, client } = await pair();
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      client.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    new WsSink(serverWs).close(CLOSE.TRY_AGAIN_LATER, 'going away');
    expect(await closed).toEqual({ code: CLOSE.TRY_AGAIN_LATER, reason: 'going away' });
  });
});
