"""Date and time cmdlets: Get-Date (-Format .NET strings, -UFormat, -Date and the -Year..-Millisecond overrides),
New-TimeSpan and Start-Sleep (interruptible by Ctrl+C)."""

from __future__ import annotations

import datetime as _dt
import time
from typing import Any

from vboshell.builtins._util import to_string
from vboshell.commands.base import Cmdlet, Example, Parameter
from vboshell.commands.registry import register
from vboshell.format.values import dotnet_format_datetime, uformat_datetime
from vboshell.runtime.errors import CmdletError, ErrorCategory


def _wrap_dt(d: _dt.datetime) -> Any:
    from vboshell.runtime.values import DateTime

    return DateTime.wrap(d)


def _wrap_ts(t: _dt.timedelta) -> Any:
    from vboshell.runtime.values import TimeSpan

    return TimeSpan.wrap(t)


def format_datetime(d: _dt.datetime, fmt: str) -> str:
    """DateTime.ToString(fmt): the runtime's .NET formatter when present, else the formatting module's."""
    try:
        from vboshell.runtime.dotnetfmt import format_datetime as rt

        return rt(d, fmt)
    except ImportError:  # pragma: no cover
        return dotnet_format_datetime(d, fmt)


def _to_datetime(value: Any) -> _dt.datetime:
    if isinstance(value, _dt.datetime):
        return value
    if isinstance(value, _dt.date):
        return _dt.datetime(value.year, value.month, value.day)
    from vboshell.runtime.conversions import parse_datetime

    return parse_datetime(to_string(value))


@register
class GetDate(Cmdlet):
    name = "Get-Date"
    synopsis = "Gets the current date and time."
    description = (
        "Returns a DateTime for now, or for -Date, with -Year/-Month/-Day/-Hour/-Minute/-Second/-Millisecond "
        "replacing parts. -Format returns a string using a .NET format ('yyyy-MM-dd HH:mm', 'd', 's', 'o'...), "
        "-UFormat a Unix-style one ('%Y-%m-%d'). Out-Default shows a DateTime in the long form "
        "`Wednesday, January 31, 2024 10:05:00 AM`."
    )
    parameters = [
        Parameter("Date", _dt.datetime, position=0, value_from_pipeline=True, aliases=("LastWriteTime",),
                  value_from_pipeline_by_property_name=True, help="The date to use instead of now."),
        Parameter("Year", int, help="Replaces the year."),
        Parameter("Month", int, help="Replaces the month."),
        Parameter("Day", int, help="Replaces the day."),
        Parameter("Hour", int, help="Replaces the hour."),
        Parameter("Minute", int, help="Replaces the minute."),
        Parameter("Second", int, help="Replaces the second."),
        Parameter("Millisecond", int, help="Replaces the millisecond."),
        Parameter("DisplayHint", str, validate_set=("Date", "Time", "DateTime"), help="Which parts to display."),
        Parameter("Format", str, parameter_sets=("net",), help="A .NET format string; returns a string."),
        Parameter("UFormat", str, parameter_sets=("UFormat",), help="A Unix format string; returns a string."),
    ]
    default_parameter_set = "net"
    examples = [
        Example("Get-Date -Date '2024-01-31 10:05' -Format 'yyyy-MM-dd HH:mm'", "A .NET format.",
                expect="2024-01-31 10:05"),
        Example("Get-Date -Year 2024 -Month 2 -Day 29 -UFormat '%Y/%m/%d'", "A Unix format.", expect="2024/02/29"),
        Example("(Get-Date -Date '2024-01-31').AddDays(1).ToString('yyyy-MM-dd')", "Date arithmetic.",
                expect="2024-02-01"),
    ]

    def process_record(self) -> None:
        base = _to_datetime(self.Date) if self.Date is not None else _dt.datetime.now()
        try:
            d = base.replace(
                year=self.Year if self.Year is not None else base.year,
                month=self.Month if self.Month is not None else base.month,
                day=self.Day if self.Day is not None else base.day,
                hour=self.Hour if self.Hour is not None else base.hour,
                minute=self.Minute if self.Minute is not None else base.minute,
                second=self.Second if self.Second is not None else base.second,
                microsecond=self.Millisecond * 1000 if self.Millisecond is not None else base.microsecond,
            )
        except ValueError as e:
            raise CmdletError(f"Cannot create a DateTime: {e}.", "ParameterArgumentValidationError",
                              ErrorCategory.InvalidArgument) from None
        if self.Format is not None:
            try:
                self.write_object(format_datetime(d, self.Format))
            except Exception as e:  # noqa: BLE001 - bad format strings become errors
                raise CmdletError(str(getattr(e, "error_record", e)), "FormatError", ErrorCategory.InvalidArgument,
                                  self.Format) from None
            return
        if self.UFormat is not None:
            self.write_object(uformat_datetime(d, self.UFormat))
            return
        out = _wrap_dt(d)
        if self.DisplayHint and self.DisplayHint.lower() != "datetime":
            try:
                out = type(out)(out.year, out.month, out.day, out.hour, out.minute, out.second, out.microsecond,
                                out.tzinfo)  # a copy: never tag the caller's own DateTime
                out.ps_display_hint = self.DisplayHint.capitalize()  # type: ignore[attr-defined]
            except AttributeError:  # pragma: no cover - a DateTime without a __dict__
                pass
        self.write_object(out)


