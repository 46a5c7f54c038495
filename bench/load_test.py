#!/usr/bin/env python3
"""Load without loss: many concurrent conversations against gunicorn + SQLite.

Starts ``gunicorn skill.web:app`` (several sync workers, the SQLite store in a
temporary directory, request verification off) on 127.0.0.1, runs N simulated
people at a bounded concurrency, each a whole conversation under its own user
id, then reads the SQLite file directly and checks that every person's stored
record holds what that person's own conversation implies, field by field
(the fields the conversation is about: place, history, preferences, and the
record's revision; the rest of a record, such as practice counts and one-time
notes, is the skill's business):

* finishers (launch, start a routine, "next" through to "routine done"):
  ``routine`` is null and ``history`` is exactly ``[[date, routine id]]``;
* stoppers (every 5th person: launch, start, k x "next", "stop"):
  ``routine`` is their routine id, ``index`` is k, ``stretch`` is the id of
  stretch k, ``history`` is empty;
* ``rev`` (in the JSON and in the ``rev`` column, equal) is at least the
  number of turns that had to change the record (each such turn is one
  successful compare-and-swap write) and at most the number of requests;
* one record per person, no record for anyone else, and none carrying another
  person's conversation (a crossed write).

``--devices 2``: every person has two devices (one Alexa user id, two device
ids and session ids) talking at the same time, in two threads. Device A does
one routine, device B a different one; both launch before either starts (so
both sessions hold the same revision, and the second to write must conflict,
re-read and merge), then each goes "next" to the end. Then each opens a new
session, both again launch before either speaks, and A says "make holds
longer", B "shorter instructions", then "stop". Every person's record must
then hold both devices' work: ``history`` is exactly both completions,
``routine`` is null, ``prefs.hold_offset`` is one step (5 s) longer and
``prefs.detail`` is "brief" (the other preferences untouched), practice
counts cover the stretches of both routines, and ``rev`` is at least the
turns of both devices that changed the record. Each missing effect is a lost
write, and a device whose session goes on with the other device's routine
is an unfinished conversation. The merges are counted from gunicorn's log
(the skill's "store conflict: merged with another session's record" lines);
with both sessions opened before either writes, every person causes at least
two. A person's requests are stamped one second apart (``--pace``), in the
order they are sent across both devices, since the skill orders places by
whole seconds; ``--pace 0`` stamps them with the real clock, so a whole
conversation shares one second and the latest place can't be told.

Python standard library only (threads + http.client). Every request has a
timeout, the run has a global deadline, every wait and loop is bounded,
nothing is written into the repository, and gunicorn is stopped by its PID at
the end, even on failure. Exits non-zero on any 5xx, timeout, transport
error, unexpected response, unfinished conversation, state mismatch or lost
write.

    .venv/bin/python bench/load_test.py --users 400 --concurrency 32 --workers 4
    .venv/bin/python bench/load_test.py --users 200 --devices 2 --concurrency 32 --workers 4
    .venv/bin/python bench/load_test.py --json

From Python (the tests do this): ``run_load(users=30, concurrency=8, workers=3)``
(or ``devices=2``) returns the results as a dict.
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
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from skill.content.routines import ROUTINES  # noqa: E402  (plain data: ids, spoken names, stretch ids)
from skill.engine.plan import HOLD_STEP  # noqa: E402  (seconds "make holds longer" adds: 5)
from skill_dev.envelopes import Session  # noqa: E402  (real request envelopes)
from skill_dev.gunicorn import GunicornServer, ServerError  # noqa: E402

REQUEST_TIMEOUT = 10.0  # seconds, every request
DEFAULT_DEADLINE = 300.0  # seconds for all conversations together
STOP_EVERY = 5  # every 5th user stops in the middle
DONE_PHRASE = "routine done"
#: After a person's second finished routine the coach offers a daily reminder once (the session stays open).
OFFER_PHRASE = "remind you to stretch every day"
#: The skill's log message when a write conflicted and was merged (skill/interceptors.py SaveState).
CONFLICT_MERGED = "store conflict: merged with another session's record"
#: The skill's log messages when a write was put off to a later turn (a loss if no later turn comes).
STORE_WARNINGS = ("store kept changing; will retry next turn", "store write failed; will retry next turn",
                  "store read after a conflict failed; will retry next turn", "store read failed")
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

    @property
    def nexts(self) -> int:
        return len(self.stretches) if self.stop_after is None else self.stop_after

    @property
    def requests(self) -> int:
        """Requests the conversation sends: launch, start, the "next"s, and "stop" for a stopper."""
        return 2 + self.nexts + (self.stop_after is not None)

    @property
    def writes_needed(self) -> int:
        """Turns that must change the record (each one successful write): start, and every "next"."""
        return 1 + self.nexts


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


#: What each of a person's two devices says after its routine: (intent, what it changes in ``prefs``).
PREFERENCE_TURNS = (("LongerHoldsIntent", {"hold_offset": HOLD_STEP}),
                    ("ShorterInstructionsIntent", {"detail": "brief"}))
#: The preferences neither device touches, as a new record holds them.
UNTOUCHED_PREFS = {"missing": [], "skip": [], "continuous": False}


@dataclass
class DevicePlan:
    label: str  # "A" or "B"
    routine_id: str
    spoken: str
    stretches: list[str]
    preference: str  # the intent said after the routine
    sets: dict  # what it sets in prefs

    @property
    def requests(self) -> int:
        """launch, start, a "next" per stretch; then a new session: launch, the preference, "stop"."""
        return 2 + len(self.stretches) + 3

    @property
    def writes_needed(self) -> int:
        """start, every "next", the preference: turns that must change the record."""
        return 1 + len(self.stretches) + 1


@dataclass
class PairPlan:
    """Person ``number`` on two devices at once: two different routines, two different preferences."""

    number: int
    user_id: str
    devices: tuple[DevicePlan, DevicePlan]
    kind = "two devices"

    @property
    def requests(self) -> int:
        return sum(device.requests for device in self.devices)

    @property
    def writes_needed(self) -> int:
        return sum(device.writes_needed for device in self.devices)


def pair_plan_for(number: int, run_token: str) -> PairPlan:
    """Deterministic: device A's routine cycles through all five, B's is always a different one."""
    first = number % len(ROUTINES)
    second = (first + 1 + (number // len(ROUTINES)) % (len(ROUTINES) - 1)) % len(ROUTINES)
    devices = tuple(DevicePlan(label, ROUTINES[index]["id"], ROUTINES[index]["name"],
                               list(ROUTINES[index]["stretches"]), intent, sets)
                    for label, index, (intent, sets) in zip("AB", (first, second), PREFERENCE_TURNS, strict=False))
    return PairPlan(number, f"amzn1.ask.account.LOADTEST2-{run_token}-{number:05d}", devices)


@dataclass
class Outcome:
    plan: Plan
    calls: list[tuple[str, int | str, float]] = field(default_factory=list)  # (request, status or error, seconds)
    finished: bool = False  # the conversation went as planned, to its end
    problem: str | None = None  # why it didn't
    history_date: str | None = None  # UTC date of the request that finished the routine


@dataclass
class PairOutcome:
    plan: PairPlan
    calls: list[tuple[str, int | str, float]] = field(default_factory=list)  # both devices' (list.append is atomic)
    finished: bool = False  # both devices' conversations went as planned, to their ends
    problem: str | None = None
    history_dates: dict[str, str] = field(default_factory=dict)  # device label -> date its routine finished


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
                reply = _finish_routine(client, outcome, session, reply, envelope)
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


def _finish_routine(client: Client, outcome: Outcome, session: Session, reply: dict, envelope: dict) -> dict:
    """The answer to the last "next" must finish the routine (after the one-time reminder offer, declined)."""
    plan = outcome.plan
    done = f"{plan.spoken} {DONE_PHRASE}" in _speech(reply)
    if done and OFFER_PHRASE in _speech(reply) and not _ends(reply):  # the one-time reminder offer
        session.absorb(reply)
        reply = client.post(outcome, "no", session.intent("AMAZON.NoIntent"))
    if not (done and _ends(reply)):
        raise Aborted(f"last 'next' did not finish the routine: {_speech(reply)[:120]!r}")
    outcome.history_date = envelope["request"]["timestamp"][:10]
    return reply


def _together(barrier: threading.Barrier, what: str) -> None:
    """Wait (bounded) until the other device is there too."""
    try:
        barrier.wait()
    except threading.BrokenBarrierError:
        raise Aborted(f"the other device never got to {what} (it failed, or took too long)") from None


class PersonClock:
    """The time on a person's requests, shared by their two devices: ``pace`` seconds on at every request.

    Envelopes are stamped as they are sent, so the stamps follow the order the person spoke in across both
    devices, a whole second or more apart, as a person's turns are. (The skill keeps times in whole seconds
    and merges the place by the latest; at the load test's speed a real clock stamps a whole conversation
    with one second, which no person does.) ``pace=0``: the real clock.
    """

    def __init__(self, pace: int):
        self.pace = pace
        self.start = datetime.now(timezone.utc)
        self.ticks = 0
        self.lock = threading.Lock()

    def tick(self) -> datetime | None:
        if not self.pace:
            return None
        with self.lock:
            self.ticks += 1
            return self.start + timedelta(seconds=self.pace * self.ticks)


def _device(client: Client, outcome: PairOutcome, device: DevicePlan, barrier: threading.Barrier,
            clock: PersonClock) -> None:
    """One device's part: a routine to its end, then a new session with one preference. Raises Aborted."""
    session = Session(user_id=outcome.plan.user_id)  # its own device id and session id
    label = device.label

    def say(step: str, envelope, ends: bool | None, expect=None) -> dict:
        session.clock = clock.tick()
        envelope = envelope()  # stamped now, just before it is sent
        reply = client.post(outcome, f"{label}:{step}", envelope)
        if expect is not None:
            ends = expect(reply)
        if _ends(reply) != ends:
            raise Aborted(f"device {label}: {step!r} {'did not end' if ends else 'ended'} the session: "
                          f"{_speech(reply)[:120]!r}")
        session.absorb(reply)
        return reply

    say("launch", session.launch, False)
    _together(barrier, "launching")  # both sessions open, both holding the revision they read at launch
    say("start", lambda: session.intent("StartRoutineIntent", {"routine": {"name": "routine",
                                                                            "value": device.spoken}}), False)
    for step in range(1, len(device.stretches) + 1):  # bounded
        last = step == len(device.stretches)
        sent: list[dict] = []
        offered = False

        def finished(reply: dict, last: bool = last) -> bool:  # last: this step's, bound now
            nonlocal offered
            offered = OFFER_PHRASE in _speech(reply)
            return last and not offered

        def next_envelope(sent: list[dict] = sent) -> dict:  # kept in this step's ``sent``, bound now
            sent.append(session.intent("AMAZON.NextIntent"))
            return sent[0]

        reply = say("next", next_envelope, None, finished)
        if last and offered:  # the person's second routine: the one-time reminder offer, answered no
            say("no", lambda: session.intent("AMAZON.NoIntent"), True)
        if last:
            if f"{device.spoken} {DONE_PHRASE}" not in _speech(reply):  # its own routine, not the other's
                raise Aborted(f"device {label}: last 'next' did not finish the {device.spoken} routine: "
                              f"{_speech(reply)[:120]!r}")
            outcome.history_dates[label] = sent[0]["request"]["timestamp"][:10]
    say("launch again", session.launch, False)  # a new session: it reads the store again
    _together(barrier, "launching again")  # both read the record before either says its preference
    say(device.preference, lambda: session.intent(device.preference), False)
    say("stop", lambda: session.intent("AMAZON.StopIntent"), True)


