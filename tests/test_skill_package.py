"""The skill manifest: complete for every locale, example phrases that resolve, a real endpoint when built;
the icons; the privacy answers, policy and terms; a store listing within Amazon's limits."""

from __future__ import annotations

import dataclasses
import hashlib
import html
import importlib.util
import json
import re
import struct
import zlib
from xml.etree import ElementTree

import pytest

from skill import policies
from skill.engine.state import HISTORY_LIMIT, PRACTICE_CAP, CoachState, Preferences
from skill.localization import LOCALES
from skill.persistence import IDLE_EXPIRY_DAYS
from skill_dev import cli, skill_package
from skill_dev.interaction_model import model_path
from skill_dev.resolver import Resolver

MANIFEST = json.loads(skill_package.COMMITTED.read_text())["manifest"]
ARN = "arn:aws:lambda:eu-west-1:123456789012:function:back-stretch-coach-SkillFunction-1A2B3C"
#: What the stack's outputs look like: the policy pages' function URL (template.yaml, PolicyPagesFunction).
FUNCTION_URL = "https://a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6.lambda-url.eu-west-1.on.aws/"
PRIVACY, TERMS = f"{FUNCTION_URL}privacy", f"{FUNCTION_URL}terms"


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
    assert MANIFEST["apis"]["custom"]["interfaces"] == [skill_package.APL_INTERFACE]
    assert MANIFEST["permissions"] == [{"name": "alexa::alerts:reminders:skill:readwrite"},
                                       {"name": "alexa::person_id:read"}]
    assert MANIFEST["events"] == {"endpoint": {"uri": skill_package.PLACEHOLDER_ARN},
                                  "subscriptions": [{"eventName": "SKILL_DISABLED"}]}
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


# --------------------------------------------------------------------------- icons
# The PNGs are committed (tools/icons/make_icons.py renders them from tools/icons/icon.svg); these tests
# read their bytes and need no renderer.

PACKAGE = skill_package.COMMITTED.parent
ICONS = {"smallIconUri": (skill_package.SMALL_ICON, 108), "largeIconUri": (skill_package.LARGE_ICON, 512)}
TOOLS = skill_package.ROOT / "tools" / "icons"


