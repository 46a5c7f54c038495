"""Hands-free: several stretches per response, and where the person is when they speak over it."""

from __future__ import annotations

from dataclasses import replace

from .. import narration, ssml
from ..speech import Mark, Narration, Say, duration, offsets, says
from .core import CoachCore, CoachState
from .plan import Plan
from .questions import NextPart
from .reply import DONE_MARK, Reply
from .state import with_prefs

#: A hands-free part ends at a stretch boundary before it passes either limit (the first stretch always fits).
PART_MAX_SECONDS = 360.0
PART_MAX_CHARS = 7000
#: Barge-in later than this past the end of a part's timeline is implausible (the session would have closed).
TIMELINE_SLACK_SECONDS = 120.0


class HandsFree(CoachCore):
    def _narrate_part(self, state: CoachState, plan: Plan, start: int, lead: Narration = ()) -> Reply:
        """Several stretches back to back with rests, up to the part limits.

        The place is saved as if the person had said next through each stretch of the part,
        and the response's timeline is kept for barge-in.
        """
        start = plan.clamp(start)
        speech: list = list(lead)
        used_chars, used_seconds = len(ssml.render_body(speech)), duration(speech)
        index = start
        practised = state
        while index < plan.total:
            stretch = plan.stretch(index)
            chunk = [narration.segment_mark(index), *self._stretch_speech(state, plan, index)]
            if index + 1 < plan.total:
                following = plan.stretch(index + 1)
                chunk += narration.rest(following, self.p, stretch, plan.missing_for(following))
            chars, seconds = len(ssml.render_body(chunk)), duration(chunk)
            if index > start and (used_chars + chars > PART_MAX_CHARS or used_seconds + seconds > PART_MAX_SECONDS):
                break
            speech += chunk
            used_chars, used_seconds = used_chars + chars, used_seconds + seconds
            practised = practised.practised(stretch.id)
            index += 1
        last = index - 1
        state = self._at(replace(state, practice=practised.practice), plan, last)
        if plan.is_last(last):
            finished = self._finish(state, plan)  # type: ignore[attr-defined]
            # What will be played: a screen's timeline must match it (clips past Alexa's fifth are dropped).
            return replace(finished, speech=ssml.within_clip_limit((*speech, Mark(DONE_MARK), *finished.speech)),
                           effects=(*self._show(plan, start), *finished.effects))
        speech.append(Say(self.p("part_end")))
        speech = list(ssml.within_clip_limit(speech))  # what will be played: the timeline must match it
        state = replace(state, pending=NextPart(), timeline_at=int(self.now.timestamp()),
                        timeline=self._timeline(speech))
        return self._ask(state, speech, says(self.p("part_reprompt")), self._show(plan, start))

    @staticmethod
    def _timeline(speech: list) -> tuple[tuple[int, int, int], ...]:
        """(stretch index, start ms, length ms) for each stretch.

        The lead belongs to the first stretch, the close to the last."""
        marks = sorted((t, int(name.split(":")[1])) for name, t in offsets(speech).items()
                       if name.startswith(narration.SEGMENT))
        total = duration(speech)
        starts = [0.0] + [t for t, _ in marks[1:]]
        ends = starts[1:] + [total]
        return tuple((index, round(start * 1000), round((end - start) * 1000))
                     for (_, index), start, end in zip(marks, starts, ends, strict=False))

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

    def hands_free(self, state: CoachState, routine_name: str | None = None) -> Reply:
        """"Start the quick routine hands-free" / "keep going without me"."""
        state = replace(state, hands_free=True, pending=None)
        lead = says(self.p("hands_free_on"))
        active = self._active(state)
        if routine_name or active is None:
            return self.start(state, routine_name, lead)  # type: ignore[attr-defined]
        plan, _, index = active
        if plan.is_last(index):
            finished = self._finish(state, plan)  # type: ignore[attr-defined]
            return replace(finished, speech=(*lead, *finished.speech))
        return self._narrate_part(state, plan, index + 1, lead)

    def always_hands_free(self, state: CoachState) -> Reply:
        state = replace(with_prefs(state, continuous=True), hands_free=True)
        return self._then_carry_on(state, says(self.p("hands_free_always")))

    def step_mode(self, state: CoachState) -> Reply:
        state = replace(with_prefs(state, continuous=False), hands_free=False)
        return self._then_carry_on(state, says(self.p("step_mode_on")))
