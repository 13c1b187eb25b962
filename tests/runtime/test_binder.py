"""The parameter binder: names/prefixes/aliases, switches, positional, conversion and validation errors,
parameter sets, pipeline binding, mandatory prompting, common parameters — for Cmdlet classes and functions."""

from __future__ import annotations

import pytest

from vboshell.commands.base import Cmdlet, Parameter, Switch
from vboshell.commands.syntax import syntax_lines
from vboshell.runtime.psobject import PSObject


class Probe(Cmdlet):
    name = "Get-Probe"
    module = "Veeam.Archiver.PowerShell"
    default_parameter_set = "ByName"
    parameters = [
        Parameter("Organization", str, position=0, parameter_sets=("ByName", "ById"), value_from_pipeline_by_property_name=True),
        Parameter("Name", str, array=True, position=1, parameter_sets=("ByName",)),
        Parameter("Id", int, mandatory=True, parameter_sets=("ById",), aliases=("JobId",)),
        Parameter("Count", int, validate_range=(1, 10)),
        Parameter("Kind", str, validate_set=("Full", "Incremental")),
        Parameter("Force", Switch),
        Parameter("Enabled", bool),
        Parameter("OutputFormat", str),
        Parameter("Label", str, validate_not_null_or_empty=True),
    ]

    def process_record(self) -> None:
        self.write_object({"set": self.parameter_set_name, **{k: v for k, v in self.bound.items()}})


class PipeProbe(Cmdlet):
    name = "Set-Probe"
    supports_should_process = True
    confirm_impact = "High"
    parameters = [
        Parameter("InputObject", int, value_from_pipeline=True),
        Parameter("Name", str, value_from_pipeline_by_property_name=True, aliases=("DisplayName",)),
        Parameter("Tag", str, mandatory=True),
    ]

    def process_record(self) -> None:
        if self.should_process(str(self.InputObject or self.Name), "Set"):
            self.write_object(f"{self.Tag}:{self.InputObject}:{self.Name}")


class Boom(Cmdlet):
    name = "Get-Boom"

    def process_record(self) -> None:
        from vboshell.runtime.errors import CmdletError, ErrorCategory

        self.write_error(CmdletError("soft failure", "SoftFail", ErrorCategory.InvalidData, target="t1"))
        self.write_object("continued")


@pytest.fixture
def bps(ps):
    ps.ctx.set_variable("probe", Probe)
    ps.ctx.set_variable("pipe", PipeProbe)
    ps.ctx.set_variable("boom", Boom)
    ps.ctx.aliases.update({"get-probe": Probe, "set-probe": PipeProbe, "get-boom": Boom})
    return ps


def bound(bps, args: str) -> dict:
    out = bps.ctx.invoke(f"& $probe {args}", raise_errors=True)
    assert len(out) == 1
    return dict(out[0])


def test_named_and_case_insensitive(bps):
    assert bound(bps, "-organization Contoso")["Organization"] == "Contoso"


def test_prefix(bps):
    assert bound(bps, "-Org Contoso")["Organization"] == "Contoso"


def test_own_parameter_wins_over_common_prefix(bps):
    # -O matches Organization, OutputFormat, OutVariable, OutBuffer: ambiguous between two own parameters
    rec = bps.err("& $probe -O x")
    assert rec.error_id == "AmbiguousParameter"
    assert bound(bps, "-Or x")["Organization"] == "x"
    assert bound(bps, "-Ou csv")["OutputFormat"] == "csv"


def test_alias(bps):
    assert bound(bps, "-JobId 5")["Id"] == 5


def test_colon_syntax(bps):
    assert bound(bps, "-Count:3")["Count"] == 3
    assert bound(bps, "-Force:$false")["Force"] is False


def test_switch(bps):
    assert bound(bps, "-Force")["Force"] is True


