"""Moving through a routine: start, next, back, repeat, skip, pause, resume, finish."""

from __future__ import annotations

from dataclasses import replace

from ..speech import Narration, Pause, Say, says
from . import progress
from .core import CoachCore
from .plan import Plan
from .questions import ChooseRoutine, GoOn, LeaveOut, StartRoutine
from .reply import Reply, ShowDone
from .state import CoachState

ROUTINE_INTRO_PAUSE = 2.0


class Navigation(CoachCore):
    def start(self, state: CoachState, routine_name: str | None = None, lead: Narration = ()) -> Reply:
        if not routine_name:
            # "let's start" while a question names a routine ("start the hips routine again?") means that one.
            routine_name = state.pending.offered_routine if state.pending else None
        state = replace(state, pending=None)
        if routine_name:
            routine = self.library.find_routine(routine_name)
            if routine is None:
                speech = says(self.p("routine_unknown", name=routine_name, routines=self.routine_names()))
                return self._question(state, speech, ChooseRoutine())
        else:
            routine = self.library.routine(self.library.default_routine)
        plan = self.plan(state, routine.id)
        if plan is None and state.leave_out_today:
            speech = says(self.p("routine_left_out_today", routine=routine.name))
            return self._question(state, speech, self._choose_for_today(state))  # type: ignore[attr-defined]
        if plan is None:
            speech = says(self.p("routine_all_skipped", routine=routine.name))
            return self._ask(state, speech, says(self.p("routine_all_skipped_reprompt")))
        safety, state = self._safety_first(state)
        if not state.checks_said:
            safety, state = (*safety, Say(self.p("check_first"))), replace(state, checks_said=True)
        intro = [*lead, *safety, Say(self.p("routine_intro",
                                            routine=routine.name, count=plan.total,
                                            minutes=self.p.minutes(plan.seconds(self.p)),
                                            space=self.p("space_needed")))]
        if plan.changes and not state.equipment_noted:
            intro += [Say(self._change_note(change)) for change in plan.changes]
            state = replace(state, equipment_noted=True)
        if plan.equipment():
            intro.append(Say(self.p("routine_needs", equipment=self.p.join(plan.equipment()))))
        intro.append(Pause(ROUTINE_INTRO_PAUSE))
        state = replace(state, last=None)
        return self._narrate(state, plan, 0, tuple(intro))

    def _change_note(self, change) -> str:
        equipment = self.library.equipment[change.equipment]["spoken"]
        if change.alternative is not None:
            return self.p("equipment_alternative", equipment=equipment, stretch=change.stretch.name,
                          alternative=change.alternative)
        if change.substitute is not None:
            return self.p("equipment_swapped", equipment=equipment, stretch=change.stretch.name,
                          substitute=change.substitute.name)
        return self.p("equipment_left_out", equipment=equipment, stretch=change.stretch.name)

    def choose_instead(self, state: CoachState, default: str | None) -> Reply:
        """A "no" to "shall we start / carry on?": ask what instead, don't start anything."""
        return self._question(state, says(self.p("okay")), ChooseRoutine(default=default))

    def nothing_chosen(self, state: CoachState) -> Reply:
        return self._ask(replace(state, pending=None), says(self.p("no_outside")), self._outside_prompt())

    # --- moving through a routine -----------------------------------------------
    def next(self, state: CoachState) -> Reply:
        """"Next", "ready", "okay", "continue": answers a waiting question, otherwise moves on."""
        if state.pending is not None:
            return state.pending.next(self, replace(state, pending=None))
        active = self._active(state)
        if active is None:
            return self._not_in_routine(state)
        plan, _, index = active
        if state.paused:
            return self.resume(state)
        if plan.is_last(index):
            return self._finish(state, plan)
        return self._narrate(state, plan, index + 1)

    def previous(self, state: CoachState) -> Reply:
        active = self._active(state)
        if active is None:
            return self._not_in_routine(state)
        plan, _, index = active
        if index <= 0:
            return self._narrate(state, plan, 0, says(self.p("no_previous")))
        return self._narrate(state, plan, index - 1)

    def repeat(self, state: CoachState) -> Reply:
        """Say again what was just said: the question if one waits, else the stretch, else the last answer."""
        active = self._active(state) is not None
        if state.pending is not None and state.pending.repeat_asks and (active or not state.last):
            return self._question(state, (), state.pending)
        if active:
            return self._narrate_current(state)
        return self._replay_last(state)  # type: ignore[attr-defined]

    def start_over(self, state: CoachState) -> Reply:
        routine_id = state.routine or (state.pending.offered_routine if state.pending else None)
        plan = self.plan(state, routine_id)
        if plan is None:
            return self.start(state)
        return self._narrate(state, plan, 0, says(self.p("starting_over", routine=plan.routine.name)))

    def skip(self, state: CoachState, ask_leave_out: bool = False) -> Reply:
        """Move past the current stretch at once. After pain, also ask (on the side) to leave it out for good."""
        if isinstance(state.pending, (LeaveOut, GoOn)):  # "skip" a side question: go on without answering
            return state.pending.next(self, replace(state, pending=None))
        state = replace(state, pending=None)
        active = self._active(state)
        if active is None:
            return self._not_in_routine(state)
        plan, stretch, index = active
        lead = says(self.p("skipped", name=stretch.name))
        if ask_leave_out and stretch.id not in state.prefs.skip:
            place = self._at(state, plan, index if plan.is_last(index) else index + 1)
            return self._question(place, lead, LeaveOut(stretch.id))
        if plan.is_last(index):
            return self._finish(state, plan, lead)
        return self._narrate(state, plan, index + 1, lead)

    def go_on(self, state: CoachState, skipped: str | None, lead_text: str | None = None) -> Reply:
        """Narrate the current stretch (the one after a skip); if the skipped one was the last, finish."""
        lead = says(lead_text) if lead_text else ()
        active = self._active(state)
        if active is None:
            return self._not_in_routine(state)
        plan, stretch, index = active
        if skipped is not None and stretch.id == skipped:
            return self._finish(state, plan, lead)
        return self._narrate(state, plan, index, lead)

    def pause(self, state: CoachState) -> Reply:
        active = self._active(state)
        if active is None:
            return self._not_in_routine(state)
        plan, stretch, index = active
        state = replace(self._at(state, plan, index), paused=True)
        return self._ask(state, says(self.p("paused", name=stretch.name)),
                         says(self.p("paused_reprompt", name=stretch.name)))

    def resume(self, state: CoachState) -> Reply:
        """"Resume", "I'm back", "let's carry on": answers a waiting question like "next" does."""
        if state.pending is not None:
            return state.pending.next(self, replace(state, pending=None))
        if self._active(state) is None:
            if not state.safety_said:
                return self.launch(state)  # type: ignore[attr-defined]  # a new person: nothing to resume
            return self._not_in_routine(state)
        if not state.paused:
            return self.next(state)  # "continue" after a stretch means go on, not do it again
        return self.pick_up(state)

    def pick_up(self, state: CoachState) -> Reply:
        """Where the person left off (after a pause, or in a new session): that stretch again."""
        if self._active(state) is None:
            return self._not_in_routine(state)
        return self._narrate_current(replace(state, pending=None), says(self.p("resuming")))

    def _finish(self, state: CoachState, plan: Plan, lead: Narration = ()) -> Reply:
        today = self.today(state)  # type: ignore[attr-defined]
        history, streak_grew = progress.record(state.history, today, plan.routine.id)
        done = replace(state, routine=None, stretch=None, index=0, side=0, paused=False, pending=None,
                       history=history, updated=int(self.now.timestamp()), timeline=(), timeline_at=0)
        speech = [*lead, Say(self.p("finished", routine=plan.routine.name))]
        streak = progress.streak(history, today)
        if streak_grew and streak >= 2:
            speech.append(Say(self.p("streak_new", days=streak)))
        shown = ShowDone(plan.routine.id, streak, progress.in_last_days(history, today, 7))
        if len(history) >= 2 and not done.reminder_asked:  # a habit forming: offer a daily reminder, once
            offer = self.offer_reminder(done, tuple(speech))  # type: ignore[attr-defined]
            return replace(offer, effects=(*offer.effects, shown))
        speech.append(Say(self.p("come_back")))
        return self._end(done, tuple(speech), (shown,))

    def _not_in_routine(self, state: CoachState) -> Reply:
        """"We're not in a routine", then the question waiting (if any) or an offer to start one."""
        safety, state = self._safety_first(state)
        speech = (*safety, *says(self.p("no_routine")))
        return self._question(state, speech, state.pending or StartRoutine())
