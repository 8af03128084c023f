-- wrk script: each request is a new voter answering every option of the poll.
-- Arguments: POLL_ID OPTION_ID...
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  poll = args[1]
  options = {}
  for i = 2, #args do options[#options + 1] = args[i] end
  counter = 0
  math.randomseed(id * 7919 + os.time())
end

local choices = { "yes", "if_need_be", "no" }

function request()
  counter = counter + 1
  local votes = {}
  for i, o in ipairs(options) do
    votes[i] = string.format('{"option_id":"%s","choice":"%s"}', o, choices[math.random(3)])
  end
  -- 1,000 distinct voter names per thread.
  local body = string.format('{"name":"Voter %d-%d","votes":[%s]}', id, counter % 1000, table.concat(votes, ","))
  return wrk.format("POST", "/api/v1/polls/" .. poll .. "/responses", { ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
  if status ~= 201 then
    io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n")
  end
end

done = dofile(os.getenv("BENCH_DIR") .. "/report.lua")
