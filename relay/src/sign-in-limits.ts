import { FailureLimiter, reserveAttempt } from './limiter';
import type { Redis } from './store/redis-client';

/**
 * Failed sign-ins per user name and per client address. An attempt is reserved before the slow
 * password check and refunded only if it succeeds (or could not be made), so concurrent
 * guesses get exactly the allowance evaluated. With several relays the counts must be shared,
 * or an attacker gets the allowance once per relay.
 */
export interface SignInLimits {
  /** 0 when the attempt is reserved, else the seconds until one may be made. */
  reserve(user: string, address: string): Promise<number>;
  /** Right password: the user's count starts over, the address gets its attempt back. */
  succeeded(user: string, address: string): Promise<void>;
  /** The check itself failed (the store): the attempt is given back to both. */
  refund(user: string, address: string): Promise<void>;
  /** Forgets expired windows (in-memory limits only). */
  sweep(): void;
}

export interface LimitOptions {
  maxPerUser: number;
  maxPerAddress: number;
  windowMs: number;
}

/** One relay: counts in this process. */
export function memorySignInLimits(o: LimitOptions): SignInLimits {
  const byUser = new FailureLimiter(o.maxPerUser, o.windowMs);
  const byAddress = new FailureLimiter(o.maxPerAddress, o.windowMs);
  return {
    reserve: async (user, address) =>
      reserveAttempt([
        [byUser, user],
        [byAddress, address],
      ]),
    succeeded: async (user, address) => {
      byUser.clear(user);
      byAddress.release(address);
    },
    refund: async (user, address) => {
      byUser.release(user);
      byAddress.release(address);
    },
    sweep: () => {
      byUser.sweep();
      byAddress.sweep();
    },
  };
}

/** Both checks and both counts in one atomic step; windows are key expiries. Returns ms. */
const RESERVE = `
local wait = 0
for i, k in ipairs(KEYS) do
  if tonumber(redis.call('GET', k) or '0') >= tonumber(ARGV[i]) then
    wait = math.max(wait, redis.call('PTTL', k))
  end
end
if wait ~= 0 then return wait end
for _, k in ipairs(KEYS) do
  if redis.call('INCR', k) == 1 then redis.call('PEXPIRE', k, ARGV[3]) end
end
return 0
`;

const RELEASE = `
for _, k in ipairs(KEYS) do
  if tonumber(redis.call('GET', k) or '0') > 0 then redis.call('DECR', k) end
end
return 0
`;

/** Several relays: the counts live in Redis beside the accounts. */
export function redisSignInLimits(redis: Redis, prefix: string, o: LimitOptions): SignInLimits {
  const keys = (user: string, address: string) => [
    `{${prefix}}:signin:user:${user}`,
    `{${prefix}}:signin:addr:${address}`,
  ];
  return {
    reserve: async (user, address) => {
      const ms = Number(
        await redis.script(RESERVE, keys(user, address), [
          String(o.maxPerUser),
          String(o.maxPerAddress),
          String(o.windowMs),
        ]),
      );
      // PTTL is -1 for a key without expiry (never set by us): treat it as a whole window.
      return ms === 0 ? 0 : Math.max(1, Math.ceil((ms < 0 ? o.windowMs : ms) / 1000));
    },
    succeeded: async (user, address) => {
      const [userKey, addressKey] = keys(user, address);
      await redis.run(['DEL', userKey!]);
      await redis.script(RELEASE, [addressKey!], []);
    },
    refund: async (user, address) => {
      await redis.script(RELEASE, keys(user, address), []);
    },
    sweep: () => {},
  };
}