def test_positional(bps):
    b = bound(bps, "Contoso a,b")
    assert b["Organization"] == "Contoso" and b["Name"] == ["a", "b"]


def test_scalar_wrapped_to_array(bps):
    assert bound(bps, "-Name one")["Name"] == ["one"]


def test_conversion(bps):
    assert bound(bps, "-Count '7'")["Count"] == 7


def test_parameter_set_selected(bps):
    assert bound(bps, "-Id 3")["set"] == "ById"
    assert bound(bps, "-Name x")["set"] == "ByName"
    assert bound(bps, "")["set"] == "ByName"


def test_validate_set_is_case_insensitive(bps):
    assert bound(bps, "-Kind full")["Kind"] == "full"


ERRORS = [
    ("& $probe -Bogus 1", "NamedParameterNotFound", "A parameter cannot be found that matches parameter name 'Bogus'."),
    ("& $probe -O x", "AmbiguousParameter",
     "Parameter cannot be processed because the parameter name 'O' is ambiguous. Possible matches include: -Organization -OutputFormat -OutVariable -OutBuffer."),
    ("& $probe -Count", "MissingArgument",
     "Missing an argument for parameter 'Count'. Specify a parameter of type 'System.Int32' and try again."),
    ("& $probe a b c", "PositionalParameterNotFound", "A positional parameter cannot be found that accepts argument 'c'."),
    ("& $probe -Count abc", "ParameterArgumentTransformationError",
     "Cannot process argument transformation on parameter 'Count'. Cannot convert value \"abc\" to type \"System.Int32\". Error: \"Input string was not in a correct format.\""),
    ("& $probe -Count 20", "ParameterArgumentValidationError",
     "Cannot validate argument on parameter 'Count'. The 20 argument is greater than the maximum allowed range of 10. Supply an argument that is less than or equal to 10 and then try the command again."),
    ("& $probe -Count 0", "ParameterArgumentValidationError",
     "Cannot validate argument on parameter 'Count'. The 0 argument is less than the minimum allowed range of 1. Supply an argument that is greater than or equal to 1 and then try the command again."),
    ("& $probe -Kind Weekly", "ParameterArgumentValidationError",
     "Cannot validate argument on parameter 'Kind'. The argument \"Weekly\" does not belong to the set \"Full,Incremental\" specified by the ValidateSet attribute. Supply an argument that is in the set and then try the command again."),
    ("& $probe -Label ''", "ParameterArgumentValidationError",
     "Cannot validate argument on parameter 'Label'. The argument is null or empty. Provide an argument that is not null or empty, and then try the command again."),
    ("& $probe -Enabled 'true'", "ParameterArgumentTransformationError",
     "Cannot process argument transformation on parameter 'Enabled'. Cannot convert value \"System.String\" to type \"System.Boolean\". Boolean parameters accept only Boolean values and numbers, such as $True, $False, 1 or 0."),
    ("& $probe -Id 1 -Name x", "AmbiguousParameterSet", "Parameter set cannot be resolved using the specified named parameters."),
    ("& $probe -Count 1 -Count 2", "ParameterAlreadyBound", None),
    ("& $pipe", "MissingMandatoryParameter", "Cannot process command because of one or more missing mandatory parameters: Tag."),
    ("& $probe -ErrorAction Sometimes", "CannotConvertArgumentNoMessage", None),
]


@pytest.mark.parametrize("script,error_id,message", ERRORS, ids=[e[1] + ":" + e[0] for e in ERRORS])
def test_binding_errors(bps, script, error_id, message):
    rec = bps.err(script)
    assert rec.error_id == error_id
    if message is not None:
        assert rec.message == message
    assert rec.category.value in ("InvalidArgument", "InvalidData")


def test_binding_error_fqid_and_position(bps):
    rec = bps.err("& $probe -Bogus 1")
    assert rec.fully_qualified_error_id == "NamedParameterNotFound,Veeam.Archiver.PowerShell.Cmdlets.GetProbe"
    assert rec.invocation_info.offset_in_line == 10


