"""Amazon's certification tests for a custom skill, as far as they can be run offline.

Each test names the Amazon page its requirement comes from, in a comment above it. The conversation
tests go through the Lambda handler with real request envelopes; spoken phrases are turned into
requests by the project's resolver (skill_dev/resolver.py) from the committed interaction models;
"every stage" means every state of the every-response walk (tests/test_every_response.py: outside and
inside every routine, at every place, under every question the coach asks, paused, hands-free).

Encoded here:

* invocation name requirements (every locale's model, and the manifest's example phrases);
* example phrases: the structure Amazon validates, and each one, sent as Alexa would send it, gets a
  real answer in every locale (that they resolve and that the first is "Alexa, open ..." is
  tests/test_skill_package.py's);
* one-shot invocations ("ask back stretch coach to ...") reach the right intent and get a real answer;
* launch without an intent: a welcome that asks a question and keeps the session open;
* help at every stage: ends with a question, session open, with a reprompt;
* stop and cancel at every stage: the session ends, with no question and no reprompt;
* fallback at every stage: the session stays open, with a reprompt;
* every response that keeps the session open has a reprompt (here, over the responses above; the
  every-response walk checks it for every request the model can produce);
* SessionEndedRequest (and System.ExceptionEncountered) get no speech;
* the manifest: required fields, its locales are exactly the interaction models', the interfaces it
  declares match the requests the skill answers with speech, and a submission build has https URLs
  and passes the listing checks (icon sizes and field limits: tests/test_skill_package.py's helpers).

The certification dry run of issue 25, one section each:

1. policies published: ``skill-package --stack NAME --for-submission`` against a real CloudFormation API
   (moto_server) fills the stack's PrivacyPolicyUrl and TermsOfUseUrl in every locale and refuses
   placeholders (the pages themselves: tests/test_skill_package.py, tests/test_serve.py,
   tests/test_lambda_bundle.py; the stack: tests/test_template.py);
2. recognised speakers: the manifest asks for ``alexa::person_id:read``; the policy describes per-person
   records only because it does; ``usesPersonalInfo`` against Amazon's definition;
3. testing instructions: each thing the reviewer needs, the numbers true to the code, every quoted
   utterance understood in every locale, within the console's limit;
4. pause: the answer and its reprompt say how to come back, the screen says tap Resume, and after the
   session times out the place is kept;
5. health: nothing asks the person about a condition or symptom (the check runs on every response of
   the every-response walk; here, that the check refuses what it must);
6. data lifecycle: SKILL_DISABLED subscribed at the skill's endpoint (deletion itself:
   tests/test_data_lifecycle.py), expiry in both stores, both in the policy, children's ages per market;
7. smaller comments: no wake word in a reminder, reminders in the description, no "five minute" quick
   routine, a rest countdown that shows what is said, one-shot answers that end the session.

Not checkable offline (left to the certification team, the developer console or a device):

* that the invocation name does not infringe anyone's intellectual property, is not only a person's or
  place's name, is easy to say and is recognised reliably by Alexa's speech recognition, and is not
  phonetically close to offensive or common words;
* that Alexa's own NLU (statistical, not our rule-based resolver) maps the example phrases and the
  sample utterances to the intended intents, and how it treats words around them;
* the console's automatic validation of example phrases, and the Alexa app's skill card and its cards;
* response time on Amazon's side (Alexa waits about 8 s) and the HTTPS endpoint's certificate as seen
  from Amazon (request verification itself is tests/test_verification.py's);
* that the privacy policy and terms URLs answer from Amazon's side (the function URL is checked offline
  only through the template and the handler), and the policy reviews (health information, content,
  children, advertising) made by people;
* that Alexa really delivers SKILL_DISABLED to the Lambda alias (skill events can be set only through the
  manifest with the ASK CLI or SMAPI), and the 4,000-character limit of the console's testing
  instructions field, which no Amazon page found here states;
* that the description matches the functionality as a reviewer experiences it.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from skill.engine import Coach, CoachState
from skill.handlers.session import UNDECLARED_INTERFACES
from skill.localization import LOCALES
from skill.persistence.sqlite import SQLiteAdapter
from skill.skill_builder import build_lambda_handler
from skill_dev import skill_package
from skill_dev.envelopes import Session
from skill_dev.interaction_model import INVOCATION_NAME, model_path
from skill_dev.resolver import Resolver

from .alexa_rules import empty_response_problems, plain, response_problems
from .test_every_response import all_states
from .test_skill_package import ARN, OPERATOR, PRIVACY, TERMS

ROOT = Path(__file__).resolve().parent.parent
MODELS = sorted((ROOT / "interaction_models").glob("*.json"))
MANIFEST = json.loads(skill_package.COMMITTED.read_text())["manifest"]

# Amazon's pages, cited by the tests below.
INVOCATION_NAME_REQUIREMENTS = ("https://developer.amazon.com/docs/custom-skills/"
                                "choose-the-invocation-name-for-a-custom-skill.html")
FUNCTIONAL_TESTING = "https://developer.amazon.com/docs/custom-skills/functional-testing-for-a-custom-skill.html"
CERTIFICATION_REQUIREMENTS = ("https://developer.amazon.com/docs/custom-skills/"
                              "certification-requirements-for-custom-skills.html")
HOW_USERS_INVOKE = "https://developer.amazon.com/docs/custom-skills/understanding-how-users-invoke-custom-skills.html"
EXAMPLE_PHRASES_BLOG = ("https://developer.amazon.com/blogs/alexa/post/74d0ed59-ad4f-470a-abcf-d37c10a1dfd6/"
                        "crafting-great-example-phrases-that-meet-certification-requirements")
STANDARD_BUILT_INS = "https://developer.amazon.com/docs/custom-skills/standard-built-in-intents.html"
TEST_AND_DEBUG = "https://developer.amazon.com/docs/custom-skills/test-and-debug-a-custom-skill.html"
SESSIONS = "https://developer.amazon.com/ja/docs/custom-skills/manage-skill-session-and-session-attributes.html"
REQUEST_TYPES = "https://developer.amazon.com/ja-JP/docs/custom-skills/request-types-reference.html"

#: Launch phrases and connecting words an invocation name must not contain (Amazon's lists of examples).
LAUNCH_WORDS = {"run", "start", "play", "resume", "use", "launch", "ask", "open", "tell", "load", "begin", "enable"}
CONNECTING_WORDS = {"to", "from", "in", "using", "with", "about", "for", "that", "by", "if", "and", "whether"}
#: Wake words, and the words "skill" and "app".
WAKE_WORDS = {"alexa", "amazon", "echo", "computer", "skill", "app"}
#: Words that make a two-word name unacceptable: articles, pronouns such as "my", prepositions.
ARTICLES_PRONOUNS_PREPOSITIONS = {"the", "a", "an", "my", "your", "our", "his", "her", "their", "its", "for", "to",
                                  "of", "in", "on", "at", "with"}
#: A word of an invocation name: lower-case letters, possessive ("sam's", "players'"), or a letter of an
#: abbreviation with its period ("a. b. c.").
NAME_WORD = re.compile(r"[a-z]+(?:'s|s')?|[a-z]\.")


def invocation_names() -> dict[str, str]:
    return {path.stem: json.loads(path.read_text())["interactionModel"]["languageModel"]["invocationName"]
            for path in MODELS}


def invocation_name_problems(name: str) -> list[str]:
    """What breaks Amazon's invocation name requirements (empty: none that can be checked offline)."""
    problems = []
    words = name.split(" ")
    if len(words) < 2:
        problems.append("one-word invocation names are not allowed")
    if name != name.strip() or "  " in name:
        problems.append("words are separated by single spaces")
    for word in words:
        if not NAME_WORD.fullmatch(word):
            problems.append(f"{word!r}: only lower-case letters, possessive apostrophes and abbreviation periods")
    bare = {word.rstrip(".").removesuffix("'s").rstrip("'") for word in words}
    for listed, what in ((LAUNCH_WORDS, "a launch phrase"), (CONNECTING_WORDS, "a connecting word"),
                         (WAKE_WORDS, "a wake word, or skill/app")):
        problems += [f"{word!r} is {what}" for word in sorted(bare & listed)]
    if len(words) == 2 and bare & ARTICLES_PRONOUNS_PREPOSITIONS:
        problems.append("a two-word name with an article, pronoun or preposition")
    return problems


