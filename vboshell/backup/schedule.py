"""Job schedule policies (Veeam's VBOJobSchedulePolicy as a dict) and the next run time they give.
Daily at a time on chosen days, periodically every N minutes/hours (with offset), backup windows, retries."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

PERIODS = {"Minutes1": 1, "Minutes5": 5, "Minutes10": 10, "Minutes15": 15, "Minutes30": 30, "Hours1": 60,
           "Hours2": 120, "Hours4": 240, "Hours8": 480, "Hours12": 720}
DAILY_TYPES = ("Everyday", "Workdays", "Weekends", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
               "Sunday")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")  # datetime.weekday() order
VEEAM_DAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")  # BackupWindow order


def default_policy() -> dict[str, Any]:
    """Veeam's defaults: schedule enabled, daily at 15:00 every day (Add-VBOJob without -SchedulePolicy: not
    scheduled — see no_schedule())."""
    return {"EnableSchedule": True, "Type": "Daily", "DailyType": "Everyday", "DailyTime": "15:00:00",
            "PeriodicallyEvery": "Minutes5", "PeriodicallyOffsetMinutes": 0, "BackupWindowSettings": None,
            "PeriodicallyWindowSettings": None, "RetryEnabled": False, "RetryNumber": 3, "RetryWaitInterval": 10}


def no_schedule() -> dict[str, Any]:
    return {**default_policy(), "EnableSchedule": False}


def window(from_day: str, from_hour: int, to_day: str, to_hour: int, enabled: bool = True) -> dict[str, Any]:
    """A backup window: 168 hourly slots (Sunday 00:00 first, as Veeam's BackupWindow) allowed from
    (from_day, from_hour) up to, not including, (to_day, to_hour); wraps around the week."""
    start = VEEAM_DAYS.index(_day(from_day)) * 24 + int(from_hour)
    end = VEEAM_DAYS.index(_day(to_day)) * 24 + int(to_hour)
    slots = [False] * 168
    i = start
    while True:
        slots[i % 168] = True
        i += 1
        if i % 168 == end % 168:
            break
    return {"Enabled": bool(enabled), "BackupWindow": slots, "MinuteOffset": 0, "FromDay": _day(from_day),
            "FromHour": int(from_hour), "ToDay": _day(to_day), "ToHour": int(to_hour)}


def _day(name: str) -> str:
    for d in VEEAM_DAYS:
        if d.lower() == str(name).lower():
            return d
    raise ValueError(f"'{name}' is not a day of the week")


def in_window(win: dict[str, Any] | None, when: datetime) -> bool:
    if not win or not win.get("Enabled") or not win.get("BackupWindow"):
        return True
    slot = ((when.weekday() + 1) % 7) * 24 + when.hour
    return bool(win["BackupWindow"][slot])


def _day_ok(daily_type: str, when: datetime) -> bool:
    wd = when.weekday()
    dt = (daily_type or "Everyday").lower()
    if dt == "everyday":
        return True
    if dt == "workdays":
        return wd < 5
    if dt == "weekends":
        return wd >= 5
    return DAYS[wd].lower() == dt


def _time(text: Any) -> tuple[int, int, int]:
    if isinstance(text, timedelta):
        s = int(text.total_seconds()) % 86400
        return s // 3600, s % 3600 // 60, s % 60
    parts = [int(float(p)) for p in str(text or "15:00:00").split(":")] + [0, 0]
    return parts[0], parts[1], parts[2]


def next_run(policy: dict[str, Any] | None, after: datetime) -> datetime | None:
    """The first scheduled start strictly after `after` (an aware datetime; local wall-clock rules), or None."""
    if not policy or not policy.get("EnableSchedule", True):
        return None
    after = after if after.tzinfo else after.astimezone()
    local = after.astimezone()
    kind = str(policy.get("Type") or "Daily").lower()
    if kind == "periodically":
        step = PERIODS.get(str(policy.get("PeriodicallyEvery") or "Minutes5"), 5)
        offset = int(policy.get("PeriodicallyOffsetMinutes") or 0) % step if step else 0
        win = policy.get("PeriodicallyWindowSettings") or policy.get("BackupWindowSettings")
        base = local.replace(second=0, microsecond=0)
        minutes = base.hour * 60 + base.minute
        start = base - timedelta(minutes=(minutes - offset) % step)
        cand = start if start > local else start + timedelta(minutes=step)
        for _ in range(168 * 60 // max(step, 1) + 2):
            if in_window(win, cand):
                return cand
            cand += timedelta(minutes=step)
        return None
    h, m, s = _time(policy.get("DailyTime"))
    cand = local.replace(hour=h, minute=m, second=s, microsecond=0)
    if cand <= local:
        cand += timedelta(days=1)
    for _ in range(8):
        if _day_ok(str(policy.get("DailyType") or "Everyday"), cand) and in_window(policy.get("BackupWindowSettings"), cand):
            return cand
        cand += timedelta(days=1)
    return None


def retry_at(policy: dict[str, Any] | None, failed_at: datetime, retries_done: int) -> datetime | None:
    """When to retry a failed run (RetryEnabled, RetryNumber, RetryWaitInterval minutes), or None."""
    if not policy or not policy.get("RetryEnabled"):
        return None
    if retries_done >= int(policy.get("RetryNumber") or 0):
        return None
    return failed_at + timedelta(minutes=int(policy.get("RetryWaitInterval") or 10))


def describe(policy: dict[str, Any] | None) -> str:
    if not policy or not policy.get("EnableSchedule", True):
        return "Not scheduled"
    if str(policy.get("Type")).lower() == "periodically":
        return f"Periodically every {policy.get('PeriodicallyEvery')}"
    return f"Daily at {policy.get('DailyTime')} ({policy.get('DailyType')})"
