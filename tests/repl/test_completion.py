"""Tab completion: cmdlet names, parameters, ValidateSet values, switches, variables, members and paths.
Runs the engine directly and through prompt_toolkit (pipe input, dummy output)."""

from __future__ import annotations

import os

import pytest

from vboshell.repl.completion import analyze, complete


def texts(items):
    return [i.text for i in items]


@pytest.fixture(autouse=True)
def _fakes(fake_registry):
    return fake_registry


def test_cmdlet_prefix(fake_context):
    got = texts(complete("Get-VBOJ", fake_context))
    assert got == ["Get-VBOJob"]


def test_cmdlet_prefix_case_insensitive_and_short_names(fake_context):
    got = texts(complete("get-j", fake_context))
    assert got == ["Get-Job"]  # the derived short name of Get-VBOJob
    items = complete("get-j", fake_context)
    assert "Get-VBOJob" in items[0].meta


def test_cmdlet_prefix_lists_all_matches_sorted(fake_context):
    got = texts(complete("Get-VBO", fake_context))
    assert got == ["Get-VBOJob", "Get-VBORepository"]


def test_alias_completion_has_description(fake_context):
    items = complete("gc", fake_context)
    assert [i.text for i in items] == ["gci"]
    assert "alias of Get-ChildItem" in items[0].meta


def test_wildcard_command(fake_context):
    assert texts(complete("*-VBOJob", fake_context)) == ["Get-VBOJob", "Start-VBOJob"]


def test_command_after_pipe_and_assignment(fake_context):
    assert texts(complete("$x = Get-VBORep", fake_context)) == ["Get-VBORepository"]
    assert texts(complete("Get-VBOJob | Start-VBOJ", fake_context)) == ["Start-VBOJob"]
    assert texts(complete("foreach ($j in $jobs) {\n  Start-VBOJ", fake_context)) == ["Start-VBOJob"]


def test_session_function_names(fake_context):
    fake_context.functions["get-myreport"] = object()
    assert texts(complete("Get-MyR", fake_context)) == ["get-myreport"]


def test_parameter_prefix(fake_context):
    items = complete("Get-VBOJob -Na", fake_context)
    assert texts(items) == ["-Name"]
    assert items[0].meta.startswith("[string[]]") and "wildcards" in items[0].meta


def test_parameter_list_excludes_bound_hidden_and_other_sets(fake_context):
    got = texts(complete("Get-VBOJob -Organization $o -", fake_context))
    assert "-Organization" not in got  # already bound
    assert "-Hidden" not in got  # dont_show
    assert "-Id" not in got  # other parameter set
    assert got[0] == "-Name"
    assert "-ErrorAction" in got and "-Verbose" in got  # common parameters


def test_whatif_confirm_for_should_process(fake_context):
    got = texts(complete("Start-VBOJob -", fake_context))
    assert "-WhatIf" in got and "-Confirm" in got
    assert "-WhatIf" not in texts(complete("Get-VBOJob -", fake_context))


def test_parameters_of_alias(fake_context):
    assert texts(complete("gci -Rec", fake_context)) == ["-Recurse"]


def test_validate_set_values(fake_context):
    got = texts(complete("Start-VBOJob -RetentionPolicy ", fake_context))
    assert got == ["KeepAll", "'Snapshot Based'", "ItemLevel"]
    assert texts(complete("Start-VBOJob -RetentionPolicy k", fake_context)) == ["KeepAll"]


def test_validate_set_with_colon(fake_context):
    assert texts(complete("Start-VBOJob -RetentionPolicy:Item", fake_context)) == ["-RetentionPolicy:ItemLevel"]


def test_common_parameter_values(fake_context):
    got = texts(complete("Get-VBOJob -ErrorAction Si", fake_context))
    assert got == ["SilentlyContinue"]


def test_switch_with_colon_offers_booleans(fake_context):
    assert texts(complete("Start-VBOJob -Full:", fake_context)) == ["-Full:$true", "-Full:$false"]
    assert texts(complete("Start-VBOJob -WhatIf:$f", fake_context)) == ["-WhatIf:$false"]


def test_variable_names(fake_context):
    got = texts(complete("$jo", fake_context))
    assert got == ["$job", "$JobName", "$jobs"]
    assert texts(complete("Get-VBOJob -Name $JobN", fake_context)) == ["$JobName"]


def test_env_variables(fake_context, monkeypatch):
    monkeypatch.setenv("VBOTEST_XYZ", "1")
    assert texts(complete("$env:VBOTEST_X", fake_context)) == ["$env:VBOTEST_XYZ"]


