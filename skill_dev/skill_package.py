"""The skill manifest (skill-package/skill.json) and the package the ASK CLI deploys.

``skill-package/skill.json`` is generated here and committed, with a
placeholder endpoint; a test fails if it is stale. For a deployment,

    back-stretch-coach skill-package --function-arn arn:aws:lambda:…   (or --stack NAME)
        [--privacy-url https://…/privacy --terms-url https://…/terms] [--for-submission]

writes ``build/skill-package/`` (the ASK CLI v2 layout: skill.json with the
real endpoint, interactionModels/custom/<locale>.json, and the icons in
assets/images/), which ``ask-resources.json`` points the ASK CLI at.

Icons: the manifest names them with ``file://assets/images/...`` URIs relative
to the package, the form ``ask smapi export-package`` writes; the ASK CLI then
deploys the manifest inside a skill package (ask-cli 2.30.5 and later; before
that a manifest-only update failed with INVALID_URL_FORMAT, alexa/ask-cli
issues 251 and PR 487). The PNGs are rendered from tools/icons/icon.svg by
tools/icons/make_icons.py and committed.

Privacy: the privacy policy and terms of use (docs/privacy.md, docs/terms.md)
must be published by the operator at https URLs, which ``--privacy-url`` and
``--terms-url`` put in every locale. Without them the package still builds
for development (with a warning); ``--for-submission`` makes them required,
with the other checks certification would fail on.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path
from urllib.parse import urlsplit

from skill.content import LIBRARY
from skill.localization import LOCALES, phrases_for
from skill.services import REMINDERS_SCOPE
from skill.viewports import PROFILES

from .interaction_model import INVOCATION_NAME, model_path

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "skill-package" / "skill.json"
BUILT = ROOT / "build" / "skill-package"
PLACEHOLDER_ARN = "arn:aws:lambda:REGION:ACCOUNT_ID:function:REPLACE_WITH_STACK_OUTPUT_SkillFunctionArn"
ARN = re.compile(r"^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9-_]+(:[A-Za-z0-9-_$]+)?$")
COUNTRIES = {"en-US": "US", "en-GB": "GB", "en-CA": "CA", "en-AU": "AU", "en-IN": "IN"}
#: The icons, relative to a skill package (skill-package/ here, build/skill-package/ when built).
ICONS_DIR = "assets/images"
SMALL_ICON = f"{ICONS_DIR}/small-icon.png"  # 108 x 108
LARGE_ICON = f"{ICONS_DIR}/large-icon.png"  # 512 x 512
ICON_SIZES = {SMALL_ICON: 108, LARGE_ICON: 512}
#: Amazon's limits on the store listing (developer console, "Skill Preview").
SUMMARY_MAX, DESCRIPTION_MAX, EXAMPLE_PHRASES_MAX, KEYWORDS_MAX = 160, 4000, 3, 30

#: Screens: the APL interface, with Amazon's standard ranges (in dp) for each viewport profile the skill lays out
#: for (skill/viewports.py). Without it, a device never says it supports APL, and no screen is sent.
APL_INTERFACE = {"type": "ALEXA_PRESENTATION_APL", "supportedViewports": [
    {"mode": profile.mode, "shape": profile.shape, "minWidth": profile.min_width, "maxWidth": profile.max_width,
     "minHeight": profile.min_height, "maxHeight": profile.max_height}
    for profile in PROFILES]}

#: The privacy answers (manifest.privacyAndCompliance), each with its reason.
#: usesPersonalInfo: Amazon asks for a privacy policy when a skill collects personal information "such as
#: email address, password or physical address", by voice or through permissions, or uses account linking.
#: This skill does none of that: its only permission is to set reminders (which reads nothing about the
#: person), no account linking, and it asks for no name, contact detail or health information. What it
#: keeps is keyed by the anonymous, skill-specific Alexa user id and generated inside the skill (place,
#: preferences, progress): Amazon's own guide files that under persistent attributes keyed by userId,
#: apart from personal information such as name and address.
#: So False; the privacy policy URL is still given, because the skill stores a record per person.
PRIVACY_ANSWERS = {
    "allowsPurchases": False,  # no in-skill purchasing
    "usesPersonalInfo": False,
    "isChildDirected": False,  # for adults with back pain; not directed to children under 13
    "isExportCompliant": True,  # plain content, no encryption software offered to users
    "containsAds": False,
}

NAME = "Back Stretch Coach"
SUMMARY = "Hands-free, timed coaching through gentle lower-back stretches."
#: Amazon's policy for health skills: the description must say the skill is not a substitute for
#: professional medical advice.
DISCLAIMER = ("Back Stretch Coach is not medical advice and is not a substitute for professional medical advice "
              "from a doctor or physiotherapist. Stop any stretch that causes sharp pain. If you have numbness or "
              "tingling in your legs, weakness, trouble with your bladder or bowels, a fever, or pain after a fall "
              "or injury, see a doctor before stretching.")
EXAMPLE_PHRASES = (
    f"Alexa, open {INVOCATION_NAME}",
    f"Alexa, ask {INVOCATION_NAME} for a quick routine",
    f"Alexa, ask {INVOCATION_NAME} how do I do cat cow",
)
KEYWORDS = ("back pain", "stretching", "lower back", "exercise", "physio", "mobility", "yoga", "hands free")


def _description(locale: str) -> str:
    p = phrases_for(locale)
    routines = p.join(f"{r.name} ({r.description})" for r in LIBRARY.routines.values())
    stretches = p.join(s.name for s in LIBRARY.stretches.values())
    text = (
        "Lie on your mat, close your eyes and let Back Stretch Coach guide you through gentle lower-back "
        "stretches. It tells you how to get into position and how to move, then times every hold and paces "
        "every repetition with your breathing, with a chime when a hold ends and before \"switch sides\", and "
        "waits for you to say \"next\". Or say \"hands free\" and it keeps going on its own, checking in every "
        "few minutes.\n\n"
        f"Routines: {routines}.\n\nStretches: {stretches}.\n\n"
        "Say \"repeat\", \"go back\", \"pause\", \"make it easier\" or \"that hurts\" at any time. Ask \"how am I "
        "doing\" to hear how many routines you have done this week and your streak of days in a row.\n\n"
        "It remembers your preferences: longer or shorter holds, brief or full instructions, hands-free as your "
        "usual way, the equipment you don't have, stretches you have asked it to leave out, and whether you want "
        "the chimes (say \"turn off the chimes\"). If the session times out while you are on the floor, the "
        "next time you open the skill it offers to pick up where you left off.\n\n"
        "On an Echo Show, the screen follows along: the stretch you are on, the cue being spoken in large type, "
        "a countdown during holds, and buttons you can touch to go back, pause, go on or make it easier.\n\n"
        f"{DISCLAIMER}"
    )
    return p.localise(text)


def manifest(function_arn: str = PLACEHOLDER_ARN, privacy_url: str | None = None,
             terms_url: str | None = None) -> dict:
    locales = {
        locale: {
            "name": NAME,
            "summary": SUMMARY,
            "description": _description(locale),
            "smallIconUri": f"file://{SMALL_ICON}",
            "largeIconUri": f"file://{LARGE_ICON}",
            "examplePhrases": list(EXAMPLE_PHRASES),
            "keywords": list(KEYWORDS),
        }
        for locale in LOCALES
    }
    policy = {key: url for key, url in (("privacyPolicyUrl", privacy_url), ("termsOfUseUrl", terms_url)) if url}
    return {
        "manifest": {
            "manifestVersion": "1.0",
            "publishingInformation": {
                "locales": locales,
                "isAvailableWorldwide": False,
                "distributionCountries": [COUNTRIES[locale] for locale in LOCALES],
                "category": "HEALTH_AND_FITNESS",
                "testingInstructions": (
                    "No account linking or devices needed. Say \"open back stretch coach\", then \"yes\" to start "
                    "the quick routine and \"next\" after each stretch; try \"that hurts\", \"make it easier\", "
                    "\"hands free\", and stopping mid-routine then reopening the skill to resume."),
            },
            "privacyAndCompliance": {**PRIVACY_ANSWERS, "locales": {locale: dict(policy) for locale in LOCALES}},
            "apis": {"custom": {"endpoint": {"uri": function_arn}, "interfaces": [APL_INTERFACE]}},
            "permissions": [{"name": REMINDERS_SCOPE}],
        }
    }


def render(document: dict) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def check_url(url: str, option: str) -> str:
    """``url`` if it is an absolute https URL (what a store listing links to); ValueError otherwise."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or any(c.isspace() for c in url):
        raise ValueError(f"{option} must be an https:// URL, not {url!r}")
    return url


