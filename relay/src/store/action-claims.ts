import type { Db } from './database';
import type { Redis } from './redis-client';

/**
 * What an answer's request id has come to. `new`: this caller performs it; `pending`: someone
 * is performing it right now; `done`: it was performed, and this is what was answered.
 */
export type Claim = { state: 'new' } | { state: 'pending' } | { state: 'done'; outcome: string };

/**
 * Remembers every answer by its request id for a day, so the same id twice is performed once,
 * on whichever relay it reaches. A claim left pending by a relay that died is taken over after
 * `staleMs`: performing again is safe, since the upstream answers a second decision with 409.
 */
export interface ActionClaims {
  claim(key: string, user: string): Promise<Claim>;
  /** Records the outcome (a JSON string) for later asks of the same key. */
  finish(key: string, outcome: string): Promise<void>;
}

export const CLAIM_TTL_MS = 24 * 3600_000;
export const STALE_CLAIM_MS = 60_000;

export class SqliteActionClaims implements ActionClaims {
  constructor(private readonly db: Db) {}

  async claim(key: string, user: string): Promise<Claim> {
    const now = Date.now();
    return this.db.transaction((): Claim => {
      this.db.prepare('DELETE FROM actions WHERE at < ?').run(now - CLAIM_TTL_MS);
      const row = this.db
        .prepare('SELECT result, at FROM actions WHERE request_id = ?')
        .get(key) as { result: string | null; at: number } | undefined;
      if (row?.result) return { state: 'done', outcome: row.result };
      if (row && row.at > now - STALE_CLAIM_MS) return { state: 'pending' };
      this.db
        .prepare(
          `INSERT INTO actions (request_id, user, result, at) VALUES (?, ?, NULL, ?)
           ON CONFLICT (request_id) DO UPDATE SET at = excluded.at`,
        )
        .run(key, user, now);
      return { state: 'new' };
    })();
  }

  async finish(key: string, outcome: string): Promise<void> {
    this.db.prepare('UPDATE actions SET result = ? WHERE request_id = ?').run(outcome, key);
  }
}

/** Claims a key atomically: new (or a stale pending taken over), pending, or the outcome. */
const CLAIM = `
local v = redis.call('GET', KEYS[1])
if v then
  local started = string.match(v, '^pending:(%d+)$')
  if not started then return {'done', v} end
  if tonumber(started) > tonumber(ARGV[1]) - tonumber(ARGV[2]) then return {'pending'} end
end
redis.call('SET', KEYS[1], 'pending:' .. ARGV[1], 'PX', ARGV[3])
return {'new'}
`;

export class RedisActionClaims implements ActionClaims {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(key: string) {
    return `{${this.prefix}}:action:${key}`;
  }

  async claim(key: string): Promise<Claim> {
    const [state, outcome] = await this.redis.script<string[]>(
      CLAIM,
      [this.key(key)],
      [String(Date.now()), String(STALE_CLAIM_MS), String(CLAIM_TTL_MS)],
    );
    if (state === 'done' && outcome !== undefined) return { state: 'done', outcome };
    return state === 'pending' ? { state: 'pending' } : { state: 'new' };
  }

  async finish(key: string, outcome: string): Promise<void> {
    await this.redis.run(['SET', this.key(key), outcome, 'PX', String(CLAIM_TTL_MS)]);
  }
}
