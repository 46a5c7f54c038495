"""A routine made concrete for one person: which stretches, in what order, for how long.

Preferences shape the plan: stretches the person asked to leave out are
dropped; a stretch whose equipment is missing is swapped for its
no-equipment alternative (if that isn't already in the routine) or left out;
holds are lengthened or shortened within safe bounds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from .. import narration
from ..content import LIBRARY, Library, Routine, Stretch
from ..content.schema import MAX_HOLD_SECONDS, MIN_HOLD_SECONDS
from ..localization import Phrases
from .state import MAX_HOLD_OFFSET, MIN_HOLD_OFFSET, Preferences

#: How far "make holds longer/shorter" may move a hold, in seconds, and by how much each time.
HOLD_STEP = 5

#: Nobody's changes yet: the preferences ``plan_for`` plans with when given none (frozen, so one can be shared).
NO_PREFERENCES = Preferences()


@dataclass(frozen=True)
class Change:
    """A stretch changed for missing equipment: done with something from home (``alternative``),
    swapped (``substitute``), or left out (neither)."""

    stretch: Stretch
    equipment: str
    substitute: Stretch | None
    alternative: str | None = None


@dataclass(frozen=True)
class Plan:
    routine: Routine
    stretches: tuple[Stretch, ...]
    hold_offset: int = 0
    changes: tuple[Change, ...] = ()
    #: The content it was planned from, in the person's language (for the equipment's names).
    library: Library = field(default=LIBRARY, compare=False, repr=False)

    @property
    def easier(self) -> bool:
        """Every stretch in its easier version (the gentle routine)."""
        return self.routine.variant == "easier"

    @property
    def tempo(self) -> float:
        return self.routine.tempo

    @property
    def repeats(self) -> int | None:
        """Holds per side, where the routine sets it for every stretch."""
        return self.routine.holds

    @property
    def total(self) -> int:
        return len(self.stretches)

    def stretch(self, index: int) -> Stretch:
        return self.stretches[self.clamp(index)]

    def clamp(self, index: int) -> int:
        return min(max(index, 0), self.total - 1)

    def is_last(self, index: int) -> bool:
        return index >= self.total - 1

    def index_of(self, stretch_id: str | None, fallback: int) -> int:
        """Where a stretch is in this plan; ``fallback`` (clamped) if it isn't."""
        for index, stretch in enumerate(self.stretches):
            if stretch.id == stretch_id:
                return index
        return self.clamp(fallback)

    def hold_seconds(self, stretch: Stretch) -> int | None:
        """The hold for this person, or None for a stretch done in reps."""
        if not stretch.timing.timed:
            return None
        return min(max(stretch.timing.hold_seconds + self.hold_offset, MIN_HOLD_SECONDS), MAX_HOLD_SECONDS)

    def seconds(self, p: Phrases, start: int = 0) -> float:
        """Estimated time for the stretches from ``start`` to the end."""
        return sum(_stretch_seconds(s, p, self.hold_seconds(s), self.easier, self.tempo, self.repeats)
                   for s in self.stretches[start:])

    def equipment(self) -> list[str]:
        """What to have ready, as spoken: the equipment, or what to use from home instead."""
        needed: list[str] = []
        for stretch in self.stretches:
            for item in stretch.equipment:
                spoken = (self.library.alternatives[item] if item in self.missing
                          else self.library.spoken_equipment[item])
                if spoken not in needed:
                    needed.append(spoken)
        return needed

    @property
    def missing(self) -> tuple[str, ...]:
        """Equipment the person doesn't have, done with something from home instead."""
        return tuple(dict.fromkeys(c.equipment for c in self.changes if c.alternative))

    def missing_for(self, stretch: Stretch) -> tuple[str, ...]:
        """The equipment of ``stretch`` that the person does with something from home."""
        return tuple(e for e in stretch.equipment if e in self.missing)


@lru_cache(maxsize=512)
def _stretch_seconds(stretch: Stretch, p: Phrases, hold_seconds: int | None, easier: bool = False,
                     tempo: float = 1.0, repeats: int | None = None) -> float:
    return narration.stretch_seconds(stretch, p, hold_seconds, easier, tempo, repeats)


def plan_for(library: Library, routine_id: str, prefs: Preferences = NO_PREFERENCES,
             leave_out: tuple[str, ...] = ()) -> Plan:
    """The routine for this person; ``leave_out`` drops stretches for this session only (a health condition)."""
    routine = library.routine(routine_id)
    chosen: list[Stretch] = []
    changes: list[Change] = []
    for stretch_id in routine.stretch_ids:
        stretch = library.stretch(stretch_id)
        if stretch.id in prefs.skip or stretch.id in leave_out:
            continue
        missing = next((e for e in stretch.equipment if e in prefs.missing), None)
        if missing is None:
            chosen.append(stretch)
            continue
        if all(e in library.alternatives for e in stretch.equipment if e in prefs.missing):
            chosen.append(stretch)  # done with something from home instead
            changes.append(Change(stretch, missing, None, library.alternatives[missing]))
            continue
        substitute = library.stretches.get(stretch.without_equipment or "")
        if (substitute is not None and substitute.id not in routine.stretch_ids
                and substitute.id not in prefs.skip and substitute.id not in leave_out and substitute not in chosen):
            chosen.append(substitute)
            changes.append(Change(stretch, missing, substitute))
        else:
            changes.append(Change(stretch, missing, None))
    offset = min(max(prefs.hold_offset, MIN_HOLD_OFFSET), MAX_HOLD_OFFSET)
    return Plan(routine, tuple(chosen), offset, tuple(changes), library)
