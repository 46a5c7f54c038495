"""What the skill shows, as opposed to what it says: the one place that builds visual content.

An Alexa app card for each effect the engine asks for (the stretch being
coached, safety advice), and on a device with a screen an APL document that
follows the reply as it is spoken. This is the only module that writes APL.
Handlers call :func:`card_for`, :func:`screen_for` and :func:`render_document`
and put the results on the SDK's response.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import narration
from .content import LIBRARY, Library, library_for
from .engine.reply import Effect, ShowSafety, ShowStretch
from .localization import Phrases
from .speech import Mark, Narration, Pause, Say, segment_seconds

#: Alexa app cards: keep them short enough to read at a glance (Amazon's limit is 8,000 characters in all).
CARD_MAX_CHARS = 1000


@dataclass(frozen=True)
class Card:
    title: str
    text: str


def card_for(effect: Effect, p: Phrases, library: Library | None = None) -> Card | None:
    library = library or library_for(p.locale)  # the content in the phrases' language
    if isinstance(effect, ShowStretch):
        stretch = library.stretches.get(effect.stretch)
        if stretch is None or not effect.narrated:  # a card for the stretch being coached, not for every answer
            return None
        title = p.localise(p("stretch_heading", number=effect.number, total=effect.total, name=stretch.name))
        lines = [p("position", position=library.positions[stretch.position]),
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


# --- screens (APL) -------------------------------------------------------------------------------
# A screen follows the spoken reply: the stretch, where it is in the routine, the cue being spoken in
# large type, a picture of the position, and a countdown during holds. Everything on it comes from the
# reply's own narration, timed with the same estimate (``speech.segment_seconds``) that places a
# hands-free barge-in, so screen and voice share one clock: both start when Alexa starts the response.

#: The APL version the documents are written for (every feature used exists since APL 1.1).
APL_VERSION = "2023.3"
#: The presentation token: a UserEvent from any other document is not ours.
APL_TOKEN = "back-stretch-coach"
#: A pause this long outside a hold gets a countdown too (a rest between stretches).
REST_COUNTDOWN_MIN_SECONDS = 5.0
#: Cue text on screen is cut at this many characters (the voice says all of it).
SCREEN_CUE_MAX_CHARS = 160

#: Buttons: the UserEvent argument each sends, and its label's phrase key. The handler maps an
#: argument to the voice intent that does the same thing.
BUTTONS = {"back": "button_back", "pause": "button_pause", "resume": "button_resume", "next": "button_next",
           "easier": "button_easier"}


@dataclass(frozen=True)
class ScreenEvent:
    """Something the screen does at ``at`` seconds into the reply: show a stretch, a cue, or count down."""

    at: float
    kind: str  # "stretch", "cue" or "count"
    text: str = ""
    seconds: int = 0
    stretch: str = ""
    place: str = ""


@dataclass(frozen=True)
class Screen:
    """What an Echo Show displays for one reply, before it is APL."""

    place: str
    name: str
    position: str
    cue: str
    buttons: tuple[str, ...]
    events: tuple[ScreenEvent, ...] = ()


def _title(text: str) -> str:
    return text[:1].upper() + text[1:]


def _cue_text(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SCREEN_CUE_MAX_CHARS else text[:SCREEN_CUE_MAX_CHARS - 1].rstrip() + "…"


def _timed_length(speech: Narration, start: int) -> float:
    """Seconds from the timed-start mark at ``start`` to its timed-end mark."""
    total = 0.0
    for segment in speech[start + 1:]:
        if isinstance(segment, Mark) and segment.name == narration.TIMED_END:
            break
        total += segment_seconds(segment)
    return total


def screen_events(speech: Narration, shown: ShowStretch, p: Phrases,
                  library: Library = LIBRARY) -> tuple[ScreenEvent, ...]:
    """The screen's timeline for a narration: each stretch, each cue as it is spoken, each countdown.

    Words spoken inside a hold (halfway, three, two, one) are not shown: the countdown is.
    """
    events: list[ScreenEvent] = []
    t, timed, number = 0.0, False, shown.number
    routine = library.routines.get(shown.routine)
    routine_name = _title(routine.name) if routine else ""
    for index, segment in enumerate(speech):
        if isinstance(segment, Mark):
            if segment.name.startswith(narration.SEGMENT):
                number = int(segment.name.removeprefix(narration.SEGMENT)) + 1
            elif segment.name.startswith("stretch:"):
                stretch = library.stretches.get(segment.name.removeprefix("stretch:"))
                if stretch is not None:
                    place = p("screen_place", routine=routine_name, number=number, total=shown.total)
                    events.append(ScreenEvent(t, "stretch", _title(stretch.name), stretch=stretch.id, place=place))
            elif segment.name == narration.TIMED_START:
                timed = True
                events.append(ScreenEvent(t, "count", seconds=round(_timed_length(speech, index))))
            elif segment.name == narration.TIMED_END:
                timed = False
        elif isinstance(segment, Say) and not timed:
            events.append(ScreenEvent(t, "cue", _cue_text(segment.text)))
        elif isinstance(segment, Pause) and not timed and segment.seconds >= REST_COUNTDOWN_MIN_SECONDS:
            events.append(ScreenEvent(t, "count", seconds=round(segment.seconds)))
        t += segment_seconds(segment)
    return tuple(events)


def screen_for(speech: Narration, effects: tuple[Effect, ...], p: Phrases,
               library: Library | None = None) -> Screen | None:
    """The screen for a reply that shows a stretch, or None (nothing to show)."""
    library = library or library_for(p.locale)
    shown = next((e for e in effects if isinstance(e, ShowStretch)), None)
    stretch = library.stretches.get(shown.stretch) if shown else None
    if shown is None or stretch is None:
        return None
    routine = library.routines.get(shown.routine)
    place = p("screen_place", routine=_title(routine.name) if routine else "", number=shown.number, total=shown.total)
    events = () if shown.paused else screen_events(speech, shown, p, library)
    if shown.paused:
        cue = p("screen_paused")
    else:
        cue = _cue_text(p.localise(stretch.brief[0])) if stretch.brief else ""
    buttons = ("back", "resume" if shown.paused else "pause", "next", "easier")
    return Screen(place, _title(stretch.name), stretch.position, cue, buttons, events)


@dataclass(frozen=True)
class Layout:
    """Sizes for one of Amazon's viewport profiles, in dp."""

    name: str
    round: bool
    side_by_side: bool
    picture: tuple[int, int]
    padding: int
    place_size: int
    name_size: int
    count_size: int
    cue_size: int
    button_size: int
    cue_lines: int


