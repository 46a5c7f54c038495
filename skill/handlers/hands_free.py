"""Hands-free mode: keep going without waiting for "next", or go back to step by step."""

from __future__ import annotations

from .base import CoachIntentHandler, slot_value


class HandsFreeHandler(CoachIntentHandler):
    intents = ("HandsFreeIntent",)

    def act(self, coach, state, handler_input):
        return coach.hands_free(state, slot_value(handler_input, "routine"))


class AlwaysHandsFreeHandler(CoachIntentHandler):
    intents = ("AlwaysHandsFreeIntent",)

    def act(self, coach, state, handler_input):
        return coach.always_hands_free(state)


class StepModeHandler(CoachIntentHandler):
    intents = ("StepModeIntent",)

    def act(self, coach, state, handler_input):
        return coach.step_mode(state)
