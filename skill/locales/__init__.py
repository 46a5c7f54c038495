"""Where each language's files live, and the order in which a locale looks for them.

A language is files, not code. Three kinds of file, each named by a tag (a language, ``de``, or a
locale, ``de-DE``):

* phrases: ``skill/locales/<tag>.json`` (every sentence that isn't stretch content; see
  :mod:`skill.localization`);
* content: ``skill/content/locales/<tag>.json`` (stretch, routine, position and equipment names and cues,
  over the English content, by id; see :func:`skill.content.library_for`);
* interaction-model samples: ``skill_dev/models/<tag>.json`` (read by ``skill_dev.interaction_model``,
  never deployed).

A locale looks for its files in this order, most specific first (:func:`chain`): the locale itself
(``de-AT``), its language's main locale (``de-DE``: the first its language file lists in ``"locales"``,
as ``en.json`` lists ``en-US`` first; else the language's code twice), the language (``de``), then US
English (``en-US``, ``en``). Phrases and content merge along the chain, key by key; a model file is whole.

More directories can be added, for a language kept outside the repository or made up by a test (the
pseudo-locale test does this): :func:`register_directory`, or the environment variable
:data:`ENV_VAR` (directories separated by ``os.pathsep``). Such a directory holds phrase files at its
top, content files under ``content/`` and model files under ``models/``; its files come before the
built-in ones of the same tag.
"""

from __future__ import annotations

import json
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

#: The locale every other one falls back to, and its language.
DEFAULT_LOCALE = "en-US"
DEFAULT_LANGUAGE = "en"
#: Extra locale directories, separated by ``os.pathsep``, read when this module is first imported.
ENV_VAR = "BACK_STRETCH_COACH_LOCALE_DIRS"

HERE = Path(__file__).resolve().parent
#: The built-in directory of each kind of file. Models belong to the developer tools; the deployed
#: skill never reads them.
BUILT_IN: Mapping[str, Path] = {
    "phrases": HERE,
    "content": HERE.parent / "content" / "locales",
    "models": HERE.parent.parent / "skill_dev" / "models",
}
#: Where each kind of file sits inside a registered directory.
SUBDIRECTORY: Mapping[str, str] = {"phrases": "", "content": "content", "models": "models"}

#: A language or locale tag as Alexa sends it: "de", "de-DE", "es-419". Also what keeps a request's
#: locale from naming any other file.
_TAG = re.compile(r"^([a-z]{2,3})(?:[-_]([A-Za-z]{2}|\d{3}))?$")

_registered: list[Path] = []
#: Bumped whenever the directories change, so caches built on them (phrases, libraries) start again.
generation = 0


class LocaleFileError(ValueError):
    """A locale file that can't be read as the coach needs it."""


def normalise(locale: object) -> str | None:
    """A tag in Alexa's spelling ("en-GB", "de"), or None if ``locale`` isn't one."""
    if not isinstance(locale, str):
        return None
    match = _TAG.match(locale.strip())
    if not match:
        return None
    language, region = match.groups()
    return f"{language}-{region.upper()}" if region else language


def language_of(tag: str) -> str:
    return tag.split("-", 1)[0]


def register_directory(path: str | os.PathLike) -> None:
    """Read locale files from ``path`` too (before the built-in ones): phrases at its top, content
    under ``content/``, interaction-model samples under ``models/``."""
    global generation
    directory = Path(path).resolve()
    if directory not in _registered:
        _registered.insert(0, directory)
    generation += 1
    _read.cache_clear()
    chain.cache_clear()


def unregister_directory(path: str | os.PathLike) -> None:
    """Stop reading ``path`` (a directory :func:`register_directory` added)."""
    global generation
    directory = Path(path).resolve()
    if directory in _registered:
        _registered.remove(directory)
    generation += 1
    _read.cache_clear()
    chain.cache_clear()


def directories(kind: str) -> list[Path]:
    """Where files of ``kind`` ("phrases", "content", "models") are looked for, first first."""
    return [d / SUBDIRECTORY[kind] for d in _registered] + [BUILT_IN[kind]]


def find(kind: str, tag: str) -> Path | None:
    """The file of ``kind`` for exactly ``tag``, if there is one."""
    if normalise(tag) != tag:
        return None
    for directory in directories(kind):
        path = directory / f"{tag}.json"
        if path.is_file():
            return path
    return None


def load(kind: str, tag: str) -> dict[str, Any] | None:
    """The parsed file of ``kind`` for exactly ``tag``, or None if there is none."""
    path = find(kind, tag)
    return _read(path) if path is not None else None


@lru_cache(maxsize=128)
def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise LocaleFileError(f"{path}: {exc}") from None
    if not isinstance(data, dict):
        raise LocaleFileError(f"{path}: expected a JSON object")
    return data


@lru_cache(maxsize=256)
def chain(locale: str | None) -> tuple[str, ...]:
    """The tags ``locale`` looks for, most specific first: the locale, its language's main locale, the
    language, then ``en-US`` and ``en``. A bare language starts at its main locale; anything that isn't a
    tag starts at ``en-US``."""
    tag = normalise(locale) or DEFAULT_LOCALE
    language = language_of(tag)
    primary = primary_locale(language)
    return tuple(dict.fromkeys([tag if "-" in tag else primary, primary, language, DEFAULT_LOCALE, DEFAULT_LANGUAGE]))


def listed_locales(language: str) -> list[str]:
    """The locales a language's phrase file lists (``"locales"``), main one first."""
    listed = (load("phrases", language) or {}).get("locales")
    return [t for t in listed if isinstance(t, str) and normalise(t) == t] if isinstance(listed, list) else []


def primary_locale(language: str) -> str:
    """A language's main locale: the first its phrase file lists in ``"locales"``, else ``de`` -> ``de-DE``."""
    return next(iter(listed_locales(language)), f"{language}-{language.upper()}")


def existing(kind: str, locale: str | None) -> tuple[str, ...]:
    """The tags in :func:`chain` that have a file of ``kind``, most specific first."""
    return tuple(tag for tag in chain(locale) if find(kind, tag) is not None)


def resolve(locale: str | None) -> str:
    """The locale the coach speaks for ``locale``: itself (a bare language: its main locale) if it has
    phrase files of its own besides US English, else ``en-US``. So "fr-FR" with no French files, or
    "en-NZ", speaks as en-US, and "de-AT" with German files speaks as de-AT."""
    tag = normalise(locale)
    if tag is None:
        return DEFAULT_LOCALE
    own = [t for t in chain(tag) if t not in (DEFAULT_LOCALE, DEFAULT_LANGUAGE)]
    if not any(find("phrases", t) for t in own):
        return DEFAULT_LOCALE
    return tag if "-" in tag else primary_locale(tag)


def locales() -> list[str]:
    """Every locale (a tag with a region) that has a phrase file of its own: English first, then by
    language; within a language, in the order its file lists them (``"locales"``), then the rest."""
    found = {DEFAULT_LOCALE}
    for directory in directories("phrases"):
        if directory.is_dir():
            found.update(p.stem for p in directory.glob("*.json") if "-" in p.stem and normalise(p.stem) == p.stem)

    def order(tag: str) -> tuple:
        language = language_of(tag)
        listed = listed_locales(language)
        return (language != DEFAULT_LANGUAGE, language, listed.index(tag) if tag in listed else len(listed), tag)

    return sorted(found, key=order)


for _directory in filter(None, os.environ.get(ENV_VAR, "").split(os.pathsep)):
    register_directory(_directory)
