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
are published by the SAM stack (its PolicyPagesFunction, at the PrivacyPolicyUrl
and TermsOfUseUrl outputs); ``--stack NAME`` reads the function ARN and both URLs
from the stack's outputs and puts them in every locale (``--privacy-url`` and
``--terms-url`` override them). Without URLs the package still builds for
development (with a warning); ``--for-submission`` makes them required and
refuses placeholders: the placeholder ARN, URLs that are examples or
placeholders, and (with ``--stack``) operator details in the stack's parameters
that the policy pages would refuse, with the other checks certification would
fail on.

Events: the manifest subscribes to SKILL_DISABLED at the same endpoint (the
skill deletes the account's records; skill.handlers.session). Skill events can
only be set through the manifest (ASK CLI or SMAPI), not in the developer console.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path
from urllib.parse import urlsplit

from skill import policies
from skill.content import LIBRARY
from skill.content.schema import MAX_HOLD_SECONDS
from skill.engine.hands_free import PART_MAX_SECONDS
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
#: The developer console's limit on the testing instructions field (Distribution > Availability). Amazon's
#: manifest schema names the field without a limit; 4,000 characters is the console's (not found in a page
#: here: kept well inside it, see tests/test_certification.py).
TESTING_INSTRUCTIONS_MAX = 4000
#: Recognised speakers: context.System.person reaches only skills that ask for this ("Add Personalization to
#: Your Alexa Skill"); records per person (skill/persistence/keys.py) and greetings by name depend on it.
PERSON_ID_SCOPE = "alexa::person_id:read"
#: Every permission a feature needs: daily reminders, and recognised speakers.
PERMISSIONS = (REMINDERS_SCOPE, PERSON_ID_SCOPE)
#: Skill events: a disabled skill deletes the account's records (skill.handlers.session.SkillDisabledHandler).
EVENT_SUBSCRIPTIONS = ("SKILL_DISABLED",)
#: The stack outputs ``--stack`` reads, and the stack parameters a submission checks.
STACK_OUTPUTS = {"function_arn": "SkillFunctionArn", "privacy_url": "PrivacyPolicyUrl", "terms_url": "TermsOfUseUrl"}
STACK_OPERATOR_PARAMETERS = {"operator_name": "OperatorName", "operator_contact": "OperatorContact",
                             "operator_address": "OperatorAddress"}
#: A URL that is not a real published page: an example domain, a placeholder word, an unfilled template.
PLACEHOLDER_URL = re.compile(r"(?i)//([^/]*\.)?example\.(com|org|net)(/|$)|REPLACE|PLACEHOLDER|\{\{|\[|localhost|"
                             r"//127\.")

#: Screens: the APL interface, with Amazon's standard ranges (in dp) for each viewport profile the skill lays out
#: for (skill/viewports.py). Without it, a device never says it supports APL, and no screen is sent.
APL_INTERFACE = {"type": "ALEXA_PRESENTATION_APL", "supportedViewports": [
    {"mode": profile.mode, "shape": profile.shape, "minWidth": profile.min_width, "maxWidth": profile.max_width,
     "minHeight": profile.min_height, "maxHeight": profile.max_height}
    for profile in PROFILES]}

#: The privacy answers (manifest.privacyAndCompliance), each with its reason (docs/certification.md says more).
#: usesPersonalInfo, "true if the skill collects users' personal information" (Amazon's manifest schema): the
#: skill asks for no name, email, phone number, address or health information, by voice or by permission, and
#: has no account linking. Its permissions read nothing that identifies anyone: reminders (to set one), and
#: the person id of a recognised speaker, an anonymous, skill-specific id that Amazon says "does not contain
#: any personally identifiable information" (the name is spoken by Alexa's name tag and never reaches the
#: skill). What it keeps is keyed by those anonymous ids and generated inside the skill (place, preferences,
#: progress): Amazon's own guide files that under persistent attributes keyed by userId, apart from personal
#: information such as name and address. So False; the privacy policy URL is still given, because the skill
#: stores a record per person.
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
        "Daily reminders: ask \"remind me every day at 8 am\" and, once you allow reminders, Alexa reminds you to "
        "stretch at that time each day (the skill asks for the reminders permission for this). Ask \"what "
        "reminders do I have\" or say \"cancel my reminder\" at any time. If Alexa recognises your voice, you "
        "keep your own place and progress. Say \"delete my data\" to erase what the skill keeps about you.\n\n"
        f"{DISCLAIMER}"
    )
    return p.localise(text)