def test_pipeline_by_value_and_property_name(bps):
    out = bps.run("1, 2 | Set-Probe -Tag t")
    assert out == ["t:1:None", "t:2:None"]
    out = bps.run("[pscustomobject]@{Name='n1'}, [pscustomobject]@{DisplayName='n2'} | Set-Probe -Tag t")
    assert out == ["t:None:n1", "t:None:n2"]


def test_pipeline_coercion_by_value(bps):
    assert bps.run("'5' | Set-Probe -Tag t") == ["t:5:None"]


def test_pipeline_by_property_name_into_cmdlet(bps):
    out = bps.run("[pscustomobject]@{Organization='Org1'} | Get-Probe")
    assert out[0]["Organization"] == "Org1"


def test_input_object_not_bound(bps):
    out = bps.run("@{x=1} | Set-Probe -Tag t")
    assert out == []
    assert bps.last_error().error_id == "InputObjectNotBound"


def test_whatif(bps):
    out = bps.run("1 | Set-Probe -Tag t -WhatIf")
    assert out == []
    assert 'What if: Performing the operation "Set" on target "1".' in bps.host.text


def test_confirm_false_and_noninteractive_proceeds(bps):
    assert bps.run("1 | Set-Probe -Tag t -Confirm:$false") == ["t:1:None"]
    assert bps.run("1 | Set-Probe -Tag t") == ["t:1:None"]


def test_whatif_not_available_without_should_process(bps):
    assert bps.err("& $probe -WhatIf").error_id == "NamedParameterNotFound"


def test_mandatory_prompt_interactive(make_session):
    s = make_session(interactive=True, inputs=["hello", "y"])
    s.ctx.set_variable("pipe", PipeProbe)
    out = s.run("& $pipe -InputObject 3")
    assert out == ["hello:3:None"]
    assert "cmdlet Set-Probe at command pipeline position 1\nSupply values for the following parameters:\nTag: " in s.host.text
    assert '[Y] Yes  [A] Yes to All  [N] No  [L] No to All  [S] Suspend  [?] Help (default is "Y"): ' in s.host.text


def test_mandatory_prompt_eof_is_error(make_session):
    s = make_session(interactive=True, inputs=[])
    s.ctx.set_variable("pipe", PipeProbe)
    assert s.run("& $pipe -InputObject 3") == []
    assert s.last_error().error_id == "MissingMandatoryParameter"


def test_error_action_and_variable(bps):
    out = bps.run("& $boom -ErrorAction SilentlyContinue -ErrorVariable ev; $ev.Count; $ev[0].Exception.Message")
    assert out == ["continued", 1, "soft failure"]
    assert bps.host.error_text == ""


def test_error_action_ignore_skips_error_list(bps):
    bps.run("& $boom -ErrorAction Ignore")
    assert bps.ctx.error_list == []


def test_error_action_stop(bps):
    out = bps.run("try { & $boom -ea Stop } catch { 'caught ' + $_.FullyQualifiedErrorId }")
    assert out == ["caught SoftFail,Get-Boom"] or out[0].startswith("caught SoftFail")


def test_out_variable(bps):
    assert bps.run("$null = 1, 2 | Set-Probe -Tag t -OutVariable ov; $ov.Count") == [2]


def test_splatting(bps):
    out = bps.run("$p = @{Organization='O'; Count=2}; & $probe @p")
    assert out[0]["Organization"] == "O" and out[0]["Count"] == 2
    out = bps.run("$a = @('O2', 'n'); & $probe @a")
    assert out[0]["Organization"] == "O2" and out[0]["Name"] == ["n"]
    out = bps.run("$p = @{Force=$true}; & $probe @p -Count 1")
    assert out[0]["Force"] is True