def converse_pair(client: Client, plan: PairPlan, wait_limit: float, pace: int = 1) -> PairOutcome:
    """Both devices of one person at once: A in this thread, B in a thread of its own."""
    outcome = PairOutcome(plan)
    barrier = threading.Barrier(len(plan.devices), timeout=wait_limit)
    clock = PersonClock(pace)
    problems: dict[str, str] = {}

    def run(device: DevicePlan) -> None:
        try:
            _device(client, outcome, device, barrier, clock)
        except Aborted as exc:
            problems[device.label] = str(exc)
            barrier.abort()  # don't keep the other device waiting
        except BaseException as exc:  # a bug here: report it as this person's problem, don't hang the other
            problems[device.label] = f"{type(exc).__name__}: {exc}"
            barrier.abort()

    other = threading.Thread(target=run, args=(plan.devices[1],), name=f"{threading.current_thread().name}-B",
                             daemon=True)
    other.start()
    run(plan.devices[0])
    other.join(timeout=2 * wait_limit)  # bounded: B's requests time out, its waits are bounded
    if other.is_alive():
        problems.setdefault("B", "device B did not finish in time")
        barrier.abort()
    if problems:
        outcome.problem = "; ".join(f"{label}: {problem}" for label, problem in sorted(problems.items()))
    else:
        outcome.finished = True
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


