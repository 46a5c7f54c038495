"""Cross-cutting request/response steps: logging, and loading/saving state.

Loading and saving follow the ASK SDK audio-player sample's pattern, with
two rules for cost:

* **At most one store read per session.** The record read on the first turn
  is cached in the session attributes (``coach``), with ``store.loaded``; later
  turns use the cache. If that read fails, the next turn tries again, and
  nothing is saved until a read has succeeded, so a store outage can't
  overwrite someone's real record with a blank one.
* **No write on a turn that changed nothing.** The stored part of the state
  (:meth:`CoachState.record`) before and after the turn are compared. A failed
  write marks the session ``store.dirty``; the next turn writes again.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor, AbstractResponseInterceptor

from .engine import CoachState
from .handlers.base import STATE_KEY, session_attributes
from .handlers.comfort import HEALTH_INTENTS
from .engine.state import decode_record
from .persistence.keys import log_id

log = logging.getLogger("skill.requests")
STORE_KEY = "store"




def loggable_intent(name: str | None) -> str | None:
    """The intent name for the log, except where the name itself says something about a person's health.

    Alexa's policy keeps a skill that is not HIPAA-eligible from collecting health information, and a log
    line with a user hash and "RedFlagIntent" would be exactly that.
    """
    return "health (not logged)" if name in HEALTH_INTENTS else name


def _uid(handler_input) -> str | None:
    system = getattr(getattr(handler_input.request_envelope, "context", None), "system", None)
    return getattr(getattr(system, "user", None), "user_id", None)


class TurnLogger(AbstractResponseInterceptor):
    """One JSON line per turn: request id and type, intent, a hash of the user, whether the session ends."""

    def process(self, handler_input, response):
        request = handler_input.request_envelope.request
        log.info("turn", extra={
            "request_id": getattr(request, "request_id", None),
            "request_type": getattr(request, "object_type", None),
            "intent": loggable_intent(getattr(getattr(request, "intent", None), "name", None)),
            "user": log_id(_uid(handler_input)),
            "should_end_session": getattr(response, "should_end_session", None) if response is not None else None,
        })


class LoadState(AbstractRequestInterceptor):
    """Puts the person's state in the request attributes, reading the store at most once a session."""

    def __init__(self, has_store: bool):
        self.has_store = has_store

    def process(self, handler_input):
        session = session_attributes(handler_input) or {}
        meta = session.get(STORE_KEY) if isinstance(session.get(STORE_KEY), dict) else {}
        loaded, dirty = meta.get("loaded") is True, meta.get("dirty") is True
        state = CoachState.from_session(session.get(STATE_KEY))
        if self.has_store and not loaded:
            try:
                raw = handler_input.attributes_manager.persistent_attributes
            except Exception as exc:  # store down: carry on from the session, try again next turn
                log.warning("store read failed", extra={"error": f"{type(exc).__name__}: {exc}"[:300]})
            else:
                stored, problem = decode_record(raw)
                if problem:
                    log.warning("stored record unreadable, starting fresh",
                                extra={"problem": problem, "user": log_id(_uid(handler_input))})
                state = _merge(stored, state) if STATE_KEY in session else stored
                loaded = True
        attributes = handler_input.attributes_manager.request_attributes
        attributes["state"] = state
        attributes["record_before"] = state.record() if loaded and not dirty else None
        attributes["store"] = {"loaded": loaded, "dirty": dirty}


def _merge(stored: CoachState, session: CoachState) -> CoachState:
    """A late first read (an earlier one failed): the store's record, with any newer place from the session."""
    if session.updated > stored.updated:
        return replace(stored, routine=session.routine, index=session.index, stretch=session.stretch,
                       side=session.side, updated=session.updated, pending=session.pending, last=session.last)
    return replace(stored, pending=session.pending, last=session.last)


class SaveState(AbstractResponseInterceptor):
    """Saves the stored part of the state when the turn changed it (or an earlier save failed)."""

    def __init__(self, has_store: bool):
        self.has_store = has_store

    def process(self, handler_input, response):
        attributes = handler_input.attributes_manager.request_attributes
        state = attributes.get("state_out")
        meta = dict(attributes.get("store") or {"loaded": False, "dirty": False})
        if state is None:
            return
        if self.has_store and meta["loaded"]:
            record = state.record()
            if meta["dirty"] or record != attributes.get("record_before"):
                try:
                    handler_input.attributes_manager.persistent_attributes = record
                    handler_input.attributes_manager.save_persistent_attributes()
                    meta["dirty"] = False
                except Exception as exc:
                    log.warning("store write failed; will retry next turn",
                                extra={"error": f"{type(exc).__name__}: {exc}"[:300]})
                    meta["dirty"] = True
        session = session_attributes(handler_input)
        if session is not None:
            session[STORE_KEY] = meta
