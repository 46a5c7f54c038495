"""Preferences set by voice: hold length (and pace), instructions, sounds, equipment, reset."""

from __future__ import annotations

from dataclasses import replace

from ..speech import says
from .core import CoachCore
from .plan import HOLD_STEP, MAX_HOLD_OFFSET, MIN_HOLD_OFFSET
from .questions import ResetPreferences
from .reply import Reply
from .state import CoachState, Preferences, with_prefs


class PreferenceChanges(CoachCore):
    def holds_longer(self, state: CoachState) -> Reply:
        return self._change_holds(state, HOLD_STEP)

    def holds_shorter(self, state: CoachState) -> Reply:
        return self._change_holds(state, -HOLD_STEP)

    def _change_holds(self, state: CoachState, step: int) -> Reply:
        current = state.prefs.hold_offset
        wanted = min(max(current + step, MIN_HOLD_OFFSET), MAX_HOLD_OFFSET)
        if wanted == current:
            key = "holds_at_longest" if step > 0 else "holds_at_shortest"
            return self._then_carry_on(state, says(self.p(key)))
        state = with_prefs(state, hold_offset=wanted)
        if wanted == 0:
            line = self.p("holds_normal")
        else:
            key = "holds_longer" if wanted > 0 else "holds_shorter"
            line = self.p(key, seconds=abs(wanted))
        return self._then_carry_on(state, says(line))

    def instructions_brief(self, state: CoachState) -> Reply:
        """"Shorter instructions": the key cues only, from the next stretch on, remembered."""
        return self._then_carry_on(with_prefs(state, detail="brief"), says(self.p("detail_brief")))

    def instructions_full(self, state: CoachState) -> Reply:
        """"More detail": the whole setup every time, remembered."""
        return self._then_carry_on(with_prefs(state, detail="full"), says(self.p("detail_full")))

    def sounds_off(self, state: CoachState) -> Reply:
        """"No sounds": no chimes at the end of holds or before "switch sides", remembered; the words stay."""
        return self._then_carry_on(with_prefs(state, sounds=False), says(self.p("sounds_off")))

    def sounds_on(self, state: CoachState) -> Reply:
        """"Sounds on": the chimes are back, remembered."""
        return self._then_carry_on(with_prefs(state, sounds=True), says(self.p("sounds_on")))

    def lack_equipment(self, state: CoachState, equipment_name: str | None) -> Reply:
        equipment = self.library.find_equipment(equipment_name)
        if equipment is None:
            return self._then_carry_on(state, says(self.p("equipment_unknown", names=self._equipment_list())))
        state = replace(with_prefs(state, missing=tuple(dict.fromkeys((*state.prefs.missing, equipment)))),
                        equipment_noted=False)
        name = self.library.equipment[equipment]["name"]
        return self._then_carry_on(state, says(self.p("equipment_missing_noted", equipment=name)))

    def have_equipment(self, state: CoachState, equipment_name: str | None) -> Reply:
        equipment = self.library.find_equipment(equipment_name)
        if equipment is None:
            return self._then_carry_on(state, says(self.p("equipment_unknown", names=self._equipment_list())))
        missing = tuple(e for e in state.prefs.missing if e != equipment)
        state = replace(with_prefs(state, missing=missing), equipment_noted=False)
        name = self.library.equipment[equipment]["name"]
        return self._then_carry_on(state, says(self.p("equipment_have_noted", equipment=name)))

    def _equipment_list(self) -> str:
        return self.p.join((item["spoken"] for item in self.library.equipment.values()), "or")

    def reset_preferences(self, state: CoachState) -> Reply:
        return self._question(state, says(self.p("reset_confirm")), ResetPreferences())

    def reset_confirmed(self, state: CoachState) -> Reply:
        kept = replace(state, prefs=Preferences(), equipment_noted=False)
        return self._then_carry_on(kept, says(self.p("reset_done")))

    def reset_declined(self, state: CoachState) -> Reply:
        return self._then_carry_on(state, says(self.p("reset_kept")))
