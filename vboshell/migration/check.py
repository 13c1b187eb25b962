"""`vboshell check FILE|DIR ...`: reports, without running anything, what in a script will not work in vboshell.
Uses the same definitions as the runtime: the parser, the cmdlet registry, the surface catalogue and the declarations.

Finding categories (severity):
    parse-error          (error)   the script does not parse; code is the parser's error id
    unknown-command      (error)   a Verb-Noun command that is no cmdlet, alias, or function of the script; also
                                   PowerShell background jobs (Start-Job -ScriptBlock, Wait-Job, Receive-Job)
    external-program     (warning) a bare name that would run as an external program (robocopy, net, ...)
    api-only             (error)   a Veeam cmdlet, parameter or value not supported in API-only mode
    not-applicable       (error)   a Veeam cmdlet, parameter or value whose concept does not exist in vboshell
    not-implemented      (error)   a Veeam cmdlet vboshell does not provide yet (planned)
    unknown-parameter    (error)   a named parameter the command does not declare (PowerShell's prefix rules),
                                   or an ambiguous prefix, or a constant outside the parameter's ValidateSet
    obsolete-parameter   (warning) a parameter vboshell accepts but ignores (the declaration's warning)
    windows-only         (error/warning) DPAPI secrets (warning), Windows Forms, COM objects, snap-ins,
                                   Windows-only cmdlets (errors), each with the portable alternative
    module               (warning) Import-Module of a module vboshell does not have; unresolved dot-sourcing

Exit code: 0 when every file is clean, 1 when the worst finding is a warning, 2 when any file has errors,
3 on a usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from vboshell.language import ast as A

ERROR = "error"
WARNING = "warning"

COMMON_PARAMETERS: dict[str, tuple[str, ...]] = {
    "Verbose": ("vb",), "Debug": ("db",), "ErrorAction": ("ea",), "WarningAction": ("wa",),
    "InformationAction": ("infa",), "ErrorVariable": ("ev",), "WarningVariable": ("wv",),
    "InformationVariable": ("iv",), "OutVariable": ("ov",), "OutBuffer": ("ob",), "PipelineVariable": ("pv",),
    "ProgressAction": ("proga",),
}
SHOULD_PROCESS_PARAMETERS: dict[str, tuple[str, ...]] = {"WhatIf": ("wi",), "Confirm": ("cf",)}

VEEAM_MODULE_NAMES = {
    "veeam.archiver.powershell", "veeam.exchange.powershell", "veeam.sharepoint.powershell",
    "veeam.teams.powershell",
}
BUILTIN_MODULE_PREFIXES = ("microsoft.powershell.",)

DPAPI_ADVICE = (
    "vboshell's ConvertTo-SecureString/ConvertFrom-SecureString use its own master key in VBOSHELL_HOME as the portable "
    "stand-in for Windows DPAPI, so a file encrypted by Windows cannot be read here. Re-encrypt it once on this "
    "machine: Read-Host -AsSecureString | ConvertFrom-SecureString | Set-Content <file>."
)
WINFORMS_ADVICE = (
    "Windows Forms (and WPF/System.Drawing) GUIs exist only on Windows and vboshell has no GUI. Use script "
    "parameters or Read-Host for input and Write-Host, Out-File or Export-Csv for output."
)
SNAPIN_ADVICE = (
    "PowerShell snap-ins exist only in Windows PowerShell; Veeam Backup for Microsoft 365's cmdlets are built into "
    "vboshell, so remove the Add-PSSnapin line (VeeamPSSnapIn belongs to Veeam Backup & Replication, which vboshell "
    "does not cover)."
)
COM_ADVICE = {
    "outlook.application": "send mail through an SMTP relay or Microsoft Graph instead of driving Outlook",
    "excel.application": "write CSV with Export-Csv (Excel opens it) instead of driving Excel",
    "wscript.shell": "use Write-Host/Read-Host instead of WScript.Shell popups",
    "scripting.filesystemobject": "use Get-ChildItem, Test-Path and Get-Content instead of the FileSystemObject",
    "shell.application": "use Get-ChildItem and Copy-Item instead of the Windows shell object",
}
WINDOWS_ONLY_COMMANDS = {
    "get-wmiobject": "Windows Management Instrumentation exists only on Windows; read system data with psutil-backed "
                     "cmdlets or `Get-VBOServer`/`Get-VBOProxy` for vboshell's own state.",
    "get-ciminstance": "CIM/WMI exists only on Windows.",
    "write-eventlog": "The Windows event log exists only on Windows; write to a log file with Out-File -Append "
                      "(or let systemd/cron capture standard output).",
    "new-eventlog": "The Windows event log exists only on Windows; write to a log file with Out-File -Append.",
    "get-eventlog": "The Windows event log exists only on Windows.",
    "get-service": "Windows services exist only on Windows; vboshell's scheduler is `vboshell service` (systemd).",
    "start-service": "Windows services exist only on Windows; vboshell's scheduler is `vboshell service` (systemd).",
    "stop-service": "Windows services exist only on Windows; vboshell's scheduler is `vboshell service` (systemd).",
    "restart-service": "Windows services exist only on Windows; vboshell's scheduler is `vboshell service`.",
    "add-pssnapin": SNAPIN_ADVICE,
    "out-gridview": "Out-GridView opens a Windows window; use Format-Table or Export-Csv instead.",
}
# PowerShell's background-job cmdlets. vboshell has none; Start-Job/Get-Job/Stop-Job/Remove-Job are Veeam's short
# names for Start-VBOJob & co, so a script using PowerShell jobs would call the backup-job cmdlets instead.
PS_JOB_CMDLETS = {"start-job", "get-job", "stop-job", "remove-job", "wait-job", "receive-job"}
PS_JOB_PARAMETERS = ("scriptblock", "filepath", "argumentlist", "initializationscript", "runas32", "psversion",
                     "credential", "authentication", "inputobject", "state", "command", "keep", "timeout", "any")
JOB_ADVICE = ("PowerShell background jobs do not exist in vboshell: Start-Job, Get-Job, Stop-Job and Remove-Job are "
              "Veeam's short names for Start-VBOJob, Get-VBOJob, Stop-VBOJob and Remove-VBOJob. Run the script block "
              "directly (or start several vboshell processes), and use Start-VBOJob -RunAsync for backup jobs.")
_WINFORMS_TYPE = re.compile(r"^(system\.)?(windows\.forms|drawing|windows\.controls|windows\.markup)\b|"
                            r"^presentationframework$", re.IGNORECASE)
_WINFORMS_ASSEMBLY = re.compile(r"(windows\.forms|system\.drawing|presentationframework|presentationcore|"
                                r"microsoft\.visualbasic)", re.IGNORECASE)
_SCRIPT_EXTS = (".ps1", ".psm1")


@dataclass
class Finding:
    file: str
    line: int
    column: int
    severity: str
    category: str
    code: str
    message: str
    command: str | None = None
    parameter: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class FileReport:
    path: str
    findings: list[Finding] = field(default_factory=list)
    parsed: bool = True  # False: parse errors, so nothing else could be checked

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == WARNING)

    @property
    def status(self) -> str:
        return "errors" if self.errors else "warnings" if self.warnings else "clean"

    def add(self, extent: A.Extent, severity: str, category: str, code: str, message: str,
            command: str | None = None, parameter: str | None = None) -> None:
        self.findings.append(Finding(self.path, extent.start_line, extent.start_column, severity, category, code,
                                     message, command, parameter))

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "status": self.status,
            "parsed": self.parsed,
            "errors": self.errors,
            "warnings": self.warnings,
            "findings": [f.to_json() for f in self.findings],
        }


# ------------------------------------------------------------------------------------------------
# Parameter resolution with PowerShell's rules: exact name or alias first, then a unique prefix


@dataclass
class ParamSpec:
    name: str
    aliases: tuple[str, ...] = ()
    is_switch: bool = False
    validate_set: tuple[str, ...] | None = None
    obsolete_warning: str | None = None
    common: bool = False


@dataclass
class Resolution:
    spec: ParamSpec | None = None
    ambiguous: list[str] = field(default_factory=list)


def resolve_parameter(name: str, specs: Iterable[ParamSpec]) -> Resolution:
    low = name.lower()
    specs = list(specs)
    for s in specs:
        if s.name.lower() == low or low in (a.lower() for a in s.aliases):
            return Resolution(s)
    matches: dict[str, ParamSpec] = {}
    for s in specs:
        if s.name.lower().startswith(low) or any(a.lower().startswith(low) for a in s.aliases):
            matches[s.name.lower()] = s
    if len(matches) == 1:
        return Resolution(next(iter(matches.values())))
    if len(matches) > 1:
        own = [s for s in matches.values() if not s.common]
        if len(own) == 1:  # the binder's rule: a command's own parameter beats common ones
            return Resolution(own[0])
        return Resolution(None, sorted(s.name for s in matches.values()))
    return Resolution(None)


def cmdlet_resolver(cls: Any) -> tuple[Any, bool] | None:
    """Resolution with the runtime binder itself (same metadata, same prefix rules), and whether unknown named
    parameters are accepted. None when the binder is not available."""
    try:
        from vboshell.commands.binder import Binder, ParameterBindingError, metadata_for_cmdlet
    except ImportError:  # pragma: no cover - runtime not built yet
        return None
    meta = metadata_for_cmdlet(cls)
    binder = Binder(meta)

    def resolve(name: str) -> Resolution:
        try:
            p = binder.resolve_name(name)
        except ParameterBindingError as e:
            tail = e.error_record.message.split("Possible matches include:")[-1]
            return Resolution(None, sorted(set(re.findall(r"-([A-Za-z0-9_]+)", tail))))
        if p is None:
            return Resolution(None)
        return Resolution(ParamSpec(p.name, tuple(p.aliases), p.is_switch, p.validate_set, p.obsolete_warning,
                                    common=p.name.lower() not in meta.own_names))

    return resolve, not meta.cmdlet_binding


def _common_specs(should_process: bool) -> list[ParamSpec]:
    out = [ParamSpec(n, a, common=True) for n, a in COMMON_PARAMETERS.items()]
    if should_process:
        out += [ParamSpec(n, a, is_switch=True, common=True) for n, a in SHOULD_PROCESS_PARAMETERS.items()]
    return out


def cmdlet_specs(cls: Any) -> tuple[list[ParamSpec], bool]:
    """The parameters a cmdlet class accepts (declared + common) and whether it takes any remaining arguments."""
    specs: list[ParamSpec] = []
    remaining = False
    declared = {p.name.lower() for p in cls.parameters}
    for p in cls.parameters:
        specs.append(ParamSpec(p.name, tuple(p.aliases), p.is_switch, p.validate_set, p.obsolete_warning))
        remaining = remaining or p.value_from_remaining_arguments
    sp = bool(getattr(cls, "supports_should_process", False))
    specs += [s for s in _common_specs(sp) if s.name.lower() not in declared]
    return specs, remaining


# ------------------------------------------------------------------------------------------------
# Script-level knowledge: functions, aliases and dot-sourced files


@dataclass
class FunctionInfo:
    name: str
    specs: list[ParamSpec] | None  # None: not an advanced function (unknown -Names go to $args)


@dataclass
class ScriptScope:
    functions: dict[str, FunctionInfo] = field(default_factory=dict)
    aliases: set[str] = field(default_factory=set)
    unresolved: list[tuple[A.Ast, str]] = field(default_factory=list)  # dot-sources we could not follow


def _param_asts(fn: A.FunctionDefinitionAst) -> tuple[list[A.ParameterAst], bool]:
    params: list[A.ParameterAst] = []
    advanced = False
    pb = fn.body.param_block
    if pb is not None:
        params = list(pb.parameters)
        advanced = any(a.type_name.lower() == "cmdletbinding" for a in pb.attributes)
    elif fn.parameters:
        params = list(fn.parameters)
    for p in params:
        for attr in p.attributes:
            if isinstance(attr, A.AttributeAst) and attr.type_name.lower() in ("parameter", "alias"):
                advanced = advanced or attr.type_name.lower() == "parameter"
    return params, advanced


def _function_info(fn: A.FunctionDefinitionAst) -> FunctionInfo:
    params, advanced = _param_asts(fn)
    if not advanced:
        return FunctionInfo(fn.name, None)
    specs: list[ParamSpec] = []
    for p in params:
        aliases: list[str] = []
        is_switch = False
        vset: tuple[str, ...] | None = None
        for attr in p.attributes:
            tn = attr.type_name.lower()
            if tn in ("switch", "system.management.automation.switchparameter"):
                is_switch = True
            if isinstance(attr, A.AttributeAst) and tn == "alias":
                aliases += [str(_const(x)) for x in attr.positional_arguments if _const(x) is not None]
            if isinstance(attr, A.AttributeAst) and tn == "validateset":
                vals = [_const(x) for x in attr.positional_arguments]
                if all(v is not None for v in vals):
                    vset = tuple(str(v) for v in vals)
        specs.append(ParamSpec(p.name.unqualified_name, tuple(aliases), is_switch, vset))
    names = {s.name.lower() for s in specs}
    specs += [s for s in _common_specs(True) if s.name.lower() not in names]
    return FunctionInfo(fn.name, specs)


def _const(node: Any) -> Any:
    """The value of a constant argument (string, number, bare word), else None."""
    if isinstance(node, A.StringConstantExpressionAst):
        return node.value
    if isinstance(node, A.ConstantExpressionAst):
        return node.value
    if isinstance(node, A.ExpandableStringExpressionAst) and all(isinstance(p, str) for p in node.parts):
        return "".join(node.parts)  # type: ignore[arg-type]
    if isinstance(node, A.ParenExpressionAst):
        return None
    return None


def _path_argument(node: Any, script_dir: Path) -> Path | None:
    """A dot-sourced/imported path: constants, plus $PSScriptRoot-relative strings."""
    text: str | None = None
    if isinstance(node, A.StringConstantExpressionAst):
        text = node.value
    elif isinstance(node, A.ExpandableStringExpressionAst):
        pieces: list[str] = []
        for part in node.parts:
            if isinstance(part, str):
                pieces.append(part)
            elif isinstance(part, A.VariableExpressionAst) and part.unqualified_name.lower() == "psscriptroot":
                pieces.append(str(script_dir.resolve()))
            else:
                return None
        text = "".join(pieces)
    if not text:
        return None
    text = text.replace("\\", "/")
    p = Path(text)
    if not p.is_absolute():
        p = script_dir / p
    return p


# ------------------------------------------------------------------------------------------------
# The checker


class Checker:
    def __init__(self) -> None:
        from vboshell.commands import registry

        self.registry = registry
        self._parsed: dict[Path, tuple[A.ScriptBlockAst | None, list[Any]]] = {}

    # -- parsing ----------------------------------------------------------------------------------
    def parse_file(self, path: Path) -> tuple[A.ScriptBlockAst | None, list[Any], str]:
        from vboshell.language import ParseError, parse

        key = path.resolve()
        text = read_script(path)
        if key in self._parsed:
            tree, errors = self._parsed[key]
            return tree, errors, text
        try:
            tree: A.ScriptBlockAst | None = parse(text, file=str(path))
            errors: list[Any] = []
        except ParseError as e:
            errors = list(e.errors or [e])
            partial = e.partial_ast
            tree = partial if isinstance(partial, A.ScriptBlockAst) else None
        self._parsed[key] = (tree, errors)
        return tree, errors, text

    # -- scope collection -------------------------------------------------------------------------
    def collect_scope(self, tree: A.Ast | None, script_dir: Path, scope: ScriptScope, seen: set[Path]) -> None:
        if tree is None:
            return
        for node in tree.walk():
            if isinstance(node, A.FunctionDefinitionAst):
                scope.functions.setdefault(node.name.lower(), _function_info(node))
            elif isinstance(node, A.CommandAst):
                name = (node.get_command_name() or "") if node.invocation_operator != "." else ""
                low = name.lower()
                if node.invocation_operator == "." and node.elements:
                    self._follow(node, node.elements[0], script_dir, scope, seen)
                elif low in ("set-alias", "new-alias", "sal", "nal"):
                    args = [e for e in node.elements[1:] if not isinstance(e, A.CommandParameterAst)]
                    named = _named_arguments(node)
                    alias = named.get("name") or (args[0] if args else None)
                    value = _const(alias) if alias is not None else None
                    if value:
                        scope.aliases.add(str(value).lower())
                elif low in ("import-module", "ipmo") and len(node.elements) > 1:
                    target = _named_arguments(node).get("name") or _first_positional(node)
                    p = _path_argument(target, script_dir) if target is not None else None
                    if p is not None and p.suffix.lower() in _SCRIPT_EXTS:
                        self._follow(node, target, script_dir, scope, seen)

    def _follow(self, node: A.CommandAst, target: Any, script_dir: Path, scope: ScriptScope, seen: set[Path]) -> None:
        p = _path_argument(target, script_dir)
        if p is None:
            if not isinstance(target, A.ScriptBlockExpressionAst):
                scope.unresolved.append((node, target.extent.text if isinstance(target, A.Ast) else "?"))
            return
        if not p.is_file():
            scope.unresolved.append((node, str(target.extent.text)))
            return
        rp = p.resolve()
        if rp in seen:
            return
        seen.add(rp)
        tree, _errors, _text = self.parse_file(p)
        self.collect_scope(tree, p.parent, scope, seen)

    # -- checking ---------------------------------------------------------------------------------
    def check_file(self, path: Path, shown: str) -> FileReport:
        report = FileReport(shown)
        try:
            tree, errors, _text = self.parse_file(path)
        except OSError as e:
            report.findings.append(Finding(shown, 0, 0, ERROR, "parse-error", "FileNotReadable",
                                           f"The file cannot be read: {e.strerror or e}."))
            return report
        report.parsed = not errors
        for err in errors:
            report.findings.append(Finding(shown, err.extent.start_line, err.extent.start_column, ERROR,
                                           "parse-error", err.error_id, err.message))
        scope = ScriptScope()
        self.collect_scope(tree, path.parent, scope, {path.resolve()})
        if tree is not None:
            FileVisitor(self, scope, report, path.parent).visit(tree)
            self.check_requires(tree, _text, report)
        for node, text in scope.unresolved:
            report.add(node.extent, WARNING, "module", "DotSourceNotFound",
                       f"The dot-sourced or imported script {text} could not be found or resolved, so the functions "
                       "it defines are not known to the check.")
        report.findings = _dedupe(report.findings)
        return report


    def check_requires(self, tree: A.ScriptBlockAst, text: str, report: FileReport) -> None:
        """`#Requires -Modules X` of a module vboshell lacks, and `#Requires -PSSnapin`."""
        lines = text.splitlines()

        def where(switch: str) -> tuple[int, int]:
            for n, line in enumerate(lines, 1):
                m = re.match(r"\s*#requires\s.*-" + switch, line, re.IGNORECASE)
                if m:
                    return n, line.lower().index("#requires") + 1
            return 1, 1

        for switch, value in tree.requires:
            sw = switch.lower()
            if sw in ("pssnapin", "snapin"):
                line, col = where("ps")
                report.findings.append(Finding(report.path, line, col, ERROR, "windows-only", "PSSnapin",
                                               f"#Requires -PSSnapin {value}: {SNAPIN_ADVICE}"))
            elif sw == "modules":
                m = re.search(r"modulename\s*=\s*['\"]([^'\"]+)", value, re.IGNORECASE)
                name = m.group(1) if m else value.strip().strip("'\"")
                low = name.lower()
                if low in VEEAM_MODULE_NAMES or low.startswith(BUILTIN_MODULE_PREFIXES):
                    continue
                line, col = where("mod")
                report.findings.append(Finding(report.path, line, col, WARNING, "module", "ModuleNotFound",
                                               f"#Requires -Modules {name}: the module is not available in vboshell; "
                                               "its commands will be unknown. The Veeam modules are built in."))


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[int, int, str, str | None]] = set()
    out: list[Finding] = []
    for f in sorted(findings, key=lambda f: (f.line, f.column)):
        key = (f.line, f.column, f.code, f.parameter)
        if key in seen:
            continue
        seen.add(key)
        out.append(f)
    return out


def _named_arguments(node: A.CommandAst) -> dict[str, Any]:
    """Lower-case parameter name (as written) -> its argument AST (the glued `-P:v` form or the next element)."""
    out: dict[str, Any] = {}
    els = node.elements[1:]
    for i, el in enumerate(els):
        if isinstance(el, A.CommandParameterAst):
            if el.argument is not None:
                out[el.parameter_name.lower()] = el.argument
            elif i + 1 < len(els) and not isinstance(els[i + 1], A.CommandParameterAst):
                out[el.parameter_name.lower()] = els[i + 1]
            else:
                out[el.parameter_name.lower()] = None
    return out


def _first_positional(node: A.CommandAst) -> Any:
    els = node.elements[1:]
    i = 0
    while i < len(els):
        el = els[i]
        if isinstance(el, A.CommandParameterAst):
            i += 1 if el.argument is not None else 2
            continue
        return el
    return None


def _type_names(node: A.Ast) -> Iterator[str]:
    if isinstance(node, (A.TypeExpressionAst, A.ConvertExpressionAst)):
        yield node.type_name
    elif isinstance(node, A.AttributeBaseAst):
        yield node.type_name


def _is_path_like(name: str) -> bool:
    return (name.startswith((".", "/", "~", "\\")) or bool(re.match(r"^[A-Za-z]:[\\/]", name))
            or name.lower().endswith((".ps1", ".exe", ".bat", ".cmd", ".sh", ".com")))


class FileVisitor:
    """Walks one file's AST and records findings for commands, parameters, types and static calls."""

    def __init__(self, checker: Checker, scope: ScriptScope, report: FileReport, script_dir: Path) -> None:
        self.checker = checker
        self.scope = scope
        self.report = report
        self.script_dir = script_dir
        self.winforms_types: set[str] = set()

    def add(self, extent: A.Extent, severity: str, category: str, code: str, message: str,
            command: str | None = None, parameter: str | None = None) -> None:
        self.report.add(extent, severity, category, code, message, command, parameter)

    def visit(self, tree: A.Ast) -> None:
        for node in tree.walk():
            if isinstance(node, A.CommandAst):
                self.command(node)
            elif isinstance(node, A.InvokeMemberExpressionAst):
                self.static_call(node)
            for type_name in _type_names(node):
                self.type_use(node, type_name)

    # -- types and static calls -------------------------------------------------------------------
    def type_use(self, node: A.Ast, type_name: str) -> None:
        tn = type_name.strip().lower()
        if _WINFORMS_TYPE.search(tn):
            if tn not in self.winforms_types:
                self.winforms_types.add(tn)
                self.add(node.extent, ERROR, "windows-only", "WindowsForms",
                         f"[{type_name}] is a Windows GUI type. {WINFORMS_ADVICE}")
        elif tn in ("system.security.cryptography.protecteddata", "security.cryptography.protecteddata"):
            self.add(node.extent, WARNING, "windows-only", "DpapiSecret",
                     f"[{type_name}] is Windows DPAPI. {DPAPI_ADVICE}")

    def static_call(self, node: A.InvokeMemberExpressionAst) -> None:
        member = _const(node.member)
        if not node.static or not isinstance(member, str):
            return
        if member.lower().startswith("load") and isinstance(node.expression, A.TypeExpressionAst) \
                and node.expression.type_name.lower().endswith("reflection.assembly"):
            for arg in node.arguments:
                value = _const(arg)
                if isinstance(value, str) and _WINFORMS_ASSEMBLY.search(value):
                    self.add(node.extent, ERROR, "windows-only", "WindowsForms",
                             f"Loading the assembly '{value}' needs Windows. {WINFORMS_ADVICE}")

    # -- commands ---------------------------------------------------------------------------------
    def command(self, node: A.CommandAst) -> None:
        if node.invocation_operator == ".":
            return  # dot-sourcing: followed while collecting the scope
        name = node.get_command_name()
        if not name:
            return
        low = name.lower()
        if "\\" in name and not _is_path_like(name):
            module, _, rest = name.rpartition("\\")
            if module.lower() in VEEAM_MODULE_NAMES or module.lower().startswith(BUILTIN_MODULE_PREFIXES):
                name, low = rest, rest.lower()
        if low in self.scope.aliases:
            return
        if low in self.scope.functions:
            fn = self.scope.functions[low]
            if fn.specs is not None:
                self.parameters(node, name, fn.specs, remaining=False)
            return
        if _is_path_like(name):
            self.script_or_program(node, name)
            return
        if low in PS_JOB_CMDLETS and self.powershell_job(node, name, low):
            return
        cls = self.checker.registry.lookup(name)
        if self.special(node, name, low, cls):
            return
        if cls is None:
            self.unknown(node, name)
            return
        self.veeam(node, name, cls)

    def powershell_job(self, node: A.CommandAst, name: str, low: str) -> bool:
        """A PowerShell background-job call (Wait-/Receive-Job, or Start-Job -ScriptBlock ...): report it."""
        job_params = [el for el in node.elements[1:] if isinstance(el, A.CommandParameterAst)
                      and len(el.parameter_name) >= 2
                      and any(p.startswith(el.parameter_name.lower()) for p in PS_JOB_PARAMETERS)]
        script_block_arg = any(isinstance(el, A.ScriptBlockExpressionAst) for el in node.elements[1:])
        if low in ("wait-job", "receive-job") or script_block_arg or (
                low == "start-job" and job_params) or (low != "start-job" and any(
                p.parameter_name.lower() in ("state", "keep", "any", "timeout") for p in job_params)):
            self.add(node.elements[0].extent, ERROR, "unknown-command", "PowerShellJobNotSupported",
                     f"{name} is used as a PowerShell background-job cmdlet. {JOB_ADVICE}", command=name)
            return True
        return False

    def script_or_program(self, node: A.CommandAst, name: str) -> None:
        if name.lower().endswith(".ps1"):
            p = _path_argument(node.elements[0], self.script_dir)
            if p is None or not p.is_file():
                self.add(node.elements[0].extent, WARNING, "module", "ScriptNotFound",
                         f"The script '{name}' was not found next to this file.", command=name)
            return
        self.add(node.elements[0].extent, WARNING, "external-program", "ExternalProgram",
                 f"'{name}' would run as an external program; Windows programs are not available on other "
                 "systems, so check that it exists on the machine that runs the script.", command=name)

    def unknown(self, node: A.CommandAst, name: str) -> None:
        ext = node.elements[0].extent
        if re.match(r"^[A-Za-z]+-[A-Za-z0-9.]+$", name):
            low = name.lower()
            if low in WINDOWS_ONLY_COMMANDS:
                self.add(ext, ERROR, "windows-only", "WindowsOnlyCommand",
                         f"{name} is a Windows-only command. {WINDOWS_ONLY_COMMANDS[low]}", command=name)
                return
            self.add(ext, ERROR, "unknown-command", "CommandNotFound",
                     f"The term '{name}' is not recognized as the name of a cmdlet, function or alias in vboshell, "
                     "and it is not defined in this script or a script it dot-sources.", command=name)
            return
        self.add(ext, WARNING, "external-program", "ExternalProgram",
                 f"'{name}' is not a cmdlet, function or alias; it would run as an external program, which must "
                 "exist on the machine that runs the script (Windows tools usually do not exist elsewhere).",
                 command=name)

    def special(self, node: A.CommandAst, name: str, low: str, cls: Any) -> bool:
        """Windows-only idioms on otherwise known commands. Returns True when the command is fully handled."""
        ext = node.elements[0].extent
        canonical = (cls.name.lower() if cls is not None else low)
        if canonical == "add-pssnapin" or low == "add-pssnapin":
            self.add(ext, ERROR, "windows-only", "PSSnapin", f"{name}: {SNAPIN_ADVICE}", command=name)
            return True
        if canonical == "convertto-securestring":
            specs = [ParamSpec(n) for n in ("String", "AsPlainText", "Force", "Key", "SecureKey")]
            used = {r.spec.name for el in node.elements[1:] if isinstance(el, A.CommandParameterAst)
                    for r in [resolve_parameter(el.parameter_name, specs)] if r.spec}
            if not used & {"AsPlainText", "Key", "SecureKey"}:
                self.add(ext, WARNING, "windows-only", "DpapiSecret",
                         "ConvertTo-SecureString without -AsPlainText or -Key reads a Windows DPAPI-encrypted "
                         f"string. {DPAPI_ADVICE}", command=name)
        elif canonical == "import-clixml":
            self.add(ext, WARNING, "windows-only", "DpapiSecret",
                     "Credentials and secure strings saved with Export-Clixml on Windows are DPAPI-encrypted. "
                     + DPAPI_ADVICE.replace("Read-Host -AsSecureString | ConvertFrom-SecureString | Set-Content "
                                            "<file>", "save them again with Export-Clixml in vboshell"),
                     command=name)
        elif canonical == "add-type":
            named = _named_arguments(node)
            for key, value in named.items():
                if "assemblyname".startswith(key) and key.startswith("a"):
                    for v in _values(value):
                        if _WINFORMS_ASSEMBLY.search(v):
                            self.add(ext, ERROR, "windows-only", "WindowsForms",
                                     f"Add-Type -AssemblyName {v} loads a Windows GUI assembly. {WINFORMS_ADVICE}",
                                     command=name, parameter="AssemblyName")
        elif canonical == "new-object":
            named = _named_arguments(node)
            for key, value in named.items():
                if key and "comobject".startswith(key) and len(key) >= 2:
                    prog = next(iter(_values(value)), "")
                    advice = COM_ADVICE.get(prog.lower(), "use a cmdlet or a file format instead")
                    self.add(ext, ERROR, "windows-only", "ComObject",
                             f"New-Object -ComObject {prog or '...'} creates a Windows COM object, which exists "
                             f"only on Windows; {advice}.", command=name, parameter="ComObject")
                    return False
            tname = named.get("typename") or _first_positional(node)
            for v in _values(tname):
                if _WINFORMS_TYPE.search(v.lower()):
                    if v.lower() not in self.winforms_types:
                        self.winforms_types.add(v.lower())
                        self.add(ext, ERROR, "windows-only", "WindowsForms",
                                 f"New-Object {v} creates a Windows GUI object. {WINFORMS_ADVICE}", command=name)
        elif canonical == "import-module" and cls is not None:
            self.import_module(node)
        return False

    def import_module(self, node: A.CommandAst) -> None:
        target = _named_arguments(node).get("name") or _first_positional(node)
        for v in _values(target):
            base = re.split(r"[\\/]", v)[-1]
            stem = re.sub(r"\.(psd1|psm1|dll|ps1)$", "", base, flags=re.IGNORECASE).lower()
            if stem in VEEAM_MODULE_NAMES or stem.startswith(BUILTIN_MODULE_PREFIXES):
                continue
            if base.lower().endswith(_SCRIPT_EXTS):
                continue  # followed while collecting the scope
            self.add(target.extent, WARNING, "module", "ModuleNotFound",
                     f"The module '{v}' is not available in vboshell; Import-Module will fail and its commands "
                     "will be unknown. The Veeam modules are built in.", command="Import-Module")

    def veeam(self, node: A.CommandAst, name: str, cls: Any) -> None:
        from vboshell.cmdlets import surface
        from vboshell.cmdlets.placeholders import is_placeholder, placeholder_error

        entry = surface.entry(cls.name)
        ext = node.elements[0].extent
        rules = surface.parameter_rules(cls.name)
        if entry is not None and (is_placeholder(cls) or entry.status in (surface.API_ONLY, surface.NOT_APPLICABLE)):
            status = entry.status
            rec = placeholder_error(entry, name).error_record
            category = {surface.API_ONLY: "api-only", surface.NOT_APPLICABLE: "not-applicable"}.get(
                status, "not-implemented")
            self.add(ext, ERROR, category, rec.error_id, rec.message, command=cls.name)
            if category == "not-implemented" and rules:
                # the parameters are not declared yet, but what API-only mode rules out is already known
                self.parameters(node, cls.name, [], remaining=True, rules=rules, exact=True)
            return
        binder = cmdlet_resolver(cls)
        if binder is not None:
            resolve, remaining = binder
            self.parameters(node, cls.name, [], remaining, rules=rules, resolver=resolve)
            return
        specs, remaining = cmdlet_specs(cls)
        self.parameters(node, cls.name, specs, remaining, rules=rules)

    def parameters(self, node: A.CommandAst, cmd_name: str, specs: list[ParamSpec], remaining: bool,
                   rules: list[Any] | None = None, exact: bool = False, resolver: Any = None) -> None:
        """Check named parameters against `specs` (or the binder's `resolver`), then the catalogue's parameter rules.
        `exact`: the command's parameters are unknown (a placeholder), so only exact names of parameter rules are
        matched (a prefix could belong to an undeclared parameter)."""
        from vboshell.cmdlets import surface

        rules = rules or []
        rule_specs = {r.parameter.lower(): ParamSpec(r.parameter) for r in rules}
        els = node.elements[1:]
        declared = {x.name.lower() for x in specs}
        for i, el in enumerate(els):
            if not isinstance(el, A.CommandParameterAst):
                continue
            undeclared = False
            if exact:
                res = Resolution(rule_specs.get(el.parameter_name.lower()))
            else:
                res = resolver(el.parameter_name) if resolver is not None else \
                    resolve_parameter(el.parameter_name, specs)
                if res.spec is None and not res.ambiguous and rule_specs:
                    # a parameter vboshell does not declare but knows to be unsupported (e.g. -Office365Credential)
                    res = resolve_parameter(el.parameter_name, rule_specs.values())
                    undeclared = res.spec is not None
            shown = f"-{el.parameter_name}"
            if res.ambiguous:
                self.add(el.extent, ERROR, "unknown-parameter", "AmbiguousParameter",
                         f"Parameter cannot be processed because the parameter name '{el.parameter_name}' is "
                         f"ambiguous for {cmd_name}. Possible matches include: "
                         + " ".join(f"-{n}" for n in res.ambiguous) + ".",
                         command=cmd_name, parameter=el.parameter_name)
                continue
            if res.spec is None:
                if not remaining:
                    self.add(el.extent, ERROR, "unknown-parameter", "NamedParameterNotFound",
                             f"A parameter cannot be found that matches parameter name '{el.parameter_name}' "
                             f"of {cmd_name}.", command=cmd_name, parameter=el.parameter_name)
                continue
            spec = res.spec
            value_node = el.argument
            if value_node is None and not spec.is_switch and i + 1 < len(els) \
                    and not isinstance(els[i + 1], A.CommandParameterAst):
                value_node = els[i + 1]
            value = _const(value_node) if value_node is not None else None
            value_text = str(value) if value is not None and not isinstance(value, bool) else None
            handled = False
            for rule in rules:
                if rule.parameter.lower() != spec.name.lower():
                    continue
                if rule.value_pattern is not None and not rule.matches_value(value_text):
                    continue
                err = surface.parameter_error(rule, cmd_name, value_text if rule.value_pattern else None)
                rec = err.error_record
                category = "api-only" if rule.status == surface.API_ONLY else "not-applicable"
                at = value_node.extent if rule.value_pattern is not None and value_node is not None else el.extent
                self.add(at, rule.severity, category, rec.error_id, rec.message, command=cmd_name,
                         parameter=spec.name)
                handled = True
                break
            if handled:
                continue
            if undeclared or (resolver is None and not exact and spec.name.lower() not in declared):
                # only a rule knows this parameter, and its value did not match: the cmdlet does not declare it
                if not remaining:
                    self.add(el.extent, ERROR, "unknown-parameter", "NamedParameterNotFound",
                             f"A parameter cannot be found that matches parameter name '{el.parameter_name}' "
                             f"of {cmd_name}.", command=cmd_name, parameter=el.parameter_name)
                continue
            if spec.obsolete_warning:
                self.add(el.extent, WARNING, "obsolete-parameter", "ParameterIgnored",
                         f"{cmd_name} {shown}: {spec.obsolete_warning}", command=cmd_name, parameter=spec.name)
            if spec.validate_set and value_text is not None and value_node is not None \
                    and value_text.lower() not in (v.lower() for v in spec.validate_set):
                self.add(value_node.extent, ERROR, "unknown-parameter", "ParameterArgumentValidationError",
                         f"Cannot validate argument on parameter '{spec.name}' of {cmd_name}. The argument "
                         f"\"{value_text}\" does not belong to the set \"{','.join(spec.validate_set)}\".",
                         command=cmd_name, parameter=spec.name)


