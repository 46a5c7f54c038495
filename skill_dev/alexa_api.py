"""A stand-in for Amazon's Alexa web APIs (Settings and Reminders), for tests.

Amazon's APIs can't be reached from the test machine, so ``AlexaApiStandIn``
serves the same contract on 127.0.0.1: put ``server.endpoint`` where a request
envelope has ``context.System.apiEndpoint`` and a token you ``grant()`` where it
has ``context.System.apiAccessToken``.

What the contract is, and where it comes from
=============================================

Sources (the stored copies of Amazon's pages could be read only from the top of
each page: endpoints, authentication, permission scope, operation list, request
example; their "Error messages" tables were not reachable, so several details
below come from the ASK SDK's generated clients, which Amazon generates from
its own API models, installed here as ``ask_sdk_model`` 1.82.0):

[R1] Reminders REST API reference
     https://developer.amazon.com/docs/alexa/smapi/alexa-reminders-api-reference.html
     (older edition: https://developer.amazon.com/docs/smapi/alexa-reminders-api-reference.html,
     Japanese: https://developer.amazon.com/ja-JP/docs/smapi/alexa-reminders-api-reference.html)
[R2] Alexa Reminders overview
     https://developer.amazon.com/docs/smapi/alexa-reminders-overview.html
[R3] Alexa Smart Properties Reminders API (a different, v2 API)
     https://developer.amazon.com/docs/alexa/alexa-smart-properties/reminders-api.html
[S1] Device Settings REST API reference
     https://developer.amazon.com/en-US/docs/alexa/custom-skills/device-settings-api-reference.html
[S2] Alexa Settings API (Japanese edition)
     https://developer.amazon.com/ja-JP/docs/alexa/smapi/alexa-settings-api-reference.html
[S3] Amazon's launch post for the Settings API
     https://developer.amazon.com/blogs/alexa/post/c2ba44fa-4bd8-4b49-925d-29dbc0330b1e/personalize-your-alexa-skill-with-customer-specific-time-zone-and-measurements-using-the-alexa-settings-api
[SDK] ask_sdk_model.services.reminder_management.ReminderManagementServiceClient and
     ask_sdk_model.services.ups.UpsServiceClient (status codes and models).

Settings
--------
* ``GET /v2/devices/{deviceId}/settings/System.timeZone`` (also
  ``System.distanceUnits``, ``System.temperatureUnit``) with
  ``Authorization: Bearer {apiAccessToken}`` [S1]. The 200 body is a JSON
  string such as ``"America/Los_Angeles"`` [S1][SDK: response_type "str"].
* No permission scope is needed [S3; SDK docstring "Does not require explicit
  customer consent"]. Here any granted token may read any device.
* No value set -> "a response code letting you know that no value exists" [S3];
  that code is 204 "The query did not return any results." [SDK]; [S2] says the
  simulator answers 204 No Content for distance/temperature units. The stand-in
  answers 204 (empty body) for a device with no time zone in ``time_zones`` and
  for the other two settings.
* 401 "The authentication token is malformed or invalid.", 403, 429 [SDK]. Error
  bodies are ``{"code", "message"}`` where ``code`` must be one of the SDK's
  ``ups.ErrorCode`` values (INVALID_KEY, INVALID_VALUE, INVALID_TOKEN,
  INVALID_URI, DEVICE_UNREACHABLE, UNKNOWN_ERROR): the SDK raises
  SerializationException, not ServiceException, on any other code. The stand-in
  answers 401 ``INVALID_TOKEN`` for a missing/unknown token.

Reminders
---------
* ``POST /v1/alerts/reminders``, ``GET /v1/alerts/reminders``,
  ``GET|PUT|DELETE /v1/alerts/reminders/{alertToken}`` [R1][SDK].
* Scope ``alexa::alerts:reminders:skill:readwrite`` [R1]. A token without it:
  401, "UserAuthenticationException ... e.g. If customer does not have
  permission to create a reminder" [SDK, on every operation but create]. Chosen
  body: ``{"code": "ACCESS_DENIED", "message": "Access denied with reason:
  ACCESS_NOT_REQUESTED"}`` (the pair a third-party client, jovo-framework's
  ReminderApi.ts, matches on). Missing/unknown token: 401 ``INVALID_TOKEN``
  "The authentication token is not valid." (chosen). Create uses an in-session
  token only [R1]; not modelled.
* Request body [R1][SDK models]: ``requestTime``; ``trigger`` {``type``
  SCHEDULED_ABSOLUTE | SCHEDULED_RELATIVE, ``scheduledTime`` (ISO 8601 local
  time, no offset), ``offsetInSeconds`` (relative), ``timeZoneId``,
  ``recurrence`` {``startDateTime``, ``endDateTime``, ``recurrenceRules`` [...],
  or the deprecated ``freq`` DAILY|WEEKLY / ``byDay`` / ``interval``}};
  ``alertInfo.spokenInfo.content`` [{``locale``, ``text``, ``ssml``}];
  ``pushNotification.status`` ENABLED|DISABLED. [R1] says the new recurrence
  fields supersede ``freq``/``byDay``/``scheduledTime``, which are then ignored,
  and that ``timeZoneId`` should be set or the reminder may ring at the wrong
  time.
* Responses [SDK models]: create/update -> ``{alertToken, createdTime,
  updatedTime, status, version, href}``; get -> the reminder (``alertToken,
  createdTime, updatedTime, status, trigger, alertInfo, pushNotification,
  version``); list -> ``{totalCount (a string), alerts: [...], links}``; status
  is ON or COMPLETED. Create answers 201 here (the SDK's model lists 200; it
  accepts any 2xx); update 200; delete 200 with an empty body.
* Errors are ``{"code": ..., "message": ...}`` [SDK reminder_management.Error].
  Statuses [SDK]: create 400/403/429/500/503/504; update 400/404/409/429/500;
  get/list/delete 401/429/500. 404 ``ALERT_NOT_FOUND`` for an unknown token or a
  COMPLETED reminder on delete (third-party reports: qiita.com/Mount/items/
  8856c5ad6a2fbd8394d1, jovo-framework).
* Validation codes: ``INVALID_ALERT_INFO`` (named in the brief and seen in a
  third-party report) and ``INVALID_TRIGGER_SCHEDULED_TIME_FORMAT`` (third-party
  report: a ``Z``-suffixed scheduledTime is refused, qiita.com/Mount/items/
  4b3323a2190380c413f2) are as observed; the others (``INVALID_REQUEST``,
  ``INVALID_REQUEST_TIME``, ``INVALID_TRIGGER_TYPE``, ``INVALID_TRIGGER_OFFSET``,
  ``INVALID_TIME_ZONE_ID``, ``INVALID_RECURRENCE_RULE``,
  ``INVALID_PUSH_NOTIFICATION_STATUS``) are names chosen here, all 400.
* Limits: no per-skill-per-user maximum and no maximum text length could be
  found for this API. [R3] (the Smart Properties v2 API) allows 250 reminders
  per endpoint; the stand-in uses 250 per user (``max_reminders``), counting ON
  reminders, and answers 403 ``MAX_REMINDERS_EXCEEDED`` when full (status and
  code chosen: 403 is the create operation's only refusal status in [SDK]).
  ``max_text_length`` is off (None) unless a test sets it.
* Recurrence rules: a chosen RFC 5545 subset, bare (``FREQ=DAILY;BYHOUR=8;...``,
  no ``RRULE:`` prefix), with range checks; see ``validate_recurrence_rule``.

The ASK SDK, as installed (ask_sdk_core 1.19.0, ask_sdk_model 1.82.0)
-------------------------------------------------------------------
* The settings client is ``ask_sdk_model.services.ups.UpsServiceClient``
  (``get_system_time_zone``, ``get_system_distance_units``,
  ``get_system_temperature_unit``); there is no separate settings package.
* ``DefaultApiClient`` refuses non-HTTPS endpoints, so
  ``AlexaApiStandIn(tls=True)`` serves HTTPS with a throwaway CA whose PEM is at
  ``server.ca_file`` (point ``REQUESTS_CA_BUNDLE`` at it). It calls
  ``requests.<method>(url, headers=, data=)`` with no timeout: a slow API holds
  the skill until Lambda's own limit.
* ``reminder_management.AlertInfo`` names a module that doesn't exist
  (``alert_info_spoken_info``), so get-reminder and list-reminders answers that
  carry ``alertInfo`` raise SerializationException; aliasing that module name
  to ``reminder_management.spoken_info`` in ``sys.modules`` works around it.
"""

