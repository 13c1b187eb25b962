"""Get-Help, Get-Command, Get-Member, *-Variable, New-Object, Add-Member, modules, Invoke-Expression."""

from __future__ import annotations


def test_get_help_sections(run) -> None:
    out = run("Get-Help Get-Date")
    lines = out.splitlines()
    assert lines[:4] == ["", "NAME", "    Get-Date", ""]
    assert lines[4:6] == ["SYNOPSIS", "    Gets the current date and time."]
    assert "SYNTAX" in lines and "DESCRIPTION" in lines and "REMARKS" in lines
    assert '    To see the examples, type: "get-help Get-Date -examples".' in lines
    assert "PARAMETERS" not in lines


def test_get_help_syntax_line(run) -> None:
    out = run("Get-Help Select-Object")
    assert "    Select-Object [[-Property] <Object[]>] [-InputObject <Object>]" in out
    assert "[-First <int>]" in out and "[-Unique]" in out and out.count("[<CommonParameters>]") == 1


def test_get_help_parameter_sets(run) -> None:
    out = run("Get-Help Get-Date")
    assert "[-Format <string>]" in out and "[-UFormat <string>]" in out
    syntax = [ln for ln in out.splitlines() if ln.startswith("    Get-Date ")]
    assert len(syntax) == 2


def test_get_help_should_process_adds_whatif(run) -> None:
    assert "[-WhatIf] [-Confirm] [<CommonParameters>]" in run("Get-Help Remove-Item")


def test_get_help_mandatory_positional_syntax(run) -> None:
    assert "Out-File [-FilePath] <string>" in run("Get-Help Out-File")


def test_get_help_full(run) -> None:
    out = run("Get-Help Select-Object -Full")
    assert "PARAMETERS" in out
    assert "    -First <int>\n        Number of objects from the start.\n\n        Required?                    false\n" in out
    assert "        Accept pipeline input?       True (ByValue)" in out
    assert "    <CommonParameters>" in out
    assert "INPUTS" in out and "OUTPUTS" in out
    assert "-------------------------- EXAMPLE 1 --------------------------" in out
    assert "    PS C:\\>1..100 | Select-Object -First 3" in out


def test_get_help_detailed_has_no_attribute_table(run) -> None:
    out = run("Get-Help Sort-Object -Detailed")
    assert "PARAMETERS" in out and "Required?" not in out and "EXAMPLE 1" in out


def test_get_help_examples(run) -> None:
    out = run("Get-Help Sort-Object -Examples")
    assert "EXAMPLE 1" in out and "SYNTAX" not in out and "NAME" in out


def test_get_help_parameter(run) -> None:
    out = run("Get-Help Select-Object -Parameter First")
    assert out.splitlines()[:3] == ["", "    -First <int>", "        Number of objects from the start."]
    assert "        Position?                    named" in out


def test_get_help_parameter_aliases_and_position(run) -> None:
    out = run("Get-Help Get-Content -Parameter TotalCount")
    assert "        Aliases                      First, Head" in out
    out = run("Get-Help Get-Content -Parameter Path")
    assert "        Required?                    true" in out and "        Position?                    0" in out


def test_get_help_unknown_parameter(run, shell) -> None:
    run("Get-Help Select-Object -Parameter Nope")
    assert "No parameter matches criteria Nope." in shell.errors()


def test_get_help_alias_name(run) -> None:
    assert "    Where-Object" in run("help where")


def test_get_help_not_found(run, shell) -> None:
    run("Get-Help No-SuchThing")
    assert "Get-Help could not find No-SuchThing in a help file in this session." in shell.errors()


def test_get_help_wildcard_lists(run) -> None:
    out = run("Get-Help Select-*")
    assert "Select-Object" in out and "Select-String" in out and "Name" in out.splitlines()[1]


