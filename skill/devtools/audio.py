"""Audio preview: render a response's SSML to a WAV with espeak-ng, with its real pauses."""

from __future__ import annotations

import re
import shutil
import subprocess
import wave
from pathlib import Path

from ..speech import WORDS_PER_MINUTE

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


_CHAINED_BREAKS = re.compile(r'(?:<break time="\d+(?:\.\d+)?m?s"\s*/>\s*){2,}')
_BREAK = re.compile(r'<break time="(\d+(?:\.\d+)?)(ms|s)"\s*/>')


def merge_breaks(ssml: str) -> str:
    """One break per silence: espeak-ng honours a single long break but collapses a chain of them.

    Alexa caps each break at 10 s, so the skill chains them; espeak-ng has no cap, so the preview
    gives it the sum as one break (measured: three chained breaks of 23.5 s played as 10 s).
    """
    def merged(chain: re.Match) -> str:
        total = sum(float(v) / (1000 if unit == "ms" else 1) for v, unit in _BREAK.findall(chain.group(0)))
        return f'<break time="{round(total * 1000)}ms"/>'

    return _CHAINED_BREAKS.sub(merged, ssml)


def render_wav(ssml: str, path: Path, voice: str = "en-us") -> Path:
    """Speak ``ssml`` into ``path`` at the skill's stated speaking rate, with its real pauses."""
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([espeak(), "-m", "-s", str(ESPEAK_RATE), "-v", voice, "-w", str(path), merge_breaks(ssml)],
                   check=True, capture_output=True, timeout=120)
    return path


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as handle:
        return handle.getnframes() / float(handle.getframerate())


def voice_for(locale: str) -> str:
    return {"en-GB": "en-gb", "en-AU": "en-gb", "en-IN": "en-gb", "en-CA": "en-us"}.get(locale, "en-us")
