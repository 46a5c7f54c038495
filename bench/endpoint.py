#!/usr/bin/env python3
"""Endpoint: ``gunicorn skill.web:app`` (SQLite) against ``gunicorn trivial_app:app`` (bench/trivial_app.py).

    .venv/bin/python bench/endpoint.py --quick     # this measurement alone (no bundle, no moto)

Same workers, same load generator (wrk if installed, else a threaded http.client client), and, for
information, the hello-world SDK skill behind the same kind of app (trivial_app:sdk_app).
"""

from __future__ import annotations

import http.client
import json
import re
import shutil
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

import runner
from load_test import SERVER_ERROR_MARKS  # bench/load_test.py
from runner import BENCH, log, percentile, ratio, verdict

from skill_dev.envelopes import Session
from skill_dev.gunicorn import GunicornServer

ENDPOINT_THROUGHPUT_RATIO_MIN = 0.7
ORDER = 60

WRK_SCRIPT = r"""
local template = [==[__TEMPLATE__]==]
local threads = {}
local next_id = 0
function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end
local counter = 0
function request()
  counter = counter + 1
  local uid = tid .. "-" .. counter
  local body = template:gsub("__UID__", uid)
  return wrk.format("POST", "/", {["Content-Type"] = "application/json"}, body)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"mean_us": %.1f, "connect_errors": %d, "read_errors": %d, "write_errors": %d, "status_errors": %d, ' ..
    '"timeouts": %d}\n', summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def launch_template(run_token: str) -> str:
    """A LaunchRequest body whose user and request ids contain __UID__, for the load generator to vary."""
    session = Session(user_id=f"amzn1.ask.account.BENCH-{run_token}-__UID__")
    envelope = session.launch()
    envelope["request"]["requestId"] = f"amzn1.echo-api.request.{run_token}-__UID__"
    return json.dumps(envelope)


def wrk_load(url: str, template: str, seconds: float, connections: int, work: Path) -> dict:
    script = work / "launch.lua"
    script.write_text(WRK_SCRIPT.replace("__TEMPLATE__", template))
    command = ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds:g}s", "--timeout", "10s",
               "-s", str(script), url + "/"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    line = next((out for out in result.stdout.splitlines() if out.startswith("BENCH_JSON ")), None)
    if result.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({result.returncode}):\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    raw = json.loads(line[len("BENCH_JSON "):])
    duration = raw["duration_us"] / 1e6
    errors = sum(raw[k] for k in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts"))
    return {"requests": raw["requests"], "seconds": round(duration, 3), "rps": round(raw["requests"] / duration, 1),
            "p50_ms": raw["p50_us"] / 1e3, "p90_ms": raw["p90_us"] / 1e3, "p99_ms": raw["p99_us"] / 1e3,
            "max_ms": raw["max_us"] / 1e3, "errors": errors, "error_detail": {k: raw[k] for k in (
                "connect_errors", "read_errors", "write_errors", "status_errors", "timeouts")}}


def python_load(url: str, template: str, seconds: float, connections: int) -> dict:
    """Threaded http.client: one connection per request (gunicorn's sync workers close them anyway)."""
    match = re.fullmatch(r"http://([^:/]+):(\d+)", url)
    host, port = match.group(1), int(match.group(2))
    latencies: list[list[float]] = [[] for _ in range(connections)]
    statuses: list[Counter] = [Counter() for _ in range(connections)]
    max_requests = 10_000_000  # per thread; the deadline ends the run long before
    started = time.perf_counter()
    deadline = time.monotonic() + seconds

    def worker(number: int) -> None:
        for count in range(max_requests):
            if time.monotonic() >= deadline:
                return
            body = template.replace("__UID__", f"{number}-{count}").encode("utf-8")
            begin = time.perf_counter()
            try:
                connection = http.client.HTTPConnection(host, port, timeout=10)
                connection.request("POST", "/", body, {"Content-Type": "application/json"})
                response = connection.getresponse()
                response.read()
                status = response.status
                connection.close()
            except (OSError, http.client.HTTPException) as exc:
                status = f"error:{type(exc).__name__}"
            latencies[number].append(time.perf_counter() - begin)
            statuses[number][str(status)] += 1

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 30)
    elapsed = time.perf_counter() - started
    everything = [x for chunk in latencies for x in chunk]
    counts = sum(statuses, Counter())
    return {"requests": len(everything), "seconds": round(elapsed, 3), "rps": round(len(everything) / elapsed, 1),
            "p50_ms": round(percentile(everything, 0.5) * 1e3, 3),
            "p90_ms": round(percentile(everything, 0.9) * 1e3, 3),
            "p99_ms": round(percentile(everything, 0.99) * 1e3, 3), "max_ms": round(max(everything) * 1e3, 3),
            "errors": sum(n for status, n in counts.items() if status != "200"), "error_detail": dict(counts)}


