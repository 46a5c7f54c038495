"""The conversation around the routine: opening, yes and no, help, stop, what wasn't understood."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from ..speech import Named, Narration, Say, says
from .core import CoachCore
from .questions import ChooseRoutine, DeleteData, LeaveOut, Resume, StartRoutine
from .reply import ForgetPerson, Reply, ShowHome
from .state import CoachState

#: An unfinished routine newer than this is offered as a resume; older, as a fresh start.
RESUME_WINDOW = timedelta(hours=12)


class Conversation(CoachCore):
    def launch(self, state: CoachState) -> Reply:
        return self._home(self._launch(state), "welcome")

    def _home(self, reply: Reply, topic: str) -> Reply:
        """A reply outside a stretch, with the coach's own screen (offering what the waiting question offers)."""
        pending = reply.state.pending
        screen = ShowHome(topic, getattr(pending, "offered_routine", None), isinstance(pending, Resume))
        return replace(reply, effects=(*reply.effects, screen))

    def _launch(self, state: CoachState) -> Reply:
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
                return self._question(state, self._welcome("welcome_resume"), Resume())
            return self._question(replace(state, routine=None, stretch=None), self._welcome("welcome_stale"),
                                  StartRoutine(plan.routine.id, again=True))
        return self._question(state, self._welcome("welcome_back"), StartRoutine())

    def _welcome(self, key: str) -> Narration:
        """"Welcome back", by name for a recognised speaker (Alexa fills in the name)."""
        if self.person:
            return (Named(self.p("welcome_back_person", name="{name}"), self.person),)
        return says(self.p(key))

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
                return self._home(self._help_with_question(state, says(self.p("help_outside_short"))), "help")
            return self._home(self._ask(replace(state, last="help"), speech, self._outside_prompt()), "help")
        plan, stretch, index = active
        speech = says(self.p("help_in_routine", name=stretch.name, number=index + 1, total=plan.total))
        if state.pending is not None:
            return self._help_with_question(state, speech)
        return self._ask(state, (*speech, Say(self.p("anything_else"))), self._step_reprompt(plan, index))

    def _help_with_question(self, state: CoachState, speech) -> Reply:
        """Help with a question waiting: ask it again, last. Certification wants help to end with a question,
        so the two questions that trail off with "or say next ..." are put the other way round here."""
        question = state.pending
        if isinstance(question, LeaveOut):
            asked = says(self.p("help_leave_out", name=self.stretch_name(question.stretch)))
        elif isinstance(question, ChooseRoutine) and question.carry_on:
            asked = says(self.p("help_choose_or_carry_on", name=self.current_name(state),
                                routines=self.routine_names()))
        else:
            return self._question(state, speech, question)
        return self._ask(state, (*speech, *asked), question.reprompt(self, state))

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

    def delete_data(self, state: CoachState) -> Reply:
        """"Delete my data": ask first; only a yes deletes (see :class:`DeleteData`)."""
        return self._question(state, (), DeleteData())

    def delete_confirmed(self, state: CoachState) -> Reply:
        """Yes: say it's done and end. The reply carries :class:`ForgetPerson` and a fresh state; the store
        layer deletes the record rather than saving that state, so the next session is a new person's."""
        return self._end(CoachState(), says(self.p("delete_done")), (ForgetPerson(),))

    def delete_declined(self, state: CoachState) -> Reply:
        return self._then_carry_on(state, says(self.p("delete_kept")))

    def unsupported(self, state: CoachState) -> Reply:
        return self._ask(state, says(self.p("unsupported")), self._reprompt_for(state))

    def error(self, state: CoachState) -> Reply:
        return self._ask(state, says(self.p("error")), says(self.p("error_reprompt")))