def _rev_wrong(record: dict, column: object, plan: Plan | PairPlan) -> tuple[dict, int]:
    """What is wrong with a record's revision, and how many writes that shows were lost (0 or 1).

    Every turn that changed the record ended in exactly one successful compare-and-swap (each adds 1), and no
    request writes more than once, so ``writes_needed <= rev <= requests``; the JSON and the column agree.
    """
    rev = record.get("rev", "<missing>")
    if isinstance(rev, bool) or not isinstance(rev, int):
        return {"rev": {"expected": "a whole number", "stored": rev}}, 0
    if rev != column:
        return {"rev": {"expected": f"the rev column's {column}", "stored": rev}}, 0
    if rev < plan.writes_needed:
        return {"rev": {"expected": f">= {plan.writes_needed} (turns that changed the record)", "stored": rev}}, 1
    if rev > plan.requests:
        return {"rev": {"expected": f"<= {plan.requests} (requests sent)", "stored": rev}}, 0
    return {}, 0


def _pair_wrong(record: dict, outcome: PairOutcome) -> tuple[dict, int, bool]:
    """What is wrong with a two-device person's record, the writes lost, and whether another's work is in it."""
    plan = outcome.plan
    wrong: dict = {}
    lost = 0
    expected_history = sorted([outcome.history_dates[device.label], device.routine_id] for device in plan.devices)
    history = record.get("history", "<missing>")
    items = history if isinstance(history, list) else []
    if not isinstance(history, list) or sorted(items) != expected_history:
        wrong["history"] = {"expected": expected_history, "stored": history}
        lost += sum(1 for item in expected_history if item not in items)
    own = {device.routine_id for device in plan.devices}
    crossed = any(not isinstance(item, list) or len(item) != 2 or item[1] not in own for item in items)
    if record.get("routine", "<missing>") is not None:  # both routines finished: no place
        wrong["routine"] = {"expected": None, "stored": record.get("routine", "<missing>")}
    prefs = record.get("prefs") if isinstance(record.get("prefs"), dict) else {}
    for device in plan.devices:  # each device's preference: present, or lost
        for name, value in device.sets.items():
            if prefs.get(name, "<missing>") != value:
                wrong[f"prefs.{name}"] = {"expected": value, "stored": prefs.get(name, "<missing>"),
                                          "said on": device.label}
                lost += 1
    for name, value in UNTOUCHED_PREFS.items():
        if prefs.get(name, "<missing>") != value:
            wrong[f"prefs.{name}"] = {"expected": value, "stored": prefs.get(name, "<missing>")}
    practice = record.get("practice")
    counts = dict(item for item in practice if isinstance(item, list) and len(item) == 2) \
        if isinstance(practice, list) else {}
    for device in plan.devices:  # every stretch coached on either device counted at least once
        unpractised = [stretch for stretch in device.stretches if not counts.get(stretch, 0) >= 1]
        if unpractised:
            wrong[f"practice ({device.label})"] = {"expected": "at least 1 each", "missing": unpractised}
            lost += 1
    return wrong, lost, crossed


