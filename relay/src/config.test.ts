import { describe, expect, it } from 'vitest';
import { ConfigError, configFromEnv } from './config';

describe('configFromEnv', () => {
  it('applies the documented defaults', () => {
    expect(configFromEnv({})).toMatchObject({
      host: '127.0.0.1',
      port: 8787,
      dataDir: './data',
      allowedOrigins: ['chrome-extension://*', 'moz-extension://*'],
      retentionMaxEvents: 100_000,
      retentionMaxAgeSeconds: 7 * 86400,
    });
  });

  it('parses lists, durations and numbers', () => {
    const c = configFromEnv({
      HERALD_PORT: '0',
      HERALD_ALLOWED_ORIGINS: 'chrome-extension://abc, https://ops.example',
      HERALD_RETENTION_MAX_AGE: '12h',
      HERALD_TRUST_PROXY: 'true',
    });
    expect(c.port).toBe(0);
    expect(c.allowedOrigins).toEqual(['chrome-extension://abc', 'https://ops.example']);
    expect(c.retentionMaxAgeSeconds).toBe(12 * 3600);
    expect(c.trustProxy).toBe(true);
  });

  it('names the variable and the value when one is bad', () => {
    expect(() => configFromEnv({ HERALD_PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => configFromEnv({ HERALD_PORT: '70000' })).toThrow(/HERALD_PORT="70000"/);
    expect(() => configFromEnv({ HERALD_RETENTION_MAX_AGE: 'a week' })).toThrow(
      /HERALD_RETENTION_MAX_AGE/,
    );
  });
});
