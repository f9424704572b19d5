-- Marks codes as present; no prelude. KEYS 1 codes, 2 attended. ARGV the codes.
-- -> the codes nobody holds
local codes, attended = KEYS[1], KEYS[2]
local unknown = {}
for _, code in ipairs(ARGV) do
  if redis.call('HEXISTS', codes, code) == 1 then redis.call('SADD', attended, code)
  else table.insert(unknown, code) end
end
local ttl = redis.call('PTTL', codes)
if ttl > 0 then redis.call('PEXPIRE', attended, ttl) end
return unknown
