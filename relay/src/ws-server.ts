import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  CLOSE,
  clientMessageSchema,
  LIMITS,
  type ClientMessage,
  type ServerMessage,
} from '@herald/shared';
import WebSocket, { type RawData, WebSocketServer } from 'ws';
import type { RelayContext } from './context';
import { refuseUpgrade, requestPath } from './http-refuse';
import { clientAddress, ReaderSession } from './reader-session';
import { WsSink } from './sinks';

interface Conn {
  ws: WebSocket;
  address: string;
  alive: boolean;
  /** Admitted past the origin check and the per-address bucket. */
  session?: ReaderSession;
  helloTimer?: NodeJS.Timeout;
  /** A hello arrived (its answer may still be on its way): a second one is malformed. */
  greeted?: boolean;
}

const CONN = Symbol('conn');
/** The connection state of an accepted socket. */
const connOf = (ws: WebSocket) => (ws as WebSocket & { [CONN]: Conn })[CONN];

/**
 * A socket's error listener, defined once out here: an arrow in the upgrade handler would share
 * that handler's closure context, and, staying on the socket for its whole life, would keep the
 * upgrade request (its headers, its buffers) alive with it: ~1.5 KB per idle connection.
 */
function destroyOnError(this: Duplex): void {
  this.destroy();
}

