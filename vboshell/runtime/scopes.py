"""Variable scopes (global, script, function/script-block, local) with PowerShell's dynamic lookup, scope
qualifiers ($script: $global: $local: $private: $env: $variable: $function:) and the automatic variables."""

from __future__ import annotations

import os
from typing import Any

from vboshell.runtime.errors import ErrorCategory, ErrorRecord, PSRuntimeError


class Variable:
    __slots__ = ("name", "value", "type_constraint", "read_only", "constant", "description", "private")

    def __init__(self, name: str, value: Any = None, type_constraint: Any = None, read_only: bool = False,
                 constant: bool = False, private: bool = False) -> None:
        self.name = name
        self.value = value
        self.type_constraint = type_constraint
        self.read_only = read_only
        self.constant = constant
        self.description = ""
        self.private = private

    def ps_properties(self) -> list[tuple[str, Any]]:
        return [("Name", self.name), ("Value", self.value), ("Description", self.description),
                ("Options", "Constant" if self.constant else "ReadOnly" if self.read_only else "None")]


class Scope:
    __slots__ = ("vars", "functions", "parent", "kind", "aliases", "strict")

    def __init__(self, parent: Scope | None, kind: str = "local") -> None:
        self.vars: dict[str, Variable] = {}
        self.functions: dict[str, Any] = {}
        self.aliases: dict[str, str] = {}
        self.parent = parent
        self.kind = kind  # 'global' | 'script' | 'function' | 'local'
        self.strict: int | None = None  # Set-StrictMode version in force from this scope down (0 = off)


class VariableError(PSRuntimeError):
    def __init__(self, message: str, error_id: str, category: ErrorCategory = ErrorCategory.WriteError,
                 target: Any = None, exception_type: str = "SessionStateUnauthorizedAccessException") -> None:
        super().__init__(ErrorRecord(message=message, error_id=error_id, category=category, target_object=target,
                                     exception_type=exception_type))


_CONSTANTS = {"null", "true", "false"}


