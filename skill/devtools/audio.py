"""Audio preview: render a response's SSML to a WAV with espeak-ng, with its real pauses."""

from __future__ import annotations

import shutil
import subprocess
import wave
from pathlib import Path

from ..narration import SOUND_SECONDS
from ..speech import WORDS_PER_MINUTE
from ..ssml import audio_as_breaks, merged_breaks

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


def render_wav(ssml: str, path: Path, voice: str = "en-us") -> Path:
    """Speak ``ssml`` into ``path`` at the skill's stated speaking rate, with its real pauses."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # espeak-ng honours one long break but collapses a chain of them (three chained breaks of 23.5 s
    # played as 10 s), so it gets each silence as a single break.
    # It can't play Alexa's sound library either: each clip becomes the silence the timeline allows it.
    markup = merged_breaks(audio_as_breaks(ssml, SOUND_SECONDS))
    subprocess.run([espeak(), "-m", "-s", str(ESPEAK_RATE), "-v", voice, "-w", str(path), markup],
                   check=True, capture_output=True, timeout=120)
    return path


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as handle:
        return handle.getnframes() / float(handle.getframerate())


def voice_for(locale: str) -> str:
    return {"en-GB": "en-gb", "en-AU": "en-gb", "en-IN": "en-gb", "en-CA": "en-us"}.get(locale, "en-us")
