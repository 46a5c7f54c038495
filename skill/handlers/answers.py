"""Answers to the coach's yes/no questions."""

from __future__ import annotations

from .base import CoachIntentHandler


class YesHandler(CoachIntentHandler):
    intents = ("AMAZON.YesIntent",)

    def act(self, coach, state, handler_input):
        return coach.yes(state)


class NoHandler(CoachIntentHandler):
    intents = ("AMAZON.NoIntent",)

    def act(self, coach, state, handler_input):
        return coach.no(state)
