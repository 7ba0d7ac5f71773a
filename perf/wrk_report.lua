-- wrk reporter for `make bench`: after wrk's own summary, one line of latency percentiles (microseconds) and
-- counts that perf/wrk.py parses. wrk keeps every request's latency in its histogram, so these are exact.
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "hindsight-wrk: p50_us=%.0f p95_us=%.0f p99_us=%.0f max_us=%.0f mean_us=%.1f requests=%d duration_us=%.0f"
      .. " connect_errors=%d read_errors=%d write_errors=%d timeouts=%d status_errors=%d\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, latency.mean,
    summary.requests, summary.duration,
    errors.connect, errors.read, errors.write, errors.timeout, errors.status
  ))
end
