"""Answers to the coach's yes/no questions."""

from __future__ import annotations

from ..engine import Coach
from .base import coach_handler

YesHandler = coach_handler("YesHandler", "AMAZON.YesIntent", Coach.yes)
NoHandler = coach_handler("NoHandler", "AMAZON.NoIntent", Coach.no)