def test_variable_properties(fake_context):
    got = texts(complete("$job.", fake_context))
    assert got[:3] == ["$job.Name", "$job.Description", "$job.IsEnabled"]
    assert texts(complete("$job.is", fake_context)) == ["$job.IsEnabled"]


def test_member_enumeration_and_string_members(fake_context):
    assert "$jobs.Name" in texts(complete("$jobs.N", fake_context))
    assert "$jobs.Count" in texts(complete("$jobs.C", fake_context))
    got = texts(complete("$text.To", fake_context))
    assert "$text.ToUpper(" in got and "$text.ToLower(" in got


def test_chained_member_and_hashtable_keys(fake_context):
    assert texts(complete("$job.Name.Len", fake_context)) == ["$job.Name.Length"]
    assert texts(complete("$ht.Al", fake_context)) == ["$ht.Alpha"]


def test_members_inside_expandable_string(fake_context):
    assert texts(complete('Write-Host "name: $JobN', fake_context)) == ["$JobName"]


def test_path_parameter(fake_context):
    got = texts(complete("Get-ChildItem -Path al", fake_context))
    assert got == ["alps/", "alpha.txt"]  # directories first


def test_positional_path_parameter(fake_context):
    assert texts(complete("gci al", fake_context)) == ["alps/", "alpha.txt"]


def test_paths_after_dot_slash_and_backslash(fake_context):
    assert texts(complete("./al", fake_context)) == ["./alps/", "./alpha.txt"]
    assert texts(complete(".\\al", fake_context)) == [".\\alps\\", ".\\alpha.txt"]
    assert texts(complete("Get-VBOJob -Name ./scr", fake_context)) == ["./script.ps1"]


def test_paths_with_spaces_are_quoted(fake_context):
    assert texts(complete("gci ./be", fake_context)) == ["'./beta dir/"]


def test_hidden_files_only_when_asked(fake_context):
    assert "./.hidden" not in texts(complete("./", fake_context))
    assert texts(complete("./.h", fake_context)) == ["./.hidden"]


def test_absolute_and_home_paths(fake_context, monkeypatch):
    monkeypatch.setenv("HOME", str(fake_context.cwd))
    assert texts(complete("~/al", fake_context)) == ["~/alps/", "~/alpha.txt"]
    abs_prefix = os.path.join(str(fake_context.cwd), "al")
    assert texts(complete(f"gci {abs_prefix}", fake_context)) == [abs_prefix + "ps/", abs_prefix + "pha.txt"]


def test_operators_in_expression_mode(fake_context):
    got = texts(complete("$x -eq 1 -an", fake_context))
    assert got == ["-and"]
    assert "-like" in texts(complete("'abc' -l", fake_context))


def test_type_names(fake_context):
    assert texts(complete("[dat", fake_context)) == ["[datetime]"]


def test_nothing_in_comments(fake_context):
    assert complete("# Get-VBO", fake_context) == []


def test_unknown_command_parameters_give_nothing(fake_context):
    assert complete("Get-Nothing -Na", fake_context) == []


def test_analyze_handles_strings_and_continuations():
    a = analyze("Get-VBOJob -Name 'a | b' `\n  -")
    assert a.words == ["Get-VBOJob", "-Name", "a | b"]
    assert a.word == "-"


def test_twenty_parameter_cmdlet(fake_context):
    got = texts(complete("Set-VBOMany -", fake_context))
    assert got[:20] == [f"-Param{i:02d}" for i in range(20)]
    assert texts(complete("Set-VBOMany -Param05 ", fake_context)) == ["Alpha", "Beta", "Gamma"]


# --- through prompt_toolkit -------------------------------------------------------------------------


def _run_session(keys: str, context) -> str:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from vboshell.repl.completion import VboCompleter
    from vboshell.repl.keys import build_key_bindings

    with create_pipe_input() as inp:
        inp.send_text(keys)
        session = PromptSession(input=inp, output=DummyOutput(), completer=VboCompleter(context), multiline=True,
                                key_bindings=build_key_bindings(), complete_while_typing=False)
        return session.prompt()


def test_tab_in_prompt_toolkit_completes_unique_prefix(fake_context):
    assert _run_session("Get-VBORep\t\r", fake_context) == "Get-VBORepository"


def test_tab_cycles_then_enter_applies(fake_context):
    # Get-VBO -> Get-VBOJob / Get-VBORepository have nothing more in common: the first Tab puts the first match
    # in place, the second cycles; Enter applies the selection (and does not run), the second Enter runs
    assert _run_session("Get-VBO\t\r\r", fake_context) == "Get-VBOJob"
    assert _run_session("Get-VBO\t\t\r\r", fake_context) == "Get-VBORepository"


