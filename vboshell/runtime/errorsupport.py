"""The .NET exception model behind ErrorRecords: exception type chains for typed `catch [T]`/`trap [T]`,
the `$_.Exception` object, and building ErrorRecords for runtime failures (throw, method errors, internal bugs).

How `catch [T]` matches (the mapping for CmdletError): an ErrorRecord's `exception_type` names its .NET exception
(short or full name). `catch [T]` matches when T's short name is that type or one of its base types in `_PARENTS`
(e.g. ItemNotFoundException -> SessionStateException -> RuntimeException -> SystemException -> Exception).
Names not in the table derive from SystemException. So `CmdletError(..., exception_type="ItemNotFoundException")`
is caught by `catch [System.Management.Automation.ItemNotFoundException]`, `[RuntimeException]`, `[Exception]`.
Errors turned terminating by -ErrorAction Stop keep their own record, so they match their own exception type
(and ActionPreferenceStopException via RuntimeException). `throw "text"` is a RuntimeException; cmdlet errors
default to InvalidOperationException (CmdletError's default); conversion errors are RuntimeException."""

from __future__ import annotations

from typing import Any

from vboshell.runtime.errors import ErrorCategory, ErrorRecord, PSRuntimeError

# .NET exception type (short name) -> parent short name. Unknown names derive from Exception.
# CmdletError.exception_type names one of these (or any other name, treated as a SystemException).
_PARENTS: dict[str, str] = {
    "Exception": "",
    "SystemException": "Exception",
    "RuntimeException": "SystemException",
    "ActionPreferenceStopException": "RuntimeException",
    "ParameterBindingException": "RuntimeException",
    "ParameterBindingValidationException": "ParameterBindingException",
    "ParameterBindingArgumentTransformationException": "ParameterBindingException",
    "CommandNotFoundException": "RuntimeException",
    "SessionStateException": "RuntimeException",
    "ItemNotFoundException": "SessionStateException",
    "DriveNotFoundException": "SessionStateException",
    "MethodException": "RuntimeException",
    "MethodInvocationException": "MethodException",
    "PSArgumentException": "ArgumentException",
    "PSInvalidOperationException": "InvalidOperationException",
    "PSInvalidCastException": "InvalidCastException",
    "InvalidCastException": "SystemException",
    "ValidationMetadataException": "MetadataException",
    "MetadataException": "RuntimeException",
    "PipelineStoppedException": "RuntimeException",
    "ParseException": "RuntimeException",
    "ParentContainsErrorRecordException": "SystemException",
    "WriteErrorException": "SystemException",
    "InvalidOperationException": "SystemException",
    "ArgumentException": "SystemException",
    "ArgumentNullException": "ArgumentException",
    "ArgumentOutOfRangeException": "ArgumentException",
    "NotSupportedException": "SystemException",
    "NotImplementedException": "SystemException",
    "IOException": "SystemException",
    "FileNotFoundException": "IOException",
    "DirectoryNotFoundException": "IOException",
    "UnauthorizedAccessException": "SystemException",
    "ArithmeticException": "SystemException",
    "DivideByZeroException": "ArithmeticException",
    "OverflowException": "ArithmeticException",
    "FormatException": "SystemException",
    "TimeoutException": "SystemException",
    "KeyNotFoundException": "SystemException",
    "IndexOutOfRangeException": "SystemException",
    "NullReferenceException": "SystemException",
    "WebException": "InvalidOperationException",
    "HttpRequestException": "Exception",
    "AuthenticationException": "SystemException",
}

_NAMESPACES: dict[str, str] = {
    "RuntimeException": "System.Management.Automation", "ActionPreferenceStopException": "System.Management.Automation",
    "ParameterBindingException": "System.Management.Automation",
    "ParameterBindingValidationException": "System.Management.Automation",
    "ParameterBindingArgumentTransformationException": "System.Management.Automation",
    "CommandNotFoundException": "System.Management.Automation", "SessionStateException": "System.Management.Automation",
    "ItemNotFoundException": "System.Management.Automation", "DriveNotFoundException": "System.Management.Automation",
    "MethodException": "System.Management.Automation", "MethodInvocationException": "System.Management.Automation",
    "PSArgumentException": "System.Management.Automation", "PSInvalidOperationException": "System.Management.Automation",
    "PSInvalidCastException": "System.Management.Automation", "ValidationMetadataException": "System.Management.Automation",
    "MetadataException": "System.Management.Automation", "PipelineStoppedException": "System.Management.Automation",
    "ParseException": "System.Management.Automation",
    "WriteErrorException": "Microsoft.PowerShell.Commands",
    "IOException": "System.IO", "FileNotFoundException": "System.IO", "DirectoryNotFoundException": "System.IO",
    "KeyNotFoundException": "System.Collections.Generic", "WebException": "System.Net",
    "HttpRequestException": "System.Net.Http", "AuthenticationException": "System.Security.Authentication",
}


