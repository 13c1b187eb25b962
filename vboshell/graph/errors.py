"""Graph and identity failures as exceptions that carry Graph's code, message and request-id.
Each converts to an ErrorRecord (`.error_record`) so no Python traceback reaches a user."""

from __future__ import annotations

import re
from typing import Any

from vboshell.runtime.errors import PSRuntimeError

__all__ = [
    "GraphError", "AuthenticationError", "ThrottledError", "DeltaResyncRequired", "GraphConnectionError",
    "CredentialError", "parse_graph_error",
]

_CATEGORY_BY_STATUS = {
    400: "InvalidArgument", 401: "AuthenticationError", 403: "PermissionDenied", 404: "ObjectNotFound",
    405: "InvalidOperation", 409: "ResourceExists", 410: "InvalidData", 412: "InvalidOperation",
    413: "LimitsExceeded", 416: "InvalidArgument", 423: "ResourceBusy", 429: "LimitsExceeded",
    500: "ResourceUnavailable", 502: "ResourceUnavailable", 503: "ResourceUnavailable",
    504: "OperationTimeout", 507: "QuotaExceeded", 509: "LimitsExceeded",
}


class GraphError(PSRuntimeError):
    """A failed Graph request: HTTP status, Graph `code` (and inner code), message, request ids.
    It is a PSRuntimeError, so one escaping from any cmdlet reaches the user as its ErrorRecord."""

    error_id_prefix = "Graph"

    def __init__(self, message: str, *, status: int = 0, code: str = "", inner_code: str = "",
                 request_id: str = "", client_request_id: str = "", method: str = "", url: str = "",
                 retry_after: float | None = None, location: str | None = None, target: Any = None) -> None:
        Exception.__init__(self, message)
        self.message = message
        self.status = status
        self.code = code
        self.inner_code = inner_code
        self.request_id = request_id
        self.client_request_id = client_request_id
        self.method = method
        self.url = url
        self.retry_after = retry_after
        self.location = location
        self.target = target

    @property
    def category(self) -> str:
        return _CATEGORY_BY_STATUS.get(self.status, "ResourceUnavailable" if self.status >= 500 else "NotSpecified")

    def full_message(self) -> str:
        bits = []
        if self.code:
            bits.append(f"code {self.code}" + (f"/{self.inner_code}" if self.inner_code and self.inner_code != self.code else ""))
        if self.status:
            bits.append(f"HTTP {self.status}")
        if self.request_id:
            bits.append(f"request-id {self.request_id}")
        if self.client_request_id and not self.request_id:
            bits.append(f"client-request-id {self.client_request_id}")
        msg = self.message.rstrip()
        return f"{msg} (Microsoft Graph: {', '.join(bits)})" if bits else msg

    def __str__(self) -> str:
        return self.full_message()

    @property
    def extra(self) -> dict[str, Any]:
        return {
            "GraphCode": self.code, "GraphInnerCode": self.inner_code, "GraphMessage": self.message,
            "RequestId": self.request_id, "ClientRequestId": self.client_request_id, "HttpStatus": self.status,
            "Method": self.method, "Url": _redact_url(self.url),
        }

    @property
    def error_record(self) -> Any:
        """The ErrorRecord the runtime shows; built on first use (after the message is final), then kept."""
        rec = self.__dict__.get("_record")
        if rec is None:
            rec = self.__dict__["_record"] = self._make_record()
        return rec

    @error_record.setter
    def error_record(self, value: Any) -> None:
        self.__dict__["_record"] = value

    def _make_record(self) -> Any:
        from vboshell.runtime.errors import ErrorCategory, ErrorRecord

        return ErrorRecord(
            message=self.full_message(),
            error_id=f"{self.error_id_prefix}.{self.code or self.status or 'Error'}",
            category=ErrorCategory(self.category),
            target_object=self.target,
            exception_type=type(self).__name__,
            inner=self,
            extra=self.extra,
        )


