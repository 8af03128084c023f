-- wrk script: a polling client's pair of reads, getPoll then getResults,
-- alternately. Arguments: POLL_PATH RESULTS_PATH [POLL_ETAG RESULTS_ETAG]
-- (with the ETags every request is conditional and the reply is a 304).
-- Extra headers (-H) apply to both. One pair is two requests.
function init(args)
  paths = { args[1], args[2] }
  etags = { args[3], args[4] }
  n = 0
end

function request()
  n = n % 2 + 1
  local headers = {}
  if etags[n] then headers["If-None-Match"] = etags[n] end
  return wrk.format("GET", paths[n], headers)
end

function response(status, headers, body)
  if status ~= 200 and status ~= 304 then
    io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n")
  end
end

done = dofile(os.getenv("BENCH_DIR") .. "/report.lua")