# --- The invocation name ------------------------------------------------------------------------------

# Invocation name requirements: INVOCATION_NAME_REQUIREMENTS ("Invocation name requirements"): at least two
# words; only lower-case letters, spaces, possessive apostrophes and periods in abbreviations; no launch
# phrases or connecting words; no wake words ("alexa", "amazon", "echo", "computer") nor "skill"/"app"; a
# two-word name without an article, pronoun or preposition.
@pytest.mark.parametrize("locale", [path.stem for path in MODELS])
def test_the_invocation_name_meets_amazons_requirements(locale):
    name = invocation_names()[locale]
    assert invocation_name_problems(name) == [], name


# The same requirements, applied to names they must refuse, so the check above can fail.
@pytest.mark.parametrize("bad", ["stretches", "Back Stretch Coach", "back stretch coach!", "back stretch 2",
                                 "open back stretch", "ask back coach", "back coach for me", "alexa back coach",
                                 "back stretch skill", "the stretches", "my coach", "back  coach",
                                 "back-stretch coach"])
def test_the_invocation_name_check_refuses_what_amazon_refuses(bad):
    assert invocation_name_problems(bad), bad


@pytest.mark.parametrize("good", ["back stretch coach", "sam's science trivia", "a. b. c. quiz", "daily horoscopes"])
def test_the_invocation_name_check_accepts_amazons_examples(good):
    assert invocation_name_problems(good) == []


# One name everywhere (the project's rule: the manifest's example phrases are the same in every locale, and a
# person moving between English locales says the same words). The models are built from INVOCATION_NAME; the
# example phrases must say exactly it (INVOCATION_NAME_REQUIREMENTS: the phrases users say include the name).
def test_one_invocation_name_in_every_locale_and_in_every_example_phrase():
    assert set(invocation_names().values()) == {INVOCATION_NAME}
    for locale, listing in MANIFEST["publishingInformation"]["locales"].items():
        for phrase in listing["examplePhrases"]:
            assert INVOCATION_NAME in phrase.lower(), (locale, phrase)


# --- Example phrases ------------------------------------------------------------------------------------

# EXAMPLE_PHRASES_BLOG and FUNCTIONAL_TESTING ("Review and test example phrases"): a phrase is
# "[Wake Word], [Launch Word] [Invocation Name] [Connecting Word] [Utterance]"; the first uses the wake word,
# a launch word and the invocation name only; the others a launch phrase, the name, and a sample utterance.
@pytest.mark.parametrize("locale", LOCALES)
def test_example_phrases_have_the_structure_amazon_validates(locale):
    phrases = MANIFEST["publishingInformation"]["locales"][locale]["examplePhrases"]
    assert re.fullmatch(rf"Alexa, (open|launch|start) {INVOCATION_NAME}", phrases[0]), phrases[0]
    connecting = "|".join(sorted(CONNECTING_WORDS | {"how", "what", "when", "where", "whether"}))
    for phrase in phrases[1:]:
        assert re.fullmatch(rf"Alexa, (ask|tell) {INVOCATION_NAME} ({connecting}) [A-Za-z' ]+", phrase), phrase


def _fresh_handler(tmp_path):
    return build_lambda_handler(persistence=SQLiteAdapter(tmp_path / "cert.sqlite3"))


# FUNCTIONAL_TESTING ("Review and test example phrases"): each example phrase works and gives a valid response,
# in every locale the skill is offered in.
@pytest.mark.parametrize("locale", LOCALES)
def test_each_example_phrase_gets_a_real_answer(locale, tmp_path):
    resolver = Resolver.from_file(model_path(locale))
    handler = _fresh_handler(tmp_path)
    for phrase in MANIFEST["publishingInformation"]["locales"][locale]["examplePhrases"]:
        session = Session(locale=locale)
        resolution = resolver.resolve(phrase, in_session=False)
        # Every slot value in an example phrase is one the model knows (entity resolution matches it).
        assert all(slot.resolved_id for slot in resolution.slots.values()), (phrase, resolution)
        request = ({"type": "LaunchRequest"} if resolution.intent is None
                   else resolver.intent_request(resolution, session.skill_id))
        response = handler(session.envelope(request), None)
        assert response_problems(response) == [], (phrase, response)
        speech = plain(response["response"]["outputSpeech"]["ssml"])
        assert not re.search(r"didn't catch|can't do that|don't know", speech), (phrase, speech)


