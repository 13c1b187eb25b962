"""ErrorRecord and the exceptions that carry it: every failure in vboshell becomes one of these.
Cmdlets raise CmdletError (terminating) or call write_error (non-terminating); API-only limits use api_only_not_supported."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class ErrorCategory(str, Enum):  # noqa: UP042 - keep the existing str()/format() behaviour
    """PowerShell's System.Management.Automation.ErrorCategory names."""

    NotSpecified = "NotSpecified"
    OpenError = "OpenError"
    CloseError = "CloseError"
    DeviceError = "DeviceError"
    DeadlockDetected = "DeadlockDetected"
    InvalidArgument = "InvalidArgument"
    InvalidData = "InvalidData"
    InvalidOperation = "InvalidOperation"
    InvalidResult = "InvalidResult"
    InvalidType = "InvalidType"
    MetadataError = "MetadataError"
    NotImplemented = "NotImplemented"
    NotInstalled = "NotInstalled"
    ObjectNotFound = "ObjectNotFound"
    OperationStopped = "OperationStopped"
    OperationTimeout = "OperationTimeout"
    SyntaxError = "SyntaxError"
    ParserError = "ParserError"
    PermissionDenied = "PermissionDenied"
    ResourceBusy = "ResourceBusy"
    ResourceExists = "ResourceExists"
    ResourceUnavailable = "ResourceUnavailable"
    ReadError = "ReadError"
    WriteError = "WriteError"
    FromStdErr = "FromStdErr"
    SecurityError = "SecurityError"
    ProtocolError = "ProtocolError"
    ConnectionError = "ConnectionError"
    AuthenticationError = "AuthenticationError"
    LimitsExceeded = "LimitsExceeded"
    QuotaExceeded = "QuotaExceeded"
    NotEnabled = "NotEnabled"


@dataclass
class InvocationInfo:
    """Where an error happened: the command and its position in the script."""

    command_name: str | None = None
    script_name: str | None = None  # file path, or None for interactive input
    line_number: int = 0
    offset_in_line: int = 0  # 1-based column
    line: str = ""  # the source line
    extent_length: int = 0  # characters to underline with ~
    history_id: int = 0

    @property
    def position_message(self) -> str:
        """PowerShell 5.1's `At line:1 char:5` / `At C:\\x.ps1:12 char:5` block with the `+ ~~~` marker."""
        where = f"At {self.script_name}:{self.line_number}" if self.script_name else f"At line:{self.line_number}"
        if not self.line_number:
            return ""
        col = max(self.offset_in_line, 1)
        marker = " " * (col - 1) + "~" * max(self.extent_length, 1)
        return f"{where} char:{col}\n+ {self.line}\n+ {marker}"


@dataclass
class ErrorRecord:
    """PowerShell's ErrorRecord: exception message, category, FullyQualifiedErrorId, target, position."""

    message: str
    error_id: str = "NotSpecified"
    category: ErrorCategory = ErrorCategory.NotSpecified
    target_object: Any = None
    exception_type: str = "RuntimeException"  # .NET-style exception type name shown in CategoryInfo
    activity: str | None = None  # the command name shown in `[Get-VBOJob]`
    fully_qualified_command: str | None = None  # e.g. 'Veeam.Archiver.PowerShell.Cmdlets.GetVBOJob'
    invocation_info: InvocationInfo | None = None
    inner: BaseException | None = None  # the Python exception behind it, if any
    recommended_action: str | None = None
    script_stack_trace: str = ""
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. Graph's code and request-id

    @property
    def fully_qualified_error_id(self) -> str:
        if self.fully_qualified_command:
            return f"{self.error_id},{self.fully_qualified_command}"
        return self.error_id

    @property
    def category_info(self) -> str:
        """`Category: (TargetName:TargetType) [Activity], ReasonExceptionType`."""
        target = self.target_object
        if target is None:
            tgt = ":"
        else:
            tname = type(target).__name__
            tname = {"str": "String", "int": "Int32", "float": "Double", "dict": "Hashtable"}.get(tname, tname)
            tgt = f"{_short(target)}:{tname}"
        return f"{self.category.value}: ({tgt}) [{self.activity or ''}], {self.exception_type}"

    def __str__(self) -> str:
        return self.message


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


class PSRuntimeError(Exception):
    """Base of every exception that carries an ErrorRecord through the runtime."""

    def __init__(self, record: ErrorRecord) -> None:
        super().__init__(record.message)
        self.error_record = record


class CmdletError(PSRuntimeError):
    """A terminating error raised by a cmdlet (ThrowTerminatingError). Build it with a message and ids:
    `raise CmdletError("Job 'x' was not found.", "JobNotFound", ErrorCategory.ObjectNotFound, target="x")`."""

    def __init__(
        self,
        message: str,
        error_id: str = "NotSpecified",
        category: ErrorCategory = ErrorCategory.NotSpecified,
        target: Any = None,
        exception_type: str = "InvalidOperationException",
        **extra: Any,
    ) -> None:
        super().__init__(
            ErrorRecord(
                message=message,
                error_id=error_id,
                category=category,
                target_object=target,
                exception_type=exception_type,
                extra=extra,
            )
        )


API_ONLY_ERROR_ID = "ApiOnlyModeNotSupported"


def api_only_not_supported(feature: str, why: str, instead: str | None = None, target: Any = None) -> CmdletError:
    """The one error for features that API-only mode cannot provide. Raise the returned exception:
    `raise api_only_not_supported("Public Folder mailboxes", "Microsoft Graph has no API for them.", "...")`.
    The message always contains "not supported in API-only mode"."""
    message = f"{feature} is not supported in API-only mode. {why.strip()}"
    if instead:
        message += f" Instead: {instead.strip()}"
    return CmdletError(
        message,
        API_ONLY_ERROR_ID,
        ErrorCategory.NotImplemented,
        target=target,
        exception_type="NotSupportedException",
    )


def not_applicable(feature: str, why: str, target: Any = None) -> CmdletError:
    """For Veeam concepts that do not exist in vboshell (proxies, RBAC, Restore Portal...)."""
    return CmdletError(
        f"{feature} is not applicable in vboshell. {why.strip()}",
        "NotApplicable",
        ErrorCategory.NotImplemented,
        target=target,
        exception_type="NotSupportedException",
    )
