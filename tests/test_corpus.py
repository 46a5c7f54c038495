"""The natural-phrase corpus resolves as it must, with our resolver and with virtual-alexa.

tests/corpus/floor_phrases.tsv was written from how people talk on a mat, not
from the model's samples; the model is judged by it. Each phrase names the
intent and slots it must become.
"""

from __future__ import annotations

import collections
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from skill.engine import Coach, CoachState
from skill.engine.questions import ANSWERS, QUESTIONS, HurtOptions, LeaveOut
from skill.localization import LOCALES
from skill.skill_builder import build_lambda_handler
from skill.speech import Say
from skill_dev.envelopes import Session
from skill_dev.interaction_model import build_model
from skill_dev.resolver import Resolver

from . import corpus
from .alexa_rules import assert_valid, plain
from .test_resolver_agreement import LAUNCH_WORDS, _need_node, ours, virtual_alexa

ROOT = Path(__file__).resolve().parent.parent
PHRASES = corpus.load()
#: The families the corpus must cover, each with at least this many forms.
MINIMUM = {"moving_on": 30, "yes": 18, "no": 14, "no_with_routine": 6, "skipping": 16, "pausing": 14,
           "coming_back": 10, "repeating": 14, "going_back": 8, "starting": 24, "routine_answer": 10,
           "about_stretch": 14, "how_long_left": 8, "pace": 16, "ending": 16, "cancel": 4, "pain": 10,
           "red_flag": 18, "health_condition": 14}


#: Slots of Alexa's built-in types (AMAZON.TIME): Alexa converts the words ("eight am" -> "08:00"), which
#: neither resolver here does, so the corpus names the words heard and the skill parses both forms.
BUILT_IN_SLOTS = {slot["name"] for intent in build_model()["interactionModel"]["languageModel"]["intents"]
                  for slot in intent.get("slots", []) if slot["type"].startswith("AMAZON.")}


def slot_values(slots: dict) -> dict:
    """What each slot became: its resolved id, or for a built-in type the words heard."""
    return {name: slot["value"] if name in BUILT_IN_SLOTS else slot["id"] for name, slot in slots.items()}


def test_the_corpus_is_large_varied_and_clean():
    assert len(PHRASES) >= 200
    texts = [p.text for p in PHRASES]
    assert len(set(texts)) == len(texts), [t for t, n in collections.Counter(texts).items() if n > 1]
    counts = collections.Counter(p.family for p in PHRASES)
    assert {family: counts[family] for family in MINIMUM if counts[family] < MINIMUM[family]} == {}
    # virtual-alexa turns these letters into a launch anywhere in a line; the corpus is for in-session speech.
    assert [t for t in texts if LAUNCH_WORDS.search(t)] == []
    assert [t for t in texts if not re.fullmatch(r"[a-z' ]+", t)] == []


def test_every_answer_to_every_question_is_in_the_corpus():
    texts = {p.text for p in PHRASES}
    assert {kind: [a for a in answers if a not in texts] for kind, answers in ANSWERS.items()} == {
        kind: [] for kind in ANSWERS}


@pytest.mark.parametrize("locale", LOCALES)
def test_the_corpus_resolves_with_the_resolver(locale):
    resolver = Resolver.from_file(ROOT / "interaction_models" / f"{locale}.json")
    wrong = []
    for phrase in PHRASES:
        got = ours(resolver, phrase.text)
        got = {"intent": got["intent"], "slots": slot_values(got["slots"])}
        if got != phrase.expected:
            wrong.append((phrase.text, phrase.expected, got))
    print(f"{locale}: {len(PHRASES) - len(wrong)}/{len(PHRASES)} corpus phrases resolve as they must")
    assert wrong == []


