"""A routine made concrete: the stretches to do, in order, with their timings."""

from __future__ import annotations

from dataclasses import dataclass

from ..content import EQUIPMENT, Library, Routine, Stretch
from ..localization import Phrases
from .. import narration


@dataclass(frozen=True)
class Plan:
    routine: Routine
    stretches: tuple[Stretch, ...]

    @property
    def total(self) -> int:
        return len(self.stretches)

    def stretch(self, index: int) -> Stretch:
        return self.stretches[self.clamp(index)]

    def clamp(self, index: int) -> int:
        return min(max(index, 0), self.total - 1)

    def is_last(self, index: int) -> bool:
        return index >= self.total - 1

    def seconds(self, p: Phrases, start: int = 0) -> float:
        """Estimated time for the stretches from ``start`` to the end."""
        return sum(narration.stretch_seconds(s, p) for s in self.stretches[start:])

    def equipment(self) -> list[str]:
        needed: list[str] = []
        for stretch in self.stretches:
            needed += [EQUIPMENT[e] for e in stretch.equipment if EQUIPMENT[e] not in needed]
        return needed


def plan_for(library: Library, routine_id: str) -> Plan:
    routine = library.routine(routine_id)
    return Plan(routine, tuple(library.stretch(sid) for sid in routine.stretch_ids))
