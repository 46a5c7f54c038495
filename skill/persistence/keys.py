"""Who a record belongs to, and how a user id may appear in logs."""

from __future__ import annotations

import hashlib
import os

from ask_sdk_model import RequestEnvelope

from ..snapstart import after_restore


def person_id(request_envelope: RequestEnvelope) -> str | None:
    """The recognised speaker's person id (``context.System.person.personId``), or None."""
    system = getattr(getattr(request_envelope, "context", None), "system", None)
    pid = getattr(getattr(system, "person", None), "person_id", None)
    return pid if isinstance(pid, str) and pid else None


#: Between an account's user id and a recognised person's id in a record key.
PERSON_SEPARATOR = "#person:"


def record_key(request_envelope: RequestEnvelope) -> str:
    """Whose record a request reads and writes: the account's, or a recognised speaker's own.

    With voice profiles, each recognised person on an account keeps their own place, preferences and
    progress; anyone else (or a device without voice profiles) shares the account's record, as before.
    """
    account = user_id(request_envelope)
    person = person_id(request_envelope)
    return f"{account}{PERSON_SEPARATOR}{person}" if person else account


def account_keys_range(account: str) -> tuple[str, str]:
    """The half-open range [low, high) of the keys of every recognised person's record on ``account``: each
    starts ``<account>#person:`` (the separator's last character, ``:``, is followed by ``;``)."""
    low = f"{account}{PERSON_SEPARATOR}"
    return low, low[:-1] + chr(ord(low[-1]) + 1)


def user_id(request_envelope: RequestEnvelope) -> str:
    """The Alexa user id of a request (context first, then session)."""
    context = getattr(request_envelope, "context", None)
    system = getattr(context, "system", None)
    uid = getattr(getattr(system, "user", None), "user_id", None)
    if not uid:
        uid = getattr(getattr(getattr(request_envelope, "session", None), "user", None), "user_id", None)
    if not isinstance(uid, str) or not uid:
        raise KeyError("request has no user id")
    return uid


#: Set LOG_SALT to correlate one person's lines across processes; by default each process has its own salt
#: (and, with SnapStart, each restored environment: a salt made at init would otherwise be in the snapshot).
_SALT = os.environ.get("LOG_SALT") or os.urandom(16).hex()


def _new_salt() -> None:
    global _SALT
    _SALT = os.environ.get("LOG_SALT") or os.urandom(16).hex()


after_restore(_new_salt)


def log_id(uid: str | None) -> str | None:
    """A salted hash of a user id, safe to log; never log the id itself."""
    if not uid:
        return None
    return hashlib.sha256((_SALT + uid).encode("utf-8")).hexdigest()[:16]
