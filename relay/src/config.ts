import { z } from 'zod';

/** Parses `30s`, `15m`, `12h`, `7d` (or bare seconds) into seconds. */
const durationSeconds = z
  .union([z.number(), z.string()])
  .transform((v, ctx) => {
    if (typeof v === 'number') return v;
    const m = /^(\d+)\s*([smhd]?)$/.exec(v.trim());
    if (!m) {
      ctx.addIssue({ code: 'custom', message: 'expected a duration like 90s, 15m, 12h or 7d' });
      return z.NEVER;
    }
    const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
    return Number(m[1]) * unit;
  })
  .pipe(z.number().int().nonnegative());

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Everything the relay can be told; createRelay() fills in these defaults. */
export const relayConfigSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: int(0, 65535).default(8787),
  dataDir: z.string().min(1).default('./data'),
  /** Browser origins allowed to open sockets and call the API; `*` matches within one part. */
  allowedOrigins: z.array(z.string().min(1)).default(['chrome-extension://*', 'moz-extension://*']),
  retentionMaxEvents: int(1, 1e9).default(100_000),
  retentionMaxAgeSeconds: durationSeconds.default(7 * 86400),
  heartbeatSeconds: int(1, 3600).default(15),
  helloTimeoutMs: int(100, 60_000).default(5000),
  /** Bytes a reader may have queued before it is cut as a slow consumer. */
  maxClientBufferBytes: int(16 * 1024, 1 << 30).default(1 << 20),
  loginMaxFailuresPerUser: int(1, 1e6).default(5),
  loginMaxFailuresPerAddress: int(1, 1e6).default(20),
  loginWindowSeconds: durationSeconds.default(15 * 60),
  /** Token bucket per client address for new sockets and streams. */
  connectRatePerSecond: int(1, 1e6).default(50),
  connectBurst: int(1, 1e6).default(200),
  /** Token bucket per reader for `GET /v1/events` (history scans). */
  historyRatePerSecond: int(1, 1e6).default(5),
  historyBurst: int(1, 1e6).default(20),
  /** Token bucket per person for `POST /v1/actions` (each one calls an upstream). */
  actionRatePerSecond: int(1, 1e6).default(2),
  actionBurst: int(1, 1e6).default(10),
  /**
   * Token bucket per person for `POST /v1/me/state` (read marks, snoozes, settings): a browser
   * batches them, so a person clicking through a list stays far below it.
   */
  stateRatePerSecond: int(1, 1e6).default(5),
  stateBurst: int(1, 1e6).default(30),
  /** How long one call to an upstream may take; an answer is tried three times. */
  actionTimeoutMs: int(100, 60_000).default(3000),
  trustProxy: z.boolean().default(false),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Path of a JSON file with `{ "connectors": [...] }`. */
  configFile: z.string().optional(),
  /** `full` fsyncs every commit (power-loss safe); `normal` is safe against process crashes. */
  sqliteSync: z.enum(['normal', 'full']).default('normal'),
  /**
   * `redis://[:password@]host:port[/db]` or `rediss://`: keep the log and accounts in Redis, so
   * several relays are one Herald. Unset: the embedded SQLite file in `dataDir`.
   */
  redisUrl: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, 'expected redis://host:port[/db] or rediss://…')
    .optional(),
  /** Names this Herald's keys in Redis (`{herald}:…`), so several Heralds can share one. */
  redisPrefix: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,50}$/, 'letters, digits, _ and -')
    .default('herald'),
});
export type RelayConfig = z.infer<typeof relayConfigSchema>;
export type RelayOptions = z.input<typeof relayConfigSchema>;

