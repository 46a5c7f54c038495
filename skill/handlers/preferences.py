"""Preferences set by voice: hold length, equipment, reset."""

from __future__ import annotations

from .base import CoachIntentHandler, slot_value


class LongerHoldsHandler(CoachIntentHandler):
    intents = ("LongerHoldsIntent",)

    def act(self, coach, state, handler_input):
        return coach.holds_longer(state)


class ShorterHoldsHandler(CoachIntentHandler):
    intents = ("ShorterHoldsIntent",)

    def act(self, coach, state, handler_input):
        return coach.holds_shorter(state)


class MissingEquipmentHandler(CoachIntentHandler):
    intents = ("MissingEquipmentIntent",)

    def act(self, coach, state, handler_input):
        return coach.lack_equipment(state, slot_value(handler_input, "equipment"))


class HaveEquipmentHandler(CoachIntentHandler):
    intents = ("HaveEquipmentIntent",)

    def act(self, coach, state, handler_input):
        return coach.have_equipment(state, slot_value(handler_input, "equipment"))


class ResetPreferencesHandler(CoachIntentHandler):
    intents = ("ResetPreferencesIntent",)

    def act(self, coach, state, handler_input):
        return coach.reset_preferences(state)
