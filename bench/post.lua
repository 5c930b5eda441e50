-- The durable-action run: every request is a POST with its own idempotency key (run, thread,
-- counter), so each 201 is one new row and nothing is deduplicated away. Every status is counted
-- (anything but 201 is an error here) and the action id of every 201 is written to a file, so
-- bench/run can check each acknowledged action against the database afterwards.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  run = os.getenv("BENCH_RUN_ID") or tostring(os.time())
  sent = 0
  answered = 0
  statuses = {}  -- status (as text: tables cross threads by copy) -> count
  samples = {}   -- status -> the first body seen with it, for the report
  acked = {}     -- action ids answered 201
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/json"
end

-- wrk calls this before each write, including a retry on a new connection after an error, so
-- `sent - answered` bounds what was on the wire, unanswered, when wrk stopped: the only requests
-- that may have become rows without a 201 being seen.
function request()
  sent = sent + 1
  -- The counter is padded so that every key has the 16 characters the server asks for.
  local key = string.format("bench-%s-t%d-%010d", run, id, sent)
  local body = '{"name":"Ana Lima","email":"ana@example.com","country":"PT","channel":"email",' ..
               '"idempotency_key":"' .. key .. '"}'
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  answered = answered + 1
  local s = tostring(status)
  statuses[s] = (statuses[s] or 0) + 1
  if status == 201 then
    acked[#acked + 1] = body:match('"action_id":%s*(%d+)') or "unparsed"
  elseif samples[s] == nil then
    samples[s] = body:sub(1, 200)
  end
end

function done(summary, latency, requests)
  local sent_total, answered_total = 0, 0
  local statuses_total, samples_all = {}, {}
  local out = assert(io.open(os.getenv("BENCH_ACKED_FILE"), "w"))
  for _, t in ipairs(threads) do
    sent_total = sent_total + t:get("sent")
    answered_total = answered_total + t:get("answered")
    for s, n in pairs(t:get("statuses")) do statuses_total[s] = (statuses_total[s] or 0) + n end
    for s, b in pairs(t:get("samples")) do samples_all[s] = samples_all[s] or b end
    for _, a in ipairs(t:get("acked")) do out:write(a, "\n") end
  end
  out:close()
  local created = statuses_total["201"] or 0
  io.write(bench_summary_line(summary, latency), "\n")
  io.write(string.format("bench created=%d errors=%d sent=%d answered=%d\n",
                         created, answered_total - created, sent_total, answered_total))
  for s, n in pairs(statuses_total) do
    if s ~= "201" then
      io.write(string.format("bench-error status=%s count=%d body=%s\n", s, n,
                             (samples_all[s] or ""):gsub("%s+", " ")))
    end
  end
end