#: What the certification reviewer needs to know, and the shortest way to each feature. Every phrase in quotes
#: that the person says resolves against every locale's model (tests/test_certification.py).
TESTING_INSTRUCTIONS = (
    "No account linking, no devices, nothing to buy. Each feature is one or two utterances away:\n"
    "1. Routines: \"Alexa, open back stretch coach\", then \"yes\" starts the quick routine (4 stretches); say "
    "\"next\" after each stretch. One-shot: \"Alexa, ask back stretch coach for a quick routine\". Other routines: "
    "\"start the hips routine\" (full, hips, mid back, gentle); \"list routines\".\n"
    f"2. Silences are deliberate: a hold is timed with SSML breaks and silence of up to {MAX_HOLD_SECONDS} seconds "
    "(10-second breaks chained), ending with a chime. Say \"hands free\" and the skill runs on without waiting "
    f"for \"next\": one hands-free answer can last up to {round(PART_MAX_SECONDS / 60)} minutes of coaching and "
    "silence, then it checks in. \"Alexa, next\", \"Alexa, pause\" or \"Alexa, stop\" interrupt it at any time.\n"
    "3. Pause and resume: \"pause\" keeps the place; say \"resume\", or after the session has closed, \"Alexa, "
    "open back stretch coach\" and \"yes\" picks up at the same stretch.\n"
    "4. Comfort and safety: \"make it easier\", \"that hurts\" (stops the stretch and offers an easier version "
    "or a skip). The skill never asks about health and stores no health information.\n"
    "5. Reminders: after the second finished routine the skill offers a daily reminder once. Any time: \"remind me "
    "every day at 8 am\". If the reminders permission is not yet granted, Alexa asks for it by voice (say yes); "
    "the skill then says the time and that it repeats daily. \"what reminders do I have\", \"cancel my reminder\". "
    "The reminder text does not say the wake word.\n"
    "6. Echo Show: during a routine the screen shows the stretch, the cue in large type and a countdown; touch "
    "buttons go back, pause or resume, go on and make it easier, the same as saying so.\n"
    "7. Progress and preferences: \"how am I doing\" (one-shot: \"Alexa, ask back stretch coach how am I "
    "doing\"), \"longer holds\", \"shorter instructions\", \"turn off the chimes\", \"reset my preferences\".\n"
    "8. Your data: \"delete my data\" asks to confirm, then deletes the record. Disabling the skill deletes every "
    "record of the account (SKILL_DISABLED event). Voice profiles: with a voice ID and \"Personalize skills\" on, "
    "each recognised speaker gets their own place and progress and is greeted by name.")


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
                "testingInstructions": TESTING_INSTRUCTIONS,
            },
            "privacyAndCompliance": {**PRIVACY_ANSWERS, "locales": {locale: dict(policy) for locale in LOCALES}},
            "apis": {"custom": {"endpoint": {"uri": function_arn}, "interfaces": [APL_INTERFACE]}},
            "events": {"endpoint": {"uri": function_arn},
                       "subscriptions": [{"eventName": name} for name in EVENT_SUBSCRIPTIONS]},
            "permissions": [{"name": name} for name in PERMISSIONS],
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
    ``package`` or aren't PNGs of the right size, testing instructions over the console's limit, and
    (``for_submission``) missing or placeholder privacy and terms URLs, and the placeholder endpoint."""
    problems = []
    manifest_ = document["manifest"]
    info = manifest_["publishingInformation"]["locales"]
    policy_urls = manifest_["privacyAndCompliance"]["locales"]
    root = package.resolve()
    for locale, listing in info.items():
        problems += _field_limit_problems(locale, listing)
        problems += _icon_problems(locale, listing, root, package)
        if for_submission:
            problems += _policy_problems(locale, policy_urls.get(locale, {}))
    instructions = manifest_["publishingInformation"].get("testingInstructions", "")
    if not 0 < len(instructions) <= TESTING_INSTRUCTIONS_MAX:
        problems.append(f"testingInstructions: {len(instructions)} characters (1 to {TESTING_INSTRUCTIONS_MAX})")
    if for_submission:
        events = manifest_.get("events", {}).get("endpoint", {})
        endpoints = {manifest_["apis"]["custom"]["endpoint"]["uri"], events.get("uri")}
        if PLACEHOLDER_ARN in endpoints:
            problems.append("endpoint: the placeholder ARN (give --stack or --function-arn)")
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
    """A locale's privacy policy and terms of use URLs, which certification needs: present, and not placeholders."""
    problems = []
    for key, option in (("privacyPolicyUrl", "--privacy-url"), ("termsOfUseUrl", "--terms-url")):
        url = policy.get(key)
        if not url:
            problems.append(f"{locale} {key}: missing (give --stack or {option})")
        elif PLACEHOLDER_URL.search(url):
            problems.append(f"{locale} {key}: {url} is a placeholder, not a published page")
    return problems


