"""The load generators: wrk (when installed) or Python threads, each a keep-alive connection per client,
cycling through a scenario's calls; both return the same figures."""

import json
import os
import subprocess
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass

import requests

from bench.load.report import Result
from bench.load.server import Server, measured


@dataclass(frozen=True)
class Call:
    """One request of a scenario; a client sends the scenario's calls in turn."""

    method: str
    path: str
    body: dict | None = None


WRK_SCRIPT = """
local calls = %(calls)s
local tokens = %(tokens)s
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  n = id * 7919
  codes = {}
end

function request()
  n = n + 1
  local call = calls[(n %% #calls) + 1]
  local headers = {["Content-Type"] = "application/json"}
  if #tokens > 0 then
    headers["Authorization"] = "Bearer " .. tokens[(n %% #tokens) + 1]
  end
  return wrk.format(call[1], call[2], headers, call[3])
end

function response(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    for code, count in pairs(thread:get("codes")) do
      merged[tostring(code)] = (merged[tostring(code)] or 0) + count
    end
  end
  local parts = {}
  for code, count in pairs(merged) do table.insert(parts, string.format('"%%s": %%d', code, count)) end
  local e = summary.errors
  io.write(string.format(
    'WRK-RESULT {"requests": %%d, "duration_us": %%d, "p50": %%d, "p95": %%d, "p99": %%d, '
    .. '"transport_errors": %%d, "codes": {%%s}}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, table.concat(parts, ", ")))
end
"""


def _lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid Lua string for this ASCII content


def run_wrk(
    server: Server, name: str, calls: list[Call], tokens: list[str], *, clients: int, seconds: int
) -> Result:
    lua_calls = ", ".join(
        "{{{}, {}, {}}}".format(
            _lua_string(c.method),
            _lua_string(c.path),
            _lua_string(json.dumps(c.body)) if c.body is not None else "nil",
        )
        for c in calls
    )
    lua_tokens = ", ".join(_lua_string(t) for t in tokens)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % {"calls": "{" + lua_calls + "}", "tokens": "{" + lua_tokens + "}"})
    try:
        with measured(server) as usage:
            output = subprocess.run(
                [
                    "wrk",
                    "-t2",
                    f"-c{clients}",
                    f"-d{seconds}s",
                    "--timeout=10s",
                    "-s",
                    script.name,
                    server.url,
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
    finally:
        os.unlink(script.name)
    line = next(x for x in output.splitlines() if x.startswith("WRK-RESULT "))
    data = json.loads(line.removeprefix("WRK-RESULT "))
    return Result(
        name=name,
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50"] / 1000,
        p95_ms=data["p95"] / 1000,
        p99_ms=data["p99"] / 1000,
        codes={int(k): v for k, v in data["codes"].items()},
        transport_errors=data["transport_errors"],
        **usage,
    )


def run_threads(
    server: Server, name: str, calls: list[Call], tokens: list[str], *, clients: int, seconds: int
) -> Result:
    """The same load from Python threads, one keep-alive session each (when wrk is not installed)."""
    latencies: list[float] = []
    codes: Counter[int] = Counter()
    transport_errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(index: int) -> None:
        nonlocal transport_errors
        session = requests.Session()
        mine: list[float] = []
        counted: Counter[int] = Counter()
        failures = 0
        n = index * 7919
        while time.monotonic() < deadline:
            n += 1
            call = calls[n % len(calls)]
            headers = {"Authorization": f"Bearer {tokens[n % len(tokens)]}"} if tokens else {}
            started = time.perf_counter()
            try:
                response = session.request(
                    call.method, server.url + call.path, json=call.body, headers=headers
                )
            except requests.RequestException:
                failures += 1
                continue
            mine.append((time.perf_counter() - started) * 1000)
            counted[response.status_code] += 1
        session.close()  # the server's graceful stop would wait for idle keep-alive connections
        with lock:
            latencies.extend(mine)
            codes.update(counted)
            transport_errors += failures

    started = time.monotonic()
    with measured(server, children=False) as usage:
        workers = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    return Result(
        name=name,
        requests=len(latencies),
        seconds=elapsed,
        p50_ms=_percentile(latencies, 50),
        p95_ms=_percentile(latencies, 95),
        p99_ms=_percentile(latencies, 99),
        codes=dict(codes),
        transport_errors=transport_errors,
        **usage,
    )


def _percentile(ordered: list[float], p: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))] if ordered else float("nan")
