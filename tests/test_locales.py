"""Every English locale: its own model, and speech in its own spelling and units; how a locale finds
its files (locale, language's main locale, language, US English), plurals by CLDR's rules, word counts
in any script, and phrase files that fail loudly."""

from __future__ import annotations

import json
import re

import pytest

from skill import locales, speech
from skill.locales import plurals
from skill.localization import LOCALES, Phrases, phrases_for
from skill.phrases import PHRASES
from skill_dev.envelopes import Session

from .conftest import Conversation

EXPECTED = {
    "en-US": ("about six feet long", "centered"),
    "en-GB": ("about two metres long", "centred"),
    "en-CA": ("about two metres long", "centred"),
    "en-AU": ("about two metres long", "centred"),
    "en-IN": ("about two metres long", "centred"),
}


def test_the_five_english_locales():
    assert {locale for locale in LOCALES if locale.startswith("en-")} == set(EXPECTED)
    assert list(LOCALES)[0] == "en-US"


@pytest.mark.parametrize("locale", EXPECTED)
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


def _fields(template) -> set[str]:
    texts = [template] if isinstance(template, str) else list(template.values())
    return {name for text in texts for name in re.findall(r"{(\w+)}", text)}


def test_overrides_only_name_phrases_that_exist_and_every_phrase_renders_everywhere():
    for locale, spec in LOCALES.items():
        assert set(spec.overrides) <= set(PHRASES), locale
        p = phrases_for(locale)
        for key, template in PHRASES.items():
            values = {name: "x" for name in _fields(template)}
            for count in ((1, 2, 7) if not isinstance(template, str) else (None,)):
                p(key, **{**values, **({"count": count} if count is not None else {})})


def test_spelling_keeps_capitals_and_whole_words():
    p = Phrases("en-GB")
    assert p.localise("Center the ball. The centerline is not touched. Meters.") == \
        "Centre the ball. The centerline is not touched. Metres."


def test_an_unknown_locale_falls_back_to_us_english(lambda_handler):
    convo = Conversation(lambda_handler, Session(locale="fr-FR"))
    convo.say("StartRoutineIntent", routine="quick")
    assert "about six feet long" in convo.speech


# --- how a locale finds its files ------------------------------------------------------------------

def write(folder, name: str, data: dict) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def extra(tmp_path):
    """A locale directory registered for one test, with the hook a translator or a test uses."""
    locales.register_directory(tmp_path)
    try:
        yield tmp_path
    finally:
        locales.unregister_directory(tmp_path)


def test_the_fallback_chain():
    assert locales.chain("en-GB") == ("en-GB", "en-US", "en")  # en.json names en-US its main locale
    assert locales.chain("de-AT") == ("de-AT", "de-DE", "de", "en-US", "en")
    assert locales.chain("de") == ("de-DE", "de", "en-US", "en")
    for odd in (None, "", "../../etc/passwd", "en-US/../x", 42, "EN-us-extra"):
        assert locales.chain(odd) == ("en-US", "en")
    assert locales.normalise("en_gb") == "en-GB" and locales.normalise("es-419") == "es-419"
    assert locales.resolve("en-NZ") == "en-US" and locales.resolve("fr-FR") == "en-US"


def test_a_locale_falls_back_to_its_main_locale_then_its_language_then_us_english(extra):
    write(extra, "de.json", {"phrases": {"okay": "Okay.", "and": "und", "minutes": {"one": "{count} Minute",
                                                                                   "other": "{count} Minuten"}}})
    write(extra, "de-DE.json", {"phrases": {"okay": "Gut."}, "spelling": {"centre": "Mitte"}})
    assert "de-DE" in LOCALES and "de" not in LOCALES
    austrian = phrases_for("de-AT")
    assert austrian.locale == "de-AT" and phrases_for("de").locale == "de-DE"
    assert austrian("okay") == "Gut."  # de-DE's, before de's
    assert austrian.join(["a", "b"]) == "a und b"  # de's
    assert austrian("no_routine") == PHRASES["no_routine"]  # not translated yet: US English
    assert austrian("minutes", count=1) == "1 Minute" and austrian.minutes(120) == "2 Minuten"
    assert austrian.localise("the centre") == "the Mitte"
    write(extra, "de-AT.json", {"phrases": {"okay": "Passt."}})
    locales.register_directory(extra)  # files changed: caches start again
    assert phrases_for("de-AT")("okay") == "Passt." and phrases_for("de-CH")("okay") == "Gut."
    assert phrases_for("en-GB")("okay") == "Okay." and phrases_for("fr-FR").locale == "en-US"


