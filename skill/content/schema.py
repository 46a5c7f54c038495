"""Typed, validated shapes for stretches and routines.

Content is plain data (see ``stretches.py`` and ``routines.py``). This module
turns it into frozen dataclasses and refuses anything that would make the
coach say something wrong: a missing field, a hold of zero seconds, an unknown
piece of equipment, a synonym that could mean two stretches.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from .equipment import EQUIPMENT_ITEMS

#: Equipment the coach knows how to talk about, by id -> spoken name ("a foam roller").
EQUIPMENT: Mapping[str, str] = {item["id"]: item["spoken"] for item in EQUIPMENT_ITEMS}
#: What to use from home instead, by equipment id (a real substitute, so the stretch stays in the routine).
ALTERNATIVES: Mapping[str, str] = {
    item["id"]: item["alternative"] for item in EQUIPMENT_ITEMS if item.get("alternative")}

#: Starting positions, by id -> how the coach says it (in English; a language's content file overlays
#: them, see :class:`skill.content.Library`), in routine-flow order.
POSITIONS: Mapping[str, str] = {
    "back": "lying on your back",
    "seated": "sitting on the floor",
    "stomach": "lying on your stomach",
    "hands_knees": "on your hands and knees",
    "kneeling": "kneeling",
}

#: Safe bounds for any timed part, before and after preferences are applied.
MIN_HOLD_SECONDS = 10
MAX_HOLD_SECONDS = 60
MAX_REPS = 12
MIN_REP_SECONDS = 3
MAX_REP_SECONDS = 10
MAX_REPEATS = 4
SIDES = ("right", "left")


class ContentError(ValueError):
    """Raised when a stretch or routine entry is not fit to be spoken."""


def _require(entry: Mapping[str, Any], where: str, *names: str) -> None:
    missing = [name for name in names if name not in entry or entry[name] in (None, "", (), [])]
    if missing:
        raise ContentError(f"{where}: missing field(s) {', '.join(missing)}")


def _text_list(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ContentError(f"{where}: expected a list of sentences, got {type(value).__name__}")
    items = tuple(value)
    if not items or not all(isinstance(item, str) and item.strip() for item in items):
        raise ContentError(f"{where}: every cue must be a non-empty sentence")
    return items


@dataclass(frozen=True)
class RepCue:
    """One breath cue of a repetition: said whole on the first reps, then only its short part."""

    say: str
    short: str


def _rep_cues(value: Any, where: str) -> tuple[RepCue, ...]:
    """Rep cues as ``{"say": "Breathe in, and arch a little.", "short": "Breathe in."}``: the short part is
    written out (not cut from the sentence), so a translation chooses its own."""
    if isinstance(value, (str, Mapping)) or not isinstance(value, Iterable):
        raise ContentError(f"{where}: expected a list of cues")
    cues = []
    for cue in value:
        if not isinstance(cue, Mapping) or not all(isinstance(cue.get(k), str) and cue[k].strip()
                                                   for k in ("say", "short")):
            raise ContentError(f"{where}: every rep cue needs 'say' and 'short' sentences")
        cues.append(RepCue(cue["say"], cue["short"]))
    return tuple(cues)


@dataclass(frozen=True)
class Timing:
    """The timed part of a stretch: either a hold or paced repetitions."""

    kind: str  # "hold", "roll" (timed like a hold, but keep moving: a massage ball) or "reps"
    per_side: bool
    hold_seconds: int = 0
    reps: int = 0
    rep_seconds: int = 0
    #: For reps: the two alternating breath cues, each whole ("Breathe in, and arch a little.") and short
    #: ("Breathe in."), the short part said on later reps.
    rep_cues: tuple[RepCue, ...] = ()
    #: For holds: how many holds of ``hold_seconds`` (each side), with a short rest between them.
    repeats: int = 1

    @property
    def timed(self) -> bool:
        """Timed in seconds (a hold or a roll), rather than counted in repetitions."""
        return self.kind in ("hold", "roll")

    @property
    def sides(self) -> int:
        return 2 if self.per_side else 1

    @classmethod
    def parse(cls, raw: Mapping[str, Any], where: str) -> "Timing":
        _require(raw, where, "kind")
        kind = raw["kind"]
        per_side = bool(raw.get("per_side", False))
        if kind in ("hold", "roll"):
            _require(raw, where, "seconds")
            seconds = raw["seconds"]
            if not isinstance(seconds, int) or isinstance(seconds, bool):
                raise ContentError(f"{where}: hold seconds must be a whole number")
            if not MIN_HOLD_SECONDS <= seconds <= MAX_HOLD_SECONDS:
                raise ContentError(
                    f"{where}: a hold of {seconds} s is outside {MIN_HOLD_SECONDS}-{MAX_HOLD_SECONDS} s"
                )
            repeats = raw.get("repeats", 1)
            if not isinstance(repeats, int) or isinstance(repeats, bool) or not 1 <= repeats <= MAX_REPEATS:
                raise ContentError(f"{where}: repeats must be a whole number from 1 to {MAX_REPEATS}")
            return cls(kind=kind, per_side=per_side, hold_seconds=seconds, repeats=repeats)
        if kind == "reps":
            _require(raw, where, "count", "seconds_per_rep", "cues")
            count, rep_seconds = raw["count"], raw["seconds_per_rep"]
            if not isinstance(count, int) or not 1 <= count <= MAX_REPS:
                raise ContentError(f"{where}: reps must be a whole number from 1 to {MAX_REPS}")
            if not isinstance(rep_seconds, int) or not MIN_REP_SECONDS <= rep_seconds <= MAX_REP_SECONDS:
                raise ContentError(
                    f"{where}: seconds per rep must be {MIN_REP_SECONDS}-{MAX_REP_SECONDS}"
                )
            cues = _rep_cues(raw["cues"], f"{where}.cues")
            if len(cues) != 2:
                raise ContentError(f"{where}: reps need exactly two alternating cues")
            return cls(kind="reps", per_side=per_side, reps=count, rep_seconds=rep_seconds, rep_cues=cues)
        raise ContentError(f"{where}: timing kind must be 'hold', 'roll' or 'reps', not {kind!r}")


@dataclass(frozen=True)
class Variant:
    """An easier way to do a stretch: its cues, and its own timed part where it differs from the stretch's."""

    name: str
    cues: tuple[str, ...]
    timing: Timing | None = None
    switch: tuple[str, ...] = ()


