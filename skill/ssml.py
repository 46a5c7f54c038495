"""The only place SSML is written.

``render`` turns a narration into ``<speak>…</speak>``: text is XML-escaped,
pauses are merged and chained as ``<break>`` tags of at most 10 s each, and
the result is validated against Alexa's rules before it leaves this module.

Validation is a small, strict XML checker for SSML (elements, attributes,
entities; no comments, CDATA or processing instructions, which Alexa's SSML
doesn't use), so the skill's cold start doesn't load an XML parser.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from .speech import Mark, Named, Pause, Say, Segment, Sound

MAX_BREAK_SECONDS = 10.0
MAX_SSML_CHARS = 8000
#: Alexa plays at most 5 <audio> clips in one response.
MAX_AUDIO_CLIPS = 5
#: Only clips from Alexa's own sound library (nothing hosted, nothing fetched from elsewhere).
_SOUNDBANK = re.compile(r"^soundbank://soundlibrary/[a-z0-9_]+(?:/[a-z0-9_]+)+$")
ALLOWED_TAGS = frozenset({
    "speak", "amazon:domain", "amazon:effect", "amazon:emotion", "audio", "break", "emphasis",
    "lang", "p", "phoneme", "prosody", "s", "say-as", "sub", "voice", "w",
    "alexa:name",  # a recognised speaker's first name (Amazon's "Add Personalized Greetings or Prompts")
})
_BREAK_TIME = re.compile(r"^(\d+(?:\.\d+)?)(ms|s)$")
_BREAK_STRENGTHS = {"none", "x-weak", "weak", "medium", "strong", "x-strong"}
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;",
                          # Characters XML 1.0 forbids (controls other than tab, newline, return): dropped.
                          **{code: None for code in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE,
                                                     0xFFFF)}})
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_TAG = re.compile(r"<(/?)([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_][\w:.-]*\s*=\s*(?:\"[^\"<]*\"|'[^'<]*'))*)\s*(/?)>")
_ATTRIBUTE = re.compile(r"([A-Za-z_][\w:.-]*)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_ENTITY = re.compile(r"&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);")


#: Words a synthetic voice may say wrongly, with how to say them (IPA). Kept here, the one place that writes
#: SSML, so content and phrases stay plain text.
PRONUNCIATIONS: dict[str, str] = {
    "piriformis": "ˌpɪrɪˈfɔːrmɪs",
    "glutes": "ɡluːts",
}
_PRONOUNCED = re.compile(r"\b(" + "|".join(map(re.escape, PRONUNCIATIONS)) + r")\b", re.IGNORECASE)


def _pronounced(text: str) -> str:
    """Escaped text with the lexicon's words wrapped in ``<phoneme>``."""
    return _PRONOUNCED.sub(lambda m: f'<phoneme alphabet="ipa" ph="{PRONUNCIATIONS[m.group(1).lower()]}">'
                                     f"{m.group(1)}</phoneme>", text)


class SSMLError(ValueError):
    """The SSML would be rejected by Alexa."""


def escape(text: str) -> str:
    """Text made safe for SSML: markup characters escaped, characters XML forbids removed."""
    return _FORBIDDEN.sub("", text.translate(_ESCAPES))


def break_tags(seconds: float) -> str:
    """Silence of ``seconds`` as a chain of breaks, none longer than 10 s."""
    remaining = int(round(max(0.0, seconds) * 1000))
    tags = []
    while remaining > 0:
        chunk = min(remaining, int(MAX_BREAK_SECONDS * 1000))
        tags.append(f'<break time="{chunk // 1000}s"/>' if chunk % 1000 == 0 else f'<break time="{chunk}ms"/>')
        remaining -= chunk
    return "".join(tags)


def within_clip_limit(segments: Iterable[Segment]) -> tuple[Segment, ...]:
    """The segments with sounds past Alexa's fifth dropped (the words and pauses all stay).

    The engine applies this before it measures a response, so its timeline matches what is played.
    """
    kept, clips = [], 0
    for segment in segments:
        if isinstance(segment, Sound):
            if clips >= MAX_AUDIO_CLIPS:
                continue
            clips += 1
        kept.append(segment)
    return tuple(kept)


