"""Error records and their PowerShell 5.1 NormalView display; error actions; $Error; internal errors."""

from __future__ import annotations

import pytest

from vboshell.runtime.display import format_error_record
from vboshell.runtime.errors import CmdletError, ErrorCategory, ErrorRecord, InvocationInfo, api_only_not_supported


def display(ps, script: str) -> str:
    ps.run(script)
    return ps.host.error_text


def test_throw_display(ps):
    assert display(ps, 'throw "boom"') == (
        "boom\n"
        "At line:1 char:1\n"
        '+ throw "boom"\n'
        "+ ~~~~~~~~~~~~\n"
        "    + CategoryInfo          : OperationStopped: (boom:String) [], RuntimeException\n"
        "    + FullyQualifiedErrorId : boom\n"
        " \n"
    )


def test_throw_position_on_second_line(ps):
    text = display(ps, "$x = 1\n  throw 'second'")
    assert "At line:2 char:3\n+   throw 'second'\n+   ~~~~~~~~~~~~~~\n" in text


def test_cmdlet_binding_error_display(ps):
    assert display(ps, "Write-Output -Bogus") == (
        "Write-Output : A parameter cannot be found that matches parameter name 'Bogus'.\n"
        "At line:1 char:14\n"
        "+ Write-Output -Bogus\n"
        "+              ~~~~~~\n"
        "    + CategoryInfo          : InvalidArgument: (:) [Write-Output], ParameterBindingException\n"
        "    + FullyQualifiedErrorId : NamedParameterNotFound,Microsoft.PowerShell.Commands.WriteOutputCommand\n"
        " \n"
    )


def test_write_error_display_top_level(ps):
    assert display(ps, 'Write-Error "test"') == (
        'Write-Error "test" : test\n'
        "    + CategoryInfo          : NotSpecified: (:) [Write-Error], WriteErrorException\n"
        "    + FullyQualifiedErrorId : Microsoft.PowerShell.Commands.WriteErrorException\n"
        " \n"
    )


def test_write_error_display_in_function(ps):
    text = display(ps, "function Get-Thing { Write-Error 'nope' }\nGet-Thing")
    assert text.startswith("Get-Thing : nope\nAt line:2 char:1\n+ Get-Thing\n+ ~~~~~~~~~\n")


def test_command_not_found_display(ps):
    assert display(ps, "Get-NoSuchThing -x") == (
        "Get-NoSuchThing : The term 'Get-NoSuchThing' is not recognized as the name of a cmdlet, function, script file, "
        "or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct "
        "and try again.\n"
        "At line:1 char:1\n"
        "+ Get-NoSuchThing -x\n"
        "+ ~~~~~~~~~~~~~~~\n"
        "    + CategoryInfo          : ObjectNotFound: (Get-NoSuchThing:String) [], CommandNotFoundException\n"
        "    + FullyQualifiedErrorId : CommandNotFoundException\n"
        " \n"
    )


def test_command_not_found_record(ps):
    rec = ps.err("Get-NoSuchThing")
    assert rec.error_id == "CommandNotFoundException"
    assert rec.category == ErrorCategory.ObjectNotFound
    assert rec.category_info == "ObjectNotFound: (Get-NoSuchThing:String) [], CommandNotFoundException"


def test_divide_by_zero_display(ps):
    assert display(ps, "1/0") == (
        "Attempted to divide by zero.\n"
        "At line:1 char:1\n"
        "+ 1/0\n"
        "+ ~~~\n"
        "    + CategoryInfo          : NotSpecified: (:) [], RuntimeException\n"
        "    + FullyQualifiedErrorId : RuntimeException\n"
        " \n"
    )


def test_method_on_null_display(ps):
    text = display(ps, "$x = $null\n$x.Trim()")
    assert text == (
        "You cannot call a method on a null-valued expression.\n"
        "At line:2 char:1\n"
        "+ $x.Trim()\n"
        "+ ~~~~~~~~~\n"
        "    + CategoryInfo          : InvalidOperation: (:) [], RuntimeException\n"
        "    + FullyQualifiedErrorId : InvokeMethodOnNull\n"
        " \n"
    )


def test_parse_error_display(ps):
    text = display(ps, "if ($x {")
    assert "At line:1 char:" in text
    assert "+ CategoryInfo          : ParserError: (:) [], ParentContainsErrorRecordException" in text
    assert ps.last_error().category == ErrorCategory.ParserError


def test_script_file_position(ps, tmp_path):
    (tmp_path / "bad.ps1").write_text("'ok'\nthrow 'in file'\n")
    ps.run("& ./bad.ps1")
    assert f"At {tmp_path / 'bad.ps1'}:2 char:1\n+ throw 'in file'\n" in ps.host.error_text


def test_cmdlet_error_fqid_and_category():
    rec = CmdletError("Job 'x' was not found.", "JobNotFound", ErrorCategory.ObjectNotFound, target="x").error_record
    rec.activity = "Get-VBOJob"
    rec.fully_qualified_command = "Veeam.Archiver.PowerShell.Cmdlets.GetVBOJob"
    rec.invocation_info = InvocationInfo("Get-VBOJob", None, 1, 1, "Get-VBOJob -Name x", 18)
    assert format_error_record(rec) == (
        "Get-VBOJob : Job 'x' was not found.\n"
        "At line:1 char:1\n"
        "+ Get-VBOJob -Name x\n"
        "+ ~~~~~~~~~~~~~~~~~~\n"
        "    + CategoryInfo          : ObjectNotFound: (x:String) [Get-VBOJob], InvalidOperationException\n"
        "    + FullyQualifiedErrorId : JobNotFound,Veeam.Archiver.PowerShell.Cmdlets.GetVBOJob\n"
        " "
    )


