import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { rawErrorResponse, requestPath, writeError } from './http-refuse';
import type { Metrics } from './metrics';

/** express's handler also takes a final callback, in place of its HTML finalhandler. */
type Handler = (req: IncomingMessage, res: ServerResponse, done: (err?: unknown) => void) => void;

/**
 * The relay's HTTP server: every request, however malformed, ends in our `{error:{code,message}}`
 * shape or a closed socket, never a throw; and it counts requests in flight so shutdown can
 * answer them instead of resetting them.
 */
export function createHttpServer(app: unknown, logger: Logger, metrics: Metrics) {
  const handle = app as Handler;
  let inFlight = 0;
  let drained: (() => void) | undefined;
  const server = createServer((req, res) => {
    inFlight++;
    res.once('close', () => {
      if (--inFlight === 0) drained?.();
    });
    try {
      // express's router gives up on a target it cannot parse (`GET http://[`) and answers HTML.
      if (requestPath(req.url) === undefined) {
        return writeError(res, 'invalid_request', 'the request target is not a valid URL');
      }
      handle(req, res, (err?: unknown) => {
        if (err) logger.error({ err }, 'request fell out of the app');
        if (err) writeError(res, 'internal', 'internal error');
        else writeError(res, 'not_found', 'no such endpoint');
      });
    } catch (err) {
      // express catches its own; this is the backstop that keeps one request's throw its own.
      logger.error({ err }, 'request failed outside the app');
      res.destroy();
    }
  });
  server.keepAliveTimeout = 5000;
  // A client that trickles its headers or body holds a socket: bound both (slowloris).
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  // Requests Node's parser refuses (bad request line, headers over 16 KiB, timeouts) get our
  // JSON error shape too, not Node's bare `400 Bad Request`.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    metrics.rejected.inc({ code: 'client_error' });
    if (!socket.writable || err.code === 'ECONNRESET') return socket.destroy();
    const answer =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? rawErrorResponse('headers_too_large', 'the request headers are too large')
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? rawErrorResponse('request_timeout', 'the request took too long to arrive')
          : rawErrorResponse('invalid_request', 'the request is not valid HTTP/1.1');
    socket.end(answer);
  });

  return {
    server,
    inFlight: () => inFlight,
    /** Resolves when no request is in flight, or after `timeoutMs`. */
    async drain(timeoutMs: number): Promise<void> {
      if (inFlight === 0) return;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => (drained = resolve)),
        new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
      ]);
      clearTimeout(timer);
    },
  };
}
