"""The US English phrase catalog, read from ``skill/locales/en.json``.

Every sentence the coach speaks that is not stretch content lives in data files, one per language or
locale (``skill/locales/<tag>.json``); :mod:`skill.localization` reads them along a locale's fallback
chain. This module is the built-in English base as a plain mapping, for tools and tests: key ->
``str.format`` template, or a template per CLDR plural category (``{"one": ..., "other": ...}``).
"""

from __future__ import annotations

import json
from typing import Mapping, Union

from .locales import BUILT_IN, DEFAULT_LANGUAGE

PHRASES: Mapping[str, Union[str, Mapping[str, str]]] = json.loads(
    (BUILT_IN["phrases"] / f"{DEFAULT_LANGUAGE}.json").read_text(encoding="utf-8"))["phrases"]
