"""Touch on an Echo Show: a button's UserEvent does exactly what the matching voice intent does.

Each button sends one argument (see ``presentation.BUTTONS``); it is mapped to the voice intent
with the same meaning, and the handler registered for that intent makes the same coach call.
"""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from .. import presentation
from .base import CoachIntentHandler, run

log = logging.getLogger(__name__)

#: Button argument -> the voice intent that does the same thing.
BUTTON_INTENTS = {
    "next": "AMAZON.NextIntent",
    "back": "AMAZON.PreviousIntent",
    "pause": "AMAZON.PauseIntent",
    "resume": "AMAZON.ResumeIntent",
    "easier": "MakeItEasierIntent",
}


def touched(handler_input: HandlerInput) -> str | None:
    """The button pressed on our own screen, or None for anything else (another token, odd arguments)."""
    request = handler_input.request_envelope.request
    token, arguments = getattr(request, "token", None), getattr(request, "arguments", None)
    if token not in (None, presentation.APL_TOKEN) or not isinstance(arguments, list) or not arguments:
        return None
    argument = arguments[0]
    return argument if isinstance(argument, str) and argument in BUTTON_INTENTS else None


class TouchHandler(AbstractRequestHandler):
    """Alexa.Presentation.APL.UserEvent from one of the coach's buttons."""

    def __init__(self, voice_handlers: tuple[CoachIntentHandler, ...]):
        self.by_intent = {intent: h for h in voice_handlers for intent in h.intents}
        missing = set(BUTTON_INTENTS.values()) - set(self.by_intent)
        if missing:
            raise ValueError(f"buttons without a voice handler: {sorted(missing)}")
        if set(BUTTON_INTENTS) != set(presentation.BUTTONS):
            raise ValueError("the screen's buttons and the intents they stand for differ")

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("Alexa.Presentation.APL.UserEvent")(handler_input) and touched(handler_input) is not None

    def handle(self, handler_input: HandlerInput) -> Response:
        button = touched(handler_input)
        voice = self.by_intent[BUTTON_INTENTS[button]]
        log.info("button pressed", extra={"button": button})
        return run(handler_input, lambda coach, state: voice.act(coach, state, handler_input))
