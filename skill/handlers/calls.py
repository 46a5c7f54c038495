"""The Alexa API calls a reply asks for (its service effects), made here and handed back to the coach.

The coach decides what to ask for (:class:`SetReminder`, :class:`ListReminders`,
:class:`CancelReminders`); this makes the call through :mod:`skill.services` and lets the coach
say what came of it. A reply without a service effect passes through untouched.
"""

from __future__ import annotations

from dataclasses import replace

from .. import services
from ..engine import Coach, Reply
from ..engine.reply import SERVICE_EFFECTS, CancelReminders, ListReminders, ReminderOutcome, SetReminder


def carry_out(handler_input, coach: Coach, reply: Reply) -> Reply:
    effect = next((e for e in reply.effects if isinstance(e, SERVICE_EFFECTS)), None)
    if effect is None:
        return reply
    state = reply.state
    if isinstance(effect, SetReminder):
        zone = state.time_zone or services.device_time_zone(handler_input)
        if zone is None:
            outcome = ReminderOutcome("no_zone")
        else:
            state = replace(state, time_zone=zone)
            outcome = services.create_daily_reminder(handler_input, effect.hour, effect.minute, zone,
                                                     coach.p.locale, effect.text, coach.now)
    elif isinstance(effect, ListReminders):
        outcome = services.list_daily_reminders(handler_input)
    elif isinstance(effect, CancelReminders):
        outcome = services.cancel_reminders(handler_input)
    else:  # pragma: no cover - SERVICE_EFFECTS lists only the three above
        return reply
    return coach.after_call(state, effect, outcome)