from __future__ import annotations

import ipaddress
import json
import re
import ssl
import tempfile
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

REMINDERS_SCOPE = "alexa::alerts:reminders:skill:readwrite"
DEFAULT_MAX_REMINDERS = 250
SETTINGS_PREFIX = "/v2/devices/"
REMINDERS_PATH = "/v1/alerts/reminders"
SETTING_NAMES = ("System.timeZone", "System.distanceUnits", "System.temperatureUnit")

# UPS (settings) error codes the SDK can deserialize.
UPS_ERROR_CODES = {"INVALID_KEY", "INVALID_VALUE", "INVALID_TOKEN", "INVALID_URI",
                   "DEVICE_UNREACHABLE", "UNKNOWN_ERROR"}


class RecordedRequest(NamedTuple):
    method: str
    path: str
    headers: dict[str, str]
    body: Any  # parsed JSON, the raw text if it wasn't JSON, or None


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message

    def body(self) -> dict:
        return {"code": self.code, "message": self.message}


def _bad(code: str, message: str) -> ApiError:
    return ApiError(400, code, message)


# --------------------------------------------------------------------------- validation

def _parse_local_datetime(value: Any, field_name: str) -> datetime:
    """ISO 8601 date-time without an offset, e.g. 2019-09-22T19:00:00.000."""
    if not isinstance(value, str) or "T" not in value:
        raise _bad("INVALID_TRIGGER_SCHEDULED_TIME_FORMAT", f"{field_name} must be an ISO 8601 date-time")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _bad("INVALID_TRIGGER_SCHEDULED_TIME_FORMAT", f"{field_name} is not ISO 8601: {value!r}") from None
    if parsed.tzinfo is not None:
        raise _bad("INVALID_TRIGGER_SCHEDULED_TIME_FORMAT",
                   f"{field_name} must not carry an offset (use timeZoneId): {value!r}")
    return parsed


