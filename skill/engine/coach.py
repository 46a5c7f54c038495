"""The coach: every conversational decision, with no Alexa types.

:class:`Coach` is the dialogue families put together, one module each:

* :mod:`.navigation`: start, next, back, repeat, skip, pause, resume, finish;
* :mod:`.hands_free`: several stretches per response, and barge-in;
* :mod:`.comfort`: easier, pain, red-flag symptoms, health conditions;
* :mod:`.preferences`: hold length and pace, equipment, reset;
* :mod:`.information`: where am I, how long is left, what is this for, how do I do X;
* :mod:`.conversation`: opening, yes and no, help, stop, not understood;
* :mod:`.habits`: daily reminders, and the day in the person's own time zone.

Questions the coach asks are typed values (:mod:`.questions`) that know their
own answers. Handlers only translate requests into these calls.
"""

from __future__ import annotations

from .comfort import Comfort
from .conversation import RESUME_WINDOW, Conversation
from .habits import Habits
from .hands_free import PART_MAX_CHARS, PART_MAX_SECONDS, TIMELINE_SLACK_SECONDS, HandsFree
from .information import Information
from .navigation import ROUTINE_INTRO_PAUSE, Navigation
from .preferences import PreferenceChanges
from .reply import Reply

__all__ = ["Coach", "Reply", "RESUME_WINDOW", "PART_MAX_CHARS", "PART_MAX_SECONDS", "TIMELINE_SLACK_SECONDS",
           "ROUTINE_INTRO_PAUSE"]


class Coach(Navigation, HandsFree, Comfort, PreferenceChanges, Information, Conversation, Habits):
    """One person's coach for one turn: ``Coach(locale, now).next(state)`` and so on."""
