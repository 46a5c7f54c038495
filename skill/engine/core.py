"""The coach: every conversational decision, with no Alexa types.

Each public method takes the current :class:`CoachState` (and any slot value
as a plain string) and returns a :class:`Reply`: what to say, what to say if
the person says nothing, whether the session ends, and the new state.
Handlers only translate requests into these calls.

Pending questions (``state.pending``) are what "yes" and "no" answer:

* ``start`` / ``start:<routine>``: start a routine;
* ``resume``: carry on an unfinished routine from the saved place;
* ``skip:<stretch>``: skip the stretch that hurt;
* ``skip_forever:<stretch>``: also leave it out of future routines;
* ``reset``: clear all preferences.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Callable

from .. import narration, ssml
from ..content import LIBRARY, Library, Stretch
from ..localization import Phrases, phrases_for
from ..speech import Narration, Pause, Say, duration, offsets, says
from . import progress
from .plan import HOLD_STEP, MAX_HOLD_OFFSET, MIN_HOLD_OFFSET, Plan, plan_for
from .state import CoachState, Preferences, with_prefs

ROUTINE_INTRO_PAUSE = 2.0
#: An unfinished routine newer than this is offered as a resume; older, as a fresh start.
RESUME_WINDOW = timedelta(hours=12)
#: A hands-free part ends at a stretch boundary before it passes either limit (the first stretch always fits).
PART_MAX_SECONDS = 240.0
PART_MAX_CHARS = 7000
#: Barge-in later than this past the end of a part's timeline is implausible (the session would have closed).
TIMELINE_SLACK_SECONDS = 120.0


@dataclass(frozen=True)
class Reply:
    speech: Narration
    reprompt: Narration | None
    end_session: bool
    state: CoachState


class Coach:
    def __init__(self, locale: str | None = None, now: datetime | None = None, library: Library = LIBRARY):
        self.p: Phrases = phrases_for(locale)
        self.library = library
        self.now = now or datetime.now(timezone.utc)

    # --- helpers --------------------------------------------------------------
    def plan(self, state: CoachState, routine_id: str | None = None) -> Plan | None:
        routine_id = routine_id or state.routine
        if routine_id in self.library.routines:
            plan = plan_for(self.library, routine_id, state.prefs)
            return plan if plan.total else None
        return None

    def _active(self, state: CoachState) -> tuple[Plan, Stretch, int] | None:
        """The plan, current stretch and its index, or None outside a (valid) routine."""
        plan = self.plan(state)
        if plan is None:
            return None
        index = plan.index_of(state.stretch, state.index)
        return plan, plan.stretch(index), index

    def _ask(self, state: CoachState, speech: Narration, reprompt: Narration) -> Reply:
        return Reply(tuple(speech), tuple(reprompt), False, state)

    def _end(self, state: CoachState, speech: Narration) -> Reply:
        return Reply(tuple(speech), None, True, state)

    def _at(self, state: CoachState, plan: Plan, index: int) -> CoachState:
        """The state at stretch ``index`` of ``plan``, stamped with the time."""
        index = plan.clamp(index)
        return replace(state, routine=plan.routine.id, index=index, stretch=plan.stretch(index).id, side=0,
                       paused=False, pending=None, updated=int(self.now.timestamp()), timeline=(), timeline_at=0)

    def _safety_first(self, state: CoachState) -> tuple[Narration, CoachState]:
        if state.safety_said:
            return (), state
        return says(self.p("safety_note")), replace(state, safety_said=True)

    def _hands_free(self, state: CoachState) -> bool:
        return state.hands_free or state.prefs.continuous

    def _narrate(self, state: CoachState, plan: Plan, index: int, lead: Narration = ()) -> Reply:
        """Go to stretch ``index``: one stretch and a prompt, or in hands-free mode a whole part."""
        if self._hands_free(state):
            return self._narrate_part(state, plan, index, lead)
        state = self._at(state, plan, index)
        stretch = plan.stretch(state.index)
        body = narration.stretch(stretch, self.p, state.index + 1, plan.total, plan.hold_seconds(stretch))
        return self._ask(state, (*lead, *body, *self._closing(plan, state.index)),
                         self._step_reprompt(plan, state.index))

    def _narrate_part(self, state: CoachState, plan: Plan, start: int, lead: Narration = ()) -> Reply:
        """Hands-free: several stretches back to back with rests, up to the part limits.

        The place is saved as if the person had said next through each stretch of the part,
        and the response's timeline is kept for barge-in.
        """
        start = plan.clamp(start)
        speech: list = list(lead)
        used_chars, used_seconds = len(ssml.render_body(speech)), duration(speech)
        index = start
        while index < plan.total:
            stretch = plan.stretch(index)
            chunk = [narration.segment_mark(index),
                     *narration.stretch(stretch, self.p, index + 1, plan.total, plan.hold_seconds(stretch))]
            if index + 1 < plan.total:
                chunk += narration.rest(plan.stretch(index + 1), self.p)
            chars, seconds = len(ssml.render_body(chunk)), duration(chunk)
            if index > start and (used_chars + chars > PART_MAX_CHARS or used_seconds + seconds > PART_MAX_SECONDS):
                break
            speech += chunk
            used_chars, used_seconds = used_chars + chars, used_seconds + seconds
            index += 1
        last = index - 1
        state = self._at(state, plan, last)
        if plan.is_last(last):
            finished = self._finish(state, plan)
            return replace(finished, speech=(*speech, *finished.speech))
        speech.append(Say(self.p("part_end")))
        state = replace(state, pending="continue", timeline_at=int(self.now.timestamp()),
                        timeline=self._timeline(speech))
        return self._ask(state, speech, says(self.p("part_reprompt")))

    @staticmethod
    def _timeline(speech: list) -> tuple[tuple[int, int, int], ...]:
        """(stretch index, start ms, length ms) for each stretch; the lead belongs to the first, the close to the last."""
        marks = sorted((t, int(name.split(":")[1])) for name, t in offsets(speech).items()
                       if name.startswith(narration.SEGMENT))
        total = duration(speech)
        starts = [0.0] + [t for t, _ in marks[1:]]
        ends = starts[1:] + [total]
        return tuple((index, round(start * 1000), round((end - start) * 1000))
                     for (_, index), start, end in zip(marks, starts, ends))

    def settle(self, state: CoachState) -> CoachState:
        """Where the person is after a hands-free response, from how long ago it began.

        The elapsed time between the two requests' timestamps places them on the
        last response's timeline: the stretch playing then becomes the current one.
        Past the end, the part was heard through. A missing, backwards or
        implausibly late timestamp falls back to the start of the response.
        """
        if not state.timeline:
            return state
        timeline, cleared = state.timeline, replace(state, timeline=(), timeline_at=0)
        plan = self.plan(state)
        if plan is None:
            return cleared
        total = sum(length for _, _, length in timeline) / 1000.0
        elapsed = self.now.timestamp() - state.timeline_at if state.timeline_at else -1.0
        if elapsed < 0 or elapsed > total + TIMELINE_SLACK_SECONDS:
            playing = timeline[0][0]
        elif elapsed >= total:
            return cleared  # heard to the end: the place and the "next part?" question stand
        else:
            playing = next((index for index, start, length in timeline if elapsed * 1000 < start + length),
                           timeline[-1][0])
        playing = plan.clamp(playing)
        return replace(cleared, index=playing, stretch=plan.stretch(playing).id, pending=None)

    def turn(self, action: Callable[["Coach", CoachState], Reply], state: CoachState) -> Reply:
        """One turn: settle a barge-in, act, then speak any one-time notice."""
        return self.deliver(action(self, self.settle(state)))

    def _narrate_current(self, state: CoachState, lead: Narration = ()) -> Reply:
        plan, _, index = self._active(state)
        return self._narrate(state, plan, index, lead)

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

    def deliver(self, reply: Reply) -> Reply:
        """Speak a one-time notice (unreadable saved data) before the reply, once."""
        if reply.state.notice != "reset":
            return reply
        return replace(reply, speech=(Say(self.p("fresh_start_notice")), *reply.speech),
                       state=replace(reply.state, notice=None))

    # --- starting -------------------------------------------------------------
    def launch(self, state: CoachState) -> Reply:
        state = replace(state, paused=False, pending=None)
        if not state.safety_said:
            safety, state = self._safety_first(state)
            speech = (Say(self.p("welcome_first")), *safety, Say(self.p("welcome_choices")))
            return self._ask(replace(state, pending="start"), speech, says(self.p("launch_reprompt")))
        active = self._active(state)
        if active is not None:
            plan, stretch, index = active
            if self.now - datetime.fromtimestamp(state.updated, timezone.utc) <= RESUME_WINDOW:
                speech = says(self.p("welcome_resume", number=index + 1, total=plan.total, name=stretch.name,
                                     routine=plan.routine.name))
                return self._ask(replace(state, pending="resume"), speech, says(self.p("resume_reprompt")))
            speech = says(self.p("welcome_stale", routine=plan.routine.name))
            return self._ask(replace(state, pending=f"start:{plan.routine.id}", routine=None, stretch=None),
                             speech, says(self.p("stale_reprompt", routine=plan.routine.name)))
        speech = says(self.p("welcome_back", routines=self._routine_names()))
        return self._ask(replace(state, pending="start"), speech, says(self.p("launch_reprompt")))

    def start(self, state: CoachState, routine_name: str | None = None, lead: Narration = ()) -> Reply:
        if routine_name:
            routine = self.library.find_routine(routine_name)
            if routine is None:
                speech = says(self.p("routine_unknown", name=routine_name, routines=self._routine_names()),
                              self.p("routine_list_reprompt"))
                return self._ask(replace(state, pending=None), speech, says(self.p("routine_list_reprompt")))
        else:
            routine = self.library.routine(self.library.default_routine)
        plan = self.plan(state, routine.id)
        if plan is None:
            speech = says(self.p("routine_all_skipped", routine=routine.name))
            return self._ask(replace(state, pending=None), speech, says(self.p("routine_all_skipped_reprompt")))
        safety, state = self._safety_first(state)
        intro = [*lead, *safety, Say(self.p("routine_intro", routine=routine.name, count=plan.total,
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
        if change.substitute is not None:
            return self.p("equipment_swapped", equipment=equipment, stretch=change.stretch.name,
                          substitute=change.substitute.name)
        return self.p("equipment_left_out", equipment=equipment, stretch=change.stretch.name)

    # --- moving through a routine -----------------------------------------------
    def next(self, state: CoachState) -> Reply:
        active = self._active(state)
        if active is None:
            # "ready" / "okay" after "Shall we start?" means yes.
            return self._answer_start(state) if self._is_start(state.pending) else self._not_in_routine(state)
        plan, _, index = active
        if state.paused or state.pending == "resume":
            # "continue" / "go on" after "wait", or at "Say resume to carry on".
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
        if self._active(state) is not None:
            return self._narrate_current(state)
        return self._replay_last(state)

    def start_over(self, state: CoachState) -> Reply:
        routine_id = state.routine or self._pending_routine(state.pending)
        plan = self.plan(state, routine_id)
        if plan is None:
            return self.start(state)
        return self._narrate(state, plan, 0, says(self.p("starting_over", routine=plan.routine.name)))

    def pause(self, state: CoachState) -> Reply:
        active = self._active(state)
        if active is None:
            return self._not_in_routine(state)
        plan, stretch, index = active
        state = replace(self._at(state, plan, index), paused=True)
        return self._ask(state, says(self.p("paused", name=stretch.name)),
                         says(self.p("paused_reprompt", name=stretch.name)))

    def resume(self, state: CoachState) -> Reply:
        if self._active(state) is None:
            if self._is_start(state.pending):
                return self._answer_start(state)
            return self._not_in_routine(state)
        return self._narrate_current(state, says(self.p("resuming")))

    def _finish(self, state: CoachState, plan: Plan) -> Reply:
        today = self.now.date()
        history, streak_grew = progress.record(state.history, today, plan.routine.id)
        done = replace(state, routine=None, stretch=None, index=0, side=0, paused=False, pending=None,
                       history=history, updated=int(self.now.timestamp()), timeline=(), timeline_at=0)
        speech = [Say(self.p("finished", routine=plan.routine.name))]
        streak = progress.streak(history, today)
        if streak_grew and streak >= 2:
            speech.append(Say(self.p("streak_new", days=streak)))
        speech.append(Say(self.p("come_back")))
        return self._end(done, tuple(speech))

    def _not_in_routine(self, state: CoachState) -> Reply:
        safety, state = self._safety_first(state)
        state = replace(state, pending="start")
        speech = (*safety, *says(self.p("no_routine"), self.p("welcome_back", routines=self._routine_names())))
        return self._ask(state, speech, says(self.p("launch_reprompt")))

    @staticmethod
    def _is_start(pending: str | None) -> bool:
        return bool(pending) and (pending == "start" or pending.startswith("start:"))

    @staticmethod
    def _pending_routine(pending: str | None) -> str | None:
        return pending.split(":", 1)[1] if pending and pending.startswith("start:") else None

    def _answer_start(self, state: CoachState) -> Reply:
        return self.start(replace(state, pending=None), self._pending_routine(state.pending))

    # --- information --------------------------------------------------------------
    def where_am_i(self, state: CoachState) -> Reply:
        active = self._active(state)
        if active is None:
            return self._not_in_routine(state)
        plan, stretch, index = active
        speech = says(
            self.p("where_am_i", number=index + 1, total=plan.total, name=stretch.name, routine=plan.routine.name),
            self.p("carry_on_prompt", name=stretch.name),
        )
        return self._ask(replace(state, pending=None), speech, self._step_reprompt(plan, index))

    def how_many_left(self, state: CoachState) -> Reply:
        active = self._active(state)
        if active is None:
            return self._not_in_routine(state)
        plan, stretch, index = active
        left = plan.total - 1 - index
        minutes = self.p.minutes(plan.seconds(self.p, index + 1))
        if left <= 0:
            line = self.p("how_many_left_none")
        elif left == 1:
            line = self.p("how_many_left_one", minutes=minutes)
        else:
            line = self.p("how_many_left", count=left, minutes=minutes)
        speech = says(line, self.p("carry_on_prompt", name=stretch.name))
        return self._ask(replace(state, pending=None), speech, self._step_reprompt(plan, index))

    def howto(self, state: CoachState, stretch_name: str | None) -> Reply:
        active = self._active(state)
        stretch = self.library.find_stretch(stretch_name)
        if stretch is None and not stretch_name and active is not None:
            stretch = active[1]  # "how do I do this one?"
        if stretch is None:
            key = "stretch_unknown_named" if stretch_name else "stretch_unknown"
            return self._then_carry_on(state, says(self.p(key, name=stretch_name or "")))
        state = replace(state, last=f"howto:{stretch.id}")
        return self._then_carry_on(state, narration.howto(stretch, self.p))

    def list_routines(self, state: CoachState) -> Reply:
        items = " ".join(
            self.p("routine_item", name=r.name, description=r.description,
                   minutes=self.p.minutes(plan_for(self.library, r.id, state.prefs).seconds(self.p)))
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

    def how_am_i_doing(self, state: CoachState) -> Reply:
        today = self.now.date()
        week = progress.in_last_days(state.history, today, 7)
        streak = progress.streak(state.history, today)
        if not week:
            line = self.p("progress_none") if not state.history else self.p("progress_none_this_week")
        else:
            line = self.p("progress_week_one" if week == 1 else "progress_week", count=week)
            if streak >= 2:
                line = f"{line} {self.p('progress_streak', days=streak)}"
        return self._then_carry_on(state, says(line))

    def _then_carry_on(self, state: CoachState, speech: Narration) -> Reply:
        """Answer a question, then tell the person how to get back on track."""
        state = replace(state, pending=None)
        active = self._active(state)
        if active is None:
            return self._ask(state, (*speech, Say(self.p("anything_else"))), self._outside_prompt())
        plan, stretch, index = active
        return self._ask(state, (*speech, Say(self.p("carry_on_prompt", name=stretch.name))),
                         self._step_reprompt(plan, index))

    def _replay_last(self, state: CoachState) -> Reply:
        replays: dict[str, Callable[[], Reply]] = {
            "routines": lambda: self.list_routines(state),
            "stretches": lambda: self.list_stretches(state),
        }
        last = state.last or ""
        if last.startswith("howto:"):
            return self.howto(state, last.split(":", 1)[1])
        return replays.get(last, lambda: self.help(state))()

    # --- preferences ---------------------------------------------------------------
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

    def lack_equipment(self, state: CoachState, equipment_name: str | None) -> Reply:
        equipment = self.library.find_equipment(equipment_name)
        if equipment is None:
            return self._then_carry_on(state, says(self.p("equipment_unknown", names=self._equipment_list())))
        state = replace(with_prefs(state, missing=tuple(dict.fromkeys((*state.prefs.missing, equipment)))),
                        equipment_noted=False)
        return self._then_carry_on(state, says(self.p("equipment_missing_noted", equipment=self.library.equipment[equipment]["name"])))

    def have_equipment(self, state: CoachState, equipment_name: str | None) -> Reply:
        equipment = self.library.find_equipment(equipment_name)
        if equipment is None:
            return self._then_carry_on(state, says(self.p("equipment_unknown", names=self._equipment_list())))
        missing = tuple(e for e in state.prefs.missing if e != equipment)
        state = replace(with_prefs(state, missing=missing), equipment_noted=False)
        return self._then_carry_on(state, says(self.p("equipment_have_noted", equipment=self.library.equipment[equipment]["name"])))

    def _equipment_list(self) -> str:
        return self.p.join((item["spoken"] for item in self.library.equipment.values()), "or")

    def reset_preferences(self, state: CoachState) -> Reply:
        state = replace(state, pending="reset")
        return self._ask(state, says(self.p("reset_confirm")), says(self.p("reset_reprompt")))

    # --- hands-free -----------------------------------------------------------------
    def hands_free(self, state: CoachState, routine_name: str | None = None) -> Reply:
        """"Start the quick routine hands-free" / "keep going without me"."""
        state = replace(state, hands_free=True, pending=None)
        lead = says(self.p("hands_free_on"))
        active = self._active(state)
        if routine_name or active is None:
            return self.start(state, routine_name, lead)
        plan, _, index = active
        if plan.is_last(index):
            finished = self._finish(state, plan)
            return replace(finished, speech=(*lead, *finished.speech))
        return self._narrate_part(state, plan, index + 1, lead)

    def always_hands_free(self, state: CoachState) -> Reply:
        state = replace(with_prefs(state, continuous=True), hands_free=True)
        return self._then_carry_on(state, says(self.p("hands_free_always")))

    def step_mode(self, state: CoachState) -> Reply:
        state = replace(with_prefs(state, continuous=False), hands_free=False)
        return self._then_carry_on(state, says(self.p("step_mode_on")))

    # --- comfort and safety -----------------------------------------------------
    def easier(self, state: CoachState) -> Reply:
        active = self._active(state)
        if active is None:
            return self._ask(replace(state, pending=None), says(self.p("easier_outside")), self._outside_prompt())
        plan, stretch, index = active
        state = self._at(state, plan, index)
        speech = (*narration.easier(stretch, self.p, plan.hold_seconds(stretch)), *self._closing(plan, index))
        return self._ask(state, speech, self._step_reprompt(plan, index))

    def hurts(self, state: CoachState) -> Reply:
        active = self._active(state)
        if active is None:
            return self._ask(replace(state, pending=None),
                             (Say(self.p("hurts_outside")), Say(self.p("anything_else"))), self._outside_prompt())
        plan, stretch, index = active
        state = replace(self._at(state, plan, index), pending=f"skip:{stretch.id}", paused=True)
        return self._ask(state, says(self.p("hurts"), self.p("offer_skip", name=stretch.name)),
                         says(self.p("offer_skip_reprompt", name=stretch.name)))

    # --- yes / no -----------------------------------------------------------------
    def yes(self, state: CoachState) -> Reply:
        pending = state.pending or ""
        if self._is_start(pending):
            return self._answer_start(state)
        state = replace(state, pending=None)
        if pending == "continue" and self._active(state) is not None:
            return self.next(state)
        if pending == "resume" and self._active(state) is not None:
            return self.resume(state)
        if pending.startswith("skip:") and self._active(state) is not None:
            return self._offer_skip_forever(state)
        if pending.startswith("skip_forever:") and self._active(state) is not None:
            return self._skip(state, forever=True)
        if pending == "reset":
            kept = replace(state, prefs=Preferences(), equipment_noted=False)
            return self._then_carry_on(kept, says(self.p("reset_done")))
        if self._active(state) is not None:
            return self.next(state)
        return self._ask(state, says(self.p("nothing_to_confirm"), self.p("help_outside")), self._outside_prompt())

    def _offer_skip_forever(self, state: CoachState) -> Reply:
        _, stretch, _ = self._active(state)
        state = replace(state, pending=f"skip_forever:{stretch.id}")
        return self._ask(state, says(self.p("skipped", name=stretch.name), self.p("offer_skip_forever", name=stretch.name)),
                         says(self.p("offer_skip_forever_reprompt", name=stretch.name)))

    def _skip(self, state: CoachState, forever: bool) -> Reply:
        """Move past the current stretch; with ``forever``, leave it out from now on."""
        plan, stretch, index = self._active(state)
        lead = says(self.p("skip_forever_done" if forever else "skip_today", name=stretch.name))
        if plan.is_last(index):
            finished = self._finish(state, plan)
            reply = replace(finished, speech=(*lead, *finished.speech))
            if forever:
                reply = replace(reply, state=self._without(reply.state, stretch))
            return reply
        following = plan.stretch(index + 1)
        if forever:
            state = self._without(state, stretch)
            plan = self.plan(state)
        return self._narrate(state, plan, plan.index_of(following.id, index), lead)

    @staticmethod
    def _without(state: CoachState, stretch: Stretch) -> CoachState:
        return with_prefs(state, skip=tuple(dict.fromkeys((*state.prefs.skip, stretch.id))))

    def no(self, state: CoachState) -> Reply:
        pending = state.pending or ""
        state = replace(state, pending=None)
        active = self._active(state)
        if pending == "resume" or self._pending_routine(pending):
            return self.start_over(state)
        if pending.startswith("skip_forever:") and active is not None:
            return self._skip(state, forever=False)
        if pending.startswith("skip:") and active is not None:
            plan, stretch, index = active
            return self._ask(replace(state, paused=False), says(self.p("not_skipped", name=stretch.name)),
                             says(self.p("skip_offer_reprompt", name=stretch.name)))
        if pending == "reset":
            return self._then_carry_on(state, says(self.p("reset_kept")))
        if active is not None:
            plan, stretch, index = active
            return self._ask(state, says(self.p("carry_on_prompt", name=stretch.name)),
                             self._step_reprompt(plan, index))
        return self._ask(state, says(self.p("no_outside")), self._outside_prompt())

    # --- help, stop, fallback, errors -------------------------------------------
    def help(self, state: CoachState) -> Reply:
        state = replace(state, pending=None)
        active = self._active(state)
        if active is None:
            return self._ask(replace(state, last="help"), says(self.p("help_outside")), self._outside_prompt())
        plan, stretch, index = active
        speech = says(self.p("help_in_routine", name=stretch.name, number=index + 1, total=plan.total))
        return self._ask(state, speech, self._step_reprompt(plan, index))

    def stop(self, state: CoachState) -> Reply:
        key = "goodbye_in_routine" if self._active(state) is not None else "goodbye"
        return self._end(replace(state, pending=None), says(self.p(key)))

    def fallback(self, state: CoachState) -> Reply:
        state = replace(state, pending=None)
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

    def _reprompt_for(self, state: CoachState) -> Narration:
        active = self._active(state)
        if active is None:
            return self._outside_prompt()
        return self._step_reprompt(active[0], active[2])
