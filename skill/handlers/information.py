"""Questions: where am I, how many are left, how do I do X, what is there."""

from __future__ import annotations

from .base import CoachIntentHandler, slot_value


class WhereAmIHandler(CoachIntentHandler):
    intents = ("WhereAmIIntent",)

    def act(self, coach, state, handler_input):
        return coach.where_am_i(state)


class HowManyLeftHandler(CoachIntentHandler):
    intents = ("HowManyLeftIntent",)

    def act(self, coach, state, handler_input):
        return coach.how_many_left(state)


class HowToHandler(CoachIntentHandler):
    intents = ("HowToIntent",)

    def act(self, coach, state, handler_input):
        return coach.howto(state, slot_value(handler_input, "stretch"))


class ListRoutinesHandler(CoachIntentHandler):
    intents = ("ListRoutinesIntent",)

    def act(self, coach, state, handler_input):
        return coach.list_routines(state)


class ListStretchesHandler(CoachIntentHandler):
    intents = ("ListStretchesIntent",)

    def act(self, coach, state, handler_input):
        return coach.list_stretches(state)


class ProgressHandler(CoachIntentHandler):
    intents = ("ProgressIntent",)

    def act(self, coach, state, handler_input):
        return coach.how_am_i_doing(state)
