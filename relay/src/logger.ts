import pino, { type Logger } from 'pino';

/** JSON lines on stdout; secrets are redacted even if someone logs a whole object by mistake. */
export function createLogger(level: string): Logger {
  return pino({
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
  });
}
