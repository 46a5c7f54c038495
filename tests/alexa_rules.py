"""Alexa's response rules, checked independently of the skill's own SSML module.

Written from Amazon's SSML and response references (see
shared/alexa-platform-notes.md), not by calling ``skill.ssml``, so a bug in
the skill's validator can't hide a bad response.
"""

from __future__ import annotations

import json
import re
from xml.dom import minidom

SUPPORTED_TAGS = {
    "speak", "amazon:domain", "amazon:effect", "amazon:emotion", "audio", "break", "emphasis", "lang", "p",
    "phoneme", "prosody", "s", "say-as", "sub", "voice", "w",
    # A recognised speaker's name:
    # developer.amazon.com/docs/custom-skills/add-personalized-greetings-or-prompts.html
    "alexa:name",
}
MAX_SPEECH_CHARS = 8000
MAX_RESPONSE_BYTES = 24 * 1024
MAX_BREAK_SECONDS = 10.0
MAX_AUDIO_CLIPS = 5
#: Requests Alexa plays no answer to, which get an empty response: SessionEndedRequest (Amazon's request types
#: reference: the skill cannot return a response to it), System.ExceptionEncountered (likewise), and the requests
#: of interfaces the manifest does not declare (the skill declares none: AudioPlayer.*, PlaybackController.*).
EMPTY_RESPONSE_TYPES = ("SessionEndedRequest", "System.ExceptionEncountered")
EMPTY_RESPONSE_PREFIXES = ("AudioPlayer.", "PlaybackController.")


def ssml_problems(ssml: str) -> list[str]:
    problems = []
    if len(ssml) > MAX_SPEECH_CHARS:
        problems.append(f"{len(ssml)} characters > {MAX_SPEECH_CHARS}")
    namespaced = ssml.replace("<speak>", '<speak xmlns:amazon="urn:amazon" xmlns:alexa="urn:alexa">', 1)
    try:
        document = minidom.parseString(namespaced)
    except Exception as exc:  # noqa: BLE001 - any parse failure is the finding
        return problems + [f"not well-formed: {exc}"]
    root = document.documentElement
    if root.tagName != "speak":
        problems.append(f"root is <{root.tagName}>")
    for element in root.getElementsByTagName("*"):
        problems += _element_problems(element)
    return problems + _audio_problems(root.getElementsByTagName("audio"))


def _element_problems(element) -> list[str]:
    """A tag Alexa doesn't support, or a break without a known strength or a valid time of at most 10 s."""
    problems = []
    if element.tagName not in SUPPORTED_TAGS:
        problems.append(f"unsupported tag <{element.tagName}>")
    if element.tagName == "break" and not element.hasAttribute("time"):
        if element.getAttribute("strength") not in {"none", "x-weak", "weak", "medium", "strong", "x-strong"}:
            problems.append("break with neither a time nor a known strength")
    elif element.tagName == "break":
        problems += _break_time_problems(element.getAttribute("time"))
    return problems


def _break_time_problems(time: str) -> list[str]:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s)", time)
    if not match:
        return [f"break without a valid time: {time!r}"]
    seconds = float(match.group(1)) / (1000 if match.group(2) == "ms" else 1)
    return [f"break of {seconds} s"] if seconds > MAX_BREAK_SECONDS else []


def _audio_problems(clips) -> list[str]:
    """Too many clips, or clips from neither https nor Alexa's sound library."""
    problems = []
    if len(clips) > MAX_AUDIO_CLIPS:
        problems.append(f"{len(clips)} audio clips > {MAX_AUDIO_CLIPS}")
    for clip in clips:
        if not clip.getAttribute("src").startswith(("soundbank://", "https://")):
            problems.append(f"audio from {clip.getAttribute('src')!r}: Alexa plays only https or its sound library")
    return problems


def expects_empty_response(request_type: str | None) -> bool:
    """Whether a request of this type must get an empty response (no speech, reprompt or directives)."""
    return isinstance(request_type, str) and (request_type in EMPTY_RESPONSE_TYPES
                                              or request_type.startswith(EMPTY_RESPONSE_PREFIXES))


def empty_response_problems(envelope: dict) -> list[str]:
    """What makes a response not empty: speech, a reprompt, directives, a card, or a session kept open."""
    response = envelope.get("response") if isinstance(envelope, dict) else None
    if not isinstance(response, dict):
        return ["no response object"]
    problems = [f"has {key}" for key in ("outputSpeech", "reprompt", "directives", "card") if response.get(key)]
    if response.get("shouldEndSession") is False:
        problems.append("shouldEndSession is false")
    return problems