class SessionState:
    """The scope tree of one ExecutionContext. `current` is the innermost scope."""

    def __init__(self, context: Any) -> None:
        self.context = context
        self.global_scope = Scope(None, "global")
        self.current = self.global_scope

    # --- scope stack -----------------------------------------------------------------------------
    def push(self, kind: str = "local") -> Scope:
        self.current = Scope(self.current, kind)
        return self.current

    def pop(self, scope: Scope) -> None:
        if scope.parent is not None:
            self.current = scope.parent

    def script_scope(self) -> Scope:
        s: Scope | None = self.current
        while s is not None:
            if s.kind in ("script", "global"):
                return s
            s = s.parent
        return self.global_scope

    def _target(self, scope: str | None) -> Scope:
        if scope is None or scope in ("local", "private"):
            return self.current
        if scope == "global":
            return self.global_scope
        if scope == "script":
            return self.script_scope()
        if scope.isdigit():
            s = self.current
            for _ in range(int(scope)):
                if s.parent is None:
                    break
                s = s.parent
            return s
        return self.current

    # --- lookup ------------------------------------------------------------------------------------
    @staticmethod
    def split(name: str) -> tuple[str | None, str]:
        head, sep, tail = name.partition(":")
        if sep and head and tail:
            return head.lower(), tail
        return None, name

    def lookup(self, name: str, scope: str | None = None) -> Variable | None:
        low = name.lower()
        if scope in ("global", "script") or (scope and scope.isdigit()):
            return self._target(scope).vars.get(low)
        if scope in ("local", "private"):
            return self.current.vars.get(low)
        s: Scope | None = self.current
        first = True
        while s is not None:
            v = s.vars.get(low)
            if v is not None and (first or not v.private):
                return v
            first = False
            s = s.parent
        return None

    def get_value(self, name: str, default: Any = None) -> Any:
        scope, bare = self.split(name)
        low = bare.lower()
        if scope == "env":
            return _env_get(bare)
        if scope == "variable":
            return self.get_value(bare, default)
        if scope == "function":
            f = self.get_function(bare)
            return f.script_block if f is not None else default
        if scope is None:
            auto = self._automatic(low)
            if auto is not _NO:
                return auto
        v = self.lookup(bare, scope)
        if v is None:
            if low in _DYNAMIC:
                return _DYNAMIC[low](self.context)
            return default
        return v.value

    def exists(self, name: str) -> bool:
        scope, bare = self.split(name)
        if scope == "env":
            return _env_get(bare) is not None
        low = bare.lower()
        return low in _CONSTANTS or low in _DYNAMIC or self.lookup(bare, scope) is not None

    def _automatic(self, low: str) -> Any:
        if low == "null":
            return None
        if low == "true":
            return True
        if low == "false":
            return False
        if low == "error":
            return self.context.error_list
        if low == "pwd":
            return _PathInfo(str(self.context.cwd))
        return _NO

    def set_value(self, name: str, value: Any, scope: str | None = None, *, force_local: bool = False) -> Variable | None:
        qual, bare = self.split(name)
        if qual is not None and scope is None:
            scope = qual
        if scope == "env":
            if value is None or value == "":
                os.environ.pop(bare, None)
            else:
                from vboshell.runtime.conversions import to_string

                os.environ[bare] = to_string(value)
            return None
        if scope == "variable":
            scope = None
        if scope == "function":
            from vboshell.runtime.pipeline import FunctionInfo
            from vboshell.runtime.values import ScriptBlock

            if isinstance(value, ScriptBlock):
                self.set_function(bare, FunctionInfo(bare, value))
            elif value is None:
                s: Scope | None = self.current
                while s is not None:
                    s.functions.pop(bare.lower(), None)
                    s = s.parent
            return None
        low = bare.lower()
        if low == "null":
            return None
        if low in ("true", "false"):
            raise VariableError(f"Cannot overwrite variable {bare} because it is read-only or constant.",
                                "VariableNotWritable", target=bare)
        if low == "error":
            raise VariableError(f"Cannot overwrite variable {bare} because it is read-only or constant.",
                                "VariableNotWritable", target=bare)
        target = self._target(scope)
        var = target.vars.get(low)
        if var is None:
            var = Variable(bare, None, private=(scope == "private"))
            target.vars[low] = var
        if var.constant or var.read_only:
            raise VariableError(f"Cannot overwrite variable {bare} because it is read-only or constant.",
                                "VariableNotWritable", target=bare)
        if var.type_constraint is not None:
            value = var.type_constraint.convert(value)
        var.value = value
        return var

    def new_variable(self, name: str, value: Any, scope: str | None = None, type_constraint: Any = None,
                     read_only: bool = False, constant: bool = False) -> Variable:
        target = self._target(scope)
        low = name.lower()
        var = Variable(name, value, type_constraint, read_only, constant, private=(scope == "private"))
        target.vars[low] = var
        return var

    def remove(self, name: str, scope: str | None = None) -> bool:
        qual, bare = self.split(name)
        scope = scope or qual
        if scope == "env":
            return os.environ.pop(bare, None) is not None
        low = bare.lower()
        if scope is None:
            s: Scope | None = self.current
            while s is not None:
                if low in s.vars:
                    del s.vars[low]
                    return True
                s = s.parent
            return False
        t = self._target(scope)
        return t.vars.pop(low, None) is not None

    def visible(self, scope: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if scope is not None:
            for v in self._target(scope).vars.values():
                out[v.name] = v.value
            return out
        seen: set[str] = set()
        s: Scope | None = self.current
        while s is not None:
            for low, v in s.vars.items():
                if low not in seen:
                    seen.add(low)
                    out[v.name] = v.value
            s = s.parent
        for auto in ("null", "true", "false"):
            out.setdefault(auto.capitalize() if auto != "null" else "null", self._automatic(auto))
        out.setdefault("Error", self.context.error_list)
        for k, fn in _DYNAMIC.items():
            name = _DYNAMIC_NAMES.get(k, k)
            if name not in out:
                try:
                    out[name] = fn(self.context)
                except Exception:  # noqa: BLE001 - a broken dynamic variable must not break listing
                    pass
        return out

    def variable_objects(self) -> list[Variable]:
        seen: dict[str, Variable] = {}
        s: Scope | None = self.current
        while s is not None:
            for low, v in s.vars.items():
                seen.setdefault(low, v)
            s = s.parent
        return sorted(seen.values(), key=lambda v: v.name.lower())

    def strict_version(self) -> int:
        s: Scope | None = self.current
        while s is not None:
            if s.strict is not None:
                return s.strict
            s = s.parent
        return 0

    # --- functions -------------------------------------------------------------------------------
    def get_function(self, name: str) -> Any:
        low = name.lower()
        s: Scope | None = self.current
        while s is not None:
            f = s.functions.get(low)
            if f is not None:
                return f
            s = s.parent
        return None

    def set_function(self, name: str, info: Any, scope: str | None = None) -> None:
        qual, bare = self.split(name)
        target = self._target(scope or qual)
        target.functions[bare.lower()] = info

    def all_functions(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        s: Scope | None = self.current
        while s is not None:
            for k, f in s.functions.items():
                out.setdefault(k, f)
            s = s.parent
        return out

    def get_alias(self, name: str) -> str | None:
        low = name.lower()
        s: Scope | None = self.current
        while s is not None:
            a = s.aliases.get(low)
            if a is not None:
                return a
            s = s.parent
        return None

    # --- automatic variables ------------------------------------------------------------------------
    def install_automatic_variables(self, script_name: str | None = None) -> None:
        from vboshell.runtime.context import PREFERENCE_DEFAULTS

        g = self.global_scope
        for k, v in PREFERENCE_DEFAULTS.items():
            g.vars[k.lower()] = Variable(k, v)
        g.vars["?"] = Variable("?", True)
        g.vars["lastexitcode"] = Variable("LASTEXITCODE", None)
        g.vars["matches"] = Variable("Matches", None)
        g.vars["pid"] = Variable("PID", os.getpid(), read_only=True)
        g.vars["home"] = Variable("HOME", os.path.expanduser("~"), read_only=True)
        g.vars["shellid"] = Variable("ShellId", "Microsoft.PowerShell", read_only=True)
        g.vars["pshome"] = Variable("PSHOME", os.path.dirname(os.path.dirname(__file__)), read_only=True)
        g.vars["psculture"] = Variable("PSCulture", "en-US", read_only=True)
        g.vars["psuiculture"] = Variable("PSUICulture", "en-US", read_only=True)
        g.vars["nestedpromptlevel"] = Variable("NestedPromptLevel", 0)
        g.vars["psemailserver"] = Variable("PSEmailServer", None)
        g.vars["psdefaultparametervalues"] = Variable("PSDefaultParameterValues", _new_hashtable())
        g.vars["psscriptroot"] = Variable("PSScriptRoot", "")
        g.vars["pscommandpath"] = Variable("PSCommandPath", "")
        g.vars["erroractionpreference"].value = PREFERENCE_DEFAULTS["ErrorActionPreference"]


def _new_hashtable() -> Any:
    from vboshell.runtime.values import Hashtable

    return Hashtable()


_NO = object()


class _PathInfo:
    ps_type_name = "System.Management.Automation.PathInfo"

    def __init__(self, path: str) -> None:
        self.Path = path

    def ps_properties(self) -> list[tuple[str, Any]]:
        return [("Path", self.Path)]

    def __ps_str__(self) -> str:
        return self.Path

    def __str__(self) -> str:
        return self.Path


def _env_get(name: str) -> str | None:
    v = os.environ.get(name)
    if v is not None:
        return v
    low = name.lower()
    for k, val in os.environ.items():
        if k.lower() == low:
            return val
    if low == "computername":
        import socket

        return socket.gethostname().split(".")[0].upper()
    if low == "username":
        return os.environ.get("USER")
    if low == "userprofile":
        return os.path.expanduser("~")
    if low == "temp" or low == "tmp":
        import tempfile

        return tempfile.gettempdir()
    return None


def _ps_version_table(ctx: Any) -> Any:
    from vboshell import __version__ as vv
    from vboshell.runtime.values import Hashtable

    h = Hashtable()
    h["PSVersion"] = _Version("5.1.19041.0")
    h["PSEdition"] = "Desktop"
    h["PSCompatibleVersions"] = [_Version(v) for v in ("1.0", "2.0", "3.0", "4.0", "5.0", "5.1.19041.0")]
    h["BuildVersion"] = _Version("10.0.19041.0")
    h["CLRVersion"] = _Version("4.0.30319.42000")
    h["WSManStackVersion"] = _Version("3.0")
    h["PSRemotingProtocolVersion"] = _Version("2.3")
    h["SerializationVersion"] = _Version("1.1.0.1")
    h["VBOShellVersion"] = vv
    return h


class _Version:
    ps_type_name = "System.Version"

    def __init__(self, text: str) -> None:
        self.text = text
        parts = [int(p) for p in text.split(".")]
        self.parts = parts + [-1] * (4 - len(parts))

    def ps_properties(self) -> list[tuple[str, Any]]:
        return [("Major", self.parts[0]), ("Minor", self.parts[1]), ("Build", self.parts[2]),
                ("Revision", self.parts[3])]

    def __ps_str__(self) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text

    def __ps_compare__(self, other: Any) -> int:
        o = other if isinstance(other, _Version) else _Version(str(other))
        return (self.parts > o.parts) - (self.parts < o.parts)

    def __ps_eq__(self, other: Any) -> bool:
        try:
            return self.__ps_compare__(other) == 0
        except ValueError:
            return False


def _host(ctx: Any) -> Any:
    from vboshell.runtime.hostobj import HostObject

    return HostObject(ctx)


_DYNAMIC: dict[str, Any] = {
    "psversiontable": _ps_version_table,
    "host": _host,
    "executioncontext": lambda ctx: ctx,
    "psculture": lambda ctx: "en-US",
}
_DYNAMIC_NAMES = {"psversiontable": "PSVersionTable", "host": "Host", "executioncontext": "ExecutionContext",
                  "psculture": "PSCulture"}
