"""Audio preview: render a response's SSML to a WAV with espeak-ng, with its real pauses.

espeak-ng can't fetch Alexa's sound library, so each ``soundbank://`` clip becomes a local stand-in tone,
made here, as long as the time the skill's timeline allows the clip: the preview sounds where the chimes
are and still lasts what the skill plans.
"""

from __future__ import annotations

import array
import math
import re
import shutil
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

from skill.narration import HOLD_END_SOUND, SOUND_SECONDS, SWITCH_SOUND
from skill.speech import WORDS_PER_MINUTE
from skill.ssml import break_seconds, merged_breaks

#: espeak-ng's rate setting that makes it speak our narration at the skill's stated rate.
#: At -s 150 it measured 0.353 s a word on the stretch narrations (170 words a minute);
#: 150 * 0.353 / 0.4 = 132 brings it to the 150 words a minute every estimate uses.
ESPEAK_RATE = round(150 * 0.353 * WORDS_PER_MINUTE / 60)

INSTALL_HINT = ("espeak-ng is not installed, so there is no audio preview. Install it with "
                "`sudo apt-get install espeak-ng` (Debian/Ubuntu) or `brew install espeak-ng` (macOS).")


class AudioUnavailable(RuntimeError):
    pass


def espeak() -> str:
    found = shutil.which("espeak-ng")
    if not found:
        raise AudioUnavailable(INSTALL_HINT)
    return found


#: The stand-in tone for each clip: its pitch in Hz (a higher one ends a hold, a lower one says "switch sides").
TONE_PITCH = {HOLD_END_SOUND.url: 880.0, SWITCH_SOUND.url: 660.0}
DEFAULT_PITCH = 880.0
TONE_VOLUME = 0.3
TONE_FADE_IN_SECONDS = 0.01
TONE_FADE_OUT_SECONDS = 0.3
#: espeak-ng's output (16-bit mono at 22,050 Hz): used only when a response has no words to take it from.
ESPEAK_FORMAT = (1, 2, 22050)

_CLIP = re.compile(r'<audio src="([^"]+)"/>')
_TAG = re.compile(r"<[^>]+>")
_ENDS_IN_BREAK = re.compile(r'<break[^>]*/>\s*$')


def render_wav(ssml: str, path: Path, voice: str = "en-us") -> Path:
    """Speak ``ssml`` into ``path`` at the skill's stated speaking rate, with its real pauses and a tone per clip."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # espeak-ng honours one long break but collapses a chain of them (three chained breaks of 23.5 s
    # played as 10 s), so it gets each silence as a single break.
    markup = merged_breaks(ssml)
    body = markup.strip().removeprefix("<speak>").removesuffix("</speak>")
    parts = _CLIP.split(body)  # words, clip url, words, clip url, ..., words
    if len(parts) == 1:
        _espeak(markup, path, voice)
        return path
    # The words between clips are spoken one stretch of them at a time; the clips become tones between them.
    with tempfile.TemporaryDirectory(prefix="preview-") as folder:
        pieces: list[tuple[str, object]] = []
        for number, part in enumerate(parts):
            if number % 2:
                pieces.append(("tone", part))
            elif _TAG.sub("", part).strip():
                spoken = Path(folder) / f"{number}.wav"
                _espeak(f"<speak>{part}</speak>", spoken, voice)
                # espeak-ng ends each utterance with a sentence pause (about 0.5 s) that a following break
                # would have replaced; a clip right after words takes its place too, as in one utterance.
                clip_next = number + 1 < len(parts) and not _ENDS_IN_BREAK.search(part)
                pieces.append(("speech_trimmed" if clip_next else "speech", spoken))
            elif part.strip():
                pieces.append(("silence", sum(break_seconds(part))))  # espeak-ng drops a break with no words
        _join(pieces, path)
    return path


def _espeak(markup: str, path: Path, voice: str) -> None:
    subprocess.run([espeak(), "-m", "-s", str(ESPEAK_RATE), "-v", voice, "-w", str(path), markup],
                   check=True, capture_output=True, timeout=120)


def _join(pieces: list[tuple[str, object]], path: Path) -> None:
    """One WAV of the pieces in order, in the format espeak-ng wrote."""
    channels, width, rate = ESPEAK_FORMAT
    spoken = [value for kind, value in pieces if kind.startswith("speech")]
    if spoken:
        with wave.open(str(spoken[0]), "rb") as handle:
            channels, width, rate = handle.getnchannels(), handle.getsampwidth(), handle.getframerate()
    frames = []
    for kind, value in pieces:
        if kind.startswith("speech"):
            with wave.open(str(value), "rb") as handle:
                audio = handle.readframes(handle.getnframes())
            if kind == "speech_trimmed":  # without its trailing silence (whole frames of zeros)
                kept = len(audio.rstrip(b"\0"))
                audio = audio[:kept + (-kept) % (channels * width)]
            frames.append(audio)
        elif kind == "tone":
            frames.append(tone(SOUND_SECONDS.get(str(value), 0.0), TONE_PITCH.get(str(value), DEFAULT_PITCH),
                               rate, channels, width))
        else:
            frames.append(bytes(round(float(value) * rate) * channels * width))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(width)
        out.setframerate(rate)
        out.writeframes(b"".join(frames))


def tone(seconds: float, pitch: float, rate: int = 22050, channels: int = 1, width: int = 2) -> bytes:
    """``seconds`` of a sine at ``pitch`` Hz, faded in and out, as PCM frames (16-bit; silence in other widths)."""
    count = round(seconds * rate)
    if width != 2:
        return bytes(count * channels * width)
    fade_in, fade_out = TONE_FADE_IN_SECONDS * rate, TONE_FADE_OUT_SECONDS * rate
    samples = array.array("h")
    for index in range(count):
        envelope = min(1.0, (index + 1) / fade_in, (count - index) / fade_out)
        value = round(32767 * TONE_VOLUME * envelope * math.sin(2 * math.pi * pitch * index / rate))
        samples.extend([value] * channels)
    if sys.byteorder == "big":  # WAV is little-endian
        samples.byteswap()
    return samples.tobytes()


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as handle:
        return handle.getnframes() / float(handle.getframerate())


def voice_for(locale: str) -> str:
    return {"en-GB": "en-gb", "en-AU": "en-gb", "en-IN": "en-gb", "en-CA": "en-us"}.get(locale, "en-us")
