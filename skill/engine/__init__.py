"""The routine engine: pure Python, no Alexa types.

A :class:`Plan` (a routine made concrete) plus a small serialisable
:class:`CoachState` gives the next :class:`Reply`.
"""

from .coach import Coach
from .plan import Plan, plan_for
from .reply import Effect, Reply, ShowSafety, ShowStretch
from .state import CoachState

__all__ = ["Coach", "CoachState", "Effect", "Plan", "Reply", "ShowSafety", "ShowStretch", "plan_for"]
