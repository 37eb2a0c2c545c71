/**
 * The Lua the Redis log runs. Each script is one atomic step on one primary: every key carries
 * the same hash tag, so they live in one slot, and the global seq has one owner.
 */

/**
 * KEYS: epoch, stream, seq counter, idempotency hash.
 * ARGV: the epoch the caller believes in, then 5 per event: topic, id, kind, ts, envelope JSON
 * without seq.
 * Returns `{1}` when the log's epoch is not the caller's (recreated: nothing written), else
 * `{0, r1, r2, …}` in request order: the new seq, or minus the original seq of a duplicate.
 */
export const APPEND = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {1} end
local out = {0}
for i = 2, #ARGV, 5 do
  local topic, id, kind, ts, json = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  local key = topic .. '\\0' .. id
  local dup = redis.call('HGET', KEYS[4], key)
  if dup then
    out[#out + 1] = -tonumber(dup)
  else
    local seq = redis.call('INCR', KEYS[3])
    local envelope = '{"seq":' .. seq .. ',' .. string.sub(json, 2)
    redis.call('XADD', KEYS[2], seq .. '-0', 't', topic, 'i', id, 'k', kind, 'ts', ts, 'j', envelope)
    redis.call('HSET', KEYS[4], key, seq)
    out[#out + 1] = seq
  end
end
return out
`;

/**
 * KEYS: stream, seq counter, idempotency hash, pruned-through.
 * ARGV: max events, oldest ts to keep (ms), batch size.
 * Removes the oldest entries while they are over the count or too old, at most one batch (a
 * short hold on Redis), with their idempotency keys; records how far. Returns how many.
 */
export const PRUNE = `
local head = tonumber(redis.call('GET', KEYS[2]) or '0')
local countLimit = head - tonumber(ARGV[1])
local cutoff = tonumber(ARGV[2])
local entries = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', ARGV[3])
local last = nil
for _, entry in ipairs(entries) do
  local seq = tonumber(string.match(entry[1], '^(%d+)'))
  local f = {}
  for j = 1, #entry[2], 2 do f[entry[2][j]] = entry[2][j + 1] end
  if seq > countLimit and tonumber(f.ts) >= cutoff then break end
  redis.call('HDEL', KEYS[3], f.t .. '\\0' .. f.i)
  last = seq
end
if not last then return 0 end
local removed = redis.call('XTRIM', KEYS[1], 'MINID', (last + 1) .. '-0')
redis.call('SET', KEYS[4], last)
return removed
`;
