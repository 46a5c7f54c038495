"""Opening the skill and starting a routine."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import is_request_type

from ..engine import Coach
from .base import coach_handler, run


class LaunchHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input):
        return run(handler_input, lambda coach, state: coach.launch(state))


StartRoutineHandler = coach_handler("StartRoutineHandler", "StartRoutineIntent", Coach.start, slot="routine")
