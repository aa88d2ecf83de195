-- Sluice's reads of the stream KEYS[1], bounded on the wire (StreamReads runs it with EVALSHA):
-- an entry whose fields are larger than the cap never leaves the server, only its id and size do,
-- and no reply holds a whole entry the runner did not ask to read. ARGV[1] names the read:
--   page <start> <end> <count> <cap> <budget>
--        the entries of XRANGE <start> <end>, taken one at a time (the script holds one entry
--        beyond its reply), as {id, {field, value, ...}}, or {id, bytes} for an entry whose field
--        names and values together are over <cap> bytes; at most <count> entries, and none more
--        once the next would take the reply over <budget> bytes (the first always comes).
--        Reply {more, entries}: more is 0 when the range ended, 1 when <count> or <budget> did.
--   last            the id of the stream's last entry, or nil
--   head            {XLEN, id of the first entry} ({0} for an empty or missing stream)
--   count <id> <cap> the entries after <id>, counted up to <cap> (16 held at a time)
local key, op = KEYS[1], ARGV[1]

local function bytes(fields)
  local n = 0
  for _, v in ipairs(fields) do
    n = n + #v
  end
  return n
end

if op == 'page' then
  local start, stop, count = ARGV[2], ARGV[3], tonumber(ARGV[4])
  local cap, budget = tonumber(ARGV[5]), tonumber(ARGV[6])
  local out, taken = {}, 0
  while #out < count do
    local e = redis.call('XRANGE', key, start, stop, 'COUNT', 1)[1]
    if not e then
      return {0, out}
    end
    local n = bytes(e[2])
    if n > cap then
      out[#out + 1] = {e[1], n}
    elseif #out > 0 and taken + n > budget then
      return {1, out}
    else
      out[#out + 1] = e
      taken = taken + n
    end
    start = '(' .. e[1]
  end
  return {1, out}
elseif op == 'last' then
  local e = redis.call('XREVRANGE', key, '+', '-', 'COUNT', 1)[1]
  return e and e[1]
elseif op == 'head' then
  local length = redis.call('XLEN', key)
  local e = redis.call('XRANGE', key, '-', '+', 'COUNT', 1)[1]
  if e then
    return {length, e[1]}
  end
  return {length}
elseif op == 'count' then
  local start, cap, n = '(' .. ARGV[2], tonumber(ARGV[3]), 0
  while n < cap do
    local batch = redis.call('XRANGE', key, start, '+', 'COUNT', 16)
    n = n + #batch
    if #batch < 16 then
      break
    end
    start = '(' .. batch[#batch][1]
  end
  return math.min(n, cap)
end
return redis.error_reply('sluice stream-read: unknown read ' .. tostring(op))