_WEEKDAYS = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")
_FREQS = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY")
_INT_RANGES = {  # RFC 5545 section 3.3.10 ranges (BYSECOND without leap second)
    "BYSECOND": (0, 59), "BYMINUTE": (0, 59), "BYHOUR": (0, 23),
    "BYMONTHDAY": (-31, 31), "BYYEARDAY": (-366, 366), "BYWEEKNO": (-53, 53),
    "BYMONTH": (1, 12), "BYSETPOS": (-366, 366),
}
_BYDAY = re.compile(r"^([+-]?(?:[1-9]|[1-4][0-9]|5[0-3]))?(SU|MO|TU|WE|TH|FR|SA)$")


def validate_recurrence_rule(rule: Any) -> dict[str, str]:
    """Parse one bare RFC 5545 RRULE value; raise 400 INVALID_RECURRENCE_RULE if it doesn't parse."""
    def bad(why: str) -> ApiError:
        return _bad("INVALID_RECURRENCE_RULE", f"{why}: {rule!r}")

    if not isinstance(rule, str) or not rule.strip():
        raise bad("a recurrence rule must be a non-empty string")
    parts = _rule_parts(rule, bad)
    if parts.get("FREQ") not in _FREQS:
        raise bad("FREQ must be one of " + ", ".join(_FREQS))
    for key, value in parts.items():
        problem = None if key == "FREQ" else _rule_part_problem(key, value)
        if problem:
            raise bad(problem)
    if "UNTIL" in parts and "COUNT" in parts:
        raise bad("UNTIL and COUNT are exclusive")
    return parts