/** `GET /v1/ws`: hello, welcome, replay, live; heartbeats and pings keep both ends honest. */
export function attachWebSockets(server: Server, ctx: RelayContext) {
  // Compression stays off: it fragments memory at scale and would break pre-framed writes.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: LIMITS.maxFrameBytes,
    perMessageDeflate: false,
  });
  const conns = new Set<Conn>();
  // A handshake ws refuses (bad key, version, subprotocol header) is answered in our shape too;
  // with this listener ws leaves the answer to us instead of writing its own plain-text one.
  wss.on('wsClientError', (err, socket) => {
    ctx.metrics.rejected.inc({ code: 'invalid_request' });
    refuseUpgrade(socket, 'invalid_request', `bad WebSocket handshake: ${err.message}`);
  });

  const send = (conn: Conn, msg: ServerMessage) => conn.ws.send(JSON.stringify(msg));

  function close(conn: Conn, code: number, reason: string) {
    if (code >= 4000) ctx.metrics.rejected.inc({ code: String(code) });
    if (conn.session?.sub) ctx.fanout.detach(conn.session.sub);
    conn.ws.close(code, reason);
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Whatever this request holds, its failure is its own: answer or drop it, never throw.
    try {
      socket.on('error', destroyOnError);
      const path = requestPath(req.url);
      if (path === undefined) return refuseUpgrade(socket, 'invalid_request', 'bad request target');
      if (path !== '/v1/ws') return refuseUpgrade(socket, 'not_found', 'no such endpoint');
      if (ctx.shuttingDown())
        return refuseUpgrade(socket, 'shutting_down', 'the relay is shutting down');
      if (req.method !== 'GET')
        return refuseUpgrade(socket, 'method_not_allowed', 'a WebSocket handshake is a GET');
      wss.handleUpgrade(req, socket, head, (ws) => {
        // ws has its own error listener on the socket now; ours would only hold memory.
        socket.off('error', destroyOnError);
        guarded(() => onConnection(ws, req));
      });
    } catch (err) {
      ctx.logger.error({ err }, 'upgrade failed');
      socket.destroy();
    }
  });

  /** Runs a socket callback; a throw closes that socket (1011) and is logged, nothing more. */
  function guarded(fn: () => void, conn?: Conn) {
    try {
      fn();
    } catch (err) {
      failed(err, conn);
    }
  }

  function failed(err: unknown, conn: Conn | undefined) {
    ctx.logger.error({ err, conn: conn?.session?.id }, 'connection failed');
    if (conn) close(conn, CLOSE.INTERNAL_ERROR, 'internal error: reconnect with since');
  }

  // A socket's listeners are these few functions, shared by every socket (`this` is the socket,
  // its Conn hangs off it): closures made per connection would cost ~300 bytes each one idle.
  function onClose(this: WebSocket, code: number, reason: Buffer) {
    const conn = connOf(this);
    conns.delete(conn);
    clearTimeout(conn.helloTimer);
    if (conn.session) conn.session.end(code, reason.toString());
    else ctx.logger.info({ transport: 'ws', address: conn.address, code }, 'connection refused');
  }
  function onError(this: WebSocket, err: Error) {
    ctx.logger.debug({ conn: connOf(this).session?.id, err: err.message }, 'socket error');
  }
  function onPong(this: WebSocket) {
    connOf(this).alive = true;
  }
  function onSocketMessage(this: WebSocket, data: RawData, isBinary: boolean) {
    const conn = connOf(this);
    guarded(() => onMessage(conn, data, isBinary), conn);
  }

  function onConnection(ws: WebSocket, req: IncomingMessage) {
    const conn: Conn = { ws, address: clientAddress(req, ctx.config.trustProxy), alive: true };
    (ws as WebSocket & { [CONN]: Conn })[CONN] = conn;
    conns.add(conn);
    ws.on('close', onClose);
    ws.on('error', onError);
    ws.on('pong', onPong);

    const origin = req.headers.origin;
    // Non-browser clients send no Origin; browsers always do, and web pages must not get in.
    if (origin !== undefined && !ctx.originAllowed(origin)) {
      return close(conn, CLOSE.ORIGIN_FORBIDDEN, 'origin not allowed');
    }
    conn.session = ReaderSession.admit(ctx, 'ws', conn.address);
    if (!conn.session) {
      return close(conn, CLOSE.RATE_LIMITED, 'too many connections: back off and retry');
    }
    conn.helloTimer = setTimeout(
      () => close(conn, CLOSE.HELLO_TIMEOUT, 'no hello in time'),
      ctx.config.helloTimeoutMs,
    );

    ws.on('message', onSocketMessage);
  }

  function onMessage(conn: Conn, data: RawData, isBinary: boolean) {
    conn.alive = true;
    let raw: unknown;
    try {
      raw = isBinary ? undefined : JSON.parse(data.toString());
    } catch {
      raw = undefined;
    }
    const parsed = clientMessageSchema.safeParse(raw);
    if (!parsed.success) return close(conn, CLOSE.MALFORMED, 'malformed message');
    const msg = parsed.data;
    if (msg.type === 'hello') {
      if (conn.greeted) return close(conn, CLOSE.MALFORMED, 'hello sent twice');
      conn.greeted = true;
      clearTimeout(conn.helloTimer);
      // Idle connections are the common case at scale: keep nothing per socket we don't need.
      conn.helloTimer = undefined;
      hello(conn, msg).catch((err) => failed(err, conn));
      return;
    }
    // Nothing is answered before hello: an unauthenticated socket gets no service at all.
    const sub = conn.session?.sub;
    if (!sub) return close(conn, CLOSE.MALFORMED, 'hello must come first');
    if (msg.type === 'ping')
      return send(conn, { type: 'pong', ...(msg.id !== undefined && { id: msg.id }) });
    sub.filter.setKinds(msg.kinds ?? undefined);
    send(conn, { type: 'subscribed', kinds: msg.kinds });
  }

  async function hello(conn: Conn, msg: Extract<ClientMessage, { type: 'hello' }>) {
    const { token, since, epoch, kinds, stateSince } = msg;
    const outcome = await conn.session!.start({ token, since, epoch, kinds, stateSince }, (g) => {
      if (conn.ws.readyState !== WebSocket.OPEN) return undefined;
      send(conn, {
        type: 'welcome',
        head: g.position.head,
        epoch: g.position.epoch,
        resumed: g.point.resumed,
        gap: g.point.gap,
        user: g.user,
        heartbeat: ctx.config.heartbeatSeconds,
      });
      return new WsSink(conn.ws);
    });
    // A publisher token cannot read either: on a socket both are simply not a reader's token.
    if (outcome === 'unauthorized' || outcome === 'forbidden') {
      close(conn, CLOSE.UNAUTHORIZED, 'invalid or revoked token');
    }
  }

  return {
    /** Pings every socket; one that did not answer the last ping is dead and is dropped. */
    beat() {
      for (const conn of conns) {
        if (!conn.alive) {
          conn.ws.terminate();
          continue;
        }
        conn.alive = false;
        conn.ws.ping();
      }
    },
    /** Stops accepting and closes every socket with `code` (1001 on shutdown). */
    async close(code: number, reason: string) {
      const closed = [...conns].map(
        (conn) => new Promise((resolve) => conn.ws.once('close', resolve)),
      );
      for (const conn of conns) close(conn, code, reason);
      // Peers get a moment to answer the close frame; the rest are cut.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(closed),
        new Promise((resolve) => (timer = setTimeout(resolve, 2000))),
      ]);
      clearTimeout(timer);
      for (const conn of conns) conn.ws.terminate();
      wss.close();
    },
  };
}
