#!/usr/bin/env python3
"""Load without loss: many concurrent conversations against gunicorn + SQLite.

Starts ``gunicorn skill.web:app`` (several sync workers, the SQLite store in a
temporary directory, request verification off) on 127.0.0.1, runs N simulated
users at a bounded concurrency, each a whole conversation under its own user
id, then reads the SQLite file directly and checks that every user's stored
record is exactly what that user's own conversation implies:

* finishers (launch, start a routine, "next" through to "routine done"):
  ``routine`` is null and ``history`` is exactly ``[[date, routine id]]``;
* stoppers (every 5th user: launch, start, k x "next", "stop"):
  ``routine`` is their routine id, ``index`` is k, ``stretch`` is the id of
  stretch k, ``history`` is empty;
* one record per user, no record for anyone else, and none carrying another
  user's conversation (a crossed write).

Python standard library only (threads + http.client). Every request has a
timeout, the run has a global deadline, every loop is bounded, nothing is
written into the repository, and gunicorn is stopped by its PID at the end,
even on failure. Exits non-zero on any 5xx, timeout, transport error,
unexpected response, unfinished conversation or state mismatch.

    .venv/bin/python bench/load_test.py --users 400 --concurrency 32 --workers 4
    .venv/bin/python bench/load_test.py --json

From Python (the tests do this): ``run_load(users=30, concurrency=8, workers=3)``
returns the results as a dict.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from skill.content.routines import ROUTINES  # noqa: E402  (plain data: ids, spoken names, stretch ids)
from skill.devtools.envelopes import Session  # noqa: E402  (real request envelopes)
from skill.devtools.gunicorn import GunicornServer, ServerError  # noqa: E402

REQUEST_TIMEOUT = 10.0  # seconds, every request
DEFAULT_DEADLINE = 300.0  # seconds for all conversations together
STOP_EVERY = 5  # every 5th user stops in the middle
DONE_PHRASE = "routine done"
#: Lines in gunicorn's log (its own and the app's JSON lines) that mean something went wrong in the server.
SERVER_ERROR_MARKS = ('"level": "ERROR"', '"level": "CRITICAL"', "[ERROR]", "[CRITICAL]", "Traceback",
                       "WORKER TIMEOUT")


# --- gunicorn, started and stopped by PID ---------------------------------------------------------------------


# --- one simulated user ---------------------------------------------------------------------------------------


@dataclass
class Plan:
    """What user ``number`` does, and so what their stored record must be afterwards."""

    number: int
    user_id: str
    routine_id: str
    spoken: str
    stretches: list[str]
    stop_after: int | None  # None: finish the routine; k: stop after k "next"s (on stretch index k)

    @property
    def kind(self) -> str:
        return "finisher" if self.stop_after is None else "stopper"


def plan_for(number: int, run_token: str) -> Plan:
    """Deterministic: routines spread over all five, and for finishers and stoppers alike."""
    routine = ROUTINES[(number + number // STOP_EVERY) % len(ROUTINES)]
    stretches = list(routine["stretches"])
    stop_after = None
    if number % STOP_EVERY == STOP_EVERY - 1:
        # 1 .. len-1: past the first stretch, and still inside the routine.
        stop_after = 1 + (number // STOP_EVERY) % (len(stretches) - 1)
    return Plan(number, f"amzn1.ask.account.LOADTEST-{run_token}-{number:05d}", routine["id"], routine["name"],
                stretches, stop_after)


@dataclass
class Outcome:
    plan: Plan
    calls: list[tuple[str, int | str, float]] = field(default_factory=list)  # (request, status or error, seconds)
    finished: bool = False  # the conversation went as planned, to its end
    problem: str | None = None  # why it didn't
    history_date: str | None = None  # UTC date of the request that finished the routine


class Aborted(Exception):
    pass


class Client:
    """POSTs envelopes to the skill, one connection per request (gunicorn's sync workers close them anyway)."""

    def __init__(self, url: str, timeout: float, stop: threading.Event, deadline: float):
        match = re.fullmatch(r"http://([^:/]+):(\d+)", url)
        self.host, self.port = match.group(1), int(match.group(2))
        self.timeout = timeout
        self.stop = stop
        self.deadline = deadline

    def post(self, outcome: Outcome, label: str, envelope: dict) -> dict:
        if self.stop.is_set():
            raise Aborted("run stopped")
        if time.monotonic() > self.deadline:
            raise Aborted("global deadline passed")
        body = json.dumps(envelope).encode("utf-8")
        start = time.perf_counter()
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            connection.request("POST", "/", body=body, headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            data = response.read()
            status = response.status
        except (TimeoutError, socket.timeout):
            outcome.calls.append((label, "timeout", time.perf_counter() - start))
            raise Aborted(f"{label}: timed out after {self.timeout:.0f}s") from None
        except (OSError, http.client.HTTPException) as exc:
            outcome.calls.append((label, f"error:{type(exc).__name__}", time.perf_counter() - start))
            raise Aborted(f"{label}: {type(exc).__name__}: {exc}") from None
        finally:
            connection.close()
        outcome.calls.append((label, status, time.perf_counter() - start))
        if status != 200:
            raise Aborted(f"{label}: HTTP {status}: {data[:200]!r}")
        try:
            payload = json.loads(data)
            payload["response"]
        except (ValueError, KeyError, TypeError):
            raise Aborted(f"{label}: not a skill response: {data[:200]!r}") from None
        return payload


def _speech(payload: dict) -> str:
    speech = (payload.get("response") or {}).get("outputSpeech") or {}
    return speech.get("ssml") or speech.get("text") or ""


def _ends(payload: dict) -> bool:
    return (payload.get("response") or {}).get("shouldEndSession") is True


def converse(client: Client, plan: Plan) -> Outcome:
    outcome = Outcome(plan)
    session = Session(user_id=plan.user_id)
    try:
        reply = client.post(outcome, "launch", session.launch())
        if _ends(reply):
            raise Aborted("launch ended the session")
        session.absorb(reply)
        reply = client.post(outcome, "start", session.intent(
            "StartRoutineIntent", {"routine": {"name": "routine", "value": plan.spoken}}))
        if _ends(reply):
            raise Aborted(f"starting {plan.spoken!r} ended the session: {_speech(reply)[:120]!r}")
        session.absorb(reply)
        nexts = len(plan.stretches) if plan.stop_after is None else plan.stop_after
        for step in range(1, nexts + 1):  # bounded: at most len(stretches) "next"s
            envelope = session.intent("AMAZON.NextIntent")
            reply = client.post(outcome, "next", envelope)
            last = step == len(plan.stretches)
            if last:
                if not (_ends(reply) and DONE_PHRASE in _speech(reply)):
                    raise Aborted(f"last 'next' did not finish the routine: {_speech(reply)[:120]!r}")
                outcome.history_date = envelope["request"]["timestamp"][:10]
            elif _ends(reply):
                raise Aborted(f"'next' {step} of {len(plan.stretches)} ended the session: {_speech(reply)[:120]!r}")
            session.absorb(reply)
        if plan.stop_after is not None:
            reply = client.post(outcome, "stop", session.intent("AMAZON.StopIntent"))
            if not _ends(reply):
                raise Aborted("'stop' did not end the session")
            session.absorb(reply)
        outcome.finished = True
    except Aborted as exc:
        outcome.problem = str(exc)
    return outcome


# --- checking the store ---------------------------------------------------------------------------------------


def _expected(outcome: Outcome) -> dict:
    plan = outcome.plan
    if plan.stop_after is None:
        return {"routine": None, "history": [[outcome.history_date, plan.routine_id]]}
    return {"routine": plan.routine_id, "index": plan.stop_after, "stretch": plan.stretches[plan.stop_after],
            "history": []}


def _shape(record: object) -> tuple:
    """What identifies a conversation in a record, for spotting one user's state under another's id."""
    if not isinstance(record, dict):
        return ("unreadable",)
    history = record.get("history")
    last = history[-1][1] if isinstance(history, list) and history and isinstance(history[-1], list) else None
    if record.get("routine") is None:
        return ("finished", last)
    return ("stopped", record.get("routine"), record.get("index"), record.get("stretch"))


def _expected_shape(outcome: Outcome) -> tuple:
    plan = outcome.plan
    if plan.stop_after is None:
        return ("finished", plan.routine_id)
    return ("stopped", plan.routine_id, plan.stop_after, plan.stretches[plan.stop_after])


def check_store(db_path: Path, outcomes: list[Outcome]) -> dict:
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10)
    try:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        rows = connection.execute("SELECT id, data FROM user_state").fetchall()
    finally:
        connection.close()
    stored: dict[str, object] = {}
    for key, text in rows:
        try:
            stored[key] = json.loads(text)
        except ValueError:
            stored[key] = text
    by_user = {outcome.plan.user_id: outcome for outcome in outcomes}
    shapes = Counter(_expected_shape(outcome) for outcome in outcomes)
    verdicts: dict[str, str | None] = {}  # user id -> None (correct) or what is wrong
    mismatches: list[dict] = []
    crossed = 0
    for user, outcome in by_user.items():
        if not outcome.finished:
            verdicts[user] = f"unverified: conversation did not complete ({outcome.problem})"
            continue
        if user not in stored:
            verdicts[user] = "no record"
            mismatches.append({"user": user, "kind": outcome.plan.kind, "problem": "no record"})
            continue
        record = stored[user]
        expected = _expected(outcome)
        if not isinstance(record, dict):
            wrong = {"record": repr(record)[:200]}
        else:
            wrong = {key: {"expected": value, "stored": record.get(key, "<missing>")}
                     for key, value in expected.items() if record.get(key, "<missing>") != value}
        if wrong:
            shape = _shape(record)
            is_crossed = shape != _expected_shape(outcome) and shapes.get(shape, 0) > 0
            crossed += is_crossed
            verdicts[user] = f"{'crossed write: ' if is_crossed else ''}{wrong}"
            mismatches.append({"user": user, "kind": outcome.plan.kind, "routine": outcome.plan.routine_id,
                               "stop_after": outcome.plan.stop_after, "wrong": wrong, "crossed": is_crossed})
        else:
            verdicts[user] = None
    unexpected = sorted(set(stored) - set(by_user))
    for key in unexpected:
        mismatches.append({"user": key, "problem": "record for a user who never spoke"})
    return {"records": len(stored), "integrity": integrity, "verdicts": verdicts, "mismatches": mismatches,
            "crossed_writes": crossed, "unexpected_records": len(unexpected),
            "missing_records": sum(1 for user in by_user if user not in stored)}


# --- the run --------------------------------------------------------------------------------------------------


def _percentile(sorted_values: list[float], fraction: float) -> float | None:
    if not sorted_values:
        return None
    rank = max(1, -(-len(sorted_values) * fraction // 1))  # nearest rank
    return sorted_values[int(rank) - 1]


def run_load(users: int = 200, concurrency: int = 32, workers: int = 4, request_timeout: float = REQUEST_TIMEOUT,
             deadline: float = DEFAULT_DEADLINE, keep: bool = False) -> dict:
    """Run the load test and return its results (``results["ok"]`` says whether it passed)."""
    if users < 1 or concurrency < 1 or workers < 1:
        raise ValueError("users, concurrency and workers must be at least 1")
    workdir = Path(tempfile.mkdtemp(prefix="bsc-load-"))
    db_path = workdir / "skill.sqlite3"
    server = GunicornServer(workdir, {"PERSISTENCE": "sqlite", "SQLITE_PATH": str(db_path)}, workers,
                            access_log=False)
    run_token = f"{os.getpid()}-{int(time.time())}"
    plans = [plan_for(number, run_token) for number in range(users)]
    stop = threading.Event()
    executor = None
    outcomes: list[Outcome] = []
    results: dict = {"users": users, "concurrency": concurrency, "workers": workers, "workdir": str(workdir)}
    _remove_after_stop = False
    try:
        url = server.start()
        results["gunicorn_pid"] = server.process.pid
        client = Client(url, request_timeout, stop, time.monotonic() + deadline)
        executor = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="user")
        started = time.perf_counter()
        futures = [executor.submit(converse, client, plan) for plan in plans]
        # Bounded wait: each conversation stops itself at the deadline; each request at its timeout.
        outcomes = [future.result(timeout=deadline + request_timeout + 30) for future in futures]
        elapsed = time.perf_counter() - started
        store = check_store(db_path, outcomes)
        server_log = server.log()
    except BaseException:  # interrupted or broken: nothing worth keeping unless asked
        if not keep:
            _remove_after_stop = True
        raise
    finally:
        stop.set()
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
        server.stop()
        if _remove_after_stop:
            shutil.rmtree(workdir, ignore_errors=True)

    calls = [call for outcome in outcomes for call in outcome.calls]
    statuses = Counter(str(status) for _, status, _ in calls)
    latencies = sorted(seconds for _, status, seconds in calls if isinstance(status, int))
    server_errors = sum(1 for line in server_log.splitlines()
                        if any(mark in line for mark in SERVER_ERROR_MARKS))
    results.update({
        "requests": len(calls),
        "seconds": round(elapsed, 3),
        "rps": round(len(calls) / elapsed, 1) if elapsed > 0 else None,
        "p50_ms": round(_percentile(latencies, 0.50) * 1000, 1) if latencies else None,
        "p99_ms": round(_percentile(latencies, 0.99) * 1000, 1) if latencies else None,
        "max_ms": round(latencies[-1] * 1000, 1) if latencies else None,
        "status_counts": dict(sorted(statuses.items())),
        "http_5xx": sum(n for status, n in statuses.items() if status.isdigit() and 500 <= int(status) < 600),
        "http_other_non_200": sum(n for status, n in statuses.items()
                                  if status.isdigit() and int(status) != 200 and not 500 <= int(status) < 600),
        "timeouts": statuses.get("timeout", 0),
        "transport_errors": sum(n for status, n in statuses.items() if status.startswith("error:")),
        "finishers": sum(1 for plan in plans if plan.stop_after is None),
        "stoppers": sum(1 for plan in plans if plan.stop_after is not None),
        "conversations_completed": sum(1 for outcome in outcomes if outcome.finished),
        "conversation_problems": [{"user": o.plan.user_id, "problem": o.problem} for o in outcomes if o.problem][:20],
        "records": store["records"],
        "missing_records": store["missing_records"],
        "unexpected_records": store["unexpected_records"],
        "state_mismatches": len(store["mismatches"]),
        "crossed_writes": store["crossed_writes"],
        "mismatch_examples": store["mismatches"][:20],
        "sqlite_integrity": store["integrity"],
        "server_error_log_lines": server_errors,
        "verdicts": store["verdicts"],
    })
    failures = []
    for key in ("http_5xx", "timeouts", "transport_errors", "http_other_non_200", "state_mismatches",
                "server_error_log_lines"):
        if results[key]:
            failures.append(f"{key}={results[key]}")
    if results["conversations_completed"] != users:
        failures.append(f"conversations_completed={results['conversations_completed']} of {users}")
    if results["records"] != users:
        failures.append(f"records={results['records']} for {users} users")
    if results["sqlite_integrity"] != "ok":
        failures.append(f"sqlite_integrity={results['sqlite_integrity']}")
    results["failures"] = failures
    results["ok"] = not failures
    if results["ok"] and not keep:
        shutil.rmtree(workdir, ignore_errors=True)
        results["workdir"] = None  # removed
    elif results["workdir"]:
        results["gunicorn_log"] = str(server.log_path)
    return results


def format_table(results: dict) -> str:
    rows = [
        ("users", results["users"]),
        ("  finishers / stoppers", f"{results['finishers']} / {results['stoppers']}"),
        ("concurrency", results["concurrency"]),
        ("gunicorn workers", results["workers"]),
        ("requests", results["requests"]),
        ("seconds", results["seconds"]),
        ("requests/second", results["rps"]),
        ("p50 latency (ms)", results["p50_ms"]),
        ("p99 latency (ms)", results["p99_ms"]),
        ("max latency (ms)", results["max_ms"]),
        ("status codes", ", ".join(f"{k}: {v}" for k, v in results["status_counts"].items())),
        ("5xx", results["http_5xx"]),
        ("timeouts", results["timeouts"]),
        ("transport errors", results["transport_errors"]),
        ("conversations completed", f"{results['conversations_completed']} / {results['users']}"),
        ("records stored", results["records"]),
        ("state mismatches", results["state_mismatches"]),
        ("  of which crossed writes", results["crossed_writes"]),
        ("server error log lines", results["server_error_log_lines"]),
        ("result", "PASS" if results["ok"] else "FAIL: " + "; ".join(results["failures"])),
    ]
    width = max(len(name) for name, _ in rows)
    lines = [f"{name:<{width}}  {value}" for name, value in rows]
    for problem in results["conversation_problems"][:5]:
        lines.append(f"conversation problem: {problem['user']}: {problem['problem']}")
    for mismatch in results["mismatch_examples"][:5]:
        lines.append(f"mismatch: {json.dumps(mismatch)}")
    if results.get("gunicorn_log"):
        lines.append(f"gunicorn log kept at {results['gunicorn_log']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200, help="simulated users (default 200)")
    parser.add_argument("--concurrency", type=int, default=32, help="conversations at once (default 32)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--timeout", type=float, default=REQUEST_TIMEOUT, help="per-request timeout, s (default 10)")
    parser.add_argument("--deadline", type=float, default=DEFAULT_DEADLINE,
                        help="deadline for all conversations, s (default 300)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (store, gunicorn log)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)

    def terminated(signum, frame):  # so that `finally` stops gunicorn
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminated)
    try:
        results = run_load(users=args.users, concurrency=args.concurrency, workers=args.workers,
                           request_timeout=args.timeout, deadline=args.deadline, keep=args.keep)
    except ServerError as exc:
        print(f"load test could not start the server: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({key: value for key, value in results.items() if key != "verdicts"}, indent=2))
    else:
        print(format_table(results))
    return 0 if results["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
