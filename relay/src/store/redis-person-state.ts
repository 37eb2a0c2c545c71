import { setTimeout as sleep } from 'node:timers/promises';
import {
  PERSON_STATE_MAX_ENTRIES,
  SETTINGS_KEY,
  type StateEntry,
  type StatePut,
} from '@herald/shared';
import {
  valueSeq,
  type PersonStateFeed,
  type PersonStateStore,
  type PutOutcome,
} from './person-state';
import { retryDelayMs, TAIL_BLOCK_MS, type Redis } from './redis-client';

/**
 * Applies one person's puts atomically. KEYS: head (hash: rev, trimmed), vals (key → entry
 * JSON), seqs (key → item seq), revs (zset key by rev), feed (stream). ARGV: now, max entries,
 * user, the settings key (never dropped), then key, ifRev, seq, value JSON per put ('' = none). Returns the head, then
 * status (1 applied, 2 conflict, 3 stale), rev, current entry JSON per put.
 */
const PUT = `
local rev = tonumber(redis.call('HGET', KEYS[1], 'rev') or '0')
local trimmed = tonumber(redis.call('HGET', KEYS[1], 'trimmed') or '0')
local out, changed = {rev}, {}
for i = 5, #ARGV, 4 do
  local key, ifRev, seq, value = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local currentRev = tonumber(redis.call('ZSCORE', KEYS[4], key) or '0')
  local status = 1
  if ifRev ~= '' and currentRev ~= tonumber(ifRev) then
    status = 2
  elseif seq ~= '' and tonumber(redis.call('HGET', KEYS[3], key) or '0') > tonumber(seq) then
    status = 3
  end
  if status == 1 then
    rev = rev + 1
    local entry = '{"key":' .. cjson.encode(key) .. ',"rev":' .. rev .. ',"at":' .. ARGV[1] ..
      ',"value":' .. value .. '}'
    redis.call('HSET', KEYS[2], key, entry)
    if seq ~= '' then redis.call('HSET', KEYS[3], key, seq) else redis.call('HDEL', KEYS[3], key) end
    redis.call('ZADD', KEYS[4], rev, key)
    changed[#changed + 1] = entry
    out[#out + 1] = 1; out[#out + 1] = rev; out[#out + 1] = ''
  else
    out[#out + 1] = status; out[#out + 1] = currentRev
    out[#out + 1] = redis.call('HGET', KEYS[2], key) or ''
  end
end
local excess = redis.call('ZCARD', KEYS[4]) - tonumber(ARGV[2])
if excess > 0 then
  local oldest = redis.call('ZRANGE', KEYS[4], 0, excess, 'WITHSCORES')
  local removed = 0
  for j = 1, #oldest, 2 do
    if removed >= excess then break end
    if oldest[j] ~= ARGV[4] then
      redis.call('ZREM', KEYS[4], oldest[j])
      redis.call('HDEL', KEYS[2], oldest[j])
      redis.call('HDEL', KEYS[3], oldest[j])
      trimmed = math.max(trimmed, tonumber(oldest[j + 1]))
      removed = removed + 1
    end
  end
end
out[1] = rev
redis.call('HSET', KEYS[1], 'rev', rev, 'trimmed', trimmed)
if #changed > 0 then
  redis.call('XADD', KEYS[5], 'MAXLEN', '~', '10000', '*', 'u', ARGV[3],
    'e', '[' .. table.concat(changed, ',') .. ']')
end
return out
`;

/**
 * Reads atomically: the head, whether the reader must start over (`since` ahead of the head, or
 * before what was trimmed: 1), then entry JSON for every key with rev > `since` (all of them
 * when starting over), in rev order.
 */
const READ = `
local rev = tonumber(redis.call('HGET', KEYS[1], 'rev') or '0')
local trimmed = tonumber(redis.call('HGET', KEYS[1], 'trimmed') or '0')
local since = tonumber(ARGV[1])
local reset = since > rev or since < trimmed
local out = {rev, reset and 1 or 0}
local keys = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. (reset and 0 or since), '+inf')
if #keys > 0 then
  local vals = redis.call('HMGET', KEYS[3], unpack(keys))
  for i = 1, #vals do out[#out + 1] = vals[i] end
end
return out
`;

type Entry = [id: string, fields: string[]];