def response_problems(envelope: dict, request_type: str | None = None) -> list[str]:
    """Everything wrong with one response envelope (empty list: valid).

    With ``request_type``, a request Alexa plays no answer to (:func:`expects_empty_response`) must get an
    empty response; any other must speak.
    """
    problems = []
    size = len(json.dumps(envelope).encode("utf-8"))
    if size > MAX_RESPONSE_BYTES:
        problems.append(f"response is {size} bytes > {MAX_RESPONSE_BYTES}")
    if expects_empty_response(request_type):
        return problems + empty_response_problems(envelope)
    response = envelope.get("response") or {}
    speech = response.get("outputSpeech")
    ends = response.get("shouldEndSession")
    if speech is None:
        return problems + ["no outputSpeech"]
    if speech.get("type") != "SSML":
        problems.append(f"outputSpeech type {speech.get('type')}")
    problems += [f"speech: {p}" for p in ssml_problems(speech.get("ssml", ""))]
    directives = response.get("directives") or []
    asks_permission = any(d.get("type") == "Connections.SendRequest" for d in directives)
    if asks_permission:
        return problems + _permission_request_problems(response, directives)
    problems += _name_problems(speech.get("ssml", ""))
    if ends is not True:
        problems += _open_session_problems(response)
    return problems


def _permission_request_problems(response: dict, directives: list) -> list[str]:
    """Alexa speaks its own permission question next: per Amazon's "Set Up Voice Permissions for
    Reminders", the skill sends the directive with no reprompt and leaves shouldEndSession out."""
    problems = []
    for directive in directives:
        if directive.get("type") == "Connections.SendRequest":
            payload = directive.get("payload") or {}
            if directive.get("name") != "AskFor" or payload.get("@type") != "AskForPermissionsConsentRequest" \
                    or payload.get("permissionScope") != "alexa::alerts:reminders:skill:readwrite":
                problems.append(f"not a reminders permission request: {directive}")
    if response.get("shouldEndSession") is not None or response.get("reprompt"):
        problems.append("a permission request with shouldEndSession or a reprompt")
    return problems


def _name_problems(ssml: str) -> list[str]:
    """Each ``alexa:name`` must ask for the first name of an Alexa person id."""
    return [f"alexa:name without type first and a person id: {element}" for element in _names(ssml)
            if element.get("type") != "first"
            or not re.fullmatch(r"amzn1\.ask\.person\.[\w.-]+", element.get("personId", ""))]


def _open_session_problems(response: dict) -> list[str]:
    """A session left open needs a reprompt, itself valid SSML."""
    reprompt = (response.get("reprompt") or {}).get("outputSpeech")
    if not reprompt:
        return ["session stays open without a reprompt"]
    return [f"reprompt: {p}" for p in ssml_problems(reprompt.get("ssml", ""))]


def _names(ssml: str) -> list[dict]:
    return [dict(re.findall(r'(\w+)="([^"]*)"', tag)) for tag in re.findall(r"<alexa:name\b([^>]*)/?>", ssml)]


def assert_valid(envelope: dict, request_type: str | None = None) -> None:
    problems = response_problems(envelope, request_type)
    assert not problems, f"invalid Alexa response: {problems}\n{json.dumps(envelope)[:2000]}"


def plain(ssml: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", ssml).split())


# --- Health information: never invite it (Amazon's policy for skills that are not HIPAA-eligible) -----------

#: Words about a person's health: conditions, symptoms, pain.
_HEALTH = re.compile(r"\b(pregnan\w*|osteoporosis|surger\w*|operation|conditions?|injur\w*|symptoms?|pain\w*|hurts?|"
                     r"aches?|numb\w*|tingl\w*|weak\w*|diagnos\w*|medical history|medication|health)\b")
#: Asking to be told: "tell me", "let me know", "say if", "do you have", "how bad is it", a pain scale.
_TELL_ME = re.compile(r"\b(tell me|let me know|tell the skill|say if|say whether|say which|mention)\b")
_ASKING = re.compile(r"\b(do you have|are you|have you|have you had|does it|is it|is there|how (bad|much|long|often)|"
                     r"where does|which (condition|symptom)|any (pain|injur\w*|conditions?|symptoms?))\b")
_SCALE = re.compile(r"\b(scale of|out of ten|rate (your|the) pain)\b")


def health_invitations(text: str) -> list[str]:
    """Sentences of ``text`` (plain speech) that invite the person to tell the skill about a condition or symptom:
    a health word with "tell me"/"let me know" in the same sentence, a question about one, or a pain scale."""
    found = []
    for sentence in re.split(r"(?<=[.!?])\s+", text.lower()):
        if not _HEALTH.search(sentence):
            continue
        if _TELL_ME.search(sentence) or _SCALE.search(sentence) or (sentence.rstrip().endswith("?")
                                                                      and _ASKING.search(sentence)):
            found.append(sentence)
    return found


def response_health_invitations(envelope: dict) -> list[str]:
    """:func:`health_invitations` in a response's speech and reprompt."""
    response = envelope.get("response") or {}
    texts = [((response.get("outputSpeech") or {}).get("ssml") or ""),
             (((response.get("reprompt") or {}).get("outputSpeech") or {}).get("ssml") or "")]
    # Only speech with a health word in it is parsed (most of the walk's responses have none).
    return [sentence for ssml in texts if ssml and _HEALTH.search(ssml.lower())
            for sentence in health_invitations(plain(ssml))]
