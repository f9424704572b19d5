-- Body of main() after prelude.lua. ARGV 8 tag, 9 marker of this cancellation.
-- -> 'cancelled' | 'none'
local tag, marker = ARGV[8], ARGV[9]
local s = status(tag)
if not s then
  return redis.call('SISMEMBER', cancels, marker) == 1 and 'cancelled' or 'none'
end
redis.call('ZREM', seats, tag)
redis.call('ZREM', wait, tag)
redis.call('HDEL', people, tag)
redis.call('HDEL', codes, s[2])
for _, kind in ipairs({'day', 'soon', 'freed'}) do
  redis.call('HDEL', notices, ws .. '|' .. kind .. '|' .. s[2])
end
redis.call('SADD', cancels, marker)
promote()
return 'cancelled'
