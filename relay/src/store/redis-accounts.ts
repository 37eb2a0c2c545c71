import { personStateKeys } from './redis-person-state';
import { z } from 'zod';
import { hashPassword, hashToken, newToken, sameDigest, verifyPassword } from '../secrets';
import {
  AccountExistsError,
  AccountMissingError,
  type AccountStore,
  type AccountSummary,
  type ActionTarget,
  type LoginGrant,
  type Principal,
  type RevokedListener,
} from './accounts';
import { connectRedis, type Redis, type RedisOptions } from './redis-client';

/** What a relay publishes on the revocation channel; checked where it is read. */
const revocationSchema = z.object({
  reason: z.enum(['signed out', 'user removed']),
  tokens: z.array(z.string().regex(/^[0-9a-f]{64}$/)),
});

/** Creates the account unless it exists; a publisher's first token is minted with it. */
const ADD = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'topics', ARGV[2], 'created_at', ARGV[3], 'password_hash', ARGV[4])
if ARGV[6] ~= '' then redis.call('HSET', KEYS[1], ARGV[6], ARGV[7]) end
redis.call('SADD', KEYS[2], ARGV[1])
if KEYS[3] then
  redis.call('HSET', KEYS[3], 'kind', 'publisher', 'name', ARGV[1], 'hash', ARGV[5])
  redis.call('SADD', KEYS[4], ARGV[5])
end
return 1
`;

/**
 * Removes the account, its tokens and KEYS[4…] (a user's person state); returns {found, hash…}
 * so relays can be told.
 */
const REMOVE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {0} end
local hashes = redis.call('SMEMBERS', KEYS[3])
for _, h in ipairs(hashes) do redis.call('DEL', ARGV[2] .. h) end
redis.call('DEL', KEYS[1], KEYS[3], unpack(KEYS, 4))
redis.call('SREM', KEYS[2], ARGV[1])
local out = {1}
for _, h in ipairs(hashes) do out[#out + 1] = h end
return out
`;

/** Stores a session token, unless the user was removed while the password was checked. */
const MINT = `
if redis.call('EXISTS', KEYS[3]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'kind', 'session', 'name', ARGV[1], 'hash', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[2])
return 1
`;

/** {kind, name, hash, topics, act or action URL} of a token, or an empty reply. */
const AUTH = `
local t = redis.call('HMGET', KEYS[1], 'kind', 'name', 'hash')
if not t[1] then return {} end
local session = t[1] == 'session'
local account = ARGV[1] .. (session and 'user:' or 'publisher:') .. t[2]
local a = redis.call('HMGET', account, 'topics', session and 'act' or 'action_url')
if not a[1] then return {} end
return {t[1], t[2], t[3], a[1], a[2] or ''}
`;

const EXISTS_EACH = `
local out = {}
for i, k in ipairs(KEYS) do out[i] = redis.call('EXISTS', k) end
return out
`;

const REVOKE = `
local t = redis.call('HMGET', KEYS[1], 'kind', 'name')
redis.call('DEL', KEYS[1])
if t[1] then redis.call('SREM', ARGV[1] .. 'tokens:' .. t[1] .. ':' .. t[2], ARGV[2]) end
return 1
`;

export interface RedisAccountsOptions extends RedisOptions {
  prefix?: string;
}

/**
 * Accounts in Redis, so every relay of a team knows the same users, publishers and tokens, and
 * a logout or `user remove` anywhere reaches every relay's readers through one pub/sub channel.
 */
export class RedisAccounts implements AccountStore {
  private subscriber?: Redis;
  private readonly listeners: RevokedListener[] = [];
  private readonly k: string;
  private readonly prefix: string;

  private constructor(
    private readonly redis: Redis,
    private readonly options: RedisAccountsOptions,
  ) {
    this.prefix = options.prefix ?? 'herald';
    this.k = `{${this.prefix}}:`;
  }

  static async open(options: RedisAccountsOptions): Promise<RedisAccounts> {
    return new RedisAccounts(await connectRedis(options), options);
  }

  private get channel() {
    return `${this.k}revoked`;
  }

  async addUser(
    name: string,
    password: string,
    topics: string[],
    act: string[] = [],
  ): Promise<void> {
    const hash = await hashPassword(password);
    const added = await this.redis.script<number>(
      ADD,
      [`${this.k}user:${name}`, `${this.k}users`],
      [name, JSON.stringify(topics), String(Date.now()), hash, '', 'act', JSON.stringify(act)],
    );
    if (added === 0) throw new AccountExistsError(`user ${name} already exists`);
  }

  async addPublisher(name: string, topics: string[], actionUrl?: string): Promise<string> {
    const token = newToken();
    const hash = hashToken(token);
    const added = await this.redis.script<number>(
      ADD,
      [
        `${this.k}publisher:${name}`,
        `${this.k}publishers`,
        `${this.k}token:${hash}`,
        `${this.k}tokens:publisher:${name}`,
      ],
      [
        name,
        JSON.stringify(topics),
        String(Date.now()),
        '',
        hash,
        actionUrl ? 'action_url' : '',
        actionUrl ?? '',
      ],
    );
    if (added === 0) throw new AccountExistsError(`publisher ${name} already exists`);
    return token;
  }

  async actionTarget(publisher: string): Promise<ActionTarget | null> {
    const [url] = await this.redis.run<(string | null)[]>([
      'HMGET',
      `${this.k}publisher:${publisher}`,
      'action_url',
    ]);
    if (!url) return null;
    const [key] = await this.redis.run<string[]>([
      'SMEMBERS',
      `${this.k}tokens:publisher:${publisher}`,
    ]);
    return key ? { url, key } : null;
  }