def test_get_help_comment_based(run) -> None:
    script = ("function Get-Thing {\n<#\n.SYNOPSIS\nGets a thing.\n.DESCRIPTION\nLonger text.\n"
              ".PARAMETER Name\nThe thing's name.\n.EXAMPLE\nGet-Thing -Name x\nGets x.\n#>\n"
              "param([string]$Name, [switch]$Force)\n$Name }\nGet-Help Get-Thing -Full")
    out = run(script)
    assert "    Get-Thing" in out and "    Gets a thing." in out and "    Longer text." in out
    assert "    Get-Thing [[-Name] <string>] [-Force]" in out
    assert "    -Name <string>\n        The thing's name." in out
    assert "    PS C:\\>Get-Thing -Name x" in out and "    Gets x." in out


def test_get_help_function_without_help(run) -> None:
    out = run("function f1($a, $b) { }; Get-Help f1")
    assert "    f1 [[-a] <Object>] [[-b] <Object>]" in out


def test_get_help_advanced_function_common_parameters(run) -> None:
    out = run("function f2 { [CmdletBinding()] param([Parameter(Mandatory)][string]$N) }; Get-Help f2")
    assert "    f2 [-N] <string> [<CommonParameters>]" in out


def test_get_help_no_name(run) -> None:
    assert "get-help {<CmdletName> | <TopicName>}" in run("Get-Help")


def test_get_command_name(run) -> None:
    assert run("Get-Command Get-Date") == (
        "\nCommandType     Name                                               Version    Source\n"
        "-----------     ----                                               -------    ------\n"
        "Cmdlet          Get-Date                                           3.1.0.0    Microsoft.PowerShell.Utility\n\n")


def test_get_command_alias(run) -> None:
    assert "Alias           where -> Where-Object" in run("Get-Command where")


def test_get_command_verb_noun(run) -> None:
    assert run("Get-Command -Verb Get -Noun Date | % Name") == "Get-Date\n"


def test_get_command_wildcard(run) -> None:
    names = run("Get-Command -Name Get-Ch* | % Name").split()
    assert "Get-ChildItem" in names


def test_get_command_module(run) -> None:
    names = run("Get-Command -Module Microsoft.PowerShell.Management | % Name").split()
    assert "Get-ChildItem" in names and "Get-Date" not in names


def test_get_command_syntax(run) -> None:
    out = run("Get-Command Select-Object -Syntax")
    assert out.startswith("\nSelect-Object [[-Property] <Object[]>]") and "[-First <int>]" in out


def test_get_command_alias_syntax(run) -> None:
    assert run("Get-Command sort -Syntax") == "sort (alias) -> Sort-Object\n"


def test_get_command_not_found(run, shell) -> None:
    run("Get-Command Nope-Nothing")
    assert "The term 'Nope-Nothing' is not recognized as the name of a cmdlet" in shell.errors()


def test_get_command_function(run) -> None:
    assert run("function Do-It { }; (Get-Command Do-It).CommandType") == "Function\n"


def test_get_command_veeam_short_names(run) -> None:
    out = run("Get-Command *-VBOJob | % Name")
    if out:  # the Veeam cmdlets belong to another team; check the naming rule when they are present
        assert "Get-VBOJob" in out.split()


def test_get_member_pscustomobject(run) -> None:
    assert run("[PSCustomObject]@{Name='x'} | Get-Member") == (
        "\n   TypeName: System.Management.Automation.PSCustomObject\n\n"
        "Name        MemberType   Definition\n----        ----------   ----------\n"
        "Equals      Method       bool Equals(System.Object obj)\n"
        "GetHashCode Method       int GetHashCode()\n"
        "GetType     Method       type GetType()\n"
        "ToString    Method       string ToString()\n"
        "Name        NoteProperty string Name=x\n\n")


def test_get_member_membertype_filter(run) -> None:
    assert run("[PSCustomObject]@{Name='x'; N=1} | Get-Member -MemberType NoteProperty | % Definition") == \
        "int N=1\nstring Name=x\n"


def test_get_member_string(run) -> None:
    out = run("'text' | Get-Member -Name Length")
    assert out == ("\n   TypeName: System.String\n\nName   MemberType Definition\n"
                   "----   ---------- ----------\nLength Property   int Length {get;}\n\n")