/** A person's keys (head, vals, seqs, revs): also deleted with their account. */
export function personStateKeys(prefix: string, user: string): string[] {
  const base = `{${prefix}}:person:${user}`;
  return [`${base}:head`, `${base}:vals`, `${base}:seqs`, `${base}:revs`];
}

/**
 * Person state in Redis, shared by every relay pointed at it. Each put also appends the
 * changed entries to one stream that every relay tails (a blocking XREAD from a concrete id,
 * like the event log's tailer), so a browser on relay B hears of a read mark made on relay A.
 */
export class RedisPersonState implements PersonStateStore {
  private readonly feeds = new Set<PersonStateFeed>();
  private tailing = false;
  private closed = false;

  constructor(
    private readonly redis: Redis,
    private readonly tailer: Redis,
    private readonly prefix: string,
    private readonly maxEntries = PERSON_STATE_MAX_ENTRIES,
    private readonly onError?: (err: Error) => void,
  ) {}

  private keys(user: string) {
    return personStateKeys(this.prefix, user);
  }

  private get feedKey() {
    return `{${this.prefix}}:person-feed`;
  }

  async put(user: string, puts: StatePut[], now: number): Promise<PutOutcome> {
    const args = [String(now), String(this.maxEntries), user, SETTINGS_KEY];
    for (const put of puts) {
      const seq = valueSeq(put.value);
      args.push(
        put.key,
        put.ifRev === undefined ? '' : String(put.ifRev),
        seq === undefined ? '' : String(seq),
        JSON.stringify(put.value),
      );
    }
    const reply = await this.redis.script<(number | string)[]>(
      PUT,
      [...this.keys(user), this.feedKey],
      args,
    );
    const results = puts.map((put, i) => {
      const [status, rev, current] = reply.slice(1 + i * 3, 4 + i * 3);
      if (Number(status) === 1) return { key: put.key, applied: true as const, rev: Number(rev) };
      return {
        key: put.key,
        applied: false as const,
        reason: Number(status) === 2 ? ('conflict' as const) : ('stale' as const),
        current: current ? (JSON.parse(String(current)) as StateEntry) : null,
      };
    });
    return { head: Number(reply[0]), results };
  }

  async read(user: string, since: number) {
    const [head, vals, , revs] = this.keys(user);
    const reply = await this.redis.script<(number | string)[]>(
      READ,
      [head!, revs!, vals!],
      [String(since)],
    );
    return {
      head: Number(reply[0]),
      reset: Number(reply[1]) === 1,
      entries: reply.slice(2).map((json) => JSON.parse(String(json)) as StateEntry),
    };
  }

  async subscribe(feed: PersonStateFeed): Promise<() => void> {
    if (!this.tailing) {
      // From the stream's end as of now, as a concrete id: a change made while the first XREAD
      // is on its way is still read.
      const newest = await this.redis.run<Entry[]>([
        'XREVRANGE',
        this.feedKey,
        '+',
        '-',
        'COUNT',
        '1',
      ]);
      this.tailing = true;
      void this.tail(newest[0]?.[0] ?? '0-0');
    }
    this.feeds.add(feed);
    return () => this.feeds.delete(feed);
  }

  /** Follows the feed stream; a failure is retried with backoff from where it was. */
  private async tail(from: string): Promise<void> {
    let last = from;
    let failures = 0;
    while (!this.closed) {
      try {
        const reply = await this.tailer.run<[string, Entry[]][] | null>(
          ['XREAD', 'COUNT', '500', 'BLOCK', String(TAIL_BLOCK_MS), 'STREAMS', this.feedKey, last],
          TAIL_BLOCK_MS + 5000,
        );
        failures = 0;
        for (const [id, fields] of reply?.[0]?.[1] ?? []) {
          last = id;
          const user = fields[fields.indexOf('u') + 1];
          const json = fields[fields.indexOf('e') + 1];
          if (user === undefined || json === undefined) continue;
          const entries = JSON.parse(json) as StateEntry[];
          for (const feed of this.feeds) feed(user, entries);
        }
      } catch (err) {
        if (this.closed) return;
        this.onError?.(err as Error);
        await sleep(retryDelayMs(failures++));
      }
    }
  }

  async forget(user: string): Promise<void> {
    await this.redis.run(['DEL', ...this.keys(user)]);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.feeds.clear();
    this.tailer.client.destroy();
  }
}
