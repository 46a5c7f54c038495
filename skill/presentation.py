"""What the skill shows, as opposed to what it says: the one place that builds visual content.

An Alexa app card for the stretch being coached and for safety advice, and on a device with a screen an APL
document for every answer. This is the only module that writes APL: :mod:`skill.screens` says what a screen
holds, :mod:`skill.viewports` the device and the sizes. Handlers call :func:`card_for` and
:func:`render_document` and put the results on the SDK's response.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .content import Library, library_for
from .engine.reply import Effect, ShowSafety, ShowStretch
from .localization import Phrases

if TYPE_CHECKING:  # the screen modules load with the first screen, not on a speaker's cold start
    from .screens import Button, Screen, ScreenEvent
    from .viewports import Display, Layout

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


# --- screens (APL) --------------------------------------------------------------------------------------------
# Voice and screen in step: the screen is re-anchored at each stretch rather than made to speak.
#
# A document that speaks the narration itself (SpeakItem over ssmlToSpeech, or aplAudioToSpeech) would keep
# the countdown on the voice at any speaking rate, but it takes the speech out of outputSpeech, and Alexa
# opens the microphone and plays the reprompt after outputSpeech: the screen's own speech would be cut off
# or talked over, unless screen devices got a different dialogue (no reprompt, and a UserEvent to ask the
# closing question), a second conversation to keep true beside the speaker's. Its transformers also run
# only in Alexa's cloud, so nothing here could check it. So the voice stays in outputSpeech, the same for
# every device, and the screen follows it on the estimate that also places a hands-free barge-in: each
# stretch is a response and a document of its own in step mode, whose clock starts with the voice, so an
# error in the estimate never carries from one stretch to the next; in a hands-free part each stretch's
# timeline starts at that stretch's own mark. Within a stretch the countdown keeps to the plan (150 words
# a minute): it runs its full seconds and shows its last number when the planned voice says "one". A voice
# 10 per cent faster than the plan says "one" earlier by about a tenth of the time it has spoken since the
# stretch began: about 4 s at the quick routine's first hold, up to about 9 s late in a long stretch.

#: The presentation token: a UserEvent from any other document is not ours.
APL_TOKEN = "back-stretch-coach"
#: The sequencer the timeline runs on: a button's onPress runs on the main sequencer and would stop it.
TIMELINE_SEQUENCER = "timeline"
#: Average glyph widths (in em) used to make texts fit their boxes, a little wider than apl-core's measure
#: (0.52 regular, 0.58 bold) so a real font has room too.
EM_REGULAR, EM_BOLD = 0.54, 0.6
NAME_LINE_HEIGHT, CUE_LINE_HEIGHT, PLACE_LINE_HEIGHT, LINE_HEIGHT = 1.1, 1.15, 1.25, 1.2
ROUND_NAME_LINE_HEIGHT = 1.0

# Colours: light text on a dark, calm background, readable from a mat across the room.
_BACKGROUND, _TEXT, _MUTED, _ACCENT, _MAT = "#13202D", "#F4F7FA", "#A9B8C6", "#5FD4C4", "#2E4A5E"
_BUTTON, _BUTTON_PRESSED = "#22364A", "#3E6A8A"

#: Button states, shown by the device itself as the finger lands (no command runs, so nothing can delay it):
#: pressed lightens the button and rings it; focused (a TV remote, a keyboard) rings it thick in the accent.
_STYLES = {
    "coachButton": {"values": [
        {"backgroundColor": _BUTTON, "borderColor": _BUTTON, "borderWidth": 4},
        {"when": "${state.focused}", "borderColor": _ACCENT, "borderWidth": 6},
        {"when": "${state.pressed}", "backgroundColor": _BUTTON_PRESSED, "borderColor": _ACCENT}]},
    "coachLabel": {"values": [{"color": _TEXT}, {"when": "${state.pressed}", "color": "#FFFFFF"}]},
}


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
#: Button icons on a 24 x 24 canvas: filled shapes, or strokes (``None`` fill).
_ICONS = {
    "back": ("M18,5 L8,12 L18,19 Z M5,5 h3 v14 h-3 Z", None),
    "next": ("M6,5 L16,12 L6,19 Z M16,5 h3 v14 h-3 Z", None),
    "pause": ("M6,5 h4 v14 h-4 Z M14,5 h4 v14 h-4 Z", None),
    "resume": ("M7,4 L20,12 L7,20 Z", None),
    "start": ("M7,4 L20,12 L7,20 Z", None),
    "easier": (None, "M3,8 C9,8 12,17 21,17"),
    "routines": (None, "M4,6 h16 M4,12 h16 M4,18 h16"),
}


def _graphic(position: str) -> dict:
    head, body = _FIGURES.get(position, _FIGURES["back"])
    return {"type": "AVG", "version": "1.2", "width": 200, "height": 120, "items": [
        {"type": "path", "pathData": "M6,102 h188 a6,6 0 0 1 0,12 h-188 a6,6 0 0 1 0,-12 Z", "fill": _MAT},
        {"type": "path", "pathData": body, "stroke": _ACCENT, "strokeWidth": 8,
         "strokeLineCap": "round", "strokeLineJoin": "round"},
        {"type": "path", "pathData": head, "fill": _ACCENT},
    ]}


def _icon(name: str) -> dict:
    fill, stroke = _ICONS[name]
    path = {"type": "path", "pathData": fill, "fill": _TEXT} if fill else \
        {"type": "path", "pathData": stroke, "stroke": _TEXT, "strokeWidth": 2.5, "strokeLineCap": "round"}
    return {"type": "AVG", "version": "1.2", "width": 24, "height": 24, "items": [path]}


# --- fitting text -------------------------------------------------------------------------------------------
def lines_needed(text: str, size: float, width: float, bold: bool = False) -> int:
    """How many lines ``text`` wraps to at ``size`` dp in a box ``width`` dp wide (greedy, word by word)."""
    em = (EM_BOLD if bold else EM_REGULAR) * size
    lines, used = 0, 0.0
    for word in text.split():
        length = len(word) * em
        if lines and used + em + length <= width:
            used += em + length
        else:
            lines, used = lines + 1, length
    return lines


def fit(text: str, size: float, width: float, lines: int, bold: bool = False) -> str:
    """``text`` as it is if it fits in ``lines`` lines, else cut at a word with "…" so that it does."""
    words = text.split()
    while len(words) > 1 and lines_needed(" ".join(words), size, width, bold) > lines:
        words = words[:-1]
        words[-1] = words[-1].rstrip(",;:.") + "…" if not words[-1].endswith("…") else words[-1]
    return " ".join(words)


def _chord(radius: float, top: float, bottom: float) -> float:
    """The width a box from ``top`` to ``bottom`` can have inside a circle of ``radius`` (centred)."""
    reach = max(abs(top - radius), abs(bottom - radius))
    return 2 * math.sqrt(max(radius * radius - reach * reach, 0.0))


# --- components ---------------------------------------------------------------------------------------------
def _dp(value: float) -> str:
    return f"{round(value)}dp"


def _text(id_: str, text: str, size: float, width: float, lines: int = 1, line_height: float = LINE_HEIGHT,
          **more) -> dict:
    """A text box of a fixed size: ``lines`` lines of ``size`` dp type, ``width`` dp wide."""
    return {"type": "Text", "id": id_, "text": text, "fontSize": _dp(size), "width": _dp(width),
            "height": _dp(lines * size * line_height), "lineHeight": line_height, "maxLines": lines,
            "color": _TEXT, **more}


def _button_id(button: Button) -> str:
    return "button_" + "_".join(button.arguments)


def _button(button: Button, layout: Layout, width: float | None = None) -> dict:
    """A button (the equivalent of alexa-layouts' AlexaButton and AlexaIconButton: that package is fetched by
    the device from Amazon's servers when the document is shown, so the engine here can't run it): a
    TouchWrapper that sends the UserEvent, with pressed and focused states and an accessibility label. An
    icon alone on a button as narrow as it is tall, the icon and the label on a wider one."""
    size = layout.button
    if width is None:
        width = layout.button_width if layout.label else size
    items = [{"type": "VectorGraphic", "source": f"icon_{button.icon}", "width": _dp(size * 0.45),
              "height": _dp(size * 0.45), "scale": "best-fit", "inheritParentState": True}]
    if width >= 1.5 * size:  # the label beside the icon, in type that fits the button
        room = width - size * 0.9 - 12
        label = min(max(layout.label, 26), int(room / (max(len(button.label), 1) * EM_REGULAR)))
        items.append({"type": "Text", "text": button.label, "style": "coachLabel", "inheritParentState": True,
                      "fontSize": _dp(label), "maxLines": 1, "paddingLeft": _dp(size * 0.15)})
    return {"type": "TouchWrapper", "id": _button_id(button), "width": _dp(width), "height": _dp(size),
            "accessibilityLabel": button.accessibility, "role": "button",
            "onPress": [{"type": "SendEvent", "arguments": list(button.arguments)}],
            "item": {"type": "Frame", "style": "coachButton", "inheritParentState": True,
                     "width": "100%", "height": "100%", "borderRadius": _dp(min(size / 2, 18) if width > size
                                                                            else size / 2),
                     "item": {"type": "Container", "direction": "row", "alignItems": "center",
                              "justifyContent": "center", "width": "100%", "height": "100%", "items": items}}}


def _label_width(button: Button, layout: Layout) -> float:
    label = max(layout.label, 26)
    return round(layout.button * 0.9 + len(button.label) * EM_REGULAR * label + layout.button * 0.4)


def _pictures(positions: tuple[str, ...], shown: str, words: str, width: float, height: float) -> dict:
    return {"type": "Container", "id": "pictures", "position": "absolute", "width": _dp(width),
            "height": _dp(height), "items": [
                {"type": "VectorGraphic", "id": f"picture_{position}", "source": f"figure_{position}",
                 "position": "absolute", "width": "100%", "height": "100%", "scale": "best-fit",
                 "align": "center", "accessibilityLabel": words, "role": "image",
                 "display": "normal" if position == shown else "none"} for position in positions]}


def _stage(screen: Screen, positions: tuple[str, ...], layout: Layout) -> dict:
    """The box the picture and the countdown share: the picture until a countdown starts, then the count. On
    a round screen (no room for the cue) a paused routine shows the pause sign there instead."""
    width, height = layout.stage
    if screen.paused and layout.display.round:
        pictures = {"type": "Container", "id": "pictures", "position": "absolute", "width": _dp(width),
                    "height": _dp(height), "items": [
                        {"type": "VectorGraphic", "id": "picture_paused", "source": "icon_pause", "width": "100%",
                         "height": "100%", "scale": "best-fit", "accessibilityLabel": screen.cue, "role": "image"}]}
    else:
        pictures = _pictures(positions, screen.position, screen.position_words, width, height)
    return {"type": "Container", "id": "stage", "width": _dp(width), "height": _dp(height), "items": [
        pictures,
        {"type": "Text", "id": "count", "text": "", "position": "absolute", "width": _dp(width), "height": _dp(height),
         "fontSize": _dp(layout.count), "lineHeight": 1, "textAlign": "center", "textAlignVertical": "center",
         "color": _ACCENT, "maxLines": 1}]}


def _commands(positions: tuple[str, ...], has_cue: bool, has_place: bool) -> dict:
    """User-defined commands: show a stretch, show a cue, count down (one second at a time), routine done."""
    pictures = [{"type": "SetValue", "componentId": f"picture_{position}", "property": "display",
                 "value": f"${{picture == '{position}' ? 'normal' : 'none'}}"} for position in positions]
    cue = "cue" if has_cue else "place" if has_place else None
    place = [{"type": "SetValue", "componentId": "place", "property": "text", "value": "${place}"}] \
        if has_place else []

    def show(component: str, value: str) -> dict:
        return {"type": "SetValue", "componentId": component, "property": "display", "value": value}

    return {
        "Stretch": {"parameters": ["name", "place", "picture"], "commands": [
            {"type": "SetValue", "componentId": "name", "property": "text", "value": "${name}"}, *place,
            *pictures]},
        "Cue": {"parameters": ["text"], "commands": [
            {"type": "SetValue", "componentId": cue, "property": "text", "value": "${text}"}] if cue else []},
        "Countdown": {"parameters": [{"name": "seconds", "type": "number", "default": 0}], "commands": [
            show("bar", "invisible"), show("pictures", "invisible"),
            {"type": "Tick", "seconds": "${seconds}"},
            show("bar", "normal"), show("pictures", "normal")]},
        "Tick": {"parameters": [{"name": "seconds", "type": "number", "default": 0}], "commands": [
            {"type": "SetValue", "componentId": "count", "property": "text",
             "value": "${seconds > 0 ? seconds : ''}"},
            {"type": "Sequential", "when": "${seconds > 0}", "commands": [
                {"type": "Idle", "delay": 1000}, {"type": "Tick", "seconds": "${seconds - 1}"}]}]},
        "Done": {"parameters": ["title", "line"], "commands": [
            show("bar", "invisible"), show("pictures", "invisible"),
            {"type": "SetValue", "componentId": "name", "property": "text", "value": "${title}"},
            *({"type": "SetValue", "componentId": "place", "property": "text", "value": ""} for _ in place),
            *([{"type": "SetValue", "componentId": cue, "property": "text", "value": "${line}"}] if cue else [])]},
    }


# --- the stretch screen ------------------------------------------------------------------------------------------
class _Words:
    """The text boxes of a stretch screen, sized once for the longest texts the document will show. (A plain
    class: a dataclass costs half a millisecond at import, on every cold start.)"""

    def __init__(self, width: float, name_size: float, name_lines: int, bold: bool, cue_lines: int = 0,
                 cue_chars: int = 0):
        self.width, self.name_size, self.name_lines, self.bold = width, name_size, name_lines, bold
        self.cue_lines, self.cue_chars = cue_lines, cue_chars

    def name(self, text: str) -> str:
        return fit(text, self.name_size, self.width, self.name_lines, self.bold)

    def cue(self, text: str) -> str:
        from .screens import key_words

        return key_words(text, self.cue_chars) if self.cue_lines else ""


def _names(screen: Screen) -> list[str]:
    return [screen.title, *(e.text for e in screen.events if e.kind in ("stretch", "done"))]


def _landscape_words(screen: Screen, layout: Layout, column: float, height: float) -> _Words:
    name_lines = min(3, max(lines_needed(n, layout.name, column, bold=True) for n in _names(screen)))
    used = layout.place * PLACE_LINE_HEIGHT + name_lines * layout.name * NAME_LINE_HEIGHT + 2 * layout.gap
    cue_lines = max(0, min(3, int((height - used) // (layout.cue * CUE_LINE_HEIGHT))))
    chars = int(column // (EM_REGULAR * layout.cue)) * cue_lines
    return _Words(column, layout.name, name_lines, True, cue_lines, chars)


def _bar(buttons: tuple[Button, ...], layout: Layout) -> dict:
    return {"type": "Container", "id": "bar", "direction": "row", "justifyContent": "center",
            "height": _dp(layout.button), "spacing": _dp(layout.gap),
            "items": [dict(_button(b, layout), spacing=_dp(layout.gap)) for b in buttons]}


def _landscape_stretch(screen: Screen, positions: tuple[str, ...], layout: Layout) -> tuple[dict, _Words]:
    """A hub or a TV: the picture (or the count) on the left, the place, name and cue beside it, the buttons
    along the bottom."""
    main_height = layout.height - 2 * layout.pad_y - layout.button - layout.gap
    column = layout.width - 2 * layout.pad_x - layout.stage[0] - 2 * layout.gap
    words = _landscape_words(screen, layout, column, main_height)
    texts = [
        _text("place", screen.place, layout.place, column, line_height=PLACE_LINE_HEIGHT, color=_MUTED),
        _text("name", words.name(screen.title), layout.name, column, words.name_lines, NAME_LINE_HEIGHT,
              fontWeight="700", spacing=_dp(layout.gap))]
    if words.cue_lines:
        texts.append(_text("cue", words.cue(screen.cue), layout.cue, column, words.cue_lines, CUE_LINE_HEIGHT,
                           spacing=_dp(layout.gap)))
    main = {"type": "Container", "direction": "row", "alignItems": "center", "width": "100%",
            "height": _dp(main_height), "items": [
                _stage(screen, positions, layout),
                {"type": "Container", "width": _dp(column), "height": "100%", "justifyContent": "center",
                 "spacing": _dp(2 * layout.gap), "items": texts}]}
    root = {"type": "Container", "width": "100vw", "height": "100vh", "paddingLeft": _dp(layout.pad_x),
            "paddingRight": _dp(layout.pad_x), "paddingTop": _dp(layout.pad_y), "paddingBottom": _dp(layout.pad_y),
            "alignItems": "center", "items": [main, dict(_bar(screen.buttons, layout), spacing=_dp(layout.gap))]}
    return root, words


#: On a round screen, the share of the diameter a column of boxes may fill (the rest is the circle's rim).
ROUND_FILL = 0.85
#: On a round screen, the buttons that fit across the circle (Easier is there by voice).
ROUND_BUTTONS = ("back", "pause", "resume", "next")


def _stacked(diameter: float, heights: list[float], gap: float) -> list[tuple[float, float]]:
    """Top and the width the circle allows for each of a column of boxes, centred on a round screen."""
    top = max(0.0, (diameter - sum(heights) - gap * (len(heights) - 1)) / 2)
    boxes = []
    for height in heights:
        boxes.append((top, _chord(diameter / 2, top, top + height) - 8))
        top += height + gap
    return boxes


def _round_stretch(screen: Screen, positions: tuple[str, ...], layout: Layout) -> tuple[dict, _Words]:
    """Echo Spot: the picture (or the count), the name under it, three round buttons, each as wide as the
    circle allows at its height. The cues and the place are left to the voice."""
    gap = layout.gap
    heights = [layout.stage[1], 2 * layout.name * ROUND_NAME_LINE_HEIGHT, layout.button]
    (_, stage_width), (_, name_width), _ = _stacked(layout.height, heights, gap)
    words = _Words(name_width, layout.name, 2, False)
    buttons = tuple(b for b in screen.buttons if b.arguments[0] in ROUND_BUTTONS)
    stage = _stage(screen, positions, replace(layout, stage=(min(layout.stage[0], stage_width), layout.stage[1])))
    items = [
        dict(stage, spacing=_dp(gap)),
        _text("name", words.name(screen.title), layout.name, name_width, 2, ROUND_NAME_LINE_HEIGHT,
              textAlign="center", spacing=_dp(gap)),
        dict(_bar(buttons, layout), spacing=_dp(gap))]
    root = {"type": "Container", "width": "100vw", "height": "100vh", "alignItems": "center",
            "justifyContent": "center", "items": items}
    return root, words


def _timeline(events: tuple[ScreenEvent, ...], words: _Words, round_screen: bool, library: Library) -> list[dict]:
    """The screen's events as one command sequence, each waiting for its moment.

    A countdown runs for as many seconds as it counts, so the wait before the next event subtracts it.
    """
    sequence: list[dict] = []
    clock = 0.0
    for event in events:
        wait = round((event.at - clock) * 1000)
        if wait > 0:
            sequence.append({"type": "Idle", "delay": wait})
            clock = event.at
        command = _event_command(event, words, round_screen, library)
        if command:
            sequence.append(command)
        if event.kind == "count":
            clock += event.seconds
    return sequence


def _event_command(event: ScreenEvent, words: _Words, round_screen: bool, library: Library) -> dict | None:
    if event.kind == "stretch":
        return {"type": "Stretch", "name": words.name(event.text),
                "place": event.short_place if round_screen else event.place,
                "picture": _position_of(event.stretch, library)}
    if event.kind == "cue":
        return {"type": "Cue", "text": words.cue(event.text)} if words.cue_lines else None
    if event.kind == "done":
        return {"type": "Done", "title": words.name(event.text), "line": words.cue(event.place)}
    return {"type": "Countdown", "seconds": event.seconds}


def _position_of(stretch_id: str, library: Library) -> str:
    stretch = library.stretches.get(stretch_id)
    return stretch.position if stretch else "back"


def _stretch_document(screen: Screen, layout: Layout, library: Library) -> tuple[dict, dict]:
    positions = tuple(dict.fromkeys([screen.position, *(_position_of(e.stretch, library) for e in screen.events
                                                        if e.kind == "stretch")]))
    build = _round_stretch if layout.display.round else _landscape_stretch
    root, words = build(screen, positions, layout)
    graphics = {**{f"figure_{position}": _graphic(position) for position in positions}, **_icons(screen.buttons)}
    if screen.paused:
        graphics["icon_pause"] = _icon("pause")
    document = _document(layout, "Back Stretch Coach: the stretch", root, graphics)
    document["commands"] = _commands(positions, bool(words.cue_lines), bool(layout.place))
    timeline = _timeline(screen.events, words, layout.display.round, library)
    if timeline:
        document["onMount"] = [{"type": "Sequential", "sequencer": TIMELINE_SEQUENCER, "commands": timeline}]
    return document, {"screen": _summary(screen, words)}


# --- panels ----------------------------------------------------------------------------------------------------
def _list_columns(lines: tuple[str, ...], size: float, width: float, height: float) -> tuple[int, float]:
    """Columns and type size for a list of names: as many columns as the longest name allows, shrinking the
    type (not below 24 dp) until the rows fit the height."""
    longest = max((len(line) for line in lines), default=1)
    while True:
        columns = max(1, min(3, int(width // (longest * EM_REGULAR * size + size))))
        if math.ceil(len(lines) / columns) * size * LINE_HEIGHT <= height or size <= 24:
            return columns, size
        size -= 2


def _label_width(button: Button, layout: Layout) -> float:
    return round(layout.button * 1.3 + len(button.label) * EM_REGULAR * max(layout.label, 26))


def _panel_lines(screen: Screen, layout: Layout, width: float, free: float) -> list[dict]:
    if len(screen.lines) > 3:  # a list of names, in columns
        columns, size = _list_columns(screen.lines, layout.line, width, free)
        return [{"type": "Container", "direction": "row", "wrap": "wrap", "width": _dp(width),
                 "spacing": _dp(layout.gap), "items": [
                     _text(f"line_{n}", line, size, width / columns, color=_MUTED)
                     for n, line in enumerate(screen.lines)]}]
    items = []
    for n, line in enumerate(screen.lines):
        lines = max(1, min(3, lines_needed(line, layout.line, width)))
        items.append(_text(f"line_{n}", fit(line, layout.line, width, lines), layout.line, width, lines,
                           spacing=_dp(layout.gap)))
    return items


def _landscape_panel(screen: Screen, layout: Layout) -> dict:
    """A heading, its lines (a list in columns), a hint, and the buttons in rows."""
    width = layout.width - 2 * layout.pad_x
    title_lines = min(2, lines_needed(screen.title, layout.title, width, bold=True))
    widths = [_label_width(b, layout) for b in screen.buttons]
    per_row = max(1, int((width + 2 * layout.gap) // (max(widths, default=1) + 2 * layout.gap)))
    rows = math.ceil(len(widths) / per_row)
    free = (layout.height - 2 * layout.pad_y - title_lines * layout.title * LINE_HEIGHT
            - rows * (layout.button + 2 * layout.gap) - (layout.line * LINE_HEIGHT + layout.gap) * bool(screen.cue)
            - 2 * layout.gap)
    items = [_text("title", fit(screen.title, layout.title, width, title_lines, True), layout.title, width,
                   title_lines, fontWeight="700"), *_panel_lines(screen, layout, width, free)]
    if screen.cue:
        items.append(_text("cue", screen.cue, layout.line, width, color=_MUTED, spacing=_dp(layout.gap)))
    if screen.buttons:
        items.append({"type": "Container", "id": "bar", "direction": "row", "wrap": "wrap", "width": _dp(width),
                      "spacing": _dp(2 * layout.gap), "items": [
                          dict(_button(b, layout, w), spacing=_dp(layout.gap), paddingBottom=_dp(layout.gap))
                          for b, w in zip(screen.buttons, widths, strict=True)]})
    return {"type": "Container", "width": "100vw", "height": "100vh", "paddingLeft": _dp(layout.pad_x),
            "paddingRight": _dp(layout.pad_x), "paddingTop": _dp(layout.pad_y), "paddingBottom": _dp(layout.pad_y),
            "justifyContent": "center", "items": items}


def _round_panel(screen: Screen, layout: Layout) -> dict:
    """Echo Spot: a heading, a few lines and the buttons, one under another, each as wide as the circle
    allows at its height; a list of names too long for the circle gives way to its hint."""
    gap = layout.gap
    lines = screen.lines if len(screen.lines) <= 4 else ((screen.cue,) if screen.cue else ())
    rest = [*(layout.line * LINE_HEIGHT for _ in lines), *(layout.button for _ in screen.buttons)]
    # The heading in two lines, or one, or (a list of buttons filling the circle) left to the voice.
    title_lines = next((n for n in (2, 1) if n * layout.title * LINE_HEIGHT + sum(rest) + gap * len(rest)
                        <= ROUND_FILL * layout.height), 0)
    heights = [title_lines * layout.title * LINE_HEIGHT, *rest] if title_lines else rest
    boxes = _stacked(layout.height, heights, gap)
    items = []
    if title_lines:
        (_, width), boxes = boxes[0], boxes[1:]
        items.append(_text("title", fit(screen.title, layout.title, width, title_lines, True), layout.title, width,
                           title_lines, textAlign="center", fontWeight="700", spacing=_dp(gap)))
    for n, (line, (_, width)) in enumerate(zip(lines, boxes, strict=False)):
        items.append(_text(f"line_{n}", fit(line, layout.line, width, 1), layout.line, width, textAlign="center",
                           color=_MUTED, spacing=_dp(gap)))
    width = min((width for _, width in boxes[len(lines):]), default=0)  # the buttons all as wide as the narrowest
    for button in screen.buttons:
        items.append(dict(_button(button, layout, width), spacing=_dp(gap)))
    return {"type": "Container", "width": "100vw", "height": "100vh", "alignItems": "center",
            "justifyContent": "center", "items": items}


def _panel_document(screen: Screen, layout: Layout) -> tuple[dict, dict]:
    root = (_round_panel if layout.display.round else _landscape_panel)(screen, layout)
    document = _document(layout, "Back Stretch Coach: " + screen.title, root, _icons(screen.buttons))
    return document, {"screen": _summary(screen, None)}


# --- the document -------------------------------------------------------------------------------------------------
def _icons(buttons: tuple[Button, ...]) -> dict:
    return {f"icon_{name}": _icon(name) for name in dict.fromkeys(b.icon for b in buttons)}


def _document(layout: Layout, description: str, root: dict, graphics: dict) -> dict:
    document = {"type": "APL", "version": layout.display.apl_version, "theme": "dark", "description": description,
                "background": _BACKGROUND, "styles": _STYLES,
                "mainTemplate": {"parameters": ["payload"], "items": [root]}}
    if graphics:
        document["graphics"] = graphics
    return document


def _summary(screen: Screen, words: _Words | None) -> dict:
    """What the screen shows first, as data beside the document (the chat simulator reads it)."""
    summary = {"kind": screen.kind, "title": screen.title, "place": screen.place, "lines": list(screen.lines),
               "buttons": [" ".join(b.arguments) for b in screen.buttons]}
    if screen.kind == "stretch":
        summary.update(picture=screen.position, cue=words.cue(screen.cue) if words else screen.cue,
                       countdowns=[e.seconds for e in screen.events if e.kind == "count"],
                       stretches=[e.text for e in screen.events if e.kind == "stretch"])
    return summary


def render_document(screen: Screen, display: Display, p: Phrases) -> tuple[dict, dict]:
    """The APL document and its data source for one screen, laid out for ``display``."""
    from .viewports import layout_for

    layout = layout_for(display)
    if screen.kind == "stretch":
        return _stretch_document(screen, layout, library_for(p.locale))
    return _panel_document(screen, layout)