const list = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** The environment variables the relay reads, and the config field each one sets. */
const envSchema = z.object({
  HERALD_HOST: z.string().optional(),
  HERALD_PORT: z.string().optional(),
  HERALD_DATA_DIR: z.string().optional(),
  HERALD_ALLOWED_ORIGINS: z.string().transform(list).optional(),
  HERALD_RETENTION_MAX_EVENTS: z.string().optional(),
  HERALD_RETENTION_MAX_AGE: z.string().optional(),
  HERALD_HEARTBEAT_SECONDS: z.string().optional(),
  HERALD_HELLO_TIMEOUT_MS: z.string().optional(),
  HERALD_MAX_CLIENT_BUFFER_BYTES: z.string().optional(),
  HERALD_LOGIN_MAX_FAILURES_PER_USER: z.string().optional(),
  HERALD_LOGIN_MAX_FAILURES_PER_ADDRESS: z.string().optional(),
  HERALD_LOGIN_WINDOW: z.string().optional(),
  HERALD_CONNECT_RATE: z.string().optional(),
  HERALD_CONNECT_BURST: z.string().optional(),
  HERALD_HISTORY_RATE: z.string().optional(),
  HERALD_HISTORY_BURST: z.string().optional(),
  HERALD_ACTION_RATE: z.string().optional(),
  HERALD_ACTION_BURST: z.string().optional(),
  HERALD_ACTION_TIMEOUT_MS: z.string().optional(),
  HERALD_STATE_RATE: z.string().optional(),
  HERALD_STATE_BURST: z.string().optional(),
  HERALD_TRUST_PROXY: bool.optional(),
  HERALD_LOG_LEVEL: z.string().optional(),
  HERALD_CONFIG: z.string().optional(),
  HERALD_SQLITE_SYNC: z.string().optional(),
  HERALD_REDIS_URL: z.string().optional(),
  HERALD_REDIS_PREFIX: z.string().optional(),
});

const envToField: Record<keyof z.infer<typeof envSchema>, keyof RelayConfig> = {
  HERALD_HOST: 'host',
  HERALD_PORT: 'port',
  HERALD_DATA_DIR: 'dataDir',
  HERALD_ALLOWED_ORIGINS: 'allowedOrigins',
  HERALD_RETENTION_MAX_EVENTS: 'retentionMaxEvents',
  HERALD_RETENTION_MAX_AGE: 'retentionMaxAgeSeconds',
  HERALD_HEARTBEAT_SECONDS: 'heartbeatSeconds',
  HERALD_HELLO_TIMEOUT_MS: 'helloTimeoutMs',
  HERALD_MAX_CLIENT_BUFFER_BYTES: 'maxClientBufferBytes',
  HERALD_LOGIN_MAX_FAILURES_PER_USER: 'loginMaxFailuresPerUser',
  HERALD_LOGIN_MAX_FAILURES_PER_ADDRESS: 'loginMaxFailuresPerAddress',
  HERALD_LOGIN_WINDOW: 'loginWindowSeconds',
  HERALD_CONNECT_RATE: 'connectRatePerSecond',
  HERALD_CONNECT_BURST: 'connectBurst',
  HERALD_HISTORY_RATE: 'historyRatePerSecond',
  HERALD_HISTORY_BURST: 'historyBurst',
  HERALD_ACTION_RATE: 'actionRatePerSecond',
  HERALD_ACTION_BURST: 'actionBurst',
  HERALD_ACTION_TIMEOUT_MS: 'actionTimeoutMs',
  HERALD_STATE_RATE: 'stateRatePerSecond',
  HERALD_STATE_BURST: 'stateBurst',
  HERALD_TRUST_PROXY: 'trustProxy',
  HERALD_LOG_LEVEL: 'logLevel',
  HERALD_CONFIG: 'configFile',
  HERALD_SQLITE_SYNC: 'sqliteSync',
  HERALD_REDIS_URL: 'redisUrl',
  HERALD_REDIS_PREFIX: 'redisPrefix',
};

/** Every environment variable the relay reads, for checking a deployment's env file. */
export const CONFIG_ENV_NAMES = Object.keys(envToField);

export class ConfigError extends Error {}

/**
 * Reads the relay's config from the environment, once, at start-up. A bad value throws a
 * ConfigError naming the variable, so start-up stops with a message a person can act on.
 */
export function configFromEnv(env: NodeJS.ProcessEnv): RelayConfig {
  const parsedEnv = envSchema.parse(env);
  const raw: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(envToField)) {
    const value = parsedEnv[name as keyof typeof parsedEnv];
    if (value !== undefined && value !== '') raw[field] = value;
  }
  const result = relayConfigSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const field = String(issue.path[0]);
      const name = Object.entries(envToField).find(([, f]) => f === field)?.[0] ?? field;
      return `${name}=${JSON.stringify(env[name] ?? '')}: ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return result.data;
}
