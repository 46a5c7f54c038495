"""Complete Alexa request envelopes, as a device would send them.

Used by the tests, the benchmark and the chat simulator. A :class:`Session`
carries the session id, the user and the session attributes from one
response to the next request, like Alexa does.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Mapping

DEFAULT_SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"

#: Screens as devices describe them in ``context.Viewport``, one per device the skill lays out for, keyed by
#: the viewport profile it is (pixels, dpi, shape and mode from request captures; see
#: ``../shared/tools/apl-engine/README.md``).
VIEWPORTS: dict[str, dict] = {
    "HUB_ROUND_SMALL": {"shape": "ROUND", "pixelWidth": 480, "pixelHeight": 480, "dpi": 160, "mode": "HUB"},
    "HUB_LANDSCAPE_SMALL": {"shape": "RECTANGLE", "pixelWidth": 960, "pixelHeight": 480, "dpi": 160, "mode": "HUB"},
    "HUB_LANDSCAPE_MEDIUM": {"shape": "RECTANGLE", "pixelWidth": 1280, "pixelHeight": 800, "dpi": 213,
                             "mode": "HUB"},
    "HUB_LANDSCAPE_LARGE": {"shape": "RECTANGLE", "pixelWidth": 1280, "pixelHeight": 800, "dpi": 160, "mode": "HUB"},
    "HUB_LANDSCAPE_XLARGE": {"shape": "RECTANGLE", "pixelWidth": 1920, "pixelHeight": 1080, "dpi": 160,
                             "mode": "HUB"},
    "TV_LANDSCAPE_XLARGE": {"shape": "RECTANGLE", "pixelWidth": 1920, "pixelHeight": 1080, "dpi": 320, "mode": "TV"},
}
#: The device each of them is.
DEVICES = {"HUB_ROUND_SMALL": "Echo Spot", "HUB_LANDSCAPE_SMALL": "Echo Show 5", "HUB_LANDSCAPE_MEDIUM": "Echo Show 8",
           "HUB_LANDSCAPE_LARGE": "Echo Show 10", "HUB_LANDSCAPE_XLARGE": "Echo Show 15",
           "TV_LANDSCAPE_XLARGE": "Fire TV"}
#: The APL runtime a screen device reports (``runtime.maxVersion``); a Session may set its own.
APL_RUNTIME = "2024.2"


def timestamp(moment: datetime | None = None) -> str:
    moment = moment or datetime.now(timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def slots_for(values: Mapping[str, Any] | None) -> dict:
    """Slots as Alexa sends them; a value may be a plain string or a full slot dict."""
    slots = {}
    for name, value in (values or {}).items():
        if isinstance(value, Mapping):
            slots[name] = {"name": name, "confirmationStatus": "NONE", **value}
        elif value is None:
            slots[name] = {"name": name, "confirmationStatus": "NONE"}
        else:
            slots[name] = {"name": name, "value": value, "confirmationStatus": "NONE"}
    return slots


def resolved_slot(value: str, slot_type: str, canonical: str | None, slot_id: str | None,
                  skill_id: str = DEFAULT_SKILL_ID) -> dict:
    """A slot with entity resolution, matched or not, like Alexa's."""
    authority = f"amzn1.er-authority.echo-sdk.{skill_id}.{slot_type}"
    if canonical is None:
        resolution = {"authority": authority, "status": {"code": "ER_SUCCESS_NO_MATCH"}}
    else:
        resolution = {"authority": authority, "status": {"code": "ER_SUCCESS_MATCH"},
                      "values": [{"value": {"name": canonical, "id": slot_id}}]}
    return {"value": value, "resolutions": {"resolutionsPerAuthority": [resolution]}}


