"""The routine engine: pure Python, no Alexa types.

A :class:`Plan` (a routine made concrete) plus a small serialisable
:class:`CoachState` gives the next :class:`Reply`.
"""

from .coach import Coach, Reply
from .plan import Plan, plan_for
from .state import CoachState

__all__ = ["Coach", "CoachState", "Plan", "Reply", "plan_for"]