def test_get_member_one_group_per_type(run) -> None:
    out = run("1, 2, 'a' | Get-Member -MemberType Method -Name ToString")
    assert out.count("TypeName:") == 2 and "TypeName: System.Int32" in out


def test_get_member_properties_set(run) -> None:
    assert run("Get-Date | Get-Member -MemberType Properties -Name Year | % MemberType") == "Property\n"


def test_get_member_without_input(run, shell) -> None:
    run("Get-Member")
    assert "You must specify an object for the Get-Member cmdlet." in shell.errors()


def test_get_member_typename_property(run) -> None:
    assert run("(@{} | Get-Member -Name Count).TypeName") == "System.Collections.Hashtable\n"


def test_get_variable(run) -> None:
    assert run("$answer = 42; Get-Variable answer") == (
        "\nName                           Value\n----                           -----\n"
        "answer                         42\n\n")


def test_get_variable_value_only(run) -> None:
    assert run("$answer = 42; Get-Variable -Name answer -ValueOnly") == "42\n"


def test_get_variable_wildcard(run) -> None:
    assert run("$vboA = 1; $vboB = 2; Get-Variable vbo* | % Name") == "vboA\nvboB\n"


def test_get_variable_missing(run, shell) -> None:
    run("Get-Variable nope")
    assert "Cannot find a variable with the name 'nope'." in shell.errors()


def test_set_variable(run) -> None:
    assert run("Set-Variable -Name total -Value 10; $total") == "10\n"


def test_set_variable_global_scope(run) -> None:
    assert run("function f { Set-Variable -Name g -Value 5 -Scope Global }; f; $g") == "5\n"


def test_new_variable(run) -> None:
    assert run("New-Variable -Name limit -Value 5; $limit") == "5\n"


def test_new_variable_exists(run, shell) -> None:
    run("$x = 1; New-Variable x 2")
    assert "A variable with name 'x' already exists." in shell.errors()


def test_new_variable_force(run) -> None:
    assert run("$x = 1; New-Variable x 2 -Force; $x") == "2\n"


def test_remove_variable(run) -> None:
    assert run("$tmp = 1; Remove-Variable tmp; $null -eq $tmp") == "True\n"


def test_remove_variable_missing(run, shell) -> None:
    run("Remove-Variable nope")
    assert "Cannot find a variable with the name 'nope'." in shell.errors()


def test_clear_variable(run) -> None:
    assert run("$x = 5; Clear-Variable x; $null -eq $x; (Get-Variable x).Name") == "True\nx\n"


def test_new_object_psobject_property(run) -> None:
    assert run("New-Object PSObject -Property @{Name='Job1'; Enabled=$true} | Select-Object -ExpandProperty Name") == \
        "Job1\n"


def test_new_object_pscustomobject_keeps_order(run) -> None:
    assert run("(New-Object PSCustomObject -Property ([ordered]@{B=1; A=2})).PSObject.Properties.Name -join ','") == \
        "B,A\n"


def test_new_object_arraylist(run) -> None:
    assert run("$l = New-Object System.Collections.ArrayList; $l.Add('a'); [void]$l.Add('b'); $l.Count") == "0\n2\n"


def test_new_object_generic_list(run) -> None:
    assert run("$l = New-Object 'System.Collections.Generic.List[string]'; $l.Add('x'); $l.Count; $l.GetType().FullName") \
        .startswith("1\nSystem.Collections.Generic.List")


def test_new_object_pscredential(run) -> None:
    script = ("$p = ConvertTo-SecureString 'pw' -AsPlainText -Force; "
              "$c = New-Object System.Management.Automation.PSCredential ('admin', $p); $c.UserName; "
              "$c.GetNetworkCredential().Password")
    assert run(script) == "admin\npw\n"


def test_new_object_pscredential_argumentlist(run) -> None:
    script = ("$p = ConvertTo-SecureString 'pw' -AsPlainText -Force; "
              "(New-Object -TypeName PSCredential -ArgumentList 'u', $p).UserName")
    assert run(script) == "u\n"


