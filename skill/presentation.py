"""What the skill shows, as opposed to what it says: the one place that builds visual content.

Today that is an Alexa app card for each effect the engine asks for (the
stretch being coached, safety advice); screens (APL) will live here too.
Handlers call :func:`card_for` and put the result on the SDK's response.
"""

from __future__ import annotations

from dataclasses import dataclass

from .content import LIBRARY, POSITIONS, Library
from .engine.reply import Effect, ShowSafety, ShowStretch
from .localization import Phrases

#: Alexa app cards: keep them short enough to read at a glance (Amazon's limit is 8,000 characters in all).
CARD_MAX_CHARS = 1000


@dataclass(frozen=True)
class Card:
    title: str
    text: str


def card_for(effect: Effect, p: Phrases, library: Library = LIBRARY) -> Card | None:
    if isinstance(effect, ShowStretch):
        stretch = library.stretches.get(effect.stretch)
        if stretch is None:
            return None
        title = p.localise(p("stretch_heading", number=effect.number, total=effect.total, name=stretch.name))
        lines = [p("position", position=POSITIONS[stretch.position]),
                 *(p.localise(cue) for cue in (*stretch.setup, *stretch.movement)),
                 p("howto_caution", caution=p.localise(stretch.caution))]
        return Card(title.rstrip("."), "\n".join(lines)[:CARD_MAX_CHARS])
    if isinstance(effect, ShowSafety):
        if effect.topic == "red_flag":
            return Card(p("card_red_flag_title"), p("red_flag"))
        condition = library.conditions.get(effect.topic.removeprefix("condition:"))
        if condition is not None:
            return Card(p("card_condition_title"), p.localise(condition.advice))
    return None