def test_tab_parameter_in_prompt_toolkit(fake_context):
    assert _run_session("Start-VBOJob -Retention\t\r", fake_context) == "Start-VBOJob -RetentionPolicy"


def test_dollar_underscore_from_upstream_variable(fake_context):
    got = texts(complete("$jobs | Where-Object { $_.Is", fake_context))
    assert got == ["$_.IsEnabled"]
    got = texts(complete("$jobs | Where-Object { $_.IsEnabled } | ForEach-Object {\n  $PSItem.Na", fake_context))
    assert got == ["$PSItem.Name"]


def test_dollar_underscore_from_cmdlet_output_type(fake_context, monkeypatch):
    import dataclasses

    from vboshell.commands import registry
    from vboshell.runtime import psobject

    @psobject.ps_type("Veeam.Archiver.PowerShell.Model.VBORepositoryFake")
    @dataclasses.dataclass
    class Repo:
        Name: str
        Path: str
        RetentionPeriod: int

    monkeypatch.setattr(registry.lookup("Get-VBORepository"), "output_type", "VBORepositoryFake")
    try:
        got = texts(complete("Get-VBORepository | Sort-Object { $_.R", fake_context))
        assert got == ["$_.RetentionPeriod"]
    finally:
        psobject._TYPE_REGISTRY.pop(Repo, None)


def test_get_help_completes_command_names(fake_context):
    assert texts(complete("Get-Help Start-VBO", fake_context)) == ["Start-VBOJob"]
    assert texts(complete("help -Name Get-VBORep", fake_context)) == ["Get-VBORepository"]


def test_session_function_parameters_from_the_runtime(tmp_path):
    runtime = pytest.importorskip("vboshell.runtime.evaluator")
    assert runtime
    from vboshell.runtime.context import BufferHost, ExecutionContext

    ctx = ExecutionContext(BufferHost(), cwd=tmp_path)
    ctx.execute("function Get-MyReport { param([Parameter(Mandatory)][string]$Name, "
                "[ValidateSet('Alpha','Beta')]$Kind, [switch]$Full) }\n$report = [PSCustomObject]@{ Total = 3; Failed = 1 }")
    assert texts(complete("Get-MyR", ctx)) == ["Get-MyReport"]
    items = complete("Get-MyReport -", ctx)
    assert texts(items)[:3] == ["-Name", "-Kind", "-Full"]
    assert items[0].meta.startswith("[string] (required)")
    assert texts(complete("Get-MyReport -Kind ", ctx)) == ["Alpha", "Beta"]
    assert texts(complete("$report.", ctx))[:2] == ["$report.Total", "$report.Failed"]
    assert "$report" in texts(complete("$rep", ctx))


def test_tab_without_common_part_puts_first_match_in_place(fake_context):
    # Get-VBO -> Get-VBOJob / Get-VBORepository share nothing more: the first is put in place, Tab cycles
    assert _run_session("*-VBOJob\t\r\r", fake_context) == "Get-VBOJob"
    assert _run_session("Get-VBOJob -\t\r\r", fake_context) == "Get-VBOJob -Organization"


def test_command_after_assignment_forms(fake_context):
    for text in ("$x=Get-VBORep", "$x += Get-VBORep", "@{ Repo = Get-VBORep", "@{Repo=Get-VBORep",
                 "$h = @{ a = 1; b = Get-VBORep"):
        assert texts(complete(text, fake_context)) == ["Get-VBORepository"], text


def test_enum_parameter_values(fake_context, monkeypatch):
    import enum

    from vboshell.commands import registry
    from vboshell.commands.base import Parameter

    class Kind(enum.Enum):
        Exchange = 1
        SharePoint = 2
        Teams = 3

    cls = registry.lookup("Get-VBORepository")
    monkeypatch.setattr(cls, "parameters", [Parameter("Kind", type=Kind)])
    assert texts(complete("Get-VBORepository -Kind ", fake_context)) == ["Exchange", "SharePoint", "Teams"]
    assert texts(complete("Get-VBORepository -Kind:t", fake_context)) == ["-Kind:Teams"]


def test_tab_on_empty_prompt_lists_files(fake_context):
    assert texts(complete("", fake_context)) == ["./alps/", "'./beta dir/", "./alpha.txt", "./script.ps1"]
    assert complete("foreach ($i in 1..2) {\n", fake_context) == []