def _read_store(db_path: Path) -> tuple[str, dict[str, object], dict[str, object]]:
    """The database's integrity check, each user's record (parsed, or the text if it isn't JSON) and rev column."""
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10)
    try:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        rows = connection.execute("SELECT id, data, rev FROM user_state").fetchall()
    finally:
        connection.close()
    stored: dict[str, object] = {}
    columns: dict[str, object] = {}
    for key, text, column in rows:
        columns[key] = column
        try:
            stored[key] = json.loads(text)
        except ValueError:
            stored[key] = text
    return integrity, stored, columns


def _record_wrong(record: object, column: object, outcome: Outcome | PairOutcome,
                  shapes: Counter) -> tuple[dict, int, bool, dict]:
    """What is wrong with a finished conversation's record, the writes lost, whether another's work is in it,
    and the details of the conversation to report with it."""
    details: dict = {}
    if not isinstance(record, dict):
        return {"record": repr(record)[:200]}, 1, False, details
    if isinstance(outcome, PairOutcome):
        wrong, lost, is_crossed = _pair_wrong(record, outcome)
        details = {"routines": [device.routine_id for device in outcome.plan.devices]}
    else:
        wrong = {key: {"expected": value, "stored": record.get(key, "<missing>")}
                 for key, value in _expected(outcome).items() if record.get(key, "<missing>") != value}
        shape = _shape(record)
        is_crossed = bool(wrong) and shape != _expected_shape(outcome) and shapes.get(shape, 0) > 0
        lost = int(bool(wrong) and not is_crossed)
        details = {"routine": outcome.plan.routine_id, "stop_after": outcome.plan.stop_after}
    rev_wrong, rev_lost = _rev_wrong(record, column, outcome.plan)
    wrong.update(rev_wrong)
    if rev_lost and not lost:  # a turn's write is missing though its effects are not
        lost = 1
    return wrong, lost, is_crossed, details


