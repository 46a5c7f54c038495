#!/usr/bin/env python3
"""Store operations per routine: SQLite (adapter counters) and DynamoDB on a local moto server.

    .venv/bin/python bench/store_operations.py     # this measurement alone (starts moto; a few seconds)

A new user's whole quick routine, then a second session with turns that change nothing (repeat,
stop); DynamoDB calls are also counted on the botocore client (``before-call`` events) and checked
against the adapter's counters. Runs in this process, against skill/ directly (no bundle).
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

import runner
from runner import log, summary_ms, verdict

from skill.content.routines import ROUTINES
from skill_dev.envelopes import DEFAULT_SKILL_ID, Session

QUICK = next(r for r in ROUTINES if r["id"] == "quick")
STORE_READS_PER_SESSION_MAX = 1
ORDER = 40

def store_conversations() -> list[list[tuple]]:
    """A new user's whole quick routine, then a second session with turns that change nothing (repeat, stop)."""
    start = ("start", "StartRoutineIntent", {"routine": "quick"})
    routine = [("launch", None, None), start, *[("next", "AMAZON.NextIntent", None) for _ in QUICK["stretches"]]]
    again = [("launch", None, None), start, ("next", "AMAZON.NextIntent", None),
             ("repeat", "AMAZON.RepeatIntent", None), ("stop", "AMAZON.StopIntent", None)]
    return [routine, again]


def count_store(adapter, read_record, calls: Counter | None) -> dict:
    """Runs the store conversations through the skill on ``adapter``; per turn: reads, writes, record changed."""
    from skill.dispatch import lambda_handler_for
    from skill.skill_builder import build_skill

    handler = lambda_handler_for(build_skill(DEFAULT_SKILL_ID, adapter))
    session = Session(skill_id=DEFAULT_SKILL_ID)
    sessions = []
    for conversation in store_conversations():
        turns = []
        for label, intent, slots in conversation:
            before = read_record(session.user_id)
            reads, writes = adapter.reads, adapter.writes
            client_before = Counter(calls) if calls is not None else None
            event = session.launch() if intent is None else session.intent(intent, slots)
            response = handler(event, None)
            after = read_record(session.user_id)
            turn = {"turn": label, "reads": adapter.reads - reads, "writes": adapter.writes - writes,
                    "record_changed": before != after}
            if calls is not None:
                delta = calls - client_before
                turn["client_get_item"], turn["client_put_item"] = delta["GetItem"], delta["PutItem"]
                turn["client_other"] = sum(n for op, n in delta.items() if op not in ("GetItem", "PutItem"))
            turns.append(turn)
            session.absorb(response)
        session.end()
        sessions.append(turns)
    routine = sessions[0]
    summary = {"routine_turns": len(routine), "routine_reads": sum(t["reads"] for t in routine),
               "routine_writes": sum(t["writes"] for t in routine),
               "max_reads_per_session": max(sum(t["reads"] for t in turns) for turns in sessions),
               "unchanged_turns": sum(1 for turns in sessions for t in turns if not t["record_changed"]),
               "writes_on_unchanged_turns": sum(t["writes"] for turns in sessions for t in turns
                                                if not t["record_changed"]),
               "sessions": sessions}
    if calls is not None:
        summary["routine_client_get_item"] = sum(t["client_get_item"] for t in routine)
        summary["routine_client_put_item"] = sum(t["client_put_item"] for t in routine)
        summary["client_other_calls"] = sum(t["client_other"] for turns in sessions for t in turns)
        summary["client_matches_adapter"] = all(
            t["client_get_item"] == t["reads"] and t["client_put_item"] == t["writes"]
            for turns in sessions for t in turns)
    return summary


