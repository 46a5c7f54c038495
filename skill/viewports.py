"""Screens as Alexa describes them: which of Amazon's viewport profiles a device is, the size its document is
laid out at, the APL version it can run, and the sizes of type and buttons for a person on a mat.

No APL is written here (:mod:`skill.presentation` writes it). The manifest's ``supportedViewports`` are made
from the same table (``skill_dev/skill_package.py``), so the skill promises Amazon exactly the ranges it lays
out for, and a device inside one gets its document at scale 1: APL's scaling (apl-core-library's
``scaling::calculate``) leaves a document alone when the device's size in dp is inside a declared range.

Why by hand: the ASK SDK's ``get_viewport_profile`` sorts devices by pixels and density group; it has no
extra-large hub (Echo Show 15), and a 213 dpi Echo Show 8 matches none of its hub profiles, so both fell back
to a layout made for another screen. Amazon's profiles are ranges in dp; apl-suggester (npm, Amazon's)
carries them in ``configs/viewportProfiles``, and the tests check :data:`PROFILES` against those files.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    """One of Amazon's standard viewport profiles: a mode, a shape and ranges of width and height in dp."""

    name: str
    mode: str  # "HUB" or "TV", as in the manifest and in context.Viewport
    shape: str  # "ROUND" or "RECTANGLE"
    min_width: int
    max_width: int
    min_height: int
    max_height: int
    #: The device this profile's layout is made (and checked) for.
    device: str

    def holds(self, width: float, height: float) -> bool:
        return self.min_width <= width <= self.max_width and self.min_height <= height <= self.max_height


#: Amazon's standard ranges for the profiles the skill lays out for, in the order a device is matched: a
#: 1920 x 1080 dp hub is in both the large and the extra-large range, and is an Echo Show 15.
PROFILES: tuple[Profile, ...] = (
    Profile("HUB_ROUND_SMALL", "HUB", "ROUND", 100, 599, 100, 599, "Echo Spot"),
    Profile("HUB_LANDSCAPE_SMALL", "HUB", "RECTANGLE", 960, 1279, 100, 599, "Echo Show 5"),
    Profile("HUB_LANDSCAPE_MEDIUM", "HUB", "RECTANGLE", 960, 1279, 600, 959, "Echo Show 8"),
    Profile("HUB_LANDSCAPE_XLARGE", "HUB", "RECTANGLE", 1920, 2560, 960, 1279, "Echo Show 15"),
    Profile("HUB_LANDSCAPE_LARGE", "HUB", "RECTANGLE", 1280, 1920, 600, 1279, "Echo Show 10"),
    Profile("TV_LANDSCAPE_XLARGE", "TV", "RECTANGLE", 960, 960, 540, 540, "Fire TV"),
)
PROFILE_BY_NAME = {profile.name: profile for profile in PROFILES}

# --- APL versions -----------------------------------------------------------------------------------------
#: APL versions, oldest first, up to the newest that Amazon's validator here (apl-suggester 2024.2) knows.
APL_VERSIONS = ("1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "1.9",
                "2022.1", "2022.2", "2023.1", "2023.2", "2023.3", "2024.1", "2024.2")
#: The oldest version with every feature the documents use; the newest of them is the named sequencer that
#: keeps a countdown running while a button's command runs (APL 1.4). A device that doesn't say what it
#: runs gets this one.
MIN_APL_VERSION = "1.4"


def _version_key(version: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"\s*(\d{1,4})\.(\d{1,3})(?:\.\d+)?\s*", version) if isinstance(version, str) else None
    return (int(match.group(1)), int(match.group(2))) if match else None


def apl_version(reported: object) -> str | None:
    """The version to write a document in for a device that reports ``runtime.maxVersion = reported``.

    The newest known version not newer than the device's; :data:`MIN_APL_VERSION` when it reports nothing
    readable; None (no document: the answer is spoken only) when it runs something older than that.
    """
    key = _version_key(reported) if isinstance(reported, str) else None
    if key is None:
        return MIN_APL_VERSION
    usable = [v for v in APL_VERSIONS if _version_key(v) <= key]
    if not usable or _version_key(usable[-1]) < _version_key(MIN_APL_VERSION):
        return None
    return usable[-1]


# --- the device -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Display:
    """A screen to write for: its profile, the size in dp its document is laid out at, and its APL version."""

    profile: Profile
    width: float
    height: float
    apl_version: str = MIN_APL_VERSION

    @property
    def round(self) -> bool:
        return self.profile.shape == "ROUND"

    @property
    def tv(self) -> bool:
        return self.profile.mode == "TV"


def _clamped(profile: Profile, width: float, height: float) -> tuple[float, float]:
    return (min(max(width, profile.min_width), profile.max_width),
            min(max(height, profile.min_height), profile.max_height))


def _nearest(width: float, height: float, mode: str, shape: str) -> tuple[Profile, float, float]:
    """A device in none of the ranges: APL scales its document to the nearest declared size (when the mode
    is one the manifest declares); lay it out for the profile it comes closest to, at that size."""
    candidates = [p for p in PROFILES if p.mode == mode] or [p for p in PROFILES if p.mode == "HUB"]
    candidates = [p for p in candidates if p.shape == shape] or candidates

    def distance(profile: Profile) -> float:
        w, h = _clamped(profile, width, height)
        return abs(math.log(width / w)) + abs(math.log(height / h))

    profile = min(candidates, key=distance)
    if not any(p.mode == mode for p in PROFILES):
        return profile, width, height  # no declared range for its mode: APL leaves the document unscaled
    return (profile, *_clamped(profile, width, height))


