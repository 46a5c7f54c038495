"""The skill manifest: complete for every locale, example phrases that resolve, a real endpoint when built."""

from __future__ import annotations

import json

import pytest

from skill.devtools import skill_package
from skill.devtools.resolver import Resolver
from skill.interaction_model import model_path
from skill.localization import LOCALES

MANIFEST = json.loads(skill_package.COMMITTED.read_text())["manifest"]


def test_the_committed_manifest_is_what_the_generator_writes():
    assert skill_package.COMMITTED.read_text() == skill_package.render(skill_package.manifest()), \
        "skill-package/skill.json is stale: run back-stretch-coach skill-package --committed"


@pytest.mark.parametrize("locale", LOCALES)
def test_publishing_information_for_every_locale(locale):
    info = MANIFEST["publishingInformation"]["locales"][locale]
    assert info["name"] == "Back Stretch Coach"
    assert 0 < len(info["summary"]) <= 160
    assert "not medical advice" in info["description"] and "sharp pain" in info["description"]
    assert len(info["description"]) <= 4000
    assert 1 <= len(info["examplePhrases"]) <= 3 and info["keywords"]
    assert MANIFEST["publishingInformation"]["category"] == "HEALTH_AND_FITNESS"


@pytest.mark.parametrize("locale", LOCALES)
def test_example_phrases_resolve_against_that_locales_model(locale):
    resolver = Resolver.from_file(model_path(locale))
    phrases = MANIFEST["publishingInformation"]["locales"][locale]["examplePhrases"]
    assert phrases[0].startswith("Alexa, open ")
    for phrase in phrases:
        resolution = resolver.resolve(phrase)
        assert resolution.kind == "launch" and resolution.matched, phrase
        assert resolution.intent != "AMAZON.FallbackIntent"
    assert [resolver.resolve(p).intent for p in phrases[1:]] == ["StartRoutineIntent", "HowToIntent"]


def test_privacy_compliance_interfaces_and_permissions():
    privacy = MANIFEST["privacyAndCompliance"]
    for field in ("allowsPurchases", "usesPersonalInfo", "isChildDirected", "isExportCompliant", "containsAds"):
        assert isinstance(privacy[field], bool)
    assert set(privacy["locales"]) == set(LOCALES)
    assert MANIFEST["apis"]["custom"]["interfaces"] == [] and MANIFEST["permissions"] == []
    assert MANIFEST["apis"]["custom"]["endpoint"]["uri"] == skill_package.PLACEHOLDER_ARN
    countries = MANIFEST["publishingInformation"]["distributionCountries"]
    assert sorted(countries) == ["AU", "CA", "GB", "IN", "US"]


def test_the_built_package_has_the_function_arn_and_every_model(tmp_path):
    arn = "arn:aws:lambda:eu-west-1:123456789012:function:back-stretch-coach-SkillFunction-1A2B3C"
    target = skill_package.write_package(arn, tmp_path / "pkg")
    built = json.loads((target / "skill.json").read_text())
    assert built["manifest"]["apis"]["custom"]["endpoint"]["uri"] == arn
    for locale in LOCALES:
        assert (target / "interactionModels" / "custom" / f"{locale}.json").read_text() == \
            model_path(locale).read_text()


def test_a_bad_arn_is_refused(tmp_path):
    with pytest.raises(ValueError, match="not a Lambda function ARN"):
        skill_package.write_package("https://example.com/skill", tmp_path / "pkg")


def test_ask_resources_points_the_ask_cli_at_the_built_package():
    resources = json.loads((skill_package.ROOT / "ask-resources.json").read_text())
    assert resources["profiles"]["default"]["skillMetadata"]["src"] == "./build/skill-package"
