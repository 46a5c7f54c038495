"""Preferences set by voice: hold length, equipment, reset."""

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
