"""Talk to the skill by typing: the offline conversation simulator.

Each line is resolved against the interaction model (see :mod:`.resolver`),
wrapped in a complete request envelope (session, context.System, locale,
timestamp) and sent to the skill, in-process or over HTTP. The answer is
printed as a person would hear it, with pauses, the reprompt, whether the
session stays open, and its spoken time.

The simulator keeps its own clock: each response is assumed to be heard to
the end (its spoken time, plus a couple of seconds to answer), so hands-free
timelines behave as on a device. ``/after N <words>`` speaks N seconds into
the last response instead, like a barge-in.

The console is for the conversation: output is wrapped to the terminal, and
the in-process skill's JSON log lines go to a file (see :func:`skill_logs`).
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import sys
import textwrap
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator, TextIO

from skill import ssml as ssml_rules

from .envelopes import VIEWPORTS, Session
from .readable import Spoken, readable, screen_line
from .resolver import Resolution, Resolver

ANSWER_DELAY_SECONDS = 2.0
COMMANDS = (("/timeout (or an empty line)", "the speaker times out: the session ends"),
            ("/after N <words>", "say <words> N seconds into the last response (barge-in)"),
            ("/tap <button>", "with --screen: touch a button: back, pause, resume, next, easier, routines, "
                              "start [routine id]"),
            ("/quit", "leave"))
#: Show the nearest sample of an unmatched line from this similarity up. On the en-US model,
#: rewordings of samples ("list all the routines", "lets do the quick one", "how many
#: stretches do i have left") score 0.77 to 0.95, while requests the skill has nothing for
#: ("good morning", "what time is it", "tell me a joke") score at most 0.70: a few shared
#: short words already give that much, so below 0.75 a "nearest" would be noise.
NEAREST_THRESHOLD = 0.75
_PAUSE = re.compile(r"\[pause [\d.]+ s\]")
_GLUE = "\N{NO-BREAK SPACE}"  # textwrap does not break at it


@contextmanager
def skill_logs(path: Path | None) -> Iterator[None]:
    """Send the log lines of the in-process skill to ``path``, or to stderr if None.

    The skill runs in this process and calls ``configure_logging()`` when it is built,
    which adds a stderr handler unless the root logger already has one marked as
    configured. Installing a marked handler first, before the skill is imported, keeps
    every record (build-time ones included) out of the conversation on the console.
    """
    from skill.logs import json_handler

    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    handler = json_handler(logging.FileHandler(path, encoding="utf-8") if path else logging.StreamHandler(sys.stderr))
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        handler.close()


class ChatError(RuntimeError):
    """The skill failed: an HTTP error, an exception, or a response Alexa would reject."""


class InProcess:
    """Calls the skill's Lambda handler directly."""

    def __init__(self, handler: Callable[[dict, object], dict] | None = None):
        if handler is None:
            from skill.skill_builder import build_lambda_handler

            handler = build_lambda_handler()
        self.handler = handler

    def send(self, envelope: dict) -> dict:
        try:
            return self.handler(envelope, None)
        except Exception as exc:  # the simulator reports it; a skill error is a failed line
            raise ChatError(f"the skill raised {type(exc).__name__}: {exc}") from exc