#: One layout per viewport profile Amazon defines for hubs and TVs; anything else gets the medium hub's.
LAYOUTS = {
    "HUB_ROUND_SMALL": Layout("round small hub", True, False, (150, 90), 56, 18, 28, 56, 22, 18, 3),
    "HUB_LANDSCAPE_SMALL": Layout("landscape small hub", False, True, (300, 180), 28, 20, 34, 72, 26, 22, 3),
    "HUB_LANDSCAPE_MEDIUM": Layout("landscape medium hub", False, True, (360, 216), 36, 22, 40, 96, 28, 24, 4),
    "HUB_LANDSCAPE_LARGE": Layout("landscape large hub", False, True, (480, 288), 48, 26, 48, 120, 34, 28, 4),
    "TV_LANDSCAPE_XLARGE": Layout("extra-large TV", False, True, (320, 192), 40, 22, 40, 96, 30, 24, 3),
}
DEFAULT_LAYOUT = "HUB_LANDSCAPE_MEDIUM"


def layout_for(profile: str | None) -> Layout:
    return LAYOUTS.get(profile or "", LAYOUTS[DEFAULT_LAYOUT])


# Colours: light text on a dark, calm background, readable from a mat across the room.
_BACKGROUND, _TEXT, _MUTED, _ACCENT, _MAT, _BUTTON = "#13202D", "#F4F7FA", "#A9B8C6", "#5FD4C4", "#2E4A5E", "#22364A"


def _head(x: int, y: int, r: int = 9) -> str:
    return f"M{x - r},{y} a{r},{r} 0 1,0 {2 * r},0 a{r},{r} 0 1,0 {-2 * r},0 Z"


#: A simple figure for each starting position, drawn as strokes on a 200 x 120 canvas above a mat.
_FIGURES = {
    "back": (_head(28, 86), "M40,92 L104,92 L128,64 L152,96 M62,92 L84,100"),
    "seated": (_head(66, 30), "M68,42 L78,92 L172,96 M72,56 L120,78"),
    "stomach": (_head(34, 78), "M46,88 L150,96 L186,98 M58,88 L56,100"),
    "hands_knees": (_head(38, 44), "M50,52 L140,52 M58,56 L58,98 M140,56 L140,98 L184,98"),
    "kneeling": (_head(96, 20), "M96,32 L96,70 L96,98 L150,98 M96,42 L118,66"),
}


def _graphic(position: str) -> dict:
    head, body = _FIGURES.get(position, _FIGURES["back"])
    return {"type": "AVG", "version": "1.2", "width": 200, "height": 120, "items": [
        {"type": "path", "pathData": "M6,102 h188 a6,6 0 0 1 0,12 h-188 a6,6 0 0 1 0,-12 Z", "fill": _MAT},
        {"type": "path", "pathData": body, "stroke": _ACCENT, "strokeWidth": 8,
         "strokeLineCap": "round", "strokeLineJoin": "round"},
        {"type": "path", "pathData": head, "fill": _ACCENT},
    ]}


def _text(id_: str, text: str, size: int, layout: Layout, color: str = _TEXT, **more) -> dict:
    return {"type": "Text", "id": id_, "text": text, "fontSize": f"{size}dp", "color": color,
            "textAlign": "center" if layout.round else "left", **more}


