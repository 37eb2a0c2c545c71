import { setTimeout as sleep } from 'node:timers/promises';
import { delayAfter, spread } from '@herald/shared';
import type { Logger } from 'pino';
import type { ReconnectConfig } from './config-common';
import type { ConnectorStats } from './stats';
import type { Connector } from './types';

/** Upstream refused our credential (HTTP 401/403): retried, but slowly. */
export class AuthError extends Error {}
/** Upstream went silent for longer than the idle timeout. */
export class IdleError extends Error {}

/** A short, secret-free reason for logs and `/healthz` (`ECONNREFUSED`, `HTTP 401`). */
function failureReason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${err.message}: ${cause.code}`;
  if (cause?.message) return `${err.message}: ${cause.message}`;
  return err.message;
}

export interface SuperviseOptions {
  logger: Logger;
  stats: ConnectorStats;
  reconnect: ReconnectConfig;
  signal: AbortSignal;
  /**
   * One connection's lifetime: resolves when upstream ends the stream, rejects when it fails.
   * Calls `healthy()` once it has received data, which resets the backoff (a server that accepts
   * and at once hangs up keeps backing off).
   */
  connect(signal: AbortSignal, healthy: () => void): Promise<void>;
}

/**
 * Exponential backoff with equal jitter (50-100 % of the ceiling, shared/src/backoff.ts), so a
 * fleet of relays restarted together does not reconnect in lockstep; a refused credential
 * waits `authRetryMs` ± 25 % instead, since retrying sooner cannot fix a token.
 */
function delayFor(attempt: number, err: unknown, cfg: ReconnectConfig): number {
  if (err instanceof AuthError) return spread(cfg.authRetryMs, 0.25);
  return delayAfter(attempt, { baseMs: cfg.initialMs, maxMs: cfg.maxMs, jitter: 'equal' });
}

/** Keeps one upstream connection alive until `signal` aborts: connect, read, back off, repeat. */
export async function supervise(opts: SuperviseOptions): Promise<void> {
  const { logger, stats, reconnect, signal } = opts;
  let attempt = 0;
  let first = true;
  while (!signal.aborted) {
    if (!first) stats.reconnecting();
    first = false;
    let failure: unknown = null;
    try {
      await opts.connect(signal, () => {
        attempt = 0;
      });
      if (signal.aborted) break;
      stats.error('upstream closed the connection');
      logger.info('upstream closed the connection; reconnecting');
    } catch (err) {
      if (signal.aborted) break;
      failure = err;
      const reason = failureReason(err);
      stats.error(reason);
      if (err instanceof AuthError) {
        logger.error(
          { reason },
          'upstream rejected the credential; check the configured token (retrying slowly)',
        );
      } else {
        logger.warn({ reason }, 'upstream connection failed; reconnecting');
      }
    } finally {
      stats.setConnected(false);
    }
    const delay = delayFor(attempt, failure, reconnect);
    attempt += 1;
    try {
      await sleep(delay, undefined, { signal });
    } catch {
      break;
    }
  }
}

/** A connector that holds one upstream connection: start supervises it, stop aborts and drains. */
export function supervisedConnector(
  name: string,
  opts: Omit<SuperviseOptions, 'signal'> & { publisher: { idle(): Promise<void> } },
): Connector {
  let controller: AbortController | null = null;
  let running: Promise<void> | null = null;
  return {
    name,
    start() {
      if (controller) return;
      controller = new AbortController();
      running = supervise({ ...opts, signal: controller.signal });
    },
    async stop() {
      controller?.abort();
      await running;
      await opts.publisher.idle();
    },
    status: () => opts.stats.status(),
  };
}