def check_store(db_path: Path, outcomes: list[Outcome] | list[PairOutcome]) -> dict:
    integrity, stored, columns = _read_store(db_path)
    by_user = {outcome.plan.user_id: outcome for outcome in outcomes}
    shapes = Counter(_expected_shape(outcome) for outcome in outcomes if isinstance(outcome, Outcome))
    verdicts: dict[str, str | None] = {}  # user id -> None (correct) or what is wrong
    mismatches: list[dict] = []
    crossed = lost_writes = 0
    for user, outcome in by_user.items():
        if not outcome.finished:
            verdicts[user] = f"unverified: conversation did not complete ({outcome.problem})"
            continue
        if user not in stored:
            verdicts[user] = "no record"
            mismatches.append({"user": user, "kind": outcome.plan.kind, "problem": "no record"})
            lost_writes += outcome.plan.writes_needed
            continue
        wrong, lost, is_crossed, details = _record_wrong(stored[user], columns.get(user), outcome, shapes)
        if wrong:
            crossed += is_crossed
            lost_writes += lost
            verdicts[user] = f"{'crossed write: ' if is_crossed else ''}{wrong}"
            mismatches.append({"user": user, "kind": outcome.plan.kind, **details, "wrong": wrong,
                               "crossed": is_crossed, "lost_writes": lost})
        else:
            verdicts[user] = None
    unexpected = sorted(set(stored) - set(by_user))
    for key in unexpected:
        mismatches.append({"user": key, "problem": "record for a user who never spoke"})
    return {"records": len(stored), "integrity": integrity, "verdicts": verdicts, "mismatches": mismatches,
            "crossed_writes": crossed, "lost_writes": lost_writes, "unexpected_records": len(unexpected),
            "missing_records": sum(1 for user in by_user if user not in stored)}


