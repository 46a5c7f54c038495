"""What a screen shows for one reply, before it is APL: the stretch and its timeline, or a panel.

Every reply carries one of the engine's Show... effects (:mod:`skill.engine.reply`); this turns it into a
:class:`Screen`, in the reply's language. :mod:`skill.presentation` writes the APL for it.

A stretch screen follows the reply as it is spoken: each stretch, each cue, a countdown for each timed part
(a hold, a set of paced repetitions, a rest in hands-free mode), placed with the same estimate
(``speech.segment_seconds``) that places a hands-free barge-in. A panel is everything else: welcome, help,
the lists, routine done, safety advice, goodbye.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import narration
from .content import Library, library_for
from .engine.reply import (
    DONE_MARK,
    Effect,
    ShowDone,
    ShowGoodbye,
    ShowHome,
    ShowRoutines,
    ShowSafety,
    ShowStretch,
    ShowStretches,
)
from .localization import Phrases
from .speech import Mark, Narration, Pause, Say, segment_seconds

#: A pause this long outside a hold gets a countdown too (a rest between stretches).
REST_COUNTDOWN_MIN_SECONDS = 5.0


@dataclass(frozen=True)
class Button:
    """A button: what its tap sends (the UserEvent's arguments), its label and its spoken label, its icon."""

    arguments: tuple[str, ...]
    label: str
    accessibility: str
    icon: str


@dataclass(frozen=True)
class ScreenEvent:
    """Something the screen does ``at`` seconds into the reply: show a stretch, a cue, count down, or show
    the routine done (``text`` its heading, ``place`` its line)."""

    at: float
    kind: str  # "stretch", "cue", "count" or "done"
    text: str = ""
    seconds: int = 0
    stretch: str = ""
    place: str = ""
    short_place: str = ""


@dataclass(frozen=True)
class Screen:
    """What a device with a screen shows for one reply.

    ``kind`` "stretch": ``title`` is the stretch's name, with its place in the routine, the picture of its
    position, the cue, and the timeline. ``kind`` "panel": a heading, a few lines, buttons.
    """

    kind: str
    title: str
    place: str = ""
    short_place: str = ""
    position: str = ""
    position_words: str = ""
    cue: str = ""
    lines: tuple[str, ...] = ()
    buttons: tuple[Button, ...] = ()
    events: tuple[ScreenEvent, ...] = ()
    paused: bool = False


def _title(text: str) -> str:
    return text[:1].upper() + text[1:]


def key_words(text: str, limit: int) -> str:
    """A cue cut to what can be read at a glance within ``limit`` characters: all of it if it fits, else its
    first sentence, or the part of that before a comma, or (no pause to cut at) its first words."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    if len(first) <= limit:
        return first
    cut = max((m.start() for m in re.finditer(r"[,;:](?=\s)", first[:limit + 1])), default=0)
    if cut:  # the last comma that leaves it short enough
        return first[:cut]
    words: list[str] = []
    for word in first.split():
        if len(" ".join([*words, word])) + 1 > limit:
            break
        words.append(word)
    return " ".join(words or [first[:limit - 1]]).rstrip(",;:") + "…"


#: Every button a screen can have, by the first argument its tap sends (the touch handler maps each to the
#: voice intent that does the same; the tests check the two lists agree).
BUTTON_NAMES = ("back", "pause", "resume", "next", "easier", "start", "routines")


def _button(p: Phrases, name: str, icon: str | None = None) -> Button:
    return Button((name,), p(f"button_{name}"), p(f"button_label_{name}"), icon or name)


def stretch_buttons(p: Phrases, paused: bool) -> tuple[Button, ...]:
    """Back, Pause (Resume while paused), Next, Easier: the same calls as saying them."""
    return (_button(p, "back"), _button(p, "resume" if paused else "pause"), _button(p, "next"),
            _button(p, "easier"))


# --- a stretch, as it is spoken ----------------------------------------------------------------------------
def _timed_length(speech: Narration, start: int) -> float:
    """Seconds from the timed-start mark at ``start`` to its timed-end mark."""
    total = 0.0
    for segment in speech[start + 1:]:
        if isinstance(segment, Mark) and segment.name == narration.TIMED_END:
            break
        total += segment_seconds(segment)
    return total


def _places(p: Phrases, routine_name: str, number: int, total: int) -> dict:
    return {"place": p("screen_place", routine=routine_name, number=number, total=total),
            "short_place": p("screen_place_short", number=number, total=total)}


def _marked(name: str, t: float, number: int, shown: ShowStretch, done: ShowDone | None, p: Phrases,
            library: Library) -> ScreenEvent | None:
    """The event a mark starts: a stretch, or the routine done."""
    if name.startswith("stretch:"):
        stretch = library.stretches.get(name.removeprefix("stretch:"))
        if stretch is None:
            return None
        routine = library.routines.get(shown.routine)
        places = _places(p, _title(routine.name) if routine else "", number, shown.total)
        return ScreenEvent(t, "stretch", _title(stretch.name), stretch=stretch.id, **places)
    if name == DONE_MARK and done is not None:
        heading, lines = _done_words(done, p, library)
        return ScreenEvent(t, "done", heading, place=" · ".join(lines))
    return None


def screen_events(speech: Narration, shown: ShowStretch, p: Phrases, library: Library,
                  done: ShowDone | None = None) -> tuple[ScreenEvent, ...]:
    """The screen's timeline for a narration: each stretch, each cue as it is spoken, each countdown, and
    the routine done where a hands-free part reaches its end.

    Words spoken inside a hold (halfway, three, two, one) are not shown: the countdown is.
    """
    events: list[ScreenEvent | None] = []
    t, timed, number = 0.0, False, shown.number
    for index, segment in enumerate(speech):
        if isinstance(segment, Mark):
            if segment.name.startswith(narration.SEGMENT):
                number = int(segment.name.removeprefix(narration.SEGMENT)) + 1
            elif segment.name in (narration.TIMED_START, narration.TIMED_END):
                timed = segment.name == narration.TIMED_START
                if timed:
                    events.append(ScreenEvent(t, "count", seconds=round(_timed_length(speech, index))))
            else:
                events.append(_marked(segment.name, t, number, shown, done, p, library))
        elif isinstance(segment, Say) and not timed:
            events.append(ScreenEvent(t, "cue", " ".join(segment.text.split())))
        elif isinstance(segment, Pause) and not timed and segment.seconds >= REST_COUNTDOWN_MIN_SECONDS:
            events.append(ScreenEvent(t, "count", seconds=round(segment.seconds)))
        t += segment_seconds(segment)
    return tuple(e for e in events if e is not None)


def _stretch_screen(speech: Narration, shown: ShowStretch, done: ShowDone | None, p: Phrases,
                    library: Library) -> Screen | None:
    stretch = library.stretches.get(shown.stretch)
    if stretch is None:
        return None
    routine = library.routines.get(shown.routine)
    places = _places(p, _title(routine.name) if routine else "", shown.number, shown.total)
    events = () if shown.paused else screen_events(speech, shown, p, library, done)
    cue = p("screen_paused") if shown.paused else (p.localise(stretch.brief[0]) if stretch.brief else "")
    return Screen("stretch", _title(stretch.name), position=stretch.position,
                  position_words=p("screen_picture", position=library.positions[stretch.position]),
                  cue=cue, buttons=stretch_buttons(p, shown.paused), events=events, paused=shown.paused, **places)


# --- panels ---------------------------------------------------------------------------------------------------
def _done_words(done: ShowDone, p: Phrases, library: Library) -> tuple[str, tuple[str, ...]]:
    routine = library.routines.get(done.routine)
    lines = [p("screen_done_line")]
    if done.streak >= 2:
        lines.append(p("screen_streak", count=done.streak))
    if done.week:
        lines.append(p("screen_week", count=done.week))
    return p("screen_done_title", routine=_title(routine.name) if routine else ""), tuple(lines)


def _home(shown: ShowHome, p: Phrases, library: Library) -> Screen:
    # The welcome's question offers the default routine when it names none ("shall we start the quick routine?").
    routine = library.routines.get(shown.routine or (library.default_routine if shown.topic == "welcome" else ""))
    if shown.resume:
        line, first = p("screen_resume_line"), _button(p, "resume")
    elif routine is not None:
        line = p("screen_welcome_line", routine=routine.name)
        first = Button(("start", routine.id), p("button_start"), p("button_label_start"), "start")
    else:
        line, first = p("screen_home_line"), Button(("start",), p("button_start"), p("button_label_start"), "start")
    buttons = (first, _button(p, "routines"))
    if shown.topic == "help":
        return Screen("panel", p("screen_help_title"), lines=tuple(p(f"screen_help_{n}") for n in range(1, 5)),
                      buttons=buttons)
    return Screen("panel", p("screen_home_title"), lines=(line,), buttons=buttons)


def _routines(shown: ShowRoutines, p: Phrases, library: Library) -> Screen:
    buttons = []
    for routine_id, seconds in shown.routines:
        routine = library.routines.get(routine_id)
        if routine is None:
            continue
        minutes = max(1, round(seconds / 60))
        buttons.append(Button(("start", routine_id), p("button_routine", name=_title(routine.name), count=minutes),
                              p("button_label_routine", name=routine.name, count=minutes), "start"))
    return Screen("panel", p("screen_routines_title"), buttons=tuple(buttons))


def _stretches(shown: ShowStretches, p: Phrases, library: Library) -> Screen:
    names = tuple(_title(library.stretches[s].name) for s in shown.stretches if s in library.stretches)
    return Screen("panel", p("screen_stretches_title", count=len(names)), lines=names,
                  cue=p("screen_stretches_line"))


def _safety(shown: ShowSafety, p: Phrases, library: Library) -> Screen | None:
    if shown.topic == "red_flag":
        return Screen("panel", p("card_red_flag_title"), lines=(p("red_flag"),))
    condition = library.conditions.get(shown.topic.removeprefix("condition:"))
    if condition is None:
        return None
    return Screen("panel", p("card_condition_title"), lines=(p.localise(condition.advice),))


def screen_for(speech: Narration, effects: tuple[Effect, ...], p: Phrases,
               library: Library | None = None) -> Screen | None:
    """The screen for a reply, from its Show... effect; None if it has none (nothing to show)."""
    library = library or library_for(p.locale)  # the content in the phrases' language
    done = next((e for e in effects if isinstance(e, ShowDone)), None)
    for effect in effects:
        if isinstance(effect, ShowStretch):
            return _stretch_screen(speech, effect, done, p, library)
    for effect in effects:
        if isinstance(effect, ShowDone):
            heading, lines = _done_words(effect, p, library)
            return Screen("panel", heading, lines=lines)
        if isinstance(effect, ShowHome):
            return _home(effect, p, library)
        if isinstance(effect, ShowRoutines):
            return _routines(effect, p, library)
        if isinstance(effect, ShowStretches):
            return _stretches(effect, p, library)
        if isinstance(effect, ShowSafety):
            return _safety(effect, p, library)
        if isinstance(effect, ShowGoodbye):
            return Screen("panel", p("screen_goodbye_title"), lines=(p("screen_goodbye_line"),))
    return None
