"""The coach: every conversational decision, with no Alexa types.

Each public method takes the current :class:`CoachState` (and any slot value
as a plain string) and returns a :class:`Reply`: what to say, what to say if
the person says nothing, whether the session ends, and the new state.
Handlers only translate requests into these calls.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from .. import narration
from ..content import LIBRARY, Library, Stretch
from ..localization import Phrases, phrases_for
from ..speech import Narration, Pause, Say, says
from .plan import Plan, plan_for
from .state import CoachState

ROUTINE_INTRO_PAUSE = 2.0


@dataclass(frozen=True)
class Reply:
    speech: Narration
    reprompt: Narration | None
    end_session: bool
    state: CoachState


class Coach:
    def __init__(self, locale: str | None = None, library: Library = LIBRARY):
        self.p: Phrases = phrases_for(locale)
        self.library = library

    # --- helpers --------------------------------------------------------------
    def _plan(self, state: CoachState) -> Plan | None:
        if state.routine in self.library.routines:
            return plan_for(self.library, state.routine)
        return None

    def _active(self, state: CoachState) -> tuple[Plan, Stretch] | None:
        """The plan and current stretch, or None outside a (valid) routine."""
        plan = self._plan(state)
        if plan is None:
            return None
        return plan, plan.stretch(state.index)

    def _ask(self, state: CoachState, speech: Narration, reprompt: Narration) -> Reply:
        return Reply(tuple(speech), tuple(reprompt), False, state)

    def _end(self, state: CoachState, speech: Narration) -> Reply:
        return Reply(tuple(speech), None, True, state)

    def _safety_first(self, state: CoachState) -> tuple[Narration, CoachState]:
        if state.safety_said:
            return (), state
        return says(self.p("safety_note")), replace(state, safety_said=True)

    def _narrate_current(self, state: CoachState, lead: Narration = ()) -> Reply:
        """Narrate the current stretch, then the closing prompt."""
        plan, stretch = self._active(state)
        index = plan.clamp(state.index)
        state = replace(state, index=index, paused=False, pending=None)
        body = narration.stretch(stretch, self.p, index + 1, plan.total)
        return self._ask(state, (*lead, *body, *self._closing(plan, index)), self._step_reprompt(plan, index))

    def _closing(self, plan: Plan, index: int) -> Narration:
        key = "after_last_stretch" if plan.is_last(index) else "after_stretch"
        return (Pause(1.0), Say(self.p(key)))

    def _step_reprompt(self, plan: Plan, index: int) -> Narration:
        key = "last_step_reprompt" if plan.is_last(index) else "step_reprompt"
        return says(self.p(key, name=plan.stretch(index).name))

    def _outside_prompt(self) -> Narration:
        return says(self.p("help_reprompt_outside"))

    def _routine_names(self) -> str:
        return self.p.join((r.name for r in self.library.routines.values()), "or")

    # --- starting -------------------------------------------------------------
    def launch(self, state: CoachState) -> Reply:
        state = replace(state, pending="start", paused=False)
        if not state.safety_said:
            safety, state = self._safety_first(state)
            speech = (Say(self.p("welcome_first")), *safety, Say(self.p("welcome_choices")))
        else:
            speech = says(self.p("welcome_back", routines=self._routine_names()))
        return self._ask(state, speech, says(self.p("launch_reprompt")))

    def start(self, state: CoachState, routine_name: str | None = None) -> Reply:
        if routine_name:
            routine = self.library.find_routine(routine_name)
            if routine is None:
                speech = says(self.p("routine_unknown", name=routine_name, routines=self._routine_names()),
                              self.p("routine_list_reprompt"))
                return self._ask(replace(state, pending=None), speech, says(self.p("routine_list_reprompt")))
        else:
            routine = self.library.routine(self.library.default_routine)
        plan = plan_for(self.library, routine.id)
        safety, state = self._safety_first(state)
        state = replace(state, routine=routine.id, index=0, paused=False, pending=None, last=None)
        intro = [*safety, Say(self.p("routine_intro", routine=routine.name, count=plan.total,
                                     minutes=self.p.minutes(plan.seconds(self.p))))]
        if plan.equipment():
            intro.append(Say(self.p("routine_needs", equipment=self.p.join(plan.equipment()))))
        intro.append(Pause(ROUTINE_INTRO_PAUSE))
        return self._narrate_current(state, tuple(intro))

    # --- moving through a routine -----------------------------------------------
    def next(self, state: CoachState) -> Reply:
        active = self._active(state)
        if active is None:
            # "ready" / "okay" after the welcome's "Shall we start?" means yes.
            return self.start(state) if state.pending == "start" else self._not_in_routine(state)
        plan, _ = active
        if state.paused:
            # "continue" / "go on" after "wait": carry on with the stretch that was kept.
            return self.resume(state)
        if plan.is_last(state.index):
            return self._finish(state, plan)
        return self._narrate_current(replace(state, index=state.index + 1))

    def previous(self, state: CoachState) -> Reply:
        if self._active(state) is None:
            return self._not_in_routine(state)
        if state.index <= 0:
            return self._narrate_current(state, says(self.p("no_previous")))
        return self._narrate_current(replace(state, index=state.index - 1))

    def repeat(self, state: CoachState) -> Reply:
        if self._active(state) is not None:
            return self._narrate_current(state)
        return self._replay_last(state)

    def start_over(self, state: CoachState) -> Reply:
        active = self._active(state)
        if active is None:
            return self.start(state)
        plan, _ = active
        return self._narrate_current(replace(state, index=0),
                                     says(self.p("starting_over", routine=plan.routine.name)))

    def pause(self, state: CoachState) -> Reply:
        active = self._active(state)
        if active is None:
            return self._not_in_routine(state)
        _, stretch = active
        state = replace(state, paused=True, pending=None)
        return self._ask(state, says(self.p("paused", name=stretch.name)),
                         says(self.p("paused_reprompt", name=stretch.name)))

    def resume(self, state: CoachState) -> Reply:
        if self._active(state) is None:
            return self._not_in_routine(state)
        return self._narrate_current(state, says(self.p("resuming")))

    def _finish(self, state: CoachState, plan: Plan) -> Reply:
        done = replace(state, routine=None, index=0, paused=False, pending=None)
        return self._end(done, says(self.p("finished", routine=plan.routine.name)))

    def _not_in_routine(self, state: CoachState) -> Reply:
        state = replace(state, pending="start")
        speech = says(self.p("no_routine"), self.p("welcome_back", routines=self._routine_names()))
        return self._ask(state, speech, says(self.p("launch_reprompt")))

    # --- information --------------------------------------------------------------
    def where_am_i(self, state: CoachState) -> Reply:
        active = self._active(state)
        if active is None:
            return self._not_in_routine(state)
        plan, stretch = active
        speech = says(
            self.p("where_am_i", number=state.index + 1, total=plan.total, name=stretch.name,
                   routine=plan.routine.name),
            self.p("carry_on_prompt", name=stretch.name),
        )
        return self._ask(replace(state, pending=None), speech, self._step_reprompt(plan, state.index))

    def how_many_left(self, state: CoachState) -> Reply:
        active = self._active(state)
        if active is None:
            return self._not_in_routine(state)
        plan, stretch = active
        left = plan.total - 1 - state.index
        minutes = self.p.minutes(plan.seconds(self.p, state.index + 1))
        if left <= 0:
            line = self.p("how_many_left_none")
        elif left == 1:
            line = self.p("how_many_left_one", minutes=minutes)
        else:
            line = self.p("how_many_left", count=left, minutes=minutes)
        speech = says(line, self.p("carry_on_prompt", name=stretch.name))
        return self._ask(replace(state, pending=None), speech, self._step_reprompt(plan, state.index))

    def howto(self, state: CoachState, stretch_name: str | None) -> Reply:
        active = self._active(state)
        stretch = self.library.find_stretch(stretch_name)
        if stretch is None and not stretch_name and active is not None:
            stretch = active[1]  # "how do I do this one?"
        if stretch is None:
            key = "stretch_unknown_named" if stretch_name else "stretch_unknown"
            speech = says(self.p(key, name=stretch_name or ""))
            return self._then_carry_on(state, speech)
        state = replace(state, last=f"howto:{stretch.id}")
        return self._then_carry_on(state, narration.howto(stretch, self.p))

    def list_routines(self, state: CoachState) -> Reply:
        items = " ".join(
            self.p("routine_item", name=r.name, description=r.description,
                   minutes=self.p.minutes(plan_for(self.library, r.id).seconds(self.p)))
            for r in self.library.routines.values()
        )
        speech = says(self.p("routine_list", count=len(self.library.routines), items=items))
        if self._active(state) is not None:
            return self._then_carry_on(state, speech)
        return self._ask(replace(state, pending=None, last="routines"), speech,
                         says(self.p("routine_list_reprompt")))

    def list_stretches(self, state: CoachState) -> Reply:
        names = self.p.join(s.name for s in self.library.stretches.values())
        speech = says(self.p("stretch_list", count=len(self.library.stretches), names=names))
        if self._active(state) is not None:
            return self._then_carry_on(state, speech)
        return self._ask(replace(state, pending=None, last="stretches"), speech,
                         says(self.p("stretch_list_reprompt")))

    def _then_carry_on(self, state: CoachState, speech: Narration) -> Reply:
        """Answer a question, then tell the person how to get back on track."""
        state = replace(state, pending=None)
        active = self._active(state)
        if active is None:
            return self._ask(state, (*speech, Say(self.p("anything_else"))), self._outside_prompt())
        plan, stretch = active
        return self._ask(state, (*speech, Say(self.p("carry_on_prompt", name=stretch.name))),
                         self._step_reprompt(plan, state.index))

    def _replay_last(self, state: CoachState) -> Reply:
        replays: dict[str, Callable[[], Reply]] = {
            "routines": lambda: self.list_routines(state),
            "stretches": lambda: self.list_stretches(state),
        }
        last = state.last or ""
        if last.startswith("howto:"):
            return self.howto(state, last.split(":", 1)[1])
        return replays.get(last, lambda: self.help(state))()

    # --- comfort and safety -----------------------------------------------------
    def easier(self, state: CoachState) -> Reply:
        active = self._active(state)
        if active is None:
            return self._ask(replace(state, pending=None), says(self.p("easier_outside")), self._outside_prompt())
        plan, stretch = active
        state = replace(state, paused=False, pending=None)
        speech = (*narration.easier(stretch, self.p), *self._closing(plan, state.index))
        return self._ask(state, speech, self._step_reprompt(plan, state.index))

    def hurts(self, state: CoachState) -> Reply:
        active = self._active(state)
        if active is None:
            return self._ask(replace(state, pending=None), (Say(self.p("hurts_outside")), Say(self.p("anything_else"))),
                             self._outside_prompt())
        _, stretch = active
        state = replace(state, pending=f"skip:{stretch.id}", paused=True)
        return self._ask(state, says(self.p("hurts"), self.p("offer_skip", name=stretch.name)),
                         says(self.p("offer_skip_reprompt", name=stretch.name)))

    # --- yes / no -----------------------------------------------------------------
    def yes(self, state: CoachState) -> Reply:
        pending = state.pending or ""
        state = replace(state, pending=None)
        if pending == "start":
            return self.start(state)
        if pending.startswith("skip:") and self._active(state) is not None:
            return self._skip(state)
        if self._active(state) is not None:
            return self.next(state)
        return self._ask(state, says(self.p("nothing_to_confirm"), self.p("help_outside")), self._outside_prompt())

    def _skip(self, state: CoachState) -> Reply:
        plan, stretch = self._active(state)
        lead = says(self.p("skipped", name=stretch.name))
        if plan.is_last(state.index):
            finished = self._finish(state, plan)
            return replace(finished, speech=(*lead, *finished.speech))
        return self._narrate_current(replace(state, index=state.index + 1), lead)

    def no(self, state: CoachState) -> Reply:
        pending = state.pending or ""
        state = replace(state, pending=None)
        active = self._active(state)
        if pending.startswith("skip:") and active is not None:
            plan, stretch = active
            return self._ask(state, says(self.p("not_skipped", name=stretch.name)),
                             says(self.p("skip_offer_reprompt", name=stretch.name)))
        if active is not None:
            plan, stretch = active
            return self._ask(state, says(self.p("carry_on_prompt", name=stretch.name)),
                             self._step_reprompt(plan, state.index))
        return self._ask(state, says(self.p("no_outside")), self._outside_prompt())

    # --- help, stop, fallback, errors -------------------------------------------
    def help(self, state: CoachState) -> Reply:
        state = replace(state, pending=None)
        active = self._active(state)
        if active is None:
            return self._ask(replace(state, last="help"), says(self.p("help_outside")), self._outside_prompt())
        plan, stretch = active
        speech = says(self.p("help_in_routine", name=stretch.name, number=state.index + 1, total=plan.total))
        return self._ask(state, speech, self._step_reprompt(plan, state.index))

    def stop(self, state: CoachState) -> Reply:
        key = "goodbye_in_routine" if self._active(state) is not None else "goodbye"
        return self._end(replace(state, pending=None), says(self.p(key)))

    def fallback(self, state: CoachState) -> Reply:
        state = replace(state, pending=None)
        active = self._active(state)
        if active is None:
            return self._ask(state, says(self.p("fallback_outside")), self._outside_prompt())
        plan, stretch = active
        return self._ask(state, says(self.p("fallback_in_routine", name=stretch.name)),
                         self._step_reprompt(plan, state.index))

    def unsupported(self, state: CoachState) -> Reply:
        return self._ask(state, says(self.p("unsupported")), self._reprompt_for(state))

    def error(self, state: CoachState) -> Reply:
        return self._ask(state, says(self.p("error")), says(self.p("error_reprompt")))

    def _reprompt_for(self, state: CoachState) -> Narration:
        active = self._active(state)
        if active is None:
            return self._outside_prompt()
        return self._step_reprompt(active[0], state.index)