def test_delay_bind_script_block(bps):
    out = bps.run("[pscustomobject]@{N='Org9'} | Get-Probe -Organization { $_.N + '!' }")
    assert out[0]["Organization"] == "Org9!"


# --- script functions -------------------------------------------------------------------------------

FUNC = r"""
function Get-Widget {
    [CmdletBinding(DefaultParameterSetName = 'ByName', SupportsShouldProcess)]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'ByName')]
        [ValidateNotNullOrEmpty()]
        [string]$Name,
        [Parameter(Mandatory, ParameterSetName = 'ById')]
        [int]$Id,
        [ValidateSet('Small', 'Large')]
        [string]$Size = 'Small',
        [ValidateRange(1, 5)]
        [int]$Count = 1,
        [ValidatePattern('^[a-z]+$')]
        [string]$Code,
        [ValidateScript({ $_ -gt 10 })]
        [int]$Big,
        [Alias('Quiet')]
        [switch]$Silent
    )
    "$($PSCmdlet.ParameterSetName)|$Name|$Id|$Size|$Count|$Silent"
}
"""

FUNC_CASES = [
    ("Get-Widget foo", ["ByName|foo|0|Small|1|False"]),
    ("Get-Widget -Name foo -Size large -Count 3", ["ByName|foo|0|large|3|False"]),
    ("Get-Widget -Id 7", ["ById||7|Small|1|False"]),
    ("Get-Widget foo -Quiet", ["ByName|foo|0|Small|1|True"]),
    ("Get-Widget -n foo -s Large", None),
    ("$p = @{Name='sp'; Count=2}; Get-Widget @p", ["ByName|sp|0|Small|2|False"]),
    ("function Outer { [CmdletBinding()] param($Name, $Count) Get-Widget @PSBoundParameters }; Outer -Name x -Count 4", ["ByName|x|0|Small|4|False"]),
]


@pytest.mark.parametrize("script,expected", [c for c in FUNC_CASES if c[1] is not None],
                         ids=[c[0] for c in FUNC_CASES if c[1] is not None])
def test_advanced_function_binding(ps, script, expected):
    ps.run(FUNC)
    assert ps.ctx.invoke(script, raise_errors=True) == expected


FUNC_ERRORS = [
    ("Get-Widget", "MissingMandatoryParameter", None),
    ("Get-Widget -Bogus", "NamedParameterNotFound", "A parameter cannot be found that matches parameter name 'Bogus'."),
    ("Get-Widget foo bar", "PositionalParameterNotFound", "A positional parameter cannot be found that accepts argument 'bar'."),
    ("Get-Widget foo -Count x", "ParameterArgumentTransformationError", None),
    ("Get-Widget foo -Count 9", "ParameterArgumentValidationError", None),
    ("Get-Widget foo -Size Huge", "ParameterArgumentValidationError", None),
    ("Get-Widget foo -Code ABC1", "ParameterArgumentValidationError",
     "Cannot validate argument on parameter 'Code'. The argument \"ABC1\" does not match the \"^[a-z]+$\" pattern. Supply an argument that matches \"^[a-z]+$\" and try the command again."),
    ("Get-Widget foo -Big 3", "ParameterArgumentValidationError",
     "Cannot validate argument on parameter 'Big'. The \"$_ -gt 10\" validation script for the argument with value \"3\" did not return a result of True. Determine why the validation script failed, and then try the command again."),
    ("Get-Widget -Name ''", "ParameterArgumentValidationErrorEmptyStringNotAllowed",
     "Cannot bind argument to parameter 'Name' because it is an empty string."),
    ("Get-Widget -Name $null", "ParameterArgumentValidationErrorEmptyStringNotAllowed",
     "Cannot bind argument to parameter 'Name' because it is an empty string."),
    ("function nn { param([Parameter(Mandatory)]$O) }; nn -O $null", "ParameterArgumentValidationErrorNullNotAllowed", None),
    # a null element of a mandatory collection (found by the random-argument test: Restore-VEODDocument -Document @($null))
    ("function na { param([Parameter(Mandatory)][object[]]$O) }; na -O 1, $null", "ParameterArgumentValidationErrorNullNotAllowed",
     "Cannot bind argument to parameter 'O' because it is null."),
    ("Get-Widget -Name a -Id 1", "AmbiguousParameterSet", None),
    ("Get-Widget -Count", "MissingArgument", None),
    ("Get-Widget foo -C 1", "AmbiguousParameter", None),
]