def test_new_object_stringbuilder(run) -> None:
    assert run("$sb = New-Object System.Text.StringBuilder; [void]$sb.Append('ab'); [void]$sb.AppendLine('c'); "
               "$sb.ToString().Length; $sb.Length") == "5\n5\n"


def test_new_object_datetime(run) -> None:
    assert run("(New-Object DateTime 2024, 2, 29).ToString('yyyy-MM-dd')") == "2024-02-29\n"


def test_new_object_winforms_not_supported(run, shell) -> None:
    run("New-Object System.Windows.Forms.Form")
    assert "Windows Forms GUIs are not available" in shell.errors()


def test_new_object_com_not_supported(run, shell) -> None:
    run("New-Object -ComObject Outlook.Application")
    assert "COM objects exist only on Windows" in shell.errors()


def test_new_object_unknown_type(run, shell) -> None:
    run("New-Object Foo.Bar")
    assert "Cannot find type [Foo.Bar]: verify that the assembly containing this type is loaded." in shell.errors()


def test_add_member_note_property(run) -> None:
    assert run("$o = [PSCustomObject]@{Name='a'}; $o | Add-Member -NotePropertyName Size -NotePropertyValue 3; $o.Size") == \
        "3\n"


def test_add_member_positional_passthru(run) -> None:
    assert run("[PSCustomObject]@{Name='a'} | Add-Member NoteProperty Tag 'x' -PassThru | % Tag") == "x\n"


def test_add_member_exists_errors(run, shell) -> None:
    run("$o = [PSCustomObject]@{A=1}; $o | Add-Member -NotePropertyName A -NotePropertyValue 2")
    assert 'Cannot add a member with the name "A" because a member with that name already exists.' in shell.errors()


def test_add_member_force(run) -> None:
    assert run("$o = [PSCustomObject]@{A=1}; $o | Add-Member -NotePropertyName A -NotePropertyValue 2 -Force; $o.A") == "2\n"


def test_add_member_note_property_members(run) -> None:
    assert run("$o = [PSCustomObject]@{}; $o | Add-Member -NotePropertyMembers @{X=1; Y=2}; $o.X + $o.Y") == "3\n"


def test_add_member_script_property(run) -> None:
    assert run("$o = [PSCustomObject]@{A=2}; $o | Add-Member ScriptProperty Double { $this.A * 2 }; $o.Double") == "4\n"


def test_add_member_alias_property(run) -> None:
    assert run("$o = [PSCustomObject]@{Name='n'}; $o | Add-Member AliasProperty Alias Name; $o.Alias") == "n\n"


def test_import_module_veeam_by_name(run, shell) -> None:
    assert run("Import-Module Veeam.Archiver.PowerShell; 'ok'") == "ok\n"
    assert shell.errors() == ""


def test_import_module_veeam_paths(run, shell) -> None:
    run(r'Import-Module "C:\Program Files\Veeam\Backup365\Veeam.Archiver.PowerShell\Veeam.Archiver.PowerShell.psd1"')
    run(r'Import-Module "C:\Program Files\Veeam\Backup365\Veeam.Archiver.PowerShell\Veeam.Archiver.PowerShell.dll"')
    run("Import-Module Veeam.Exchange.PowerShell, Veeam.SharePoint.PowerShell, Veeam.Teams.PowerShell")
    assert shell.errors() == ""


def test_import_module_unknown(run, shell) -> None:
    run("Import-Module Foo.Bar")
    errors = shell.errors()
    assert "The specified module 'Foo.Bar' was not loaded because no valid module file was found in any module directory." in errors
    assert "Modules_ModuleNotFound" in errors
    assert "ResourceUnavailable: (Foo.Bar:String) [Import-Module], FileNotFoundException" in errors


def test_import_module_script_file(run, shell) -> None:
    (shell.cwd / "lib.psm1").write_text("function Get-Lib { 'from lib' }\n")
    assert run("Import-Module ./lib.psm1; Get-Lib") == "from lib\n"