# --- One-shot invocations and launch -----------------------------------------------------------------------

ONE_SHOTS = {
    "ask back stretch coach for a quick routine": ("StartRoutineIntent", "Stretch 1 of 4"),  # example phrase 2
    "ask back stretch coach to start the hips routine": ("StartRoutineIntent", "hips routine"),
    "ask back stretch coach how do I do cat cow": ("HowToIntent", "cat cow"),
    "ask back stretch coach to list routines": ("ListRoutinesIntent", "routines"),
    "ask back stretch coach how am I doing": ("ProgressIntent", "routine"),
    "tell back stretch coach to delete my data": ("DeleteDataIntent", "Shall I delete it?"),
    "ask back stretch coach what can I say": ("AMAZON.HelpIntent", "?"),
}


# HOW_USERS_INVOKE ("Invoke a skill with a specific request"): "ask/tell <invocation name> <connecting word>
# <utterance>" starts the skill with that intent; FUNCTIONAL_TESTING: the one-shot phrasings work.
@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("phrase", ONE_SHOTS)
def test_one_shot_invocations_reach_the_intent_and_get_a_real_answer(phrase, locale, tmp_path):
    intent, expected = ONE_SHOTS[phrase]
    resolver = Resolver.from_file(model_path(locale))
    resolution = resolver.resolve(f"Alexa, {phrase}", in_session=False)
    assert resolution.kind == "launch" and resolution.intent == intent and resolution.matched
    session = Session(locale=locale)
    response = _fresh_handler(tmp_path)(session.envelope(resolver.intent_request(resolution, session.skill_id)),
                                        None)
    assert response_problems(response) == []
    speech = plain(response["response"]["outputSpeech"]["ssml"])
    assert expected.lower() in speech.lower() and "didn't catch" not in speech, speech


def _stored(tmp_path, state: CoachState | None):
    """A handler over a store that holds ``state`` for the session's person (None: a new person)."""
    store = SQLiteAdapter(tmp_path / "launch.sqlite3")
    session = Session()
    if state is not None:
        envelope = DefaultSerializer().deserialize(json.dumps(session.launch()), RequestEnvelope)
        store.save_attributes(envelope, {**state.record(), "rev": 1})
    return build_lambda_handler(persistence=store), session


def _launch_states():
    coach = Coach("en-US")
    mid = coach.next(coach.start(CoachState(safety_said=True), "quick").state).state
    done = mid
    while done.routine is not None:
        done = coach.next(done).state
    return {"new person": None, "returning": CoachState(safety_said=True), "mid-routine": mid, "finished": done}


# FUNCTIONAL_TESTING and TEST_AND_DEBUG (LaunchRequest): "Alexa, open <invocation name>" with no intent gives a
# welcome that says what to do and, since it needs an answer, asks a question and keeps the session open.
@pytest.mark.parametrize("who", list(_launch_states()))
def test_launch_without_an_intent_welcomes_and_waits_for_an_answer(who, tmp_path):
    assert Resolver.from_file(model_path("en-US")).resolve("Alexa, open back stretch coach").intent is None
    handler, session = _stored(tmp_path, _launch_states()[who])
    response = handler(session.launch(), None)
    assert response_problems(response) == []
    assert response["response"].get("shouldEndSession") is False
    assert plain(response["response"]["outputSpeech"]["ssml"]).endswith("?")
    assert plain(response["response"]["reprompt"]["outputSpeech"]["ssml"])


# --- Help, stop, cancel and fallback at every stage ----------------------------------------------------

@lru_cache(maxsize=None)
def at_every_stage(intent: str) -> tuple[tuple[CoachState, dict], ...]:
    """The skill's response to ``intent`` in every state of the every-response walk."""
    handler = build_lambda_handler(persistence=None)
    answers = []
    for state in all_states():
        session = Session()
        session.new = False
        session.attributes = {"coach": state.to_session()}
        answers.append((state, handler(session.intent(intent), None)))
    return tuple(answers)


def _speech(response: dict) -> str:
    return plain(((response.get("response") or {}).get("outputSpeech") or {}).get("ssml", ""))


# STANDARD_BUILT_INS and FUNCTIONAL_TESTING: the built-in phrasings reach these intents in every locale.
@pytest.mark.parametrize("locale", LOCALES)
def test_help_stop_and_cancel_phrasings_reach_the_built_in_intents(locale):
    resolver = Resolver.from_file(model_path(locale))
    for phrase, intent in (("help", "AMAZON.HelpIntent"), ("stop", "AMAZON.StopIntent"),
                           ("cancel", "AMAZON.CancelIntent"), ("what can I say", "AMAZON.HelpIntent")):
        assert resolver.resolve(phrase).intent == intent, phrase


# FUNCTIONAL_TESTING and CERTIFICATION_REQUIREMENTS (help): help says what the skill can do, ends with a
# question to the person, and keeps the session open for the answer, wherever they are in the skill.
def test_help_ends_with_a_question_and_keeps_the_session_open_at_every_stage():
    wrong = []
    for state, response in at_every_stage("AMAZON.HelpIntent"):
        body = response["response"]
        if (response_problems(response) or body.get("shouldEndSession") is not False
                or not _speech(response).endswith("?") or not body.get("reprompt")):
            wrong.append((state, _speech(response)))
    assert wrong == [], wrong[:3]


# FUNCTIONAL_TESTING and STANDARD_BUILT_INS (stop, cancel): "stop" and "cancel" exit the skill: the session
# ends, with no question and no reprompt. (Stopping inside a routine says where the person got to.)
@pytest.mark.parametrize("intent", ["AMAZON.StopIntent", "AMAZON.CancelIntent"])
def test_stop_and_cancel_end_the_session_without_a_prompt_at_every_stage(intent):
    wrong = []
    for state, response in at_every_stage(intent):
        body = response["response"]
        if (response_problems(response) or body.get("shouldEndSession") is not True or "reprompt" in body
                or "?" in _speech(response)):
            wrong.append((state, _speech(response)))
    assert wrong == [], wrong[:3]


