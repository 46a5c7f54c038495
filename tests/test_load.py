"""Load without loss: concurrent conversations through gunicorn workers into one SQLite file.

Small and quick (30 users, 8 at once, 3 workers). Nothing here asserts
speed; ``pytest -s`` prints the throughput and latencies. The full-size run
is ``.venv/bin/python bench/load_test.py --users 400 --concurrency 32 --workers 4``.
"""

from __future__ import annotations

import importlib.util
import json
import sqlite3
import sys
from pathlib import Path

import pytest

_SCRIPT = Path(__file__).resolve().parent.parent / "bench" / "load_test.py"


@pytest.fixture(scope="module")
def load_test():
    spec = importlib.util.spec_from_file_location("bench_load_test", _SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


def test_concurrent_conversations_lose_and_cross_no_writes(load_test):
    users = 30
    results = load_test.run_load(users=users, concurrency=8, workers=3, deadline=60)
    print(f"\nload: {results['users']} users, {results['requests']} requests in {results['seconds']}s, "
          f"{results['rps']} req/s, p50 {results['p50_ms']} ms, p99 {results['p99_ms']} ms, "
          f"max {results['max_ms']} ms, statuses {results['status_counts']}")
    details = json.dumps({key: value for key, value in results.items() if key != "verdicts"}, indent=2)

    assert results["http_5xx"] == 0, details
    assert results["timeouts"] == 0, details
    assert results["transport_errors"] == 0, details
    assert results["status_counts"] == {"200": results["requests"]}, details
    assert results["conversations_completed"] == users, details
    assert results["finishers"] > 0 and results["stoppers"] > 0
    assert results["state_mismatches"] == 0, details
    assert results["crossed_writes"] == 0, details
    # Every user's own record is exactly what their own conversation implies.
    assert len(results["verdicts"]) == users
    assert {user: verdict for user, verdict in results["verdicts"].items() if verdict is not None} == {}
    assert results["records"] == users, details
    assert results["unexpected_records"] == 0 and results["missing_records"] == 0, details
    assert results["sqlite_integrity"] == "ok"
    assert results["server_error_log_lines"] == 0, details
    assert results["ok"], details


def test_the_plans_cover_every_routine_for_finishers_and_stoppers(load_test):
    plans = [load_test.plan_for(number, "t") for number in range(30)]
    routines = {routine["id"] for routine in load_test.ROUTINES}
    assert {plan.routine_id for plan in plans if plan.stop_after is None} == routines
    assert {plan.routine_id for plan in plans if plan.stop_after is not None} == routines
    assert len({plan.user_id for plan in plans}) == len(plans)
    for plan in plans:
        if plan.stop_after is not None:
            assert 1 <= plan.stop_after <= len(plan.stretches) - 1  # stopped inside the routine


def test_the_store_check_catches_lost_crossed_and_stray_writes(load_test, tmp_path):
    """The checker itself: a correct store passes, and each kind of damage is reported."""
    plans = [load_test.plan_for(number, "t") for number in range(10)]
    outcomes = []
    for plan in plans:
        outcome = load_test.Outcome(plan, finished=True)
        if plan.stop_after is None:
            outcome.history_date = "2030-01-02"
        outcomes.append(outcome)

    def record(outcome):
        plan = outcome.plan
        if plan.stop_after is None:
            return {"v": 2, "routine": None, "index": 0, "stretch": None, "history": [["2030-01-02", plan.routine_id]]}
        return {"v": 2, "routine": plan.routine_id, "index": plan.stop_after,
                "stretch": plan.stretches[plan.stop_after], "history": []}

    def store(records):
        path = tmp_path / f"store-{len(list(tmp_path.iterdir()))}.sqlite3"
        with sqlite3.connect(path) as connection:
            connection.execute("CREATE TABLE user_state (id TEXT PRIMARY KEY, data TEXT NOT NULL, updated REAL)")
            connection.executemany("INSERT INTO user_state (id, data) VALUES (?, ?)",
                                   [(key, json.dumps(value)) for key, value in records.items()])
        return path

    good = {outcome.plan.user_id: record(outcome) for outcome in outcomes}
    assert load_test.check_store(store(good), outcomes)["mismatches"] == []

    stopper = next(o for o in outcomes if o.plan.stop_after is not None)
    finisher = next(o for o in outcomes if o.plan.stop_after is None and o.plan.routine_id != stopper.plan.routine_id)
    crossed = {**good, finisher.plan.user_id: record(stopper)}  # the stopper's state under the finisher's id
    result = load_test.check_store(store(crossed), outcomes)
    assert [m["user"] for m in result["mismatches"]] == [finisher.plan.user_id]
    assert result["crossed_writes"] == 1

    lost = {**good, stopper.plan.user_id: {**record(stopper), "index": 0, "stretch": stopper.plan.stretches[0]}}
    result = load_test.check_store(store(lost), outcomes)
    assert [m["user"] for m in result["mismatches"]] == [stopper.plan.user_id]  # a lost "next"

    twice = {**good, finisher.plan.user_id: {**record(finisher), "history": record(finisher)["history"] * 2}}
    assert len(load_test.check_store(store(twice), outcomes)["mismatches"]) == 1

    missing = {key: value for key, value in good.items() if key != stopper.plan.user_id}
    result = load_test.check_store(store(missing), outcomes)
    assert result["missing_records"] == 1 and result["records"] == len(outcomes) - 1

    stray = {**good, "amzn1.ask.account.nobody": record(finisher)}
    result = load_test.check_store(store(stray), outcomes)
    assert result["unexpected_records"] == 1 and result["records"] == len(outcomes) + 1
