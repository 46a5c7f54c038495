"""The conversation around the routine: opening, yes and no, help, stop, what wasn't understood."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from ..speech import Say, says
from .core import CoachCore
from .questions import Resume, StartRoutine
from .reply import Reply
from .state import CoachState

#: An unfinished routine newer than this is offered as a resume; older, as a fresh start.
RESUME_WINDOW = timedelta(hours=12)


class Conversation(CoachCore):
    def launch(self, state: CoachState) -> Reply:
        state = replace(state, paused=False, pending=None)
        if not state.safety_said:
            safety, state = self._safety_first(state)
            # Kept short (at most 20 s with the safety note): the choices are in the reprompt.
            speech = (Say(self.p("welcome_first")), *safety)
            return self._question(state, speech, StartRoutine())
        active = self._active(state)
        if active is not None:
            plan, stretch, index = active
            if self.now - datetime.fromtimestamp(state.updated, timezone.utc) <= RESUME_WINDOW:
                speech = says(self.p("welcome_resume"))
                return self._question(state, speech, Resume())
            speech = says(self.p("welcome_stale"))
            return self._question(replace(state, routine=None, stretch=None), speech,
                                  StartRoutine(plan.routine.id, again=True))
        speech = says(self.p("welcome_back"))
        return self._question(state, speech, StartRoutine())

    def yes(self, state: CoachState) -> Reply:
        if state.pending is not None:
            return state.pending.yes(self, replace(state, pending=None))
        if self._active(state) is not None:
            return self.next(state)  # type: ignore[attr-defined]
        return self._ask(state, says(self.p("nothing_to_confirm"), self.p("help_outside")), self._outside_prompt())

    def no(self, state: CoachState) -> Reply:
        if state.pending is not None:
            return state.pending.no(self, replace(state, pending=None))
        return self.carry_on(state)

    def help(self, state: CoachState) -> Reply:
        """What can be said here; it ends with a question, and a waiting question is asked again."""
        active = self._active(state)
        if active is None:
            speech = says(self.p("help_outside"))
            if state.pending is not None:
                return self._question(state, says(self.p("help_outside_short")), state.pending)
            return self._ask(replace(state, last="help"), speech, self._outside_prompt())
        plan, stretch, index = active
        speech = says(self.p("help_in_routine", name=stretch.name, number=index + 1, total=plan.total))
        if state.pending is not None:
            return self._question(state, speech, state.pending)
        return self._ask(state, (*speech, Say(self.p("anything_else"))), self._step_reprompt(plan, index))

    def stop(self, state: CoachState) -> Reply:
        """"Stop", "that's enough for today": keep the place and say what was done."""
        state = replace(state, pending=None, timeline=(), timeline_at=0)
        active = self._active(state)
        if active is None:
            return self._end(state, says(self.p("goodbye")))
        plan, stretch, index = active
        line = self.p("stopped_after", number=index + 1, total=plan.total, name=stretch.name,
                      routine=plan.routine.name)
        return self._end(state, says(self.p("stop_intro"), line, self.p("goodbye_in_routine")))

    def fallback(self, state: CoachState) -> Reply:
        """Not understood: say so, and ask again whatever was waiting for an answer."""
        if state.pending is not None:
            return self._question(state, says(self.p("fallback_short")), state.pending)
        active = self._active(state)
        if active is None:
            return self._ask(state, says(self.p("fallback_outside")), self._outside_prompt())
        plan, stretch, index = active
        return self._ask(state, says(self.p("fallback_in_routine", name=stretch.name)),
                         self._step_reprompt(plan, index))

    def unsupported(self, state: CoachState) -> Reply:
        return self._ask(state, says(self.p("unsupported")), self._reprompt_for(state))

    def error(self, state: CoachState) -> Reply:
        return self._ask(state, says(self.p("error")), says(self.p("error_reprompt")))