def png_header(data: bytes) -> dict:
    """The PNG signature and IHDR chunk, read by hand (RFC 2083 / PNG spec: signature, then IHDR first)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG signature"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13, "the first chunk is not a 13-byte IHDR"
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", data[16:29])
    assert zlib.crc32(data[12:29]) == struct.unpack(">I", data[29:33])[0], "IHDR CRC does not match"
    return {"width": width, "height": height, "depth": depth, "colour": colour, "interlace": interlace}


@pytest.mark.parametrize("field", ICONS)
def test_icons_are_pngs_of_the_documented_size(field):
    relative, size = ICONS[field]
    data = (PACKAGE / relative).read_bytes()
    header = png_header(data)
    assert (header["width"], header["height"]) == (size, size)
    assert header["depth"] == 8 and header["colour"] in (2, 6)  # 8-bit RGB or RGBA
    assert data.endswith(b"\x00\x00\x00\x00IEND\xaeB`\x82"), "truncated PNG"
    assert skill_package.png_size(data) == (size, size)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_manifest_names_the_icons_with_file_uris_inside_the_package(locale):
    listing = MANIFEST["publishingInformation"]["locales"][locale]
    for field, (relative, _) in ICONS.items():
        uri = listing[field]
        assert uri == f"file://{relative}" and relative.startswith("assets/images/")
        path = (PACKAGE / uri.removeprefix("file://")).resolve()
        assert path.is_relative_to(PACKAGE.resolve()) and path.is_file()


def test_the_icons_were_rendered_from_the_current_svg():
    svg = TOOLS / "icon.svg"
    stamp = (TOOLS / "icon.svg.sha256").read_text().split()[0]
    assert hashlib.sha256(svg.read_bytes()).hexdigest() == stamp, \
        "tools/icons/icon.svg changed: run python tools/icons/make_icons.py (needs cairosvg or rsvg-convert)"
    root = ElementTree.parse(svg).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.get("viewBox") == "0 0 512 512"
    assert not any(element.tag.endswith(("image", "text", "script")) for element in root.iter()), \
        "the icon is drawn from shapes only (no raster, font or script)"


def test_the_icon_script_reads_sizes_the_same_way():
    spec = importlib.util.spec_from_file_location("make_icons", TOOLS / "make_icons.py")
    make_icons = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_icons)  # imports no renderer until main() runs
    assert make_icons.SIZES == {path.rsplit("/", 1)[1]: size for path, size in skill_package.ICON_SIZES.items()}
    assert make_icons.IMAGES == PACKAGE / skill_package.ICONS_DIR
    for name, size in make_icons.SIZES.items():
        assert make_icons.png_size((make_icons.IMAGES / name).read_bytes()) == (size, size)


def test_the_built_package_carries_the_icons(tmp_path):
    target = skill_package.write_package(ARN, tmp_path / "pkg")
    built = json.loads((target / "skill.json").read_text())["manifest"]
    for locale in LOCALES:
        for field, (relative, _) in ICONS.items():
            assert built["publishingInformation"]["locales"][locale][field] == f"file://{relative}"
            assert (target / relative).read_bytes() == (PACKAGE / relative).read_bytes()
    assert skill_package.listing_problems({"manifest": built}, target) == []


# --------------------------------------------------------------------------- privacy and terms URLs

def test_privacy_and_terms_urls_fill_every_locale(tmp_path):
    target = skill_package.write_package(ARN, tmp_path / "pkg", privacy_url=PRIVACY, terms_url=TERMS,
                                         for_submission=True)
    privacy = json.loads((target / "skill.json").read_text())["manifest"]["privacyAndCompliance"]
    assert set(privacy["locales"]) == set(LOCALES) == set(MANIFEST["publishingInformation"]["locales"])
    for locale in LOCALES:
        assert privacy["locales"][locale] == {"privacyPolicyUrl": PRIVACY, "termsOfUseUrl": TERMS}


def test_the_cli_options_reach_the_built_manifest(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(skill_package, "BUILT", tmp_path / "built")
    assert cli.main(["skill-package", "--function-arn", ARN, "--privacy-url", PRIVACY, "--terms-url", TERMS,
                     "--for-submission"]) == 0
    built = json.loads((tmp_path / "built" / "skill.json").read_text())["manifest"]
    assert built["privacyAndCompliance"]["locales"]["en-GB"] == {"privacyPolicyUrl": PRIVACY, "termsOfUseUrl": TERMS}
    assert built["apis"]["custom"]["endpoint"]["uri"] == ARN
    assert "warning" not in capsys.readouterr().err


def test_without_urls_a_development_build_warns_and_a_submission_build_fails(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(skill_package, "BUILT", tmp_path / "built")
    assert skill_package.main(["--function-arn", ARN]) == 0
    assert "warning: no privacy or terms URL" in capsys.readouterr().err
    built = json.loads((tmp_path / "built" / "skill.json").read_text())["manifest"]
    assert all(policy == {} for policy in built["privacyAndCompliance"]["locales"].values())

    assert skill_package.main(["--function-arn", ARN, "--privacy-url", PRIVACY, "--for-submission"]) == 2
    err = capsys.readouterr().err
    assert "termsOfUseUrl: missing (give --stack or --terms-url)" in err and "privacyPolicyUrl" not in err
    assert (tmp_path / "built" / "skill.json").exists(), "a refused build leaves the previous package alone"
    with pytest.raises(ValueError, match="privacyPolicyUrl: missing"):
        skill_package.write_package(ARN, tmp_path / "other", for_submission=True)
    assert not (tmp_path / "other").exists()


@pytest.mark.parametrize("url", ["http://example.org/privacy", "example.org/privacy", "https://", "https:///privacy",
                                 "ftp://example.org/privacy", "https://example.org/pri vacy", "javascript:alert(1)"])
def test_privacy_and_terms_urls_must_be_https(url, tmp_path, capsys):
    with pytest.raises(ValueError, match="must be an https:// URL"):
        skill_package.write_package(ARN, tmp_path / "pkg", privacy_url=url, terms_url=TERMS)
    with pytest.raises(ValueError, match="--terms-url must be an https:// URL"):
        skill_package.write_package(ARN, tmp_path / "pkg", privacy_url=PRIVACY, terms_url=url)
    with pytest.raises(SystemExit) as stopped:  # refused before any AWS call for --stack
        skill_package.main(["--stack", "no-such-stack", "--privacy-url", url])
    assert stopped.value.code == 2 and "--privacy-url must be an https:// URL" in capsys.readouterr().err
    assert not (tmp_path / "pkg").exists()


def test_the_privacy_answers():
    """usesPersonalInfo is false: no name, contact details, address or account linking, and the one permission (to
    set reminders) reads nothing about the person; the record is
    keyed by the anonymous skill-specific user id and holds what the skill itself generates (skill_package.py)."""
    privacy = MANIFEST["privacyAndCompliance"]
    assert {key: privacy[key] for key in skill_package.PRIVACY_ANSWERS} == {
        "allowsPurchases": False, "usesPersonalInfo": False, "isChildDirected": False,
        "isExportCompliant": True, "containsAds": False}
    assert "accountLinking" not in MANIFEST
    assert [p["name"] for p in MANIFEST["permissions"]] == ["alexa::alerts:reminders:skill:readwrite",
                                                            "alexa::person_id:read"]


# --------------------------------------------------------------------------- the store listing

#: Each thing the skill does, and words the description must use for it.
FEATURES = {
    "guided lower-back stretches": ("lower-back stretches", "how to get into position"),
    "timed holds": ("times every hold",),
    "paced reps": ("paces every repetition",),
    "routines": ("Routines: ",),
    "hands-free mode": ('"hands free"', "keeps going on its own"),
    "progress and streaks": ("this week", "streak"),
    "hold length": ("longer or shorter holds",),
    "detail": ("brief or full instructions",),
    "equipment": ("equipment you don't have",),
    "skipped stretches": ("leave out",),
    "sounds": ("chime", '"turn off the chimes"'),
    "resume": ("pick up where you left off",),
    "Echo Show screen with touch buttons": ("Echo Show", "buttons you can touch"),
    "medical disclaimer": ("not a substitute for professional medical advice", "sharp pain"),
}


@pytest.mark.parametrize("locale", LOCALES)
def test_the_description_tells_everything_the_skill_does_within_amazons_limits(locale):
    listing = MANIFEST["publishingInformation"]["locales"][locale]
    description = listing["description"]
    missing = [feature for feature, words in FEATURES.items() if not all(w in description for w in words)]
    assert not missing, f"the description does not mention: {missing}"
    for routine in skill_package.LIBRARY.routines.values():
        assert routine.name in description
    assert 0 < len(listing["summary"]) <= skill_package.SUMMARY_MAX == 160
    assert len(description) <= skill_package.DESCRIPTION_MAX == 4000
    assert 1 <= len(listing["examplePhrases"]) <= skill_package.EXAMPLE_PHRASES_MAX == 3
    assert 1 <= len(listing["keywords"]) <= skill_package.KEYWORDS_MAX == 30
    assert skill_package.listing_problems({"manifest": MANIFEST}, PACKAGE, for_submission=False) == []


@pytest.mark.parametrize("locale", ["en-US", "en-GB"])
def test_every_phrase_the_description_quotes_for_the_person_to_say_resolves(locale):
    resolver = Resolver.from_file(model_path(locale))
    description = MANIFEST["publishingInformation"]["locales"][locale]["description"]
    quoted = set(re.findall(r'"([^"]+)"', description)) - {"switch sides"}  # what the coach says, not the person
    assert quoted
    for phrase in quoted:
        resolution = resolver.resolve(phrase)
        assert resolution.matched and resolution.intent != "AMAZON.FallbackIntent", phrase


def test_the_listing_checker_finds_what_certification_would_refuse(tmp_path):
    document = skill_package.manifest(ARN)
    listing = document["manifest"]["publishingInformation"]["locales"]["en-US"]
    listing["summary"] = "x" * 161
    listing["description"] = "x" * 4001
    listing["examplePhrases"] = ["Alexa, open back stretch coach"] * 4
    listing["keywords"] = [f"k{i}" for i in range(31)]
    listing["smallIconUri"] = "file://../skill.json"
    listing["largeIconUri"] = "https://example.org/icon.png"
    (tmp_path / "assets" / "images").mkdir(parents=True)
    problems = skill_package.listing_problems(document, PACKAGE, for_submission=True)
    assert [p for p in problems if p.startswith("en-US ")] == [
        "en-US summary: 161 characters (1 to 160)", "en-US description: 4001 characters (1 to 4000)",
        "en-US examplePhrases: 1 to 3", "en-US keywords: at most 30",
        "en-US smallIconUri: file://../skill.json is not a file in " + str(PACKAGE),
        "en-US largeIconUri: 'https://example.org/icon.png' is not a file:// URI inside the package",
        "en-US privacyPolicyUrl: missing (give --stack or --privacy-url)",
        "en-US termsOfUseUrl: missing (give --stack or --terms-url)"]
    wrong_size = tmp_path / "assets" / "images" / "small-icon.png"
    wrong_size.write_bytes((PACKAGE / skill_package.LARGE_ICON).read_bytes())
    assert "en-GB smallIconUri: file://assets/images/small-icon.png is not a 108x108 PNG" in \
        skill_package.listing_problems(skill_package.manifest(ARN), tmp_path)


# --------------------------------------------------------------------------- the privacy policy and terms

DOCS = skill_package.ROOT / "docs"
E2E = skill_package.ROOT / "e2e"


#: Operator details as the stack's parameters would give them.
OPERATOR = policies.Operator("Sam Okafor", "privacy@stretchwell.co.uk", "1 High Street, Leeds")


def _prose(path) -> str:
    """The page published from a docs/ Markdown file (skill.policies), as plain text: what a reader sees."""
    page = policies.page(path.stem, OPERATOR)
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", page.split("<body>", 1)[1]).split()))


#: Every field of a stored record, and words docs/privacy.md must use for it. A new stored field fails
#: this test until the policy says what it is: the policy must list exactly what is kept.
RECORD_WORDS = {
    "v": (),  # the record's format version
    "routine": ("which routine",), "index": ("which stretch",), "stretch": ("which stretch",),
    "side": ("which side",), "updated": ("when that was",),
    "safety_said": ("safety note",), "checks_said": ("see a doctor first",), "equipment_noted": ("missing equipment",),
    "prefs": ("preferences",), "history": ("date and the routine", "streak"),
    "practice": ("how many times you have been coached",),
    "time_zone": ("time zone",), "zone_checked": ("the day it was last read",),
    "reminder_asked": ("offers a daily reminder once",),
}
PREFERENCE_WORDS = {
    "hold_offset": ("longer or shorter holds",), "missing": ("equipment you told it you don't have",),
    "skip": ("leave out",), "continuous": ("hands-free",), "detail": ("brief or full instructions",),
    "sounds": ("chimes off",), "changed": ("time you last changed it",),
}


def test_the_privacy_policy_lists_every_field_a_stored_record_holds():
    policy = _prose(DOCS / "privacy.md")
    record = CoachState(prefs=Preferences(sounds=False, changed=(("detail", 1),))).record()
    for field in record:
        assert field in RECORD_WORDS, f"stored field {field!r}: describe it in docs/privacy.md, then add it here"
        assert all(word in policy for word in RECORD_WORDS[field]), field
    for field in {f.name for f in dataclasses.fields(Preferences)}:
        assert field in PREFERENCE_WORDS, f"preference {field!r}: describe it in docs/privacy.md, then add it here"
        assert all(word in policy for word in PREFERENCE_WORDS[field]), field
    assert "most recent 60" in policy and str(HISTORY_LIMIT) == "60"
    assert "up to 99" in policy and str(PRACTICE_CAP) == "99"
    for also in ("time zone", "anonymous person id", "revision number", "anonymous user id"):
        assert also in policy


def test_the_privacy_policy_on_health_storage_retention_and_deletion():
    policy = _prose(DOCS / "privacy.md")
    assert "No health information" in policy and "for that session only" in policy
    assert "DynamoDB" in policy and "SQLite" in policy
    template = (skill_package.ROOT / "template.yaml").read_text()
    # Expiry after 18 months without a save, in both stores (tests/test_data_lifecycle.py runs both).
    assert IDLE_EXPIRY_DAYS == 548 and "18 months" in policy and "deleted automatically" in policy
    assert "TimeToLiveSpecification:" in template and "time to live" in policy
    assert "when it starts and once a day after that" in policy and "SWEEP_INTERVAL_SECONDS = 24 * 60 * 60" in (
        skill_package.ROOT / "skill" / "persistence" / "sqlite.py").read_text()
    assert "PointInTimeRecoveryEnabled: true" in template and "35 days" in policy
    assert "Default: 30" in template.split("LogRetentionDays:")[1].split("SnapStart:")[0] and "after 30 days" in policy
    assert '"Alexa, tell back stretch coach to delete my data"' in policy
    assert "Disabling the skill in the Alexa app deletes every record of your Amazon account" in policy
    # The operator's details, from the stack's parameters, and no placeholder left.
    assert all(detail in policy for detail in (OPERATOR.operator_name, OPERATOR.operator_contact,
                                                OPERATOR.operator_address)) and "{{" not in policy


def test_the_terms_carry_the_medical_disclaimer():
    terms = _prose(DOCS / "terms.md")
    assert "not a substitute for professional medical advice" in terms
    assert "Stop any stretch that causes sharp pain" in terms and 'href="privacy"' in policies.page("terms", OPERATOR)


def test_the_screen_interface_declares_amazons_standard_range_for_each_profile_the_skill_lays_out_for():
    """The ranges are Amazon's own, as its validator's package carries them (apl-suggester's viewport profile
    files, in dp), and each device the layouts are made for falls inside its profile's range (so APL lays its
    document out at scale 1), TV at 960 x 540 dp."""
    from skill.viewports import PROFILES, display_for
    from skill_dev.envelopes import VIEWPORTS

    interface = MANIFEST["apis"]["custom"]["interfaces"][0]
    assert interface["type"] == "ALEXA_PRESENTATION_APL"
    declared = {(v["mode"], v["shape"]): [] for v in interface["supportedViewports"]}
    for v in interface["supportedViewports"]:
        declared[(v["mode"], v["shape"])].append((v["minWidth"], v["maxWidth"], v["minHeight"], v["maxHeight"]))
    profiles = E2E / "node_modules" / "apl-suggester" / "dist" / "src" / "configs" / "viewportProfiles"
    amazon = {}
    for path in profiles.glob("*.json"):
        data = json.loads(path.read_text())
        ranges = data["dpSizeRange"]
        amazon[data["id"]] = (data["mode"].upper(), data["shape"].upper(), ranges["minWidth"], ranges["maxWidth"],
                              ranges["minHeight"], ranges["maxHeight"])
    ours = {"HUB_ROUND_SMALL": "hubRound", "HUB_LANDSCAPE_SMALL": "hubLandscapeSmall",
            "HUB_LANDSCAPE_MEDIUM": "hubLandscapeMedium", "HUB_LANDSCAPE_LARGE": "hubLandscape",
            "HUB_LANDSCAPE_XLARGE": "hubLandscapeExtraLarge", "TV_LANDSCAPE_XLARGE": "tvFullscreen"}
    assert amazon, f"apl-suggester's viewport profiles not found under {profiles} (make setup-dev installs it)"
    assert {p.name for p in PROFILES} == set(ours) == set(VIEWPORTS)
    for profile in PROFILES:
        mode, shape, *ranges = amazon[ours[profile.name]]
        assert (profile.mode, profile.shape) == (mode, shape)
        assert (profile.min_width, profile.max_width, profile.min_height, profile.max_height) == tuple(ranges)
        assert tuple(ranges) in declared[(mode, shape)]
    assert ("TV", "RECTANGLE") in declared and declared[("TV", "RECTANGLE")] == [(960, 960, 540, 540)]
    for name, viewport in VIEWPORTS.items():
        display = display_for(viewport["shape"], viewport["mode"], viewport["pixelWidth"], viewport["pixelHeight"],
                              viewport["dpi"], "2024.2")
        assert display.profile.name == name
        assert any(w0 <= display.width <= w1 and h0 <= display.height <= h1
                   for w0, w1, h0, h1 in declared[(viewport["mode"], viewport["shape"])]), name
