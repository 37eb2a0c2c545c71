import type { Socket } from 'node:net';
import type { ServerResponse } from 'node:http';
import { CLOSE } from '@herald/shared';
import WebSocket from 'ws';
import { streamControlText, type StreamTransport } from './frames';
import type { Sink } from './subscriber';

/** Resolves on the stream's next 'drain' or 'close', whichever comes first. */
function drainOf(stream: Socket | ServerResponse, pending: () => number): Promise<void> {
  if (pending() === 0 || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}

/**
 * Writes pre-framed bytes straight to the WebSocket's TCP socket, corked, so a batch of events
 * is one syscall and no per-client framing happens. Safe because per-message compression is
 * off, so ws's own sender never holds frames back.
 */
export class WsSink implements Sink {
  readonly transport = 'ws' as const;
  private readonly socket: Socket;

  constructor(private readonly ws: WebSocket) {
    this.socket = (ws as unknown as { _socket: Socket })._socket;
  }

  write(chunks: Buffer[]): void {
    if (this.ws.readyState !== WebSocket.OPEN || chunks.length === 0) return;
    if (chunks.length === 1) {
      this.socket.write(chunks[0]!);
      return;
    }
    this.socket.cork();
    for (const chunk of chunks) this.socket.write(chunk);
    this.socket.uncork();
  }

  buffered(): number {
    return this.socket.writableLength;
  }

  drained(): Promise<void> {
    return drainOf(this.socket, () => this.socket.writableLength);
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.close(code, reason);
    // A peer that stopped reading never answers the close frame: free its buffers soon anyway.
    setTimeout(() => this.ws.terminate(), code === CLOSE.TRY_AGAIN_LATER ? 1000 : 5000).unref();
  }
}

/** NDJSON or SSE over a chunked HTTP response. */
export class HttpStreamSink implements Sink {
  /** How the relay ended the stream, for the close log line (unset: the peer left). */
  closedWith?: { code: number; reason: string };

  constructor(
    readonly transport: StreamTransport,
    private readonly res: ServerResponse,
  ) {}

  write(chunks: Buffer[]): void {
    if (this.res.writableEnded || chunks.length === 0) return;
    this.res.write(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
  }

  buffered(): number {
    return this.res.writableLength;
  }

  drained(): Promise<void> {
    return drainOf(this.res, () => this.res.writableLength);
  }

  /** Ends the stream with a `closed` line naming the reason, like a WebSocket close frame. */
  close(code: number, reason: string): void {
    if (this.res.writableEnded) return;
    this.closedWith = { code, reason };
    if (code === CLOSE.TRY_AGAIN_LATER) {
      // It isn't reading: a goodbye line would only queue behind everything else.
      this.res.destroy();
      return;
    }
    this.res.end(streamControlText(this.transport, { event: 'closed', code, reason }));
  }
}