class AuthenticationError(GraphError):
    """The identity platform refused a token (AADSTS code), or the tenant/authority could not be resolved."""

    error_id_prefix = "Authentication"

    def __init__(self, message: str, *, aadsts: str = "", error: str = "", trace_id: str = "",
                 correlation_id: str = "", status: int = 0, **kw: Any) -> None:
        super().__init__(message, status=status, code=aadsts and f"AADSTS{aadsts}" or error, **kw)
        self.aadsts = aadsts
        self.error = error
        self.trace_id = trace_id
        self.correlation_id = correlation_id

    @property
    def category(self) -> str:
        if self.error == "connection_error":
            return "ConnectionError"
        if self.status == 429:
            return "LimitsExceeded"
        if self.status >= 500:
            return "ResourceUnavailable"
        return "AuthenticationError"

    def full_message(self) -> str:
        bits = [b for b in (self.error, f"HTTP {self.status}" if self.status else "",
                            f"trace-id {self.trace_id}" if self.trace_id else "",
                            f"correlation-id {self.correlation_id}" if self.correlation_id else "") if b]
        return f"{self.message.rstrip()} ({', '.join(bits)})" if bits else self.message

    @property
    def extra(self) -> dict[str, Any]:
        d = super().extra
        d.update({"AADSTS": self.aadsts, "Error": self.error, "TraceId": self.trace_id,
                  "CorrelationId": self.correlation_id})
        return d


class CredentialError(AuthenticationError):
    """The local credential is unusable (certificate file missing, wrong PFX password, no key...)."""

    error_id_prefix = "Credential"

    @property
    def category(self) -> str:
        return "InvalidArgument"


class ThrottledError(GraphError):
    """Still throttled (429/503/504) after every allowed attempt."""


class GraphConnectionError(GraphError):
    """The endpoint could not be reached (DNS, TCP, TLS) after every allowed attempt."""

    @property
    def category(self) -> str:
        return "ConnectionError"


class DeltaResyncRequired(GraphError):
    """A delta or sync token is no longer valid (410 SyncStateNotFound / resyncRequired...).
    The caller drops its token and enumerates again from `location` (when Graph gave one) or from the start."""


_RESYNC_CODES = {"syncstatenotfound", "resyncrequired", "resyncchangesapplydifferences",
                 "resyncchangesuploaddifferences", "syncstateinvalid", "resyncapplydifferences", "resyncuploaddifferences"}


def is_resync(status: int, code: str, inner_code: str) -> bool:
    return status == 410 or code.lower() in _RESYNC_CODES or inner_code.lower() in _RESYNC_CODES


def parse_graph_error(status: int, body: Any, headers: Any, method: str = "", url: str = "",
                      text: str = "") -> GraphError:
    """Build the right GraphError subclass from an error response (JSON body or not)."""
    code = inner = message = ""
    rid = crid = ""
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        err = body["error"]
        code = str(err.get("code") or "")
        message = str(err.get("message") or "")
        ie = err.get("innerError") or err.get("innererror") or {}
        if isinstance(ie, dict):
            inner = str(ie.get("code") or "")
            # innerError can nest further (OneDrive): take the most specific code
            deeper = ie.get("innerError") or ie.get("innererror")
            while isinstance(deeper, dict) and deeper.get("code"):
                inner = str(deeper["code"])
                deeper = deeper.get("innerError") or deeper.get("innererror")
            rid = str(ie.get("request-id") or "")
            crid = str(ie.get("client-request-id") or "")
    get = headers.get if headers is not None else (lambda k, d=None: d)
    rid = rid or str(get("request-id") or "")
    crid = crid or str(get("client-request-id") or "")
    if not message:
        message = (text or "").strip()[:300] or _default_message(status)
    retry_after = parse_retry_after(get("Retry-After"))
    location = get("Location")
    cls: type[GraphError] = GraphError
    if is_resync(status, code, inner):
        cls = DeltaResyncRequired
    elif status in (429, 503, 504, 509):
        cls = ThrottledError
    return cls(message, status=status, code=code, inner_code=inner, request_id=rid, client_request_id=crid,
               method=method, url=url, retry_after=retry_after, location=location)


def _default_message(status: int) -> str:
    return {401: "Unauthorized.", 403: "Forbidden.", 404: "Not found.", 429: "Too many requests.",
            500: "Internal server error.", 502: "Bad gateway.", 503: "Service unavailable.",
            504: "Gateway timeout."}.get(status, f"HTTP {status}.")


def parse_retry_after(value: Any) -> float | None:
    """Retry-After as seconds (integer seconds or an HTTP date); None when absent or unparsable."""
    if value is None or value == "":
        return None
    try:
        return max(0.0, float(value))
    except (TypeError, ValueError):
        pass
    try:
        import email.utils
        import time

        when = email.utils.parsedate_to_datetime(str(value))
        return max(0.0, when.timestamp() - time.time())
    except (TypeError, ValueError, IndexError):
        return None


_SECRET_QS = re.compile(r"(?i)(authtoken|tempauth|sig|token|code|client_secret)=([^&]+)")


def _redact_url(url: str) -> str:
    """Pre-authenticated URLs carry credentials in the query: never log them."""
    return _SECRET_QS.sub(lambda m: f"{m.group(1)}=***", url or "")