class OverHttp:
    """POSTs to a running endpoint (``make run``, or any URL serving Alexa requests)."""

    def __init__(self, url: str, timeout: float = 10.0):
        self.url, self.timeout = url, timeout

    def send(self, envelope: dict) -> dict:
        request = urllib.request.Request(self.url, data=json.dumps(envelope).encode("utf-8"), method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            raise ChatError(f"HTTP {error.code} from {self.url}: {error.read()[:200]!r}") from None
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise ChatError(f"no answer from {self.url}: {error}") from None


@dataclass
class Turn:
    line: str
    resolution: Resolution | None
    response: dict | None
    spoken: Spoken | None = None
    problems: list[str] = field(default_factory=list)
    audio: Path | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def response_problems(response: dict) -> list[str]:
    """Why Alexa would reject a response (or why it is the skill's error answer)."""
    body = response.get("response") if isinstance(response, dict) else None
    if not isinstance(body, dict):
        return ["the response has no 'response' object"]
    problems = []
    speech = (body.get("outputSpeech") or {}).get("ssml")
    if speech:
        try:
            ssml_rules.validate(speech)
        except ssml_rules.SSMLError as exc:
            problems.append(f"invalid speech: {exc}")
        if "something went wrong on my side" in speech:
            problems.append("the skill answered with its error apology")
    if body.get("shouldEndSession") is not True and not (body.get("reprompt") or {}).get("outputSpeech"):
        problems.append("the session stays open without a reprompt")
    return problems


class Chat:
    def __init__(self, transport, resolver: Resolver, locale: str = "en-US", out: TextIO = sys.stdout,
                 audio_dir: Path | None = None, user_id: str | None = None, start: datetime | None = None,
                 width: int | None = None, screen: str | None = None):
        self.transport = transport
        self.resolver = resolver
        self.out = out
        self.audio_dir = audio_dir
        if screen is not None and screen not in VIEWPORTS:
            raise ChatError(f"unknown screen {screen!r}: one of {', '.join(sorted(VIEWPORTS))}")
        self.session = Session(locale=locale, screen=screen, **({"user_id": user_id} if user_id else {}))
        self.session.clock = start or datetime.now(timezone.utc)
        self.turns: list[Turn] = []
        self._last_seconds = 0.0
        #: Print what was said (scripts); off when the person just typed it.
        self.echo = True
        self.width = width or shutil.get_terminal_size((100, 24)).columns

    def print(self, text: str = "", label: str = "") -> None:
        """``label`` + ``text``, wrapped to the width with continuation lines under the text.

        A pause marker such as "[pause 20 s]" is kept whole on one line.
        """
        glued = _PAUSE.sub(lambda marker: marker.group(0).replace(" ", _GLUE), text)
        lines = textwrap.wrap(glued, self.width, initial_indent=label, subsequent_indent=" " * len(label),
                              break_long_words=False, break_on_hyphens=False)
        print("\n".join(lines).replace(_GLUE, " ") if lines else label.rstrip(), file=self.out)

    # --- sessions -------------------------------------------------------------
    def timeout(self) -> None:
        """The speaker's microphone times out: Alexa sends SessionEndedRequest and forgets the session."""
        if not self.session.new:
            self._advance(self._last_seconds + 16)
            try:
                self.transport.send(self.session.session_ended("EXCEEDED_MAX_REPROMPTS"))
            except ChatError as exc:
                self.print(str(exc), "  ! ")
            self.print("session timed out: the next line starts a new session]", "  [")
        self.session.end()
        self._last_seconds = 0.0

    def _advance(self, seconds: float) -> None:
        self.session.advance(seconds)

    # --- one line ---------------------------------------------------------------
    def handle(self, line: str) -> Turn | None:
        """Act on one typed line; returns the turn, or None for commands and comments."""
        text = line.strip()
        if not text or text == "/timeout":
            self.timeout()
            return None
        if text.startswith("#"):
            return None
        if text.startswith("/after "):
            try:
                _, seconds, text = text.split(" ", 2)
                delay = float(seconds)
            except ValueError:
                self.print("usage: /after SECONDS words", "  ")
                return None
            return self.say(text, delay=delay)
        if text.startswith("/tap"):
            return self.tap(text.removeprefix("/tap").strip())
        return self.say(text)

    def tap(self, button: str) -> Turn | None:
        """Touch a button on the screen: the APL UserEvent an Echo Show sends."""
        if self.session.screen is None:
            self.print("/tap needs a screen: start the chat with --screen", "  ")
            return None
        self._advance(self._last_seconds + ANSWER_DELAY_SECONDS)
        self.print(f"[taps {button}]", "you> ")
        resolution = self.resolver.resolve(button)
        turn = Turn(f"/tap {button}", resolution, None)
        return self._exchange(turn, self.session.user_event(*button.split()))

    def say(self, text: str, delay: float | None = None) -> Turn:
        resolution = self.resolver.resolve(text)
        self._advance(self._last_seconds + ANSWER_DELAY_SECONDS if delay is None else delay)
        if self.echo:
            self.print(text, "you> ")
        self.print(resolution.describe() + ("" if resolution.matched else f"   ({self._unmatched(text)})"), "  → ")
        if resolution.kind == "launch" and not self.session.new:
            self.session.end()  # "open back stretch coach" mid-session starts a new session
        if resolution.kind == "launch" and not resolution.intent:
            envelope = self.session.launch()
        else:
            envelope = self.session.envelope(self.resolver.intent_request(resolution, self.session.skill_id))
        turn = Turn(text, resolution, None)
        if not resolution.matched:
            turn.problems.append(f"{text!r} matched no sample utterance")
        return self._exchange(turn, envelope)

    def _exchange(self, turn: Turn, envelope: dict) -> Turn:
        try:
            response = self.transport.send(envelope)
        except ChatError as exc:
            turn.problems.append(str(exc))
            self.print(str(exc), "  ! ")
            self.turns.append(turn)
            return turn
        turn.response = response
        turn.problems += response_problems(response)
        self._show(turn)
        self.session.absorb(response)
        self.turns.append(turn)
        return turn

    def _unmatched(self, text: str) -> str:
        """Say that no sample matched, and which sample Alexa would probably have taken instead."""
        said = f'no sample matched "{text}"'
        nearest = self.resolver.nearest(text)
        if nearest is None or nearest[2] < NEAREST_THRESHOLD:
            return f"{said}; nothing close: probably outside the model's domain"
        sample, intent, similarity = nearest
        return f'{said}; nearest: "{sample}" → {intent}, similarity {similarity:.2f}'

    def _show(self, turn: Turn) -> None:
        body = turn.response.get("response") or {}
        speech = (body.get("outputSpeech") or {}).get("ssml", "")
        turn.spoken = readable(speech)
        self._last_seconds = turn.spoken.seconds
        self.print(turn.spoken.text or "(silence)", "alexa> ")
        reprompt = ((body.get("reprompt") or {}).get("outputSpeech") or {}).get("ssml")
        if reprompt:
            self.print(readable(reprompt).text, "  (reprompt) ")
        state = "session ends" if body.get("shouldEndSession") is True else "session stays open"
        self.print(f"{state} · {turn.spoken.summary()}]", "  [")
        for directive in body.get("directives") or []:
            line = screen_line(directive)
            if line:
                self.print(line, "  ")
        if self.audio_dir is not None and speech:
            self._audio(turn, speech)
        for problem in turn.problems:
            self.print(problem, "  ! ")
        self.print()

    def _audio(self, turn: Turn, speech: str) -> None:
        from .audio import AudioUnavailable, render_wav, voice_for, wav_seconds

        name = (turn.resolution.intent or "launch").replace("AMAZON.", "").replace("Intent", "").lower()
        path = self.audio_dir / f"{len(self.turns) + 1:03d}-{name}.wav"
        try:
            render_wav(speech, path, voice_for(self.session.locale))
        except AudioUnavailable as exc:
            self.print(str(exc), "  ! ")
            self.audio_dir = None
            return
        turn.audio = path
        self.print(f"audio: {path} · {wav_seconds(path):.1f} s]", "  [")

    # --- whole conversations -------------------------------------------------------
    def run_script(self, lines: Iterable[str]) -> int:
        """Replay a conversation; ``expect: words`` lines check the last answer's words. Returns failures."""
        failures = 0
        for number, raw in enumerate(lines, 1):
            line = raw.rstrip("\n")
            if line.strip().lower().startswith("expect:"):
                wanted = line.split(":", 1)[1].strip()
                last = self.turns[-1] if self.turns else None
                heard = last.spoken.text if last and last.spoken else ""
                words_only = " ".join(re.sub(r"\[pause [\d.]+ s\]", " ", heard).split())
                if wanted.lower() not in words_only.lower():
                    failures += 1
                    self.print(f"line {number}: expected {wanted!r} in the last answer", "  ! ")
                continue
            turn = self.handle(line)
            if turn is not None and not turn.ok:
                failures += 1
                self.print(f"line {number} failed: {'; '.join(turn.problems)}", "  ! ")
        return failures

    def interact(self, read: Callable[[str], str] = input) -> None:
        typed = sys.stdin.isatty()
        self.echo = not typed
        prompt = ""
        if typed:
            try:  # line editing; and input() then writes its prompt to stdout (without readline, to stderr)
                import readline  # noqa: F401

                prompt = "you> "
            except ImportError:
                pass
        self.print("Type what you would say to Alexa. Also:")
        for command, meaning in COMMANDS:
            self.print(meaning, f"  {command:<29}")
        self.print()
        while True:
            if typed and not prompt:
                self.out.write("you> ")
                self.out.flush()
            try:
                line = read(prompt)
            except (EOFError, KeyboardInterrupt):
                self.print()
                return
            if line.strip() == "/quit":
                return
            self.handle(line)
