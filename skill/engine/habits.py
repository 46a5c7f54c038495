"""A habit, not a one-off: daily reminders by voice, and the day in the person's own time zone.

The coach never calls an Alexa API. Asking for a reminder gives a reply with an effect
(:class:`SetReminder`, :class:`ListReminders`, :class:`CancelReminders`); the handler layer makes
the call and hands the outcome back to :meth:`Habits.reminder_result`, which says what happened.
Without permission, the result asks Alexa to ask the person (:class:`AskPermission`); Alexa's
answer comes back through :meth:`Habits.permission_answer`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..speech import Narration, says
from .core import CoachCore
from .questions import OfferReminder, ReminderTime
from .reply import AskPermission, CancelReminders, ListReminders, ReminderOutcome, Reply, SetReminder
from .state import CoachState

#: Alexa's AMAZON.TIME sends "08:00", or one of these for a part of the day.
PARTS_OF_DAY = {"MO": (8, 0), "AF": (14, 0), "EV": (18, 0), "NI": (20, 0)}
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
            "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "thirty": 30, "forty five": 45,
            "forty-five": 45}
_SPOKEN = re.compile(
    r"^(?:(?P<half>half past|quarter past|quarter to) )?(?P<hour>\d{1,2}|[a-z]+)(?:[: ](?P<minute>\d{2}|fifteen|thirty"
    r"|forty[ -]five|o'clock))?(?: ?(?P<ampm>a\.?m\.?|p\.?m\.?))?(?: (?:in the|at) (?P<part>morning|afternoon|evening|"
    r"night))?$")


def parse_time_of_day(value: str | None) -> tuple[int, int] | None:
    """A time of day from what Alexa sends for AMAZON.TIME ("08:00", "EV"), or from the words a
    test client passes through unconverted ("8 am", "half past seven in the evening"). None if unclear."""
    if not isinstance(value, str):
        return None
    text = " ".join(value.strip().lower().split())
    text = re.sub(r"^(?:(?:every|each) day |daily )?at ", "", text)
    if text.upper() in PARTS_OF_DAY:
        return PARTS_OF_DAY[text.upper()]
    iso = re.fullmatch(r"(\d{2}):(\d{2})", text)
    if iso:
        hour, minute = int(iso.group(1)), int(iso.group(2))
        return (hour, minute) if hour < 24 and minute < 60 else None
    if text in ("noon", "midday"):
        return 12, 0
    match = _SPOKEN.match(text)
    return _spoken_time_of_day(match) if match else None


def _spoken_time_of_day(match: re.Match) -> tuple[int, int] | None:
    """The time said in words (a match of ``_SPOKEN``), on the 24-hour clock; None if it isn't one."""
    hour = int(match["hour"]) if match["hour"].isdigit() else _NUMBERS.get(match["hour"])
    minute_word = match["minute"] or "0"
    minute = 0 if minute_word == "o'clock" else int(minute_word) if minute_word.isdigit() else _NUMBERS.get(
        minute_word, -1)
    if hour is None or not 0 <= minute < 60:
        return None
    hour, minute = _past_or_to(match["half"], hour, minute)
    return _on_24_hour_clock(hour, minute, match["ampm"], match["part"])


def _past_or_to(half: str | None, hour: int, minute: int) -> tuple[int, int]:
    """The hour and minute with "half past", "quarter past" or "quarter to" applied, when one was said."""
    if half == "half past":
        minute = 30
    elif half == "quarter past":
        minute = 15
    elif half == "quarter to":
        hour, minute = hour - 1, 45
    return hour, minute


def _on_24_hour_clock(hour: int, minute: int, ampm: str | None, part: str | None) -> tuple[int, int] | None:
    """A spoken hour (1-12, or 0-23 if neither "am"/"pm" nor a part of the day was said) on the 24-hour clock."""
    pm = (ampm or "").startswith("p") or part in ("afternoon", "evening") or (part == "night" and hour >= 6)
    if hour > 23 or (hour > 12 and (ampm or part)):
        return None
    if hour <= 12 and pm and hour != 12:
        hour += 12
    elif hour == 12 and ((ampm or "").startswith("a")):
        hour = 0
    return hour, minute


def local_now(now: datetime, zone: str | None) -> datetime | None:
    """The time where the person is, or None when their time zone isn't known (or can't be used)."""
    if zone:
        try:
            return now.astimezone(ZoneInfo(zone))
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return None


