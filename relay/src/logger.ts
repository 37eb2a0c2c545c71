import pino, { type Logger } from 'pino';
import type SonicBoom from 'sonic-boom';

/** Each logger's stdout destination, for flushLogs. */
const destinations = new WeakMap<Logger, SonicBoom>();

/**
 * Resolves once the logs this process wrote have left it, or failed to: at most `ms`.
 *
 * pino's `flush()` calls back at once (its destination writes as soon as it can), so a write
 * may still be in flight when the relay exits. If its reader has gone, that write fails with
 * EPIPE, and unless the failure is delivered first, pino's exit hook retries it synchronously
 * forever (sonic-boom's flushSync) and the process never stops. So wait for the in-flight
 * write's outcome (`drain` or `error`), bounded.
 */
export function flushLogs(logger: Logger, ms = 1000): Promise<void> {
  const destination = destinations.get(logger);
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      destination?.off('drain', done).off('error', done);
      resolve();
    }
    logger.flush(() => {
      // sonic-boom has no public "writing" flag; if the field goes away, wait out the bound.
      const writing = (destination as unknown as { _writing?: boolean } | undefined)?._writing;
      if (destination && writing !== false) destination.once('drain', done).once('error', done);
      else done();
    });
  });
}

/**
 * JSON lines on stdout; secrets are redacted even if someone logs a whole object by mistake.
 * Writes are asynchronous: a slow reader of stdout during a reconnect storm (thousands of
 * open/close lines) must not block the event loop. The relay flushes on close.
 */
export function createLogger(level: string): Logger {
  const destination = pino.destination({ dest: 1, sync: false });
  const logger = pino(
    {
      level,
      base: { service: 'herald-relay' },
      redact: {
        paths: [
          'token',
          'password',
          '*.token',
          '*.password',
          'headers.authorization',
          '*.headers.authorization',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
  destinations.set(logger, destination);
  return logger;
}
