"""How a stretch is spoken: name and position, setup, movement, timed part.

Pure functions from content to :mod:`skill.speech` segments. Timed parts are
built so that they really last their length: a hold of N seconds is N
seconds of pauses plus spoken cues, measured at the language's speaking rate
(``Phrases.words_per_minute``). Content comes in the language of the phrases:
positions and equipment from the locale's library (:func:`skill.content.library_for`).
"""

from __future__ import annotations

from functools import lru_cache

from .content import Library, Stretch, Timing, library_for
from .content.schema import MAX_HOLD_SECONDS, MIN_HOLD_SECONDS
from .localization import Phrases
from .speech import Mark, Narration, Pause, Say, Segment, Sound, duration, speech_seconds

#: Pauses between instructions, in seconds: long enough to act on them.
SETTLE_PAUSE = 3.0
CUE_PAUSE = 1.5
#: Silence while changing sides, in all, shared out between the switch steps (a review asked for 6 to 8 s).
SWITCH_SECONDS = 7.0
MIN_SWITCH_STEP_PAUSE = 1.5
MIN_REP_PAUSE = 0.8
COUNTDOWN_GAP = 1.0
#: Rest between repeated holds of one stretch.
REPEAT_REST_SECONDS = 5

#: Marks that bracket each timed part; tests and the timeline use them.
TIMED_START = "timed-start"
TIMED_END = "timed-end"
#: Rest between stretches in hands-free mode, in seconds: longer to change position, longer still to
#: fetch equipment (a person on the floor with eyes closed needs the time).
REST_SECONDS = 5
POSITION_CHANGE_REST_SECONDS = 10
EQUIPMENT_REST_SECONDS = 15
SEGMENT = "segment:"
#: Sounds from Alexa's sound library, so a person with closed eyes hears, without counting, when a hold ends
#: and when to switch sides. The seconds are the time the timeline allows each clip (short chimes; Amazon's
#: sound library lists their lengths, which could not be checked from here).
HOLD_END_SOUND = Sound("soundbank://soundlibrary/musical/amzn_sfx_bell_short_chime_01", 1.0)
SWITCH_SOUND = Sound("soundbank://soundlibrary/musical/amzn_sfx_bell_med_chime_02", 1.5)
SOUND_SECONDS = {s.url: s.seconds for s in (HOLD_END_SOUND, SWITCH_SOUND)}
#: What each clip marks, for transcripts and previews (the chat simulator shows "[sound: end of hold]").
SOUND_NAMES = {HOLD_END_SOUND.url: "end of hold", SWITCH_SOUND.url: "switch sides"}
#: Ways of saying "take a moment to get into position", so a routine doesn't repeat one sentence.
GET_INTO_POSITION = ("get_into_position", "get_into_position_2", "get_into_position_3")


def hold(seconds: int, p: Phrases, kind: str = "hold") -> list[Segment]:
    """Exactly ``seconds`` of speech plus silence, with cues along the way.

    Cues land at fixed times: halfway (holds of 16 s or more), five seconds
    left (12 s or more), then a three-two-one countdown. Pauses fill the rest.
    """
    cues: list[tuple[float, str]] = []
    if seconds >= 16:
        cues.append((round(seconds / 2.0), p("halfway_roll" if kind == "roll" else "halfway")))
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
        t += speech_seconds(text, p.words_per_minute)
    if seconds > t:
        segments.append(Pause(seconds - t))
    segments.append(Mark(TIMED_END))
    return segments


def reps(timing: Timing, p: Phrases, tempo: float = 1.0) -> list[Segment]:
    """Paced repetitions: each half of a rep is a breath cue and a pause.

    The first two reps speak the whole cue; later ones only its short breath part
    ("Breathe in.", written out in the content), so the pace stays even. The last rep is announced.
    """
    segments: list[Segment] = [Mark(TIMED_START)]
    half = timing.rep_seconds * tempo / 2.0
    for index in range(timing.reps):
        for cue_number, cue in enumerate(timing.rep_cues):
            text = p.localise(cue.say if index < 2 else cue.short)
            if index == timing.reps - 1 and cue_number == 0 and timing.reps > 2:
                text = f"{p('last_one')} {text}"
            segments.append(Say(text))
            segments.append(Pause(max(MIN_REP_PAUSE, half - speech_seconds(text, p.words_per_minute))))
    segments.append(Mark(TIMED_END))
    return segments


def switch(steps: tuple[str, ...], p: Phrases, sounds: bool = True) -> list[Segment]:
    """"Switch sides", then each short step with time to do it: SWITCH_SECONDS of silence in all.

    ``sounds``: a chime first (off at the person's request: the words alone).
    """
    pause = max(MIN_SWITCH_STEP_PAUSE, SWITCH_SECONDS / max(len(steps), 1))
    segments: list[Segment] = [SWITCH_SOUND] if sounds else []
    segments.append(Say(p("switch_sides")))
    for step in steps:
        segments += [Say(p.localise(step)), Pause(pause)]
    return segments