@pytest.mark.parametrize("script,error_id,message", FUNC_ERRORS, ids=[e[1] + ":" + e[0] for e in FUNC_ERRORS])
def test_function_binding_errors(ps, script, error_id, message):
    ps.run(FUNC)
    rec = ps.err(script)
    assert rec.error_id == error_id
    assert rec.fully_qualified_error_id.startswith(f"{error_id},")
    if message:
        assert rec.message == message


def test_missing_mandatory_message_for_function(ps):
    ps.run(FUNC)
    assert ps.err("Get-Widget").message == "Cannot process command because of one or more missing mandatory parameters: Name."


def test_function_whatif(ps):
    ps.run("function Remove-Thing { [CmdletBinding(SupportsShouldProcess)] param($Name) if ($PSCmdlet.ShouldProcess($Name, 'Remove')) { 'removed' } }")
    assert ps.run("Remove-Thing x -WhatIf") == []
    assert 'What if: Performing the operation "Remove" on target "x".' in ps.host.text
    assert ps.run("Remove-Thing x") == ["removed"]


def test_simple_function_unknown_parameter_goes_to_args(ps):
    assert ps.run("function f($a) { $args }; f 1 -Extra 2") == ["-Extra", 2]


def test_pipeline_function_begin_process_end(ps):
    ps.run("function Sum { [CmdletBinding()] param([Parameter(ValueFromPipeline)][int]$N) begin { $t = 0 } process { $t += $N } end { $t } }")
    assert ps.run("1..4 | Sum") == [10]


def test_pipeline_by_property_name_function(ps):
    ps.run("function Show { param([Parameter(ValueFromPipelineByPropertyName)][string]$Name, [Parameter(ValueFromPipelineByPropertyName)][int]$Size) process { \"$Name=$Size\" } }")
    assert ps.run("[pscustomobject]@{Name='a'; Size='3'}, [pscustomobject]@{Name='b'; Size=4} | Show") == ["a=3", "b=4"]


def test_filter(ps):
    assert ps.run("filter Double { $_ * 2 }; 1..3 | Double") == [2, 4, 6]


def test_input_in_simple_function(ps):
    assert ps.run("function Count-In { @($input).Count }; 1..5 | Count-In") == [5]


def test_process_block_dollar_under(ps):
    assert ps.run("function f { process { \"[$_]\" } }; 'a','b' | f") == ["[a]", "[b]"]


def test_value_from_remaining_arguments(ps):
    ps.run("function r { [CmdletBinding()] param([Parameter(ValueFromRemainingArguments)]$Rest) $Rest.Count }")
    assert ps.run("r a b c") == [3]


def test_default_value_expression_uses_other_parameters(ps):
    ps.run("function d { param($A = 2, $B = $A * 10) $B }")
    assert ps.run("d; d -A 3") == [20, 30]


def test_typed_parameter_defaults(ps):
    ps.run("function t { param([int]$I, [string]$S, [switch]$W, $O) \"$($I -eq 0)|$($S -eq '')|$W|$($O -eq $null)\" }")
    assert ps.run("t") == ["True|True|False|True"]


def test_verbose_common_parameter(ps):
    ps.run("function v { [CmdletBinding()] param() Write-Verbose 'detail'; 'done' }")
    assert ps.run("v") == ["done"]
    assert "VERBOSE" not in ps.host.text
    assert ps.run("v -Verbose") == ["done"]
    assert "VERBOSE: detail" in ps.host.text


