"""Bad input: generated scripts, parameter values and command lines only ever produce ErrorRecords.
No Python traceback reaches the user (host output, CLI stdout/stderr) and no InternalError (a bug) is recorded."""

from __future__ import annotations

import string
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.reliability.conftest import child_env, pick, vboshell_exe
from vboshell.runtime.context import BufferHost, ExecutionContext

# Cmdlets not exercised with random arguments, and why.
SKIP_CMDLETS = {
    "start-sleep": "sleeps",
    "read-host": "reads input",
    "get-credential": "reads input",
    "out-gridview": "interactive viewer (-Wait)",
    "out-host": "-Paging starts a pager",
    "clear-host": "writes terminal control codes only",
    "start-vbosandbox": "starts a tenant server",
    "stop-vbosandbox": "stops shared tenant servers",
    "get-help": "-Online/-ShowWindow open a browser",
    "invoke-expression": "covered by the script generator",
}
NEEDS_TENANT_PREFIXES = ("get-vboorganizationuser", "get-vboorganizationgroup", "get-vboorganizationsite",
                         "get-vboorganizationteam", "get-vboorganizationusageestimate", "add-vboorganization",
                         "set-vboorganization", "get-vbolicenseduser")

# Script fragments: the language's shapes plus vboshell's own cmdlets and their typical parameters.
TOKENS = [
    "$x", "$null", "$true", "1", "-1", "2.5", "1e309", "0x7fffffffffffffff", "'a'", '"b$x"', '"$(1/0)"', "@(1,2)",
    "@{a=1}", "@{}", "(", ")", "{", "}", "[", "]", "[int]", "[string]", "[datetime]", "[guid]", "[securestring]",
    "[System.IO.File]::ReadAllText", "+", "-", "*", "/", "%", "-eq", "-like", "-match", "'(['", "-replace", "-split",
    "-join", "-f", "'{0'", "-and", "-not", ",", ";", "|", "=", "+=", ".", "::", "..", "ForEach-Object", "Where-Object",
    "Select-Object", "-First", "-ExpandProperty", "Sort-Object", "Measure-Object", "Write-Output", "if", "else",
    "elseif", "try", "catch", "finally", "throw", "trap", "switch", "foreach", "while", "do", "until", "in",
    "function", "f", "param", "begin", "process", "end", "$_", "$args", "return", "break", "continue", "@", "&",
    "2>&1", "*>", "$null", "`", "'", '"', "@'\n", "\n'@", "#", "<#", "#>", "\n", "Get-VBOOrganization",
    "Get-VBORepository", "Add-VBORepository", "-Path", "-Name", "Get-VBOEncryptionKey", "Add-VBOEncryptionKey",
    "New-VBOOffice365ApplicationOnlyConnectionSettings", "-ApplicationId", "-ApplicationSecret", "-TenantId",
    "Get-VBOJob", "Start-VBOJob", "Get-VBORestorePoint", "Test-VBORepository", "Format-List", "*", "Format-Table",
    "ConvertTo-Json", "-Depth", "100", "ConvertFrom-Json", "'{'", "Out-String", "-ErrorAction", "Stop",
    "SilentlyContinue", "-WhatIf", "-Verbose", "[pscustomobject]", ".Count", ".GetType()", ".psobject", "[math]::Pow",
    "-as", "-is", "\u00e9", "\u200b", "\ud800", "\x00", "\x1b[2J", "Get-Help", "Get-Command", "Get-Member",
    "Import-Module", "Veeam.Archiver.PowerShell", "$Error[0]", "$Error[0].InvocationInfo", "exit", "[char]0",
]

scripts = st.lists(st.sampled_from(TOKENS), min_size=1, max_size=16).map(" ".join)
texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
# values for parameters: file-system safe (no separators, no '..', no '~', no drive ':') so paths stay in the cwd
_SAFE = string.ascii_letters + string.digits + " -_.*?[]{}'\"$@()|;,`!#%^&=+\u00e9\u4e2d\U0001f600\t\n\x00"
safe_text = st.text(alphabet=_SAFE, max_size=24).filter(lambda s: ".." not in s)
values: st.SearchStrategy[Any] = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=True), safe_text,
              st.sampled_from(["", " ", "*", "-1", "0", "Worldwide", "Custom", "Daily", "KeepForever", "00:00:00",
                               "2026-11-27", "not-a-guid", "{00000000-0000-0000-0000-000000000000}", "$null"])),
    lambda inner: st.lists(inner, max_size=3),
    max_leaves=5,
)