def display_for(shape: object, mode: object, pixel_width: object, pixel_height: object, dpi: object,
                max_version: object = None) -> Display | None:
    """The display for ``context.Viewport`` values and the APL runtime's ``maxVersion``; None when the device
    can't run the documents (too old), or its viewport is missing or nonsensical."""
    version = apl_version(max_version)
    numbers = (pixel_width, pixel_height, dpi)
    if version is None or not all(isinstance(n, (int, float)) and not isinstance(n, bool) and 0 < n < 100_000
                                  for n in numbers):
        return None
    width, height = pixel_width * 160.0 / dpi, pixel_height * 160.0 / dpi
    shape = shape if shape in ("ROUND", "RECTANGLE") else "RECTANGLE"
    mode = mode if isinstance(mode, str) else "HUB"
    profile = next((p for p in PROFILES if p.mode == mode and p.shape == shape and p.holds(width, height)), None)
    if profile is None:
        profile, width, height = _nearest(width, height, mode, shape)
    return Display(profile, width, height, version)


# --- sizes for a person on a mat ----------------------------------------------------------------------------
#: Reading distance the sizes are made for, and the smallest angle a capital letter should subtend there
#: (arc-minutes): the countdown, the stretch name, and any cue shown during a hold. A capital letter is
#: taken as 0.7 of the font size and 1 dp as 1/160 inch, at the scale the device applies (1 inside a range).
READING_DISTANCE_MM = 2500
MIN_ARCMIN = {"count": 16.0, "name": 10.0, "cue": 7.0}
#: Buttons: Amazon's icon buttons are 72 dp by default; nothing smaller is tapped reliably from the floor. The
#: skill's are a little larger, so a screen whose dp fall between pixels (Echo Show 8) still gets 72.
MIN_BUTTON_DP, BUTTON_DP = 72, 76


def arcminutes(font_dp: float, scale: float = 1.0, distance_mm: float = READING_DISTANCE_MM) -> float:
    """The angle a capital letter of ``font_dp`` type subtends at ``distance_mm``, in arc-minutes."""
    height_mm = 0.7 * font_dp * scale * 25.4 / 160.0
    return math.degrees(2 * math.atan(height_mm / 2 / distance_mm)) * 60


def min_font_dp(kind: str) -> int:
    """The smallest whole font size in dp whose capitals subtend ``MIN_ARCMIN[kind]`` at scale 1."""
    size = 1
    while arcminutes(size) < MIN_ARCMIN[kind]:
        size += 1
    return size


@dataclass(frozen=True)
class Layout:
    """Type and box sizes for one display, in dp. Everything has a fixed size, so nothing moves as texts
    change or a countdown starts; what hides during a hold (buttons, the picture) keeps its place."""

    display: Display
    pad_x: int
    pad_y: int
    gap: int
    place: int  # 0: no place line on this screen
    name: int
    cue: int  # 0: no cue on this screen (the voice has it)
    count: int  # the countdown's type, and the height of its box
    stage: tuple[int, int]  # the box the picture and the countdown share
    button: int  # a button's height (and width, for an icon button)
    button_width: int
    label: int  # a button's label (0: icon only)
    title: int  # a panel's heading (welcome, lists, routine done)
    line: int  # a panel's lines

    @property
    def width(self) -> float:
        return self.display.width

    @property
    def height(self) -> float:
        return self.display.height


#: The countdown's box, as a share of the screen's height (the brief for the mat: 40 to 50 per cent).
COUNT_SHARE, ROUND_COUNT_SHARE = 0.42, 0.405


def layout_for(display: Display) -> Layout:
    height, width = display.height, display.width
    count = round(COUNT_SHARE * height)
    name, cue = max(min_font_dp("name"), round(0.11 * height)), max(48, round(0.075 * height))
    button = max(BUTTON_DP, round(0.1 * height))
    if display.round:
        # Echo Spot: one column inside the circle, so the countdown takes the least the brief allows; the cue
        # and the place are left to the voice (no room for them at a size readable from the mat).
        count = round(ROUND_COUNT_SHARE * height)
        return Layout(display, pad_x=0, pad_y=0, gap=6, place=0, name=name, cue=0, count=count,
                      stage=(round(0.46 * height), count), button=button, button_width=button, label=0,
                      title=max(44, round(0.09 * height)), line=max(26, round(0.055 * height)))
    pad_y = round(0.05 * height) if display.tv else max(24, round(0.04 * height))
    pad_x = round(0.05 * width) if display.tv else pad_y  # a TV's edges can be overscanned
    gap = max(8, round(0.02 * height))
    button_width = min(round(2.8 * button), int((width - 2 * pad_x - 3 * gap) / 4))
    return Layout(display, pad_x=pad_x, pad_y=pad_y, gap=gap, place=max(22, round(0.045 * height)), name=name,
                  cue=cue, count=count, stage=(round(1.15 * count), count), button=button,
                  button_width=button_width, label=max(26, round(0.045 * height)),
                  title=max(56, round(0.1 * height)), line=max(32, round(0.06 * height)))
