"""Reading wrk's output: the Lua reporter's exact percentiles, wrk's own summary, errors. The outputs below are
real ones, captured from `wrk --latency -s perf/wrk_report.lua` against the bare project's gunicorn."""

import pytest

from perf.wrk import LUA_REPORT, duration_ms, parse_wrk, wrk_command

# 1 connection, 2 s, the bare floor.
FLOOR_AT_ONE_CONNECTION = """\
Running 2s test @ http://127.0.0.1:18790/bare/floor/
  1 threads and 1 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    21.00ms   29.83ms 141.12ms   84.83%
    Req/Sec   122.72    121.93   300.00     72.22%
  Latency Distribution
     50%    3.75ms
     75%   26.62ms
     90%   65.57ms
     99%  123.05ms
  225 requests in 2.03s, 1.76MB read
Requests/sec:    110.68
Transfer/sec:      0.87MB
hindsight-wrk: p50_us=3749 p95_us=92670 p99_us=123053 max_us=141123 mean_us=20998.2 requests=225 duration_us=2032960 connect_errors=0 read_errors=0 write_errors=0 timeouts=0 status_errors=0
"""

# A page that answered 404 to every request.
EVERY_RESPONSE_404 = """\
Running 1s test @ http://127.0.0.1:18790/bare/missing/
  1 threads and 1 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    26.72ms   49.12ms 232.19ms   85.61%
    Req/Sec     1.00k     1.12k    3.30k    85.71%
  Latency Distribution
     50%  415.00us
     75%   31.62ms
     90%   95.43ms
     99%  215.09ms
  889 requests in 1.09s, 315.31KB read
  Non-2xx or 3xx responses: 889
Requests/sec:    818.74
Transfer/sec:    290.39KB
hindsight-wrk: p50_us=415 p95_us=143053 p99_us=215092 max_us=232186 mean_us=26724.5 requests=889 duration_us=1085809 connect_errors=0 read_errors=0 write_errors=0 timeouts=0 status_errors=889
"""

# A server that accepted connections and never answered.
NO_ANSWER = """\
Running 3s test @ http://127.0.0.1:18799/
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     0.00us    0.00us   0.00us    -nan%
    Req/Sec     0.00      0.00     0.00      -nan%
  Latency Distribution
     50%    0.00us
     75%    0.00us
     90%    0.00us
     99%    0.00us
  0 requests in 3.04s, 0.00B read
  Socket errors: connect 0, read 2, write 45982, timeout 0
Requests/sec:      0.00
Transfer/sec:       0.00B
hindsight-wrk: p50_us=0 p95_us=0 p99_us=0 max_us=0 mean_us=0.0 requests=0 duration_us=3036288 connect_errors=0 read_errors=2 write_errors=45982 timeouts=0 status_errors=0
"""


def without_lua_report(output):
    return "\n".join(line for line in output.splitlines() if not line.startswith("hindsight-wrk:"))


def test_the_lua_reporters_percentiles_are_read_in_milliseconds():
    figures = parse_wrk(FLOOR_AT_ONE_CONNECTION)
    assert (figures["p50_ms"], figures["p95_ms"], figures["p99_ms"]) == (3.749, 92.67, 123.053)


def test_the_lua_reporters_max_and_mean_are_read():
    figures = parse_wrk(FLOOR_AT_ONE_CONNECTION)
    assert (figures["max_ms"], figures["mean_ms"]) == (141.123, 20.998)


def test_requests_per_second_and_request_count_come_from_wrks_summary():
    figures = parse_wrk(FLOOR_AT_ONE_CONNECTION)
    assert (figures["requests_per_second"], figures["requests"]) == (110.68, 225)


def test_a_clean_run_has_no_errors():
    figures = parse_wrk(FLOOR_AT_ONE_CONNECTION)
    assert figures["non_2xx_3xx"] + figures["socket_errors"] == 0


def test_without_the_lua_line_the_latency_distribution_gives_p50_and_p99():
    figures = parse_wrk(without_lua_report(FLOOR_AT_ONE_CONNECTION))
    assert (figures["p50_ms"], figures["p99_ms"]) == (3.75, 123.05)


def test_without_the_lua_line_there_is_no_p95():
    assert "p95_ms" not in parse_wrk(without_lua_report(FLOOR_AT_ONE_CONNECTION))


def test_without_the_lua_line_mean_and_max_come_from_the_thread_stats():
    figures = parse_wrk(without_lua_report(FLOOR_AT_ONE_CONNECTION))
    assert (figures["mean_ms"], figures["max_ms"]) == (21.0, 141.12)


def test_non_2xx_responses_are_counted():
    assert parse_wrk(EVERY_RESPONSE_404)["non_2xx_3xx"] == 889


def test_socket_errors_are_added_up():
    assert parse_wrk(NO_ANSWER)["socket_errors"] == 2 + 45982


def test_a_run_with_no_answer_reports_no_latency():
    assert "p50_ms" not in parse_wrk(NO_ANSWER)


def test_wrks_units_become_milliseconds():
    in_ms = [duration_ms("415.00", "us"), duration_ms("3.75", "ms"), duration_ms("1.20", "s")]
    assert in_ms == pytest.approx([0.415, 3.75, 1200])


def test_the_latency_run_uses_one_connection_and_the_lua_reporter():
    command = wrk_command("http://127.0.0.1:1/", connections=1, seconds=15, cookie="sessionid=x")
    assert command[:4] + command[-4:] == [
        "wrk",
        "-t1",
        "-c1",
        "-d15s",
        str(LUA_REPORT),
        "-H",
        "Cookie: sessionid=x",
        "http://127.0.0.1:1/",
    ]