# FUNCTIONAL_TESTING (unmatched utterances; AMAZON.FallbackIntent per STANDARD_BUILT_INS): something the skill
# didn't understand keeps the session open, says how to go on, and has a reprompt, wherever the person is.
def test_fallback_keeps_the_session_open_with_a_reprompt_at_every_stage():
    wrong = []
    for state, response in at_every_stage("AMAZON.FallbackIntent"):
        body = response["response"]
        reprompt = ((body.get("reprompt") or {}).get("outputSpeech") or {}).get("ssml", "")
        if response_problems(response) or body.get("shouldEndSession") is not False or not plain(reprompt):
            wrong.append((state, _speech(response)))
    assert wrong == [], wrong[:3]


# SESSIONS and FUNCTIONAL_TESTING (session management): a response that keeps the session open waits for the
# person and must carry a reprompt, played if they say nothing; one without speech would leave them guessing.
def test_every_response_that_keeps_the_session_open_has_a_reprompt():
    intents = ("AMAZON.HelpIntent", "AMAZON.FallbackIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent")
    open_responses = [response for intent in intents for _, response in at_every_stage(intent)
                      if response["response"].get("shouldEndSession") is not True]
    assert len(open_responses) > 1000
    for response in open_responses:
        reprompt = ((response["response"].get("reprompt") or {}).get("outputSpeech") or {}).get("ssml", "")
        assert plain(reprompt) and _speech(response), response


# --- Requests that get no speech ---------------------------------------------------------------------------

# TEST_AND_DEBUG (respond properly to SessionEndedRequest) and REQUEST_TYPES (SessionEndedRequest: the skill
# can't return a response to it): no speech, no reprompt, no directives, whatever the reason and the stage.
@pytest.mark.parametrize("reason", ["USER_INITIATED", "EXCEEDED_MAX_REPROMPTS", "ERROR"])
def test_session_ended_gets_no_speech(reason):
    handler = build_lambda_handler(persistence=None)
    for state in all_states()[::25]:
        session = Session()
        session.new = False
        session.attributes = {"coach": state.to_session()}
        envelope = session.session_ended(reason)
        if reason == "ERROR":
            envelope["request"]["error"] = {"type": "INVALID_RESPONSE", "message": "invalid"}
        response = handler(envelope, None)
        assert empty_response_problems(response) == [] and "outputSpeech" not in response["response"]


# REQUEST_TYPES (interfaces the skill implements send their own requests) and CERTIFICATION_REQUIREMENTS: the
# manifest declares only the screen interface (APL: touch events are answered like the voice), so AudioPlayer and
# PlaybackController requests are not a person talking to the skill and get no speech; if one of those interfaces
# is ever declared, skill.handlers.session must change with it.
def test_the_interfaces_the_manifest_declares_match_the_requests_answered_silently():
    declared = {interface["type"] for interface in MANIFEST["apis"]["custom"]["interfaces"]}
    assert not declared & {"AUDIO_PLAYER", "PLAYBACK_CONTROLLER"} and set(UNDECLARED_INTERFACES) == {
        "AudioPlayer.", "PlaybackController."}
    handler = build_lambda_handler(persistence=None)
    for kind in ("AudioPlayer.PlaybackStarted", "PlaybackController.NextCommandIssued", "AudioPlayer.Future"):
        response = handler(Session().envelope({"type": kind, "token": "t", "offsetInMilliseconds": 0}), None)
        assert empty_response_problems(response) == [], (kind, response)


# --- The manifest ------------------------------------------------------------------------------------------

# CERTIFICATION_REQUIREMENTS (submission checklist: publishing information, privacy and compliance) and
# FUNCTIONAL_TESTING (the skill card matches): every locale has the fields the store listing needs, and the
# locales are exactly those the skill has interaction models for.
def test_the_manifest_has_the_required_fields_for_exactly_the_model_locales():
    assert MANIFEST["manifestVersion"] == "1.0"
    info = MANIFEST["publishingInformation"]
    model_locales = {path.stem for path in MODELS}
    assert set(info["locales"]) == model_locales == set(LOCALES) == set(MANIFEST["privacyAndCompliance"]["locales"])
    assert info["category"] and info["distributionCountries"] and info["testingInstructions"]
    for locale, listing in info["locales"].items():
        for field in ("name", "summary", "description", "examplePhrases", "keywords", "smallIconUri", "largeIconUri"):
            assert listing.get(field), (locale, field)
        assert 2 <= len(listing["name"]) <= 50, listing["name"]
    assert MANIFEST["apis"]["custom"]["endpoint"]["uri"]


def _urls(value, path=""):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _urls(inner, f"{path}.{key}")
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _urls(inner, f"{path}[{index}]")
    elif isinstance(value, str) and re.search(r"(Url|Uri|uri)$", path):
        yield path, value


# CERTIFICATION_REQUIREMENTS (security requirements; privacy policy for a skill that keeps data): a package built
# for submission names its policy and terms in every locale, every web address in it is https, the endpoint is a
# Lambda ARN, and the listing passes the field and icon checks (skill_package.listing_problems).
def test_a_submission_build_has_https_urls_and_passes_the_listing_checks(tmp_path):
    target = skill_package.write_package(ARN, tmp_path / "pkg", privacy_url=PRIVACY, terms_url=TERMS,
                                         for_submission=True)
    document = json.loads((target / "skill.json").read_text())
    urls = dict(_urls(document["manifest"]))
    assert any(path.endswith("privacyPolicyUrl") for path in urls)
    for path, url in urls.items():
        if path.endswith(("smallIconUri", "largeIconUri")):
            assert url.startswith("file://"), (path, url)  # packaged with the skill, checked for size below
        elif path.endswith("endpoint.uri"):
            assert url == ARN
        else:
            assert url.startswith("https://"), (path, url)
    assert skill_package.listing_problems(document, target, for_submission=True) == []


# --- Issue 25: the certification dry run --------------------------------------------------------------------

