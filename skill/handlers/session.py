"""Help, stop, fallback, session end, and whatever else arrives."""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import IntentRequest

from ..engine import Coach
from .base import coach_handler, request_type, run

log = logging.getLogger(__name__)


HelpHandler = coach_handler("HelpHandler", "AMAZON.HelpIntent", Coach.help)
StopHandler = coach_handler("StopHandler", ("AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent"),
                            Coach.stop)
FallbackHandler = coach_handler("FallbackHandler", "AMAZON.FallbackIntent", Coach.fallback)


class SessionEndedHandler(AbstractRequestHandler):
    """Logged, never spoken: Alexa ignores any speech here."""

    def can_handle(self, handler_input):
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input):
        request = handler_input.request_envelope.request
        reason = getattr(getattr(request, "reason", None), "value", None)
        error = getattr(request, "error", None)
        log.info("session ended", extra={"reason": reason, "error_type": getattr(getattr(error, "object_type", None), "value", None) if error else None})
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
