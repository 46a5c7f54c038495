"""Stretches and routines as validated data: the single source for their names.

Import-time validation is cheap (a few hundred dict look-ups) and fails loudly:
a bad entry stops the skill from starting rather than being spoken wrong.

The content is written in US English (``stretches.py``, ``routines.py``, ``equipment.py``,
``conditions.py``, and the positions in ``schema.py``). Another language overlays it by id, with
``skill/content/locales/<tag>.json``: :func:`library_for` applies a locale's overlays (along its
fallback chain, see :mod:`skill.locales`) and validates the result like the English.
"""

from __future__ import annotations

import copy
from typing import Any, Iterable, Mapping

from .. import locales
from .conditions import CONDITIONS
from .equipment import EQUIPMENT_ITEMS
from .routines import DEFAULT_ROUTINE, ROUTINES
from .schema import EQUIPMENT, POSITIONS, ContentError, RepCue, Routine, Stretch, Timing, Variant, check_unique_names
from .stretches import STRETCHES


class Condition:
    """A health condition a person may mention: what to say, and what to leave out that session."""

    def __init__(self, raw: Mapping, stretches: Mapping[str, Stretch]):
        try:
            self.id, self.name, self.advice = str(raw["id"]), str(raw["name"]), str(raw["advice"])
            self.synonyms = tuple(str(s) for s in raw.get("synonyms", ()))
            self.leave_out = tuple(str(s) for s in raw["leave_out"])
        except (KeyError, TypeError) as exc:
            raise ContentError(f"condition {raw.get('id')!r}: {exc}") from None
        unknown = [s for s in self.leave_out if s not in stretches]
        if unknown:
            raise ContentError(f"condition {self.id!r} leaves out unknown stretches {unknown}")

    @property
    def spoken_names(self) -> tuple[str, ...]:
        return (self.name, *self.synonyms)


class Library:
    """All stretches and routines, validated, with name look-ups."""

    def __init__(self, stretches: Iterable[Mapping], routines: Iterable[Mapping], default_routine: str,
                 equipment: Iterable[Mapping] = EQUIPMENT_ITEMS, conditions: Iterable[Mapping] = CONDITIONS,
                 positions: Mapping[str, str] = POSITIONS):
        if set(positions) != set(POSITIONS) or not all(isinstance(v, str) and v.strip() for v in positions.values()):
            raise ContentError(f"positions must name each of {', '.join(POSITIONS)}")
        #: How the coach says each starting position, by id, in routine-flow order.
        self.positions: dict[str, str] = {key: positions[key] for key in POSITIONS}
        self.stretches: dict[str, Stretch] = {}
        for raw in stretches:
            stretch = Stretch.parse(raw)
            if stretch.id in self.stretches:
                raise ContentError(f"stretch id {stretch.id!r} is used twice")
            self.stretches[stretch.id] = stretch
        check_unique_names("stretch", self.stretches.values())
        for stretch in self.stretches.values():
            substitute = self.stretches.get(stretch.without_equipment) if stretch.without_equipment else None
            if stretch.without_equipment and (substitute is None or substitute.equipment):
                raise ContentError(f"stretch {stretch.id!r}: without_equipment must name a stretch needing none")
        self.equipment: dict[str, dict] = {item["id"]: item for item in equipment}
        #: Each piece of equipment as said in a sentence ("a foam roller"), and what to use from home instead.
        self.spoken_equipment: dict[str, str] = {key: item["spoken"] for key, item in self.equipment.items()}
        self.alternatives: dict[str, str] = {
            key: item["alternative"] for key, item in self.equipment.items() if item.get("alternative")}
        self._equipment_by_name = {
            n.lower(): item["id"] for item in equipment for n in (item["name"], *item["synonyms"])}
        self.routines: dict[str, Routine] = {}
        for raw in routines:
            routine = Routine.parse(raw, self.stretches)
            if routine.id in self.routines:
                raise ContentError(f"routine id {routine.id!r} is used twice")
            self.routines[routine.id] = routine
        check_unique_names("routine", self.routines.values())
        if default_routine not in self.routines:
            raise ContentError(f"default routine {default_routine!r} is not defined")
        self.default_routine = default_routine
        self.conditions: dict[str, Condition] = {}
        for raw in conditions:
            condition = Condition(raw, self.stretches)
            self.conditions[condition.id] = condition
        self._condition_by_name = {n.lower(): c.id for c in self.conditions.values() for n in c.spoken_names}
        self._stretch_by_name = {n.lower(): s.id for s in self.stretches.values() for n in s.spoken_names}
        self._routine_by_name = {n.lower(): r.id for r in self.routines.values() for n in r.spoken_names}

    def stretch(self, stretch_id: str) -> Stretch:
        return self.stretches[stretch_id]

    def routine(self, routine_id: str) -> Routine:
        return self.routines[routine_id]

    def find_stretch(self, spoken: str | None) -> Stretch | None:
        """A stretch by id, name or synonym, as a person or Alexa might give it."""
        key = _normalise(spoken)
        if key in self.stretches:
            return self.stretches[key]
        stretch_id = self._stretch_by_name.get(key)
        return self.stretches[stretch_id] if stretch_id else None

    def find_equipment(self, spoken: str | None) -> str | None:
        """An equipment id by id, name or synonym."""
        key = _normalise(spoken)
        if key in self.equipment:
            return key
        return self._equipment_by_name.get(key) or self._equipment_by_name.get(key.removeprefix("a "))

    def find_condition(self, spoken: str | None) -> Condition | None:
        key = _normalise(spoken)
        condition_id = key if key in self.conditions else self._condition_by_name.get(key)
        return self.conditions[condition_id] if condition_id else None

    def find_routine(self, spoken: str | None) -> Routine | None:
        key = _normalise(spoken)
        if key in self.routines:
            return self.routines[key]
        for candidate in (key, key.removesuffix(" routine"), key.removeprefix("the ")):
            routine_id = self._routine_by_name.get(candidate)
            if routine_id:
                return self.routines[routine_id]
        return None