def check_endpoint(url: str, template: str, expect: str) -> None:
    match = re.fullmatch(r"http://([^:/]+):(\d+)", url)
    connection = http.client.HTTPConnection(match.group(1), int(match.group(2)), timeout=10)
    try:
        connection.request("POST", "/", template.replace("__UID__", "check").encode(),
                           {"Content-Type": "application/json"})
        response = connection.getresponse()
        data = response.read()
    finally:
        connection.close()
    payload = json.loads(data) if response.status == 200 else {}
    ssml = ((payload.get("response") or {}).get("outputSpeech") or {}).get("ssml", "")
    if expect not in ssml:
        raise RuntimeError(f"{url}: unexpected answer {response.status} {data[:200]!r}")


def combine_rounds(rounds: list[dict]) -> dict:
    """Several load rounds of one endpoint: throughput over all of them, latency percentiles averaged."""
    requests, seconds = sum(r["requests"] for r in rounds), sum(r["seconds"] for r in rounds)
    return {"requests": requests, "seconds": round(seconds, 3), "rps": round(requests / seconds, 1),
            **{key: round(sum(r[key] for r in rounds) / len(rounds), 3) for key in ("p50_ms", "p90_ms", "p99_ms")},
            "max_ms": max(r["max_ms"] for r in rounds), "errors": sum(r["errors"] for r in rounds),
            "rounds": rounds}


def endpoint(work: Path, seconds: float, rounds: int, connections: int, workers: int, client: str) -> dict:
    """All three servers up at once (idle ones cost nothing); load rounds alternate between them."""
    use_wrk = client == "wrk" or (client == "auto" and shutil.which("wrk") is not None)
    if client == "wrk" and shutil.which("wrk") is None:
        raise RuntimeError("--load-client wrk: wrk is not installed")
    template = launch_template(uuid.uuid4().hex[:8])
    out: dict = {"load_client": "wrk (Lua script, a new user id per request)" if use_wrk else
                 "python (threaded http.client, a new connection and user id per request)",
                 "seconds": seconds, "rounds": rounds, "connections": connections, "gunicorn_workers": workers,
                 "request": "LaunchRequest of a new user (verification off)"}
    # All three launched the same way (skill_dev.gunicorn, same flags and workers, no access log):
    # trivial_app:app returns a fixed Alexa response; trivial_app:sdk_app is the hello-world ASK SDK skill
    # behind a minimal Flask endpoint; skill.web:app is the real app with its SQLite store.
    bench_path = {"PYTHONPATH": str(BENCH)}
    subjects = (("trivial", "trivial_app:app", bench_path, "Hello world"),
                ("sdk_hello", "trivial_app:sdk_app", bench_path, "Hello world"),
                ("real", "skill.web:app", {"PERSISTENCE": "sqlite", "SQLITE_PATH": str(work / "endpoint.sqlite3")},
                 "Welcome to Back Stretch Coach"))
    servers, urls, logs = {}, {}, {}
    measured: dict[str, list] = defaultdict(list)
    try:
        start_servers(work, subjects, workers, template, servers, urls)

        def load(name: str, duration: float) -> dict:
            if use_wrk:
                return wrk_load(urls[name], template, duration, connections, work / f"gunicorn-{name}")
            return python_load(urls[name], template, duration, connections)

        for name, *_ in subjects:
            load(name, 1)  # warm-up: every worker has imported and built its app
        for round_number in range(rounds):  # bounded
            for name, *_ in subjects:
                log(f"endpoint: round {round_number + 1}/{rounds}, {name}, {seconds:g} s ...")
                measured[name].append(load(name, seconds))
        for name in servers:
            logs[name] = servers[name].log()
    finally:
        for server in servers.values():
            server.stop()
    for name, *_ in subjects:
        out[name] = server_results(name, measured[name], logs[name])
    out["throughput_ratio"] = ratio(out["real"]["rps"], out["trivial"]["rps"])
    out["p50_ratio"] = ratio(out["real"]["p50_ms"], out["trivial"]["p50_ms"])
    # Informative: how much of the gap any ASK SDK skill has, and the skill's own share.
    out["sdk_hello_throughput_ratio"] = ratio(out["sdk_hello"]["rps"], out["trivial"]["rps"])
    out["real_vs_sdk_hello_throughput_ratio"] = ratio(out["real"]["rps"], out["sdk_hello"]["rps"])
    return out


