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
* **Nothing lost between devices.** Writes are compare-and-swap on a revision;
  a conflict re-reads, merges and writes again (see :class:`SaveState`).
* **Forgotten on request.** A reply carrying :class:`ForgetPerson` ("delete my
  data", after a yes) deletes the person's record instead of saving, and its
  fresh state is never written back; the log says only that it happened.
* **Forgotten when the skill is disabled.** :class:`ForgetAccount` (the
  ``SkillDisabled`` event) deletes every record of the account through the
  store's ``delete_account``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.dispatch_components import AbstractRequestInterceptor, AbstractResponseInterceptor
from ask_sdk_core.response_helper import ResponseFactory

from . import ssml, turn
from .engine import CoachState
from .engine.reply import ForgetAccount, ForgetPerson
from .engine.state import (
    MAX_RECORD_BYTES,
    decode_record,
    merge_for_session,
    merge_records,
    stamp_preferences,
    with_place_of,
)
from .handlers.base import locale_of, request_time, session_attributes
from .handlers.comfort import HEALTH_INTENTS
from .localization import phrases_for
from .persistence import REVISION, StoreConflict, revision
from .persistence.keys import log_id, user_id
from .speech import says
from .turn import STORE_KEY, StoreFlags

#: The time zone is read again after this many days (people rarely move; a trip shows within a week).
ZONE_REFRESH_DAYS = 7

log = logging.getLogger("skill.requests")
#: Tries at a write when other sessions keep writing in between (each try re-reads and merges).
SAVE_ATTEMPTS = 5




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

    def __init__(self, store: AbstractPersistenceAdapter | None):
        self.store = store

    def process(self, handler_input):
        session = session_attributes(handler_input) or {}
        flags = StoreFlags.from_session(session, new=getattr(handler_input.request_envelope.session, "new", True))
        loaded, dirty, rev = flags.loaded, flags.dirty, flags.rev
        state = turn.session_state(session)
        in_store = None  # what the store holds, when read this turn
        if self.store is not None and not loaded:
            try:
                raw = self.store.get_attributes(handler_input.request_envelope)
            except Exception as exc:  # store down: carry on from the session, try again next turn
                log.warning("store read failed", extra={"error": f"{type(exc).__name__}: {exc}"[:300]})
            else:
                stored, rev = _decoded(raw, handler_input)
                # A late first read (an earlier one failed): keep what this session did meanwhile.
                state = merge_records(stored, state) if turn.has_session_state(session) else stored
                in_store, loaded = stored.record(), True
        turn.set_state(handler_input, state)
        # Compared with the record after the turn: a merge that changed anything is written too.
        turn.set_record_before(handler_input, (in_store or state.record()) if loaded and not dirty else None)
        turn.set_store_flags(handler_input, StoreFlags(loaded=loaded, dirty=dirty, rev=rev))


class RefreshTimeZone(AbstractRequestInterceptor):
    """Keeps the person's time zone, read from the device's settings at most once a week.

    A normal turn makes no call: only when the zone is a week old (or unknown, at most once a day)
    is the Settings API asked, with a short timeout. A failed read keeps what was known (or UTC)
    and is tried again the next day; it never delays a turn by more than the timeout.
    """

    def process(self, handler_input):
        state = turn.state(handler_input)
        if state is None:
            return
        today = int(request_time(handler_input).timestamp() // 86400)
        age = today - state.zone_checked
        if (state.time_zone and age < ZONE_REFRESH_DAYS) or (not state.time_zone and age < 1):
            return
        from .services import device_time_zone

        zone = device_time_zone(handler_input)
        turn.set_state(handler_input, replace(state, time_zone=zone or state.time_zone, zone_checked=today))


def _decoded(raw, handler_input) -> tuple[CoachState, int]:
    """A stored record as a state, and its revision (0 for none, or a record from before revisions)."""
    stored, problem = decode_record(raw)
    if problem:
        log.warning("stored record unreadable, starting fresh",
                    extra={"problem": problem, "user": log_id(_uid(handler_input))})
    return stored, revision(raw.get(REVISION) if isinstance(raw, dict) else None)


class SaveState(AbstractResponseInterceptor):
    """Saves the stored part of the state when the turn changed it (or an earlier save failed).

    Each write is a compare-and-swap on the record's revision. If another session of the same person
    wrote in between (a second Echo), the record is read again, merged with this session's state
    (:func:`skill.engine.state.merge_records`) and written again, so neither loses anything.
    """

    def __init__(self, store: AbstractPersistenceAdapter | None):
        self.store = store

    def process(self, handler_input, response):
        if any(isinstance(effect, ForgetAccount) for effect in turn.effects_out(handler_input)):
            self._forget_account(handler_input)
            return
        handled = turn.state_out(handler_input)
        flags = turn.store_flags(handler_input)
        if handled is None:
            return
        if any(isinstance(effect, ForgetPerson) for effect in turn.effects_out(handler_input)):
            self._forget(handler_input, response)
            return  # the fresh state of the reply is never written back
        state = handled
        before = turn.state(handler_input)
        if before is not None:
            # Stamp changed preferences with this turn's time, so a merge later keeps the latest of each.
            state = stamp_preferences(before, state, int(request_time(handler_input).timestamp()))
        if self.store is not None and flags.loaded:
            if flags.dirty or state.record() != turn.record_before(handler_input):
                state, flags = self._save(handler_input, state, flags)
        session = session_attributes(handler_input)
        if session is not None:
            if state is not handled:  # stamped or merged here: the handler's copy is stale
                session[turn.STATE_KEY] = state.to_session()
            session[STORE_KEY] = flags.to_session()

    def _forget_account(self, handler_input) -> None:
        """The skill was disabled: delete every record of the account (one store call, ``delete_account``).

        Only the fact is logged, with the user's hash. A failure is logged as an error: the records then go
        with the 18-month expiry, as the privacy policy says."""
        user = log_id(_uid(handler_input))
        if self.store is None:
            return
        try:
            deleted = self.store.delete_account(user_id(handler_input.request_envelope))
        except Exception as exc:
            log.error("records not deleted after the skill was disabled; they expire instead",
                      extra={"error": f"{type(exc).__name__}: {exc}"[:300], "user": user})
            return
        log.info("records deleted: the skill was disabled", extra={"user": user, "records": deleted})

    def _forget(self, handler_input, response) -> None:
        """The person asked to be forgotten: delete their record instead of saving anything.

        Only the fact of the deletion is logged (with the user's hash), never what was deleted. If the
        store can't delete just now, the person hears so instead of "done", and the record stays as it was.
        """
        user = log_id(_uid(handler_input))
        deleted = True
        if self.store is not None:
            try:
                self.store.delete_attributes(handler_input.request_envelope)
            except Exception as exc:  # store down: say so; nothing was changed
                deleted = False
                log.warning("store delete failed; the record is kept",
                            extra={"error": f"{type(exc).__name__}: {exc}"[:300], "user": user})
        if deleted:
            log.info("record deleted at the person's request", extra={"user": user})
        elif response is not None:
            failed = phrases_for(locale_of(handler_input))("delete_failed")
            response.output_speech = ResponseFactory().speak(ssml.render(says(failed))).response.output_speech
        session = session_attributes(handler_input)
        if session is not None:
            # Deleted: the session holds the fresh state, which is what the store now holds (nothing).
            # Not deleted: read the store again should this session go on.
            session[STORE_KEY] = StoreFlags(loaded=deleted).to_session()

    def _save(self, handler_input, state: CoachState, flags: StoreFlags) -> tuple[CoachState, StoreFlags]:
        """Write the record; on a conflict merge and try again. The session keeps its own place in the
        conversation; the store keeps the place changed last (``flags.place`` remembers the stored one
        while it is newer than this session's)."""
        envelope = handler_input.request_envelope
        for _ in range(SAVE_ATTEMPTS):
            stored_place = _place(flags.place)
            if stored_place is not None and stored_place.updated <= state.updated:
                stored_place, flags = None, replace(flags, place=None)
            to_write = with_place_of(state, stored_place) if stored_place is not None else state
            record = {**to_write.record(), REVISION: flags.rev + 1}
            if len(json.dumps(record, separators=(",", ":"))) > MAX_RECORD_BYTES:
                log.error("record too large to store; not written", extra={"user": log_id(_uid(handler_input))})
                return state, replace(flags, dirty=False)
            try:
                self.store.save_attributes(envelope, record)
                return state, replace(flags, dirty=False, rev=record[REVISION])
            except StoreConflict:
                try:
                    theirs, rev = _decoded(self.store.get_attributes(envelope), handler_input)
                except Exception as exc:
                    log.warning("store read after a conflict failed; will retry next turn",
                                extra={"error": f"{type(exc).__name__}: {exc}"[:300]})
                    return state, replace(flags, dirty=True)
                merged, own = merge_for_session(theirs, state)
                flags = replace(flags, rev=rev)
                if merged.updated > own.updated:  # the other device moved last: remember the stored place
                    flags = replace(flags, place=[merged.routine, merged.index, merged.stretch, merged.side,
                                                  merged.updated])
                state = own
                log.info("store conflict: merged with another session's record")
            except Exception as exc:
                log.warning("store write failed; will retry next turn",
                            extra={"error": f"{type(exc).__name__}: {exc}"[:300]})
                return state, replace(flags, dirty=True)
        log.warning("store kept changing; will retry next turn")
        return state, replace(flags, dirty=True)


def _place(raw) -> CoachState | None:
    """The stored place remembered in the session's store flags (input: read leniently), or None."""
    if not isinstance(raw, list) or len(raw) != 5:
        return None
    place = CoachState.from_dict(dict(zip(("routine", "index", "stretch", "side", "updated"), raw, strict=True)))
    return place if place.updated else None
