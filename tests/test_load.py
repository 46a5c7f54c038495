"""Load without loss: concurrent conversations through gunicorn workers into one SQLite file.

Small and quick (30 people, 8 at once, 3 workers; and 12 people on two
devices each, 6 requests at once, 2 workers). Nothing here asserts speed;
``pytest -s`` prints the throughput and latencies. The full-size runs are
``.venv/bin/python bench/load_test.py --users 400 --concurrency 32 --workers 4``
and ``... --users 200 --devices 2 --concurrency 32 --workers 4``.
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
    assert results["lost_writes"] == 0 and results["errors"] == 0, details
    assert results["requests"] == results["requests_planned"], details
    assert results["ok"], details


def test_two_devices_of_one_person_at_once_lose_nothing(load_test):
    """Each person's two devices do different routines at the same time, then set different preferences.

    Both sessions open before either writes, so each person's writes conflict (at least once during the
    routines and once for the preferences); the record must end up with both devices' work.
    """
    people = 12
    results = load_test.run_load(users=people, devices=2, concurrency=6, workers=2, deadline=60)
    print(f"\ntwo devices: {people} people, {results['requests']} requests in {results['seconds']}s, "
          f"{results['conflicts_merged']} conflicts merged, p99 {results['p99_ms']} ms")
    details = json.dumps({key: value for key, value in results.items() if key != "verdicts"}, indent=2)

    assert results["errors"] == 0, details
    assert results["status_counts"] == {"200": results["requests"]}, details
    assert results["conversations_completed"] == people, details
    assert results["requests"] == results["requests_planned"] + results["reminder_offers_answered"], details
    assert results["reminder_offers_answered"] <= people, details  # once per person at most
    assert results["lost_writes"] == 0, details
    assert results["state_mismatches"] == 0 and results["crossed_writes"] == 0, details
    assert {user: verdict for user, verdict in results["verdicts"].items() if verdict is not None} == {}
    assert results["records"] == people and results["unexpected_records"] == 0, details
    assert results["store_warnings"] == {}, details
    # The merge path ran: at least one conflict per person while both do routines, one for the preferences.
    assert results["conflicts_merged"] >= 2 * people, details
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


def test_the_two_device_plans_pair_different_routines(load_test):
    plans = [load_test.pair_plan_for(number, "t") for number in range(30)]
    routines = {routine["id"] for routine in load_test.ROUTINES}
    assert {plan.devices[0].routine_id for plan in plans} == routines
    assert {plan.devices[1].routine_id for plan in plans} == routines
    assert len({(plan.devices[0].routine_id, plan.devices[1].routine_id) for plan in plans}) == 20  # every pair
    assert len({plan.user_id for plan in plans}) == len(plans)
    for plan in plans:
        assert plan.devices[0].routine_id != plan.devices[1].routine_id
        assert [device.preference for device in plan.devices] == ["LongerHoldsIntent", "ShorterInstructionsIntent"]


def _column_rev(record):
    rev = record.get("rev") if isinstance(record, dict) else None
    return rev if isinstance(rev, int) else 0


def _store(tmp_path, records):
    """A store file as the skill's SQLite adapter lays it out (the rev column holds the record's rev)."""
    path = tmp_path / f"store-{len(list(tmp_path.iterdir()))}.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE user_state (id TEXT PRIMARY KEY, data TEXT NOT NULL, updated REAL, "
                           "rev INTEGER NOT NULL DEFAULT 0)")
        connection.executemany("INSERT INTO user_state (id, data, rev) VALUES (?, ?, ?)",
                               [(key, json.dumps(value), _column_rev(value)) for key, value in records.items()])
    return path


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
        # The fields a record has besides the ones the check is about (they may be anything).
        other = {"v": 2, "side": 0, "updated": 1893542400, "safety_said": True, "checks_said": True,
                 "prefs": {"hold_offset": 0, "missing": [], "skip": [], "continuous": False, "detail": "auto"},
                 "practice": [[plan.stretches[0], 3]], "rev": plan.writes_needed}
        if plan.stop_after is None:
            return {**other, "routine": None, "index": 0, "stretch": None,
                    "history": [["2030-01-02", plan.routine_id]]}
        return {**other, "routine": plan.routine_id, "index": plan.stop_after,
                "stretch": plan.stretches[plan.stop_after], "history": []}

    def store(records):
        return _store(tmp_path, records)

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

    # Revisions: fewer than the turns that changed the record is a lost write; more than the requests, or a
    # JSON rev other than the column's, is wrong too. Anywhere in between is fine.
    in_between = {**good, stopper.plan.user_id: {**record(stopper), "rev": stopper.plan.requests}}
    assert load_test.check_store(store(in_between), outcomes)["mismatches"] == []
    for rev, lost in ((stopper.plan.writes_needed - 1, 1), (stopper.plan.requests + 1, 0), (None, 0)):
        bad = {**good, stopper.plan.user_id: {**record(stopper), "rev": rev}}
        result = load_test.check_store(store(bad), outcomes)
        assert [m["user"] for m in result["mismatches"]] == [stopper.plan.user_id], rev
        assert result["lost_writes"] == lost, rev
    path = store(good)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE user_state SET rev = rev + 1 WHERE id = ?", (finisher.plan.user_id,))
    assert [m["user"] for m in load_test.check_store(path, outcomes)["mismatches"]] == [finisher.plan.user_id]


def test_the_two_device_check_catches_each_lost_effect(load_test, tmp_path):
    """A two-device person's record must hold both completions, both preferences, both routines' practice."""
    plans = [load_test.pair_plan_for(number, "t") for number in range(6)]
    outcomes = [load_test.PairOutcome(plan, finished=True, history_dates={"A": "2030-01-02", "B": "2030-01-03"})
                for plan in plans]

    def record(outcome):
        plan = outcome.plan
        a, b = plan.devices
        return {"v": 2, "routine": None, "index": 0, "stretch": None, "side": 0, "updated": 1893542400,
                "safety_said": True, "checks_said": True, "equipment_noted": False,
                "prefs": {"hold_offset": 5, "missing": [], "skip": [], "continuous": False, "detail": "brief",
                          "changed": {"hold_offset": 1893542400, "detail": 1893542401}},
                "history": [["2030-01-02", a.routine_id], ["2030-01-03", b.routine_id]],
                "practice": sorted([stretch, 1] for stretch in set(a.stretches) | set(b.stretches)),
                "rev": plan.writes_needed + 3}

    good = {outcome.plan.user_id: record(outcome) for outcome in outcomes}
    result = load_test.check_store(_store(tmp_path, good), outcomes)
    assert result["mismatches"] == [] and result["lost_writes"] == 0

    person = outcomes[0]
    user, a, b = person.plan.user_id, *person.plan.devices
    other = next(r["id"] for r in load_test.ROUTINES if r["id"] not in (a.routine_id, b.routine_id))
    assert set(b.stretches) - set(a.stretches)
    damaged = {
        "B's completion lost": ({"history": [["2030-01-02", a.routine_id]]}, 1, False),
        "both completions lost": ({"history": []}, 2, False),
        "a completion twice": ({"history": [["2030-01-02", a.routine_id]] * 2 + [["2030-01-03", b.routine_id]]},
                               0, False),
        "another person's completion": ({"history": [["2030-01-02", a.routine_id], ["2030-01-03", b.routine_id],
                                                     ["2030-01-03", other]]}, 0, True),
        "A's longer holds lost": ({"prefs": {**good[user]["prefs"], "hold_offset": 0}}, 1, False),
        "B's brief instructions lost": ({"prefs": {**good[user]["prefs"], "detail": "auto"}}, 1, False),
        "both preferences lost": ({"prefs": {"hold_offset": 0, "missing": [], "skip": [], "continuous": False,
                                             "detail": "auto"}}, 2, False),
        "a preference nobody set": ({"prefs": {**good[user]["prefs"], "continuous": True}}, 0, False),
        "B's practice lost": ({"practice": sorted([s, 1] for s in a.stretches)}, 1, False),
        "a routine left in progress": ({"routine": a.routine_id, "index": 1, "stretch": a.stretches[1]}, 0, False),
        "too few writes": ({"rev": person.plan.writes_needed - 1}, 1, False),
    }
    for name, (change, lost, crossed) in damaged.items():
        result = load_test.check_store(_store(tmp_path, {**good, user: {**good[user], **change}}), outcomes)
        assert [m["user"] for m in result["mismatches"]] == [user], name
        assert result["lost_writes"] == lost and result["crossed_writes"] == crossed, name

    missing = {key: value for key, value in good.items() if key != user}
    result = load_test.check_store(_store(tmp_path, missing), outcomes)
    assert result["missing_records"] == 1 and result["lost_writes"] == person.plan.writes_needed
