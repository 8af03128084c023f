-- wrk script for hybrid meetings, answers per day and seats (issue 28):
-- each request is a new voter. Arguments: POLL_ID MODE OPTION...
--   MODE plain: yes to every option (the baseline for the two below)
--   MODE seat:  yes to every option, each of which has seats, so every
--               vote queues on the option's seat row (most of them wait)
--   MODE days:  a hybrid poll; each OPTION is ID@DAY,DAY,... and every
--               day gets a random answer, with an attendance mode when
--               the member is available on every day
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  poll = args[1]
  mode = args[2]
  options = {}
  for i = 3, #args do
    local id, days = string.match(args[i], "([^@]+)@?(.*)")
    local list = {}
    for d in string.gmatch(days, "[^,]+") do list[#list + 1] = d end
    options[#options + 1] = { id = id, days = list }
  end
  counter = 0
  math.randomseed(id * 7919 + os.time())
end

local choices = { "yes", "if_need_be", "no" }
local modes = { "in_person", "online" }

local function vote(o)
  if mode ~= "days" then
    return string.format('{"option_id":"%s","choice":"yes"}', o.id)
  end
  local days, worst = {}, 1
  for i, d in ipairs(o.days) do
    local c = math.random(3)
    if c > worst then worst = c end
    days[i] = string.format('{"date":"%s","choice":"%s"}', d, choices[c])
  end
  local attendance = ""
  if worst < 3 then
    attendance = string.format(',"attendance":"%s"', modes[math.random(2)])
  end
  return string.format('{"option_id":"%s","days":[%s]%s}', o.id, table.concat(days, ","), attendance)
end

function request()
  counter = counter + 1
  local votes = {}
  for i, o in ipairs(options) do votes[i] = vote(o) end
  local body = string.format('{"name":"Voter %d-%d","votes":[%s]}', id, counter % 1000, table.concat(votes, ","))
  return wrk.format("POST", "/api/v1/polls/" .. poll .. "/responses", { ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
  if status ~= 201 then
    io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n")
  end
end

done = dofile(os.getenv("BENCH_DIR") .. "/report.lua")
