import pino, { type Logger } from 'pino';

/**
 * JSON lines on stdout; secrets are redacted even if someone logs a whole object by mistake.
 * Writes are asynchronous: a slow reader of stdout during a reconnect storm (thousands of
 * open/close lines) must not block the event loop. The relay flushes on close.
 */
export function createLogger(level: string): Logger {
  return pino(
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
    pino.destination({ dest: 1, sync: false }),
  );
}