def _button(argument: str, p: Phrases, layout: Layout) -> dict:
    return {"type": "TouchWrapper", "id": f"button_{argument}", "spacing": "12dp",
            "onPress": [{"type": "SendEvent", "arguments": [argument]}],
            "item": {"type": "Frame", "backgroundColor": _BUTTON, "borderRadius": "14dp",
                     "item": {"type": "Text", "text": p(BUTTONS[argument]), "fontSize": f"{layout.button_size}dp",
                              "color": _TEXT, "textAlign": "center",
                              "paddingTop": "10dp", "paddingBottom": "10dp",
                              "paddingLeft": "20dp", "paddingRight": "20dp"}}}


def _commands(positions: tuple[str, ...]) -> dict:
    """User-defined commands: show a stretch, show a cue, count down (one second at a time)."""
    pictures = [{"type": "SetValue", "componentId": f"picture_{position}", "property": "display",
                 "value": f"${{picture == '{position}' ? 'normal' : 'none'}}"} for position in positions]
    return {
        "Stretch": {"parameters": ["name", "place", "picture"], "commands": [
            {"type": "SetValue", "componentId": "name", "property": "text", "value": "${name}"},
            {"type": "SetValue", "componentId": "place", "property": "text", "value": "${place}"},
            *pictures]},
        "Cue": {"parameters": ["text"], "commands": [
            {"type": "SetValue", "componentId": "cue", "property": "text", "value": "${text}"}]},
        "Countdown": {"parameters": [{"name": "seconds", "type": "number", "default": 0}], "commands": [
            {"type": "SetValue", "componentId": "count", "property": "text",
             "value": "${seconds > 0 ? seconds : ''}"},
            {"type": "Sequential", "when": "${seconds > 0}", "commands": [
                {"type": "Idle", "delay": 1000}, {"type": "Countdown", "seconds": "${seconds - 1}"}]}]},
    }


def _timeline(screen: Screen) -> list[dict]:
    """The screen's events as one command sequence, each waiting for its moment.

    A countdown runs for as many seconds as it counts, so the wait before the next event subtracts it.
    """
    sequence: list[dict] = []
    clock = 0.0
    for event in screen.events:
        wait = round((event.at - clock) * 1000)
        if wait > 0:
            sequence.append({"type": "Idle", "delay": wait})
            clock = event.at
        if event.kind == "stretch":
            sequence.append({"type": "Stretch", "name": event.text, "place": event.place,
                             "picture": _position_of(event.stretch)})
        elif event.kind == "cue":
            sequence.append({"type": "Cue", "text": event.text})
        else:
            sequence.append({"type": "Countdown", "seconds": event.seconds})
            clock += event.seconds
    return sequence


def _position_of(stretch_id: str, library: Library = LIBRARY) -> str:
    stretch = library.stretches.get(stretch_id)
    return stretch.position if stretch else "back"


def render_document(screen: Screen, profile: str | None, p: Phrases) -> tuple[dict, dict]:
    """The APL document and its data source for one screen, laid out for the viewport ``profile``."""
    layout = layout_for(profile)
    positions = tuple(dict.fromkeys([screen.position, *(_position_of(e.stretch) for e in screen.events
                                                         if e.kind == "stretch")]))
    w, h = layout.picture
    pictures = [{"type": "VectorGraphic", "id": f"picture_{position}", "source": f"figure_{position}",
                 "width": f"{w}dp", "height": f"{h}dp", "scale": "best-fit", "align": "center",
                 "display": "normal" if position == screen.position else "none"} for position in positions]
    words = {"type": "Container", "grow": 1, "shrink": 1,
             "paddingLeft": "0dp" if layout.round else f"{layout.padding}dp",
             "alignItems": "center" if layout.round else "start", "items": [
                 _text("place", "${payload.screen.place}", layout.place_size, layout, _MUTED),
                 _text("name", "${payload.screen.name}", layout.name_size, layout, fontWeight="700", maxLines=2),
                 _text("count", "", layout.count_size, layout, _ACCENT, fontWeight="700"),
                 _text("cue", "${payload.screen.cue}", layout.cue_size, layout, maxLines=layout.cue_lines),
             ]}
    body = {"type": "Container", "grow": 1, "direction": "row" if layout.side_by_side else "column",
            "alignItems": "center", "justifyContent": "center", "items": [*pictures, words]}
    buttons = {"type": "Container", "direction": "row", "wrap": "wrap", "justifyContent": "center",
               "items": [_button(b, p, layout) for b in screen.buttons]}
    document = {
        "type": "APL", "version": APL_VERSION, "theme": "dark", "description": "Back Stretch Coach: the stretch",
        "background": _BACKGROUND,
        "graphics": {f"figure_{position}": _graphic(position) for position in positions},
        "commands": _commands(positions),
        "mainTemplate": {"parameters": ["payload"], "items": [{
            "type": "Container", "width": "100vw", "height": "100vh", "padding": f"{layout.padding}dp",
            "justifyContent": "spaceBetween", "items": [body, buttons]}]},
    }
    timeline = _timeline(screen)
    if timeline:
        document["onMount"] = [{"type": "Sequential", "commands": timeline}]
    data = {"screen": {"place": screen.place, "name": screen.name, "cue": screen.cue}}
    return document, data