def _normalise(spoken: str | None) -> str:
    if not isinstance(spoken, str):
        return ""
    return " ".join(spoken.lower().replace("-", " ").replace("’", "'").split())


LIBRARY = Library(STRETCHES, ROUTINES, DEFAULT_ROUTINE)

# --- other languages: overlays by id ---------------------------------------------------------------
# What a language file may change: words only. Ids, positions, equipment, timings and doses stay the
# English content's, so every language coaches the same routine. A nested dict says what may change
# inside that field; lists (cues, synonyms) are replaced whole.
_TIMING_TEXT = {"cues": None}
_OVERLAYS: Mapping[str, Mapping[str, Any]] = {
    "stretches": {"name": None, "synonyms": None, "targets": None, "setup": None, "movement": None, "brief": None,
                  "breathing": None, "caution": None, "switch": None, "timing": _TIMING_TEXT,
                  "easier": {"name": None, "cues": None, "switch": None, "timing": _TIMING_TEXT}},
    "routines": {"name": None, "synonyms": None, "description": None},
    "equipment": {"name": None, "spoken": None, "alternative": None, "synonyms": None},
    "conditions": {"name": None, "synonyms": None, "advice": None},
}
_OVERLAY_KEYS = {*_OVERLAYS, "positions", "about"}


def _merge(entry: dict, changes: Any, allowed: Mapping[str, Any], where: str) -> None:
    if not isinstance(changes, Mapping):
        raise ContentError(f"{where}: expected an object of fields")
    for key, value in changes.items():
        if key not in allowed:
            raise ContentError(f"{where}: {key!r} can't be changed by a language (only {', '.join(allowed)})")
        if key not in entry and key != "brief":  # brief cues default to the first movement cues
            raise ContentError(f"{where}: {key!r}: the English has none to translate")
        if allowed[key] is None:
            entry[key] = copy.deepcopy(value)
        elif isinstance(entry[key], dict):
            _merge(entry[key], value, allowed[key], f"{where}.{key}")
        else:
            raise ContentError(f"{where}: {key!r} has nothing to translate here")


def apply_overlay(raw: dict[str, list[dict]], overlay: Mapping[str, Any], where: str) -> None:
    """Apply one language file to raw content (``{"stretches": [...], "routines": [...], ...,
    "positions": {...}}``), in place: each entry's words by id, each position by id."""
    unknown = set(overlay) - _OVERLAY_KEYS
    if unknown:
        raise ContentError(f"{where}: unknown section(s) {', '.join(sorted(unknown))}")
    for section, allowed in _OVERLAYS.items():
        entries = {entry["id"]: entry for entry in raw[section]}
        for entry_id, changes in (overlay.get(section) or {}).items():
            if entry_id not in entries:
                raise ContentError(f"{where}: no {section} entry {entry_id!r}")
            _merge(entries[entry_id], changes, allowed, f"{where}: {section}.{entry_id}")
    for position, said in (overlay.get("positions") or {}).items():
        if position not in POSITIONS:
            raise ContentError(f"{where}: unknown position {position!r}")
        raw["positions"][position] = said


_LIBRARIES: dict[tuple[int, tuple[str, ...]], Library] = {}


def library_for(locale: str | None) -> Library:
    """The content as ``locale`` speaks it: the English content with the locale's content files applied,
    least specific first (``de`` then ``de-DE`` then ``de-AT``). Without any, :data:`LIBRARY` itself."""
    tags = locales.existing("content", locale)
    if not tags:
        return LIBRARY
    key = (locales.generation, tags)
    if key not in _LIBRARIES:
        raw = {"stretches": copy.deepcopy(list(STRETCHES)), "routines": copy.deepcopy(list(ROUTINES)),
               "equipment": copy.deepcopy(list(EQUIPMENT_ITEMS)), "conditions": copy.deepcopy(list(CONDITIONS)),
               "positions": dict(POSITIONS)}
        for tag in reversed(tags):
            apply_overlay(raw, locales.load("content", tag) or {}, str(locales.find("content", tag)))
        if len(_LIBRARIES) > 16:
            _LIBRARIES.clear()
        _LIBRARIES[key] = Library(raw["stretches"], raw["routines"], DEFAULT_ROUTINE, raw["equipment"],
                                  raw["conditions"], raw["positions"])
    return _LIBRARIES[key]


__all__ = [
    "Condition", "EQUIPMENT", "POSITIONS", "ContentError", "Library", "LIBRARY", "RepCue", "Routine", "Stretch",
    "Timing", "Variant", "apply_overlay", "library_for",
]