def _rule_parts(rule: str, bad: Callable[[str], ApiError]) -> dict[str, str]:
    """The rule's KEY=VALUE parts, each key once."""
    parts: dict[str, str] = {}
    for part in rule.split(";"):
        key, sep, value = part.partition("=")
        if not sep or not key or not value:
            raise bad(f"rule part {part!r} is not KEY=VALUE")
        if key in parts:
            raise bad(f"{key} appears twice")
        parts[key] = value
    return parts


def _rule_part_problem(key: str, value: str) -> str | None:
    """What is wrong with one RRULE part other than FREQ, or None if nothing is."""
    if key in ("INTERVAL", "COUNT"):
        if not value.isdigit() or int(value) < 1:
            return f"{key} must be a positive integer"
        return None
    if key in _INT_RANGES:
        return _int_list_problem(key, value)
    if key == "BYDAY":
        for item in value.split(","):
            if not _BYDAY.match(item):
                return f"BYDAY value {item!r} is not a weekday"
        return None
    if key == "WKST":
        return None if value in _WEEKDAYS else "WKST must be a weekday"
    if key == "UNTIL":
        return None if re.fullmatch(r"\d{8}(T\d{6}Z?)?", value) else "UNTIL must be a DATE or DATE-TIME"
    return f"unknown rule part {key}"


def _int_list_problem(key: str, value: str) -> str | None:
    """The first out-of-range number in a comma-separated BYxxx part (0 is out where negatives are in)."""
    low, high = _INT_RANGES[key]
    for item in value.split(","):
        if not re.fullmatch(r"[+-]?\d+", item) or not low <= int(item) <= high or \
                (low < 0 and int(item) == 0):
            return f"{key} value {item!r} is out of range {low}..{high}"
    return None


def _validate_recurrence(recurrence: Any) -> None:
    if not isinstance(recurrence, dict):
        raise _bad("INVALID_RECURRENCE_RULE", "trigger.recurrence must be an object")
    rules = recurrence.get("recurrenceRules")
    _validate_recurrence_window(recurrence)
    if rules is not None:
        if not isinstance(rules, list) or not rules:
            raise _bad("INVALID_RECURRENCE_RULE", "recurrenceRules must be a non-empty list")
        for rule in rules:
            validate_recurrence_rule(rule)
        return  # [R1]: the new fields supersede freq/byDay, which are then ignored
    _validate_freq_recurrence(recurrence)


def _validate_recurrence_window(recurrence: dict) -> None:
    """startDateTime and endDateTime, when given, are local date-times, the end after the start."""
    start = end = None
    if "startDateTime" in recurrence:
        start = _parse_local_datetime(recurrence["startDateTime"], "recurrence.startDateTime")
    if "endDateTime" in recurrence:
        end = _parse_local_datetime(recurrence["endDateTime"], "recurrence.endDateTime")
    if start and end and end <= start:
        raise _bad("INVALID_RECURRENCE_RULE", "recurrence.endDateTime must be after startDateTime")


def _validate_freq_recurrence(recurrence: dict) -> None:
    """The older form, without recurrenceRules: freq DAILY or WEEKLY, optional byDay weekdays and interval."""
    freq = recurrence.get("freq")
    if freq not in ("DAILY", "WEEKLY"):
        raise _bad("INVALID_RECURRENCE_RULE", "recurrence needs recurrenceRules or freq DAILY|WEEKLY")
    by_day = recurrence.get("byDay", [])
    if not isinstance(by_day, list) or any(day not in _WEEKDAYS for day in by_day):
        raise _bad("INVALID_RECURRENCE_RULE", f"byDay must list weekdays {_WEEKDAYS}")
    interval = recurrence.get("interval", 1)
    if not isinstance(interval, int) or isinstance(interval, bool) or interval < 1:
        raise _bad("INVALID_RECURRENCE_RULE", "interval must be a positive integer")


