"""Running wrk (Debian's package) against a page on loopback and reading what it printed.

Latency percentiles come from perf/wrk_report.lua, which prints wrk's exact histogram percentiles on one line;
wrk's own `--latency` distribution (50/75/90/99 %) is the fallback when that line is missing.
"""

import re
import shutil
import subprocess
from pathlib import Path

LUA_REPORT = Path(__file__).resolve().parent / "wrk_report.lua"
# A page that has not answered in this long counts as a timeout, not a latency.
WRK_TIMEOUT_SECONDS = 10

_UNITS_TO_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_DURATION = r"([\d.]+)(us|ms|s|m|h)"


def wrk_installed() -> bool:
    return shutil.which("wrk") is not None


def duration_ms(number: str, unit: str) -> float:
    """wrk's "415.00us", "3.75ms", "1.20s", "2.00m" in milliseconds."""
    return float(number) * _UNITS_TO_MS[unit]


def parse_wrk(output: str) -> dict:
    """Requests per second, request and error counts and latency percentiles (ms) from one wrk run's output."""
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    result: dict = {
        "requests_per_second": float(rate.group(1)) if rate else 0.0,
        "requests": int(total.group(1)) if total else 0,
        "non_2xx_3xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": sum(int(n) for n in socket.groups()) if socket else 0,
    }
    if not result["requests"]:
        return result  # nothing answered: no latency to report (wrk's histogram says 0)
    report = re.search(r"^hindsight-wrk: (.*)$", output, re.MULTILINE)
    if report:
        fields = dict(pair.split("=", 1) for pair in report.group(1).split())
        for name in ("p50", "p95", "p99", "max", "mean"):
            result[f"{name}_ms"] = round(float(fields[f"{name}_us"]) / 1000, 3)
        return result
    # No Lua line: wrk's --latency distribution has p50 and p99 (no p95), its thread stats the mean and max.
    for percent in ("50", "99"):
        found = re.search(rf"^\s+{percent}%\s+{_DURATION}\s*$", output, re.MULTILINE)
        if found:
            result[f"p{percent}_ms"] = round(duration_ms(*found.groups()), 3)
    stats = re.search(rf"Latency\s+{_DURATION}\s+{_DURATION}\s+{_DURATION}", output)
    if stats:
        result["mean_ms"] = round(duration_ms(*stats.groups()[0:2]), 3)
        result["max_ms"] = round(duration_ms(*stats.groups()[4:6]), 3)
    return result


def wrk_command(url: str, *, connections: int, seconds: int, cookie: str | None = None) -> list[str]:
    command = [
        "wrk",
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",  # whole seconds: wrk reads no fractions
        "--timeout",
        f"{WRK_TIMEOUT_SECONDS}s",
        "--latency",
        "-s",
        str(LUA_REPORT),
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    return [*command, url]


def run_wrk(url: str, *, connections: int, seconds: int, cookie: str | None = None) -> dict:
    """One bounded wrk run against `url` (loopback only): its parsed figures, and its output kept for the record."""
    run = subprocess.run(
        wrk_command(url, connections=connections, seconds=seconds, cookie=cookie),
        capture_output=True,
        text=True,
        timeout=seconds + WRK_TIMEOUT_SECONDS + 30,
        check=False,
    )
    return {"connections": connections, "seconds": seconds, **parse_wrk(run.stdout)}
