"""Every English locale: its own model, and speech in its own spelling and units."""

from __future__ import annotations

import re

import pytest

from skill_dev.envelopes import Session
from skill.localization import LOCALES, Phrases, phrases_for
from skill.phrases import PHRASES

from .conftest import Conversation

EXPECTED = {
    "en-US": ("about six feet long", "centered"),
    "en-GB": ("about two metres long", "centred"),
    "en-CA": ("about two metres long", "centred"),
    "en-AU": ("about two metres long", "centred"),
    "en-IN": ("about two metres long", "centred"),
}


def test_the_five_english_locales():
    assert set(LOCALES) == set(EXPECTED)


@pytest.mark.parametrize("locale", LOCALES)
def test_a_request_in_each_locale_gets_that_locales_speech(lambda_handler, locale):
    space, centred = EXPECTED[locale]
    convo = Conversation(lambda_handler, Session(locale=locale))
    convo.say("StartRoutineIntent", routine="quick")
    assert space in convo.speech
    for _ in range(2):
        convo.say("AMAZON.NextIntent")  # to cat cow
    assert f"keeping your weight {centred} over your hands and knees" in convo.speech
    wrong = {"en-US": r"metres|centred"}.get(locale, r"\bmeters\b|centered|six feet")
    assert not re.search(wrong, convo.speech)


def test_overrides_only_name_phrases_that_exist_and_every_phrase_renders_everywhere():
    for locale, spec in LOCALES.items():
        assert set(spec.overrides) <= set(PHRASES), locale
        p = phrases_for(locale)
        for key, template in PHRASES.items():
            fields = set(re.findall(r"{(\w+)}", template))
            p(key, **{name: "x" for name in fields})


def test_spelling_keeps_capitals_and_whole_words():
    p = Phrases("en-GB")
    assert p.localise("Center the ball. The centerline is not touched. Meters.") == \
        "Centre the ball. The centerline is not touched. Metres."


def test_an_unknown_locale_falls_back_to_us_english(lambda_handler):
    convo = Conversation(lambda_handler, Session(locale="fr-FR"))
    convo.say("StartRoutineIntent", routine="quick")
    assert "about six feet long" in convo.speech
