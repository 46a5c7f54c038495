"""Amazon's Alexa web APIs the skill calls, through the ASK SDK's own service clients.

* The device's time zone: the Settings API, ``UpsServiceClient.get_system_time_zone``.
* Daily reminders: the Reminders API, ``ReminderManagementServiceClient``.

Every call is bounded by :data:`API_TIMEOUT_SECONDS` and never raises: a failure is an outcome the
coach has words for. This module belongs to the handler layer; the engine only sees the outcomes
(:class:`skill.engine.reply.ReminderOutcome`) and plain values (a zone name, times of day).
"""

from __future__ import annotations

import functools
import importlib
import logging
import sys
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ask_sdk_model.services import ApiClient

from .engine.reply import ReminderOutcome

log = logging.getLogger(__name__)

#: How long a turn may wait for an Alexa API. Alexa allows a skill about 8 s for the whole answer;
#: a time-zone read that takes longer than this is given up (UTC for now, retried another day).
API_TIMEOUT_SECONDS = 1.0
REMINDERS_SCOPE = "alexa::alerts:reminders:skill:readwrite"


class TimeoutApiClient(ApiClient):
    """The SDK's ``DefaultApiClient``, with a timeout and kept-alive connections, imported on first use.

    Written by hand because ``DefaultApiClient`` calls ``requests`` with no timeout and no way to set
    one (a slow API would hold the turn until Alexa gives up), and importing ``requests`` at start-up
    would slow every cold start for a call most turns never make.
    """

    def __init__(self, timeout: float = API_TIMEOUT_SECONDS):
        self.timeout = timeout
        self._client = None

    def invoke(self, request):
        if self._client is None:
            self._client = _default_client_with_timeout(self.timeout)
        return self._client.invoke(request)


def _default_client_with_timeout(timeout: float):
    import requests
    from ask_sdk_core.api_client import DefaultApiClient
    from ask_sdk_core.exceptions import ApiClientException

    class _Client(DefaultApiClient):
        session = requests.Session()

        def _resolve_method(self, request):
            method = (request.method or "").lower()
            if method not in ("get", "post", "put", "delete"):
                raise ApiClientException(f"Invalid request method: {request.method}")
            return functools.partial(getattr(self.session, method), timeout=timeout)

    return _Client()


def _alias_missing_model_module() -> None:
    """ask_sdk_model 1.82.0 names a module that doesn't exist (``alert_info_spoken_info``) as the type of
    ``AlertInfo.spoken_info``, so reading any reminder back fails to deserialise. Point the name at the
    real module (``spoken_info``) until the SDK is fixed; a no-op once it is."""
    missing = "ask_sdk_model.services.reminder_management.alert_info_spoken_info"
    if missing not in sys.modules:
        try:
            importlib.import_module(missing)
        except ImportError:
            sys.modules[missing] = importlib.import_module("ask_sdk_model.services.reminder_management.spoken_info")


def _factory(handler_input):
    """The request's service client factory, or None (no API client configured, or no access token)."""
    system = getattr(getattr(handler_input.request_envelope, "context", None), "system", None)
    if not getattr(system, "api_access_token", None) or not getattr(system, "api_endpoint", None):
        return None
    return handler_input.service_client_factory


def _status(error: Exception) -> int | None:
    status = getattr(error, "status_code", None)
    return status if isinstance(status, int) else None


# --- time zone --------------------------------------------------------------------------------------

def device_time_zone(handler_input) -> str | None:
    """The device's IANA time zone, or None if it can't be had right now (no token, an error, slow)."""
    factory = _factory(handler_input)
    device = getattr(getattr(getattr(handler_input.request_envelope.context, "system", None), "device", None),
                     "device_id", None)
    if factory is None or not device:
        return None
    try:
        zone = factory.get_ups_service().get_system_time_zone(device)
    except Exception as error:  # noqa: BLE001 - any failure means "not now"; the turn goes on in UTC
        log.warning("time zone unavailable", extra={"status": _status(error), "error": type(error).__name__})
        return None
    if not isinstance(zone, str):
        return None
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("time zone not recognised", extra={"error": "unknown zone"})
        return None
    return zone


