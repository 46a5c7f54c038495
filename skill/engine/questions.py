"""The questions the coach asks, as small typed values.

A question waits in ``CoachState.pending`` until the person answers it. It
knows its own answers: what "yes", "no" and "next" (or "okay", "continue",
"keep going") do, and how to ask it again after a mishearing or a side
question ("how many are left?"). The coach calls these; nothing else looks
inside a question.

Every question is a frozen dataclass with a ``kind`` and plain fields, so it
serialises to a tiny JSON object in the session (``{"q": "skip_forever",
"stretch": "cat_cow"}``) and :func:`decode` reads it back leniently.

Each question below lists, in ``ANSWERS``, what a person would answer it
with; tests check every one of those answers is in the phrase corpus and
does the right thing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import TYPE_CHECKING, Any, ClassVar, Mapping

from ..speech import Narration, says

if TYPE_CHECKING:  # pragma: no cover
    from .coach import Coach
    from .reply import Reply
    from .state import CoachState


@dataclass(frozen=True)
class Question:
    kind: ClassVar[str] = ""
    #: "repeat" asks the question again (True), or repeats the stretch as usual (False).
    repeat_asks: ClassVar[bool] = True

    def yes(self, coach: "Coach", state: "CoachState") -> "Reply":
        raise NotImplementedError

    def no(self, coach: "Coach", state: "CoachState") -> "Reply":
        raise NotImplementedError

    def next(self, coach: "Coach", state: "CoachState") -> "Reply":
        """"Next", "okay", "continue", "keep going": yes, unless the question says otherwise."""
        return self.yes(coach, state)

    def ask(self, coach: "Coach", state: "CoachState") -> Narration:
        """The question again, on its own (after a fallback, a side question or "repeat")."""
        raise NotImplementedError

    def reprompt(self, coach: "Coach", state: "CoachState") -> Narration:
        return self.ask(coach, state)

    @property
    def offered_routine(self) -> str | None:
        """The routine this question offers, which "let's start" or "start over" then means."""
        return None

    def to_dict(self) -> dict[str, Any]:
        return {"q": self.kind, **asdict(self)}


@dataclass(frozen=True)
class StartRoutine(Question):
    """"Shall we start the quick routine?" (at launch), or "start it again from the top?" (a stale place)."""

    kind: ClassVar[str] = "start"
    routine: str | None = None
    #: An unfinished routine from an earlier day, offered again from the top.
    again: bool = False

    @property
    def offered_routine(self) -> str | None:
        return self.routine

    def yes(self, coach, state):
        return coach.start(state, self.routine)

    def no(self, coach, state):
        return coach.choose_instead(state, None)

    def ask(self, coach, state):
        return says(coach.p("ask_start_again" if self.again else "ask_start", routine=coach.routine_name(self.routine)))

    def reprompt(self, coach, state):
        return says(coach.p("launch_reprompt", routine=coach.routine_name(self.routine)))


@dataclass(frozen=True)
class ChooseRoutine(Question):
    """"Which one would you like?": answered by a routine's name (a StartRoutineIntent), or yes/no.

    ``default`` is the routine "yes" or "next" starts; in a routine (``carry_on``), "next"
    carries on with it instead.
    """

    kind: ClassVar[str] = "choose"
    default: str | None = None
    carry_on: bool = False

    @property
    def offered_routine(self) -> str | None:
        return self.default

    def yes(self, coach, state):
        if self.default or not self.carry_on:
            return coach.start(state, self.default)
        return coach.next(state)

    def no(self, coach, state):
        if self.carry_on:
            return coach.carry_on(state)
        return coach.nothing_chosen(state)

    def next(self, coach, state):
        return coach.next(state) if self.carry_on else self.yes(coach, state)

    def ask(self, coach, state):
        if self.carry_on:
            return says(coach.p("choose_or_carry_on", routines=coach.routine_names(),
                                name=coach.current_name(state)))
        if self.default:
            return says(coach.p("choose_with_default", routine=coach.routine_name(self.default),
                                routines=coach.routine_names()))
        return says(coach.p("choose_routine", routines=coach.routine_names()))


@dataclass(frozen=True)
class Resume(Question):
    """"You were on stretch 3 of 5 ... Shall we carry on?"."""

    kind: ClassVar[str] = "resume"

    def yes(self, coach, state):
        return coach.pick_up(state)

    def no(self, coach, state):
        return coach.choose_instead(state, state.routine)

    def ask(self, coach, state):
        name, number, total = coach.place(state)
        return says(coach.p("ask_resume", name=name, number=number, total=total))

    def reprompt(self, coach, state):
        return says(coach.p("resume_reprompt"))


@dataclass(frozen=True)
class HurtOptions(Question):
    """After "that hurts": skip it, an easier version, or stop for today. Never the same stretch again by itself."""

    kind: ClassVar[str] = "hurt"
    stretch: str = ""

    def yes(self, coach, state):
        return coach.skip(state, ask_leave_out=True)

    def no(self, coach, state):
        return coach.rest_on_hurt(state)

    def next(self, coach, state):
        return coach.skip(state, ask_leave_out=True)

    def ask(self, coach, state):
        return says(coach.p("offer_hurt_options", name=coach.stretch_name(self.stretch)))

    def reprompt(self, coach, state):
        return says(coach.p("offer_hurt_options_reprompt"))


@dataclass(frozen=True)
class LeaveOut(Question):
    """After a skip, a side question: leave this stretch out from now on? "Next" passes over it."""

    kind: ClassVar[str] = "leave_out"
    stretch: str = ""

    def yes(self, coach, state):
        return coach.leave_out(state, self.stretch)

    def no(self, coach, state):
        return coach.go_on(state, self.stretch, coach.p("skip_today"))

    def next(self, coach, state):
        return coach.go_on(state, self.stretch)

    def ask(self, coach, state):
        return says(coach.p("offer_leave_out", name=coach.stretch_name(self.stretch)))

    def reprompt(self, coach, state):
        return says(coach.p("offer_leave_out_reprompt", name=coach.stretch_name(self.stretch)))


@dataclass(frozen=True)
class GoOn(Question):
    """"Shall we go on with <stretch>?": the place moved without narrating (a stretch was left out)."""

    kind: ClassVar[str] = "go_on"

    def yes(self, coach, state):
        return coach.go_on(state, None)

    def no(self, coach, state):
        return coach.carry_on(state)

    def ask(self, coach, state):
        return says(coach.p("ask_go_on", name=coach.current_name(state)))


@dataclass(frozen=True)
class NextPart(Question):
    """Hands-free: "Ready for the next part?"."""

    kind: ClassVar[str] = "next_part"
    repeat_asks: ClassVar[bool] = False

    def yes(self, coach, state):
        return coach.next(state)

    def no(self, coach, state):
        return coach.pause(state)

    def ask(self, coach, state):
        return says(coach.p("part_end"))

    def reprompt(self, coach, state):
        return says(coach.p("part_reprompt"))


@dataclass(frozen=True)
class ResetPreferences(Question):
    kind: ClassVar[str] = "reset"

    def yes(self, coach, state):
        return coach.reset_confirmed(state)

    def no(self, coach, state):
        return coach.reset_declined(state)

    def ask(self, coach, state):
        return says(coach.p("reset_ask"))

    def reprompt(self, coach, state):
        return says(coach.p("reset_reprompt"))


@dataclass(frozen=True)
class DeleteData(Question):
    """"Shall I delete it?": the person's whole record (place, preferences, progress). Only a yes deletes;
    "next", "okay" or "continue" are not a yes to this, so they ask again."""

    kind: ClassVar[str] = "delete"

    def yes(self, coach, state):
        return coach.delete_confirmed(state)

    def no(self, coach, state):
        return coach.delete_declined(state)

    def next(self, coach, state):
        return coach._question(state, says(coach.p("delete_needs_yes")), self)

    def ask(self, coach, state):
        return says(coach.p("delete_ask"))

    def reprompt(self, coach, state):
        return says(coach.p("delete_reprompt"))


@dataclass(frozen=True)
class ReminderTime(Question):
    """"What time each day?": the answer is a time ("at 8 am"), which sets the reminder."""

    kind: ClassVar[str] = "reminder_time"

    def yes(self, coach, state):
        return coach._question(state, (), self)

    def no(self, coach, state):
        return coach._then_carry_on(replace(state, pending=None), says(coach.p("reminder_not_set")))

    def next(self, coach, state):
        return self.no(coach, state)

    def ask(self, coach, state):
        return says(coach.p("reminder_time_ask"))

    def reprompt(self, coach, state):
        return says(coach.p("reminder_time_reprompt"))


@dataclass(frozen=True)
class OfferReminder(Question):
    """"Shall I remind you to stretch every day at 6 PM?" (once, after a second finished routine).

    ``time`` is "HH:MM", the person's local time, or "" when their time zone isn't known (a time read
    off a UTC clock would be wrong): then a yes asks what time. A no is remembered: no second offer.
    """

    kind: ClassVar[str] = "offer_reminder"
    time: str = ""

    def _when(self) -> tuple[int, int] | None:
        hour, _, minute = self.time.partition(":")
        if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
            return None
        return int(hour), int(minute)

    def yes(self, coach, state):
        when = self._when()
        return coach._set(state, *when) if when else coach._question(state, (), ReminderTime())

    def no(self, coach, state):
        return coach.reminder_declined(state)

    def next(self, coach, state):
        return self.no(coach, state)

    def ask(self, coach, state):
        when = self._when()
        if when is None:
            return says(coach.p("reminder_offer_any_time"))
        return says(coach.p("reminder_offer", time=coach.spoken_time(*when)))

    def reprompt(self, coach, state):
        when = self._when()
        if when is None:
            return says(coach.p("reminder_offer_any_time_reprompt"))
        return says(coach.p("reminder_offer_reprompt", time=coach.spoken_time(*when)))


QUESTIONS: dict[str, type[Question]] = {
    cls.kind: cls for cls in (StartRoutine, ChooseRoutine, Resume, HurtOptions, LeaveOut, GoOn, NextPart,
                              ResetPreferences, DeleteData, ReminderTime, OfferReminder)
}

#: What a person would say to each question (phrases from tests/corpus), and the intent each becomes.
ANSWERS: dict[str, tuple[str, ...]] = {
    "start": ("yes please", "sure", "okay sure", "yeah let's do it", "no thanks", "not right now",
              "no start the gentle routine", "the hips one", "okay i'm ready"),
    "choose": ("hips", "gentle", "mid back", "the quick one", "the gentle one please", "yes", "no thanks"),
    "resume": ("yes please", "let's carry on", "no thanks", "no start the gentle routine", "from the top"),
    "hurt": ("yes", "skip it", "can you make it easier", "no", "that's enough for today", "okay", "keep going",
             "next"),
    "leave_out": ("yes please", "no thanks", "next", "okay i'm ready"),
    "go_on": ("yes", "okay i'm ready", "not right now"),
    "next_part": ("yes", "okay i'm ready", "hold on a sec", "no thanks"),
    "reset": ("yes please", "no thanks"),
    "delete": ("yes please", "sure", "no thanks", "not right now"),
    "reminder_time": ("at eight am", "make it seven thirty in the morning", "no thanks"),
    "offer_reminder": ("yes please", "sure", "no thanks", "not right now"),
}
assert set(ANSWERS) == set(QUESTIONS)


#: Longest string a question field (a stretch or routine id) may hold when read from a session.
MAX_FIELD_CHARS = 64


def encode(question: Question | None) -> dict[str, Any] | None:
    return None if question is None else question.to_dict()


#: The string forms sessions carried before questions were typed (sessions in flight at a deploy).
_LEGACY = {"start": StartRoutine(), "resume": Resume(), "reset": ResetPreferences(), "continue": NextPart()}


def decode(raw: Any) -> Question | None:
    """A question from the session; raises TypeError/ValueError for anything odd (the caller drops it)."""
    if raw is None:
        return None
    if isinstance(raw, str):
        return _decode_legacy(raw)
    if not isinstance(raw, Mapping):
        raise TypeError("expected an object")
    cls = QUESTIONS.get(raw.get("q"))  # type: ignore[arg-type]
    if cls is None:
        raise ValueError("unknown question")
    return cls(**_decode_fields(cls, raw))


def _decode_legacy(raw: str) -> Question:
    """A question from its string form in a session from before questions were typed ("start", "skip:<stretch id>")."""
    if len(raw) > MAX_FIELD_CHARS:
        raise ValueError("too long")
    kind, _, arg = raw.partition(":")
    if raw in _LEGACY:
        return _LEGACY[raw]
    legacy = {"start": lambda: StartRoutine(arg, again=True), "skip": lambda: HurtOptions(arg),
              "skip_forever": lambda: LeaveOut(arg)}
    if kind in legacy and arg:
        return legacy[kind]()
    raise ValueError("unknown question")


def _decode_fields(cls: type, raw: Mapping) -> dict[str, Any]:
    """The fields of question class ``cls`` present in ``raw``, each checked for its type and length."""
    values = {}
    for f in fields(cls):
        value = raw.get(f.name)
        if value is None:
            continue
        wanted = bool if str(f.type) == "bool" else str
        if type(value) is not wanted:
            raise TypeError(f"{f.name}: expected {wanted.__name__}")
        if isinstance(value, str) and len(value) > MAX_FIELD_CHARS:
            raise ValueError(f"{f.name}: too long")
        values[f.name] = value
    return values
