"""Stretches and routines as validated data: the single source for their names.

Import-time validation is cheap (a few hundred dict look-ups) and fails loudly:
a bad entry stops the skill from starting rather than being spoken wrong.
"""

from __future__ import annotations

from typing import Iterable, Mapping

from .conditions import CONDITIONS
from .equipment import EQUIPMENT_ITEMS
from .routines import DEFAULT_ROUTINE, ROUTINES
from .schema import EQUIPMENT, POSITIONS, ContentError, Routine, Stretch, Timing, Variant, check_unique_names
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
                 equipment: Iterable[Mapping] = EQUIPMENT_ITEMS, conditions: Iterable[Mapping] = CONDITIONS):
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

__all__ = [
    "Condition", "EQUIPMENT", "POSITIONS", "ContentError", "Library", "LIBRARY", "Routine", "Stretch", "Timing", "Variant",
]
