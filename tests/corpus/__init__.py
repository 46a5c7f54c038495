"""The phrase corpus: how people really talk to the skill from the floor (floor_phrases.tsv)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

PATH = Path(__file__).resolve().parent / "floor_phrases.tsv"


@dataclass(frozen=True)
class Phrase:
    family: str
    text: str
    intent: str
    slots: dict

    @property
    def expected(self) -> dict:
        return {"intent": self.intent, "slots": self.slots}


def load(path: Path = PATH) -> list[Phrase]:
    """Every phrase: family, text, the intent it must become and its slots (name -> resolved id)."""
    phrases = []
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader((line for line in handle if line.strip() and not line.startswith("#")), delimiter="\t")
        header = next(rows)
        assert header == ["family", "phrase", "intent", "slots"], header
        for row in rows:
            family, text, intent, slots = (row + [""] * 4)[:4]
            pairs = dict(pair.split("=", 1) for pair in slots.split(";") if pair)
            phrases.append(Phrase(family, text, intent, pairs))
    return phrases