_PERSON_ID = re.compile(r"^amzn1\.ask\.person\.[A-Za-z0-9._-]{1,300}$")


def name_tag(person: str) -> str:
    """Alexa's tag for a recognised speaker's first name (``alexa:name``); the id is checked, never echoed raw."""
    if not _PERSON_ID.match(person):
        raise SSMLError("not an Alexa person id")
    return f'<alexa:name type="first" personId="{person}"/>'


def _named(segment: Named) -> str:
    before, _, after = segment.text.partition("{name}")
    try:
        tag = name_tag(segment.person)
    except SSMLError:  # an odd id: say the words without the name
        tag = ""
    return (_pronounced(escape(before)) + tag + _pronounced(escape(after))).strip()


def audio_tag(sound: Sound) -> str:
    if not _SOUNDBANK.match(sound.url):
        raise SSMLError(f"not a sound-library clip: {sound.url!r}")
    return f'<audio src="{sound.url}"/>'


def render_body(segments: Iterable[Segment]) -> str:
    """SSML for the segments, without the ``<speak>`` wrapper (at most 5 clips: later ones are dropped)."""
    parts: list[str] = []
    pending_pause = 0.0
    after_text = False
    for segment in within_clip_limit(segments):
        if isinstance(segment, Pause):
            pending_pause += segment.seconds
            continue
        if isinstance(segment, Mark):
            continue
        if pending_pause:
            parts.append(break_tags(pending_pause))
            pending_pause = 0.0
            after_text = False
        if isinstance(segment, Sound):
            parts.append(audio_tag(segment))
            after_text = False
            continue
        words = _words(segment)
        if words is not None:
            if after_text:
                parts.append(" ")
            parts.append(words)
            after_text = True
    if pending_pause:
        parts.append(break_tags(pending_pause))
    return "".join(parts)


def _words(segment: Segment) -> str | None:
    """The SSML for what a segment says (a name's may be empty), or None if it says nothing."""
    if isinstance(segment, Say) and segment.text.strip():
        return _pronounced(escape(segment.text.strip()))
    if isinstance(segment, Named):
        return _named(segment)
    return None


def render(segments: Iterable[Segment]) -> str:
    """A complete, validated ``<speak>`` document."""
    return _render(tuple(segments))


@lru_cache(maxsize=512)
def _render(segments: tuple[Segment, ...]) -> str:
    # Memoised: a routine's narrations repeat turn after turn, and rendering is pure.
    ssml = f"<speak>{render_body(segments)}</speak>"
    validate(ssml)
    return ssml


def validate(ssml: str) -> None:
    """Raise :class:`SSMLError` unless ``ssml`` follows Alexa's SSML rules."""
    if len(ssml) > MAX_SSML_CHARS:
        raise SSMLError(f"SSML is {len(ssml)} characters; Alexa allows {MAX_SSML_CHARS}")
    stack: list[str] = []
    position = 0
    clips = 0
    for tag in _TAG.finditer(ssml):
        _check_text(ssml[position:tag.start()], inside=bool(stack))
        position = tag.end()
        closing, name, attributes, self_closing = tag.groups()
        _check_tag(tag, stack)
        if closing:
            _close_tag(name, stack, ssml, position)
            continue
        values = {m.group(1): m.group(2) if m.group(2) is not None else m.group(3)
                  for m in _ATTRIBUTE.finditer(attributes)}
        clips = _check_attributes(name, values, clips)
        if not self_closing:
            stack.append(name)
    if stack or position == 0:
        raise SSMLError("SSML is not well-formed XML: unclosed or missing <speak>")
    _check_text(ssml[position:], inside=False)