  private async list(kind: 'user' | 'publisher'): Promise<AccountSummary[]> {
    const names = (await this.redis.run<string[]>(['SMEMBERS', `${this.k}${kind}s`])).sort();
    const out: AccountSummary[] = [];
    for (const name of names) {
      const [topics, created, extra] = await this.redis.run<(string | null)[]>([
        'HMGET',
        `${this.k}${kind}:${name}`,
        'topics',
        'created_at',
        kind === 'user' ? 'act' : 'action_url',
      ]);
      if (topics === null || topics === undefined) continue;
      out.push({
        name,
        topics: JSON.parse(topics) as string[],
        ...(kind === 'user' ? { act: JSON.parse(extra ?? '[]') as string[] } : {}),
        ...(kind === 'publisher' && extra ? { actionUrl: extra } : {}),
        createdAt: new Date(Number(created)).toISOString(),
      });
    }
    return out;
  }

  listUsers(): Promise<AccountSummary[]> {
    return this.list('user');
  }

  listPublishers(): Promise<AccountSummary[]> {
    return this.list('publisher');
  }

  private async remove(kind: 'user' | 'publisher', name: string): Promise<void> {
    const tokenKind = kind === 'user' ? 'session' : 'publisher';
    const [found, ...hashes] = await this.redis.script<(number | string)[]>(
      REMOVE,
      [
        `${this.k}${kind}:${name}`,
        `${this.k}${kind}s`,
        `${this.k}tokens:${tokenKind}:${name}`,
        // A user's read marks and settings must not greet a new account given the same name.
        ...(kind === 'user' ? personStateKeys(this.prefix, name) : []),
      ],
      [name, `${this.k}token:`],
    );
    if (found === 0) throw new AccountMissingError(`no ${kind} named ${name}`);
    await this.announce(hashes.map(String), 'user removed');
  }

  removeUser(name: string): Promise<void> {
    return this.remove('user', name);
  }

  removePublisher(name: string): Promise<void> {
    return this.remove('publisher', name);
  }

  async login(name: string, password: string): Promise<LoginGrant | null> {
    const [stored, topics, act] = await this.redis.run<(string | null)[]>([
      'HMGET',
      `${this.k}user:${name}`,
      'password_hash',
      'topics',
      'act',
    ]);
    const ok = await verifyPassword(password, stored ?? undefined);
    if (!ok || !topics) return null;
    const token = newToken();
    const hash = hashToken(token);
    const minted = await this.redis.script<number>(
      MINT,
      [`${this.k}token:${hash}`, `${this.k}tokens:session:${name}`, `${this.k}user:${name}`],
      [name, hash],
    );
    if (minted !== 1) return null;
    return {
      token,
      topics: JSON.parse(topics) as string[],
      act: JSON.parse(act ?? '[]') as string[],
    };
  }

  async authenticate(token: string): Promise<Principal | null> {
    const hash = hashToken(token);
    const r = await this.redis.script<string[]>(AUTH, [`${this.k}token:${hash}`], [this.k]);
    const [kind, name, stored, topics, extra] = r;
    if (!kind || !name || !stored || !topics || !sameDigest(stored, hash)) return null;
    const parsed = JSON.parse(topics) as string[];
    return kind === 'publisher'
      ? {
          kind: 'publisher',
          name,
          topics: parsed,
          ...(extra ? { actionUrl: extra } : {}),
          tokenHash: hash,
        }
      : {
          kind: 'session',
          name,
          topics: parsed,
          act: JSON.parse(extra || '[]') as string[],
          tokenHash: hash,
        };
  }

  async liveTokens(hashes: string[]): Promise<Set<string>> {
    const live = new Set<string>();
    for (let i = 0; i < hashes.length; i += 1000) {
      const chunk = hashes.slice(i, i + 1000);
      const exists = await this.redis.script<number[]>(
        EXISTS_EACH,
        chunk.map((h) => `${this.k}token:${h}`),
        [],
      );
      chunk.forEach((h, j) => exists[j] === 1 && live.add(h));
    }
    return live;
  }

  async revoke(tokenHash: string): Promise<void> {
    await this.redis.script(REVOKE, [`${this.k}token:${tokenHash}`], [this.k, tokenHash]);
    await this.announce([tokenHash], 'signed out');
  }

  /** Every relay hears it on the channel, this one included. */
  private async announce(hashes: string[], reason: Parameters<RevokedListener>[1]) {
    if (hashes.length === 0) return;
    await this.redis.run(['PUBLISH', this.channel, JSON.stringify({ reason, tokens: hashes })]);
  }

  async onRevoked(listener: RevokedListener): Promise<void> {
    this.listeners.push(listener);
    if (this.subscriber) return;
    // A connection of its own: a subscribed connection can do nothing else. node-redis
    // subscribes again after a reconnect; what was said meanwhile, the heartbeat re-check finds.
    this.subscriber = await this.redis.duplicate();
    await this.subscriber.client.subscribe(this.channel, (message: string) => {
      const parsed = revocationSchema.safeParse(JSON.parse(message));
      if (!parsed.success) return;
      for (const l of this.listeners) l(parsed.data.tokens, parsed.data.reason);
    });
  }

  async close(): Promise<void> {
    await this.subscriber?.close();
    await this.redis.close();
  }
}