def _validate_trigger(trigger: Any) -> None:
    if not isinstance(trigger, dict):
        raise _bad("INVALID_TRIGGER_TYPE", "trigger must be an object")
    kind = trigger.get("type")
    if kind not in ("SCHEDULED_ABSOLUTE", "SCHEDULED_RELATIVE"):
        raise _bad("INVALID_TRIGGER_TYPE",
                   f"trigger.type must be SCHEDULED_ABSOLUTE or SCHEDULED_RELATIVE, not {kind!r}")
    if "timeZoneId" in trigger:
        _validate_time_zone(trigger["timeZoneId"])
    if kind == "SCHEDULED_RELATIVE":
        _validate_relative_trigger(trigger)
    else:
        _validate_absolute_trigger(trigger)


def _validate_time_zone(zone: Any) -> None:
    try:
        if not isinstance(zone, str) or not zone:
            raise ValueError(zone)
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise _bad("INVALID_TIME_ZONE_ID", f"trigger.timeZoneId is not an IANA time zone: {zone!r}") from None


def _validate_relative_trigger(trigger: dict) -> None:
    offset = trigger.get("offsetInSeconds")
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 1:
        raise _bad("INVALID_TRIGGER_OFFSET", "a relative trigger needs a positive integer offsetInSeconds")
    if "recurrence" in trigger:
        raise _bad("INVALID_RECURRENCE_RULE", "a relative trigger can't recur")


def _validate_absolute_trigger(trigger: dict) -> None:
    recurrence = trigger.get("recurrence")
    if recurrence is not None:
        _validate_recurrence(recurrence)
    if "scheduledTime" in trigger:
        _parse_local_datetime(trigger["scheduledTime"], "trigger.scheduledTime")
    elif recurrence is None:
        raise _bad("INVALID_TRIGGER_SCHEDULED_TIME_FORMAT", "an absolute trigger needs scheduledTime or recurrence")


_LOCALE = re.compile(r"^[a-z]{2}-[A-Z]{2}$")


def _validate_alert_info(alert_info: Any, max_text_length: int | None) -> None:
    def bad(why: str) -> ApiError:
        return _bad("INVALID_ALERT_INFO", why)

    spoken = alert_info.get("spokenInfo") if isinstance(alert_info, dict) else None
    content = spoken.get("content") if isinstance(spoken, dict) else None
    if not isinstance(content, list) or not content:
        raise bad("alertInfo.spokenInfo.content must be a non-empty list")
    seen = set()
    for item in content:
        if not isinstance(item, dict):
            raise bad("each spoken content entry must be an object")
        locale, text, ssml = item.get("locale"), item.get("text"), item.get("ssml")
        if not isinstance(locale, str) or not _LOCALE.match(locale):
            raise bad(f"spoken content locale must look like en-US, not {locale!r}")
        if locale in seen:
            raise bad(f"locale {locale} appears twice")
        seen.add(locale)
        if not isinstance(text, str) or not text.strip():
            raise bad(f"spoken content for {locale} needs a non-empty text")
        if max_text_length is not None and len(text) > max_text_length:
            raise bad(f"spoken text for {locale} is longer than {max_text_length} characters")
        if ssml is not None and not isinstance(ssml, str):
            raise bad("ssml must be a string")