def _check_tag(tag: re.Match, stack: list[str]) -> None:
    """A tag must be well-formed, one Alexa supports, and inside ``<speak>`` (which must come first)."""
    closing, name, attributes, self_closing = tag.groups()
    if closing and (attributes.strip() or self_closing):
        raise SSMLError(f"malformed closing tag </{name}>")
    if not stack and (closing or self_closing or name != "speak" or tag.start() != 0):
        raise SSMLError("SSML must have <speak> as its root")
    if name not in ALLOWED_TAGS:
        raise SSMLError(f"<{name}> is not a tag Alexa supports")


def _close_tag(name: str, stack: list[str], ssml: str, position: int) -> None:
    """Pop the open tag ``</name>`` closes; it must be the innermost, and nothing may follow ``</speak>``."""
    if stack[-1] != name:
        raise SSMLError(f"</{name}> closes <{stack[-1]}>: not well-formed XML")
    stack.pop()
    if not stack and ssml[position:].strip():
        raise SSMLError("text after </speak>: not well-formed XML")


def _check_attributes(name: str, values: dict, clips: int) -> int:
    """Check a ``<break>``'s or ``<audio>``'s attributes; returns the clips so far (counting this one)."""
    if name == "break":
        _check_break(values)
    if name == "audio":
        clips += 1
        if clips > MAX_AUDIO_CLIPS or not _SOUNDBANK.match(values.get("src") or ""):
            raise SSMLError(f"audio clip {clips} ({values.get('src')!r}): at most {MAX_AUDIO_CLIPS}, "
                            "from the sound library")
    return clips


def _check_text(text: str, inside: bool) -> None:
    if _FORBIDDEN.search(text):
        raise SSMLError("SSML is not well-formed XML: a control character")
    if "<" in text or ">" in text:
        raise SSMLError("SSML is not well-formed XML: a stray '<' or '>'")
    if "&" in text and _ENTITY.sub("", text).count("&"):
        raise SSMLError("SSML is not well-formed XML: a bare '&'")
    if not inside and text.strip():
        raise SSMLError("SSML is not well-formed XML: text outside <speak>")


def _check_break(attributes: dict) -> None:
    time = attributes.get("time")
    strength = attributes.get("strength")
    if time is None:
        if strength is None or strength not in _BREAK_STRENGTHS:
            raise SSMLError("<break> needs a time with a unit or a known strength")
        return
    match = _BREAK_TIME.match(time)
    if not match:
        raise SSMLError(f"<break time={time!r}> needs a number with a unit, s or ms")
    seconds = float(match.group(1)) / (1000 if match.group(2) == "ms" else 1)
    if seconds > MAX_BREAK_SECONDS:
        raise SSMLError(f"<break time={time!r}> is longer than {MAX_BREAK_SECONDS:g} s")


def break_seconds(ssml: str) -> list[float]:
    """Every break's length in seconds, in order (for tests and the simulator)."""
    found = []
    for value, unit in re.findall(r'<break time="(\d+(?:\.\d+)?)(ms|s)"\s*/>', ssml):
        found.append(float(value) / (1000 if unit == "ms" else 1))
    return found


_CHAINED_BREAKS = re.compile(r'(?:<break time="\d+(?:\.\d+)?m?s"\s*/>\s*){2,}')


def merged_breaks(ssml: str) -> str:
    """The same SSML with each chain of breaks as one long break.

    Not for Alexa (which caps a break at 10 s): for renderers with no cap that
    collapse chained breaks, such as espeak-ng in the audio preview.
    """
    def merged(chain: re.Match) -> str:
        total = sum(break_seconds(chain.group(0)))
        return f'<break time="{round(total * 1000)}ms"/>'

    return _CHAINED_BREAKS.sub(merged, ssml)


def audio_as_breaks(ssml: str, seconds: dict[str, float]) -> str:
    """The SSML with each sound-library clip replaced by a break as long as the time allowed for it.

    For renderers that can't fetch Alexa's sound library (espeak-ng in the audio preview), so a
    preview lasts what the skill plans.
    """
    return re.sub(r'<audio src="([^"]+)"/>', lambda m: break_tags(seconds.get(m.group(1), 0.0)), ssml)
