"""Amazon's reference APL engine (apl-core-library) as the tests use it: run a document on a device, read back
the laid-out tree, the timeline and the events; and the checks a person on a mat needs from what it prints.

The engine is ``../shared/tools/apl-engine/apl-engine`` (its README says how it is called; ``APL_ENGINE``
names another copy). It lays a document out for a device's pixels and dpi, runs its timeline on a simulated
clock in 100 ms steps, can press a component, and prints JSON lines. It measures text approximately (an
average glyph of 0.52 em, 0.58 em bold) and draws nothing.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import unescape

from skill.narration import SOUND_SECONDS
from skill.speech import SECONDS_PER_WORD, word_count
from skill.viewports import MIN_BUTTON_DP, arcminutes, min_font_dp

ROOT = Path(__file__).resolve().parent.parent
ENGINE = Path(os.environ.get("APL_ENGINE", ROOT.parent / "shared" / "tools" / "apl-engine" / "apl-engine"))
#: Layout is in dp on a pixel grid, and a text's box is rounded up to whole pixels: at 213 dpi a box may be
#: two pixels (1.5 dp) wider than the one that holds it.
TOLERANCE_DP = 2.0
#: How far the countdown may be from the voice's plan, in seconds (the engine's clock steps 100 ms).
TIMING_TOLERANCE = 0.5


@dataclass(frozen=True)
class Device:
    name: str
    profile: str
    pixel_width: int
    pixel_height: int
    dpi: int
    shape: str
    mode: str

    @property
    def width(self) -> float:
        return self.pixel_width * 160 / self.dpi

    @property
    def height(self) -> float:
        return self.pixel_height * 160 / self.dpi


@dataclass
class Run:
    """What the engine printed: the tree at t = 0 (and at a DUMP time), the screen's changes, the events."""

    tree: list[dict] = field(default_factory=list)
    dumped: list[dict] = field(default_factory=list)
    screens: list[tuple[float, dict]] = field(default_factory=list)
    events: list[tuple[float, object]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def run(document: dict, data: dict, device: Device, seconds: float, tap: str | None = None,
        at: float | None = None) -> Run:
    """Run ``document`` with ``data`` on ``device`` for ``seconds``; press ``tap`` (or "DUMP") at ``at``."""
    with tempfile.TemporaryDirectory() as folder:
        doc_path, data_path = Path(folder, "doc.json"), Path(folder, "data.json")
        doc_path.write_text(json.dumps(document))
        data_path.write_text(json.dumps(data))
        args = [str(ENGINE), str(doc_path), str(data_path), str(device.pixel_width), str(device.pixel_height),
                str(device.dpi), device.shape.lower(), device.mode.lower(), f"{seconds:.1f}"]
        if tap is not None:
            args += [tap, f"{at:.1f}"]
        out = subprocess.run(args, capture_output=True, text=True, timeout=120)
    result, target = Run(), None
    result.tree = target = []
    for line in out.stdout.splitlines():
        if not line.startswith("{"):
            continue
        item = json.loads(line)
        if "component" in item:
            target.append(item)
        elif "dump_at" in item:
            result.dumped = target = []
        elif "screen" in item:
            result.screens.append((item["t"], dict(part.split("=", 1) for part in item["screen"].split(" | "))))
        elif "event" in item:
            arguments = item["arguments"]  # printed as JSON<[...]>
            result.events.append((item["t"], json.loads(arguments[5:-1] if arguments.startswith("JSON<") else
                                                        arguments or "null")))
        elif "error" in item:
            result.errors.append(item["error"])
    if out.returncode != 0 and not result.errors:
        result.errors.append(f"exit status {out.returncode}")
    return result


# --- checks ---------------------------------------------------------------------------------------------------
def parents(tree: list[dict]) -> list[dict | None]:
    """Each component's parent in the printed tree (depth-first, with depths)."""
    stack: list[dict] = []
    found: list[dict | None] = []
    for component in tree:
        del stack[component["depth"]:]
        found.append(stack[-1] if stack else None)
        stack.append(component)
    return found


def _inside(inner: dict, outer: dict) -> bool:
    return (inner["x"] >= outer["x"] - TOLERANCE_DP and inner["y"] >= outer["y"] - TOLERANCE_DP
            and inner["x"] + inner["w"] <= outer["x"] + outer["w"] + TOLERANCE_DP
            and inner["y"] + inner["h"] <= outer["y"] + outer["h"] + TOLERANCE_DP)


def overflows(tree: list[dict], device: Device) -> list[str]:
    """Every component that leaves its parent or the screen; on a round screen, the circle too."""
    screen = {"x": 0, "y": 0, "w": device.width, "h": device.height}
    radius = min(device.width, device.height) / 2
    problems = []
    for component, parent in zip(tree, parents(tree), strict=True):
        if component["display"] == 2 or component["w"] <= 0 or component["h"] <= 0:
            continue  # display none: not laid out
        name = f"{component['component']} {component['id'] or ''} {component.get('text', '')!r}"
        if parent is not None and not _inside(component, parent):
            problems.append(f"{name} leaves its parent")
        if not _inside(component, screen):
            problems.append(f"{name} leaves the screen")
        if device.shape == "ROUND" and component["component"] != "Container":  # a Container draws nothing
            corners = [(component["x"] + dx, component["y"] + dy) for dx in (0, component["w"])
                       for dy in (0, component["h"])]
            if any(math.dist(corner, (radius, radius)) > radius + TOLERANCE_DP for corner in corners):
                problems.append(f"{name} leaves the circle")
    return problems


def by_id(tree: list[dict]) -> dict[str, dict]:
    return {c["id"]: c for c in tree if c["id"]}


def size_problems(tree: list[dict], device: Device, has_countdown: bool) -> list[str]:
    """The sizes a person on a mat 2.5 m away needs, at scale 1 (a device inside its declared range):
    countdown, name, and any cue shown during a hold, by the angle a capital letter subtends; the
    countdown's box 40 to 50 per cent of the screen's height; every button at least 72 dp."""
    components, problems = by_id(tree), []
    minimum = {kind: min_font_dp(kind) for kind in ("count", "name", "cue")}
    if has_countdown:
        count = components.get("count")
        if count is None:
            problems.append("no countdown")
        else:
            share = count["h"] / device.height
            if not 0.40 <= share <= 0.50:
                problems.append(f"the countdown's box is {share:.0%} of the screen's height")
    for kind in ("count", "name", "cue") if has_countdown else ("name",):
        component = components.get(kind)
        if component is not None and component["fontSize"] < minimum[kind]:
            problems.append(f"{kind} at {component['fontSize']} dp subtends {arcminutes(component['fontSize']):.1f}'")
    for component in tree:
        if component["component"] == "TouchWrapper" and min(component["w"], component["h"]) < MIN_BUTTON_DP - 0.5:
            problems.append(f"button {component['id']} is {component['w']:.0f} x {component['h']:.0f} dp")
    return problems


def shifts(before: list[dict], after: list[dict]) -> list[str]:
    """Components whose box differs between two dumps of the same document."""
    if len(before) != len(after):
        return [f"{len(before)} components before, {len(after)} after"]
    moved = []
    for a, b in zip(before, after, strict=True):
        if any(abs(a[k] - b[k]) > 0.01 for k in ("x", "y", "w", "h")):
            moved.append(f"{a['component']} {a['id']!r} moved from {a['x']},{a['y']} {a['w']}x{a['h']} "
                         f"to {b['x']},{b['y']} {b['w']}x{b['h']}")
    return moved


@dataclass(frozen=True)
class Countdown:
    start: float
    first: int
    one: float | None
    end: float | None


def countdowns(screens: list[tuple[float, dict]]) -> list[Countdown]:
    """The countdowns the screen ran: when each started, its first number, when it showed 1, when it cleared."""
    found, current = [], None
    for t, shown in screens:
        count = shown.get("count", "").replace("<none>", "")
        if count and current is None:
            current = {"start": t, "first": int(count), "one": None, "end": None}
        if current is not None and count == "1":
            current["one"] = t
        if current is not None and not count:
            current["end"] = t
            found.append(Countdown(**current))
            current = None
    if current is not None:
        found.append(Countdown(**current))
    return found


# --- the voice's plan, from the SSML Alexa gets ------------------------------------------------------------
_TOKEN = re.compile(r'<break\s+time="(\d+(?:\.\d+)?)(ms|s)"\s*/>|<audio\s+src="([^"]+)"\s*/>|<[^>]+>|[^<]+')


def voice_plan(ssml: str) -> tuple[list[float], list[float], float]:
    """When the voice says each "One." (the last number of a hold), when each audible thing starts (a
    sentence's words or a sound clip), and how long it all lasts: seconds at the stated speaking rate."""
    t, ones, starts = 0.0, [], []
    for match in _TOKEN.finditer(ssml):
        number, unit, clip = match.group(1), match.group(2), match.group(3)
        text = match.group(0)
        if number:
            t += float(number) / (1000 if unit == "ms" else 1)
        elif clip:
            starts.append(t)
            t += SOUND_SECONDS.get(clip, 0.0)
        elif not text.startswith("<"):
            for sentence in re.split(r"(?<=[.!?])\s+", unescape(text).strip()):
                if not sentence:
                    continue
                starts.append(t)
                if sentence == "One.":
                    ones.append(t)
                t += word_count(sentence) * SECONDS_PER_WORD
    return ones, starts, t


def timing_problems(found: list[Countdown], ssml: str) -> list[str]:
    """Each countdown runs its full seconds and clears as the voice says its next thing; each hold's "One."
    comes as the countdown shows 1 (within half a second of the voice's plan)."""
    ones, starts, _ = voice_plan(ssml)
    problems = []
    for countdown in found:
        if countdown.end is None:
            problems.append(f"the countdown from {countdown.first} at {countdown.start} s never ended")
            continue
        if abs(countdown.end - countdown.start - countdown.first) > TIMING_TOLERANCE:
            problems.append(f"the countdown from {countdown.first} ran {countdown.end - countdown.start:.1f} s")
        if not any(abs(countdown.end - s) <= TIMING_TOLERANCE for s in starts):
            problems.append(f"the countdown from {countdown.first} cleared at {countdown.end} s, when the voice "
                            "starts nothing")
    shown_ones = [c.one for c in found if c.one is not None]
    for said in ones:
        if not any(abs(said - shown) <= TIMING_TOLERANCE for shown in shown_ones):
            problems.append(f"the voice says one at {said:.1f} s, the screen shows 1 at {shown_ones}")
    return problems
