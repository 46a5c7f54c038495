"""Questions the person asks: where am I, how long is left, what is this one for, how do I do X."""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

from .. import narration
from ..speech import Say, says
from . import progress
from .core import CoachCore
from .plan import plan_for
from .questions import ChooseRoutine
from .reply import Reply, ShowRoutines, ShowStretches
from .state import CoachState


class Information(CoachCore):
    def where_am_i(self, state: CoachState) -> Reply:
        active = self._active(state)
        if active is None:
            return self._not_in_routine(state)  # type: ignore[attr-defined]
        plan, stretch, index = active
        line = self.p("where_am_i", number=index + 1, total=plan.total, name=stretch.name,
                      routine=plan.routine.name)
        return self._then_carry_on(state, says(line))

    def how_many_left(self, state: CoachState) -> Reply:
        active = self._active(state)
        if active is None:
            return self._not_in_routine(state)  # type: ignore[attr-defined]
        plan, _, index = active
        left = plan.total - 1 - index
        minutes = self.p.minutes(plan.seconds(self.p, index + 1))
        if left <= 0:
            line = self.p("how_many_left_none")
        else:
            line = self.p("how_many_left", count=left, minutes=minutes)
        return self._then_carry_on(state, says(line))

    def about_stretch(self, state: CoachState) -> Reply:
        """"What's this one for?", "how long is this one?": what it works, and how long it lasts."""
        active = self._active(state)
        if active is None:
            return self._then_carry_on(state, says(self.p("about_outside")))
        plan, stretch, _ = active
        timing, side = stretch.timing, "_side" if stretch.timing.per_side else ""
        repeats = plan.repeats or timing.repeats
        if timing.timed:
            key = f"about_{timing.kind}{'_repeats' if repeats > 1 else ''}{side}"
            length = self.p(key, seconds=plan.hold_seconds(stretch), repeats=repeats)
        else:
            length = self.p(f"about_reps{side}", count=timing.reps)
        line = self.p("about_stretch", name=stretch.name, targets=self.p.join(stretch.targets))
        return self._then_carry_on(state, says(line, length))

    def howto(self, state: CoachState, stretch_name: str | None) -> Reply:
        active = self._active(state)
        stretch = self.library.find_stretch(stretch_name)
        if stretch is None and not stretch_name and active is not None:
            stretch = active[1]  # "how do I do this one?"
        if stretch is None:
            key = "stretch_unknown_named" if stretch_name else "stretch_unknown"
            return self._then_carry_on(state, says(self.p(key, name=stretch_name or "")))
        state = replace(state, last=f"howto:{stretch.id}")
        return self._answer(state, narration.howto(stretch, self.p))

    def list_routines(self, state: CoachState) -> Reply:
        """The routines, then one question: which one (or, in a routine, carry on)."""
        seconds = {r.id: plan_for(self.library, r.id, state.prefs).seconds(self.p)
                   for r in self.library.routines.values()}
        items = " ".join(self.p("routine_item", name=r.name, description=r.description,
                                minutes=self.p.minutes(seconds[r.id])) for r in self.library.routines.values())
        speech = says(self.p("routine_list", count=len(self.library.routines), items=items))
        in_routine = self._active(state) is not None
        reply = self._question(replace(state, last="routines"), speech, ChooseRoutine(carry_on=in_routine))
        shown = ShowRoutines(tuple((routine, round(length)) for routine, length in seconds.items()))
        return replace(reply, effects=(*reply.effects, shown))

    def list_stretches(self, state: CoachState) -> Reply:
        names = self.p.join(s.name for s in self.library.stretches.values())
        speech = says(self.p("stretch_list", count=len(self.library.stretches), names=names))
        shown = (ShowStretches(tuple(self.library.stretches)),)
        if self._active(state) is not None or state.pending is not None:
            reply = self._then_carry_on(state, speech)
            return replace(reply, effects=(*reply.effects, *shown))
        return self._ask(replace(state, last="stretches"), speech, says(self.p("stretch_list_reprompt")), shown)

    def how_am_i_doing(self, state: CoachState) -> Reply:
        today = self.today(state)  # type: ignore[attr-defined]
        week = progress.in_last_days(state.history, today, 7)
        streak = progress.streak(state.history, today)
        if not week:
            line = self.p("progress_none") if not state.history else self.p("progress_none_this_week")
        else:
            line = self.p("progress_week", count=week)
            if streak >= 2:
                line = f"{line} {self.p('progress_streak', days=streak)}"
        return self._answer(state, (Say(line),))

    def _answer(self, state: CoachState, speech) -> Reply:
        """The answer to a question the person asked: in a one-shot ("ask back stretch coach how am I doing"),
        the answer and the end, as Amazon's one-shot guidance has it; otherwise the answer and what next."""
        if self.one_shot and state.pending is None:
            return self._end(state, speech)
        return self._then_carry_on(state, speech)

    def _replay_last(self, state: CoachState) -> Reply:
        replays: dict[str, Callable[[], Reply]] = {
            "routines": lambda: self.list_routines(state),
            "stretches": lambda: self.list_stretches(state),
        }
        last = state.last or ""
        if last.startswith("howto:"):
            return self.howto(state, last.split(":", 1)[1])
        return replays.get(last, lambda: self.help(state))()  # type: ignore[attr-defined]
