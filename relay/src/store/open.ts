import { mkdirSync } from 'node:fs';
import type { Logger } from 'pino';
import type { RelayConfig } from '../config';
import {
  memorySignInLimits,
  redisSignInLimits,
  type LimitOptions,
  type SignInLimits,
} from '../sign-in-limits';
import type { AccountStore } from './accounts';
import { RedisActionClaims, SqliteActionClaims, type ActionClaims } from './action-claims';
import { lockDataDir } from './data-dir-lock';
import { openDatabase } from './database';
import type { EventLog } from './log';
import type { PersonStateStore } from './person-state';
import { RedisAccounts } from './redis-accounts';
import { connectRedis } from './redis-client';
import { RedisLog } from './redis-log';
import { RedisPersonState } from './redis-person-state';
import { redisSettingsWarnings } from './redis-settings';
import { SqliteAccounts } from './sqlite-accounts';
import { SqliteLog } from './sqlite-log';
import { SqlitePersonState } from './sqlite-person-state';

/** The relay's stores, from one backend: SQLite in the data dir, or Redis shared by relays. */
export interface Stores {
  backend: 'sqlite' | 'redis';
  log: EventLog;
  accounts: AccountStore;
  /** A small real round trip to the store, for `/healthz`; throws when it cannot serve. */
  probe(): Promise<void>;
  /** The filesystem whose free space matters (SQLite only). */
  dataDir?: string;
  /** Answers by request id, where every relay sharing this store sees them. */
  actionClaims: ActionClaims;
  /** Each person's read marks, snoozes and settings, fed to every relay sharing this store. */
  personState: PersonStateStore;
  /** Sign-in failure counts where every relay sharing this store sees them. */
  signInLimits(options: LimitOptions): SignInLimits;
  close(): Promise<void>;
}

/** The account store alone, for CLI commands (which run beside a serving relay: no lock). */
export async function openAccounts(config: RelayConfig): Promise<AccountStore> {
  if (config.redisUrl)
    return RedisAccounts.open({ url: config.redisUrl, prefix: config.redisPrefix });
  mkdirSync(config.dataDir, { recursive: true });
  const db = openDatabase(config.dataDir, config.sqliteSync);
  return Object.assign(new SqliteAccounts(db), { close: async () => db.close() });
}

/** Opens the serving relay's stores; the SQLite data dir is locked for this process's life. */
export async function openStores(config: RelayConfig, logger: Logger): Promise<Stores> {
  const retention = {
    maxEvents: config.retentionMaxEvents,
    maxAgeSeconds: config.retentionMaxAgeSeconds,
  };
  if (config.redisUrl) {
    const redis = {
      url: config.redisUrl,
      prefix: config.redisPrefix,
      onError: (err: Error) => logger.warn({ err: err.message }, 'redis connection error'),
    };
    const log = await RedisLog.open({ ...redis, ...retention });
    const rest = Promise.all([RedisAccounts.open(redis), connectRedis(redis), connectRedis(redis)]);
    const [accounts, limits, personTailer] = await rest.catch(async (err: unknown) => {
      await log.close();
      throw err;
    });
    const personState = new RedisPersonState(
      limits,
      personTailer,
      config.redisPrefix,
      undefined,
      redis.onError,
    );
    for (const warning of await redisSettingsWarnings(config.redisUrl)) logger.warn(warning);
    return {
      backend: 'redis',
      log,
      accounts,
      probe: async () => void (await log.position()),
      actionClaims: new RedisActionClaims(limits, config.redisPrefix),
      personState,
      signInLimits: (options) => redisSignInLimits(limits, config.redisPrefix, options),
      close: async () => {
        await log.close();
        await personState.close();
        await accounts.close();
        await limits.close();
      },
    };
  }
  mkdirSync(config.dataDir, { recursive: true });
  const unlock = lockDataDir(config.dataDir);
  let db: ReturnType<typeof openDatabase>;
  try {
    db = openDatabase(config.dataDir, config.sqliteSync);
  } catch (err) {
    unlock();
    throw err;
  }
  const log = new SqliteLog(db, retention);
  const probe = db.prepare(
    `INSERT INTO meta (key, value) VALUES ('health_probe', ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  );
  return {
    backend: 'sqlite',
    log,
    accounts: new SqliteAccounts(db),
    actionClaims: new SqliteActionClaims(db),
    personState: new SqlitePersonState(db),
    probe: async () => void probe.run(String(Date.now())),
    dataDir: config.dataDir,
    signInLimits: memorySignInLimits,
    close: async () => {
      await log.close();
      db.close();
      unlock();
    },
  };
}
