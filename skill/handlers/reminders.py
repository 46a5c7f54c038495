"""Daily reminders: set, list, cancel by voice, and Alexa's answer to the permission question."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import is_request_type

from ..engine import Coach
from .base import coach_handler, run

SetReminderHandler = coach_handler("SetReminderHandler", "SetReminderIntent", Coach.remind_daily, slot="time")
ListRemindersHandler = coach_handler("ListRemindersHandler", "ListRemindersIntent", Coach.list_reminders)
CancelReminderHandler = coach_handler("CancelReminderHandler", "CancelReminderIntent", Coach.cancel_reminder)


class PermissionAnswerHandler(AbstractRequestHandler):
    """Connections.Response to our AskFor request: the person's answer to Alexa's permission question."""

    def can_handle(self, handler_input):
        request = handler_input.request_envelope.request
        return is_request_type("Connections.Response")(handler_input) and getattr(request, "name", None) == "AskFor"

    def handle(self, handler_input):
        request = handler_input.request_envelope.request
        payload = request.payload if isinstance(getattr(request, "payload", None), dict) else {}
        status = payload.get("status") if isinstance(payload.get("status"), str) else None
        token = request.token if isinstance(getattr(request, "token", None), str) else None
        return run(handler_input, lambda coach, state: coach.permission_answer(state, status, token))