def local_today(now: datetime, zone: str | None) -> date:
    """Today's date where the person is (UTC when their time zone isn't known)."""
    return (local_now(now, zone) or now).date()


class Habits(CoachCore):
    # --- the person's day ------------------------------------------------------------------------------
    def today(self, state: CoachState) -> date:
        return local_today(self.now, state.time_zone)

    def spoken_time(self, hour: int, minute: int) -> str:
        twelve = hour % 12 or 12
        key = "time_am" if hour < 12 else "time_pm"
        return self.p(key, time=f"{twelve}:{minute:02d}" if minute else str(twelve))

    # --- asking ---------------------------------------------------------------------------------------
    def remind_daily(self, state: CoachState, time_value: str | None = None) -> Reply:
        """"Remind me to stretch every day at 8 am": set it (through the handler), or ask what time."""
        when = parse_time_of_day(time_value)
        if when is None:
            lead = says(self.p("reminder_time_unclear")) if time_value else ()
            return self._question(state, lead, ReminderTime())
        return self._set(state, *when)

    def _set(self, state: CoachState, hour: int, minute: int) -> Reply:
        state = replace(state, pending=None, reminder_asked=True)
        return self._ask(state, says(self.p("reminder_setting")), self._reprompt_for(state),
                         (SetReminder(hour, minute, self.p("reminder_text")),))

    def list_reminders(self, state: CoachState) -> Reply:
        return self._ask(state, (), self._reprompt_for(state), (ListReminders(),))

    def cancel_reminder(self, state: CoachState) -> Reply:
        return self._ask(state, (), self._reprompt_for(state), (CancelReminders(),))

    def offer_reminder(self, state: CoachState, speech: Narration) -> Reply:
        """After a second finished routine: offer a daily reminder at about this time, once ever."""
        local = local_now(self.now, state.time_zone)
        time = f"{local.hour:02d}:{local.minute // 15 * 15:02d}" if local is not None else ""
        return self._question(replace(state, reminder_asked=True), speech, OfferReminder(time))

    def reminder_declined(self, state: CoachState) -> Reply:
        return self._end(replace(state, pending=None), says(self.p("reminder_never_again"), self.p("come_back")))

    # --- what happened ----------------------------------------------------------------------------------
    def reminder_result(self, state: CoachState, effect, outcome: ReminderOutcome) -> Reply:
        """What to say once the handler layer has made the call ``effect`` asked for."""
        status, times = outcome.status, outcome.times
        if status == "no_permission" and isinstance(effect, SetReminder):
            return Reply(says(self.p("reminder_permission_lead")), None, False, state,
                         (AskPermission(effect.hour, effect.minute),))
        if status == "created":
            line = self.p("reminder_created", time=self.spoken_time(*times[0]))
        elif status == "listed":
            line = (self.p("reminder_list", times=self.p.join(self.spoken_time(*t) for t in times)) if times
                    else self.p("reminder_list_none"))
        elif status == "cancelled":
            line = self.p("reminder_cancelled") if times else self.p("reminder_cancel_none")
        else:  # no_permission (listing or cancelling), full, no_zone, failed, denied, not_answered
            line = self.p(f"reminder_{status}")
        return self._then_carry_on(state, says(line))

    def after_call(self, state: CoachState, effect, outcome: ReminderOutcome) -> Reply:
        """The reply once the handler layer has made a service call: what came of it, as any turn's reply is
        finished (where the person is, for a screen)."""
        return self._shown(self.reminder_result(state, effect, outcome))  # type: ignore[attr-defined]

    def permission_answer(self, state: CoachState, status: str | None, token: str | None) -> Reply:
        """Alexa asked the person for the reminders permission; ``status`` is their answer."""
        when = _time_from_token(token)
        if status == "ACCEPTED" and when is not None:
            return self._set(state, *when)
        outcome = "denied" if status == "DENIED" else "not_answered"
        return self.reminder_result(state, None, ReminderOutcome(outcome))


def permission_token(hour: int, minute: int) -> str:
    """What the permission request carries, so the answer knows which reminder to set."""
    return f"daily-reminder:{hour:02d}:{minute:02d}"


def _time_from_token(token: str | None) -> tuple[int, int] | None:
    match = re.fullmatch(r"daily-reminder:(\d{2}):(\d{2})", token or "")
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        return None
    return int(match.group(1)), int(match.group(2))
