"""Moving through a routine: next, previous, repeat, start over, pause, resume."""

from __future__ import annotations

from .base import CoachIntentHandler


class NextHandler(CoachIntentHandler):
    intents = ("AMAZON.NextIntent",)

    def act(self, coach, state, handler_input):
        return coach.next(state)


class PreviousHandler(CoachIntentHandler):
    intents = ("AMAZON.PreviousIntent",)

    def act(self, coach, state, handler_input):
        return coach.previous(state)


class RepeatHandler(CoachIntentHandler):
    intents = ("AMAZON.RepeatIntent",)

    def act(self, coach, state, handler_input):
        return coach.repeat(state)


class StartOverHandler(CoachIntentHandler):
    intents = ("AMAZON.StartOverIntent",)

    def act(self, coach, state, handler_input):
        return coach.start_over(state)


class PauseHandler(CoachIntentHandler):
    intents = ("AMAZON.PauseIntent",)

    def act(self, coach, state, handler_input):
        return coach.pause(state)


class ResumeHandler(CoachIntentHandler):
    intents = ("AMAZON.ResumeIntent",)

    def act(self, coach, state, handler_input):
        return coach.resume(state)
