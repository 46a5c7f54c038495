"""How a stretch is spoken: name and position, setup, movement, timed part.

Pure functions from content to :mod:`skill.speech` segments. Timed parts are
built so that they really last their length: a hold of N seconds is N
seconds of pauses plus spoken cues, measured at the stated speaking rate.
"""

from __future__ import annotations

from functools import lru_cache

from .content import EQUIPMENT, POSITIONS, Stretch, Timing
from .localization import Phrases
from .speech import Mark, Narration, Pause, Say, Segment, duration, speech_seconds

#: Pauses between instructions, in seconds: long enough to act on them.
SETTLE_PAUSE = 3.0
CUE_PAUSE = 1.5
SWITCH_PAUSE = 4.0
MIN_REP_PAUSE = 0.8
COUNTDOWN_GAP = 1.0

#: Marks that bracket each timed part; tests and the timeline use them.
TIMED_START = "timed-start"
TIMED_END = "timed-end"
#: Rest between stretches in hands-free mode, in seconds.
REST_SECONDS = 5
SEGMENT = "segment:"


def hold(seconds: int, p: Phrases) -> list[Segment]:
    """Exactly ``seconds`` of speech plus silence, with cues along the way.

    Cues land at fixed times: halfway (holds of 16 s or more), five seconds
    left (12 s or more), then a three-two-one countdown. Pauses fill the rest.
    """
    cues: list[tuple[float, str]] = []
    if seconds >= 16:
        cues.append((round(seconds / 2.0), p("halfway")))
    if seconds >= 12:
        cues.append((seconds - 5.0, p("five_more")))
    cues += [(seconds - 3.0, p("three")), (seconds - 2.0, p("two")), (seconds - 1.0, p("one"))]
    segments: list[Segment] = [Mark(TIMED_START)]
    t = 0.0
    for at, text in cues:
        if at > t:
            segments.append(Pause(at - t))
            t = at
        segments.append(Say(text))
        t += speech_seconds(text)
    if seconds > t:
        segments.append(Pause(seconds - t))
    segments.append(Mark(TIMED_END))
    return segments


def reps(timing: Timing, p: Phrases) -> list[Segment]:
    """Paced repetitions: each half of a rep is a breath cue and a pause.

    The first two reps speak the whole cue; later ones only its breath part
    ("Breathe in."), so the pace stays even. The last rep is announced.
    """
    segments: list[Segment] = [Mark(TIMED_START)]
    half = timing.rep_seconds / 2.0
    for index in range(timing.reps):
        for cue_number, cue in enumerate(timing.rep_cues):
            text = cue if index < 2 else _breath_part(cue)
            if index == timing.reps - 1 and cue_number == 0 and timing.reps > 2:
                text = f"{p('last_one')} {text}"
            segments.append(Say(text))
            segments.append(Pause(max(MIN_REP_PAUSE, half - speech_seconds(text))))
    segments.append(Mark(TIMED_END))
    return segments


def _breath_part(cue: str) -> str:
    head = cue.split(",", 1)[0].strip().rstrip(".")
    return f"{head}."


def timed_part(stretch: Stretch, p: Phrases, hold_seconds: int | None = None) -> list[Segment]:
    """The timed part for every side, with "switch sides" between them."""
    timing = stretch.timing
    segments: list[Segment] = []
    for side in range(timing.sides):
        if side:
            segments += [Say(p("switch_sides")), Say(p.localise(stretch.switch_cue)), Pause(SWITCH_PAUSE)]
        if timing.kind == "hold":
            seconds = hold_seconds or timing.hold_seconds
            intro = "hold_intro_side" if timing.per_side else "hold_intro"
            segments.append(Say(p(intro, seconds=seconds, breathing=p.localise(stretch.breathing))))
            segments += hold(seconds, p)
            segments.append(Say(p("release")))
        else:
            intro = "reps_intro_side" if timing.per_side else "reps_intro"
            segments.append(Say(p(intro, count=timing.reps)))
            segments += reps(timing, p)
            segments.append(Say(p("reps_done")))
    return segments


def _equipment(stretch: Stretch, p: Phrases) -> list[Segment]:
    if not stretch.equipment:
        return []
    return [Say(p("needs", equipment=p.join(EQUIPMENT[e] for e in stretch.equipment)))]


def _cues(cues: tuple[str, ...], p: Phrases, pause: float) -> list[Segment]:
    segments: list[Segment] = []
    for cue in cues:
        segments += [Say(p.localise(cue)), Pause(pause)]
    return segments


@lru_cache(maxsize=1024)
def stretch(stretch: Stretch, p: Phrases, number: int | None = None, total: int | None = None,
            hold_seconds: int | None = None) -> Narration:
    """The full narration of one stretch, without the closing prompt (memoised: it is pure)."""
    if number and total:
        heading = p("stretch_heading", number=number, total=total, name=stretch.name)
    else:
        heading = p("stretch_heading_single", name=stretch.name.capitalize())
    segments: list[Segment] = [
        Mark(f"stretch:{stretch.id}"),
        Say(p.localise(heading)),
        Say(p("position", position=POSITIONS[stretch.position])),
        *_equipment(stretch, p),
        *_cues(stretch.setup, p, CUE_PAUSE),
        Say(p("get_into_position")),
        Pause(SETTLE_PAUSE),
        *_cues(stretch.movement, p, CUE_PAUSE),
        *timed_part(stretch, p, hold_seconds),
    ]
    return tuple(segments)


@lru_cache(maxsize=256)
def easier(stretch: Stretch, p: Phrases, hold_seconds: int | None = None) -> Narration:
    """The easier variant, then the timed part again so the person does it."""
    return (
        Mark(f"stretch:{stretch.id}"),
        Say(p("easier_intro", variant=p.localise(stretch.easier.name))),
        *_cues(stretch.easier.cues, p, CUE_PAUSE),
        Pause(SETTLE_PAUSE - CUE_PAUSE),
        *timed_part(stretch, p, hold_seconds),
    )


@lru_cache(maxsize=256)
def howto(stretch: Stretch, p: Phrases) -> Narration:
    """How to do a stretch, explained without the timed part."""
    timing = stretch.timing
    side = "_side" if timing.per_side else ""
    if timing.kind == "hold":
        summary = p(f"howto_timing_hold{side}", seconds=timing.hold_seconds)
    else:
        summary = p(f"howto_timing_reps{side}", count=timing.reps)
    return (
        Say(p("stretch_heading_single", name=stretch.name.capitalize())),
        Say(p("howto_targets", targets=p.join(stretch.targets))),
        Say(p("position", position=POSITIONS[stretch.position])),
        *_equipment(stretch, p),
        *_cues(stretch.setup, p, 0.5),
        *_cues(stretch.movement, p, 0.5),
        Say(p.localise(stretch.breathing)),
        Say(summary),
        Say(p("howto_caution", caution=p.localise(stretch.caution))),
    )


def stretch_seconds(s: Stretch, p: Phrases, hold_seconds: int | None = None) -> float:
    """Estimated length of a stretch's narration."""
    return duration(stretch(s, p, 1, 1, hold_seconds))


def rest(next_stretch: Stretch, p: Phrases, seconds: int = REST_SECONDS) -> list[Segment]:
    """A short rest between stretches in hands-free mode, then what comes next."""
    return [Pause(1.0), Say(p("rest", seconds=seconds)), Pause(seconds), Say(p("next_up", name=next_stretch.name)),
            Pause(1.0)]


def segment_mark(index: int) -> Mark:
    """Marks where the part of a response that belongs to stretch ``index`` starts."""
    return Mark(f"{SEGMENT}{index}")
