"""The small, serialisable state of one person: place, preferences, progress.

Two ways in:

* :meth:`CoachState.from_dict` reads session attributes. It never raises: a
  field that is missing or of the wrong type falls back to its default.
* :func:`decode_record` reads a stored record. It is strict: an unreadable
  record, an unknown schema version or a field of the wrong type gives a
  fresh state and says why, so the coach can start fresh gently; an older
  schema version is migrated.

:meth:`CoachState.record` is what gets stored: the place in the routine,
preferences, progress and the one-time flags. Conversation-only fields
(a pending question, what "repeat" replays) stay in the session.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any, Callable, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..content import LIBRARY
from . import questions
from .questions import Question

SCHEMA_VERSION = 2
#: Session strings this process wrote lately, with the (immutable) states they encode.
_RECENT: dict[str, "CoachState"] = {}
_RECENT_LIMIT = 1024
#: Limits on what is read from a session or a store (both are input).
EARLIEST_DAY, LATEST_DAY = date(2020, 1, 1), date(2100, 1, 1)
LATEST_TIME = 4_102_444_800  # 2100-01-01 in epoch seconds
MAX_IDS = 64
#: A stored record larger than this is refused (a full one is under 3 KB).
MAX_RECORD_BYTES = 8 * 1024
#: Instruction levels a person can choose; and the highest practice count kept per stretch.
DETAIL_LEVELS = ("auto", "brief", "full")
PRACTICE_CAP = 99
#: Completed routines remembered (enough for a weekly count and a long streak).
HISTORY_LIMIT = 60


@dataclass(frozen=True)
class Preferences:
    #: Seconds added to (or taken from) every hold; bounded by the engine.
    hold_offset: int = 0
    #: Equipment ids the person does not have.
    missing: tuple[str, ...] = ()
    #: Stretch ids left out of every routine.
    skip: tuple[str, ...] = ()
    #: Narrate several stretches per response without waiting for "next".
    continuous: bool = False
    #: How much instruction: "auto" (short once a stretch is familiar), "brief" or "full".
    detail: str = "auto"
    #: Chimes at the end of each hold and before "switch sides" (off: the words alone).
    sounds: bool = True
    #: When each preference last changed (field name, epoch seconds): two devices' changes merge by it.
    changed: tuple[tuple[str, int], ...] = ()

    def to_dict(self) -> dict:
        values = {"hold_offset": self.hold_offset, "missing": list(self.missing), "skip": list(self.skip),
                  "continuous": self.continuous, "detail": self.detail}
        if not self.sounds:  # written only when off, so records from before it existed read the same
            values["sounds"] = False
        if self.changed:
            values["changed"] = dict(self.changed)
        return values


@dataclass(frozen=True)
class CoachState:
    #: Routine being done, or None outside a routine.
    routine: str | None = None
    #: Index of the current stretch in the routine's plan, and its id (to re-find it if the plan changes).
    index: int = 0
    stretch: str | None = None
    #: Which side of a two-sided stretch the person is on (0 or 1).
    side: int = 0
    #: When the place last changed, in seconds since the epoch (UTC).
    updated: int = 0
    #: True after "pause" / "wait" until "resume".
    paused: bool = False
    #: The question waiting for its answer (see :mod:`.questions`).
    pending: Question | None = None
    #: What "repeat" replays outside a routine.
    last: str | None = None
    #: The one-time safety note has been given (at the first welcome).
    safety_said: bool = False
    #: The one-time "see a doctor first if ..." note has been given (before the first routine).
    checks_said: bool = False
    #: The note about stretches left out for missing equipment has been given.
    equipment_noted: bool = False
    prefs: Preferences = field(default_factory=Preferences)
    #: Completed routines: (ISO date, routine id), oldest first.
    history: tuple[tuple[str, str], ...] = ()
    #: A one-time notice to speak before the next reply ("reset": saved data was unreadable).
    notice: str | None = None
    #: Hands-free for this session (``prefs.continuous`` makes it the default).
    hands_free: bool = False
    #: The last hands-free response: when its request came (epoch seconds), and for each stretch in it,
    #: (stretch index, start, length) in milliseconds from the start of its speech. Used for barge-in.
    timeline_at: int = 0
    timeline: tuple[tuple[int, int, int], ...] = ()
    #: Stretch ids left out for this session only, after the person mentioned a health condition.
    #: The condition itself is never kept anywhere; this is session-only and never stored.
    leave_out_today: tuple[str, ...] = ()
    #: How many times the person has been coached through each stretch: (stretch id, count).
    practice: tuple[tuple[str, int], ...] = ()
    #: The device's time zone (IANA name) from the Alexa Settings API, for "today" and streaks; None: UTC.
    time_zone: str | None = None
    #: The day (days since 1970-01-01, UTC) the time zone was last asked for: asked again a week later,
    #: or the next day after a failed call.
    zone_checked: int = 0
    #: A daily reminder has been offered once (or set): never offered again.
    reminder_asked: bool = False

    def times_done(self, stretch_id: str) -> int:
        return dict(self.practice).get(stretch_id, 0)

    def practised(self, stretch_id: str) -> "CoachState":
        """One more time through ``stretch_id`` (counts stop at PRACTICE_CAP; they only decide brief cues)."""
        counts = dict(self.practice)
        counts[stretch_id] = min(counts.get(stretch_id, 0) + 1, PRACTICE_CAP)
        return replace(self, practice=tuple(sorted(counts.items())))

    def to_dict(self) -> dict[str, Any]:
        return {
            "v": SCHEMA_VERSION, "routine": self.routine, "index": self.index, "stretch": self.stretch,
            "side": self.side, "updated": self.updated, "paused": self.paused,
            "pending": questions.encode(self.pending),
            "last": self.last, "safety_said": self.safety_said, "checks_said": self.checks_said,
            "equipment_noted": self.equipment_noted,
            "prefs": self.prefs.to_dict(), "history": [list(item) for item in self.history], "notice": self.notice,
            "hands_free": self.hands_free, "timeline_at": self.timeline_at,
            "timeline": [list(item) for item in self.timeline],
            "leave_out_today": list(self.leave_out_today),
            "practice": [list(item) for item in self.practice],
            "time_zone": self.time_zone, "zone_checked": self.zone_checked, "reminder_asked": self.reminder_asked,
        }

    def record(self) -> dict[str, Any]:
        """The part of the state that is stored between sessions."""
        full = self.to_dict()
        return {key: full[key] for key in ("v", *RECORD_FIELDS)}

    def to_session(self) -> str:
        """The state as the session attribute carries it: one compact JSON string.

        A string rather than a nested map because the ASK SDK deep-copies and walks
        session attributes on every request; a string costs it nothing (measured in bench/).
        The string is remembered, so the next turn of the session, usually served by the
        same warm process, gets this state back without parsing and checking it again.
        """
        text = json.dumps(self.to_dict(), separators=(",", ":"))
        if len(_RECENT) >= _RECENT_LIMIT:
            _RECENT.clear()
        _RECENT[text] = self
        return text

    @classmethod
    def from_session(cls, value: Any) -> "CoachState":
        """Lenient: the session attribute as :meth:`to_session` wrote it (or as a plain map)."""
        if isinstance(value, str):
            known = _RECENT.get(value)
            if known is not None:
                return known
            try:
                value = json.loads(value)
            except ValueError:
                return cls()
        return cls.from_dict(value)

    @classmethod
    def from_dict(cls, raw: Any) -> "CoachState":
        """Lenient: odd fields fall back to defaults (for session attributes)."""
        if not isinstance(raw, Mapping):
            return cls()
        values = {}
        for name, check in _CHECKS.items():
            if name in raw:
                try:
                    values[name] = check(raw[name])
                except Exception:  # any odd value: that field falls back to its default
                    continue
        return cls(**values)


#: Fields kept in the store.
RECORD_FIELDS = ("routine", "index", "stretch", "side", "updated", "safety_said", "checks_said", "equipment_noted",
                 "prefs", "history", "practice", "time_zone", "zone_checked", "reminder_asked")


def _zone(value: Any) -> str | None:
    """An IANA time zone name the standard library knows, or None: a zone that can't be used is read
    again from the device, never a reason to lose the record."""
    if not isinstance(value, str) or not value or len(value) > 64:
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return value


def _optional_str(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError("expected a string")
    return value or None


def _int(value: Any, low: int = 0, high: int = 2**53) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError("expected a whole number")
    if isinstance(value, float) and (not math.isfinite(value) or not value.is_integer()):
        raise ValueError("expected a whole number")
    if not low <= value <= high:
        raise ValueError("out of range")
    return int(value)


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError("expected true or false")
    return value


def _str_tuple(value: Any) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise TypeError("expected a list of strings")
    return tuple(dict.fromkeys(value))


def _prefs(value: Any) -> Preferences:
    if not isinstance(value, Mapping):
        raise TypeError("expected an object")
    offset = _int(value.get("hold_offset", 0), -(2**31), 2**31)
    return Preferences(
        hold_offset=min(max(offset, MIN_HOLD_OFFSET), MAX_HOLD_OFFSET),
        missing=_known(value.get("missing", []), LIBRARY.equipment),
        skip=_known(value.get("skip", []), LIBRARY.stretches),
        continuous=_bool(value.get("continuous", False)),
        detail=_choice(value.get("detail", "auto"), DETAIL_LEVELS),
        sounds=_bool(value.get("sounds", True)),
        changed=_changed(value.get("changed", {})),
    )


def _known(value: Any, known: Mapping) -> tuple[str, ...]:
    """Ids from a list, keeping only those the content knows (a stretch may have been removed since)."""
    return tuple(item for item in _str_tuple(value)[:MAX_IDS] if item in known)


def _changed(value: Any) -> tuple[tuple[str, int], ...]:
    if not isinstance(value, Mapping):
        raise TypeError("expected an object")
    return tuple(sorted((name, _time(stamp)) for name, stamp in value.items() if name in PREFERENCE_FIELDS))


def _time(value: Any) -> int:
    """Epoch seconds, brought within sensible limits (the UNIX epoch to 2100)."""
    return min(max(_int(value, -(2**63), 2**63), 0), LATEST_TIME)


def _routine_id(value: Any) -> str | None:
    value = _optional_str(value)
    return value if value in LIBRARY.routines else None


def _stretch_id(value: Any) -> str | None:
    value = _optional_str(value)
    return value if value in LIBRARY.stretches else None


def _last(value: Any) -> str | None:
    """What "repeat" replays outside a routine: one of a few forms, nothing else."""
    value = _optional_str(value)
    if value in ("routines", "stretches", "help") or (value or "").removeprefix("howto:") in LIBRARY.stretches:
        return value
    return None


def _notice(value: Any) -> str | None:
    value = _optional_str(value)
    return value if value == "reset" else None


def _choice(value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"expected one of {', '.join(allowed)}")
    return value


def _practice(value: Any) -> tuple[tuple[str, int], ...]:
    if not isinstance(value, (list, tuple)) or len(value) > 100:
        raise TypeError("expected a short list")
    items = {}
    for item in value:
        if not isinstance(item, (list, tuple)) or len(item) != 2 or not isinstance(item[0], str) or len(item[0]) > 64:
            raise TypeError("expected [stretch id, count] pairs")
        if item[0] in LIBRARY.stretches:
            items[item[0]] = _int(item[1], 0, PRACTICE_CAP)
    return tuple(sorted(items.items()))


def _history(value: Any) -> tuple[tuple[str, str], ...]:
    """Completed routines: real dates from 2020 to 2100, routines the content knows."""
    if not isinstance(value, (list, tuple)):
        raise TypeError("expected a list")
    items = []
    for item in value[-4 * HISTORY_LIMIT:]:
        if (not isinstance(item, (list, tuple)) or len(item) != 2
                or not all(isinstance(part, str) for part in item) or len(item[0]) != 10):
            raise TypeError("expected [date, routine] pairs")
        try:
            day = date.fromisoformat(item[0])
        except ValueError:
            continue
        if EARLIEST_DAY <= day <= LATEST_DAY and item[1] in LIBRARY.routines:
            items.append((item[0], item[1]))
    return tuple(items[-HISTORY_LIMIT:])


def _timeline(value: Any) -> tuple[tuple[int, int, int], ...]:
    if not isinstance(value, (list, tuple)) or len(value) > 50:
        raise TypeError("expected a short list")
    items = []
    for item in value:
        if not isinstance(item, (list, tuple)) or len(item) != 3:
            raise TypeError("expected [index, start, length] triples")
        items.append((_int(item[0], 0, 1000), _int(item[1], 0, 10**7), _int(item[2], 0, 10**7)))
    return tuple(items)


_CHECKS: dict[str, Callable[[Any], Any]] = {
    "routine": _routine_id,
    "index": lambda v: _int(v, 0, len(LIBRARY.stretches)),
    "stretch": _stretch_id,
    "side": lambda v: _int(v, 0, 1),
    "updated": _time,
    "paused": _bool,
    "pending": questions.decode,
    "last": _last,
    "safety_said": _bool,
    "checks_said": _bool,
    "equipment_noted": _bool,
    "prefs": _prefs,
    "history": _history,
    "notice": _notice,
    "hands_free": _bool,
    "timeline_at": _time,
    "timeline": _timeline,
    "leave_out_today": lambda v: _known(v, LIBRARY.stretches),
    "practice": _practice,
    "time_zone": lambda v: _zone(v),
    "zone_checked": lambda v: _int(v, 0, 2**31),
    "reminder_asked": _bool,
}
assert set(_CHECKS) == {f.name for f in fields(CoachState)} == set(CoachState().to_dict()) - {"v"}


class RecordError(ValueError):
    """A stored record can't be read; the person gets a fresh start."""


