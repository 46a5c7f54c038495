"""The small, serialisable state of one person's coaching session.

It is stored as a plain dict (session attributes now, the persistent store
too). ``from_dict`` never raises: a field that is missing or of the wrong
type falls back to its default, so odd input can't crash a turn.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Mapping

SCHEMA_VERSION = 1


@dataclass
class CoachState:
    #: Routine being done, or None outside a routine.
    routine: str | None = None
    #: Index of the current stretch in the routine's plan.
    index: int = 0
    #: True after "pause" / "wait" until "resume".
    paused: bool = False
    #: A yes/no question waiting for its answer: "start" or "skip:<stretch id>".
    pending: str | None = None
    #: What "repeat" replays outside a routine: "howto:<id>", "routines", "stretches", "help".
    last: str | None = None
    #: The one-time safety note has been given.
    safety_said: bool = False

    @property
    def in_routine(self) -> bool:
        return self.routine is not None

    def to_dict(self) -> dict[str, Any]:
        return {"v": SCHEMA_VERSION, **asdict(self)}

    @classmethod
    def from_dict(cls, raw: Any) -> "CoachState":
        if not isinstance(raw, Mapping):
            return cls()
        defaults = cls()

        def pick(name: str, kind: type | tuple[type, ...], default: Any) -> Any:
            value = raw.get(name, default)
            if isinstance(value, bool) and kind is int:
                return default
            return value if isinstance(value, kind) else default

        index = pick("index", int, 0)
        return cls(
            routine=pick("routine", str, None) or None,
            index=index if index >= 0 else 0,
            paused=pick("paused", bool, False),
            pending=pick("pending", str, None) or None,
            last=pick("last", str, None) or None,
            safety_said=pick("safety_said", bool, defaults.safety_said),
        )