def _values(node: Any) -> list[str]:
    if node is None:
        return []
    if isinstance(node, A.ArrayLiteralAst):
        return [str(v) for v in (_const(e) for e in node.elements) if v is not None]
    v = _const(node)
    return [str(v)] if v is not None else []


# ------------------------------------------------------------------------------------------------
# Files, output and the command line


def read_script(path: Path) -> str:
    data = path.read_bytes()
    for enc in ("utf-8-sig", "utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig",):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("cp1252", errors="replace")


def iter_scripts(paths: list[str]) -> Iterator[tuple[Path, str]]:
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(
                (f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in _SCRIPT_EXTS),
                key=lambda f: str(f.relative_to(p)).lower(),
            )
            for f in found:
                yield f, os.path.join(raw, f.relative_to(p).as_posix())
        else:
            yield p, raw


def check_paths(paths: list[str]) -> list[FileReport]:
    checker = Checker()
    reports: list[FileReport] = []
    for path, shown in iter_scripts(paths):
        if not path.exists():
            r = FileReport(shown)
            r.findings.append(Finding(shown, 0, 0, ERROR, "parse-error", "FileNotFound",
                                      f"The path '{shown}' does not exist."))
            reports.append(r)
            continue
        reports.append(checker.check_file(path, shown))
    return reports