@dataclass(frozen=True)
class Stretch:
    id: str
    name: str
    synonyms: tuple[str, ...]
    position: str
    equipment: tuple[str, ...]
    targets: tuple[str, ...]
    setup: tuple[str, ...]
    movement: tuple[str, ...]
    timing: Timing
    breathing: str
    #: Short steps spoken, with time to move, when the person changes to the second side.
    switch: tuple[str, ...]
    easier: Variant
    #: Spoken inside the routine, where it matters: after the setup cues or after the movement cues.
    caution: str
    caution_at: str = "movement"
    #: Which side comes first in a per-side stretch; the cues are written for it.
    first_side: str = "right"
    #: Two key cues for a person who knows the stretch (brief mode).
    brief: tuple[str, ...] = ()
    #: Where the hold or rep numbers come from.
    dose: str = ""
    #: A stretch to do instead when the equipment is missing (None: leave it out).
    without_equipment: str | None = None

    @property
    def second_side(self) -> str:
        return SIDES[1 - SIDES.index(self.first_side)]

    @property
    def spoken_names(self) -> tuple[str, ...]:
        """The name plus every synonym, as people may say them."""
        return (self.name, *self.synonyms)

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> "Stretch":
        where = f"stretch {raw.get('id', '?')!r}"
        _require(
            raw, where, "id", "name", "synonyms", "position", "targets", "setup",
            "movement", "timing", "breathing", "easier", "caution",
        )
        if "equipment" not in raw:
            raise ContentError(f"{where}: missing field(s) equipment")
        if raw["position"] not in POSITIONS:
            raise ContentError(f"{where}: unknown position {raw['position']!r}")
        equipment = tuple(raw["equipment"])
        unknown = [item for item in equipment if item not in EQUIPMENT]
        if unknown:
            raise ContentError(f"{where}: unknown equipment {', '.join(map(repr, unknown))}")
        timing = Timing.parse(raw["timing"], f"{where}.timing")
        switch = _switch_steps(raw, where)
        if timing.per_side and not switch:
            raise ContentError(f"{where}: a per-side stretch needs switch steps")
        easier_raw = raw["easier"]
        _require(easier_raw, f"{where}.easier", "name", "cues")
        easier_timing = (Timing.parse(easier_raw["timing"], f"{where}.easier.timing")
                         if easier_raw.get("timing") else None)
        easier_switch = _switch_steps(easier_raw, f"{where}.easier")
        if easier_timing is not None and easier_timing.per_side and not (easier_switch or switch):
            raise ContentError(f"{where}.easier: a per-side variant needs switch steps")
        first_side = raw.get("first_side", "right")
        if first_side not in SIDES:
            raise ContentError(f"{where}: first_side must be 'right' or 'left'")
        caution_at = raw.get("caution_at", "movement")
        if caution_at not in ("setup", "movement"):
            raise ContentError(f"{where}: caution_at must be 'setup' or 'movement'")
        movement = _text_list(raw["movement"], f"{where}.movement")
        brief = _text_list(raw["brief"], f"{where}.brief") if raw.get("brief") else movement[:2]
        synonyms = tuple(s.strip().lower() for s in _text_list(raw["synonyms"], f"{where}.synonyms"))
        return cls(
            id=raw["id"],
            name=raw["name"],
            synonyms=synonyms,
            position=raw["position"],
            equipment=equipment,
            targets=_text_list(raw["targets"], f"{where}.targets"),
            setup=_text_list(raw["setup"], f"{where}.setup"),
            movement=movement,
            timing=timing,
            breathing=raw["breathing"],
            switch=switch,
            easier=Variant(easier_raw["name"], _text_list(easier_raw["cues"], f"{where}.easier.cues"),
                           easier_timing, easier_switch),
            caution=raw["caution"],
            caution_at=caution_at,
            first_side=first_side,
            brief=brief,
            dose=str(raw.get("dose", "")),
            without_equipment=raw.get("without_equipment"),
        )


