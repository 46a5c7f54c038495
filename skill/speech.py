"""What the coach says, before it becomes SSML: a flat list of segments.

A narration is a tuple of ``Say`` (words), ``Pause`` (silence) and ``Mark``
(a zero-length label, used to find where a stretch or a timed part starts).
Keeping speech as data lets the engine measure it: how long a hold really
lasts, how long a routine takes, where in a response the person is.

The speech-time estimate uses a stated speaking rate. 150 words a minute is
the middle of the range usually quoted for clear instructional speech and
close to what Alexa's default voice does at the default prosody rate; the
audio preview renders with espeak-ng at the same rate so the two agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Union

#: Stated speaking rate for every time estimate in the skill.
WORDS_PER_MINUTE = 150
SECONDS_PER_WORD = 60.0 / WORDS_PER_MINUTE

_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")


@dataclass(frozen=True)
class Say:
    text: str


@dataclass(frozen=True)
class Pause:
    seconds: float


@dataclass(frozen=True)
class Mark:
    name: str


@dataclass(frozen=True)
class Sound:
    """A short clip from Alexa's sound library (``soundbank://...``), with the time it is allowed."""

    url: str
    seconds: float


@dataclass(frozen=True)
class Named:
    """Words with a recognised speaker's first name in them: Alexa says the name where ``text`` has
    "{name}" (the skill never learns the name itself, only the speaker's ``person`` id)."""

    text: str
    person: str


#: Time allowed for a first name in the speech-time estimate (about two words).
NAME_SECONDS = 0.8

Segment = Union[Say, Pause, Mark, Sound, Named]
Narration = tuple[Segment, ...]


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def speech_seconds(text: str) -> float:
    """Estimated time to speak ``text`` at :data:`WORDS_PER_MINUTE`."""
    return word_count(text) * SECONDS_PER_WORD


def segment_seconds(segment: Segment) -> float:
    if isinstance(segment, Say):
        return speech_seconds(segment.text)
    if isinstance(segment, (Pause, Sound)):
        return segment.seconds
    if isinstance(segment, Named):
        return speech_seconds(segment.text.replace("{name}", "")) + NAME_SECONDS
    return 0.0


def duration(segments: Iterable[Segment]) -> float:
    """Estimated spoken length of a narration: speech plus pauses."""
    return sum(segment_seconds(s) for s in segments)


def says(*texts: str) -> Narration:
    """A narration of plain sentences."""
    return tuple(Say(t) for t in texts if t)


def offsets(segments: Iterable[Segment]) -> dict[str, float]:
    """Start time of every Mark, in seconds from the start of the narration."""
    t, found = 0.0, {}
    for segment in segments:
        if isinstance(segment, Mark):
            found.setdefault(segment.name, t)
        t += segment_seconds(segment)
    return found


def plain_text(segments: Iterable[Segment]) -> str:
    """The words only, for logs, cards and tests."""
    return " ".join(s.text for s in segments if isinstance(s, Say))
