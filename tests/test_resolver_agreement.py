"""The chat simulator's resolver and virtual-alexa agree on the interaction model.

virtual-alexa (npm) is a third-party Alexa client; e2e/resolve_utterances.js
asks it, with no server, which intent and slots each utterance becomes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from skill.localization import LOCALES
from skill_dev.resolver import Resolver

ROOT = Path(__file__).resolve().parent.parent
E2E = ROOT / "e2e"
LAUNCH_WORDS = re.compile(r"ask|open|launch|tell|talk to", re.I)


def _need_node():
    if shutil.which("node") is None or not (E2E / "node_modules" / "virtual-alexa").is_dir():
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("node or e2e/node_modules missing on CI: `make test` installs them")
        pytest.skip("node or e2e/node_modules is missing: run `npm ci --prefix e2e`")


def virtual_alexa(model: Path, utterances: list[str]) -> list[dict]:
    result = subprocess.run(["node", str(E2E / "resolve_utterances.js")], cwd=ROOT, capture_output=True, text=True,
                            input=json.dumps({"model": str(model), "utterances": utterances}), timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


#: Built-in slot types have no values in the model: times a person would say (Alexa converts them itself).
BUILT_IN_EXAMPLES = {"AMAZON.TIME": ("seven thirty am", "eight pm", "half past six in the evening")}


def ours(resolver: Resolver, utterance: str) -> dict:
    resolution = resolver.resolve(utterance)
    slots = {name: {"value": slot.value, "id": slot.resolved_id} for name, slot in resolution.slots.items()}
    return {"utterance": utterance, "type": "IntentRequest", "intent": resolution.intent, "slots": slots}


def sample_utterances(model: Path, every_value: bool) -> list[str]:
    language = json.loads(model.read_text())["interactionModel"]["languageModel"]
    types = {t["name"]: t["values"] for t in language["types"]}
    utterances = []
    for intent in language["intents"]:
        slot_types = {s["name"]: s["type"] for s in intent.get("slots", [])}
        for sample in intent.get("samples", []):
            names = re.findall(r"{(\w+)}", sample)
            if not names:
                utterances.append(sample)
                continue
            (name,) = names  # our samples carry one slot each
            if slot_types[name] in BUILT_IN_EXAMPLES:  # no values in the model: what a person would say
                spoken = list(BUILT_IN_EXAMPLES[slot_types[name]])
            else:
                values = types[slot_types[name]]
                spoken = [v["name"]["value"] for v in values]
                if every_value:
                    spoken += [s for v in values for s in v["name"].get("synonyms", [])]
            utterances += [sample.replace("{" + name + "}", value) for value in spoken[: None if every_value else 1]]
    return utterances


def compare(model: Path, utterances: list[str]) -> tuple[int, list]:
    resolver = Resolver.from_file(model)
    theirs = virtual_alexa(model, utterances)
    differences = []
    for utterance, their in zip(utterances, theirs, strict=True):
        mine = ours(resolver, utterance)
        if their.get("intent") != mine["intent"] or their.get("slots", {}) != mine["slots"]:
            differences.append((utterance, their, mine))
    return len(utterances), differences


@pytest.mark.parametrize("locale", LOCALES)
def test_every_sample_utterance_resolves_the_same_in_both(locale):
    _need_node()
    total, differences = compare(ROOT / "interaction_models" / f"{locale}.json",
                                 sample_utterances(ROOT / "interaction_models" / f"{locale}.json", False))
    print(f"{locale}: {total} sample utterances, {total - len(differences)} agree")
    assert not differences, differences[:5]


def test_every_slot_value_and_synonym_in_every_sample_resolves_the_same():
    _need_node()
    model = ROOT / "interaction_models" / "en-US.json"
    total, differences = compare(model, sample_utterances(model, True))
    print(f"en-US with every slot value and synonym: {total} utterances, {total - len(differences)} agree")
    assert not differences, differences[:5]


@pytest.mark.parametrize("locale", LOCALES)
def test_every_corpus_phrase_resolves_the_same_in_both(locale):
    """The natural phrasings people use on the floor (tests/corpus), not only the model's own samples."""
    from . import corpus

    _need_node()
    total, differences = compare(ROOT / "interaction_models" / f"{locale}.json", [p.text for p in corpus.load()])
    print(f"{locale}: {total} corpus phrases, {total - len(differences)} agree")
    assert not differences, differences[:5]


def test_no_sample_or_slot_value_holds_a_launch_word():
    """virtual-alexa treats any utterance containing these letters as a launch, so the model avoids them."""
    for locale in LOCALES:
        text = (ROOT / "interaction_models" / f"{locale}.json").read_text()
        language = json.loads(text)["interactionModel"]["languageModel"]
        spoken = [s for i in language["intents"] for s in i.get("samples", [])]
        spoken += [x for t in language["types"] for v in t["values"]
                   for x in (v["name"]["value"], *v["name"].get("synonyms", []))]
        assert not [s for s in spoken if LAUNCH_WORDS.search(s)]