PRIVACY_POLICY_REQUIREMENT = ("https://developer.amazon.com/en-US/docs/alexa/custom-skills/"
                              "security-testing-for-an-alexa-skill.html")
MANIFEST_SCHEMA = "https://developer.amazon.com/docs/smapi/skill-manifest.html"
PERSONALIZATION = "https://developer.amazon.com/en-US/docs/alexa/custom-skills/add-personalization-to-your-skill.html"
PERSON_ID_NOT_PII = ("https://developer.amazon.com/blogs/alexa/post/1ad16e9b-4f52-4e68-9187-ec2e93faae55/"
                     "recognize-voices-and-personalize-your-skills")
CONFIGURE_PERMISSIONS = ("https://developer.amazon.com/en-US/docs/alexa/custom-skills/"
                         "configure-permissions-for-customer-information-in-your-skill.html")
SKILL_EVENTS = "https://developer.amazon.com/docs/alexa/smapi/skill-events-in-alexa-skills.html"
CHILD_DIRECTED = ("https://developer.amazon.com/en-US/blogs/alexa/alexa-skills-kit/2021/09/"
                  "create-a-child-directed-skill")
REMINDERS_GUIDELINES = "https://developer.amazon.com/docs/smapi/alexa-reminders-guidelines-for-usage.html"
HEALTH_POLICY = "https://developer.amazon.com/en-US/docs/alexa/custom-skills/policy-testing-for-an-alexa-skill.html"
DOCS = ROOT / "docs"


def _page_text(name: str) -> str:
    from .test_skill_package import _prose

    return _prose(DOCS / f"{name}.md")


# --- 1. The policies: published by the stack, filled in by `skill-package --stack NAME` ------------------------

@pytest.fixture(scope="module")
def cloudformation(tmp_path_factory):
    """A real CloudFormation API on 127.0.0.1 (moto_server), which boto3 reaches through
    AWS_ENDPOINT_URL_CLOUDFORMATION, and a function that creates a stack with the given outputs and parameters."""
    import boto3

    from skill_dev.dynamodb_server import REGION, MotoServer, client_environment

    with pytest.MonkeyPatch.context() as patch:
        client_environment(patch)
        server = MotoServer(tmp_path_factory.mktemp("moto-cfn")).start()
        patch.setenv("AWS_ENDPOINT_URL_CLOUDFORMATION", server.endpoint_url)
        client = boto3.client("cloudformation", region_name=REGION)
        names = iter(range(1000))

        def stack(outputs: dict[str, str], parameters: dict[str, str]) -> str:
            name = f"back-stretch-coach-{next(names)}"
            body = {"Parameters": {key: {"Type": "String"} for key in parameters},
                    "Resources": {"Nothing": {"Type": "AWS::CloudFormation::WaitConditionHandle"}},
                    "Outputs": {key: {"Value": value} for key, value in outputs.items()}}
            client.create_stack(StackName=name, TemplateBody=json.dumps(body), Parameters=[
                {"ParameterKey": key, "ParameterValue": value} for key, value in parameters.items()])
            return name

        try:
            yield stack
        finally:
            server.stop()


STACK_OUTPUTS = {"SkillFunctionArn": ARN, "PrivacyPolicyUrl": PRIVACY, "TermsOfUseUrl": TERMS}
STACK_PARAMETERS = {"OperatorName": OPERATOR.operator_name, "OperatorContact": OPERATOR.operator_contact,
                    "OperatorAddress": ""}


# PRIVACY_POLICY_REQUIREMENT and CERTIFICATION_REQUIREMENTS: a skill that keeps data about people links a privacy
# policy (and the health category, terms) in every locale. `skill-package --stack NAME --for-submission` takes the
# URLs the stack published (template.yaml's PrivacyPolicyUrl and TermsOfUseUrl outputs) and the endpoint from it.
def test_a_submission_package_from_the_stack_has_the_published_urls_in_every_locale(cloudformation, tmp_path,
                                                                                    monkeypatch, capsys):
    monkeypatch.setattr(skill_package, "BUILT", tmp_path / "built")
    name = cloudformation(STACK_OUTPUTS, STACK_PARAMETERS)
    assert skill_package.main(["--stack", name, "--for-submission"]) == 0, capsys.readouterr().err
    built = json.loads((tmp_path / "built" / "skill.json").read_text())["manifest"]
    for locale in LOCALES:
        assert built["privacyAndCompliance"]["locales"][locale] == {"privacyPolicyUrl": PRIVACY, "termsOfUseUrl": TERMS}
    assert built["apis"]["custom"]["endpoint"]["uri"] == built["events"]["endpoint"]["uri"] == ARN
    assert [p["name"] for p in built["permissions"]] == list(skill_package.PERMISSIONS)
    assert built["publishingInformation"]["testingInstructions"] == skill_package.TESTING_INSTRUCTIONS
    assert "warning" not in capsys.readouterr().err


@pytest.mark.parametrize("what, outputs, parameters, refusal", [
    ("no policy outputs (a stack from before the policy pages)", {"SkillFunctionArn": ARN}, STACK_PARAMETERS,
     "privacyPolicyUrl: missing"),
    ("an example URL", {**STACK_OUTPUTS, "TermsOfUseUrl": "https://example.com/terms"}, STACK_PARAMETERS,
     "termsOfUseUrl: https://example.com/terms is a placeholder"),
    ("the operator left as a placeholder", STACK_OUTPUTS, {**STACK_PARAMETERS, "OperatorName": "[OPERATOR NAME]"},
     "stack parameter: OPERATOR_NAME looks like a placeholder"),
    ("no contact", STACK_OUTPUTS, {**STACK_PARAMETERS, "OperatorContact": ""}, "OPERATOR_CONTACT is not set"),
])
def test_a_submission_package_refuses_placeholders(cloudformation, tmp_path, monkeypatch, capsys, what, outputs,
                                                   parameters, refusal):
    monkeypatch.setattr(skill_package, "BUILT", tmp_path / "built")
    name = cloudformation(outputs, parameters)
    assert skill_package.main(["--stack", name, "--for-submission"]) == 2, what
    assert refusal in capsys.readouterr().err, what
    assert not (tmp_path / "built").exists()
    assert skill_package.main(["--stack", name]) == 0, "a development build still builds"


