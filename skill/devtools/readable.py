"""SSML as a person reads it: words, with pauses shown as "[pause 20 s]", and its spoken time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.sax.saxutils import unescape

from ..narration import SOUND_SECONDS
from ..speech import SECONDS_PER_WORD, WORDS_PER_MINUTE, word_count

_TOKEN = re.compile(r'<break\s+time="(\d+(?:\.\d+)?)(ms|s)"\s*/>|<[^>]+>|[^<]+')


@dataclass(frozen=True)
class Spoken:
    text: str
    speech_seconds: float
    pause_seconds: float

    @property
    def seconds(self) -> float:
        return self.speech_seconds + self.pause_seconds

    def summary(self) -> str:
        return (f"about {clock(self.seconds)} spoken: {clock(self.speech_seconds)} of speech at "
                f"{WORDS_PER_MINUTE} words a minute + {clock(self.pause_seconds)} of pauses")


def clock(seconds: float) -> str:
    seconds = round(seconds)
    return f"{seconds // 60} min {seconds % 60} s" if seconds >= 60 else f"{seconds} s"


_SRC = re.compile(r'src="([^"]+)"')


def readable(ssml: str) -> Spoken:
    """Merge chained breaks into one marker and count speech and pauses."""
    pieces: list[str] = []
    words = 0
    pause = pending = 0.0
    for match in _TOKEN.finditer(ssml or ""):
        if match.group(1):
            seconds = float(match.group(1)) / (1000 if match.group(2) == "ms" else 1)
            pause += seconds
            pending += seconds
        elif match.group(0).startswith("<audio"):
            if pending:
                pieces.append(f"[pause {pending:g} s]")
                pending = 0.0
            clip = SOUND_SECONDS.get(_SRC.search(match.group(0)).group(1) if _SRC.search(match.group(0)) else "", 0.0)
            pieces.append("[chime]")
            pause += clip  # the clip's allowed time counts with the silences
        elif match.group(0).startswith("<"):
            continue
        else:
            text = " ".join(unescape(match.group(0), {"&quot;": '"', "&apos;": "'"}).split())
            if not text:
                continue
            if pending:
                pieces.append(f"[pause {pending:g} s]")
                pending = 0.0
            pieces.append(text)
            words += word_count(text)
    if pending:
        pieces.append(f"[pause {pending:g} s]")
    return Spoken(" ".join(pieces), words * SECONDS_PER_WORD, pause)
