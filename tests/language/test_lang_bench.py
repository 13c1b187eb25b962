"""The generated 5,000-line benchmark script parses without error (no timing asserted; bench/parse.py prints speed)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from vboshell.language import ast as A
from vboshell.language import parse


def _bench_module():  # type: ignore[no-untyped-def]
    path = Path(__file__).resolve().parents[2] / "bench" / "parse.py"
    spec = importlib.util.spec_from_file_location("vboshell_bench_parse", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_generated_script_parses() -> None:
    text = _bench_module().generate_script(5000)
    assert text.count("\n") >= 5000
    sb = parse(text)
    assert sb.end_block is not None and len(sb.end_block.statements) > 1000
    kinds = {type(n).__name__ for n in sb.walk()}
    for needed in ("FunctionDefinitionAst", "ForEachStatementAst", "TryStatementAst", "SwitchStatementAst",
                   "HashtableAst", "ExpandableStringExpressionAst", "TernaryExpressionAst", "InvokeMemberExpressionAst"):
        assert needed in kinds
    assert sb.param_block is not None and sb.requires and sb.help_comment
    labelled = [n for n in sb.walk() if isinstance(n, A.ForEachStatementAst) and n.label == "outer"]
    assert labelled


def test_generated_script_tokenizes_without_errors() -> None:
    from vboshell.language import tokenize

    text = _bench_module().generate_script(1000)
    toks = tokenize(text)
    assert toks and not any(t.is_error for t in toks)
    assert sum(1 for t in toks if t.is_keyword) > 100 and sum(1 for t in toks if t.is_command_name) > 100
