-- wrk script for plain GETs, reporting like vote.lua.
done = dofile(os.getenv("BENCH_DIR") .. "/report.lua")