def short_name(type_name: str) -> str:
    return type_name.rsplit(".", 1)[-1]


def full_exception_name(type_name: str) -> str:
    if "." in type_name:
        return type_name
    return f"{_NAMESPACES.get(type_name, 'System')}.{type_name}"


def type_chain(type_name: str) -> list[str]:
    """Short names from the type itself up to Exception."""
    chain: list[str] = []
    name = short_name(type_name)
    while name and name not in chain:
        chain.append(name)
        name = _PARENTS.get(name, "SystemException" if name not in ("Exception", "SystemException") else
                            ("Exception" if name == "SystemException" else ""))
    if "Exception" not in chain:
        chain.append("Exception")
    return chain


class ExceptionObject:
    """`$_.Exception`: Message, InnerException, GetType().FullName, ToString(), ErrorRecord."""

    def __init__(self, type_name: str, message: str, record: ErrorRecord | None = None,
                 inner: ExceptionObject | None = None, payload: Any = None) -> None:
        self.type_name = full_exception_name(type_name)
        self.message = message
        self.record = record
        self.inner = inner
        self.payload = payload  # the thrown object for `throw $obj`

    @property
    def ps_type_name(self) -> str:
        return self.type_name

    def ps_properties(self) -> list[tuple[str, Any]]:
        return [("Message", self.message), ("InnerException", self.inner), ("ErrorRecord", self.record),
                ("Source", None), ("HResult", -2146233087), ("StackTrace", None)]

    def __ps_str__(self) -> str:
        return f"{self.type_name}: {self.message}"

    def __str__(self) -> str:
        return self.__ps_str__()


def exception_of(record: ErrorRecord) -> ExceptionObject:
    """The `.Exception` of an ErrorRecord (cached on the record)."""
    exc = record.extra.get("_exception")
    if isinstance(exc, ExceptionObject):
        return exc
    inner = record.extra.get("_inner_record")
    inner_exc = exception_of(inner) if isinstance(inner, ErrorRecord) else None
    exc = ExceptionObject(record.exception_type, record.message, record, inner_exc, record.extra.get("_payload"))
    record.extra["_exception"] = exc
    return exc


def exception_is(value: Any, type_name: str) -> bool:
    """Does an ErrorRecord/ExceptionObject match `catch [type_name]`?"""
    want = short_name(type_name).lower()
    if want in ("object", "psobject"):
        return True
    records: list[ErrorRecord] = []
    if isinstance(value, ErrorRecord):
        records.append(value)
    elif isinstance(value, ExceptionObject):
        if any(n.lower() == want for n in type_chain(value.type_name)):
            return True
        if value.record is not None:
            records.append(value.record)
    for rec in records:
        names = type_chain(rec.exception_type)
        inner = rec.extra.get("_inner_record")
        if isinstance(inner, ErrorRecord):
            names += type_chain(inner.exception_type)
        if any(n.lower() == want for n in names):
            return True
    return False


def runtime_error(message: str, error_id: str, category: ErrorCategory = ErrorCategory.InvalidOperation,
                  target: Any = None, exception_type: str = "RuntimeException") -> PSRuntimeError:
    return PSRuntimeError(ErrorRecord(message=message, error_id=error_id, category=category,
                                      target_object=target, exception_type=exception_type))


def thrown_record(value: Any) -> ErrorRecord:
    """The ErrorRecord for `throw <value>`."""
    from vboshell.runtime.conversions import to_string

    if isinstance(value, ErrorRecord):
        return value
    if isinstance(value, ExceptionObject):
        if value.record is not None:
            return value.record
        return ErrorRecord(message=value.message, error_id=value.message, category=ErrorCategory.OperationStopped,
                           target_object=value.message, exception_type=short_name(value.type_name))
    if isinstance(value, (list, tuple)) and len(value) == 1:
        value = value[0]
    if value is None:
        msg = "ScriptHalted"
        rec = ErrorRecord(message=msg, error_id="ScriptHalted", category=ErrorCategory.OperationStopped,
                          target_object=None, exception_type="RuntimeException")
        return rec
    msg = to_string(value)
    rec = ErrorRecord(message=msg, error_id=msg, category=ErrorCategory.OperationStopped, target_object=value,
                      exception_type="RuntimeException")
    if not isinstance(value, str):
        rec.extra["_payload"] = value
    return rec
