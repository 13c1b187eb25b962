"""Control-flow signals of the runtime (break/continue/return/exit, pipeline stop) as Python exceptions.
They derive from BaseException so that cmdlet code doing `except Exception` never swallows them."""

from __future__ import annotations

from typing import Any


class FlowControl(BaseException):  # noqa: N818 - these are signals, not errors
    """Base of the non-error control-flow signals."""


class BreakSignal(FlowControl):
    def __init__(self, label: str | None = None) -> None:
        super().__init__(label)
        self.label = label.lower() if label else None


class ContinueSignal(FlowControl):
    def __init__(self, label: str | None = None) -> None:
        super().__init__(label)
        self.label = label.lower() if label else None


class ReturnSignal(FlowControl):
    pass


class ExitSignal(FlowControl):
    def __init__(self, code: int = 0) -> None:
        super().__init__(code)
        self.code = code


class StopUpstream(FlowControl):
    """Raised by a command's runtime (`stop_upstream()`) when it needs no more input, e.g. Select-Object -First.
    It unwinds the commands *upstream* of `processor` inside one pipeline; that pipeline catches it, then
    still runs end_processing of the stopping command and of everything downstream of it."""

    def __init__(self, pipeline: Any, processor: Any) -> None:
        super().__init__()
        self.pipeline = pipeline
        self.processor = processor


class PipelineStopped(FlowControl):  # noqa: N818
    """The whole pipeline (and the running script) is being stopped, e.g. Ctrl+C. Nothing catches it
    except the top-level runner; `finally` blocks still run."""
