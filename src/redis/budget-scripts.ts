// The two Lua scripts of the Redis budget store (SPEC R55). Each runs atomically in Redis, so
// processes sharing one Redis cannot both take the last of a budget, and both read Redis's own
// TIME: the servers' clocks do not matter. They do what the memory store does
// (src/limits/memory-budget-store.ts), step for step: the sliding window of
// src/limits/sliding-window.ts and the in-flight charge of src/limits/in-flight.ts, in one hash
// per account:
//   v        format of the hash (2); a hash without it (an older version's) starts afresh
//   h        the newest bucket; u, m: ms and executions in the window (running totals)
//   t<k>     ms that ran in bucket k; n<k>: executions admitted in bucket k
//   c, s, e  calls in flight: count, Σ (start − START_EPOCH_MS), Σ estimate
//   x        at most the earliest expiry of a call in flight; q: the last call id
//   f<id>    one call in flight: "<start − START_EPOCH_MS>:<estimate>:<expiry>"
// Buckets that leave the window are deleted as it advances and the key expires after about two
// windows (plus the longest call's lifetime) without a write, so nothing accumulates.
//
// Redis versions: the scripts write after TIME, which Redis before 5 refuses while it replicates
// scripts whole (a replica re-running the script would read another time). Redis 3.2 and 4 need
// redis.replicate_commands() first to replicate the script's effects instead; from Redis 5 that
// is the default and the call a no-op returning true (deprecated in 7, still present; guarded in
// case a later version drops it). Before 3.2 there is no such switch: the store refuses those
// versions on first use (redis-version.ts). Numbers are written through string.format('%d'):
// Lua's own number-to-string keeps 14 digits only.

/** The oldest Redis the scripts run on. */
export const MIN_REDIS_VERSION = '3.2.0';

// Loads the account's state, advances the window to Redis's clock and expires lost calls.
// ARGV[1..3] are bucketMs, buckets, epoch in both scripts.
const PRELUDE = `
if redis.replicate_commands then redis.replicate_commands() end
local key = KEYS[1]
local function int(n) return string.format('%d', n) end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local bucketMs = tonumber(ARGV[1])
local buckets = tonumber(ARGV[2])
local epoch = tonumber(ARGV[3])
local current = math.floor(now / bucketMs)

local state = redis.call('HMGET', key, 'v', 'h', 'u', 'm', 'c', 's', 'e', 'x')
local head, used, executions, count, sumStarts, sumEstimates, nextExpiry
if state[1] == '2' then
  head, used, executions = tonumber(state[2]), tonumber(state[3]) or 0, tonumber(state[4]) or 0
  count, sumStarts, sumEstimates = tonumber(state[5]) or 0, tonumber(state[6]) or 0, tonumber(state[7]) or 0
  nextExpiry = tonumber(state[8])
else
  redis.call('DEL', key)
  head, used, executions, count, sumStarts, sumEstimates = current, 0, 0, 0, 0, 0
end

local function deleteFields(fields)
  for i = 1, #fields, 1000 do
    redis.call('HDEL', key, unpack(fields, i, math.min(i + 999, #fields)))
  end
end

-- The buckets that leave the window as it moves to the current one.
if current > head then
  local fields = {}
  local all = current - head >= buckets + 1
  local last = current - buckets - 1
  if all then last = head end
  for k = head - buckets, last do
    fields[#fields + 1] = 't' .. int(k)
    fields[#fields + 1] = 'n' .. int(k)
  end
  if all then
    used, executions = 0, 0
  else
    local values = redis.call('HMGET', key, unpack(fields))
    for i = 1, #values, 2 do
      used = used - (tonumber(values[i]) or 0)
      executions = executions - (tonumber(values[i + 1]) or 0)
    end
  end
  deleteFields(fields)
  head = current
end

local function removeCall(field, entry)
  local start, estimate = string.match(entry, '^(-?%d+):(%d+):')
  redis.call('HDEL', key, field)
  count = count - 1
  sumStarts = sumStarts - tonumber(start)
  sumEstimates = sumEstimates - tonumber(estimate)
  if count <= 0 then count, sumStarts, sumEstimates, nextExpiry = 0, 0, 0, nil end
end

-- Calls whose entry expired (a server that crashed mid-call) stop counting.
if nextExpiry ~= nil and now >= nextExpiry then
  local flat = redis.call('HGETALL', key)
  local nextOne = nil
  for i = 1, #flat, 2 do
    if string.sub(flat[i], 1, 1) == 'f' then
      local expiry = tonumber(string.match(flat[i + 1], ':(%d+)$'))
      if expiry <= now then removeCall(flat[i], flat[i + 1])
      elseif nextOne == nil or expiry < nextOne then nextOne = expiry end
    end
  end
  nextExpiry = nextOne
end

local function save(ttl)
  redis.call('HMSET', key, 'v', '2', 'h', int(head), 'u', int(used), 'm', int(executions),
    'c', int(count), 's', int(sumStarts), 'e', int(sumEstimates))
  if nextExpiry == nil then redis.call('HDEL', key, 'x') else redis.call('HSET', key, 'x', int(nextExpiry)) end
  -- Only ever lengthened: a short call must not cut the life of a long one's entry.
  if redis.call('PTTL', key) < ttl then redis.call('PEXPIRE', key, int(ttl)) end
end
local windowTtl = 2 * (buckets + 1) * bucketMs
`;