def _migrate_v1(raw: Mapping) -> dict:
    """Version 1 was the session-only state: no preferences, history or timestamps."""
    return {"v": 2, "routine": raw.get("routine"), "index": raw.get("index", 0),
            "safety_said": raw.get("safety_said", False)}


MIGRATIONS: dict[int, Callable[[Mapping], dict]] = {1: _migrate_v1}


def decode_record(raw: Any) -> tuple[CoachState, str | None]:
    """A stored record as a state, and the problem if it had to be reset.

    ``{}`` (no record yet) is a new person, not a problem.
    """
    try:
        return _decode(raw), None
    except RecordError as exc:
        return CoachState(notice="reset"), str(exc)


def _decode(raw: Any) -> CoachState:
    if not isinstance(raw, Mapping):
        raise RecordError(f"record is a {type(raw).__name__}, not an object")
    if not raw:
        return CoachState()
    version = raw.get("v")
    if isinstance(version, bool) or not isinstance(version, int):
        raise RecordError(f"record has no usable schema version ({version!r})")
    while version < SCHEMA_VERSION:
        migrate = MIGRATIONS.get(version)
        if migrate is None:
            raise RecordError(f"no migration from schema version {version}")
        raw = migrate(raw)
        version = raw["v"]
    if version != SCHEMA_VERSION:
        raise RecordError(f"record has schema version {version}, newer than {SCHEMA_VERSION}")
    values = {}
    for name in RECORD_FIELDS:
        if name in raw:
            try:
                values[name] = _CHECKS[name](raw[name])
            except (TypeError, ValueError) as exc:
                raise RecordError(f"field {name!r}: {exc}") from None
    return CoachState(**values)


