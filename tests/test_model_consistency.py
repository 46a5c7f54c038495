"""The interaction model, the handlers and the content agree."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from skill.content import LIBRARY
from skill.handlers import handled_intents
from skill_dev import interaction_model

MODELS = sorted((Path(__file__).resolve().parent.parent / "interaction_models").glob("*.json"))


def language_model(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))["interactionModel"]["languageModel"]


@pytest.fixture(params=MODELS, ids=lambda p: p.stem)
def model(request):
    return language_model(request.param)


def test_there_is_an_en_us_model():
    assert any(p.stem == "en-US" for p in MODELS)


def test_every_model_intent_has_a_handler_and_every_handler_intent_is_modelled(model):
    modelled = {intent["name"] for intent in model["intents"]}
    assert modelled == handled_intents()


def test_required_built_ins_are_declared(model):
    modelled = {intent["name"] for intent in model["intents"]}
    required = {"AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.FallbackIntent",
                "AMAZON.NavigateHomeIntent"}
    assert required <= modelled
    used_built_ins = {name for name in handled_intents() if name.startswith("AMAZON.")}
    assert used_built_ins <= modelled


def _values(model, type_name):
    (slot_type,) = [t for t in model["types"] if t["name"] == type_name]
    return {v["id"]: (v["name"]["value"], tuple(v["name"].get("synonyms", ()))) for v in slot_type["values"]}


def test_stretch_slot_values_match_the_content(model):
    assert _values(model, "STRETCH_NAME") == {s.id: (s.name, s.synonyms) for s in LIBRARY.stretches.values()}


def test_routine_slot_values_match_the_content(model):
    assert _values(model, "ROUTINE_NAME") == {r.id: (r.name, r.synonyms) for r in LIBRARY.routines.values()}


def test_every_slot_value_finds_its_entry_in_the_content(model):
    for type_name, find in (("STRETCH_NAME", LIBRARY.find_stretch), ("ROUTINE_NAME", LIBRARY.find_routine)):
        for slot_id, (name, synonyms) in _values(model, type_name).items():
            for spoken in (name, *synonyms):
                assert find(spoken).id == slot_id, spoken


def test_samples_are_unique_and_use_declared_slots(model):
    seen = {}
    for intent in model["intents"]:
        slots = {s["name"] for s in intent.get("slots", [])}
        for sample in intent.get("samples", []):
            key = sample.lower()
            assert key not in seen, f"{sample!r} in {intent['name']} and {seen[key]}"
            seen[key] = intent["name"]
            assert set(re.findall(r"{(\w+)}", sample)) <= slots, sample
            assert re.fullmatch(r"[a-zA-Z' {}.]+", sample), f"characters Alexa rejects in {sample!r}"


def test_the_committed_models_are_what_the_content_generates():
    for path in MODELS:
        expected = interaction_model.render(interaction_model.build_model(path.stem))
        assert path.read_text(encoding="utf-8") == expected, \
            f"{path.name} is stale: run python -m skill_dev.interaction_model"


def test_invocation_name(model):
    assert model["invocationName"] == "back stretch coach"


def test_equipment_slot_values_match_the_content(model):
    assert _values(model, "EQUIPMENT_NAME") == {
        item["id"]: (item["name"], tuple(item["synonyms"])) for item in LIBRARY.equipment.values()}
    for slot_id, (name, synonyms) in _values(model, "EQUIPMENT_NAME").items():
        for spoken in (name, *synonyms):
            assert LIBRARY.find_equipment(spoken) == slot_id