def test_the_corpus_resolves_with_virtual_alexa():
    _need_node()
    theirs = virtual_alexa(ROOT / "interaction_models" / "en-US.json", [p.text for p in PHRASES])
    wrong = []
    for phrase, their in zip(PHRASES, theirs, strict=True):
        got = {"intent": their.get("intent") or their.get("type") or their.get("error"),
               "slots": slot_values(their.get("slots", {}))}
        if got != phrase.expected:
            wrong.append((phrase.text, phrase.expected, got))
    print(f"virtual-alexa: {len(PHRASES) - len(wrong)}/{len(PHRASES)} corpus phrases resolve as they must")
    assert wrong == []


#: tests/corpus/held_out.tsv: 120 phrasings written apart from both the model and the corpus, and never used to
#: build the model. Our resolver and virtual-alexa match samples exactly (Alexa's own matching generalises), so
#: this measures how far the model's phrasings reach, not Alexa. Measured: 20.8% with the model before the
#: corpus, 52.5% after. This floor catches a change that makes the model narrower; raise it as the model grows.
HELD_OUT_FLOOR = 0.50


def test_held_out_phrasings_measure_how_far_the_model_reaches():
    held_out = corpus.load(corpus.PATH.with_name("held_out.tsv"))
    assert len(held_out) >= 100
    overlap = {p.text for p in held_out} & {p.text for p in PHRASES}  # written apart, so some phrasings coincide
    resolver = Resolver.from_file(ROOT / "interaction_models" / "en-US.json")
    right = 0
    for phrase in held_out:
        got = ours(resolver, phrase.text)
        right += {"intent": got["intent"], "slots": slot_values(got["slots"])} == phrase.expected
    print(f"held out: {right}/{len(held_out)} = {right / len(held_out):.1%} resolve as they must "
          f"({len(overlap)} of them also in the corpus)")
    assert right / len(held_out) >= HELD_OUT_FLOOR


#: Alexa's model has no published per-intent cap that we rely on; these keep ours lean and reviewable.
MAX_SAMPLES_PER_INTENT = 300
MAX_SAMPLES = 3000


def test_the_model_stays_small_enough_to_read_and_build():
    intents = build_model()["interactionModel"]["languageModel"]["intents"]
    sizes = {intent["name"]: len(intent["samples"]) for intent in intents}
    assert {name: n for name, n in sizes.items() if n > MAX_SAMPLES_PER_INTENT} == {}
    assert sum(sizes.values()) <= MAX_SAMPLES
    text = (ROOT / "interaction_models" / "en-US.json").read_text(encoding="utf-8")
    assert len(text.encode()) < 256 * 1024
    print("samples per intent:", json.dumps(sizes))



def _state_asking(kind: str) -> CoachState:
    """A state in which the coach waits for an answer to a question of ``kind`` (a real place, where one fits)."""
    question = {"hurt": HurtOptions("knee_to_chest"), "leave_out": LeaveOut("knee_to_chest")}.get(kind)
    question = question or QUESTIONS[kind]()
    if kind in ("start", "choose"):
        return CoachState(safety_said=True, pending=question)
    in_routine = Coach("en-US").start(CoachState(safety_said=True), "quick").state
    return replace(in_routine, pending=question)


@pytest.mark.parametrize("kind", sorted(ANSWERS))
def test_every_answer_a_person_gives_to_a_question_is_understood(kind):
    """Each answer, as said, resolves with the model and gets a real answer: not "I didn't catch that",
    and not just the same question again."""
    handler = build_lambda_handler(persistence=None)
    resolver = Resolver.from_file(ROOT / "interaction_models" / "en-US.json")
    state = _state_asking(kind)
    asked = " ".join(s.text for s in state.pending.ask(Coach("en-US"), state) if isinstance(s, Say))
    for answer in ANSWERS[kind]:
        resolution = resolver.resolve(answer)
        assert resolution.matched, answer
        session = Session(new=False, attributes={"coach": state.to_session()})
        response = handler(session.envelope(resolver.intent_request(resolution, session.skill_id)), None)
        assert_valid(response)
        speech = plain(response["response"]["outputSpeech"]["ssml"])
        assert "didn't catch" not in speech and speech != asked, (kind, answer, speech)