@register
class NewTimeSpan(Cmdlet):
    name = "New-TimeSpan"
    synopsis = "Creates a TimeSpan object."
    description = "Returns the interval from -Start to -End (now by default), or one built from -Days, -Hours, " \
                  "-Minutes, -Seconds and -Milliseconds."
    parameters = [
        Parameter("Start", _dt.datetime, position=0, aliases=("LastWriteTime",),
                  value_from_pipeline_by_property_name=True, help="The start of the interval (default now)."),
        Parameter("End", _dt.datetime, position=1, help="The end of the interval (default now)."),
        Parameter("Days", int, help="Days."),
        Parameter("Hours", int, help="Hours."),
        Parameter("Minutes", int, help="Minutes."),
        Parameter("Seconds", int, help="Seconds."),
        Parameter("Milliseconds", int, help="Milliseconds."),
    ]
    examples = [
        Example("(New-TimeSpan -Hours 2 -Minutes 30).TotalMinutes", "An interval in minutes.", expect="150"),
        Example("(New-TimeSpan -Start '2024-01-01' -End '2024-01-31').Days", "Days between two dates.",
                expect="30"),
    ]

    def process_record(self) -> None:
        if self.Start is not None or self.End is not None:
            now = _dt.datetime.now()
            start = _to_datetime(self.Start) if self.Start is not None else now
            end = _to_datetime(self.End) if self.End is not None else now
            try:
                delta = end - start
            except TypeError:
                delta = end.replace(tzinfo=None) - start.replace(tzinfo=None)
            self.write_object(_wrap_ts(delta))
            return
        self.write_object(_wrap_ts(_dt.timedelta(days=self.Days or 0, hours=self.Hours or 0,
                                                 minutes=self.Minutes or 0, seconds=self.Seconds or 0,
                                                 milliseconds=self.Milliseconds or 0)))


@register
class StartSleep(Cmdlet):
    name = "Start-Sleep"
    aliases = ("sleep",)
    synopsis = "Suspends the activity in a script or session for the specified period of time."
    description = "Waits -Seconds (positional) or -Milliseconds; Ctrl+C interrupts the wait."
    parameters = [
        Parameter("Seconds", float, position=0, parameter_sets=("Seconds",), help="Seconds to wait."),
        Parameter("Milliseconds", int, parameter_sets=("Milliseconds",), aliases=("ms",), help="Milliseconds to wait."),
    ]
    default_parameter_set = "Seconds"
    examples = [Example("Start-Sleep -Milliseconds 10", "Waits ten milliseconds."),
                Example("Start-Sleep 0", "Returns at once.")]

    def end_processing(self) -> None:
        total = (self.Seconds or 0) + (self.Milliseconds or 0) / 1000.0
        deadline = time.monotonic() + max(total, 0)
        ctx = getattr(self, "context", None)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            if self.stopping or (ctx is not None and getattr(ctx, "is_stopping", False)):
                check = getattr(ctx, "check_stop", None)
                if check is not None:
                    check()
                return
            time.sleep(min(left, 0.05))