def png_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG's signature and IHDR chunk, or None if ``data`` is not a PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def listing_problems(document: dict, package: Path, for_submission: bool = False) -> list[str]:
    """What a store listing in ``document`` breaks: Amazon's field limits, icons that don't resolve inside
    ``package`` or aren't PNGs of the right size, and (``for_submission``) missing privacy and terms URLs."""
    problems = []
    info = document["manifest"]["publishingInformation"]["locales"]
    policies = document["manifest"]["privacyAndCompliance"]["locales"]
    root = package.resolve()
    for locale, listing in info.items():
        problems += _field_limit_problems(locale, listing)
        problems += _icon_problems(locale, listing, root, package)
        if for_submission:
            problems += _policy_problems(locale, policies.get(locale, {}))
    return problems


def _field_limit_problems(locale: str, listing: dict) -> list[str]:
    """A locale's summary, description, example phrases and keywords against Amazon's limits."""
    problems = []
    for field, most in (("summary", SUMMARY_MAX), ("description", DESCRIPTION_MAX)):
        if not 0 < len(listing.get(field, "")) <= most:
            problems.append(f"{locale} {field}: {len(listing.get(field, ''))} characters (1 to {most})")
    if not 1 <= len(listing.get("examplePhrases", [])) <= EXAMPLE_PHRASES_MAX:
        problems.append(f"{locale} examplePhrases: 1 to {EXAMPLE_PHRASES_MAX}")
    if len(listing.get("keywords", [])) > KEYWORDS_MAX:
        problems.append(f"{locale} keywords: at most {KEYWORDS_MAX}")
    return problems


