"""Comfort and safety: easier versions, pain, red-flag symptoms, health conditions.

Nothing here keeps health information. A symptom or a condition is answered
in the moment; a condition leaves stretches out for this session only
(``CoachState.leave_out_today``, never stored). Only a stretch the person asks
to leave out for good becomes a preference, and that is a stretch id, not a
reason.
"""

from __future__ import annotations

from dataclasses import replace

from .. import narration
from ..content import Stretch
from ..speech import Say, says
from .core import CoachCore
from .questions import ChooseRoutine, GoOn, HurtOptions
from .reply import Reply, ShowSafety
from .state import CoachState, with_prefs


class Comfort(CoachCore):
    def easier(self, state: CoachState) -> Reply:
        active = self._active(state)
        if active is None:
            return self._ask(replace(state, pending=None), says(self.p("easier_outside")), self._outside_prompt())
        plan, stretch, index = active
        state = self._at(state, plan, index)
        speech = (*narration.easier(stretch, self.p, plan.hold_seconds(stretch), state.prefs.sounds),
                  *self._closing(plan, index))
        return self._ask(state, speech, self._step_reprompt(plan, index), self._show(plan, index))

    def hurts(self, state: CoachState) -> Reply:
        """"That hurts": stop at once, then offer three ways on. Never goes on by itself."""
        active = self._active(state)
        if active is None:
            return self._ask(replace(state, pending=None),
                             (Say(self.p("hurts_outside")), Say(self.p("anything_else"))), self._outside_prompt())
        plan, stretch, index = active
        state = replace(self._at(state, plan, index), paused=True)
        return self._question(state, says(self.p("hurts")), HurtOptions(stretch.id))

    def rest_on_hurt(self, state: CoachState) -> Reply:
        """"No" to the three ways on: rest; the offer stands, so "okay" or "continue" later skips it."""
        active = self._active(state)
        if active is None:
            return self.carry_on(state)
        _, stretch, _ = active
        state = replace(state, paused=True, pending=HurtOptions(stretch.id))
        return self._ask(state, says(self.p("rest_on_hurt")), says(self.p("offer_hurt_options_reprompt")))

    def leave_out(self, state: CoachState, stretch_id: str) -> Reply:
        """"Yes, leave it out from now on", asked after a skip: then go on from where the skip left us."""
        stretch = self.library.stretches.get(stretch_id)
        if stretch is None:
            return self.go_on(state, None)  # type: ignore[attr-defined]
        before = self._active(state)
        state = self._without(state, stretch)
        lead = self.p("skip_forever_done", name=stretch.name)
        if before is not None and before[1].id == stretch.id:  # it was the last stretch: the routine is done
            return self._finish(state, before[0], says(lead))  # type: ignore[attr-defined]
        return self.go_on(state, None, lead)  # type: ignore[attr-defined]

    @staticmethod
    def _without(state: CoachState, stretch: Stretch) -> CoachState:
        return with_prefs(state, skip=tuple(dict.fromkeys((*state.prefs.skip, stretch.id))))

    def red_flag(self, state: CoachState) -> Reply:
        """Numbness, tingling, weakness, bladder or bowel changes, pain after a fall: stop, urgent help, end."""
        active = self._active(state)
        if active is not None:
            plan, _, index = active
            state = replace(self._at(state, plan, index), paused=True)
        speech = says(self.p("red_flag"), self.p("red_flag_close" if active else "red_flag_close_outside"))
        return self._end(replace(state, pending=None), speech, (ShowSafety("red_flag"),))

    def health_condition(self, state: CoachState, condition_name: str | None) -> Reply:
        """"I'm pregnant", "is this safe for me": a kind caution, and stretches left out for this session."""
        condition = self.library.find_condition(condition_name)
        if condition is None:
            return self._then_carry_on(state, says(self.p("health_general")))
        before = self._active(state)
        leave = tuple(dict.fromkeys((*state.leave_out_today, *condition.leave_out)))
        state = replace(state, leave_out_today=leave)
        speech = [Say(self.p("health_thanks")), Say(self.p.localise(condition.advice))]
        effects = (ShowSafety(f"condition:{condition.id}"),)
        if before is None:
            reply = self._question(state, speech, self._choose_for_today(state))
            return replace(reply, effects=effects)
        old_plan, stretch, index = before
        removed = [s.name for s in old_plan.stretches if s.id in condition.leave_out]
        if removed:
            speech.append(Say(self.p("health_removed", names=self.p.join(removed), routine=old_plan.routine.name)))
        plan = self.plan(state)
        # Where to go on: the first stretch from here on, in routine order, that is still in today's plan.
        kept = next((s for s in old_plan.stretches[index:] if s.id not in leave), None)
        if plan is None:
            speech.append(Say(self.p("health_routine_empty", routine=old_plan.routine.name)))
            reply = self._question(replace(state, paused=False), speech, self._choose_for_today(state))
        elif kept is None:  # everything left of this routine is left out: it is done for today
            reply = self._finish(state, plan, tuple(speech))  # type: ignore[attr-defined]
        elif kept.id != stretch.id:
            reply = self._question(self._at(state, plan, plan.index_of(kept.id, 0)), speech, GoOn())
        else:
            reply = self._then_carry_on(replace(state, pending=None), tuple(speech))
        return replace(reply, effects=effects)

    def _choose_for_today(self, state: CoachState) -> ChooseRoutine:
        """Which routine to offer when some are empty today: the first one with stretches left, if any."""
        usable = next((r for r in self.library.routines if self.plan(state, r) is not None), None)
        return ChooseRoutine(default=usable)
