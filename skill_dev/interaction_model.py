"""Builds the ASK interaction models in interaction_models/ from data: samples and content.

Each language's samples are data, ``skill_dev/models/<tag>.json`` (``en.json`` for English), written
as compact templates (see :func:`expand`); a locale uses the first file along its fallback chain
(:func:`model_data`). Slot values and synonyms come from :mod:`skill.content` in the locale's
language, so the model and the coach can't drift apart. Run ``python -m skill_dev.interaction_model``
after changing content or samples; a test fails if the committed JSON differs.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from skill import locales
from skill.content import Library, library_for
from skill.localization import LOCALES

MODELS_DIR = Path(__file__).resolve().parent.parent / "interaction_models"

def expand(template: str) -> list[str]:
    """Every sentence a compact template stands for: ``(a|b|)`` is a choice, an empty choice optional.

    ``"(okay |)i'm (ready|set)( now|)"`` gives "i'm ready", "i'm ready now", "okay i'm ready", ... in
    order. Groups nest. Spaces are tidied afterwards, so choices may carry their own. Written by hand
    because Alexa's model has no such syntax and the generated samples are plain strings.
    """
    depth, start = 0, -1
    for index, char in enumerate(template):
        if char == "(":
            if depth == 0:
                start = index
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                head, body, tail = template[:start], template[start + 1:index], template[index + 1:]
                choices, level, last = [], 0, 0
                for position, inner in enumerate(body):
                    level += inner == "("
                    level -= inner == ")"
                    if inner == "|" and level == 0:
                        choices.append(body[last:position])
                        last = position + 1
                choices.append(body[last:])
                return [sentence for choice in choices for sentence in expand(head + choice + tail)]
    if depth:
        raise ValueError(f"unbalanced template: {template!r}")
    return [" ".join(template.split())]


def samples(*templates: str) -> list[str]:
    """The samples of some templates, each once, in order."""
    return list(dict.fromkeys(s for t in templates for s in expand(t) if s))


#: A macro in a template: ``<LEAD>`` stands for the template named LEAD in the file's "macros".
_MACRO = re.compile(r"<([A-Z_]+)>")


class ModelDataError(ValueError):
    """A language's model file that can't be built into a model."""


def model_data(locale: str) -> dict:
    """The samples file for ``locale``: the first of ``skill_dev/models/<tag>.json`` along the locale's
    fallback chain (the locale, its language's main locale, the language, then English; see
    :mod:`skill.locales`). A model file is whole: one language's samples are never mixed with another's."""
    for tag in locales.chain(locale):
        data = locales.load("models", tag)
        if data is not None:
            return data
    raise ModelDataError(f"no model file for {locale} (looked for {', '.join(locales.chain(locale))})")


#: The English invocation name (each language's file names its own).
INVOCATION_NAME: str = model_data(locales.DEFAULT_LOCALE)["invocation_name"]


def _templates(data: dict, templates: list[str], where: str) -> list[str]:
    """The samples of some templates, macros filled in."""
    macros = data.get("macros", {})

    def fill(match: re.Match) -> str:
        if match.group(1) not in macros:
            raise ModelDataError(f"{where}: unknown macro <{match.group(1)}>")
        return macros[match.group(1)]

    return samples(*(_MACRO.sub(fill, template) for template in templates))


def intents_of(data: dict) -> list[dict]:
    """The model's intents, custom ones first: virtual-alexa breaks a tie between equal matches by model
    order, and a phrase we declare ("skip") must beat a built-in's standard phrasing, as it does on Alexa."""
    intents = []
    for name, intent in data["custom_intents"].items():
        intents.append({"name": name, "slots": [{"name": s, "type": t} for s, t in intent.get("slots", {}).items()],
                        "samples": _templates(data, intent["samples"], name)})
    for name, templates in data["built_in_intents"].items():
        intents.append({"name": name, "samples": _templates(data, templates, name)})
    return intents


def _slot_type(name: str, entries) -> dict:
    return {
        "name": name,
        "values": [
            {"id": entry.id, "name": {"value": entry.name, "synonyms": list(entry.synonyms)}} for entry in entries
        ],
    }


def build_model(locale: str = "en-US", library: Library | None = None) -> dict:
    """The interaction model for ``locale``: its language's samples, and slot values from the content as
    that locale says it (:func:`skill.content.library_for`)."""
    data = model_data(locale)
    library = library if library is not None else library_for(locale)
    intents = intents_of(data)
    _check_unique(intents)
    return {
        "interactionModel": {
            "languageModel": {
                "invocationName": data["invocation_name"],
                "intents": intents,
                "types": [
                    _slot_type("ROUTINE_NAME", library.routines.values()),
                    _slot_type("STRETCH_NAME", library.stretches.values()),
                    {"name": "EQUIPMENT_NAME", "values": [
                        {"id": item["id"], "name": {"value": item["name"], "synonyms": list(item["synonyms"])}}
                        for item in library.equipment.values()]},
                    _slot_type("HEALTH_CONDITION", library.conditions.values()),
                    {"name": "BODY_PART", "values": [
                        {"id": part_id, "name": {"value": names[0], "synonyms": list(names[1:])}}
                        for part_id, names in data["body_parts"].items()]},
                ],
            }
        }
    }


def _check_unique(intents: list[dict]) -> None:
    """Alexa rejects a model where one sample belongs to two intents; fail here, when building it."""
    owner: dict[str, str] = {}
    for intent in intents:
        for sample in intent["samples"]:
            key = " ".join(sample.lower().split())
            if owner.setdefault(key, intent["name"]) != intent["name"]:
                raise ValueError(f"sample {sample!r} is in both {owner[key]} and {intent['name']}")


def render(model: dict) -> str:
    return json.dumps(model, indent=2, ensure_ascii=False) + "\n"


def model_path(locale: str) -> Path:
    return MODELS_DIR / f"{locale}.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if a committed model differs")
    parser.add_argument("--locale", action="append", help="locales to build (default: all)")
    args = parser.parse_args(argv)
    stale = []
    for locale in args.locale or list(LOCALES):
        if locale not in LOCALES:
            parser.error(f"unknown locale {locale}")
        text = render(build_model(locale))
        path = model_path(locale)
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path))
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    if stale:
        print("out of date: " + ", ".join(stale) + " (run python -m skill_dev.interaction_model)")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