def _icon_problems(locale: str, listing: dict, root: Path, package: Path) -> list[str]:
    """A locale's two icons: file:// URIs of files inside the package (``root``, resolved), PNGs of the right size."""
    problems = []
    for field in ("smallIconUri", "largeIconUri"):
        uri = listing.get(field, "")
        if not uri.startswith("file://"):
            problems.append(f"{locale} {field}: {uri!r} is not a file:// URI inside the package")
            continue
        path = (root / uri.removeprefix("file://")).resolve()
        expected = ICON_SIZES.get(uri.removeprefix("file://"))
        if not path.is_relative_to(root) or not path.is_file():
            problems.append(f"{locale} {field}: {uri} is not a file in {package}")
        elif expected is None or png_size(path.read_bytes()) != (expected, expected):
            problems.append(f"{locale} {field}: {uri} is not a {expected}x{expected} PNG")
    return problems


def _policy_problems(locale: str, policy: dict) -> list[str]:
    """A locale's privacy policy and terms of use URLs, which certification needs."""
    return [f"{locale} {key}: missing (give {option})"
            for key, option in (("privacyPolicyUrl", "--privacy-url"), ("termsOfUseUrl", "--terms-url"))
            if not policy.get(key)]


def write_package(function_arn: str, target: Path = BUILT, privacy_url: str | None = None,
                  terms_url: str | None = None, for_submission: bool = False) -> Path:
    """The ASK CLI v2 skill package: skill.json with the endpoint, every locale's model, and the icons.

    Raises ValueError, before ``target`` is touched, for a bad ARN or URL and for anything
    :func:`listing_problems` finds (with ``for_submission``, missing privacy or terms URLs too).
    """
    if not ARN.match(function_arn):
        raise ValueError(f"{function_arn!r} is not a Lambda function ARN")
    privacy_url = privacy_url and check_url(privacy_url, "--privacy-url")
    terms_url = terms_url and check_url(terms_url, "--terms-url")
    document = manifest(function_arn, privacy_url, terms_url)
    source = COMMITTED.parent  # the icons are copied from here as they are
    problems = listing_problems(document, source, for_submission)
    if problems:
        raise ValueError("the skill package is not ready:\n  " + "\n  ".join(problems))
    if target.exists():
        shutil.rmtree(target)
    models = target / "interactionModels" / "custom"
    models.mkdir(parents=True)
    (target / "skill.json").write_text(render(document), encoding="utf-8")
    for locale in LOCALES:
        shutil.copy2(model_path(locale), models / f"{locale}.json")
    shutil.copytree(source / ICONS_DIR, target / ICONS_DIR)
    return target


def arn_from_stack(stack: str) -> str:
    import boto3  # only here: reading a CloudFormation output needs AWS credentials

    outputs = boto3.client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0].get("Outputs", [])
    for output in outputs:
        if output["OutputKey"] == "SkillFunctionArn":
            return output["OutputValue"]
    raise ValueError(f"stack {stack} has no SkillFunctionArn output")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write build/skill-package for the ASK CLI, or skill-package/skill.json.")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--function-arn", help="the SkillFunctionArn output of the SAM stack")
    source.add_argument("--stack", help="read SkillFunctionArn from this CloudFormation stack")
    parser.add_argument("--privacy-url", metavar="URL",
                        help="https URL of the published privacy policy (docs/privacy.md), for every locale")
    parser.add_argument("--terms-url", metavar="URL",
                        help="https URL of the published terms of use (docs/terms.md), for every locale")
    parser.add_argument("--for-submission", action="store_true",
                        help="the package is for certification: --privacy-url and --terms-url are required")
    parser.add_argument("--committed", action="store_true", help="rewrite skill-package/skill.json (placeholder ARN)")
    args = parser.parse_args(argv)
    if args.committed:
        COMMITTED.parent.mkdir(exist_ok=True)
        COMMITTED.write_text(render(manifest()), encoding="utf-8")
        print(f"wrote {COMMITTED}")
        return 0
    if not (args.function_arn or args.stack):
        parser.error("give --function-arn or --stack")
    for value, option in ((args.privacy_url, "--privacy-url"), (args.terms_url, "--terms-url")):
        if value is not None:  # before reading a stack: a typo in a URL needs no AWS call
            try:
                check_url(value, option)
            except ValueError as exc:
                parser.error(str(exc))
    arn = args.function_arn or arn_from_stack(args.stack)
    try:
        target = write_package(arn, BUILT, privacy_url=args.privacy_url, terms_url=args.terms_url,
                               for_submission=args.for_submission)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    if not (args.privacy_url and args.terms_url):
        print("warning: no --privacy-url/--terms-url: fine for development, but certification needs a "
              "privacy policy (the skill stores a record per person); publish docs/privacy.md and docs/terms.md "
              "and build with --for-submission", file=sys.stderr)
    print(f"wrote {target} for {arn}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
