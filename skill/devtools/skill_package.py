"""The skill manifest (skill-package/skill.json) and the package the ASK CLI deploys.

``skill-package/skill.json`` is generated here and committed, with a
placeholder endpoint; a test fails if it is stale. For a deployment,

    back-stretch-coach skill-package --function-arn arn:aws:lambda:…   (or --stack NAME)

writes ``build/skill-package/`` (the ASK CLI v2 layout: skill.json with the
real endpoint, and interactionModels/custom/<locale>.json), which
``ask-resources.json`` points the ASK CLI at.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path

from ..content import LIBRARY
from ..interaction_model import INVOCATION_NAME, model_path
from ..localization import LOCALES, phrases_for

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "skill-package" / "skill.json"
BUILT = ROOT / "build" / "skill-package"
PLACEHOLDER_ARN = "arn:aws:lambda:REGION:ACCOUNT_ID:function:REPLACE_WITH_STACK_OUTPUT_SkillFunctionArn"
ARN = re.compile(r"^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9-_]+(:[A-Za-z0-9-_$]+)?$")
COUNTRIES = {"en-US": "US", "en-GB": "GB", "en-CA": "CA", "en-AU": "AU", "en-IN": "IN"}

NAME = "Back Stretch Coach"
SUMMARY = "Hands-free, timed coaching through gentle lower-back stretches."
DISCLAIMER = ("Back Stretch Coach is not medical advice and is not a substitute for a doctor or physiotherapist. "
              "Stop any stretch that causes sharp pain. If you have numbness or tingling in your legs, weakness, "
              "trouble with your bladder or bowels, a fever, or pain after a fall or injury, see a doctor before "
              "stretching.")
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
        "Lie on your mat, close your eyes and let Back Stretch Coach talk you through lower-back stretches. "
        "It tells you how to get into position and how to move, then times every hold and every breath, with "
        "a countdown and \"switch sides\", and waits for you to say \"next\". Or say \"hands free\" and it keeps "
        "going on its own, checking in every few minutes.\n\n"
        f"Routines: {routines}.\n\nStretches: {stretches}.\n\n"
        "Say \"repeat\", \"go back\", \"pause\", \"make it easier\" or \"that hurts\" at any time. If the session "
        "times out while you are on the floor, the next time you open the skill it offers to pick up where you "
        "left off. It remembers your hold length, the equipment you don't have, and stretches you want to leave "
        f"out.\n\n{DISCLAIMER}"
    )
    return p.localise(text)


def manifest(function_arn: str = PLACEHOLDER_ARN) -> dict:
    locales = {
        locale: {
            "name": NAME,
            "summary": SUMMARY,
            "description": _description(locale),
            "examplePhrases": list(EXAMPLE_PHRASES),
            "keywords": list(KEYWORDS),
        }
        for locale in LOCALES
    }
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
            "privacyAndCompliance": {
                "allowsPurchases": False,
                "usesPersonalInfo": False,
                "isChildDirected": False,
                "isExportCompliant": True,
                "containsAds": False,
                "locales": {locale: {} for locale in LOCALES},
            },
            "apis": {"custom": {"endpoint": {"uri": function_arn}, "interfaces": []}},
            "permissions": [],
        }
    }


def render(document: dict) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write_package(function_arn: str, target: Path = BUILT) -> Path:
    """The ASK CLI v2 skill package: skill.json with the endpoint, and every locale's model."""
    if not ARN.match(function_arn):
        raise ValueError(f"{function_arn!r} is not a Lambda function ARN")
    if target.exists():
        shutil.rmtree(target)
    models = target / "interactionModels" / "custom"
    models.mkdir(parents=True)
    (target / "skill.json").write_text(render(manifest(function_arn)), encoding="utf-8")
    for locale in LOCALES:
        shutil.copy2(model_path(locale), models / f"{locale}.json")
    return target


def arn_from_stack(stack: str) -> str:
    import boto3  # only here: reading a CloudFormation output needs AWS credentials

    outputs = boto3.client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0].get("Outputs", [])
    for output in outputs:
        if output["OutputKey"] == "SkillFunctionArn":
            return output["OutputValue"]
    raise ValueError(f"stack {stack} has no SkillFunctionArn output")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write build/skill-package for the ASK CLI, or skill-package/skill.json.")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--function-arn", help="the SkillFunctionArn output of the SAM stack")
    source.add_argument("--stack", help="read SkillFunctionArn from this CloudFormation stack")
    parser.add_argument("--committed", action="store_true", help="rewrite skill-package/skill.json (placeholder ARN)")
    args = parser.parse_args(argv)
    if args.committed:
        COMMITTED.parent.mkdir(exist_ok=True)
        COMMITTED.write_text(render(manifest()), encoding="utf-8")
        print(f"wrote {COMMITTED}")
        return 0
    if not (args.function_arn or args.stack):
        parser.error("give --function-arn or --stack")
    arn = args.function_arn or arn_from_stack(args.stack)
    try:
        target = write_package(arn)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"wrote {target} for {arn}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