/**
 * Admits a call if the account's time in the window (settled + in flight) is under the budget.
 * KEYS[1] the account's hash. ARGV: bucketMs, buckets, epoch, estimateMs, lifetimeMs (timeout +
 * grace), budgetMs, maxExecutions (0: none).
 * Returns { admitted (0|1), call id, remainingMs, executions, retryAfterMs }.
 */
export const RESERVE_SCRIPT = `${PRELUDE}
local estimate = tonumber(ARGV[4])
local lifetime = tonumber(ARGV[5])
local budget = tonumber(ARGV[6])
local maxExecutions = tonumber(ARGV[7])

local charged = used
if count > 0 then charged = used + math.max(count * (now - epoch) - sumStarts, sumEstimates) end
local remaining = math.max(0, budget - charged)
local needMs = charged - budget + 1
local needExecutions = 0
if maxExecutions > 0 then needExecutions = executions + 1 - maxExecutions end
if needMs <= 0 and needExecutions <= 0 then
  local id = redis.call('HINCRBY', key, 'q', 1)
  local expiry = now + lifetime
  redis.call('HINCRBY', key, 'n' .. int(head), 1)
  redis.call('HSET', key, 'f' .. int(id), int(now - epoch) .. ':' .. int(estimate) .. ':' .. int(expiry))
  executions = executions + 1
  count = count + 1
  sumStarts = sumStarts + (now - epoch)
  sumEstimates = sumEstimates + estimate
  if nextExpiry == nil or expiry < nextExpiry then nextExpiry = expiry end
  save(windowTtl + lifetime)
  return { 1, id, remaining, executions, 0 }
end
save(windowTtl)

-- Refused: walk from the oldest bucket until enough would have left the window.
local fields = {}
for k = head - buckets, head do
  fields[#fields + 1] = 't' .. int(k)
  fields[#fields + 1] = 'n' .. int(k)
end
local values = redis.call('HMGET', key, unpack(fields))
local freedMs, freedExecutions = 0, 0
local retryAfter = (head + buckets + 1) * bucketMs - now
for i = 1, #values, 2 do
  freedMs = freedMs + (tonumber(values[i]) or 0)
  freedExecutions = freedExecutions + (tonumber(values[i + 1]) or 0)
  if freedMs >= needMs and freedExecutions >= needExecutions then
    local bucket = head - buckets + (i - 1) / 2
    retryAfter = (bucket + buckets + 1) * bucketMs - now
    break
  end
end
return { 0, 0, remaining, executions, retryAfter }
`;

/**
 * Ends a call: drops its in-flight entry (when it has not expired) and spreads its measured time
 * over the buckets it ran in, [now − actualMs, now), as far back as the window reaches.
 * KEYS[1] the account's hash. ARGV: bucketMs, buckets, epoch, call id, actualMs.
 * Returns 1 when the call was still in flight, 0 when its entry had expired.
 */
export const SETTLE_SCRIPT = `${PRELUDE}
local field = 'f' .. ARGV[4]
local entry = redis.call('HGET', key, field)
if entry then removeCall(field, entry) end
local actual = tonumber(ARGV[5])
if actual > 0 then
  local startMs = now - actual
  local first = math.max(math.floor(startMs / bucketMs), head - buckets)
  for k = first, math.floor((now - 1) / bucketMs) do
    local piece = math.min(now, (k + 1) * bucketMs) - math.max(startMs, k * bucketMs)
    redis.call('HINCRBY', key, 't' .. int(k), int(piece))
    used = used + piece
  end
end
save(windowTtl)
if entry then return 1 end
return 0
`;