def store_operations(work: Path, moto_url: str, table: str) -> dict:
    import sqlite3

    from skill.persistence.dynamodb import DynamoDbAdapter
    from skill.persistence.sqlite import SQLiteAdapter
    from skill_dev.dynamodb_server import CREDENTIALS, REGION, dynamodb_client

    log("store operations: SQLite, then DynamoDB on moto ...")
    path = work / "store-ops.sqlite3"
    sqlite_adapter = SQLiteAdapter(path)

    def sqlite_record(user):
        with sqlite3.connect(path) as connection:
            row = connection.execute("SELECT data FROM user_state WHERE id = ?", (user,)).fetchone()
        return row[0] if row else None

    out = {"sqlite": count_store(sqlite_adapter, sqlite_record, None)}

    saved = {name: os.environ.get(name) for name in (*CREDENTIALS, "AWS_EC2_METADATA_DISABLED")}
    os.environ.update({**CREDENTIALS, "AWS_EC2_METADATA_DISABLED": "true"})
    try:
        adapter = DynamoDbAdapter(table, endpoint_url=moto_url, region_name=REGION)
        calls: Counter = Counter()

        def count(event_name, **kwargs):  # before-call.dynamodb.GetItem -> GetItem
            calls[event_name.rsplit(".", 1)[-1]] += 1

        adapter.client.meta.events.register("before-call.dynamodb.*", count)
        checker = dynamodb_client(moto_url)  # a separate client: its calls are not counted

        def dynamo_record(user):
            item = checker.get_item(TableName=table, Key={"id": {"S": user}}, ConsistentRead=True).get("Item")
            return json.dumps(item, sort_keys=True) if item else None

        out["dynamodb"] = count_store(adapter, dynamo_record, calls)
        # The local server's own speed, to read the DynamoDB cold start with: warm GetItem / PutItem.
        key = {"id": {"S": "amzn1.ask.account.BENCH-roundtrip"}}
        timings: dict[str, list[float]] = {"GetItem": [], "PutItem": []}
        for _ in range(50):
            started = time.perf_counter()
            checker.put_item(TableName=table, Item={**key, "attributes": {"M": {"n": {"N": "1"}}}})
            timings["PutItem"].append(time.perf_counter() - started)
            started = time.perf_counter()
            checker.get_item(TableName=table, Key=key, ConsistentRead=True)
            timings["GetItem"].append(time.perf_counter() - started)
        out["moto_round_trip_ms"] = {op: summary_ms(values[5:]) for op, values in timings.items()}
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return out


def measure(ws: runner.Workspace, args, results: dict) -> None:
    results["store_operations"] = store_operations(ws.work, ws.moto_url(), ws.table())


def report(results: dict, t: runner.Table) -> None:
    s = results.get("store_operations")
    if not s:
        return
    row = t.row
    t.section("Store operations (a new user's whole quick routine; then launch, start, next, repeat, stop)")
    row("", "reads", "writes", "turns", "unchanged", "writes on unch.")
    for name in ("sqlite", "dynamodb"):
        row(f"{name}: whole routine", s[name]["routine_reads"], s[name]["routine_writes"], s[name]["routine_turns"])
        row(f"{name}: both sessions, max reads/session", s[name]["max_reads_per_session"], "", "",
            s[name]["unchanged_turns"], s[name]["writes_on_unchanged_turns"])
    d = s["dynamodb"]
    t.line(f"  DynamoDB client side (botocore before-call events), whole routine: {d['routine_client_get_item']} "
           f"GetItem, {d['routine_client_put_item']} PutItem, {d['client_other_calls']} other calls; "
           f"matches the adapter's counters: {d['client_matches_adapter']}")
    t.line("  per turn (reads/writes): " + " | ".join(
        ", ".join(f"{t_['turn']} {t_['reads']}/{t_['writes']}" for t_ in turns) for turns in s["sqlite"]["sessions"]))


def targets(results: dict) -> list[dict]:
    store = results.get("store_operations")
    if not store:
        return []
    rows = []
    for name in ("sqlite", "dynamodb"):
        s = store[name]
        ok = (s["max_reads_per_session"] <= STORE_READS_PER_SESSION_MAX
              and s["writes_on_unchanged_turns"] == 0 and s.get("client_matches_adapter", True))
        rows.append({"target": f"store ({name}): ≤ 1 read per session, no write on unchanged turns",
                     "value": f"{s['max_reads_per_session']} r, {s['writes_on_unchanged_turns']} w",
                     **verdict(ok, f"{STORE_READS_PER_SESSION_MAX - s['max_reads_per_session']:+d} "
                                   f"read/session, {-s['writes_on_unchanged_turns']:+d} writes on "
                                   f"{s['unchanged_turns']} unchanged turns")})
    return rows


REPORTS = [(50, report)]
TARGETS = [(40, targets)]

if __name__ == "__main__":
    sys.exit(runner.main([sys.modules[__name__]]))
