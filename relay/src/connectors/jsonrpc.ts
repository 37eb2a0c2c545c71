import WebSocket from 'ws';
import { z } from 'zod';
import {
  connectorNameSchema,
  credentialSchema,
  httpUrlSchema,
  readCredential,
  reconnectSchema,
  topicSchema,
} from './config-common';
import {
  mapRpcNotification,
  rpcNotificationSchema,
  rpcParams,
  rpcResponseSchema,
  rpcSubject,
} from './jsonrpc-map';
import { SerialPublisher } from './publisher';
import { ConnectorStats } from './stats';
import { AuthError, IdleError, supervisedConnector } from './supervise';
import type { Connector, ConnectorContext } from './types';

export const jsonrpcConfigSchema = z
  .object({
    type: z.literal('jsonrpc'),
    name: connectorNameSchema,
    url: z.url({ protocol: /^wss?$/ }),
    /** Sent as `Authorization: Bearer <token>` on the upgrade request; optional. */
    token: credentialSchema.optional(),
    topic: topicSchema.default('downloads'),
    /** A request sent after every connect, for daemons that only notify subscribers. */
    subscribe: z
      .object({ method: z.string().min(1), params: z.unknown().optional() })
      .strict()
      .optional(),
    /** `*.progress`: null (default) never publishes them; N publishes at most one per subject per N ms. */
    progressIntervalMs: z.number().int().positive().nullable().default(null),
    link: httpUrlSchema.optional(),
    reconnect: reconnectSchema,
  })
  .strict();
export type JsonRpcConfig = z.infer<typeof jsonrpcConfigSchema>;

/**
 * Subscribes to a JSON-RPC 2.0 WebSocket and republishes its notifications
 * (docs/upstreams.md#other-producers).
 */
export function createJsonRpcConnector(cfg: JsonRpcConfig, ctx: ConnectorContext): Connector {
  const logger = ctx.logger.child({ connector: cfg.name, type: 'jsonrpc' });
  const stats = new ConnectorStats(cfg.name, 'jsonrpc', ctx.registry);
  const publisher = new SerialPublisher(ctx, stats, logger);
  const mapOpts = { name: cfg.name, topic: cfg.topic, link: cfg.link };
  const lastProgress = new Map<string, number>();

  const skip = (reason: string) => {
    stats.skipped();
    logger.warn({ reason }, 'skipped a malformed JSON-RPC message');
  };

  /** Progress is noise unless asked for, and then at most one per subject per interval. */
  const progressKey = (params: unknown) => rpcSubject(rpcParams(params)) ?? '';
  const keepProgress = (params: unknown): boolean => {
    if (cfg.progressIntervalMs === null) return false;
    const key = progressKey(params);
    const now = Date.now();
    const last = lastProgress.get(key);
    if (last !== undefined && now - last < cfg.progressIntervalMs) return false;
    lastProgress.set(key, now);
    if (lastProgress.size > 10_000) lastProgress.delete(lastProgress.keys().next().value as string);
    return true;
  };

  const handleMessage = (text: string) => {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return skip('not JSON');
    }
    const msg = rpcNotificationSchema.safeParse(raw);
    if (!msg.success) {
      const response = rpcResponseSchema.safeParse(raw);
      if (!response.success) return skip('not a JSON-RPC 2.0 message');
      if (response.data.error) {
        stats.error(`subscribe failed: ${response.data.error.message}`);
        logger.error(
          { rpcError: response.data.error.message },
          'the daemon refused our subscribe request',
        );
      }
      return;
    }
    const { method, params } = msg.data;
    if (method.endsWith('.progress')) {
      if (!keepProgress(params)) return stats.coalesced();
    } else {
      lastProgress.delete(progressKey(params));
    }
    void publisher.publish([mapRpcNotification(method, params, mapOpts)]);
  };

  const connect = (signal: AbortSignal, healthy: () => void) =>
    new Promise<void>((resolve, reject) => {
      const token = cfg.token ? readCredential(cfg.token) : undefined;
      const ws = new WebSocket(cfg.url, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
        maxPayload: 1024 * 1024,
        handshakeTimeout: 10_000,
      });
      let failure: Error | null = null;
      let lastSeen = Date.now();
      const idle = setInterval(
        () => {
          if (Date.now() - lastSeen > cfg.reconnect.idleTimeoutMs) {
            failure = new IdleError(`no data for ${cfg.reconnect.idleTimeoutMs} ms`);
            ws.terminate();
          } else if (ws.readyState === WebSocket.OPEN) {
            ws.ping();
          }
        },
        Math.max(50, Math.floor(cfg.reconnect.idleTimeoutMs / 3)),
      );
      const onAbort = () => ws.close(1001, 'relay shutting down');
      signal.addEventListener('abort', onAbort, { once: true });
      ws.on('unexpected-response', (req, res) => {
        const status = res.statusCode ?? 0;
        failure =
          status === 401 || status === 403
            ? new AuthError(`HTTP ${status}`)
            : new Error(`HTTP ${status}`);
        req.destroy();
        ws.terminate();
      });
      ws.on('open', () => {
        lastSeen = Date.now();
        stats.setConnected(true);
        logger.info('connected to the JSON-RPC daemon');
        if (cfg.subscribe) {
          ws.send(
            JSON.stringify({
              jsonrpc: '2.0',
              id: 1,
              method: cfg.subscribe.method,
              params: cfg.subscribe.params,
            }),
          );
        }
      });
      ws.on('message', (data, isBinary) => {
        lastSeen = Date.now();
        healthy();
        if (isBinary) return skip('binary frame');
        handleMessage(data.toString());
      });
      ws.on('pong', () => (lastSeen = Date.now()));
      ws.on('error', (err) => (failure ??= err));
      ws.on('close', () => {
        clearInterval(idle);
        signal.removeEventListener('abort', onAbort);
        if (failure && !signal.aborted) reject(failure);
        else resolve();
      });
    });

  return supervisedConnector(cfg.name, {
    logger,
    stats,
    publisher,
    reconnect: cfg.reconnect,
    connect,
  });
}
