"""Comfort and safety: make it easier, that hurts."""

from __future__ import annotations

from .base import CoachIntentHandler


class EasierHandler(CoachIntentHandler):
    intents = ("MakeItEasierIntent",)

    def act(self, coach, state, handler_input):
        return coach.easier(state)


class HurtsHandler(CoachIntentHandler):
    intents = ("ThatHurtsIntent",)

    def act(self, coach, state, handler_input):
        return coach.hurts(state)
