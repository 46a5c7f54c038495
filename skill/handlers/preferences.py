"""Preferences set by voice: hold length, how much instruction, sounds, equipment, reset."""

from __future__ import annotations

from ..engine import Coach
from .base import coach_handler

LongerHoldsHandler = coach_handler("LongerHoldsHandler", "LongerHoldsIntent", Coach.holds_longer)
ShorterHoldsHandler = coach_handler("ShorterHoldsHandler", "ShorterHoldsIntent", Coach.holds_shorter)
MissingEquipmentHandler = coach_handler("MissingEquipmentHandler", "MissingEquipmentIntent", Coach.lack_equipment,
                                        slot="equipment")
HaveEquipmentHandler = coach_handler("HaveEquipmentHandler", "HaveEquipmentIntent", Coach.have_equipment,
                                     slot="equipment")
ResetPreferencesHandler = coach_handler("ResetPreferencesHandler", "ResetPreferencesIntent", Coach.reset_preferences)
ShorterInstructionsHandler = coach_handler("ShorterInstructionsHandler", "ShorterInstructionsIntent",
                                           Coach.instructions_brief)
MoreDetailHandler = coach_handler("MoreDetailHandler", "MoreDetailIntent", Coach.instructions_full)
SoundsOffHandler = coach_handler("SoundsOffHandler", "SoundsOffIntent", Coach.sounds_off)
SoundsOnHandler = coach_handler("SoundsOnHandler", "SoundsOnIntent", Coach.sounds_on)