def test_a_submission_package_refuses_the_placeholder_endpoint(tmp_path):
    document = skill_package.manifest(skill_package.PLACEHOLDER_ARN, PRIVACY, TERMS)
    assert skill_package.listing_problems(document, skill_package.COMMITTED.parent, for_submission=True) == [
        "endpoint: the placeholder ARN (give --stack or --function-arn)"]


# --- 2. Recognised speakers ---------------------------------------------------------------------------------

# PERSONALIZATION ("Set up your skill to support personalization"): context.System.person is sent only to a skill
# whose manifest has the permission alexa::person_id:read. The skill keeps a record per recognised person
# (skill/persistence/keys.py) and greets them by name, so the manifest asks for it; CONFIGURE_PERMISSIONS: only
# permissions the skill uses.
def test_the_manifest_asks_for_the_person_id_that_per_person_records_need(tmp_path):
    names = [p["name"] for p in MANIFEST["permissions"]]
    assert names == ["alexa::alerts:reminders:skill:readwrite", "alexa::person_id:read"]
    handler = _fresh_handler(tmp_path)
    first = Session(person="amzn1.ask.person.TEST")
    handler(first.launch(), None)
    again = Session(user_id=first.user_id, person="amzn1.ask.person.TEST")
    response = handler(again.launch(), None)  # a returning recognised speaker is greeted by name
    assert 'personId="amzn1.ask.person.TEST"' in response["response"]["outputSpeech"]["ssml"]


# The policy describes per-person records, and how they come about (a voice ID with "Personalize skills" on),
# only because the manifest asks for the person id; without it the policy must not promise them.
def test_the_policy_promises_per_person_records_only_with_the_permission():
    policy = _page_text("privacy")
    promised = "a record of your own" in policy
    asked = "alexa::person_id:read" in [p["name"] for p in MANIFEST["permissions"]]
    assert promised == asked
    assert 'voice ID and turned on "Personalize skills"' in policy and "shares the account's record" in policy


# MANIFEST_SCHEMA: usesPersonalInfo is "true if the skill collects users' personal information". It asks for no
# name, email, phone number or address, has no account linking, and keeps anonymous ids only: the person id
# "does not contain any personally identifiable information" (PERSON_ID_NOT_PII). The reasoning is written down.
def test_uses_personal_info_is_false_for_the_reasons_written_in_the_docs():
    assert MANIFEST["privacyAndCompliance"]["usesPersonalInfo"] is False and "accountLinking" not in MANIFEST
    reading = {"alexa::profile:name:read", "alexa::profile:given_name:read", "alexa::profile:email:read",
               "alexa::profile:mobile_number:read", "alexa::devices:all:address:full:read",
               "alexa::devices:all:address:country_and_postal_code:read", "alexa::devices:all:geolocation:read"}
    assert not reading & {p["name"] for p in MANIFEST["permissions"]}
    reasons = (DOCS / "certification.md").read_text()
    assert "usesPersonalInfo" in reasons and "does not contain any personally identifiable information" in reasons
    assert "alexa::person_id:read" in reasons


# --- 3. Testing instructions ------------------------------------------------------------------------------

#: What the reviewer must be told (issue 25), and words the instructions use for each.
REVIEWER_NEEDS = {
    "when a reminder is offered": ("after the second finished routine",),
    "setting one by voice": ('"remind me every day at 8 am"', "permission"),
    f"holds are silences of up to {skill_package.MAX_HOLD_SECONDS} s": ("up to 60 seconds",),
    "a hands-free answer can run 6 minutes": ('"hands free"', "up to 6 minutes"),
    "touch buttons on Echo Show": ("Echo Show", "touch buttons"),
    "delete my data": ('"delete my data"',),
    "pause and come back": ('"pause"', '"resume"'),
    "skill events": ("SKILL_DISABLED",),
}


# CERTIFICATION_REQUIREMENTS and REMINDERS_GUIDELINES ("Provide instructions when you submit your skill for
# certification"): the reviewer is told how to reach each feature, including reminders; the console's field has a
# limit (TESTING_INSTRUCTIONS_MAX; see the module docstring).
def test_the_testing_instructions_tell_the_reviewer_what_they_need_within_the_limit():
    instructions = MANIFEST["publishingInformation"]["testingInstructions"]
    missing = [need for need, words in REVIEWER_NEEDS.items() if not all(w in instructions for w in words)]
    assert not missing, missing
    assert 0 < len(instructions) <= skill_package.TESTING_INSTRUCTIONS_MAX == 4000
    assert skill_package.MAX_HOLD_SECONDS == 60 and skill_package.PART_MAX_SECONDS == 6 * 60  # the numbers are true
    assert len(skill_package.listing_problems({"manifest": {**MANIFEST, "publishingInformation": {
        **MANIFEST["publishingInformation"], "testingInstructions": "x" * 4001}}}, skill_package.COMMITTED.parent)) == 1


@pytest.mark.parametrize("locale", LOCALES)
def test_every_utterance_in_the_testing_instructions_is_understood(locale):
    """Each feature in one or two utterances: every quoted phrase the reviewer says resolves to an intent."""
    resolver = Resolver.from_file(model_path(locale))
    quoted = set(re.findall(r'"([^"]+)"', MANIFEST["publishingInformation"]["testingInstructions"]))
    said_by_others = {"Personalize skills", "switch sides"}
    for phrase in quoted - said_by_others:
        launching = re.match(r"Alexa, (open|ask|tell) ", phrase) is not None
        # "Alexa, next" inside a session: the wake word interrupts, the skill hears "next".
        resolution = resolver.resolve(phrase if launching else phrase.removeprefix("Alexa, "), in_session=not launching)
        if launching:
            assert resolution.kind == "launch" and resolution.matched, (locale, phrase)
            if not phrase.startswith("Alexa, open"):
                assert resolution.intent not in (None, "AMAZON.FallbackIntent"), (locale, phrase)
            continue
        assert resolution.matched and resolution.intent not in (None, "AMAZON.FallbackIntent"), (locale, phrase)


# --- 4. Pause: no dead end ------------------------------------------------------------------------------------

COME_BACK = "alexa, open back stretch coach"


