-- Shared head of the seat scripts that change a workshop (availability, take, cancel).
-- redis.py puts it before each script's body, which becomes `main()`; `keep()` runs after it,
-- so every exit path sets the keys' expiry.
-- KEYS: the workshop's eight keys, in the order of `SeatKeys` in redis.py.
-- ARGV: 1 workshop, 2 capacity, 3 now, 4 start (Unix seconds), 5 seconds before the start of the
-- 'day' reminder, 6 of the 'soon' reminder, 7 seconds after the start the keys are kept;
-- then the script's own arguments from 8.
local seats, wait, people, codes, seq, notices, cancels, attended =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8]
local ws, capacity, now, start = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local day, soon, keep_for = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local function notice(kind, tag, code, due)
  local id = ws .. '|' .. kind .. '|' .. code
  redis.call('HSET', notices, id, cjson.encode({id = id, kind = kind, workshop = ws, tag = tag,
    code = code, due = due}))
end
local function confirm(tag, code)
  redis.call('ZADD', seats, redis.call('INCR', seq), tag)
  for _, r in ipairs({{'day', day}, {'soon', soon}}) do
    if start - r[2] > now then notice(r[1], tag, code, start - r[2]) end
  end
end
local function promote()
  while now < start and redis.call('ZCARD', seats) < capacity do
    local first = redis.call('ZRANGE', wait, 0, 0)[1]
    if not first then return end
    redis.call('ZREM', wait, first)
    local code = cjson.decode(redis.call('HGET', people, first)).code
    confirm(first, code)
    notice('freed', first, code, now)
  end
end
local function keep()  -- a workshop's keys, her chat id among them, go some weeks after it
  if start > 0 then
    for _, key in ipairs(KEYS) do redis.call('EXPIREAT', key, start + keep_for) end
  end
end
local function status(tag)
  local raw = redis.call('HGET', people, tag)
  if not raw then return nil end
  local p = cjson.decode(raw)
  if redis.call('ZSCORE', seats, tag) then return {'confirmed', p.code, 0, p.nonce} end
  return {'waiting', p.code, redis.call('ZRANK', wait, tag) + 1, p.nonce}
end