def summary(reports: list[FileReport]) -> dict[str, Any]:
    by_category: dict[str, int] = {}
    for r in reports:
        for f in r.findings:
            by_category[f.category] = by_category.get(f.category, 0) + 1
    return {
        "files": len(reports),
        "clean": sum(1 for r in reports if r.status == "clean"),
        "warnings": sum(1 for r in reports if r.status == "warnings"),
        "errors": sum(1 for r in reports if r.status == "errors"),
        "findings": sum(len(r.findings) for r in reports),
        "by_category": dict(sorted(by_category.items())),
    }


def exit_code(reports: list[FileReport]) -> int:
    if any(r.status == "errors" for r in reports):
        return 2
    if any(r.status == "warnings" for r in reports):
        return 1
    return 0


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def render_text(reports: list[FileReport]) -> str:
    lines: list[str] = []
    for r in reports:
        for f in r.findings:
            lines.append(f"{f.file}:{f.line}:{f.column}: {f.severity} [{f.category}] {f.code}: {f.message}")
        if r.status == "clean":
            lines.append(f"{r.path}: clean")
        else:
            note = "" if r.parsed else " (the script does not parse, so nothing else was checked)"
            lines.append(f"{r.path}: {_plural(r.errors, 'error')}, {_plural(r.warnings, 'warning')}{note}")
        lines.append("")
    s = summary(reports)
    lines.append(f"Checked {_plural(s['files'], 'file')}: {s['clean']} clean, {s['warnings']} with warnings, "
                 f"{s['errors']} with errors.")
    return "\n".join(lines)