def validate_reminder_request(body: Any, max_text_length: int | None = None) -> None:
    """Raise ApiError(400, ...) unless ``body`` is a valid create/update reminder request."""
    if not isinstance(body, dict):
        raise _bad("INVALID_REQUEST", "the body must be a JSON object")
    request_time = body.get("requestTime")
    try:
        if not isinstance(request_time, str):
            raise ValueError
        datetime.fromisoformat(request_time)
    except ValueError:
        raise _bad("INVALID_REQUEST_TIME", f"requestTime must be an ISO 8601 date-time, not {request_time!r}") from None
    _validate_trigger(body.get("trigger"))
    _validate_alert_info(body.get("alertInfo"), max_text_length)
    push = body.get("pushNotification")
    if push is not None and (not isinstance(push, dict) or push.get("status") not in ("ENABLED", "DISABLED")):
        raise _bad("INVALID_PUSH_NOTIFICATION_STATUS", "pushNotification.status must be ENABLED or DISABLED")


# --------------------------------------------------------------------------- TLS

def _make_tls_files(directory: Path) -> tuple[Path, Path, Path]:
    """A throwaway CA and a leaf for 127.0.0.1/localhost; returns (ca, cert, key) paths."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.now(timezone.utc)
    ca_key, leaf_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Alexa API stand-in test CA")])
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - timedelta(hours=1)).not_valid_after(now + timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                       crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
          .add_extension(ca_ski, critical=False)
          .sign(ca_key, hashes.SHA256()))
    leaf = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca_name).public_key(leaf_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(hours=1)).not_valid_after(now + timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                        x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(leaf_key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
            .sign(ca_key, hashes.SHA256()))
    ca_file, cert_file, key_file = directory / "ca.pem", directory / "cert.pem", directory / "key.pem"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(leaf_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                serialization.NoEncryption()))
    return ca_file, cert_file, key_file


# --------------------------------------------------------------------------- the server

@dataclass
class _Grant:
    user_id: str
    permissions: frozenset[str]


@dataclass
class _Rule:
    prefix: str
    times: int
    status: int = 0
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


def _utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; without TCP_NODELAY, Nagle's algorithm meets the client's
    # delayed ACK and every answer waits about 40 ms, which a real API doesn't (measured in bench/).
    disable_nagle_algorithm = True
    server_version = "AlexaApiStandIn/1"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        standin: AlexaApiStandIn = self.server.standin  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        try:
            body: Any = json.loads(raw) if raw else None
        except json.JSONDecodeError:
            body = raw
        status, payload, headers = standin._handle(self.command, self.path, dict(self.headers.items()), body)
        data = b"" if payload is None else (payload if isinstance(payload, bytes) else json.dumps(payload).encode())
        try:
            self.send_response(status)
            if data:
                self.send_header("Content-Type", "application/json")
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            self.close_connection = True  # the client gave up (e.g. its timeout fired)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # dropped connections and TLS handshakes the client aborted are expected in tests


class AlexaApiStandIn:
    """Alexa Settings + Reminders APIs on 127.0.0.1 (see the module docstring for the contract).

    ``with AlexaApiStandIn() as server:`` or ``server.start()`` / ``server.stop()``.
    """

    def __init__(self, *, tls: bool = False, max_reminders: int = DEFAULT_MAX_REMINDERS,
                 max_text_length: int | None = None):
        self.tls = tls
        self.max_reminders = max_reminders
        self.max_text_length = max_text_length
        self.time_zones: dict[str, str] = {}
        self.requests: list[RecordedRequest] = []
        self.ca_file: str | None = None
        self._grants: dict[str, _Grant] = {}
        self._reminders: dict[str, dict[str, dict]] = {}  # user id -> alert token -> reminder
        self._failures: list[_Rule] = []
        self._delays: list[_Rule] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._tmp: tempfile.TemporaryDirectory | None = None

    # -- lifecycle
    @property
    def endpoint(self) -> str:
        if self._server is None:
            raise RuntimeError("the stand-in is not running")
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> "AlexaApiStandIn":
        if self._server is not None:
            return self
        self._stopping.clear()
        server = _Server(("127.0.0.1", 0), _Handler)
        server.standin = self  # type: ignore[attr-defined]
        if self.tls:
            self._tmp = tempfile.TemporaryDirectory(prefix="alexa-api-standin-")
            ca_file, cert_file, key_file = _make_tls_files(Path(self._tmp.name))
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert_file, key_file)
            # Handshake in the handler thread, so a stuck client can't block accept().
            server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
            self.ca_file = str(ca_file)
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="alexa-api-standin", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._stopping.set()  # wakes requests sleeping in delay_next
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp, self.ca_file = None, None

    def __enter__(self) -> "AlexaApiStandIn":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- test controls
    def grant(self, token: str, permissions: set[str] | frozenset[str] | None = None, *,
              user_id: str | None = None) -> str:
        """Accept ``token``; ``permissions`` defaults to the reminders scope. Tokens with the
        same ``user_id`` (default: the token itself) share that user's reminders."""
        scopes = frozenset({REMINDERS_SCOPE} if permissions is None else permissions)
        with self._lock:
            self._grants[token] = _Grant(user_id or token, scopes)
        return token

    def revoke(self, token: str) -> None:
        with self._lock:
            self._grants.pop(token, None)

    def fail_next(self, path_prefix: str, status: int, body: Any = None, *, times: int = 1,
                  headers: dict[str, str] | None = None) -> None:
        """The next ``times`` requests whose path starts with ``path_prefix`` get ``status``.

        ``body`` None gives ``{"code", "message"}`` (a code the SDK can deserialize for that API);
        a dict/list/str is sent as JSON; bytes are sent as they are.
        """
        with self._lock:
            self._failures.append(_Rule(path_prefix, times, status=status, body=body, headers=dict(headers or {})))

    def delay_next(self, path_prefix: str, seconds: float, *, times: int = 1) -> None:
        """Hold the next ``times`` matching requests for ``seconds`` before answering (stop() cuts it short)."""
        with self._lock:
            self._delays.append(_Rule(path_prefix, times, seconds=seconds))

    def reminders(self, user_id: str) -> list[dict]:
        """The user's stored reminders (copies), oldest first. ``user_id`` is the token unless granted otherwise."""
        with self._lock:
            return [json.loads(json.dumps(r)) for r in self._reminders.get(user_id, {}).values()]

    def set_status(self, user_id: str, alert_token: str, status: str) -> None:
        """Mark a reminder ON or COMPLETED (as if it had rung)."""
        with self._lock:
            self._reminders[user_id][alert_token]["status"] = status

    def requests_to(self, path_prefix: str, method: str | None = None) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path.startswith(path_prefix) and method in (None, r.method)]

    # -- request handling (runs on the server's handler threads)
    @staticmethod
    def _take(rules: list[_Rule], path: str) -> _Rule | None:
        for rule in rules:
            if path.startswith(rule.prefix):
                rule.times -= 1
                if rule.times <= 0:
                    rules.remove(rule)
                return rule
        return None

    def _handle(self, method: str, raw_path: str, headers: dict[str, str], body: Any):
        path = raw_path.split("?", 1)[0]
        with self._lock:
            self.requests.append(RecordedRequest(method, path, headers, body))
            delay = self._take(self._delays, path)
        if delay is not None:
            self._stopping.wait(delay.seconds)
        with self._lock:
            failure = self._take(self._failures, path)
        if failure is not None:
            return self._fault(path, failure)
        try:
            with self._lock:
                if path.startswith(SETTINGS_PREFIX):
                    return self._settings(method, path, headers)
                if path == REMINDERS_PATH or path.startswith(REMINDERS_PATH + "/"):
                    return self._reminders_api(method, path, headers, body)
                raise ApiError(404, "NOT_FOUND", f"no such resource: {path}")
        except ApiError as error:
            return error.status, error.body(), {}

    @staticmethod
    def _fault(path: str, rule: _Rule):
        if rule.body is not None:
            return rule.status, rule.body, rule.headers
        try:
            phrase, name = HTTPStatus(rule.status).phrase, HTTPStatus(rule.status).name
        except ValueError:
            phrase, name = "Error", "ERROR"
        if path.startswith(SETTINGS_PREFIX):
            name = "INVALID_TOKEN" if rule.status == 401 else "UNKNOWN_ERROR"
        return rule.status, {"code": name, "message": phrase}, rule.headers

    def _grant_for(self, headers: dict[str, str], settings: bool) -> _Grant:
        auth = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        scheme, _, token = auth.partition(" ")
        grant = self._grants.get(token.strip()) if scheme.lower() == "bearer" else None
        if grant is None:
            if settings:
                raise ApiError(401, "INVALID_TOKEN", "The authentication token is malformed or invalid.")
            raise ApiError(401, "INVALID_TOKEN", "The authentication token is not valid.")
        return grant

    def _settings(self, method: str, path: str, headers: dict[str, str]):
        parts = path[len(SETTINGS_PREFIX):].split("/")
        if len(parts) != 3 or parts[1] != "settings" or parts[2] not in SETTING_NAMES or not parts[0]:
            raise ApiError(404, "INVALID_URI", f"no such setting: {path}")
        if method != "GET":
            raise ApiError(405, "INVALID_URI", f"{method} is not allowed on {path}")
        self._grant_for(headers, settings=True)
        device_id, name = parts[0], parts[2]
        if name == "System.timeZone" and device_id in self.time_zones:
            return 200, self.time_zones[device_id], {}
        return 204, None, {}

    def _reminders_api(self, method: str, path: str, headers: dict[str, str], body: Any):
        rest = path[len(REMINDERS_PATH):].strip("/")
        if "/" in rest:
            raise ApiError(404, "NOT_FOUND", f"no such resource: {path}")
        allowed = ("GET", "POST") if not rest else ("GET", "PUT", "DELETE")
        if method not in allowed:
            raise ApiError(405, "METHOD_NOT_ALLOWED", f"{method} is not allowed on {path}")
        grant = self._grant_for(headers, settings=False)
        if REMINDERS_SCOPE not in grant.permissions:
            raise ApiError(401, "ACCESS_DENIED", "Access denied with reason: ACCESS_NOT_REQUESTED")
        store = self._reminders.setdefault(grant.user_id, {})
        if not rest:
            if method == "GET":
                alerts = list(store.values())
                return 200, {"totalCount": str(len(alerts)), "alerts": alerts}, {}
            return self._create(store, body)
        reminder = store.get(rest)
        if reminder is None or (method == "DELETE" and reminder["status"] != "ON"):
            raise ApiError(404, "ALERT_NOT_FOUND", f"no reminder {rest}")
        if method == "GET":
            return 200, reminder, {}
        if method == "DELETE":
            del store[rest]
            return 200, None, {}
        validate_reminder_request(body, self.max_text_length)
        reminder.update(self._contents(body), updatedTime=_utc_now(), version=str(int(reminder["version"]) + 1))
        return 200, self._summary(reminder), {}

    def _create(self, store: dict[str, dict], body: Any):
        validate_reminder_request(body, self.max_text_length)
        active = sum(1 for r in store.values() if r["status"] == "ON")
        if active >= self.max_reminders:
            raise ApiError(403, "MAX_REMINDERS_EXCEEDED",
                           f"this skill already has {active} reminders for this customer (limit {self.max_reminders})")
        alert_token = str(uuid.uuid4())
        now = _utc_now()
        reminder = {"alertToken": alert_token, "createdTime": now, "updatedTime": now, "status": "ON",
                    **self._contents(body), "version": "1"}
        store[alert_token] = reminder
        return 201, self._summary(reminder), {}

    @staticmethod
    def _contents(body: dict) -> dict:
        return {"trigger": body["trigger"], "alertInfo": body["alertInfo"],
                "pushNotification": body.get("pushNotification") or {"status": "ENABLED"}}

    @staticmethod
    def _summary(reminder: dict) -> dict:
        keys = ("alertToken", "createdTime", "updatedTime", "status", "version")
        return {**{k: reminder[k] for k in keys}, "href": f"{REMINDERS_PATH}/{reminder['alertToken']}"}