# --- reminders ------------------------------------------------------------------------------------

def _daily_rule(hour: int, minute: int) -> str:
    return f"FREQ=DAILY;BYHOUR={hour};BYMINUTE={minute};BYSECOND=0"


def _failure(error: Exception) -> ReminderOutcome:
    status = _status(error)
    code = getattr(getattr(error, "body", None), "code", None)
    log.warning("reminders API failed", extra={"status": status, "error": type(error).__name__})
    if status in (401, 403) and code != "MAX_REMINDERS_EXCEEDED":
        return ReminderOutcome("no_permission")
    if code == "MAX_REMINDERS_EXCEEDED":
        return ReminderOutcome("full")
    return ReminderOutcome("failed")


def create_daily_reminder(handler_input, hour: int, minute: int, zone: str, locale: str, text: str,
                          now: datetime) -> ReminderOutcome:
    """A reminder every day at ``hour:minute`` in ``zone``, saying ``text``."""
    factory = _factory(handler_input)
    if factory is None:
        return ReminderOutcome("no_permission")
    from ask_sdk_model.services.reminder_management import (
        AlertInfo,
        PushNotification,
        PushNotificationStatus,
        Recurrence,
        ReminderRequest,
        SpokenInfo,
        SpokenText,
        Trigger,
        TriggerType,
    )

    local = now.astimezone(ZoneInfo(zone)).replace(tzinfo=None, microsecond=0)
    request = ReminderRequest(
        request_time=now.astimezone(ZoneInfo("UTC")).replace(tzinfo=None, microsecond=0),
        trigger=Trigger(object_type=TriggerType.SCHEDULED_ABSOLUTE, time_zone_id=zone,
                        recurrence=Recurrence(start_date_time=local, recurrence_rules=[_daily_rule(hour, minute)])),
        alert_info=AlertInfo(spoken_info=SpokenInfo(content=[SpokenText(locale=locale, text=text)])),
        push_notification=PushNotification(status=PushNotificationStatus.ENABLED))
    try:
        factory.get_reminder_management_service().create_reminder(request)
    except Exception as error:  # noqa: BLE001 - every failure has a spoken answer
        return _failure(error)
    return ReminderOutcome("created", ((hour, minute),))


def _daily_times(reminder) -> tuple[int, int] | None:
    recurrence = getattr(getattr(reminder, "trigger", None), "recurrence", None)
    for rule in getattr(recurrence, "recurrence_rules", None) or []:
        parts = dict(p.split("=", 1) for p in str(rule).split(";") if "=" in p)
        if parts.get("FREQ") == "DAILY" and parts.get("BYHOUR", "").isdigit():
            return int(parts["BYHOUR"]), int(parts.get("BYMINUTE", "0") or 0)
    return None


def _our_reminders(handler_input):
    _alias_missing_model_module()
    listing = handler_input.service_client_factory.get_reminder_management_service().get_reminders()
    return [r for r in (getattr(listing, "alerts", None) or []) if getattr(getattr(r, "status", None), "value", "ON")
            != "COMPLETED"]


def list_daily_reminders(handler_input) -> ReminderOutcome:
    """The daily reminders this skill set for the person (their times)."""
    if _factory(handler_input) is None:
        return ReminderOutcome("no_permission")
    try:
        reminders = _our_reminders(handler_input)
    except Exception as error:  # noqa: BLE001
        return _failure(error)
    times = tuple(sorted(t for t in map(_daily_times, reminders) if t is not None))
    return ReminderOutcome("listed", times)


def cancel_reminders(handler_input) -> ReminderOutcome:
    """Delete every reminder this skill set for the person."""
    if _factory(handler_input) is None:
        return ReminderOutcome("no_permission")
    try:
        client = handler_input.service_client_factory.get_reminder_management_service()
        reminders = _our_reminders(handler_input)
        times = tuple(sorted(t for t in map(_daily_times, reminders) if t is not None))
        for reminder in reminders:
            client.delete_reminder(reminder.alert_token)
    except Exception as error:  # noqa: BLE001
        return _failure(error)
    return ReminderOutcome("cancelled", times)
