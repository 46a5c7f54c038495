"""Locale-aware speech: phrase overrides and spelling, per English locale.

Every string the coach speaks, catalog phrase or stretch content, goes
through :meth:`Phrases.localise`. A locale is the US catalog plus:

* ``overrides``: whole phrases that read differently there;
* ``spelling``: US -> local spellings, applied word by word.

Adding a locale means adding an entry to :data:`LOCALES`; handlers never
branch on the locale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from .phrases import PHRASES

_COMMONWEALTH_SPELLING: Mapping[str, str] = {
    "center": "centre",
    "centered": "centred",
    "meters": "metres",
    "meter": "metre",
    "favorite": "favourite",
    "color": "colour",
    "windshield": "windscreen",
}
_CANADIAN_SPELLING: Mapping[str, str] = {
    # Canadian English keeps -our/-or words American but writes -re, like Britain.
    "center": "centre",
    "centered": "centred",
    "meters": "metres",
    "meter": "metre",
}
#: Everywhere but the US measures floor space in metres.
_METRIC: Mapping[str, str] = {"space_needed": "about two meters long"}


@dataclass(frozen=True)
class LocaleSpec:
    overrides: Mapping[str, str] = field(default_factory=dict)
    spelling: Mapping[str, str] = field(default_factory=dict)


LOCALES: Mapping[str, LocaleSpec] = {
    "en-US": LocaleSpec(),
    "en-GB": LocaleSpec(overrides=_METRIC, spelling=_COMMONWEALTH_SPELLING),
    "en-CA": LocaleSpec(overrides=_METRIC, spelling=_CANADIAN_SPELLING),
    "en-AU": LocaleSpec(overrides=_METRIC, spelling=_COMMONWEALTH_SPELLING),
    "en-IN": LocaleSpec(overrides=_METRIC, spelling=_COMMONWEALTH_SPELLING),
}
DEFAULT_LOCALE = "en-US"


class Phrases:
    """The phrase catalog for one locale."""

    def __init__(self, locale: str | None = None):
        self.locale = locale if locale in LOCALES else DEFAULT_LOCALE
        spec = LOCALES[self.locale]
        self._catalog = {**PHRASES, **spec.overrides}
        self._spelling = dict(spec.spelling)
        self._pattern = (
            re.compile(r"\b(" + "|".join(map(re.escape, sorted(self._spelling, key=len, reverse=True))) + r")\b", re.I)
            if self._spelling else None
        )

    def __call__(self, key: str, **values: object) -> str:
        return self.localise(self._catalog[key].format(**values))

    def localise(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self._pattern.sub(self._respell, text)

    def _respell(self, match: re.Match) -> str:
        word = match.group(0)
        local = self._spelling[word.lower()]
        return local.capitalize() if word[:1].isupper() else local

    def join(self, items: Iterable[str], conjunction: str = "and") -> str:
        """'a, b and c' in this locale's words."""
        items = [i for i in items if i]
        if len(items) <= 1:
            return "".join(items)
        return f"{', '.join(items[:-1])} {self(conjunction)} {items[-1]}"

    def minutes(self, seconds: float) -> str:
        count = int(round(seconds / 60.0))
        if seconds < 45:
            return self("minutes_under_one")
        if count <= 1:
            return self("minutes_one")
        return self("minutes_many", count=count)


_CACHE: dict[str, Phrases] = {}


def phrases_for(locale: str | None) -> Phrases:
    key = locale if isinstance(locale, str) and locale in LOCALES else DEFAULT_LOCALE
    if key not in _CACHE:
        _CACHE[key] = Phrases(key)
    return _CACHE[key]
