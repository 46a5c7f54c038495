"""Opening the skill and starting a routine."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import is_request_type

from .base import CoachIntentHandler, run, slot_value


class LaunchHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input):
        return run(handler_input, lambda coach, state: coach.launch(state))


class StartRoutineHandler(CoachIntentHandler):
    intents = ("StartRoutineIntent",)

    def act(self, coach, state, handler_input):
        return coach.start(state, slot_value(handler_input, "routine"))