def _variant_seconds(variant: Timing, stretch: Stretch, hold_seconds: int | None) -> int:
    """A variant's own hold, moved by the same amount as the person's preference moved the main hold."""
    offset = (hold_seconds - stretch.timing.hold_seconds) if hold_seconds and stretch.timing.timed else 0
    return min(max(variant.hold_seconds + offset, MIN_HOLD_SECONDS), MAX_HOLD_SECONDS)


def timed_part(stretch: Stretch, p: Phrases, hold_seconds: int | None = None, easier: bool = False,
               tempo: float = 1.0, repeats: int | None = None, brief: bool = False,
               sounds: bool = True) -> list[Segment]:
    """The timed part for every side, naming the side, with the switch steps between them.

    ``easier`` uses the easier variant's own timing and switch steps where it has them; ``repeats``
    overrides how many holds each side gets (a short routine does one). ``sounds``: the chimes at each
    hold's end and before "switch sides" (without them a hold lasts just as long; only the clips go).
    """
    timing, steps = stretch.timing, stretch.switch
    if easier and stretch.easier.timing is not None:
        timing = stretch.easier.timing
        hold_seconds = _variant_seconds(timing, stretch, hold_seconds) if timing.timed else None
        steps = stretch.easier.switch or steps
    sides = (stretch.first_side, stretch.second_side) if timing.per_side else (None,)
    breathing = "" if brief else p.localise(stretch.breathing)  # a person who knows it needs no reminder
    segments: list[Segment] = []
    for number, side in enumerate(sides):
        if number:
            segments += switch(steps, p, sounds)
        if timing.timed:
            seconds = hold_seconds or timing.hold_seconds
            verb = timing.kind  # "hold" or "roll": the phrases say which
            for repeat in range(repeats if repeats is not None else timing.repeats):
                if repeat:
                    segments += [Say(p("repeat_rest")), Pause(REPEAT_REST_SECONDS)]
                    segments.append(Say(p(f"{verb}_again", seconds=seconds)))
                elif side:
                    segments.append(Say(p(f"{verb}_intro_side", seconds=seconds, side=p(side),
                                          breathing=breathing).strip()))
                else:
                    segments.append(Say(p(f"{verb}_intro", seconds=seconds, breathing=breathing).strip()))
                segments += hold(seconds, p, verb)
                if sounds:
                    segments.append(HOLD_END_SOUND)
                segments.append(Say(p("release" if verb == "hold" else "roll_done")))
        else:
            intro = (p("reps_intro_side", count=timing.reps, side=p(side)) if side
                     else p("reps_intro", count=timing.reps))
            segments.append(Say(intro))
            segments += reps(timing, p, tempo)
            segments.append(Say(p("reps_done")))
    return segments


def _library(p: Phrases) -> Library:
    """The content in the phrases' language (positions and equipment as said there)."""
    return library_for(p.locale)


def _equipment_names(stretch: Stretch, p: Phrases, missing: tuple[str, ...] = ()) -> str:
    """The stretch's equipment as spoken, with what to use from home for what the person lacks."""
    library = _library(p)
    return p.join(library.alternatives[e] if e in missing and e in library.alternatives
                  else library.spoken_equipment[e] for e in stretch.equipment)


def _equipment(stretch: Stretch, p: Phrases, missing: tuple[str, ...] = ()) -> list[Segment]:
    """What to have ready, said at the stretch."""
    return [Say(p("needs", equipment=_equipment_names(stretch, p, missing)))] if stretch.equipment else []


def _cues(cues: tuple[str, ...], p: Phrases, pause: float) -> list[Segment]:
    segments: list[Segment] = []
    for cue in cues:
        segments += [Say(p.localise(cue)), Pause(pause)]
    return segments


