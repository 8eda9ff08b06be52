-- wrk script for the tile benchmark (scripts/bench tiles).
--
--   wrk -t T -c C -d D --latency -s tiles.lua http://HOST:PORT -- LIST MODE T DONE_DIR
--
-- LIST: file of request paths, one a line. Thread i (0-based) of T takes the paths
-- i, i+T, i+2T, ...: the threads' shares are disjoint and together cover the list.
-- Requests send `Accept-Encoding: gzip`.
--
-- MODE "cycle": each thread cycles through its share until wrk's -d ends (only the
--   first pass over the list can be cold).
-- MODE "once": every path is requested exactly once. When a thread has sent its
--   whole share, its connections park (delay() returns an hour) instead of sending
--   more; when its last response has arrived it writes DONE_DIR/done.<i>, and the
--   thread that sees all T markers sends SIGINT to wrk, which ends the run early.
--   The pass's duration is measured here (CLOCK_MONOTONIC, first request sent to
--   last response received), since wrk's own runtime includes up to 100 ms of
--   shutdown. Latency percentiles are wrk's own.
--
-- Status codes are counted per thread: 200 and 204 (empty tile) are success,
-- anything else is an error. done() prints one "BENCH ..." line for the caller.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } lt_timespec;
  int clock_gettime(int clock_id, lt_timespec *tp);
  int getpid(void);
  int kill(int pid, int sig);
]]
local CLOCK_MONOTONIC, SIGINT = 1, 2
local ts = ffi.new("lt_timespec")
local function now()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) * 1e-9
end

-- main Lua state: one entry per thread, in creation order
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

-- per-thread state (each wrk thread has its own Lua state)
local share = {}          -- request strings of this thread's share
local next_index = 1
local sent, reserved, received = 0, 0, 0
local once, done_dir, nthreads
local skip_verify = false

function init(args)
  local list, mode = args[1], args[2]
  nthreads, done_dir = tonumber(args[3]), args[4]
  assert(list and (mode == "once" or mode == "cycle") and nthreads, "args: LIST once|cycle THREADS DONE_DIR")
  once = mode == "once"
  mode_once = once
  local headers = { ["Accept-Encoding"] = "gzip" }
  local i = 0
  for line in io.lines(list) do
    if line ~= "" then
      if i % nthreads == id then
        share[#share + 1] = wrk.format("GET", line, headers)
      end
      i = i + 1
    end
  end
  assert(#share > 0, "empty share for thread " .. id)
  -- wrk calls request() once on thread 0 to verify the script before the run
  -- starts; that call must not use up a path.
  skip_verify = (id == 0)
  share_size, ok200, ok204, other, t_first, t_last = #share, 0, 0, 0, 0, 0
  if once then
    -- wrk calls delay() before each request() of a connection; reserving the
    -- path here keeps two connections from both taking the last one.
    function delay()
      if reserved >= #share then return 3600 * 1000 end -- park: the share is taken
      reserved = reserved + 1
      return 0
    end
  end
end

function request()
  if skip_verify then
    skip_verify = false
    return share[1]
  end
  if sent == 0 then t_first = now() end
  local r = share[next_index]
  next_index = next_index % #share + 1
  sent = sent + 1
  return r
end

local function finish()
  t_last = now()
  local f = assert(io.open(done_dir .. "/done." .. id, "w"))
  f:close()
  local all = true
  for t = 0, nthreads - 1 do
    local g = io.open(done_dir .. "/done." .. t, "r")
    if g then g:close() else all = false end
  end
  if all then ffi.C.kill(ffi.C.getpid(), SIGINT) end
end

function response(status, headers, body)
  received = received + 1
  if status == 200 then
    ok200 = ok200 + 1
  elseif status == 204 then
    ok204 = ok204 + 1
  else
    other = other + 1
  end
  if once and received == #share then finish() end
end

function done(summary, latency, requests)
  local once_mode = threads[1]:get("mode_once")
  local n, s200, s204, bad, first, last, complete = 0, 0, 0, 0, math.huge, 0, true
  for _, t in ipairs(threads) do
    n = n + t:get("share_size")
    s200, s204, bad = s200 + t:get("ok200"), s204 + t:get("ok204"), bad + t:get("other")
    local tf, tl = t:get("t_first"), t:get("t_last")
    if tf > 0 and tf < first then first = tf end
    if tl > last then last = tl end
    if tl == 0 then complete = false end
  end
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  local seconds = summary.duration / 1e6
  if once_mode and complete then
    seconds = last - first -- the pass itself
  end
  io.write(string.format(
    "BENCH requests=%d seconds=%.3f rps=%.1f bytes=%d bytes_per_s=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f status200=%d status204=%d status_other=%d socket_errors=%d list=%d mode=%s complete=%s\n",
    summary.requests, seconds, summary.requests / seconds, summary.bytes, summary.bytes / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, s200, s204, bad, socket_errors, n, once_mode and "once" or "cycle",
    once_mode and tostring(complete) or "n/a"))
end