def _switch_steps(raw: Mapping[str, Any], where: str) -> tuple[str, ...]:
    """The switch steps: a list of short sentences (or, in older content, one ``switch_cue`` string)."""
    if raw.get("switch"):
        return _text_list(raw["switch"], f"{where}.switch")
    cue = raw.get("switch_cue")
    if cue:
        return tuple(part.strip() + "." for part in str(cue).split(".") if part.strip())
    return ()


@dataclass(frozen=True)
class Routine:
    id: str
    name: str
    synonyms: tuple[str, ...]
    description: str
    stretch_ids: tuple[str, ...]
    #: "easier": every stretch in its easier version (the gentle routine).
    variant: str = "standard"
    #: Multiplies the time per repetition (above 1 is slower).
    tempo: float = 1.0
    #: Holds per side for every stretch (None: each stretch's own number): a short routine does one.
    holds: int | None = None

    @property
    def spoken_names(self) -> tuple[str, ...]:
        return (self.name, *self.synonyms)

    @classmethod
    def parse(cls, raw: Mapping[str, Any], known_stretches: Iterable[str]) -> "Routine":
        where = f"routine {raw.get('id', '?')!r}"
        _require(raw, where, "id", "name", "synonyms", "description", "stretches")
        known = set(known_stretches)
        ids = tuple(raw["stretches"])
        unknown = [sid for sid in ids if sid not in known]
        if unknown:
            raise ContentError(f"{where}: unknown stretch(es) {', '.join(unknown)}")
        if len(set(ids)) != len(ids):
            raise ContentError(f"{where}: a stretch appears twice")
        return cls(
            id=raw["id"],
            name=raw["name"],
            synonyms=tuple(s.strip().lower() for s in _text_list(raw["synonyms"], f"{where}.synonyms")),
            description=raw["description"],
            stretch_ids=ids,
            variant=_one_of(raw.get("variant", "standard"), ("standard", "easier"), f"{where}.variant"),
            tempo=_tempo(raw.get("tempo", 1.0), where),
            holds=_holds(raw.get("holds"), where),
        )


def _holds(value: Any, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_REPEATS:
        raise ContentError(f"{where}: holds must be a whole number from 1 to {MAX_REPEATS}")
    return value


def _one_of(value: Any, allowed: tuple[str, ...], where: str) -> str:
    if value not in allowed:
        raise ContentError(f"{where}: must be one of {', '.join(allowed)}")
    return value


def _tempo(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 1.0 <= value <= 2.0:
        raise ContentError(f"{where}: tempo must be from 1.0 (normal) to 2.0 (twice as slow)")
    return float(value)


def check_unique_names(kind: str, entries: Iterable[Stretch | Routine]) -> None:
    """Every id, name and synonym must point at exactly one entry."""
    seen: dict[str, str] = {}
    for entry in entries:
        if entry.id in seen.values():
            raise ContentError(f"{kind} id {entry.id!r} is used twice")
        for spoken in (entry.name.lower(), *entry.synonyms):
            owner = seen.get(spoken)
            if owner is not None and owner != entry.id:
                raise ContentError(
                    f"{kind} synonym {spoken!r} is claimed by both {owner!r} and {entry.id!r}"
                )
            seen[spoken] = entry.id