@lru_cache(maxsize=1024)
def stretch(stretch: Stretch, p: Phrases, number: int | None = None, total: int | None = None,
            hold_seconds: int | None = None, brief: bool = False, easier: bool = False,
            tempo: float = 1.0, missing: tuple[str, ...] = (), repeats: int | None = None,
            sounds: bool = True) -> Narration:
    """The narration of one stretch, without the closing prompt (memoised: it is pure).

    ``brief``: for a person who knows it, the two key cues instead of the setup and movement.
    ``easier``: the easier variant throughout (the gentle routine). The caution is always spoken,
    where it matters: after the setup cues, or after the movement cues. ``sounds``: False leaves out
    the chimes (the person said "no sounds").
    """
    if number and total:
        heading = p("stretch_heading", number=number, total=total, name=stretch.name)
    else:
        heading = p("stretch_heading_single", name=stretch.name.capitalize())
    caution = [Say(p("caution", caution=p.localise(stretch.caution)))]
    segments: list[Segment] = [
        Mark(f"stretch:{stretch.id}"),
        Say(p.localise(heading)),
        Say(p("position", position=_library(p).positions[stretch.position])),
        *_equipment(stretch, p, missing),
    ]
    if brief:
        segments += [*_cues(stretch.brief, p, CUE_PAUSE), *caution]
    else:
        segments += _cues(stretch.setup, p, CUE_PAUSE)
        if stretch.caution_at == "setup":
            segments += caution
        settle = GET_INTO_POSITION[sum(map(ord, stretch.id)) % len(GET_INTO_POSITION)]  # varied, and stable
        segments += [Say(p(settle)), Pause(SETTLE_PAUSE), *_cues(stretch.movement, p, CUE_PAUSE)]
        if stretch.caution_at == "movement":
            segments += caution
    if easier:
        segments += [Say(p("easier_intro", variant=p.localise(stretch.easier.name))),
                     *_cues(stretch.easier.cues, p, CUE_PAUSE)]
    segments += timed_part(stretch, p, hold_seconds, easier, tempo, repeats, brief, sounds)
    return tuple(segments)


@lru_cache(maxsize=256)
def easier(stretch: Stretch, p: Phrases, hold_seconds: int | None = None, sounds: bool = True) -> Narration:
    """The easier variant, then its timed part, so the person does it (``sounds``: with the chimes)."""
    return (
        Mark(f"stretch:{stretch.id}"),
        Say(p("easier_intro", variant=p.localise(stretch.easier.name))),
        *_cues(stretch.easier.cues, p, CUE_PAUSE),
        Pause(SETTLE_PAUSE - CUE_PAUSE),
        *timed_part(stretch, p, hold_seconds, easier=True, sounds=sounds),
    )


@lru_cache(maxsize=256)
def howto(stretch: Stretch, p: Phrases) -> Narration:
    """How to do a stretch, explained without the timed part."""
    timing = stretch.timing
    side = "_side" if timing.per_side else ""
    if timing.timed:
        summary = p(f"howto_timing_hold{side}", seconds=timing.hold_seconds)
    else:
        summary = p(f"howto_timing_reps{side}", count=timing.reps)
    return (
        Say(p("stretch_heading_single", name=stretch.name.capitalize())),
        Say(p("howto_targets", targets=p.join(stretch.targets))),
        Say(p("position", position=_library(p).positions[stretch.position])),
        *_equipment(stretch, p),
        *_cues(stretch.setup, p, 0.5),
        *_cues(stretch.movement, p, 0.5),
        Say(p.localise(stretch.breathing)),
        Say(summary),
        Say(p("howto_caution", caution=p.localise(stretch.caution))),
    )


def stretch_seconds(s: Stretch, p: Phrases, hold_seconds: int | None = None, easier: bool = False,
                    tempo: float = 1.0, repeats: int | None = None, sounds: bool = True) -> float:
    """Estimated length of a stretch's full narration."""
    return duration(stretch(s, p, 1, 1, hold_seconds, False, easier, tempo, (), repeats, sounds), p.words_per_minute)


def rest_seconds(previous: Stretch, following: Stretch) -> int:
    """How long to rest before ``following``: longer to change position, longer still to fetch equipment."""
    if set(following.equipment) - set(previous.equipment):
        return EQUIPMENT_REST_SECONDS
    if following.position != previous.position:
        return POSITION_CHANGE_REST_SECONDS
    return REST_SECONDS


def rest(next_stretch: Stretch, p: Phrases, previous: Stretch, missing: tuple[str, ...] = ()) -> list[Segment]:
    """A rest between stretches in hands-free mode, then what comes next (and how to get there)."""
    seconds = rest_seconds(previous, next_stretch)
    if seconds == EQUIPMENT_REST_SECONDS:
        line = p("rest_fetch", seconds=seconds, name=next_stretch.name,
                 equipment=_equipment_names(next_stretch, p, missing))
    elif seconds == POSITION_CHANGE_REST_SECONDS:
        line = p("rest_move", seconds=seconds, name=next_stretch.name,
                 position=_library(p).positions[next_stretch.position])
    else:
        return [Pause(1.0), Say(p("rest", seconds=seconds)), Pause(seconds),
                Say(p("next_up", name=next_stretch.name)), Pause(1.0)]
    # A breath, then exactly the seconds just said: a screen counts down this pause, and must show the same number.
    return [Pause(1.0), Say(line), Pause(1.0), Pause(seconds)]


def segment_mark(index: int) -> Mark:
    """Marks where the part of a response that belongs to stretch ``index`` starts."""
    return Mark(f"{SEGMENT}{index}")