@dataclass
class Session:
    """One Alexa session for one user on one device."""

    user_id: str = field(default_factory=lambda: f"amzn1.ask.account.{uuid.uuid4().hex}")
    device_id: str = field(default_factory=lambda: f"amzn1.ask.device.{uuid.uuid4().hex}")
    skill_id: str = DEFAULT_SKILL_ID
    locale: str = "en-US"
    session_id: str = field(default_factory=lambda: f"amzn1.echo-api.session.{uuid.uuid4()}")
    attributes: dict = field(default_factory=dict)
    new: bool = True
    clock: datetime | None = None
    #: A viewport profile from :data:`VIEWPORTS` for a device with a screen; None for a speaker.
    screen: str | None = None
    #: Where Alexa's web APIs are, and the token for them (real requests always carry one; None: no token).
    api_endpoint: str = "https://api.amazonalexa.com"
    api_token: str | None = None
    #: A recognised speaker's person id (voice profiles), or None.
    person: str | None = None
    #: The APL runtime's ``maxVersion`` a screen device reports (None: it reports none).
    apl_runtime: str | None = APL_RUNTIME

    def envelope(self, request: dict) -> dict:
        now = self.clock or datetime.now(timezone.utc)
        request = {"requestId": f"amzn1.echo-api.request.{uuid.uuid4()}", "timestamp": timestamp(now),
                   "locale": self.locale, **request}
        application = {"applicationId": self.skill_id}
        user = {"userId": self.user_id}
        return {
            "version": "1.0",
            "session": {"new": self.new, "sessionId": self.session_id, "application": application,
                        "attributes": dict(self.attributes), "user": user},
            "context": self._context(application, user),
            "request": request,
        }

    def _context(self, application: dict, user: dict) -> dict:
        interfaces: dict = {}
        system: dict = {"application": application, "user": user,
                        "device": {"deviceId": self.device_id, "supportedInterfaces": interfaces},
                        "apiEndpoint": self.api_endpoint}
        if self.api_token is not None:
            system["apiAccessToken"] = self.api_token
        if self.person is not None:
            system["person"] = {"personId": self.person}
        context: dict = {"System": system}
        if self.screen is not None:
            interfaces["Alexa.Presentation.APL"] = {"runtime": {"maxVersion": self.apl_runtime}} \
                if self.apl_runtime is not None else {}
            viewport = VIEWPORTS[self.screen]
            context["Viewport"] = {
                **viewport, "currentPixelWidth": viewport["pixelWidth"], "currentPixelHeight": viewport["pixelHeight"],
                "touch": [] if viewport["mode"] == "TV" else ["SINGLE"],
                "keyboard": ["DIRECTION"] if viewport["mode"] == "TV" else [],
                "experiences": [{"canRotate": False, "canResize": False}]}
            context["Viewports"] = [{"type": "APL", "id": "main", "shape": viewport["shape"], "dpi": viewport["dpi"],
                                     "presentationType": "STANDARD", "canRotate": False}]
        return context

    def skill_disabled(self, persistence: str = "NOT_PERSISTED") -> dict:
        """The skill event Alexa sends when this person disables the skill (Amazon's "Use Skill Events"):
        no session and no device, the account's user id in ``context.System.user``."""
        now = timestamp(self.clock or datetime.now(timezone.utc))
        application, user = {"applicationId": self.skill_id}, {"userId": self.user_id}
        return {"version": "1.0",
                "context": {"System": {"application": application, "user": user, "apiEndpoint": self.api_endpoint}},
                "request": {"type": "AlexaSkillEvent.SkillDisabled",
                            "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}", "timestamp": now,
                            "locale": self.locale, "eventCreationTime": now, "eventPublishingTime": now,
                            "body": {"userInformationPersistenceStatus": persistence}}}

    def permission_answer(self, status: str, token: str | None) -> dict:
        """Alexa's answer after asking the person for the reminders permission (Connections.Response)."""
        return self.envelope({"type": "Connections.Response", "name": "AskFor", "token": token,
                              "status": {"code": "200", "message": "OK"},
                              "payload": {"permissionScope": "alexa::alerts:reminders:skill:readwrite",
                                          "status": status}})

    def user_event(self, *arguments: Any, token: str | None = "back-stretch-coach") -> dict:
        """A touch on the screen: an APL SendEvent's arguments, from the document with ``token``."""
        return self.envelope({"type": "Alexa.Presentation.APL.UserEvent", "token": token,
                              "arguments": list(arguments), "source": {"type": "TouchWrapper", "handler": "Press"}})

    def launch(self) -> dict:
        return self.envelope({"type": "LaunchRequest"})

    def intent(self, name: str, slots: Mapping[str, Any] | None = None) -> dict:
        return self.envelope({"type": "IntentRequest", "dialogState": "COMPLETED",
                              "intent": {"name": name, "confirmationStatus": "NONE", "slots": slots_for(slots)}})

    def session_ended(self, reason: str = "EXCEEDED_MAX_REPROMPTS") -> dict:
        return self.envelope({"type": "SessionEndedRequest", "reason": reason})

    def absorb(self, response: Mapping) -> None:
        """Carry the response's session attributes into the next request."""
        self.new = False
        attributes = response.get("sessionAttributes") if isinstance(response, Mapping) else None
        self.attributes = dict(attributes or {})
        if (response.get("response") or {}).get("shouldEndSession"):
            self.end()

    def end(self) -> None:
        """The session is over: the next request starts a new one."""
        self.session_id = f"amzn1.echo-api.session.{uuid.uuid4()}"
        self.attributes = {}
        self.new = True

    def advance(self, seconds: float) -> None:
        self.clock = (self.clock or datetime.now(timezone.utc)) + timedelta(seconds=seconds)