def render_json(reports: list[FileReport]) -> str:
    return json.dumps({"version": 1, "files": [r.to_json() for r in reports], "summary": summary(reports)}, indent=2)


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # type: ignore[override]
        raise _UsageError(message)


def main(argv: list[str] | None = None) -> int:
    """`vboshell check [--format text|json] FILE|DIR ...` -> exit code (0 clean, 1 warnings, 2 errors, 3 usage)."""
    args_in = list(sys.argv[1:] if argv is None else argv)
    if args_in[:1] == ["check"]:
        args_in = args_in[1:]
    parser = _Parser(prog="vboshell check",
                     description="Report what in PowerShell scripts written for Veeam Backup for Microsoft 365 will "
                                 "not work in vboshell, without running them.")
    parser.add_argument("paths", nargs="+", metavar="FILE|DIR", help="scripts, or folders searched for *.ps1/*.psm1")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    try:
        ns = parser.parse_args(args_in)
    except _UsageError as e:
        print(f"vboshell check: {e}", file=sys.stderr)
        print(parser.format_usage().rstrip(), file=sys.stderr)
        return 3
    try:
        reports = check_paths(ns.paths)
    except KeyboardInterrupt:
        return 130
    out = render_json(reports) if ns.format == "json" else render_text(reports)
    sys.stdout.write(out + "\n")
    return exit_code(reports)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