def test_psboundparameters(ps):
    ps.run("function b { [CmdletBinding()] param($X, $Y = 1) $PSBoundParameters.Keys -join ',' }")
    assert ps.run("b -X 1") == ["X"]
    assert ps.run("b -X 1 -Y 2 -Verbose") == ["X,Y,Verbose"]


def test_throw_terminating_error_from_pscmdlet(ps):
    ps.run("function tt { [CmdletBinding()] param() $r = [System.Management.Automation.ErrorRecord]::new(); 'x' }")
    ps.run("function t2 { [CmdletBinding()] param() try { throw 'inner' } catch { $PSCmdlet.ThrowTerminatingError($_) } }")
    rec = ps.err("t2")
    assert rec.message == "inner"


def test_syntax_lines_cmdlet():
    lines = syntax_lines(Probe)
    assert lines[0] == ("Get-Probe [[-Organization] <string>] [[-Name] <string[]>] [-Count <int>] [-Kind {Full | Incremental}] "
                        "[-Enabled <bool>] [-OutputFormat <string>] [-Label <string>] [-Force] [<CommonParameters>]")
    assert lines[1].startswith("Get-Probe [[-Organization] <string>] -Id <int>")
    assert syntax_lines(PipeProbe) == ["Set-Probe -Tag <string> [-InputObject <int>] [-Name <string>] [-WhatIf] [-Confirm] [<CommonParameters>]"]


def test_binder_never_leaks_python_errors_with_domain_object():
    from vboshell.commands.binder import Argument, Binder, metadata_for_cmdlet

    b = Binder(metadata_for_cmdlet(Probe))
    b.bind_command_line([Argument(PSObject({"x": 1}), "Organization", True)])
    assert b.bound["Organization"] == "@{x=1}"


def test_warning_variable(ps):
    out = ps.run("Write-Warning 'w1' -WarningVariable wv -WarningAction SilentlyContinue; $wv.Count; \"$wv\"")
    assert out == [1, "w1"]
    assert ps.host.text == ""
    ps.run("function wf { [CmdletBinding()] param() Write-Warning 'inner' }; wf -WarningVariable w2 3>$null")
    assert ps.one("$w2.Count") == 1


def test_syntax_lines_for_function(ps):
    ps.run(FUNC)
    info = ps.ctx.session.get_function("Get-Widget")
    meta = ps.ctx.evaluator.function_metadata(info)
    lines = syntax_lines(meta)
    assert lines[0].startswith("Get-Widget [-Name] <string> [-Size {Small | Large}] [-Count <int>]")
    assert lines[0].endswith("[-Silent] [-WhatIf] [-Confirm] [<CommonParameters>]")
    assert lines[1].startswith("Get-Widget -Id <int>")


def test_host_ui(ps):
    assert ps.run("$Host.UI.WriteLine('via host'); $Host.UI.RawUI.WindowSize.Width") == [120]
    assert ps.host.text == "via host\n"


def test_throw_error_record_keeps_it(ps):
    out = ps.run("try { try { [int]'x' } catch { throw $_ } } catch { $_.FullyQualifiedErrorId }")
    assert out == ["InvalidCastFromStringToInteger"]


def test_ps_default_parameter_values(ps, tmp_path):
    ps.run("$PSDefaultParameterValues['Export-Csv:NoTypeInformation'] = $true")
    ps.run("[pscustomobject]@{a=1} | Export-Csv -Path d.csv")
    assert (tmp_path / "d.csv").read_text().splitlines()[0] == '"a"'
    ps.run("function Get-Def { [CmdletBinding()] param($Level = 'low') $Level }")
    ps.run("$PSDefaultParameterValues['Get-D*:Level'] = 'high'")
    assert ps.run("Get-Def; Get-Def -Level mid") == ["high", "mid"]
