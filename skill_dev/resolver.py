"""Typed text -> Alexa intent and slots, from an ASK interaction model.

Resolves the way Alexa does, as far as rules can:

* the model's sample utterances, with ``{slot}`` placeholders;
* custom slot values and synonyms, with entity-resolution fields like
  Alexa's (``ER_SUCCESS_MATCH`` with the value's id and name, or
  ``ER_SUCCESS_NO_MATCH`` with what was heard);
* the standard phrasings of the built-in intents the model declares;
* the invocation forms: "open <invocation>" launches, "ask <invocation> to /
  for <utterance>" launches with an intent;
* anything else is ``AMAZON.FallbackIntent``, as on a device.

When several samples match, one whose slots all resolved wins (as on Alexa,
where a slot value the model knows is strong evidence), then the one with
the most literal text (letters outside slots), then a sample the model
declares over a built-in standard phrasing, then model order. A sample that
is only a slot, or a slot value that resolves to nothing and runs to a
sentence, does not match at all.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Standard phrasings Alexa understands for built-in intents (a subset of Amazon's lists).
BUILT_IN_PHRASES: dict[str, tuple[str, ...]] = {
    "AMAZON.NextIntent": ("next", "skip", "skip forward", "next one"),
    "AMAZON.PreviousIntent": ("previous", "go back", "skip back", "back up"),
    "AMAZON.RepeatIntent": ("repeat", "say that again", "repeat that", "can you repeat that"),
    "AMAZON.StartOverIntent": ("start over", "restart", "start again", "begin again"),
    "AMAZON.PauseIntent": ("pause", "pause that"),
    "AMAZON.ResumeIntent": ("resume", "continue", "keep going"),
    "AMAZON.YesIntent": ("yes", "yeah", "yep", "sure", "ok", "yes please"),
    "AMAZON.NoIntent": ("no", "nope", "no thanks", "no thank you"),
    "AMAZON.HelpIntent": ("help", "help me", "what can I ask you", "can you help me"),
    "AMAZON.StopIntent": ("stop", "off", "shut up", "quit", "exit"),
    "AMAZON.CancelIntent": ("cancel", "never mind", "forget it"),
    "AMAZON.NavigateHomeIntent": ("go home", "exit skill"),
}

FALLBACK = "AMAZON.FallbackIntent"
#: Words that carry no intent on their own: a sample of a slot and only these takes only known slot values.
FILLER_WORDS = frozenset({"please", "the", "a", "an", "now", "one", "ok", "okay", "um", "so", "just", "my"})
#: An unknown value for a custom slot is taken (as ER_SUCCESS_NO_MATCH) up to this many words.
MAX_UNRESOLVED_WORDS = 3
#: Words Alexa turns into a value of a built-in slot type (it would send "08:00" for "eight am"): a built-in
#: slot counts as filled when what was heard is made of such words, and as unmatched otherwise.
_BUILT_IN_WORDS = {
    "AMAZON.TIME": re.compile(r"^(?:(?:\d{1,2}(?::\d{2})?|one|two|three|four|five|six|seven|eight|nine|ten|eleven"
                              r"|twelve|fifteen|thirty|forty|five|half|quarter|past|to|o'clock|am|pm|a\.m\.|p\.m\."
                              r"|noon|midday|midnight|in|the|at|morning|afternoon|evening|night)\s*)+$"),
}


def _built_in_value(slot: "SlotValue") -> bool:
    words = _BUILT_IN_WORDS.get(slot.slot_type)
    return bool(words and words.match(slot.value))


_LAUNCH = re.compile(r"^(?:alexa\s+)?(?:open|launch|start|begin|load|run|use)\s+(?P<name>.+?)$")
_ONE_SHOT = re.compile(r"^(?:alexa\s+)?(?:ask|tell|open|launch|start|use|have)\s+(?P<rest>.+)$")
_CONNECTORS = ("to", "for", "about", "that", "if", "whether", "and", "on")


def normalise(text: str) -> str:
    """Lower case, curly quotes straightened, punctuation but apostrophes dropped."""
    text = text.lower().replace("’", "'").replace("-", " ")
    text = re.sub(r"[^a-z0-9' ]+", " ", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class SlotValue:
    value: str
    resolved_id: str | None = None
    resolved_name: str | None = None
    slot_type: str = ""

    def to_request(self, name: str, authority_prefix: str) -> dict:
        """The slot as Alexa puts it in an IntentRequest."""
        authority = f"{authority_prefix}.{self.slot_type}"
        if self.resolved_id is None:
            resolution = {"authority": authority, "status": {"code": "ER_SUCCESS_NO_MATCH"}}
        else:
            resolution = {"authority": authority, "status": {"code": "ER_SUCCESS_MATCH"},
                          "values": [{"value": {"name": self.resolved_name, "id": self.resolved_id}}]}
        return {"name": name, "value": self.value, "confirmationStatus": "NONE",
                "resolutions": {"resolutionsPerAuthority": [resolution]}}


@dataclass(frozen=True)
class Resolution:
    """What Alexa would send for a line of text."""

    kind: str  # "launch", "intent"
    intent: str | None = None
    slots: dict[str, SlotValue] = field(default_factory=dict)
    #: False when nothing matched and the line went to the fallback intent.
    matched: bool = True
    sample: str | None = None

    def describe(self) -> str:
        if self.kind == "launch" and not self.intent:
            return "LaunchRequest"
        parts = [self.intent or ""]
        for name, slot in self.slots.items():
            resolved = f" → {slot.resolved_id}" if slot.resolved_id else " (no match)"
            parts.append(f"{name}={slot.value!r}{resolved}")
        prefix = "LaunchRequest + " if self.kind == "launch" else ""
        return prefix + "  ".join(parts)


@dataclass(frozen=True)
class _Pattern:
    intent: str
    sample: str
    regex: re.Pattern
    slot_types: dict[str, str]
    literal_chars: int
    order: int
    declared: bool  # from the model's samples (True) or a built-in standard phrasing (False)
    only_filler: bool = False  # no literal words but filler ("please", "the"): only known slot values fit


class Resolver:
    def __init__(self, model: dict):
        language = model["interactionModel"]["languageModel"]
        self.invocation = normalise(language["invocationName"])
        self._values: dict[str, dict[str, tuple[str, str]]] = {}
        for slot_type in language.get("types", []):
            table: dict[str, tuple[str, str]] = {}
            for value in slot_type.get("values", []):
                name = value["name"]["value"]
                slot_id = value.get("id") or name
                for spoken in (name, *value["name"].get("synonyms", [])):
                    table.setdefault(normalise(spoken), (slot_id, name))
            self._values[slot_type["name"]] = table
        self._patterns: list[_Pattern] = []
        self.intents = [intent["name"] for intent in language["intents"]]
        for order, intent in enumerate(language["intents"]):
            slot_types = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
            for sample in intent.get("samples", []):
                self._patterns.append(self._compile(intent["name"], sample, slot_types, order, True))
            for phrase in BUILT_IN_PHRASES.get(intent["name"], ()):
                self._patterns.append(self._compile(intent["name"], phrase, {}, order, False))

    @classmethod
    def from_file(cls, path: str | Path) -> "Resolver":
        return cls(json.loads(Path(path).read_text(encoding="utf-8")))

    @staticmethod
    def _compile(intent: str, sample: str, slot_types: dict[str, str], order: int, declared: bool) -> _Pattern:
        parts, literal = [], 0
        for token in sample.split():
            slot = re.fullmatch(r"\{(\w+)\}", token)
            if slot:
                parts.append(f"(?P<{slot.group(1)}>.+?)")
            elif normalise(token):
                words = normalise(token).split()
                literal += sum(len(word) for word in words)
                parts.append(r"\s+".join(map(re.escape, words)))
        regex = re.compile("^" + r"\s+".join(parts) + "$")
        tokens = sample.split()
        has_slot = any(re.fullmatch(r"\{(\w+)\}", token) for token in tokens)
        words = [w for token in tokens if not re.fullmatch(r"\{(\w+)\}", token) for w in normalise(token).split()]
        only_filler = has_slot and all(word in FILLER_WORDS for word in words)
        return _Pattern(intent, sample, regex, slot_types, literal, order, declared, only_filler)

    def resolve_slot(self, slot_type: str, heard: str) -> SlotValue:
        match = self._values.get(slot_type, {}).get(normalise(heard))
        if match:
            return SlotValue(heard, match[0], match[1], slot_type)
        return SlotValue(heard, None, None, slot_type)

    def match(self, text: str) -> Resolution | None:
        """The intent for an utterance inside a session, or None if nothing matches."""
        line = normalise(text)
        best, best_key = None, None
        for pattern in self._patterns:
            found = pattern.regex.match(line)
            if not found:
                continue
            slots = {name: self.resolve_slot(pattern.slot_types.get(name, ""), value.strip())
                     for name, value in found.groupdict().items() if value and value.strip()}
            if len(slots) != len(found.groupdict()):
                continue
            all_resolved = all(slot.resolved_id or _built_in_value(slot) for slot in slots.values())
            if not all_resolved and (pattern.only_filler or any(
                    len(slot.value.split()) > MAX_UNRESOLVED_WORDS for slot in slots.values() if not slot.resolved_id)):
                # A sample that is only a slot and filler words ("{routine}", "{routine} please"), or an unknown
                # slot value as long as a sentence, would catch every line nothing else matched ("skip please"
                # as a routine called "skip"); Alexa's matching does not do that either.
                continue
            key = (all_resolved, pattern.literal_chars, pattern.declared, -pattern.order)
            if best_key is None or key > best_key:
                best, best_key = Resolution("intent", pattern.intent, slots, True, pattern.sample), key
        return best

    def resolve(self, text: str, in_session: bool = True) -> Resolution:
        """What Alexa would send for ``text``: a launch, an intent, or the fallback intent."""
        line = normalise(text)
        one_shot = _ONE_SHOT.match(line)
        if one_shot and one_shot.group("rest").startswith(self.invocation + " "):
            rest = one_shot.group("rest")[len(self.invocation) + 1:]
            first, _, after = rest.partition(" ")
            # "ask <invocation> to/for … <utterance>", or with no connecting word at all.
            for candidate in ([after] if first in _CONNECTORS and after else []) + [rest]:
                inner = self.match(candidate)
                if inner is not None:
                    return Resolution("launch", inner.intent, inner.slots, True, inner.sample)
        launch = _LAUNCH.match(line)
        if launch and launch.group("name") == self.invocation:
            return Resolution("launch")
        if line == self.invocation:
            return Resolution("launch")
        found = self.match(line)
        if found is not None:
            return found
        if FALLBACK in self.intents:
            return Resolution("intent", FALLBACK, {}, False)
        return Resolution("intent", None, {}, False)

    def intent_request(self, resolution: Resolution, skill_id: str) -> dict[str, Any]:
        """The ``request`` body of an IntentRequest for a resolution (without id, time, locale)."""
        prefix = f"amzn1.er-authority.echo-sdk.{skill_id}"
        return {"type": "IntentRequest", "dialogState": "COMPLETED",
                "intent": {"name": resolution.intent, "confirmationStatus": "NONE",
                           "slots": {name: slot.to_request(name, prefix) for name, slot in resolution.slots.items()}}}

    def nearest(self, text: str) -> tuple[str, str, float] | None:
        """The sample or built-in phrasing most like ``text``: (sample, intent, similarity 0..1).

        For a line that matched nothing, to make a gap in the model visible: Alexa's
        statistical matching would likely map a close rewording to that sample's intent,
        which these rules do not. The similarity is difflib's ratio on normalised text
        without apostrophes (people type "im" for "i'm"). A ``{slot}`` stands for the
        longest value or synonym of its type found in the line, else for nothing, so the
        words in its place count against the sample: as a free wildcard, short samples
        like "{routine} routine" came nearest to almost any line. None if there are no samples.
        """
        from difflib import SequenceMatcher

        def plain(words: str) -> str:
            return normalise(words).replace("'", "")

        line = plain(text)
        padded = f" {line} "
        matcher = SequenceMatcher(None, "", line, autojunk=False)  # caches its analysis of the line
        best: tuple[str, str, float] | None = None
        for pattern in self._patterns:
            words = []
            for token in pattern.sample.split():
                slot = re.fullmatch(r"\{(\w+)\}", token)
                if slot is None:
                    words.append(plain(token))
                    continue
                values = self._values.get(pattern.slot_types.get(slot.group(1), ""), {})
                words.append(max((plain(v) for v in values if f" {plain(v)} " in padded), key=len, default=""))
            matcher.set_seq1(" ".join(word for word in words if word))
            floor = best[2] if best else -1.0
            # The cheap upper bounds first, as difflib.get_close_matches does.
            if matcher.real_quick_ratio() > floor and matcher.quick_ratio() > floor and matcher.ratio() > floor:
                best = (pattern.sample, pattern.intent, matcher.ratio())
        return best
