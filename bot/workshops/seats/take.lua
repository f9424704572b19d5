-- Body of main() after prelude.lua. ARGV 8 tag, 9 new code, 10 person JSON (with that code and
-- the sign-up's nonce). -> {outcome, code, place, status}; {'retry'} when the new code is taken.
local tag, code, person = ARGV[8], ARGV[9], ARGV[10]
promote()
local s = status(tag)
if s then
  if s[4] == cjson.decode(person).nonce then
    return {s[1] == 'confirmed' and 'confirmed' or 'waitlisted', s[2], s[3], s[1]}
  end
  return {'already', s[2], s[3], s[1]}
end
if redis.call('HSETNX', codes, code, tag) == 0 then return {'retry'} end
redis.call('HSET', people, tag, person)
if redis.call('ZCARD', seats) < capacity and now < start then
  confirm(tag, code)
  return {'confirmed', code, 0, 'confirmed'}
end
redis.call('ZADD', wait, redis.call('INCR', seq), tag)
return {'waitlisted', code, redis.call('ZRANK', wait, tag) + 1, 'waiting'}
