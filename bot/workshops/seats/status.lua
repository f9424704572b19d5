-- A worker's place in one workshop; reads only, no prelude.
-- KEYS 1 seats, 2 wait, 3 people. ARGV 1 tag. -> {person JSON, status, place} or {}
local seats, wait, people = KEYS[1], KEYS[2], KEYS[3]
local tag = ARGV[1]
local raw = redis.call('HGET', people, tag)
if not raw then return {} end
if redis.call('ZSCORE', seats, tag) then return {raw, 'confirmed', 0} end
return {raw, 'waiting', redis.call('ZRANK', wait, tag) + 1}
