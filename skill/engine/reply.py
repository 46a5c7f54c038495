"""What one turn of the coach produces: speech, and effects for the device.

A :class:`Reply` carries speech (``Narration`` data, not SSML), the reprompt,
whether the session ends, the new state, and *effects*: things the device
should do besides speaking, as plain engine data. The handler layer is the
only place that turns an effect into an SDK directive or card, so the engine
stays free of Alexa types and new device features (screens, reminders,
permission requests) arrive as new effect types, not new reply shapes.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..speech import Narration
from .state import CoachState


@dataclass(frozen=True)
class Effect:
    """Something for the device to do besides speaking."""


@dataclass(frozen=True)
class ShowStretch(Effect):
    """Show the stretch being coached: its id, and where it is in the routine (1-based)."""

    stretch: str
    number: int
    total: int
    routine: str
    #: The person paused here: a screen offers Resume rather than Pause.
    paused: bool = False
    #: The reply coaches this stretch (an app card shows it); False: it only says where the person is.
    narrated: bool = True


@dataclass(frozen=True)
class ShowSafety(Effect):
    """Show the safety advice that was just spoken (red-flag symptoms, a health condition)."""

    topic: str


# Screens for the answers outside a stretch. Every reply carries one Show... effect (see CoachCore._shown),
# so a device with a screen never keeps an old stretch up after the conversation moved on.

@dataclass(frozen=True)
class ShowHome(Effect):
    """The coach's own screen outside a routine: ``topic`` "welcome", "help" or "" (any other answer);
    ``routine`` is the routine a waiting question offers, ``resume`` whether it offers to carry on."""

    topic: str = ""
    routine: str | None = None
    resume: bool = False


@dataclass(frozen=True)
class ShowRoutines(Effect):
    """The routines, each with its length for this person: (routine id, seconds)."""

    routines: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class ShowStretches(Effect):
    """The stretches the coach knows, by id."""

    stretches: tuple[str, ...]


@dataclass(frozen=True)
class ShowDone(Effect):
    """A routine finished: which, the days in a row and the routines this week, counting this one."""

    routine: str
    streak: int
    week: int


@dataclass(frozen=True)
class ShowGoodbye(Effect):
    """The session ends (stop, goodbye): a plain screen, with no stretch and no live buttons."""


#: Effects that say what a screen shows: one in a reply (a hands-free part that ends the routine carries
#: ShowStretch for its stretches and ShowDone for the end).
SCREEN_EFFECTS = (ShowStretch, ShowSafety, ShowHome, ShowRoutines, ShowStretches, ShowDone, ShowGoodbye)
#: A mark in a reply's speech where a routine's end is spoken (a hands-free part that finishes the routine
#: shows its stretches as they play, then the routine done from here).
DONE_MARK = "routine-done"


@dataclass(frozen=True)
class ForgetPerson(Effect):
    """Delete everything stored about this person (their place, preferences and progress), at their request.

    The reply that carries it also carries a fresh state, which must not be written back: the store
    layer deletes the record instead of saving, so the next session starts as a new person's.
    """


@dataclass(frozen=True)
class ForgetAccount(Effect):
    """Delete every record of the Alexa account: its own and each recognised person's. Alexa says the
    person disabled the skill (``AlexaSkillEvent.SkillDisabled``); there is no reply to speak, and the
    store layer carries this out."""


@dataclass(frozen=True)
class SetReminder(Effect):
    """Set a daily reminder to stretch at ``hour:minute``, the person's local time, saying ``text``
    (a service call)."""

    hour: int
    minute: int
    text: str = ""


@dataclass(frozen=True)
class ListReminders(Effect):
    """Read the daily reminders this skill set (a service call)."""


@dataclass(frozen=True)
class CancelReminders(Effect):
    """Delete the reminders this skill set (a service call)."""


#: Effects the handler layer carries out by calling an Alexa API, then hands back with an outcome.
SERVICE_EFFECTS = (SetReminder, ListReminders, CancelReminders)


@dataclass(frozen=True)
class AskPermission(Effect):
    """Ask Alexa to ask the person for the reminders permission (for a reminder at ``hour:minute``).

    Alexa speaks the question itself after the reply's speech and answers with a new request.
    """

    hour: int
    minute: int


@dataclass(frozen=True)
class ReminderOutcome:
    """What came of a service effect: "created", "listed", "cancelled" (with the reminders' times),
    "no_permission", "full", "no_zone" or "failed"; or, from Alexa's permission question, "denied"
    or "not_answered"."""

    status: str
    times: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Reply:
    speech: Narration
    reprompt: Narration | None
    end_session: bool
    state: CoachState
    effects: tuple[Effect, ...] = ()