def test_get_module(run) -> None:
    out = run("Import-Module Veeam.Archiver.PowerShell; Get-Module Veeam* | % Name")
    assert out == "Veeam.Archiver.PowerShell\n"


def test_get_module_list_available(run) -> None:
    assert "Veeam.Teams.PowerShell" in run("Get-Module -ListAvailable | % Name")


def test_add_pssnapin_error(run, shell) -> None:
    run("Add-PSSnapin VeeamPSSnapIn")
    assert "The Windows PowerShell snap-in 'VeeamPSSnapIn' is not installed on this computer." in shell.errors()
    assert "Import-Module Veeam.Archiver.PowerShell" in shell.errors()


def test_add_pssnapin_silently(run) -> None:
    assert run("Add-PSSnapin VeeamPSSnapIn -ErrorAction SilentlyContinue; 'next'") == "next\n"


def test_invoke_expression(run) -> None:
    assert run("Invoke-Expression '1 + 2'") == "3\n"


def test_invoke_expression_command_string(run) -> None:
    assert run("$cmd = 'Get-Date -Year 2000 -Format yyyy'; Invoke-Expression $cmd") == "2000\n"


def test_invoke_expression_sets_variables(run) -> None:
    assert run("iex '$fromIex = 7'; $fromIex") == "7\n"


def test_get_help_script_file(run, shell) -> None:
    (shell.cwd / "report.ps1").write_text(
        "<#\n.SYNOPSIS\nDaily job report.\n.DESCRIPTION\nLists failed jobs.\n.PARAMETER Days\nHow far back.\n#>\n"
        "param([int]$Days = 1)\n'x'\n")
    out = run("Get-Help ./report.ps1 -Full")
    assert "    report.ps1" in out and "    Daily job report." in out and "    -Days <int>" in out
    assert "        How far back." in out and "        Default value                1" in out


def test_out_gridview_clear_error(run, shell) -> None:
    run("1 | Out-GridView")
    assert "Out-GridView is not available" in shell.errors()


def test_get_process_self(run) -> None:
    assert run("$p = Get-Process -Id $PID; $p.Id -eq $PID; $p.ProcessName.Length -gt 0") == "True\nTrue\n"


def test_get_process_table_header(run) -> None:
    out = run("Get-Process -Id $PID")
    assert out.splitlines()[1] == "Handles  NPM(K)    PM(K)      WS(K)     CPU(s)     Id  SI ProcessName"


def test_get_process_missing_name(run, shell) -> None:
    run("Get-Process -Name no_such_process_xyz")
    assert 'Cannot find a process with the name "no_such_process_xyz".' in shell.errors()


ADVANCED = '''
function Get-JobReport {
    <#
    .SYNOPSIS
        Builds the job report.
    .PARAMETER JobName
        Job to report on.
    .EXAMPLE
        PS C:\\> Get-JobReport -JobName Daily
        Reports on Daily.
    .NOTES
        Author: admin
    #>
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory=$true, Position=0, ValueFromPipeline=$true)]
        [Alias("Name")]
        [string[]]$JobName,
        [ValidateSet("Csv","Html")][string]$Format = "Csv",
        [switch]$Force
    )
    process { $JobName }
}
'''


def test_get_help_advanced_function_syntax(run) -> None:
    out = run(ADVANCED + "Get-Help Get-JobReport")
    assert "    Get-JobReport [-JobName] <string[]> [-Format <string>] [-Force] [-WhatIf] [-Confirm] " \
           "[<CommonParameters>]" in out


def test_get_help_advanced_function_full(run) -> None:
    out = run(ADVANCED + "Get-Help Get-JobReport -Full")
    assert "        Accept pipeline input?       True (ByValue)\n        Aliases                      Name" in out
    assert "        Default value                Csv" in out
    assert "NOTES\n    Author: admin" in out
    assert "    PS C:\\>Get-JobReport -JobName Daily\n\n    Reports on Daily." in out


def test_get_help_function_parameter(run) -> None:
    out = run(ADVANCED + "Get-Help Get-JobReport -Parameter Force")
    assert out.splitlines()[1] == "    -Force" and "        Default value                False" in out