def test_api_only_error_shape():
    e = api_only_not_supported("Public Folder mailboxes", "Microsoft Graph has no API for them.")
    assert e.error_record.error_id == "ApiOnlyModeNotSupported"
    assert e.error_record.category == ErrorCategory.NotImplemented
    assert "not supported in API-only mode" in e.error_record.message


def test_error_list_newest_first_and_capped(ps):
    ps.run("1..300 | ForEach-Object { Write-Error \"e$_\" 2>$null }")
    assert ps.one("$Error.Count") == 256
    assert ps.one("$Error[0].Exception.Message") == "e300"


def test_redirect_error_to_null_still_records(ps):
    ps.run("Write-Error 'hidden' 2>$null")
    assert ps.host.error_text == ""
    assert ps.last_error().message == "hidden"


def test_merge_error_into_output(ps):
    out = ps.run("$r = Write-Error 'merged' 2>&1; $r.GetType().Name")
    assert out == ["ErrorRecord"]


def test_error_action_preference_silently_continue(ps):
    out = ps.run("$ErrorActionPreference = 'SilentlyContinue'; Write-Error 'quiet'; 'next'")
    assert out == ["next"]
    assert ps.host.error_text == ""


def test_error_action_preference_stop_terminates_script(ps):
    out = ps.run("$ErrorActionPreference = 'Stop'; Write-Error 'fatal'; 'unreached'")
    assert out == []
    assert "fatal" in ps.host.error_text


def test_error_action_inquire_noninteractive_acts_like_continue(ps):
    assert ps.run("Write-Error 'q' -ErrorAction Inquire; 'after'") == ["after"]


def test_catch_exception_properties(ps):
    out = ps.run("try { [int]'x' } catch { $_.Exception.GetType().Name; $_.CategoryInfo.Category }")
    assert out[1] == "InvalidArgument"


def test_internal_error_is_an_error_record(ps, monkeypatch, tmp_path):
    from vboshell.runtime import members

    def broken(*a):
        raise ZeroDivisionError("synthetic bug")

    monkeypatch.setitem(members.STRING_METHODS, "tolower", broken)
    out = ps.run("'A'.ToLower(); 'after'")
    assert out == ["after"]
    rec = ps.last_error()
    assert rec.error_id == "InternalError" or rec.message.startswith('Exception calling "ToLower"')
    assert "Traceback" not in ps.host.error_text


def test_internal_error_logged(ps, monkeypatch, tmp_path):
    from vboshell.language import ast as A

    def broken(e):
        raise KeyError("synthetic")

    monkeypatch.setitem(ps.ctx.evaluator._dispatch_expr, A.SubExpressionAst, broken)
    ps.run("$(1)")
    rec = ps.last_error()
    assert rec.error_id == "InternalError"
    assert "Traceback" not in ps.host.error_text
    log = tmp_path / "home" / "log" / "internal-errors.log"
    assert log.exists() and "synthetic" in log.read_text()


def test_recursion_is_call_depth_overflow(ps):
    ps.run("function r { r }; r")
    assert ps.last_error().error_id == "CallDepthOverflow"


@pytest.mark.parametrize("target,expected", [
    ("x", "(x:String)"), (5, "(5:Int32)"), (None, "(:)"),
])
def test_category_info_target(target, expected):
    rec = ErrorRecord("m", "id", ErrorCategory.InvalidData, target_object=target, exception_type="E", activity="A")
    assert rec.category_info == f"InvalidData: {expected} [A], E"


def test_stop_preference_makes_statement_errors_end_the_script(ps):
    assert ps.run("$ErrorActionPreference = 'Stop'; Write-Output -Bogus; 'unreached'") == []


def test_silently_continue_preference_hides_statement_errors(ps):
    assert ps.run("$ErrorActionPreference = 'SilentlyContinue'; 1/0; 'after'") == ["after"]
    assert ps.host.error_text == ""
    assert ps.last_error().message == "Attempted to divide by zero."


def test_script_stack_trace(ps):
    out = ps.run("function Inner { throw 'deep' }\nfunction Outer {\n  Inner\n}\ntry { Outer } catch { $_.ScriptStackTrace }")
    assert out == ["at Inner, <No file>: line 1\nat Outer, <No file>: line 3\nat <ScriptBlock>, <No file>: line 5"]


def test_throw_inside_foreach_object_keeps_its_own_shape(ps):
    ps.run("1 | ForEach-Object {\n  throw 'inner'\n}")
    assert ps.host.error_text == (
        "inner\n"
        "At line:2 char:3\n"
        "+   throw 'inner'\n"
        "+   ~~~~~~~~~~~~~\n"
        "    + CategoryInfo          : OperationStopped: (inner:String) [], RuntimeException\n"
        "    + FullyQualifiedErrorId : inner\n"
        " \n"
    )


def test_concise_and_category_views(ps, tmp_path):
    ps.run("$ErrorView = 'ConciseView'; Write-Output -Bogus")
    assert ps.host.error_text == "Write-Output: A parameter cannot be found that matches parameter name 'Bogus'.\n"
    (tmp_path / "c.ps1").write_text("\nthrow 'from file'\n")
    ps.host.error_buffer.truncate(0)
    ps.host.error_buffer.seek(0)
    ps.run("& ./c.ps1")
    assert ps.host.error_text == f"{tmp_path / 'c.ps1'}:2\nLine |\n 2 | throw 'from file'\n   | ~~~~~~~~~~~~~~~~~\n   | from file\n"
    ps.host.error_buffer.truncate(0)
    ps.host.error_buffer.seek(0)
    ps.run("$ErrorView = 'CategoryView'; throw 'x'")
    assert ps.host.error_text == "OperationStopped: (x:String) [], RuntimeException\n"
