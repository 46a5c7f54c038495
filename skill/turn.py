"""What one turn carries between the interceptors and the handlers, named in one place.

A turn passes through :class:`skill.interceptors.LoadState` (and ``RefreshTimeZone``), one handler
(:func:`skill.handlers.base.respond`) and :class:`skill.interceptors.SaveState`. What they hand each
other lives in the ASK SDK's request attributes (this turn only) and session attributes (across the
session's turns); only this module knows their names. Every reader is lenient: an attribute that is
missing or of the wrong type reads as "nothing".

| Request attribute | Set by | Holds |
| --- | --- | --- |
| ``state`` | LoadState, RefreshTimeZone | the person's :class:`CoachState` for this turn |
| ``record_before`` | LoadState | the stored record before the turn, to compare with after it (None: write anyway) |
| ``store`` | LoadState | the session's :class:`StoreFlags` |
| ``state_out`` | the handler | the state the reply leaves |
| ``effects_out`` | the handler | the reply's effects (SaveState carries out ``ForgetPerson``) |

| Session attribute | Holds |
| --- | --- |
| :data:`STATE_KEY` (``coach``) | the state, as :meth:`CoachState.to_session` writes it |
| :data:`STORE_KEY` (``store``) | the store flags, as :meth:`StoreFlags.to_session` writes them |
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from .engine import CoachState
from .persistence import revision

#: Session attribute: the person's state between turns.
STATE_KEY = "coach"
#: Session attribute: the store flags between turns.
STORE_KEY = "store"

_STATE = "state"
_RECORD_BEFORE = "record_before"
_STORE = "store"
_STATE_OUT = "state_out"
_EFFECTS_OUT = "effects_out"


@dataclass(frozen=True)
class StoreFlags:
    """Where this session stands with the store.

    ``loaded``: the record was read this session (nothing is written before that); ``dirty``: a write
    failed and is due again; ``rev``: the revision the store held when last read or written; ``place``:
    the stored place ``[routine, index, stretch, side, updated]`` after a conflict with a newer one.
    """

    loaded: bool = False
    dirty: bool = False
    rev: int = 0
    place: list | None = None

    @classmethod
    def from_session(cls, session: Mapping[str, Any], new: bool) -> "StoreFlags":
        """The flags a session carries (input: read leniently). A new session's flags can only be forged,
        so it has none: the store is always read first. (``place`` is not carried over from the session.)"""
        raw = session.get(STORE_KEY)
        if new or not isinstance(raw, dict):
            return cls()
        return cls(loaded=raw.get("loaded") is True, dirty=raw.get("dirty") is True, rev=revision(raw.get("rev")))

    def to_session(self) -> dict:
        flags: dict[str, Any] = {"loaded": self.loaded, "dirty": self.dirty, "rev": self.rev}
        if self.place is not None:
            flags["place"] = self.place
        return flags


def _attributes(handler_input) -> dict:
    return handler_input.attributes_manager.request_attributes


# --- What the load interceptors prepare ------------------------------------------


def state(handler_input) -> CoachState | None:
    """The person's state as loaded for this turn, or None if no interceptor loaded it."""
    value = _attributes(handler_input).get(_STATE)
    return value if isinstance(value, CoachState) else None


def set_state(handler_input, value: CoachState) -> None:
    _attributes(handler_input)[_STATE] = value


def record_before(handler_input) -> dict | None:
    """The stored record as it was before the turn, or None when the turn's record must not be
    compared with it (not loaded, or a write is due anyway)."""
    return _attributes(handler_input).get(_RECORD_BEFORE)


def set_record_before(handler_input, record: dict | None) -> None:
    _attributes(handler_input)[_RECORD_BEFORE] = record


def store_flags(handler_input) -> StoreFlags:
    """This turn's store flags (none loaded: nothing read, nothing due)."""
    value = _attributes(handler_input).get(_STORE)
    return value if isinstance(value, StoreFlags) else StoreFlags()


def set_store_flags(handler_input, flags: StoreFlags) -> None:
    _attributes(handler_input)[_STORE] = flags


# --- What the handler leaves ------------------------------------------------------


def state_out(handler_input) -> CoachState | None:
    """The state the handler's reply leaves, or None if no handler replied."""
    value = _attributes(handler_input).get(_STATE_OUT)
    return value if isinstance(value, CoachState) else None


def set_state_out(handler_input, value: CoachState) -> None:
    _attributes(handler_input)[_STATE_OUT] = value


def effects_out(handler_input) -> tuple:
    """The effects of the handler's reply (none if no handler replied)."""
    return tuple(_attributes(handler_input).get(_EFFECTS_OUT) or ())


def set_effects_out(handler_input, effects) -> None:
    _attributes(handler_input)[_EFFECTS_OUT] = effects


# --- The session's copy -----------------------------------------------------------


def session_state(session: Mapping[str, Any] | None) -> CoachState:
    """The state a session's attributes carry (a fresh one if none, or if unreadable)."""
    return CoachState.from_session((session or {}).get(STATE_KEY))


def has_session_state(session: Mapping[str, Any] | None) -> bool:
    return STATE_KEY in (session or {})


def state_for_session(value: CoachState) -> dict:
    """Session attributes holding just ``value``: what a handler's reply leaves in the session."""
    return {STATE_KEY: value.to_session()}
