"""The `$Host` automatic variable: Name, Version, UI.WriteLine/Write/ReadLine/WriteErrorLine, UI.RawUI basics.
A thin view over the ExecutionContext's Host."""

from __future__ import annotations

from typing import Any

from vboshell.runtime.conversions import to_string


class _Size:
    def __init__(self, w: int, h: int) -> None:
        self.Width, self.Height = w, h

    def ps_properties(self) -> list[tuple[str, Any]]:
        return [("Width", self.Width), ("Height", self.Height)]

    def __ps_str__(self) -> str:
        return f"{self.Width},{self.Height}"


class RawUI:
    def __init__(self, ctx: Any) -> None:
        self._ctx = ctx
        self.ForegroundColor = "Gray"
        self.BackgroundColor = "Black"
        self.WindowTitle = "vboshell"

    @property
    def WindowSize(self) -> _Size:  # noqa: N802
        return _Size(self._ctx.host.width or 120, 50)

    @property
    def BufferSize(self) -> _Size:  # noqa: N802
        return _Size(self._ctx.host.width or 120, 9001)

    @property
    def MaxWindowSize(self) -> _Size:  # noqa: N802
        return self.WindowSize

    def ps_properties(self) -> list[tuple[str, Any]]:
        return [("ForegroundColor", self.ForegroundColor), ("BackgroundColor", self.BackgroundColor),
                ("BufferSize", self.BufferSize), ("WindowSize", self.WindowSize), ("WindowTitle", self.WindowTitle)]


class HostUI:
    def __init__(self, ctx: Any) -> None:
        self._ctx = ctx
        self.RawUI = RawUI(ctx)

    def ps_properties(self) -> list[tuple[str, Any]]:
        return [("RawUI", self.RawUI)]

    def WriteLine(self, *args: Any) -> None:  # noqa: N802
        h = self._ctx.host
        if len(args) == 3:
            h.write_line(to_string(args[2]), to_string(args[0]), to_string(args[1]))
        else:
            h.write_line(to_string(args[0]) if args else "")

    def Write(self, *args: Any) -> None:  # noqa: N802
        h = self._ctx.host
        if len(args) == 3:
            h.write(to_string(args[2]), to_string(args[0]), to_string(args[1]))
        else:
            h.write(to_string(args[0]) if args else "")

    def WriteErrorLine(self, text: Any = "") -> None:  # noqa: N802
        self._ctx.host.write_error_line(to_string(text))

    def WriteWarningLine(self, text: Any = "") -> None:  # noqa: N802
        self._ctx.host.write_warning_line("WARNING: " + to_string(text))

    def WriteVerboseLine(self, text: Any = "") -> None:  # noqa: N802
        self._ctx.host.write_verbose_line("VERBOSE: " + to_string(text))

    def ReadLine(self) -> str:  # noqa: N802
        try:
            return self._ctx.host.read_line("")
        except EOFError:
            return ""

    def ReadLineAsSecureString(self) -> Any:  # noqa: N802
        return self._ctx.host.read_line_as_secure_string("")

    def PromptForChoice(self, caption: Any, message: Any, choices: Any, default: Any) -> int:  # noqa: N802
        items = []
        for c in choices:
            label = to_string(getattr(c, "Label", c))
            items.append((label, to_string(getattr(c, "HelpMessage", ""))))
        if not self._ctx.interactive:
            return int(default)
        try:
            return self._ctx.host.prompt_for_choice(to_string(caption), to_string(message), items, int(default))
        except EOFError:
            return int(default)


class HostObject:
    ps_type_name = "System.Management.Automation.Internal.Host.InternalHost"

    def __init__(self, ctx: Any) -> None:
        self._ctx = ctx
        self.UI = HostUI(ctx)

    @property
    def Name(self) -> str:  # noqa: N802
        return self._ctx.host.name

    @property
    def Version(self) -> Any:  # noqa: N802
        from vboshell.runtime.scopes import _Version

        return _Version("5.1.19041.0")

    def ps_properties(self) -> list[tuple[str, Any]]:
        return [("Name", self.Name), ("Version", self.Version), ("InstanceId", "00000000-0000-0000-0000-000000000000"),
                ("UI", self.UI), ("CurrentCulture", "en-US"), ("CurrentUICulture", "en-US"),
                ("PrivateData", None), ("DebuggerEnabled", False), ("IsRunspacePushed", False), ("Runspace", None)]

    def __ps_str__(self) -> str:
        return "System.Management.Automation.Internal.Host.InternalHost"