def start_servers(work: Path, subjects: tuple, workers: int, template: str, servers: dict, urls: dict) -> None:
    """Start a gunicorn per subject and check its answer; fills ``servers`` as it goes, so the caller can stop them."""
    for name, app, env, expect in subjects:
        folder = work / f"gunicorn-{name}"
        folder.mkdir()
        servers[name] = GunicornServer(folder, env, workers, app=app, access_log=False)
        urls[name] = servers[name].start()
        log(f"endpoint: {name} at {urls[name]} (pid {servers[name].process.pid})")
        check_endpoint(urls[name], template, expect)


def server_results(name: str, rounds: list[dict], server_log: str) -> dict:
    """One endpoint's rounds combined, with the count of error lines in its server log (logged if any)."""
    result = combine_rounds(rounds)
    result["server_error_log_lines"] = sum(1 for line in server_log.splitlines()
                                           if any(mark in line for mark in SERVER_ERROR_MARKS))
    if result["errors"] or result["server_error_log_lines"]:
        log(f"endpoint: {name}: {result['errors']} client errors, "
            f"{result['server_error_log_lines']} server error lines")
    return result


def measure(ws: runner.Workspace, args, results: dict) -> None:
    ws.stop_moto()  # nothing else running while the endpoints are loaded
    results["endpoint"] = endpoint(ws.work, args.endpoint_seconds, 1 if args.quick else 2, args.connections,
                                   args.workers, args.load_client)


def report(results: dict, t: runner.Table) -> None:
    e = results.get("endpoint")
    if not e:
        return
    row = t.row
    t.section(f"Endpoint (gunicorn, {e['gunicorn_workers']} sync workers, {e['connections']} connections, "
              f"{e['rounds']} × {e['seconds']:g} s each, alternating; {e['load_client']})")
    row("", "req/s", "p50 ms", "p99 ms", "errors")
    row("trivial Flask app (the floor)", e["trivial"]["rps"], e["trivial"]["p50_ms"], e["trivial"]["p99_ms"],
        e["trivial"]["errors"])
    row("hello-world SDK skill in Flask", e["sdk_hello"]["rps"], e["sdk_hello"]["p50_ms"], e["sdk_hello"]["p99_ms"],
        e["sdk_hello"]["errors"])
    row("skill.web:app (SQLite)", e["real"]["rps"], e["real"]["p50_ms"], e["real"]["p99_ms"], e["real"]["errors"])
    row("ratio real/trivial", f"{e['throughput_ratio']:.2f}×", f"{e['p50_ratio']:.2f}×")
    row("ratio hello-world SDK/trivial", f"{e['sdk_hello_throughput_ratio']:.2f}×")
    row("ratio real/hello-world SDK", f"{e['real_vs_sdk_hello_throughput_ratio']:.2f}×")


def targets(results: dict) -> list[dict]:
    ep = results.get("endpoint")
    if not ep:
        return []
    value, limit = ep["throughput_ratio"], ENDPOINT_THROUGHPUT_RATIO_MIN
    needed = limit * ep["trivial"]["rps"]
    rows = [{"target": f"endpoint throughput ≥ {limit}× trivial", "value": f"{value:.2f}×",
             **verdict(value >= limit, f"{value - limit:+.2f}× ({ep['real']['rps'] - needed:+.0f} req/s)")}]
    value = ep["sdk_hello_throughput_ratio"]
    rows.append({"target": f"(informative) hello-world SDK skill endpoint ≥ {limit}× trivial",
                 "value": f"{value:.2f}×", **verdict(value >= limit, f"{value - limit:+.2f}×")})
    return rows


REPORTS = [(40, report)]
TARGETS = [(30, targets)]

if __name__ == "__main__":
    sys.exit(runner.main([sys.modules[__name__]]))