def with_prefs(state: CoachState, **changes: Any) -> CoachState:
    return replace(state, prefs=replace(state.prefs, **changes))


#: The preferences a person sets by voice, each merged on its own.
PREFERENCE_FIELDS = ("hold_offset", "missing", "skip", "continuous", "detail", "sounds")
#: Bounds of "make holds longer/shorter" (the plan applies the same; kept here so stored values are bounded).
MIN_HOLD_OFFSET, MAX_HOLD_OFFSET = -10, 20


def stamp_preferences(before: CoachState, after: CoachState, now: int) -> CoachState:
    """``after`` with the time of this turn on each preference that changed since ``before``."""
    changed = dict(after.prefs.changed)
    for name in PREFERENCE_FIELDS:
        if getattr(before.prefs, name) != getattr(after.prefs, name):
            changed[name] = min(max(now, 0), LATEST_TIME)
    if changed == dict(after.prefs.changed):
        return after
    return with_prefs(after, changed=tuple(sorted(changed.items())))


def merge_records(theirs: CoachState, ours: CoachState) -> CoachState:
    """What another session stored (``theirs``), merged into this session's state (``ours``), losing neither.

    Two devices of one person can both be in a session. Completed routines are a union by day and routine;
    each preference is the one changed last; the place is the one changed last; practice counts take the
    larger; one-time notes said on either device stay said. Session-only fields are this session's.
    """
    history = tuple(sorted(set(theirs.history) | set(ours.history)))[-HISTORY_LIMIT:]
    when_theirs, when_ours = dict(theirs.prefs.changed), dict(ours.prefs.changed)
    prefs_values, changed = {}, {}
    for name in PREFERENCE_FIELDS:
        source = theirs if when_theirs.get(name, 0) > when_ours.get(name, 0) else ours
        prefs_values[name] = getattr(source.prefs, name)
        stamp = max(when_theirs.get(name, 0), when_ours.get(name, 0))
        if stamp:
            changed[name] = stamp
    prefs = Preferences(**prefs_values, changed=tuple(sorted(changed.items())))
    practice = dict(theirs.practice)
    for stretch_id, count in ours.practice:
        practice[stretch_id] = max(practice.get(stretch_id, 0), count)
    merged = replace(ours, history=history, prefs=prefs, practice=tuple(sorted(practice.items())),
                     safety_said=theirs.safety_said or ours.safety_said,
                     checks_said=theirs.checks_said or ours.checks_said,
                     equipment_noted=theirs.equipment_noted and ours.equipment_noted,
                     reminder_asked=theirs.reminder_asked or ours.reminder_asked)
    if theirs.zone_checked > ours.zone_checked:  # the time zone read more recently
        merged = replace(merged, time_zone=theirs.time_zone, zone_checked=theirs.zone_checked)
    if theirs.updated >= ours.updated:  # the other device moved the place later (or as late): theirs stands
        merged = replace(with_place_of(merged, theirs), pending=None, paused=False, timeline=(), timeline_at=0)
    return merged


def with_place_of(state: CoachState, place: CoachState) -> CoachState:
    """``state`` at the place of ``place``: routine, stretch, side, and when it changed."""
    return replace(state, routine=place.routine, index=place.index, stretch=place.stretch, side=place.side,
                   updated=place.updated)


def merge_for_session(theirs: CoachState, ours: CoachState) -> tuple[CoachState, CoachState]:
    """After a write conflict: (the record to store, the state this session goes on with).

    The store gets the merge, with the place changed last; the session keeps its own place, question and
    timeline, so each device's conversation carries on where it is.
    """
    merged = merge_records(theirs, ours)
    own = replace(with_place_of(merged, ours), pending=ours.pending, paused=ours.paused, timeline=ours.timeline,
                  timeline_at=ours.timeline_at)
    return merged, own
