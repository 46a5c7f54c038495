"""Plural categories by CLDR's rules, in a few lines instead of Babel.

A phrase can have a form per plural category ("one", "other", and for some languages "zero", "two",
"few", "many"); which one a number takes is a rule of the language, published by Unicode CLDR:
https://unicode.org/reports/tr35/tr35-numbers.html#Language_Plural_Rules (syntax and operands) and
https://www.unicode.org/cldr/charts/latest/supplemental/language_plural_rules.html (each language's
rules). Babel implements them too, but installs about 36 MB (11 MB zipped) of locale data: five times
the whole Lambda bundle, for one function. So this module reads CLDR's rule syntax itself, and
:data:`CLDR_RULES` holds the rules of the languages Alexa speaks, copied from CLDR's
``supplemental/plurals.xml``. A language that isn't listed brings its rules in its phrase file
(``"plural_rules"``, pasted from that chart, samples and all): a new language needs no code.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Mapping

#: CLDR's rules, by language; "other" is whatever no rule matches. The same rule as CLDR's "v = 0"
#: means "written without decimals": every count the coach says is a whole number.
_MILLIONS = "e = 0 and i != 0 and i % 1000000 = 0 and v = 0 or e != 0..5"
CLDR_RULES: Mapping[str, Mapping[str, str]] = {
    "en": {"one": "i = 1 and v = 0"},
    "de": {"one": "i = 1 and v = 0"},
    "nl": {"one": "i = 1 and v = 0"},
    "es": {"one": "n = 1", "many": _MILLIONS},
    "it": {"one": "i = 1 and v = 0", "many": _MILLIONS},
    "fr": {"one": "i = 0,1", "many": _MILLIONS},
    "pt": {"one": "i = 0..1", "many": _MILLIONS},
    "hi": {"one": "i = 0 or n = 1"},
    "ja": {},
    "ar": {"zero": "n = 0", "one": "n = 1", "two": "n = 2", "few": "n % 100 = 3..10", "many": "n % 100 = 11..99"},
}
#: CLDR's order of categories: the first whose rule holds is the number's category.
CATEGORIES = ("zero", "one", "two", "few", "many")

_RELATION = re.compile(
    r"^([niftvwce])\s*(?:(?:%|mod)\s*(\d+))?\s*(!=|=|is not|is|not in|in|not within|within)\s*([\d.,\s]+)$")


class PluralRuleError(ValueError):
    """A plural rule that isn't CLDR's syntax."""


def operands(number: int | float | Decimal | str) -> dict[str, Decimal]:
    """CLDR's operands of a number: n (absolute value), i (integer digits), v and w (visible fraction
    digits, with and without trailing zeros), f and t (those digits as a number), c and e (exponent, 0)."""
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    try:
        value = abs(Decimal(str(number)))
    except InvalidOperation:
        raise PluralRuleError(f"not a number: {number!r}") from None
    whole, _, fraction = format(value, "f").partition(".")
    trimmed = fraction.rstrip("0")
    return {"n": value, "i": Decimal(whole), "v": Decimal(len(fraction)), "w": Decimal(len(trimmed)),
            "f": Decimal(fraction or 0), "t": Decimal(trimmed or 0), "c": Decimal(0), "e": Decimal(0)}


@lru_cache(maxsize=256)
def _relation(text: str) -> tuple[str, int | None, bool, bool, tuple[tuple[Decimal, Decimal], ...]]:
    match = _RELATION.match(text.strip())
    if not match:
        raise PluralRuleError(f"not a CLDR plural relation: {text!r}")
    operand, modulus, operator, ranges = match.groups()
    negated = operator in ("!=", "is not", "not in", "not within")
    within = operator.endswith("within")  # "within" takes fractions between the ends; "=" and "in" don't
    spans = []
    for item in ranges.replace(" ", "").split(","):
        low, _, high = item.partition("..")
        try:
            spans.append((Decimal(low), Decimal(high or low)))
        except InvalidOperation:
            raise PluralRuleError(f"not a CLDR range: {item!r} in {text!r}") from None
    return operand, int(modulus) if modulus else None, negated, within, tuple(spans)


def _holds(relation: str, values: Mapping[str, Decimal]) -> bool:
    operand, modulus, negated, within, spans = _relation(relation)
    value = values[operand] if modulus is None else values[operand] % modulus
    whole = value == value.to_integral_value()
    inside = any(low <= value <= high and (within or whole) for low, high in spans)
    return inside != negated


def matches(rule: str, number: int | float | Decimal | str) -> bool:
    """Whether ``number`` satisfies one CLDR rule ("i = 1 and v = 0"; samples after "@" are ignored)."""
    condition = rule.split("@", 1)[0].strip()
    if not condition:
        return True
    values = operands(number)
    return any(all(_holds(relation, values) for relation in alternative.split(" and "))
               for alternative in condition.split(" or "))


def category(rules: Mapping[str, str], number: int | float | Decimal | str) -> str:
    """The plural category of ``number`` under ``rules`` (category -> CLDR rule): "one", "other", ..."""
    for name in CATEGORIES:
        if name in rules and matches(rules[name], number):
            return name
    return "other"


def rules_for(language: str) -> Mapping[str, str] | None:
    """CLDR's rules for a language this module knows, or None."""
    return CLDR_RULES.get(language)


def check(rules: Mapping[str, str]) -> None:
    """Raise :class:`PluralRuleError` if a rule set names an unknown category or isn't CLDR's syntax."""
    for name, rule in rules.items():
        if name not in CATEGORIES:
            raise PluralRuleError(f"unknown plural category {name!r} (CLDR's are {', '.join(CATEGORIES)}, other)")
        for alternative in rule.split("@", 1)[0].split(" or "):
            for relation in alternative.split(" and "):
                if relation.strip():
                    _relation(relation)
