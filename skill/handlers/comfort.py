"""Comfort and safety: make it easier, that hurts, red-flag symptoms, health conditions."""

from __future__ import annotations

from ..engine import Coach
from .base import coach_handler

EasierHandler = coach_handler("EasierHandler", "MakeItEasierIntent", Coach.easier)
HurtsHandler = coach_handler("HurtsHandler", "ThatHurtsIntent", Coach.hurts)
RedFlagHandler = coach_handler("RedFlagHandler", "RedFlagIntent", Coach.red_flag)
HealthConditionHandler = coach_handler("HealthConditionHandler", "HealthConditionIntent", Coach.health_condition,
                                       slot="condition")

#: Intents whose very name tells something about a person's health: never logged by name.
HEALTH_INTENTS = frozenset({"ThatHurtsIntent", "RedFlagIntent", "HealthConditionIntent"})
