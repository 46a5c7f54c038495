"""Comfort and safety: make it easier, that hurts."""

from __future__ import annotations

from ..engine import Coach
from .base import coach_handler

EasierHandler = coach_handler("EasierHandler", "MakeItEasierIntent", Coach.easier)
HurtsHandler = coach_handler("HurtsHandler", "ThatHurtsIntent", Coach.hurts)