def test_plural_categories_are_cldrs():
    english, spanish = plurals.rules_for("en"), plurals.rules_for("es")
    assert [plurals.category(english, n) for n in (0, 1, 2, 21, "1.0", 1.5)] == ["other", "one"] + ["other"] * 4
    assert plurals.rules_for("de") == english
    assert [plurals.category(spanish, n) for n in (0, 1, "1.0", 2, 1_000_000, 2_000_001)] == [
        "other", "one", "one", "other", "many", "other"]
    assert [plurals.category(plurals.rules_for("fr"), n) for n in (0, 1, 2)] == ["one", "one", "other"]
    assert plurals.category({"few": "n % 10 = 2..4 and n % 100 != 12..14 @integer 2~4"}, 22) == "few"
    with pytest.raises(plurals.PluralRuleError):
        plurals.check({"one": "n equals 1"})
    with pytest.raises(plurals.PluralRuleError):
        plurals.check({"single": "n = 1"})


def test_plural_phrases_choose_their_form_by_count():
    p = phrases_for("en-US")
    assert (p.minutes(30), p.minutes(60), p.minutes(150)) == ("under a minute", "1 minute", "2 minutes")
    assert p("how_many_left", count=1, minutes="x") == "Just one more after this one, about x."
    assert p("how_many_left", count=3, minutes="x") == "3 left after this one, about x."
    assert p("progress_week", count=1) == "You've done 1 routine in the last 7 days."
    intro = p("routine_intro", routine="r", count=1, minutes="m", space="s")
    assert intro.startswith("Let's do the r routine: 1 stretch,")
    assert p("reps_intro", count=5) == "5 slow rounds, with your breath."
    assert p("reps_intro", count=1).startswith("1 slow round,")
    with pytest.raises(TypeError, match="count"):
        p("minutes")
    pairs = [key for key in PHRASES if re.search(r"_(one|many)$", key) and re.sub(r"_(one|many)$", "", key) in PHRASES]
    assert pairs == []  # plurals are forms of one phrase, not key pairs ("minutes_one"/"minutes_many")


@pytest.mark.parametrize("name, data, message", [
    ("zz.json", {"plural_rules": {"one": "n = 1"}, "phrases": {"okey": "Ok."}}, "not a phrase"),
    ("zz.json", {"plural_rules": {"one": "n = 1"}, "phrase": {}}, "unknown field"),
    ("zz.json", {"plural_rules": {"one": "n = 1"}, "phrases": {"minutes": {"one": "{count} m"}}}, "other"),
    ("zz.json", {"plural_rules": {"one": "n is one"}}, "CLDR"),
    ("zz.json", {"phrases": {"okay": "Ok."}}, "plural rules"),
    ("zz.json", {"plural_rules": {"one": "n = 1"}, "words_per_minute": 5}, "words_per_minute"),
    ("zz.json", {"plural_rules": {"one": "n = 1"}, "locales": ["zz-ZZ", "../up"]}, "locales must"),
    ("zz-ZZ.json", "not an object", "JSON object"),
])
def test_a_bad_phrase_file_fails_loudly(extra, name, data, message):
    write(extra, name, data)
    with pytest.raises(ValueError, match=message):
        Phrases("zz-ZZ")


def test_a_language_states_its_speaking_rate_or_speaks_at_englishs(extra):
    write(extra, "zz.json", {"plural_rules": {"one": "n = 1"}, "words_per_minute": 120})
    assert Phrases("zz-ZZ").words_per_minute == 120 and Phrases("en-GB").words_per_minute == 150
    assert speech.words_per_minute("de-DE") == speech.WORDS_PER_MINUTE == 150
    assert speech.speech_seconds("one two three", 120) == 1.5 and speech.speech_seconds("one two three") == 3 * 0.4


def test_words_are_counted_in_any_script():
    assert speech.word_count("Drücken Sie über die Schulter, mañana, l'eau.") == 7
    assert speech.word_count("Šţŕéţçĥ, çåñ'ţ ñéẋţ") == 3
    assert speech.word_count("ストレッチ") == 5  # no spaces between words: a character each
    ascii_words = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")  # the English estimate, unchanged
    texts = [t for v in PHRASES.values() for t in ([v] if isinstance(v, str) else v.values())]
    assert all(speech.word_count(t) == len(ascii_words.findall(t)) for t in texts)
