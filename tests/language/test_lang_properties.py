"""Property tests (hypothesis): random token soups, random text and truncations of valid scripts never raise
anything but ParseError; truncations strictly inside a construct report incomplete input; deep nesting is guarded."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vboshell.language import ParseError, is_incomplete, parse
from vboshell.language import ast as A
from vboshell.language.tokenizer import tokenize

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

VOCAB = [
    "if", "else", "elseif", "foreach", "for", "while", "do", "until", "switch", "try", "catch", "finally", "trap",
    "function", "filter", "param", "begin", "process", "end", "return", "throw", "exit", "break", "continue", "in",
    "Get-VBOJob", "Where-Object", "%", "?", "foreach", "-Name", "-Confirm:", "-eq", "-and", "-not", "-f", "-split",
    "$x", "$_", "${a b}", "$env:X", "@params", "1", "-5", "1GB", "0x1F", "5.5MB", "7zip", "'s'", '"d $x"', '"$($y)"',
    "(", ")", "{", "}", "[", "]", "@(", "@{", "$(", ",", ";", "|", "||", "&&", "&", ".", "::", "..", "=", "+=", "??",
    "??=", "?", ":", "!", "+", "-", "*", "/", "%", "++", "--", "2>&1", ">", ">>", "2>$null", "`", "`\n", "\n", " ",
    "#c\n", "<# b #>", '@"\nh\n"@', "@'\nh\n'@", '"', "'", "@\"", "[int]", "[math]", "[Parameter(Mandatory)]",
    ":outer", "--%", "<", "\t", "\r\n", "@", "$", "-", "`$", "”", "‘",
]  # fmt: skip

token_soup = st.lists(st.sampled_from(VOCAB), max_size=40).map(lambda xs: " ".join(xs))
spaced_soup = st.lists(st.sampled_from(VOCAB), max_size=40).map("".join)
raw_text = st.text(alphabet=st.sampled_from(list("$@(){}[]|&;,.:'\"`#<>-+=!?%*/\\ \n\tabcxyzGE0159")), max_size=60)


def check(text: str) -> None:
    try:
        sb = parse(text)
        assert isinstance(sb, A.ScriptBlockAst)
    except ParseError as e:
        assert e.error_id and isinstance(e.incomplete_input, bool)
        assert 0 <= e.extent.start_offset <= e.extent.end_offset <= len(text)
    assert isinstance(is_incomplete(text), bool)
    toks = tokenize(text)
    assert all(0 <= t.start <= t.end <= len(text) for t in toks)


@FAST
@given(token_soup)
def test_token_soup_only_raises_parse_error(text: str) -> None:
    check(text)


@FAST
@given(spaced_soup)
def test_glued_token_soup_only_raises_parse_error(text: str) -> None:
    check(text)


@FAST
@given(raw_text)
def test_random_text_only_raises_parse_error(text: str) -> None:
    check(text)


SCRIPTS = [
    r'''
<#
.SYNOPSIS
  Report on jobs.
#>
param([string]$Name = 'x', [int]$Days = 7)
$org = Get-VBOOrganization -Name "contoso.onmicrosoft.com"
foreach ($job in Get-VBOJob -Organization $org | Where-Object { $_.IsEnabled }) {
    $size = [math]::Round($job.UsedSpace / 1GB, 2)
    if ($size -gt 10 -and $job.Name -like "*$Name*") {
        Write-Host "Job $($job.Name) uses $size GB" -ForegroundColor Yellow
    } elseif ($null -eq $job.LastRun) {
        Write-Warning 'never ran'
    } else {
        $total += $size
    }
}
$report = @{ Total = $total; When = (Get-Date).ToString('yyyy-MM-dd'); Items = @(1, 2, 3) }
''',
    r'''
function Test-It {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [ValidateSet('a', 'b')]
        [string]$Mode
    )
    begin { $n = 0 }
    process {
        switch -Regex ($Mode) {
            '^a' { $n++ }
            default { throw "bad $Mode" }
        }
    }
    end { return $n }
}
try {
    $r = Invoke-RestMethod -Uri $u -Headers @{ Authorization = "Bearer $token" }
} catch [System.Net.WebException] {
    Write-Error $_.Exception.Message
} finally {
    $null = Remove-Variable r -ErrorAction SilentlyContinue
}
$body = @"
Total: $($r.Count)
Names: $($r.Name -join ', ')
"@
$lit = @'
raw $text
'@
''',
    r'''
:outer for ($i = 0; $i -lt 10; $i++) {
    while ($true) { if ($i -gt 5) { break outer } else { continue outer } }
}
do { $x-- } until ($x -le 0)
$obj = [PSCustomObject]@{ Name = $u; Size = 10GB; Sub = @{ A = { param($p) $p * 2 } } }
$items | Select-Object @{N='R';E={$_.X}}, * | Sort-Object Name | Export-Csv $dir\$($u).txt
$v = $a ?? $b
$w = $c ? 'yes' : 'no'
''',
]


def construct_spans(text: str) -> list[tuple[int, int]]:
    """Spans (first offset inside, end offset) of bracketed constructs and quoted strings: cutting the text strictly
    inside one of them leaves it unclosed, so more input is needed."""
    spans = []
    for node in parse(text).walk():
        s, e = node.extent.start_offset, node.extent.end_offset
        opener = 2 if text[s : s + 2] in ("$(", "@(", "@{", '@"', "@'") else 1
        if isinstance(node, (A.StatementBlockAst, A.ParenExpressionAst, A.ScriptBlockExpressionAst)):
            spans.append((s + opener, e))
        elif isinstance(node, (A.SubExpressionAst, A.ArrayExpressionAst, A.HashtableAst)):
            spans.append((s + 2, e))
        elif isinstance(node, A.StringConstantExpressionAst) and node.string_kind not in ("BareWord", "Verbatim"):
            spans.append((s + opener, e))
        elif isinstance(node, A.ExpandableStringExpressionAst) and node.string_kind != "BareWord":
            spans.append((s + opener, e))
    return [(a, b) for a, b in spans if a < b]


@pytest.mark.parametrize("index", range(len(SCRIPTS)))
def test_fixture_scripts_parse(index: int) -> None:
    parse(SCRIPTS[index])
    assert construct_spans(SCRIPTS[index])


@FAST
@given(st.sampled_from(range(len(SCRIPTS))), st.floats(min_value=0, max_value=1))
def test_any_truncation_only_raises_parse_error(index: int, where: float) -> None:
    text = SCRIPTS[index]
    check(text[: int(len(text) * where)])


@settings(max_examples=250, deadline=None)
@given(st.sampled_from(range(len(SCRIPTS))), st.data())
def test_truncation_inside_a_construct_is_incomplete(index: int, data: st.DataObject) -> None:
    text = SCRIPTS[index]
    spans = construct_spans(text)
    start, end = data.draw(st.sampled_from(spans))
    k = data.draw(st.integers(min_value=start, max_value=end - 1))
    with pytest.raises(ParseError) as info:
        parse(text[:k])
    assert info.value.incomplete_input, (text[:k][-40:], info.value)


def test_every_cut_inside_a_construct_is_incomplete_exhaustive() -> None:
    """The same property over every cut position of the smallest fixture (deterministic, no sampling)."""
    text = SCRIPTS[2]
    inside = set()
    for a, b in construct_spans(text):
        inside.update(range(a, b))
    for k in sorted(inside):
        assert is_incomplete(text[:k]), repr(text[:k][-40:])


@pytest.mark.parametrize(
    "text",
    ["(" * 500 + "1" + ")" * 500, "{" * 1000, "-not " * 3000 + "$x", "!" * 5000 + "1", "[int]" * 800 + "$x",
     "@(" * 400, "if (1) {" * 300, "@{a=" * 400, "$x = " * 3000 + "1", '"$(' * 300, "," * 3000 + "1",
     "function f {" * 400, "$x" + ".a" * 5000, "1" + " + 1" * 20000],
)  # fmt: skip
def test_deep_nesting_is_guarded(text: str) -> None:
    try:
        parse(text)
    except ParseError as e:
        assert e.error_id in ("ScriptTooDeeplyNested", "TerminatorExpectedAtEndOfString", "MissingEndCurlyBrace")
