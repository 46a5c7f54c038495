"""The only place SSML is written.

``render`` turns a narration into ``<speak>…</speak>``: text is XML-escaped,
pauses are merged and chained as ``<break>`` tags of at most 10 s each, and
the result is validated against Alexa's rules before it leaves this module.
"""

from __future__ import annotations

import math
import re
from typing import Iterable
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from .speech import Mark, Pause, Say, Segment

MAX_BREAK_SECONDS = 10.0
MAX_SSML_CHARS = 8000
ALLOWED_TAGS = frozenset({
    "speak", "amazon:domain", "amazon:effect", "amazon:emotion", "audio", "break", "emphasis",
    "lang", "p", "phoneme", "prosody", "s", "say-as", "sub", "voice", "w",
})
_AMAZON_NS = "http://www.amazon.com/ssml"
_BREAK_TIME = re.compile(r"^(\d+(?:\.\d+)?)(ms|s)$")
_BREAK_STRENGTHS = {"none", "x-weak", "weak", "medium", "strong", "x-strong"}


class SSMLError(ValueError):
    """The SSML would be rejected by Alexa."""


def break_tags(seconds: float) -> str:
    """Silence of ``seconds`` as a chain of breaks, none longer than 10 s."""
    remaining = int(round(max(0.0, seconds) * 1000))
    tags = []
    while remaining > 0:
        chunk = min(remaining, int(MAX_BREAK_SECONDS * 1000))
        tags.append(f'<break time="{chunk // 1000}s"/>' if chunk % 1000 == 0 else f'<break time="{chunk}ms"/>')
        remaining -= chunk
    return "".join(tags)


def render_body(segments: Iterable[Segment]) -> str:
    """SSML for the segments, without the ``<speak>`` wrapper."""
    parts: list[str] = []
    pending_pause = 0.0
    for segment in segments:
        if isinstance(segment, Pause):
            pending_pause += segment.seconds
            continue
        if isinstance(segment, Mark):
            continue
        if pending_pause:
            parts.append(break_tags(pending_pause))
            pending_pause = 0.0
        if isinstance(segment, Say) and segment.text.strip():
            if parts and not parts[-1].endswith(">"):
                parts.append(" ")
            parts.append(escape(segment.text.strip()))
    if pending_pause:
        parts.append(break_tags(pending_pause))
    return "".join(parts)


def render(segments: Iterable[Segment]) -> str:
    """A complete, validated ``<speak>`` document."""
    ssml = f"<speak>{render_body(segments)}</speak>"
    validate(ssml)
    return ssml


def validate(ssml: str) -> None:
    """Raise :class:`SSMLError` unless ``ssml`` follows Alexa's SSML rules."""
    if len(ssml) > MAX_SSML_CHARS:
        raise SSMLError(f"SSML is {len(ssml)} characters; Alexa allows {MAX_SSML_CHARS}")
    namespaced = ssml.replace("<speak>", f'<speak xmlns:amazon="{_AMAZON_NS}">', 1)
    try:
        root = ElementTree.fromstring(namespaced)
    except ElementTree.ParseError as exc:
        raise SSMLError(f"SSML is not well-formed XML: {exc}") from None
    if root.tag != "speak":
        raise SSMLError("SSML must have <speak> as its root")
    for element in root.iter():
        tag = element.tag.replace("{%s}" % _AMAZON_NS, "amazon:")
        if tag not in ALLOWED_TAGS:
            raise SSMLError(f"<{tag}> is not a tag Alexa supports")
        if tag == "break":
            _check_break(element)


def _check_break(element: ElementTree.Element) -> None:
    time = element.get("time")
    strength = element.get("strength")
    if time is None:
        if strength is None or strength not in _BREAK_STRENGTHS:
            raise SSMLError("<break> needs a time with a unit or a known strength")
        return
    match = _BREAK_TIME.match(time)
    if not match:
        raise SSMLError(f"<break time={time!r}> needs a number with a unit, s or ms")
    seconds = float(match.group(1)) / (1000 if match.group(2) == "ms" else 1)
    if seconds > MAX_BREAK_SECONDS or not math.isfinite(seconds):
        raise SSMLError(f"<break time={time!r}> is longer than {MAX_BREAK_SECONDS:g} s")


def break_seconds(ssml: str) -> list[float]:
    """Every break's length in seconds, in order (for tests and the simulator)."""
    found = []
    for value, unit in re.findall(r'<break time="(\d+(?:\.\d+)?)(ms|s)"\s*/>', ssml):
        found.append(float(value) / (1000 if unit == "ms" else 1))
    return found


def to_plain_text(ssml: str) -> str:
    """Strip tags and unescape: what the words of a response are."""
    root = ElementTree.fromstring(ssml.replace("<speak>", f'<speak xmlns:amazon="{_AMAZON_NS}">', 1))
    return " ".join("".join(root.itertext()).split())
