-- Prints wrk's own figures as one "bench key=value ..." line that bench/run parses, so the
-- script never scrapes wrk's human-readable text (whose units change with magnitude).
-- Used directly for the GET runs and loaded by post.lua for the POST run.
function bench_summary_line(summary, latency)
  local e = summary.errors
  return string.format(
    "bench requests=%d duration_us=%d bytes=%d p50_us=%d p99_us=%d max_us=%d " ..
    "connect=%d read=%d write=%d timeout=%d non2xx3xx=%d",
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.timeout, e.status)
end

function done(summary, latency, requests)
  io.write(bench_summary_line(summary, latency), "\n")
end
