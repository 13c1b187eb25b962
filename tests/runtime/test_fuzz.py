"""Hypothesis: random scripts and random parameter values only ever produce ErrorRecords, never Python exceptions."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vboshell.runtime.context import BufferHost, ExecutionContext

TOKENS = [
    "$x", "$null", "$true", "1", "2.5", "'a'", '"b$x"', "@(1,2)", "@{a=1}", "(", ")", "{", "}", "[", "]", "[int]",
    "[string]", "[datetime]", "+", "-", "*", "/", "%", "-eq", "-like", "-match", "-replace", "-split", "-join", "-f",
    "-and", "-not", ",", ";", "|", "=", "+=", ".", "::", "ForEach-Object", "Where-Object", "Select-Object", "-First",
    "Write-Output", "if", "else", "try", "catch", "throw", "switch", "foreach", "in", "function", "f", "param",
    "$_", "..", "0", "-1", "'*'", "Sort-Object", "Measure-Object", "$Error", ".Count", ".Length", ".ToUpper()",
    "[pscustomobject]", "-Name", "-ErrorAction", "Stop", "2>&1", "$args", "return", "break", "continue", "@", "&",
    "Get-Date", "-Format", "'yyyy'", "[math]::Round", "[guid]", "-as", "-is", "\n",
]

scripts = st.lists(st.sampled_from(TOKENS), min_size=1, max_size=14).map(" ".join)
free_text = st.text(alphabet=string.printable, max_size=40)


_WORK: list[str] = []  # a scratch directory: random scripts may redirect output into files


@pytest.fixture(autouse=True, scope="module")
def _home(tmp_path_factory):
    import os

    old = os.environ.get("VBOSHELL_HOME")
    os.environ["VBOSHELL_HOME"] = str(tmp_path_factory.mktemp("fuzzhome"))
    os.environ["VBOSHELL_NO_NATIVE"] = "1"
    _WORK.append(str(tmp_path_factory.mktemp("fuzzwork")))
    yield
    _WORK.pop()
    os.environ.pop("VBOSHELL_NO_NATIVE", None)
    if old is None:
        os.environ.pop("VBOSHELL_HOME", None)
    else:
        os.environ["VBOSHELL_HOME"] = old


def _ctx() -> ExecutionContext:
    ctx = ExecutionContext(BufferHost(), interactive=False, cwd=_WORK[-1])
    ctx.allow_native = False  # random text must not start real programs
    return ctx


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scripts)
def test_random_token_scripts_never_raise(script):
    ctx = _ctx()
    out = ctx.invoke(script)
    assert isinstance(out, list)
    assert "Traceback" not in ctx.host.text and "Traceback" not in ctx.host.error_text


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(free_text)
def test_random_text_never_raises(text):
    ctx = _ctx()
    assert isinstance(ctx.invoke(text), list)


values = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=True),
                   st.text(max_size=10), st.lists(st.integers(-5, 5), max_size=3))

FUNC = """function Probe {
  [CmdletBinding()] param(
    [Parameter(Mandatory)][ValidateRange(1, 9)][int]$N,
    [ValidateSet('a','b')][string]$S,
    [datetime]$D, [switch]$W, [bool]$B, [string[]]$L, [ValidatePattern('^x')]$P, [guid]$G)
  'ok'
}"""


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(["N", "S", "D", "W", "B", "L", "P", "G", "Bogus", "n", "E"]), values, max_size=4))
def test_random_parameter_values_only_error_records(params):
    from vboshell.runtime.errors import ErrorRecord

    ctx = _ctx()
    ctx.invoke(FUNC)
    ctx.set_variable("p", __import__("vboshell.runtime.values", fromlist=["Hashtable"]).Hashtable(params))
    out = ctx.invoke("Probe @p")
    assert out in ([], ["ok"])
    for rec in ctx.error_list:
        assert isinstance(rec, ErrorRecord)
        assert rec.error_id != "InternalError", rec.message


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scripts)
def test_cli_never_tracebacks(script):
    import contextlib
    import io

    from vboshell import cli

    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(_WORK[-1]), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["-NoProfile", "-NonInteractive", "-Command", script])
    assert isinstance(code, int)
    assert "Traceback" not in err.getvalue()
