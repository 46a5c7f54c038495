"""SSML as a person reads it: words, with pauses shown as "[pause 20 s]", clips as "[sound: end of hold]",
and its spoken time."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from xml.sax.saxutils import unescape

from skill.narration import SOUND_NAMES, SOUND_SECONDS
from skill.speech import SECONDS_PER_WORD, WORDS_PER_MINUTE, word_count

_TOKEN = re.compile(r'<break\s+time="(\d+(?:\.\d+)?)(ms|s)"\s*/>|<[^>]+>|[^<]+')


@dataclass(frozen=True)
class Spoken:
    text: str
    speech_seconds: float
    pause_seconds: float
    #: The time allowed for sound-library clips (the chimes).
    sound_seconds: float = 0.0

    @property
    def seconds(self) -> float:
        return self.speech_seconds + self.pause_seconds + self.sound_seconds

    def summary(self) -> str:
        sounds = f" + {clock(self.sound_seconds)} of sounds" if self.sound_seconds else ""
        return (f"about {clock(self.seconds)} spoken: {clock(self.speech_seconds)} of speech at "
                f"{WORDS_PER_MINUTE} words a minute + {clock(self.pause_seconds)} of pauses{sounds}")


def clock(seconds: float) -> str:
    seconds = round(seconds)
    return f"{seconds // 60} min {seconds % 60} s" if seconds >= 60 else f"{seconds} s"


_SRC = re.compile(r'src="([^"]+)"')


def sound_label(url: str) -> str:
    """How a transcript shows a clip: "[sound: end of hold]", named by narration's sound constants."""
    name = SOUND_NAMES.get(url)
    return f"[sound: {name}]" if name else "[sound]"


def readable(ssml: str) -> Spoken:
    """Merge chained breaks into one marker and count speech, pauses and sounds."""
    pieces: list[str] = []
    words = 0
    pause = pending = sounds = 0.0
    for match in _TOKEN.finditer(ssml or ""):
        if match.group(1):
            seconds = float(match.group(1)) / (1000 if match.group(2) == "ms" else 1)
            pause += seconds
            pending += seconds
        elif match.group(0).startswith("<audio"):
            if pending:
                pieces.append(f"[pause {pending:g} s]")
                pending = 0.0
            src = _SRC.search(match.group(0))
            url = src.group(1) if src else ""
            pieces.append(sound_label(url))
            sounds += SOUND_SECONDS.get(url, 0.0)  # the clip's allowed time, as the skill's timeline counts it
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
    return Spoken(" ".join(pieces), words * SECONDS_PER_WORD, pause, sounds)


def screen_line(directive: dict) -> str | None:
    """One line for an APL RenderDocument: what the screen shows first and what it will do, read from the
    directive as a device would get it (the summary beside the document, and the buttons in it), e.g.
    "[screen: Quick routine · Stretch 1 of 4 · Knee to chest · picture: back · countdowns 30 s ·
    buttons Back Pause Next Easier]" or "[screen: Routines · buttons Start quick Start full …]"."""
    if not isinstance(directive, dict) or directive.get("type") != "Alexa.Presentation.APL.RenderDocument":
        return None
    shown = (directive.get("datasources") or {}).get("screen") or {}
    parts = [shown.get("place", ""), shown.get("title", "")]
    if shown.get("kind") == "stretch":
        parts += _stretch_parts(shown)
    else:
        lines = shown.get("lines") or []
        parts += lines[:3] + (["…"] if len(lines) > 3 else [])
    buttons = [" ".join(json.loads(f"[{arguments}]")).capitalize()
               for arguments in re.findall(r'"SendEvent", "arguments": \[([^\]]*)\]',
                                           json.dumps(directive.get("document") or {}))]
    if buttons:
        parts.append("buttons " + " ".join(buttons))
    return "[screen: " + " · ".join(p for p in parts if p) + "]"


def _stretch_parts(shown: dict) -> list[str]:
    parts = [f"picture: {shown.get('picture', '').replace('_', ' ')}"]
    stretches, counts = shown.get("stretches") or [], shown.get("countdowns") or []
    if len(stretches) > 1:
        parts.append(f"{len(stretches)} stretches in turn")
    if counts:
        parts.append("countdowns " + ", ".join(f"{c} s" for c in counts[:4]) + (" …" if len(counts) > 4 else ""))
    elif shown.get("cue"):
        parts.append(shown["cue"])
    return parts
