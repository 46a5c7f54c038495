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

Not checkable offline (left to the certification team, the developer console or a device):

* that the invocation name does not infringe anyone's intellectual property, is not only a person's or
  place's name, is easy to say and is recognised reliably by Alexa's speech recognition, and is not
  phonetically close to offensive or common words;
* that Alexa's own NLU (statistical, not our rule-based resolver) maps the example phrases and the
  sample utterances to the intended intents, and how it treats words around them;
* the console's automatic validation of example phrases, and the Alexa app's skill card and its cards;
* response time on Amazon's side (Alexa waits about 8 s) and the HTTPS endpoint's certificate as seen
  from Amazon (request verification itself is tests/test_verification.py's);
* that the privacy policy and terms URLs are published and reachable, and the policy reviews
  (health information, content, children, advertising) made by people;
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
from .test_skill_package import ARN, PRIVACY, TERMS

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