# SESSIONS and ../shared/alexa-platform-notes.md (Sessions): the microphone closes about 8 s after the reprompt,
# and "Alexa, resume" then goes to Alexa, not the skill. So the pause answer and its reprompt (the last thing said
# before the session closes) say how to come back, the screen says tap Resume, and the place is kept.
def test_pausing_says_how_to_come_back_and_the_place_is_kept_after_the_session_times_out(tmp_path):
    from .conftest import Conversation

    handler = _fresh_handler(tmp_path)
    session = Session(screen="HUB_LANDSCAPE_MEDIUM")
    convo = Conversation(handler, session)
    convo.launch()
    convo.say("StartRoutineIntent", routine="quick")
    moved = convo.say("AMAZON.NextIntent")
    place = convo.state
    paused = convo.say("AMAZON.PauseIntent")
    assert not convo.ended
    for said in (convo.speech, convo.reprompt):
        assert COME_BACK in said.lower() and "resume" in said.lower(), said
    assert "Tap Resume" in json.dumps(paused["response"]["directives"]), "the screen offers the Resume button"
    assert response_problems(moved) == [] and response_problems(paused) == []

    # Nobody answers: Alexa ends the session. It gets no speech, and the place stays stored.
    ended = handler(session.session_ended("EXCEEDED_MAX_REPROMPTS"), None)
    assert empty_response_problems(ended) == []
    later = Conversation(handler, Session(user_id=session.user_id))
    later.launch()  # "Alexa, open back stretch coach"
    assert later.speech.endswith(f"stretch {place['index'] + 1} of 4?") and "Carry on with" in later.speech, \
        later.speech
    later.say("AMAZON.YesIntent")
    assert later.state["stretch"] == place["stretch"] and later.state["index"] == place["index"]


# --- 5. Health: never invite disclosure ------------------------------------------------------------------------

# HEALTH_POLICY and ../shared/alexa-platform-notes.md (Health skills): a skill that is not HIPAA-eligible must not
# collect health information, so nothing it says may ask the person to tell it about a condition or symptom.
# tests/test_every_response.py runs this check on every response of the walk (every state crossed with every
# request); here, that the check refuses what it must and lets safety advice through.
@pytest.mark.parametrize("inviting", [
    # The first routine's note before issue 25, and HealthConditionIntent's answer before issue 22.
    "If you're pregnant, have osteoporosis, or had back or hip surgery recently, check with your doctor or "
    "physiotherapist first, and tell me, so I leave out what to avoid.",
    "If you're pregnant, have osteoporosis, or had back or hip surgery recently, tell me, and I'll leave out the "
    "stretches to avoid today.",
    "Do you have any injuries I should know about?",
    "Let me know if you have a back condition.",
    "How bad is the pain?",
    "On a scale of one to ten, how much does it hurt?",
    "Are you pregnant?",
])
def test_the_health_check_refuses_an_invitation_to_disclose(inviting):
    from .alexa_rules import health_invitations

    assert health_invitations(inviting), inviting


@pytest.mark.parametrize("safe", [
    "If you're pregnant, have osteoporosis or had recent surgery, check with your doctor first, and the gentle "
    "routine is the safest place to start.",
    "Stop any stretch that causes sharp pain.",
    "You can say next, skip, repeat, go back, make it easier, that hurts, or stop for today.",
    "Would you like an easier version, or shall we skip it?",
    "Carry on with the quick routine, stretch 2 of 4?",
])
def test_the_health_check_lets_safety_advice_and_ordinary_questions_through(safe):
    from .alexa_rules import health_invitations

    assert health_invitations(safe) == [], safe


@pytest.mark.parametrize("locale", LOCALES)
def test_the_first_routines_safety_note_invites_nothing(locale):
    from .alexa_rules import response_health_invitations

    handler = build_lambda_handler(persistence=None)
    response = handler(Session(locale=locale).launch(), None)  # a new person hears the notes before a routine
    started = handler(Session(locale=locale).intent("StartRoutineIntent", {"routine": "quick"}), None)
    assert response_health_invitations(response) == [] and response_health_invitations(started) == []
    assert "gentle routine is the safest place to start" in plain(started["response"]["outputSpeech"]["ssml"])


# --- 6. Data lifecycle -------------------------------------------------------------------------------------

# SKILL_EVENTS: a skill receives SkillDisabled only if its manifest's events object subscribes to it, at an
# endpoint with the Alexa trigger (the stack's alias, which the custom endpoint already uses). The deletion itself,
# on SQLite and DynamoDB: tests/test_data_lifecycle.py.
def test_the_manifest_subscribes_to_skill_disabled_at_the_skills_endpoint(tmp_path):
    assert MANIFEST["events"] == {"endpoint": {"uri": skill_package.PLACEHOLDER_ARN},
                                  "subscriptions": [{"eventName": "SKILL_DISABLED"}]}
    built = json.loads((skill_package.write_package(ARN, tmp_path / "pkg") / "skill.json").read_text())["manifest"]
    assert built["events"]["endpoint"]["uri"] == built["apis"]["custom"]["endpoint"]["uri"] == ARN
    store = SQLiteAdapter(tmp_path / "events.sqlite3")
    handler = build_lambda_handler(persistence=store)
    session = Session()
    handler(session.intent("StartRoutineIntent", {"routine": "quick"}), None)
    envelope = DefaultSerializer().deserialize(json.dumps(session.launch()), RequestEnvelope)
    assert store.get_attributes(envelope)
    assert handler(session.skill_disabled(), None)["response"] == {}
    assert store.get_attributes(envelope) == {}


# CERTIFICATION_REQUIREMENTS (privacy): the policy says what happens to the data, and it is what the code does:
# disabling deletes, idle records expire after 18 months in both stores.
def test_the_policy_states_deletion_on_disable_and_expiry_in_both_stores():
    from skill.persistence import IDLE_EXPIRY_DAYS

    policy = _page_text("privacy")
    assert "Disabling the skill in the Alexa app deletes every record of your Amazon account" in policy
    assert "the account's own and the record of each person Alexa recognised on it" in policy
    assert IDLE_EXPIRY_DAYS == 548 and "not saved for 18 months is deleted automatically" in policy
    assert "DynamoDB deletes such a record itself" in policy and "once a day after that" in policy


