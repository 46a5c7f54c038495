"""What the coach says, before it becomes SSML: a flat list of segments.

A narration is a tuple of ``Say`` (words), ``Pause`` (silence) and ``Mark``
(a zero-length label, used to find where a stretch or a timed part starts).
Keeping speech as data lets the engine measure it: how long a hold really
lasts, how long a routine takes, where in a response the person is.

The speech-time estimate uses a stated speaking rate per language. 150 words a minute is
the middle of the range usually quoted for clear instructional speech and
close to what Alexa's default voice does at the default prosody rate; the
audio preview renders with espeak-ng at the same rate so the two agree. A
language without its own entry (here or in its phrase file) is estimated at English's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Union

#: Stated speaking rate for every time estimate in English (and any language without its own).
WORDS_PER_MINUTE = 150
SECONDS_PER_WORD = 60.0 / WORDS_PER_MINUTE
#: Speaking rate by language, words a minute. A language's phrase file may state its own
#: (``"words_per_minute"``); :class:`skill.localization.Phrases` carries the one that applies.
WORDS_PER_MINUTE_BY_LANGUAGE: dict[str, float] = {"en": WORDS_PER_MINUTE}

#: Scripts written without spaces between words: each character counts as a word of the estimate.
_UNSPACED = "\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_LETTER = rf"(?![{_UNSPACED}])[^\W_]"  # a letter or digit of any other script
#: A word in any script: letters and digits (Unicode, with combining accents), and an apostrophe's letters
#: ("don't", "l'eau"); in a script without spaces, one character.
_WORD = re.compile(rf"[{_UNSPACED}]|{_LETTER}(?:{_LETTER}|[\u0300-\u036f])*(?:['’](?:(?!\d){_LETTER})+)?")


def words_per_minute(language: str | None = None) -> float:
    """The table's speaking rate for ``language`` ("de", or a locale "de-DE"); English's if it has none."""
    code = (language or "").split("-", 1)[0]
    return WORDS_PER_MINUTE_BY_LANGUAGE.get(code, WORDS_PER_MINUTE)


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


def speech_seconds(text: str, rate: float | None = None) -> float:
    """Estimated time to speak ``text`` at ``rate`` words a minute (default :data:`WORDS_PER_MINUTE`)."""
    return word_count(text) * (60.0 / rate if rate else SECONDS_PER_WORD)


def segment_seconds(segment: Segment, rate: float | None = None) -> float:
    if isinstance(segment, Say):
        return speech_seconds(segment.text, rate)
    if isinstance(segment, (Pause, Sound)):
        return segment.seconds
    if isinstance(segment, Named):
        return speech_seconds(segment.text.replace("{name}", ""), rate) + NAME_SECONDS
    return 0.0


def duration(segments: Iterable[Segment], rate: float | None = None) -> float:
    """Estimated spoken length of a narration: speech (at ``rate`` words a minute) plus pauses."""
    return sum(segment_seconds(s, rate) for s in segments)


def says(*texts: str) -> Narration:
    """A narration of plain sentences."""
    return tuple(Say(t) for t in texts if t)


def offsets(segments: Iterable[Segment], rate: float | None = None) -> dict[str, float]:
    """Start time of every Mark, in seconds from the start of the narration."""
    t, found = 0.0, {}
    for segment in segments:
        if isinstance(segment, Mark):
            found.setdefault(segment.name, t)
        t += segment_seconds(segment, rate)
    return found


def plain_text(segments: Iterable[Segment]) -> str:
    """The words only, for logs, cards and tests."""
    return " ".join(s.text for s in segments if isinstance(s, Say))
