-- Body of main() after prelude.lua. ARGV 8 tag.
-- -> {outcome, code or seats left, place or waiting}
local tag = ARGV[8]
promote()
local s = status(tag)
if s then return {s[1] == 'confirmed' and 'already' or 'already_waiting', s[2], s[3]} end
local left = capacity - redis.call('ZCARD', seats)
if left > 0 then return {'open', left, 0} end
return {'full', 0, redis.call('ZCARD', wait)}
