// The two Lua scripts of the Redis budget store (SPEC R55). Each runs atomically in Redis, so
// processes sharing one Redis cannot both take the last of a budget. Both read Redis's own TIME:
// the servers' clocks do not matter. The window is the sliding window of
// src/limits/sliding-window.ts, kept in one hash per account:
//   t<bucket> = milliseconds reserved or settled in that bucket
//   n<bucket> = executions admitted in that bucket
// Buckets that left the window are deleted on every reservation, and the key expires after about
// two windows without one, so nothing accumulates.

/**
 * Reserves time if the budget allows it.
 * KEYS[1] the account's hash. ARGV: reserveMs, budgetMs, maxExecutions (0: none), bucketMs, buckets.
 * Returns { admitted (0|1), bucket, remainingMs, executions, retryAfterMs }.
 */
export const RESERVE_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local reserve = tonumber(ARGV[1])
local budget = tonumber(ARGV[2])
local maxExecutions = tonumber(ARGV[3])
local bucketMs = tonumber(ARGV[4])
local buckets = tonumber(ARGV[5])
local current = math.floor(now / bucketMs)
local oldest = current - buckets

local flat = redis.call('HGETALL', KEYS[1])
local ms, counts, stale = {}, {}, {}
local used, executions = 0, 0
for i = 1, #flat, 2 do
  local field = flat[i]
  local bucket = tonumber(string.sub(field, 2))
  local value = tonumber(flat[i + 1])
  if bucket == nil or bucket < oldest then
    stale[#stale + 1] = field
  elseif string.sub(field, 1, 1) == 't' then
    ms[bucket] = value
    used = used + value
  else
    counts[bucket] = value
    executions = executions + value
  end
end
if #stale > 0 then redis.call('HDEL', KEYS[1], unpack(stale)) end

local needMs = used + reserve - budget
local needExecutions = 0
if maxExecutions > 0 then needExecutions = executions + 1 - maxExecutions end
if needMs <= 0 and needExecutions <= 0 then
  local suffix = string.format('%d', current)
  redis.call('HINCRBY', KEYS[1], 't' .. suffix, reserve)
  redis.call('HINCRBY', KEYS[1], 'n' .. suffix, 1)
  redis.call('PEXPIRE', KEYS[1], 2 * (buckets + 1) * bucketMs)
  return { 1, current, math.max(0, budget - used - reserve), executions + 1, 0 }
end

-- Refused: walk from the oldest bucket until enough would have left the window.
local freedMs, freedExecutions = 0, 0
local retryAfter = (current + buckets + 1) * bucketMs - now
for bucket = oldest, current do
  freedMs = freedMs + (ms[bucket] or 0)
  freedExecutions = freedExecutions + (counts[bucket] or 0)
  if freedMs >= needMs and freedExecutions >= needExecutions then
    retryAfter = (bucket + buckets + 1) * bucketMs - now
    break
  end
end
return { 0, current, math.max(0, budget - used), executions, retryAfter }
`;

/**
 * Replaces a reservation with the measured time, unless its bucket already left the window.
 * KEYS[1] the account's hash. ARGV: bucket, reservedMs, actualMs, bucketMs, buckets.
 * Returns 1 when corrected, 0 when the bucket was gone.
 */
export const SETTLE_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local bucket = tonumber(ARGV[1])
local current = math.floor(now / tonumber(ARGV[4]))
if bucket < current - tonumber(ARGV[5]) then return 0 end
local field = 't' .. ARGV[1]
if redis.call('HEXISTS', KEYS[1], field) == 0 then return 0 end
local value = redis.call('HINCRBY', KEYS[1], field, tonumber(ARGV[3]) - tonumber(ARGV[2]))
if value < 0 then redis.call('HSET', KEYS[1], field, 0) end
return 1
`;
