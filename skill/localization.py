"""Locale-aware speech: the phrase catalog of a locale, its spelling, plurals and speaking rate.

Every string the coach speaks, catalog phrase or stretch content, goes through
:meth:`Phrases.localise`. The phrases are data, one JSON file per language or locale in
``skill/locales/`` (:mod:`skill.locales` says where else they may be and in which order a locale reads
them: the locale, its language's main locale, the language, then US English). Each file may hold:

* ``phrases``: key -> ``str.format`` template, or a template per CLDR plural category
  (``{"one": "{count} minute", "other": "{count} minutes"}``), chosen by the ``count`` argument;
* ``spelling``: US -> local spellings, applied word by word (``"center": "centre"``);
* ``words_per_minute``: the language's speaking rate, if not :data:`skill.speech.WORDS_PER_MINUTE_BY_LANGUAGE`'s;
* ``plural_rules``: the language's CLDR plural rules, if :mod:`skill.locales.plurals` doesn't know them;
* ``locales`` (a language file): its locales, the main one first (the others fall back to it first);
* ``about``: a note for people, ignored.

A locale is the files along its chain merged key by key, the most specific winning; handlers never
branch on the locale, and adding one is adding files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Mapping, Union

from . import locales, speech
from .locales import plurals

DEFAULT_LOCALE = locales.DEFAULT_LOCALE
#: A phrase: one template, or one per plural category.
Template = Union[str, Mapping[str, str]]
_FILE_KEYS = {"about", "locales", "words_per_minute", "plural_rules", "phrases", "spelling"}
_PLURAL_CATEGORIES = {*plurals.CATEGORIES, "other"}


@dataclass(frozen=True)
class LocaleSpec:
    """What one locale's own phrase file changes over the files below it: phrases and spelling."""

    overrides: Mapping[str, Template]
    spelling: Mapping[str, str]


class _Locales(Mapping[str, LocaleSpec]):
    """Every locale with a phrase file of its own (en-US, en-GB, ...), as found on disk: a locale
    added as files (or by :func:`skill.locales.register_directory`) is here without a code change."""

    def __getitem__(self, locale: str) -> LocaleSpec:
        if locale not in locales.locales():
            raise KeyError(locale)
        data = locales.load("phrases", locale) or {}
        return LocaleSpec(dict(data.get("phrases", {})), dict(data.get("spelling", {})))

    def __iter__(self) -> Iterator[str]:
        return iter(locales.locales())

    def __len__(self) -> int:
        return len(locales.locales())


LOCALES: Mapping[str, LocaleSpec] = _Locales()


class Phrases:
    """The phrase catalog for one locale."""

    def __init__(self, locale: str | None = None):
        self.locale = locales.resolve(locale)
        self.language = locales.language_of(self.locale)
        tags = locales.existing("phrases", self.locale)  # most specific first
        files = {tag: _checked(tag) for tag in tags}
        self._catalog: dict[str, Template] = {}
        self._spelling: dict[str, str] = {}
        for tag in reversed(tags):
            self._catalog.update(files[tag].get("phrases", {}))
            self._spelling.update({k.lower(): v for k, v in files[tag].get("spelling", {}).items()})
        own = [files[t] for t in tags if locales.language_of(t) == self.language]
        #: Speaking rate, words a minute: the language's own file, else the table in :mod:`skill.speech`.
        self.words_per_minute: float = next(
            (f["words_per_minute"] for f in own if "words_per_minute" in f), speech.words_per_minute(self.language))
        rules = next((f["plural_rules"] for f in own if "plural_rules" in f), plurals.rules_for(self.language))
        if rules is None:
            raise locales.LocaleFileError(
                f"{self.locale}: no plural rules for {self.language!r}: add \"plural_rules\" (from CLDR) to its file")
        self._rules: Mapping[str, str] = rules
        self._pattern = (
            re.compile(r"\b(" + "|".join(map(re.escape, sorted(self._spelling, key=len, reverse=True))) + r")\b", re.I)
            if self._spelling else None
        )

    def __call__(self, key: str, **values: object) -> str:
        template = self._catalog[key]
        if not isinstance(template, str):
            if "count" not in values:
                raise TypeError(f"phrase {key!r} has plural forms: say which with count=")
            form = plurals.category(self._rules, values["count"])  # type: ignore[arg-type]
            template = template.get(form) or template["other"]
        return self.localise(template.format(**values))

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
        if seconds < 45:
            return self("minutes_under_one")
        return self("minutes", count=max(1, int(round(seconds / 60.0))))


def _checked(tag: str) -> Mapping[str, Any]:
    """A phrase file, refused loudly if it isn't what :class:`Phrases` reads."""
    data = locales.load("phrases", tag) or {}
    where = f"{locales.find('phrases', tag)}"
    unknown = set(data) - _FILE_KEYS
    if unknown:
        raise locales.LocaleFileError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    base = {} if tag == locales.DEFAULT_LANGUAGE else (locales.load("phrases", locales.DEFAULT_LANGUAGE) or {})
    for key, template in data.get("phrases", {}).items():
        if base and key not in base.get("phrases", {}):
            raise locales.LocaleFileError(f"{where}: {key!r} is not a phrase of en.json")
        _check_template(template, f"{where}: {key!r}")
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in data.get("spelling", {}).items()):
        raise locales.LocaleFileError(f"{where}: spelling maps words to words")
    rate = data.get("words_per_minute", speech.WORDS_PER_MINUTE)
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 60 <= rate <= 300:
        raise locales.LocaleFileError(f"{where}: words_per_minute must be a number from 60 to 300")
    if locales.listed_locales(tag) != data.get("locales", []):
        raise locales.LocaleFileError(f"{where}: locales must be a list of locale tags, like [\"de-DE\", \"de-AT\"]")
    plurals.check(data.get("plural_rules", {}))
    return data


def _check_template(template: object, where: str) -> None:
    """A phrase: a string, or strings by plural category with at least "other"."""
    if isinstance(template, dict):
        if "other" not in template or set(template) - _PLURAL_CATEGORIES:
            raise locales.LocaleFileError(f"{where}: plural forms need 'other' and CLDR's categories only")
        texts = list(template.values())
    else:
        texts = [template]
    if not all(isinstance(text, str) for text in texts):
        raise locales.LocaleFileError(f"{where} must be a string or plural forms of strings")


_CACHE: dict[tuple[int, str], Phrases] = {}


def phrases_for(locale: str | None) -> Phrases:
    """The (shared) catalog for a request's locale; an unknown or odd locale speaks US English."""
    key = (locales.generation, locales.resolve(locale))
    if key not in _CACHE:
        if len(_CACHE) > 64:
            _CACHE.clear()
        _CACHE[key] = Phrases(key[1])
    return _CACHE[key]