# --- the run --------------------------------------------------------------------------------------------------


def _percentile(sorted_values: list[float], fraction: float) -> float | None:
    if not sorted_values:
        return None
    rank = max(1, -(-len(sorted_values) * fraction // 1))  # nearest rank
    return sorted_values[int(rank) - 1]


def _log_messages(server_log: str) -> Counter:
    """How often each message appears among the skill's JSON log lines."""
    messages: Counter = Counter()
    for line in server_log.splitlines():
        if line.startswith("{"):
            try:
                message = json.loads(line).get("message")
            except (ValueError, AttributeError):
                continue
            if isinstance(message, str):
                messages[message] += 1
    return messages


def run_load(users: int = 200, concurrency: int = 32, workers: int = 4, request_timeout: float = REQUEST_TIMEOUT,
             deadline: float = DEFAULT_DEADLINE, keep: bool = False, devices: int = 1, pace: int = 1) -> dict:
    """Run the load test and return its results (``results["ok"]`` says whether it passed).

    ``users`` are people; with ``devices=2`` each talks on two devices at once, and ``concurrency``
    (requests in flight) is shared out as ``concurrency // 2`` people at a time, and each person's
    requests are stamped ``pace`` seconds apart (:class:`PersonClock`; 0: the real clock).
    """
    _check_load_arguments(users, concurrency, workers, devices, pace)
    workdir = Path(tempfile.mkdtemp(prefix="bsc-load-"))
    db_path = workdir / "skill.sqlite3"
    server = GunicornServer(workdir, {"PERSISTENCE": "sqlite", "SQLITE_PATH": str(db_path)}, workers,
                            access_log=False)
    run_token = f"{os.getpid()}-{int(time.time())}"
    plans = [(plan_for if devices == 1 else pair_plan_for)(number, run_token) for number in range(users)]
    # The longest one device may wait for the other between two meeting points: the other's whole routine.
    wait_limit = request_timeout * (max(len(routine["stretches"]) for routine in ROUTINES) + 3) + 5
    stop = threading.Event()
    executor = None
    outcomes: list[Outcome] | list[PairOutcome] = []
    results: dict = {"users": users, "devices": devices, "concurrency": concurrency, "workers": workers,
                     "pace": pace if devices > 1 else None, "workdir": str(workdir)}
    _remove_after_stop = False
    try:
        url = server.start()
        results["gunicorn_pid"] = server.process.pid
        client = Client(url, request_timeout, stop, time.monotonic() + deadline)
        # With two devices, each task runs device B in a thread of its own: concurrency // 2 people at once.
        executor = ThreadPoolExecutor(max_workers=max(1, concurrency // devices), thread_name_prefix="user")
        started = time.perf_counter()
        if devices == 1:
            futures = [executor.submit(converse, client, plan) for plan in plans]
        else:
            futures = [executor.submit(converse_pair, client, plan, wait_limit, pace) for plan in plans]
        # Bounded wait: each conversation stops itself at the deadline; each request at its timeout, each
        # wait for the other device at wait_limit.
        outcomes = [future.result(timeout=deadline + request_timeout + 2 * wait_limit + 30) for future in futures]
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
    messages = _log_messages(server_log)
    results.update({
        "people": users,
        "requests": len(calls),
        "requests_planned": sum(plan.requests for plan in plans),
        # A person's second finished routine brings the one-time reminder offer, answered "no": one more request,
        # how often depends on which device finished second after the merge, so it is counted, not planned.
        "reminder_offers_answered": sum(1 for label, _, _ in calls if label.split(":")[-1] == "no"),
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
        "finishers": sum(1 for plan in plans if getattr(plan, "stop_after", None) is None),
        "stoppers": sum(1 for plan in plans if getattr(plan, "stop_after", None) is not None),
        "conversations_completed": sum(1 for outcome in outcomes if outcome.finished),
        "conversation_problems": [{"user": o.plan.user_id, "problem": o.problem} for o in outcomes if o.problem][:20],
        "records": store["records"],
        "missing_records": store["missing_records"],
        "unexpected_records": store["unexpected_records"],
        "state_mismatches": len(store["mismatches"]),
        "crossed_writes": store["crossed_writes"],
        "lost_writes": store["lost_writes"],
        "conflicts_merged": messages[CONFLICT_MERGED],
        "store_warnings": {message: messages[message] for message in STORE_WARNINGS if messages[message]},
        "mismatch_examples": store["mismatches"][:20],
        "sqlite_integrity": store["integrity"],
        "server_error_log_lines": server_errors,
        "verdicts": store["verdicts"],
    })
    results["errors"] = sum(results[key] for key in ("http_5xx", "timeouts", "transport_errors",
                                                      "http_other_non_200", "server_error_log_lines"))
    failures = _load_failures(results, users)
    results["failures"] = failures
    results["ok"] = not failures
    if results["ok"] and not keep:
        shutil.rmtree(workdir, ignore_errors=True)
        results["workdir"] = None  # removed
    elif results["workdir"]:
        results["gunicorn_log"] = str(server.log_path)
    return results


def _check_load_arguments(users: int, concurrency: int, workers: int, devices: int, pace: int) -> None:
    if users < 1 or concurrency < 1 or workers < 1:
        raise ValueError("users, concurrency and workers must be at least 1")
    if devices not in (1, 2):
        raise ValueError("devices must be 1 or 2")
    if pace < 0:
        raise ValueError("pace must be 0 or more")


def _load_failures(results: dict, users: int) -> list[str]:
    """Why a load run failed: errors, lost or mismatched state, and requests, conversations or records missing."""
    failures = []
    for key in ("http_5xx", "timeouts", "transport_errors", "http_other_non_200", "state_mismatches",
                "lost_writes", "server_error_log_lines", "store_warnings"):
        if results[key]:
            failures.append(f"{key}={results[key]}")
    if results["requests"] != results["requests_planned"] + results["reminder_offers_answered"]:
        failures.append(f"requests={results['requests']} of {results['requests_planned']} planned "
                        f"+ {results['reminder_offers_answered']} reminder offers")
    if results["conversations_completed"] != users:
        failures.append(f"conversations_completed={results['conversations_completed']} of {users}")
    if results["records"] != users:
        failures.append(f"records={results['records']} for {users} users")
    if results["sqlite_integrity"] != "ok":
        failures.append(f"sqlite_integrity={results['sqlite_integrity']}")
    return failures


def format_table(results: dict) -> str:
    rows = [
        ("people", results["users"]),
        *([("  finishers / stoppers", f"{results['finishers']} / {results['stoppers']}")]
          if results["devices"] == 1 else []),
        ("devices per person", results["devices"]),
        *([("  seconds between a person's requests", results["pace"] or "real clock")]
          if results["devices"] > 1 else []),
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
        ("lost writes", results["lost_writes"]),
        ("conflicts merged", results["conflicts_merged"]),
        ("store warnings", sum(results["store_warnings"].values())),
        ("server error log lines", results["server_error_log_lines"]),
        ("errors", results["errors"]),
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
    parser.add_argument("--users", type=int, default=200, help="simulated people (default 200)")
    parser.add_argument("--devices", type=int, choices=(1, 2), default=1,
                        help="devices per person, talking at once (default 1)")
    parser.add_argument("--pace", type=int, default=1,
                        help="with --devices 2: seconds between the stamps on a person's requests "
                             "(default 1; 0: the real clock)")
    parser.add_argument("--concurrency", type=int, default=32,
                        help="requests in flight (with --devices 2, half as many people at once; default 32)")
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
                           request_timeout=args.timeout, deadline=args.deadline, keep=args.keep,
                           devices=args.devices, pace=args.pace)
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
