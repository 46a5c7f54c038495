"""Questions: where am I, how many are left, what is this one for, how do I do X, what is there, how am I doing."""

from __future__ import annotations

from ..engine import Coach
from .base import coach_handler

WhereAmIHandler = coach_handler("WhereAmIHandler", "WhereAmIIntent", Coach.where_am_i)
HowManyLeftHandler = coach_handler("HowManyLeftHandler", "HowManyLeftIntent", Coach.how_many_left)
HowToHandler = coach_handler("HowToHandler", "HowToIntent", Coach.howto, slot="stretch")
ListRoutinesHandler = coach_handler("ListRoutinesHandler", "ListRoutinesIntent", Coach.list_routines)
ListStretchesHandler = coach_handler("ListStretchesHandler", "ListStretchesIntent", Coach.list_stretches)
ProgressHandler = coach_handler("ProgressHandler", "ProgressIntent", Coach.how_am_i_doing)
AboutStretchHandler = coach_handler("AboutStretchHandler", "AboutStretchIntent", Coach.about_stretch)