#: Amazon's children's ages per market (CHILD_DIRECTED): 13 in the US, Canada and India; 16 in the UK and Australia.
CHILDREN_UNDER = {"US": 13, "CA": 13, "IN": 13, "GB": 16, "AU": 16}
COUNTRY_NAMES = {"US": "United States", "CA": "Canada", "IN": "India", "GB": "United Kingdom", "AU": "Australia"}


def test_the_policy_names_the_childrens_age_of_every_market_the_skill_is_offered_in():
    offered = MANIFEST["publishingInformation"]["distributionCountries"]
    assert set(offered) <= set(CHILDREN_UNDER), "a new market: look up its age in Amazon's policy, then add it"
    policy = _page_text("privacy")
    section = policy.split("Children", 1)[1].split("Changes", 1)[0]
    ages = {}  # country -> the age of the "under N in ..." clause that names it
    for age, named in re.findall(r"under (\d+) in ((?:(?!under \d).)*)", section):
        ages.update({code: int(age) for code, name in COUNTRY_NAMES.items() if name in named})
    assert {country: ages.get(country) for country in offered} == {c: CHILDREN_UNDER[c] for c in offered}
    assert MANIFEST["privacyAndCompliance"]["isChildDirected"] is False


# --- 7. Smaller review comments ----------------------------------------------------------------------------

#: Words that wake an Echo (Alexa's wake words).
WAKE = re.compile(r"\b(alexa|amazon|echo|computer|ziggy)\b", re.IGNORECASE)


# REMINDERS_GUIDELINES ("Reminder label guidelines"): a reminder's text must not say the wake word, which could
# wake the devices around the one speaking it. In every locale, as the skill sets it.
@pytest.mark.parametrize("locale", LOCALES)
def test_the_reminder_text_never_says_a_wake_word(locale):
    from skill.engine.reply import SetReminder

    coach = Coach(locale)
    reply = coach.remind_daily(CoachState(safety_said=True, time_zone="Europe/London"), "08:00")
    texts = [e.text for e in reply.effects if isinstance(e, SetReminder)]
    assert texts and all(not WAKE.search(text) and "Back Stretch Coach" in text for text in texts), texts


# REMINDERS_GUIDELINES and FUNCTIONAL_TESTING (the description matches what the skill does): the skill asks for the
# reminders permission, so its description says what reminders do and how to stop them.
@pytest.mark.parametrize("locale", LOCALES)
def test_the_description_explains_the_reminders_it_asks_permission_for(locale):
    description = MANIFEST["publishingInformation"]["locales"][locale]["description"]
    assert skill_package.REMINDERS_SCOPE in [p["name"] for p in MANIFEST["permissions"]]
    for words in ('"remind me every day at 8 am"', "reminders permission", '"cancel my reminder"'):
        assert words in description, words


# FUNCTIONAL_TESTING (the skill does what it says): a routine's name or synonym that states a length must be true.
# "quick" lasts about seven minutes, so it is not "five minute" (issue 23 adds routines by time).
def test_no_routine_synonym_promises_a_length_the_routine_does_not_have():
    from skill.content import LIBRARY
    from skill.engine.plan import plan_for
    from skill.engine.state import Preferences
    from skill.localization import phrases_for

    numbers = {"five": 5, "5": 5, "ten": 10, "10": 10, "fifteen": 15, "15": 15, "twenty": 20, "20": 20}
    for routine in LIBRARY.routines.values():
        minutes = plan_for(LIBRARY, routine.id, Preferences()).seconds(phrases_for("en-US")) / 60
        for synonym in (routine.name, *routine.synonyms):
            stated = re.search(r"\b(five|5|ten|10|fifteen|15|twenty|20)[ -]minutes?\b", synonym)
            assert stated is None or abs(numbers[stated.group(1)] - minutes) < 1, (routine.id, synonym, minutes)
    assert "five minute" not in LIBRARY.routines["quick"].synonyms


# CERTIFICATION_REQUIREMENTS (screens match the voice): a rest countdown shows the seconds the voice says.
def test_a_rest_countdown_shows_the_seconds_the_voice_says():
    from skill import screens
    from skill.content import library_for
    from skill.engine.reply import ShowStretch
    from skill.localization import phrases_for

    p = phrases_for("en-US")
    rests = 0
    for routine in ("full", "hips", "mid_back", "gentle", "quick"):
        reply = Coach("en-US").hands_free(CoachState(safety_said=True), routine)
        shown = next(e for e in reply.effects if isinstance(e, ShowStretch))
        events = screens.screen_events(reply.speech, shown, p, library_for("en-US"))
        for before, event in zip(events, events[1:], strict=False):
            said = re.match(r"Rest\b.*?(\d+) seconds", before.text) if before.kind == "cue" else None
            if said and event.kind == "count":
                rests += 1
                assert event.seconds == int(said.group(1)), (routine, before.text, event.seconds)
    assert rests >= 3


# HOW_USERS_INVOKE ("Invoke a skill with a specific request"): a one-shot question gets its answer and the session
# ends; no "What would you like to do?" after it. Asked inside a session, the skill still offers what next.
@pytest.mark.parametrize("phrase", ["ask back stretch coach how am I doing",
                                    "ask back stretch coach how do I do cat cow"])
def test_a_one_shot_question_is_answered_and_the_session_ends(phrase, tmp_path):
    resolver = Resolver.from_file(model_path("en-US"))
    resolution = resolver.resolve(f"Alexa, {phrase}", in_session=False)
    handler = _fresh_handler(tmp_path)
    session = Session()
    response = handler(session.envelope(resolver.intent_request(resolution, session.skill_id)), None)
    speech = plain(response["response"]["outputSpeech"]["ssml"])
    assert response_problems(response) == [] and response["response"]["shouldEndSession"] is True, speech
    assert "reprompt" not in response["response"] and not speech.endswith("?"), speech
    session.new = False  # the same question inside a session: answered, then what next
    inside = handler(session.envelope(resolver.intent_request(resolution, session.skill_id)), None)
    assert inside["response"]["shouldEndSession"] is False and inside["response"]["reprompt"]
