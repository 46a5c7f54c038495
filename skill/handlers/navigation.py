"""Moving through a routine: next, previous, repeat, start over, skip, pause, resume."""

from __future__ import annotations

from ..engine import Coach
from .base import coach_handler

NextHandler = coach_handler("NextHandler", "AMAZON.NextIntent", Coach.next)
PreviousHandler = coach_handler("PreviousHandler", "AMAZON.PreviousIntent", Coach.previous)
RepeatHandler = coach_handler("RepeatHandler", "AMAZON.RepeatIntent", Coach.repeat)
StartOverHandler = coach_handler("StartOverHandler", "AMAZON.StartOverIntent", Coach.start_over)
PauseHandler = coach_handler("PauseHandler", "AMAZON.PauseIntent", Coach.pause)
ResumeHandler = coach_handler("ResumeHandler", "AMAZON.ResumeIntent", Coach.resume)
SkipHandler = coach_handler("SkipHandler", "SkipIntent", Coach.skip)