def write_package(function_arn: str, target: Path = BUILT, privacy_url: str | None = None,
                  terms_url: str | None = None, for_submission: bool = False,
                  operator: policies.Operator | None = None) -> Path:
    """The ASK CLI v2 skill package: skill.json with the endpoint, every locale's model, and the icons.

    Raises ValueError, before ``target`` is touched, for a bad ARN or URL and for anything
    :func:`listing_problems` finds (with ``for_submission``, missing or placeholder privacy or terms URLs, and
    ``operator`` details, as the stack's parameters give them, that the published pages would refuse).
    """
    if not ARN.match(function_arn):
        raise ValueError(f"{function_arn!r} is not a Lambda function ARN")
    privacy_url = privacy_url and check_url(privacy_url, "--privacy-url")
    terms_url = terms_url and check_url(terms_url, "--terms-url")
    document = manifest(function_arn, privacy_url, terms_url)
    source = COMMITTED.parent  # the icons are copied from here as they are
    problems = listing_problems(document, source, for_submission)
    if for_submission and operator is not None:
        problems += [f"stack parameter: {problem}" for problem in policies.operator_problems(operator)]
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


def read_stack(stack: str) -> tuple[dict[str, str], policies.Operator]:
    """From the CloudFormation stack: the function ARN and the policy URLs (``STACK_OUTPUTS``, those it has), and
    the operator's details as its parameters give them. ValueError if it has no SkillFunctionArn output."""
    import boto3  # only here: reading a stack needs AWS credentials (and honours AWS_ENDPOINT_URL_CLOUDFORMATION)

    described = boto3.client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0]
    outputs = {output["OutputKey"]: output["OutputValue"] for output in described.get("Outputs", [])}
    if STACK_OUTPUTS["function_arn"] not in outputs:
        raise ValueError(f"stack {stack} has no SkillFunctionArn output")
    parameters = {p["ParameterKey"]: p.get("ParameterValue", "") for p in described.get("Parameters", [])}
    operator = policies.Operator(**{field: parameters.get(name, "")
                                    for field, name in STACK_OPERATOR_PARAMETERS.items()})
    return {field: outputs[name] for field, name in STACK_OUTPUTS.items() if name in outputs}, operator


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write build/skill-package for the ASK CLI, or skill-package/skill.json.")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--function-arn", help="the SkillFunctionArn output of the SAM stack")
    source.add_argument("--stack", help="read SkillFunctionArn, PrivacyPolicyUrl and TermsOfUseUrl from this "
                                        "CloudFormation stack's outputs")
    parser.add_argument("--privacy-url", metavar="URL",
                        help="https URL of the published privacy policy (docs/privacy.md), for every locale")
    parser.add_argument("--terms-url", metavar="URL",
                        help="https URL of the published terms of use (docs/terms.md), for every locale")
    parser.add_argument("--for-submission", action="store_true",
                        help="the package is for certification: published privacy and terms URLs are required, and "
                             "placeholders (endpoint, URLs, the stack's operator details) are refused")
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
    try:
        stacked, operator = read_stack(args.stack) if args.stack else ({}, None)
        arn = args.function_arn or stacked["function_arn"]
        privacy_url = args.privacy_url or stacked.get("privacy_url")
        terms_url = args.terms_url or stacked.get("terms_url")
        target = write_package(arn, BUILT, privacy_url=privacy_url, terms_url=terms_url,
                               for_submission=args.for_submission, operator=operator)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    if not (privacy_url and terms_url):
        print("warning: no privacy or terms URL: fine for development, but certification needs a privacy policy "
              "(the skill stores a record per person); deploy the stack (it publishes docs/privacy.md and "
              "docs/terms.md) and build with --stack NAME --for-submission", file=sys.stderr)
    print(f"wrote {target} for {arn}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
