"""Hands-free mode: keep going without waiting for "next", or go back to step by step."""

from __future__ import annotations

from ..engine import Coach
from .base import coach_handler

HandsFreeHandler = coach_handler("HandsFreeHandler", "HandsFreeIntent", Coach.hands_free, slot="routine")
AlwaysHandsFreeHandler = coach_handler("AlwaysHandsFreeHandler", "AlwaysHandsFreeIntent", Coach.always_hands_free)
StepModeHandler = coach_handler("StepModeHandler", "StepModeIntent", Coach.step_mode)
