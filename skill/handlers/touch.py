"""Touch on an Echo Show: a button's UserEvent does exactly what the matching voice intent does.

Each button sends one argument (:func:`skill.screens.stretch_buttons` and the panels), and a routine on
the list a second one, its id; the first is mapped to the voice intent with the same meaning, and the handler
registered for that intent makes the same coach call.
"""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from .. import presentation
from ..content import LIBRARY
from .base import CoachIntentHandler, run

log = logging.getLogger(__name__)

#: Button argument -> the voice intent that does the same thing.
BUTTON_INTENTS = {
    "next": "AMAZON.NextIntent",
    "back": "AMAZON.PreviousIntent",
    "pause": "AMAZON.PauseIntent",
    "resume": "AMAZON.ResumeIntent",
    "easier": "MakeItEasierIntent",
    "start": "StartRoutineIntent",
    "routines": "ListRoutinesIntent",
}


def touched(handler_input: HandlerInput) -> tuple[str, str | None] | None:
    """The button pressed on our own screen and the routine it names ("start", "hips"), or None for anything
    else (another token, odd arguments, a routine the coach doesn't know)."""
    request = handler_input.request_envelope.request
    token, arguments = getattr(request, "token", None), getattr(request, "arguments", None)
    if token not in (None, presentation.APL_TOKEN) or not isinstance(arguments, list) or not 0 < len(arguments) < 3:
        return None
    button, routine = arguments[0], arguments[1] if len(arguments) == 2 else None
    if not isinstance(button, str) or button not in BUTTON_INTENTS:
        return None
    if routine is not None and (button != "start" or not isinstance(routine, str) or routine not in LIBRARY.routines):
        return None
    return button, routine


class TouchHandler(AbstractRequestHandler):
    """Alexa.Presentation.APL.UserEvent from one of the coach's buttons."""

    def __init__(self, voice_handlers: tuple[CoachIntentHandler, ...]):
        self.by_intent = {intent: h for h in voice_handlers for intent in h.intents}
        missing = set(BUTTON_INTENTS.values()) - set(self.by_intent)
        if missing:
            raise ValueError(f"buttons without a voice handler: {sorted(missing)}")

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("Alexa.Presentation.APL.UserEvent")(handler_input) and touched(handler_input) is not None

    def handle(self, handler_input: HandlerInput) -> Response:
        button, routine = touched(handler_input)
        log.info("button pressed", extra={"button": button})
        if routine is not None:  # a routine on the list: what "start the hips routine" does
            return run(handler_input, lambda coach, state: coach.start(state, routine))
        voice = self.by_intent[BUTTON_INTENTS[button]]
        return run(handler_input, lambda coach, state: voice.act(coach, state, handler_input))
