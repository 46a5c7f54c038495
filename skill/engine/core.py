"""What every part of the coach shares: the plan, the place, and how a reply is shaped.

:class:`CoachCore` holds the helpers; each dialogue family (navigation,
hands-free, comfort and safety, preferences, information, conversation) is a
mixin in a module of its own, and :class:`skill.engine.coach.Coach` puts them
together. Every public method takes a :class:`CoachState` (and any slot value
as a plain string) and returns a :class:`Reply`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from typing import Callable

from .. import narration, ssml
from ..content import Library, Stretch, library_for
from ..localization import Phrases, phrases_for
from ..speech import Narration, Pause, Say, says
from .plan import Plan, plan_for
from .reply import SCREEN_EFFECTS, AskPermission, Effect, Reply, ShowGoodbye, ShowHome, ShowStretch
from .state import CoachState

#: After this many times through a stretch, a person hears its short cues (unless they asked otherwise).
BRIEF_AFTER = 3
#: The phrases that close a stretch, in turn.
AFTER_STRETCH = ("after_stretch", "after_stretch_2", "after_stretch_3")


class CoachCore:
    def __init__(self, locale: str | None = None, now: datetime | None = None, library: Library | None = None,
                 person: str | None = None, one_shot: bool = False):
        self.p: Phrases = phrases_for(locale)
        self.library = library if library is not None else library_for(self.p.locale)  # content in its language
        self.now = now or datetime.now(timezone.utc)
        #: A recognised speaker's opaque id (Alexa says their name; the coach never learns it), or None.
        self.person = person
        #: The request opened the session with a question ("ask back stretch coach how am I doing"): an answer
        #: to it ends the session rather than asking what next.
        self.one_shot = one_shot

    # --- the plan and the place -------------------------------------------------
    def plan(self, state: CoachState, routine_id: str | None = None) -> Plan | None:
        """The routine as this person does it today, or None if it is unknown or has nothing left in it."""
        routine_id = routine_id or state.routine
        if routine_id in self.library.routines:
            plan = plan_for(self.library, routine_id, state.prefs, state.leave_out_today)
            return plan if plan.total else None
        return None

    def _active(self, state: CoachState) -> tuple[Plan, Stretch, int] | None:
        """The plan, current stretch and its index, or None outside a (valid) routine."""
        plan = self.plan(state)
        if plan is None:
            return None
        index = plan.index_of(state.stretch, state.index)
        return plan, plan.stretch(index), index

    def _at(self, state: CoachState, plan: Plan, index: int) -> CoachState:
        """The state at stretch ``index`` of ``plan``, stamped with the time."""
        index = plan.clamp(index)
        return replace(state, routine=plan.routine.id, index=index, stretch=plan.stretch(index).id, side=0,
                       paused=False, pending=None, updated=int(self.now.timestamp()), timeline=(), timeline_at=0)

    # --- names, for questions and answers ---------------------------------------
    def routine_name(self, routine_id: str | None) -> str:
        routine = self.library.routines.get(routine_id or self.library.default_routine)
        return (routine or self.library.routine(self.library.default_routine)).name

    def routine_names(self) -> str:
        return self.p.join((r.name for r in self.library.routines.values()), "or")

    def stretch_name(self, stretch_id: str | None) -> str:
        stretch = self.library.stretches.get(stretch_id or "")
        return stretch.name if stretch else self.p("this_stretch")

    def place(self, state: CoachState) -> tuple[str, int, int]:
        """The current stretch's name, its number (from 1) and the routine's length."""
        active = self._active(state)
        if active is None:
            return self.p("this_stretch"), 1, 1
        plan, stretch, index = active
        return stretch.name, index + 1, plan.total

    def current_name(self, state: CoachState) -> str:
        active = self._active(state)
        return active[1].name if active else self.p("this_stretch")

    # --- shaping replies ----------------------------------------------------------
    def _ask(self, state: CoachState, speech: Narration, reprompt: Narration,
             effects: tuple[Effect, ...] = ()) -> Reply:
        return Reply(ssml.within_clip_limit(speech), ssml.within_clip_limit(reprompt), False, state, effects)

    def _end(self, state: CoachState, speech: Narration, effects: tuple[Effect, ...] = ()) -> Reply:
        return Reply(ssml.within_clip_limit(speech), None, True, state, effects)

    def _question(self, state: CoachState, speech: Narration, question) -> Reply:
        """Say ``speech``, then ask ``question`` and wait for its answer."""
        state = replace(state, pending=question)
        return self._ask(state, (*speech, *question.ask(self, state)), question.reprompt(self, state))

    def _then_carry_on(self, state: CoachState, speech: Narration) -> Reply:
        """Answer a side question, then ask again what was pending, or say how to get back on track."""
        if state.pending is not None:
            return self._question(state, speech, state.pending)
        active = self._active(state)
        if active is None:
            return self._ask(state, (*speech, Say(self.p("anything_else"))), self._outside_prompt())
        plan, stretch, index = active
        return self._ask(state, (*speech, Say(self.p("carry_on_prompt", name=stretch.name))),
                         self._step_reprompt(plan, index))

    def carry_on(self, state: CoachState, lead: Narration = ()) -> Reply:
        """No question: tell the person how to go on from where they are."""
        state = replace(state, pending=None)
        active = self._active(state)
        if active is None:
            return self._ask(state, (*lead, *says(self.p("no_outside"))), self._outside_prompt())
        plan, stretch, index = active
        return self._ask(state, (*lead, Say(self.p("carry_on_prompt", name=stretch.name))),
                         self._step_reprompt(plan, index))

    def _safety_first(self, state: CoachState) -> tuple[Narration, CoachState]:
        if state.safety_said:
            return (), state
        return says(self.p("safety_note")), replace(state, safety_said=True)

    def _hands_free(self, state: CoachState) -> bool:
        return state.hands_free or state.prefs.continuous

    @staticmethod
    def _show(plan: Plan, index: int) -> tuple[Effect, ...]:
        return (ShowStretch(plan.stretch(index).id, plan.clamp(index) + 1, plan.total, plan.routine.id),)

    def _narrate(self, state: CoachState, plan: Plan, index: int, lead: Narration = ()) -> Reply:
        """Go to stretch ``index``: one stretch and a prompt, or in hands-free mode a whole part."""
        if self._hands_free(state):
            return self._narrate_part(state, plan, index, lead)  # type: ignore[attr-defined]
        state = self._at(state, plan, index)
        body = self._stretch_speech(state, plan, state.index)
        state = state.practised(plan.stretch(state.index).id)
        return self._ask(state, (*lead, *body, *self._closing(plan, state.index)),
                         self._step_reprompt(plan, state.index), self._show(plan, state.index))

    def _brief(self, state: CoachState, stretch: Stretch) -> bool:
        """Short cues for a stretch the person knows (or always, or never, as they asked)."""
        detail = state.prefs.detail
        return detail == "brief" or (detail == "auto" and state.times_done(stretch.id) >= BRIEF_AFTER)

    def _stretch_speech(self, state: CoachState, plan: Plan, index: int) -> Narration:
        stretch = plan.stretch(index)
        return narration.stretch(stretch, self.p, index + 1, plan.total, plan.hold_seconds(stretch),
                                 self._brief(state, stretch), plan.easier, plan.tempo,
                                 plan.missing_for(stretch), plan.repeats, state.prefs.sounds)

    def _narrate_current(self, state: CoachState, lead: Narration = ()) -> Reply:
        plan, _, index = self._active(state)
        return self._narrate(state, plan, index, lead)

    def _closing(self, plan: Plan, index: int) -> Narration:
        """After a stretch: the last one says so; the others vary, so a long routine doesn't repeat itself."""
        key = "after_last_stretch" if plan.is_last(index) else AFTER_STRETCH[index % len(AFTER_STRETCH)]
        return (Pause(1.0), Say(self.p(key)))

    def _step_reprompt(self, plan: Plan, index: int) -> Narration:
        key = "last_step_reprompt" if plan.is_last(index) else "step_reprompt"
        return says(self.p(key, name=plan.stretch(index).name))

    def _outside_prompt(self) -> Narration:
        return says(self.p("help_reprompt_outside"))

    def _reprompt_for(self, state: CoachState) -> Narration:
        if state.pending is not None:
            return state.pending.reprompt(self, state)
        active = self._active(state)
        if active is None:
            return self._outside_prompt()
        return self._step_reprompt(active[0], active[2])

    # --- one turn ------------------------------------------------------------------
    def turn(self, action: Callable[["CoachCore", CoachState], Reply], state: CoachState) -> Reply:
        """One turn: settle a barge-in, act, then speak any one-time notice."""
        return self._shown(self.deliver(action(self, self.settle(state))))  # type: ignore[attr-defined]

    def _shown(self, reply: Reply) -> Reply:
        """Every reply says what a screen shows (a speaker ignores it), so no old stretch stays up.

        A reply that narrates a stretch already carries its :class:`ShowStretch`, and the answers with a
        screen of their own (welcome, lists, help, routine done, safety advice) theirs. Any other reply in
        a routine that keeps the session open (how many are left, pause, help) shows the current stretch;
        one that ends the session shows a plain goodbye; anything else, the coach's own screen.
        """
        if any(isinstance(e, AskPermission) for e in reply.effects):
            return reply  # Alexa asks the question itself; its answer comes back as a new request
        shown = next((e for e in reply.effects if isinstance(e, ShowStretch)), None)
        if shown is None:
            if any(isinstance(e, SCREEN_EFFECTS) for e in reply.effects):
                return reply
            active = None if reply.end_session else self._active(reply.state)
            if reply.end_session:
                screen: Effect = ShowGoodbye()
            elif active is None:
                screen = ShowHome(routine=getattr(reply.state.pending, "offered_routine", None))
            else:
                screen = shown = replace(self._show(active[0], active[2])[0], narrated=False)
            reply = replace(reply, effects=(*reply.effects, screen))
        if shown is not None and reply.state.paused and not shown.paused:
            effects = tuple(replace(e, paused=True) if e is shown else e for e in reply.effects)
            reply = replace(reply, effects=effects)
        return reply

    def deliver(self, reply: Reply) -> Reply:
        """Speak a one-time notice (unreadable saved data) before the reply, once."""
        if reply.state.notice != "reset":
            return reply
        return replace(reply, speech=(Say(self.p("fresh_start_notice")), *reply.speech),
                       state=replace(reply.state, notice=None))