def _ctx(cwd: Path) -> ExecutionContext:
    return ExecutionContext(BufferHost(width=120), interactive=False, cwd=cwd)


def _assert_clean(ctx: ExecutionContext, what: str) -> None:
    host = ctx.host
    assert "Traceback" not in host.text and "Traceback" not in host.error_text, what
    internal = [e for e in ctx.error_list if getattr(e, "error_id", "") == "InternalError"]
    assert not internal, f"{what}: {internal[0].message if internal else ''}"


@pytest.fixture
def sandbox_cwd(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory the generated commands may scribble in (and the process cwd too)."""
    d = tmp_path / "work"
    d.mkdir()
    monkeypatch.chdir(d)
    monkeypatch.setenv("VBOSHELL_NO_NATIVE", "1")  # generated text must not start programs found on PATH
    return d


@pytest.mark.parametrize("script", ["$x *> [char]0xD800", "1 > ([string][char]0xD800)",
                                    "Set-Content -Path ([string][char]0xDFFF) -Value 1", "New-Item ([string][char]0xD800)",
                                    "Test-Path ([string][char]0xD800)", "Start-Transcript ([string][char]0xD800)",
                                    "$x *> \"a`0b\"", "Get-Content \"a`0\""])
def test_unencodable_paths_are_error_records(script: str, sandbox_cwd: Path) -> None:
    """A lone UTF-16 surrogate cannot name a file: 'Illegal characters in path.', not an InternalError."""
    ctx = _ctx(sandbox_cwd)
    ctx.invoke(script)
    _assert_clean(ctx, script)


@settings(max_examples=pick(100, 1500), deadline=None, suppress_health_check=list(HealthCheck))
@given(script=scripts)
def test_generated_scripts_only_error_records(script: str, sandbox_cwd: Path) -> None:
    ctx = _ctx(sandbox_cwd)
    out = ctx.invoke(script)
    assert isinstance(out, list)
    _assert_clean(ctx, repr(script))


@settings(max_examples=pick(60, 600), deadline=None, suppress_health_check=list(HealthCheck))
@given(text=texts)
def test_arbitrary_text_only_error_records(text: str, sandbox_cwd: Path) -> None:
    ctx = _ctx(sandbox_cwd)
    assert isinstance(ctx.invoke(text), list)
    _assert_clean(ctx, repr(text))


def _cmdlets() -> list[Any]:
    from vboshell.commands.registry import all_cmdlets

    out = []
    for cls in sorted(all_cmdlets(), key=lambda c: c.name):
        n = cls.name.lower()
        if n in SKIP_CMDLETS or n.startswith(NEEDS_TENANT_PREFIXES):
            continue
        out.append(cls)
    return out


CMDLETS = _cmdlets()


@st.composite
def cmdlet_calls(draw: Any) -> tuple[str, dict[str, Any], list[Any]]:
    cls = draw(st.sampled_from(CMDLETS))
    names = [p.name for p in cls.parameters] + ["Bogus", "ErrorAction", "WhatIf", "Verbose", "OutVariable"]
    chosen = draw(st.lists(st.sampled_from(names), unique_by=str.lower, max_size=4)) if names else []
    params = {n: draw(values) for n in chosen}
    if "ErrorAction" in params:
        params["ErrorAction"] = draw(st.sampled_from(["Stop", "Continue", "SilentlyContinue", "Bogus", 7]))
    positional = draw(st.lists(values, max_size=2))
    return cls.name, params, positional


@settings(max_examples=pick(400, 5000), deadline=None, suppress_health_check=list(HealthCheck))
@given(call=cmdlet_calls())
def test_random_arguments_to_every_cmdlet(call: tuple[str, dict[str, Any], list[Any]], sandbox_cwd: Path) -> None:
    from vboshell.runtime.values import Hashtable

    name, params, positional = call
    ctx = _ctx(sandbox_cwd)
    ctx.set_variable("p", Hashtable(params))
    ctx.set_variable("a", list(positional))
    out = ctx.invoke(f"{name} @a @p")
    assert isinstance(out, list)
    _assert_clean(ctx, f"{name} {params!r} {positional!r}")
    # the same through the parser: values written as literal text
    ctx = _ctx(sandbox_cwd)
    args = " ".join(f"-{k} {_literal(v)}" for k, v in params.items())
    ctx.invoke(f"{name} {' '.join(_literal(v) for v in positional)} {args}")
    _assert_clean(ctx, f"{name} (text) {params!r}")


def _literal(v: Any) -> str:
    if v is None:
        return "$null"
    if isinstance(v, bool):
        return "$true" if v else "$false"
    if isinstance(v, int | float):
        return repr(v) if v == v and v not in (float("inf"), float("-inf")) else "([double]::NaN)"
    if isinstance(v, list):
        return "@(" + ",".join(_literal(x) for x in v) + ")"
    return "'" + str(v).replace("'", "''") + "'"


def test_every_registered_cmdlet_is_reachable_with_no_arguments(sandbox_cwd: Path) -> None:
    """Each cmdlet called bare (mandatory parameters missing, no input) fails as an ErrorRecord, never a bug."""
    bad = []
    for cls in CMDLETS:
        ctx = _ctx(sandbox_cwd)
        ctx.invoke(f"$null | {cls.name}")
        try:
            _assert_clean(ctx, cls.name)
        except AssertionError as e:
            bad.append(str(e))
    assert not bad, "\n".join(bad)


# ------------------------------------------------------------------------------------------------ the CLI


def _run_cli(home: Path, cwd: Path, *argv: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    # arguments as bytes: lone surrogates become invalid UTF-8 on the command line, as a hostile caller could pass
    raw = [a.encode("utf-8", "surrogatepass") for a in argv]
    return subprocess.run([vboshell_exe().encode(), *raw], cwd=cwd, env=child_env(home, VBOSHELL_NO_NATIVE="1"),
                          input=stdin or b"",
                          capture_output=True, timeout=60)


def _assert_no_traceback(p: subprocess.CompletedProcess[bytes], what: str) -> None:
    both = p.stdout + p.stderr
    assert b"Traceback" not in both, f"{what}: {both.decode(errors='replace')[-2000:]}"
    assert b"Internal error in vboshell" not in both, f"{what}: {both.decode(errors='replace')[-2000:]}"


@settings(max_examples=pick(4, 60), deadline=None, suppress_health_check=list(HealthCheck))
@given(script=scripts)
def test_cli_command_never_prints_a_traceback(script: str, home: Path, tmp_path: Path) -> None:
    p = _run_cli(home, tmp_path, "-NoProfile", "-NonInteractive", "-Command", script.replace("\x00", ""))
    _assert_no_traceback(p, repr(script))


CLI_CASES: list[Any] = [
    (["-Command", "-"], b"Get-VBOOrganization -Name \xff\xfe\n1 +\n", None),   # invalid UTF-8 on stdin, incomplete
    (["-File", "SCRIPT"], None, b"\xff\xfe\x00garbage { ( '"),                # invalid UTF-8 / UTF-16 BOM script
    (["-File", "SCRIPT"], None, b"param([int]$n) $n"),                       # parameter of the wrong type below
    (["-File", "missing.ps1"], None, None),
    (["-EncodedCommand", "!!!notbase64"], None, None),
    (["-EncodedCommand", "/w=="], None, None),                                # half a UTF-16 code unit
    (["-Command"], None, None),
    (["-NoSuchSwitch", "-Command", "1"], None, None),
    (["-ExecutionPolicy"], None, None),
    (["-File"], None, None),
    (["check", "missing.ps1"], None, None),
    (["check", "SCRIPT"], None, b"\xff\xfe\x00{{{{"),
    (["sandbox", "--no-such-option"], None, None),
    (["service", "--no-such-option"], None, None),
    (["-Command", "exit 'abc'"], None, None),
    (["-Command", "throw [System.IO.IOException]::new('x')"], None, None),
    (["-Command", "function f { f }; f"], None, None),                       # call depth overflow
    (["-Command", "'x' * 1e12"], None, None),                                # memory
    (["-Command", "[int]::MaxValue + [int]::MaxValue * 1e308 / 0"], None, None),
]


def _case_id(case: Any) -> str:
    argv = case.values[0] if hasattr(case, "values") else case[0]
    return " ".join(argv)[:40]


@pytest.mark.parametrize("argv,stdin,script", CLI_CASES, ids=[_case_id(c) for c in CLI_CASES])
def test_cli_bad_invocations(argv: list[str], stdin: bytes | None, script: bytes | None, home: Path,
                             tmp_path: Path) -> None:
    if script is not None:
        (tmp_path / "s.ps1").write_bytes(script)
        argv = [("s.ps1" if a == "SCRIPT" else a) for a in argv]
        if argv[:2] == ["-File", "s.ps1"]:
            argv += ["-n", "notanumber"]
    p = _run_cli(home, tmp_path, *argv, stdin=stdin)
    _assert_no_traceback(p, " ".join(argv))
