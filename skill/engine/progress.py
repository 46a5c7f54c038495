"""Progress: completed routines by date, the weekly count and the streak."""

from __future__ import annotations

from datetime import date, timedelta

from .state import HISTORY_LIMIT

History = tuple[tuple[str, str], ...]


def _days(history: History) -> set[date]:
    days = set()
    for day, _ in history:
        try:
            days.add(date.fromisoformat(day))
        except ValueError:
            continue
    return days


def record(history: History, today: date, routine_id: str) -> tuple[History, bool]:
    """History with today's routine added, and whether it is the first one today."""
    first_today = today not in _days(history)
    return (*history, (today.isoformat(), routine_id))[-HISTORY_LIMIT:], first_today


def streak(history: History, today: date) -> int:
    """Consecutive days with a completed routine, ending today (or yesterday, if not yet today)."""
    days = _days(history)
    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count


def in_last_days(history: History, today: date, days: int) -> int:
    """Routines completed in the ``days`` days up to and including today."""
    start = today - timedelta(days=days - 1)
    count = 0
    for day, _ in history:
        try:
            if start <= date.fromisoformat(day) <= today:
                count += 1
        except ValueError:
            continue
    return count
