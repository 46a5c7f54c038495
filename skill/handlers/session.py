"""Help, stop, fallback, deleting one's data, session end, a disabled skill, and whatever else arrives.

Requests the skill never asked for get no speech where Alexa would not play it: ``System.ExceptionEncountered``
(Alexa reporting that a response of ours failed) and the requests of interfaces the manifest does not declare
(``AudioPlayer.*``, ``PlaybackController.*``) get an empty response: no speech, reprompt or directives, and the
session attributes as they came. Any other request type keeps a spoken "can't do that here".
"""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import IntentRequest

from .. import turn
from ..engine import Coach
from ..engine.reply import ForgetAccount
from .base import coach_handler, request_type, run

log = logging.getLogger(__name__)


HelpHandler = coach_handler("HelpHandler", "AMAZON.HelpIntent", Coach.help)
StopHandler = coach_handler("StopHandler", ("AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent"),
                            Coach.stop)
FallbackHandler = coach_handler("FallbackHandler", "AMAZON.FallbackIntent", Coach.fallback)
DeleteDataHandler = coach_handler("DeleteDataHandler", "DeleteDataIntent", Coach.delete_data)

#: Request types Alexa sends for a failed response of ours; it plays nothing in answer.
EXCEPTION_ENCOUNTERED = "System.ExceptionEncountered"
#: Interfaces the skill does not declare in its manifest (skill-package/skill.json: no interfaces): their
#: requests are not the person talking to the skill, so they get no speech.
UNDECLARED_INTERFACES = ("AudioPlayer.", "PlaybackController.")


def wants_empty_response(kind: object) -> bool:
    """True for a request type that must be answered with an empty response (no speech, no directives)."""
    return isinstance(kind, str) and (kind == EXCEPTION_ENCOUNTERED or kind.startswith(UNDECLARED_INTERFACES))


class SessionEndedHandler(AbstractRequestHandler):
    """Logged, never spoken: Alexa ignores any speech here."""

    def can_handle(self, handler_input):
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input):
        request = handler_input.request_envelope.request
        reason = getattr(getattr(request, "reason", None), "value", None)
        error = getattr(request, "error", None)
        error_type = getattr(getattr(error, "object_type", None), "value", None) if error else None
        log.info("session ended", extra={"reason": reason, "error_type": error_type})
        return handler_input.response_builder.response


#: Alexa's skill event for a person who disabled the skill (manifest ``events.subscriptions``: SKILL_DISABLED).
SKILL_DISABLED = "AlexaSkillEvent.SkillDisabled"


class SkillDisabledHandler(AbstractRequestHandler):
    """Someone disabled the skill: their records go (the save interceptor carries out :class:`ForgetAccount`).

    Deleted whatever the event's ``userInformationPersistenceStatus`` says: PERSISTED (the same user id if
    they enable it again) only happens for skills with purchases, which this one has none of, and the
    privacy policy promises that disabling deletes. A skill event gets no speech."""

    def can_handle(self, handler_input):
        return is_request_type(SKILL_DISABLED)(handler_input)

    def handle(self, handler_input):
        turn.set_effects_out(handler_input, (ForgetAccount(),))
        return handler_input.response_builder.response


class ExceptionEncounteredHandler(AbstractRequestHandler):
    """Alexa says a response of ours failed: log what it says (no personal data) and answer with nothing."""

    def can_handle(self, handler_input):
        return is_request_type(EXCEPTION_ENCOUNTERED)(handler_input)

    def handle(self, handler_input):
        request = handler_input.request_envelope.request
        error, cause = getattr(request, "error", None), getattr(request, "cause", None)
        kind = getattr(getattr(error, "object_type", None), "value", getattr(error, "object_type", None))
        message = getattr(error, "message", None)
        log.warning("Alexa reported an error with a response", extra={
            "error_type": str(kind)[:80] if kind is not None else None,
            "error_message": str(message)[:300] if message is not None else None,
            "cause_request_id": str(getattr(cause, "request_id", None))[:200] if cause is not None else None})
        return handler_input.response_builder.response


class UndeclaredInterfaceHandler(AbstractRequestHandler):
    """AudioPlayer and PlaybackController requests: the skill declares neither interface, so nothing to say."""

    def can_handle(self, handler_input):
        kind = request_type(handler_input)
        return wants_empty_response(kind) and kind != EXCEPTION_ENCOUNTERED

    def handle(self, handler_input):
        log.info("request for an undeclared interface",
                 extra={"unsupported_type": str(request_type(handler_input))[:80]})
        return handler_input.response_builder.response


class UnhandledRequestHandler(AbstractRequestHandler):
    """Registered last: unknown intents go to fallback, other types get a polite answer."""

    def can_handle(self, handler_input):
        return True

    def handle(self, handler_input):
        if isinstance(handler_input.request_envelope.request, IntentRequest):
            log.info("unknown intent routed to fallback")
            return run(handler_input, lambda coach, state: coach.fallback(state))
        log.info("unsupported request type", extra={"unsupported_type": request_type(handler_input)})
        return run(handler_input, lambda coach, state: coach.unsupported(state))


class ErrorHandler(AbstractExceptionHandler):
    """Any exception becomes a spoken apology; the state is kept as it was."""

    def can_handle(self, handler_input, exception):
        return True

    def handle(self, handler_input, exception):
        log.exception("unhandled error in skill")
        return run(handler_input, lambda coach, state: coach.error(state))
