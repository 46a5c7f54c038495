"""From a raw request event (a dict) to a response dict, for every entry point.

The ASK SDK deserialises the whole envelope before any handler runs, and a
request type it has never heard of (a future Alexa event) makes that fail.
Here such a request still gets a valid spoken answer, with the session state
kept, instead of an exception; except a request of an interface the skill does
not declare (``AudioPlayer.*``, ``PlaybackController.*``) or
``System.ExceptionEncountered``, which gets an empty response, as the handlers
give the types the SDK knows (see :mod:`skill.handlers.session`).
"""

from __future__ import annotations

import json
import logging
from typing import Any, Callable, Mapping

from ask_sdk_core.exceptions import AskSdkException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_core.skill import CustomSkill
from ask_sdk_model import RequestEnvelope
from ask_sdk_model.request import Request

from . import turn
from .engine import Coach
from .handlers.base import reply_envelope
from .handlers.session import wants_empty_response

log = logging.getLogger(__name__)
SERIALIZER = DefaultSerializer()


class MalformedRequest(ValueError):
    """The body is not an Alexa request envelope the skill can read."""


def is_another_skills_request(error: BaseException) -> bool:
    """Whether ``error`` is the ASK SDK refusing a request made to another skill (its application id is
    not the skill id the skill was built with). The SDK says so only in the message: an AskSdkException
    "Skill ID Verification failed!!". Such a request gets no answer from this skill: on Lambda the
    exception stands, the web endpoint answers 400."""
    return isinstance(error, AskSdkException) and "skill id" in str(error).lower()


def is_known_request_type(event: Mapping) -> bool:
    request = event.get("request") if isinstance(event, Mapping) else None
    kind = request.get("type") if isinstance(request, Mapping) else None
    return isinstance(kind, str) and kind in Request.discriminator_value_class_map


def _spoken(event: Mapping, answer: str) -> dict:
    """A coach answer built without the SDK's request models, keeping the session's state."""
    event = event if isinstance(event, Mapping) else {}
    request = event.get("request") if isinstance(event.get("request"), Mapping) else {}
    session = event.get("session") if isinstance(event.get("session"), Mapping) else {}
    attributes = session.get("attributes") if isinstance(session.get("attributes"), Mapping) else {}
    locale = request.get("locale") if isinstance(request.get("locale"), str) else None
    coach = Coach(locale)
    reply = getattr(coach, answer)(turn.session_state(attributes))
    return SERIALIZER.serialize(reply_envelope(reply))


def empty_response(event: Mapping) -> dict:
    """No speech, reprompt or directives; the session attributes as they came (if there was a session)."""
    session = event.get("session") if isinstance(event, Mapping) and isinstance(event.get("session"), Mapping) else None
    envelope: dict = {"version": "1.0", "response": {}}
    if session is not None and isinstance(session.get("attributes"), Mapping):
        envelope["sessionAttributes"] = dict(session["attributes"])
    return envelope


def unsupported_response(event: Mapping) -> dict:
    """A spoken 'can't do that here' for a request type the SDK can't read (nothing, where nothing is due)."""
    request = event.get("request") if isinstance(event, Mapping) and isinstance(event.get("request"), Mapping) else {}
    log.info("unsupported request type", extra={"unsupported_type": str(request.get("type"))[:80]})
    if wants_empty_response(request.get("type")):
        return empty_response(event)
    return _spoken(event, "unsupported")


def error_response(event: Mapping) -> dict:
    """The spoken apology, for when even the skill's own error handling failed."""
    return _spoken(event, "error")


def _with_usable_session(event: Mapping[str, Any]) -> Mapping[str, Any]:
    """Session attributes of the wrong shape are dropped (the person starts fresh), not fatal."""
    session = event.get("session")
    if isinstance(session, Mapping) and "attributes" in session and not isinstance(session["attributes"], Mapping):
        log.warning("session attributes of the wrong shape were dropped",
                    extra={"attributes_type": type(session["attributes"]).__name__})
        return {**event, "session": {**session, "attributes": {}}}
    return event


def dispatch(skill: CustomSkill, event: Mapping[str, Any], context: Any = None) -> dict:
    """Serve one request event. Raises :class:`MalformedRequest` for unreadable envelopes."""
    if not isinstance(event, Mapping):
        raise MalformedRequest("the event is not an object")
    if not is_known_request_type(event):
        return unsupported_response(event)
    event = _with_usable_session(event)
    try:
        envelope = SERIALIZER.deserialize(json.dumps(event), RequestEnvelope)
    except Exception as exc:  # SerializationException, and whatever odd shapes make the SDK's models raise
        raise MalformedRequest(f"{type(exc).__name__}: {str(exc)[:200]}") from None
    return SERIALIZER.serialize(skill.invoke(request_envelope=envelope, context=context))


def lambda_handler_for(skill: CustomSkill) -> Callable[[Mapping, Any], dict]:
    """A Lambda handler: like the SDK's, but unknown or malformed requests get an answer."""

    def handler(event, context):
        try:
            return dispatch(skill, event, context)
        except MalformedRequest as exc:
            log.warning("malformed request envelope: %s", exc)
            return unsupported_response(event if isinstance(event, Mapping) else {})
        except Exception as exc:
            if is_another_skills_request(exc):
                raise  # the SDK's rejection stands
            log.exception("skill invocation failed")
            return error_response(event)

    return handler
