"""Format-Table/List/Wide, Out-String/Out-File/Out-Host/Out-Null and the Write-* cmdlets."""

from __future__ import annotations

from vboshell.runtime.context import BufferHost, ExecutionContext


def test_format_table_default(run) -> None:
    assert run("[PSCustomObject]@{Name='Daily'; Size=12} | Format-Table") == "\nName  Size\n----  ----\nDaily   12\n\n"


def test_ft_alias_with_properties(run) -> None:
    assert run("[PSCustomObject]@{A=1; B=2; C=3} | ft C, A") == "\nC A\n- -\n3 1\n\n"


def test_format_table_forces_table_for_many_properties(run) -> None:
    assert run("[PSCustomObject]@{A=1; B=2; C=3; D=4; E=5} | Format-Table") == \
        "\nA B C D E\n- - - - -\n1 2 3 4 5\n\n"


def test_format_table_calculated_property(run) -> None:
    script = ("1..3 | ForEach-Object { [PSCustomObject]@{N=$_; Sq=$_*$_} } | "
              "Format-Table N, @{Label='Square'; Expression={$_.Sq}} -AutoSize")
    assert run(script) == "\nN Square\n- ------\n1      1\n2      4\n3      9\n\n"


def test_format_table_calculated_width_align(run) -> None:
    script = "[PSCustomObject]@{A='x'} | Format-Table @{N='Col'; E={$_.A}; Width=6; Align='Right'}"
    assert run(script) == "\n   Col\n   ---\n     x\n\n"


def test_format_table_format_string(run) -> None:
    script = "[PSCustomObject]@{A=1234.567} | Format-Table @{N='A'; E={$_.A}; FormatString='N1'}"
    assert run(script) == "\n      A\n      -\n1,234.6\n\n"


def test_format_table_group_by(run) -> None:
    script = "[PSCustomObject]@{K='a'; V=1}, [PSCustomObject]@{K='b'; V=2} | Format-Table -GroupBy K"
    assert run(script) == ("\n   K: a\n\nK V\n- -\na 1\n\n\n   K: b\n\nK V\n- -\nb 2\n\n")


def test_format_table_hide_headers(run) -> None:
    assert run("[PSCustomObject]@{A=1; B='x'} | Format-Table -HideTableHeaders") == "\n1 x\n\n"


def test_format_table_truncates_to_console_width(tmp_path) -> None:
    host = BufferHost(width=40)
    ctx = ExecutionContext(host, cwd=tmp_path)
    ctx.execute("[PSCustomObject]@{Name='n' * 10; Text='t' * 60} | Format-Table")
    assert host.text.splitlines()[3] == "n" * 10 + " " + "t" * 25 + "..."


def test_format_table_wrap(tmp_path) -> None:
    host = BufferHost(width=20)
    ctx = ExecutionContext(host, cwd=tmp_path)
    ctx.execute("[PSCustomObject]@{K='x'; Text='alpha beta gamma delta'} | Format-Table -Wrap")
    assert host.text.splitlines()[3:5] == ["x alpha beta gamma", "  delta"]


def test_format_list(run) -> None:
    assert run("[PSCustomObject]@{Name='Daily'; Enabled=$true} | Format-List") == \
        "\nName    : Daily\nEnabled : True\n\n"


def test_format_list_properties(run) -> None:
    assert run("Get-Date -Year 2024 -Month 1 -Day 31 | Format-List Year, Month, Day") == \
        "\nYear  : 2024\nMonth : 1\nDay   : 31\n\n"


def test_format_list_star_and_calculated(run) -> None:
    assert run("[PSCustomObject]@{A=1} | fl *, @{N='B'; E={$_.A + 1}}") == "\nA : 1\nB : 2\n\n"


def test_format_list_two_objects(run) -> None:
    assert run("[PSCustomObject]@{A=1}, [PSCustomObject]@{A=2} | Format-List") == "\nA : 1\n\nA : 2\n\n"


def test_format_wide(run) -> None:
    assert run("'a', 'b', 'c', 'd' | Format-Wide -Column 2").splitlines()[1:3] == [
        "a" + " " * 38 + " b".rstrip() if False else "a                                       b", "c                                       d"]


def test_format_output_piped_to_out_string(run) -> None:
    assert run("$s = [PSCustomObject]@{A=1} | Format-Table | Out-String; $s.Length") == "8\n"


def test_out_string_single_string(run) -> None:
    assert run("$t = [PSCustomObject]@{A=1; B='x'} | Out-String; $t.Trim()") == "A B\n- -\n1 x\n"


def test_out_string_scalar_has_trailing_newline(run) -> None:
    assert run("('abc' | Out-String).Length") == "4\n"


def test_out_string_stream(run) -> None:
    assert run("@{k='v'} | Out-String -Stream | Select-Object -Skip 1 -First 1") == \
        "Name                           Value\n"


def test_out_string_width(run) -> None:
    assert run("[PSCustomObject]@{A='x' * 50; B=1} | Out-String -Width 30 -Stream | Select-Object -Index 3") == \
        "x" * 26 + "...\n"


def test_out_null(run) -> None:
    assert run("1..3 | Out-Null") == ""


def test_out_host_writes_to_console(run) -> None:
    assert run("$x = 'shown' | Out-Host; $null -eq $x") == "shown\nTrue\n"


def test_out_default(run) -> None:
    assert run("'hello' | Out-Default") == "hello\n"


def test_out_file_unicode_default(run, shell) -> None:
    run("'line one', 'line two' | Out-File out.txt")
    assert (shell.cwd / "out.txt").read_bytes() == b"\xff\xfe" + "line one\nline two\n".encode("utf-16-le")


def test_out_file_utf8_has_bom(run, shell) -> None:
    run("'x' | Out-File -FilePath o8.txt -Encoding UTF8")
    assert (shell.cwd / "o8.txt").read_bytes() == b"\xef\xbb\xbfx\n"


def test_out_file_ascii(run, shell) -> None:
    run("'x' | Out-File a.txt -Encoding ASCII")
    assert (shell.cwd / "a.txt").read_bytes() == b"x\n"


def test_out_file_append(run, shell) -> None:
    run("'a' | Out-File ap.txt -Encoding ASCII; 'b' | Out-File ap.txt -Append -Encoding ASCII")
    assert (shell.cwd / "ap.txt").read_text() == "a\nb\n"


def test_out_file_append_unicode_no_second_bom(run, shell) -> None:
    run("'a' | Out-File u.txt; 'b' | Out-File u.txt -Append")
    assert (shell.cwd / "u.txt").read_bytes() == b"\xff\xfe" + "a\nb\n".encode("utf-16-le")


def test_out_file_writes_formatted_table(run, shell) -> None:
    run("[PSCustomObject]@{Name='x'; N=1} | Format-Table | Out-File t.txt -Encoding UTF8NoBOM")
    assert (shell.cwd / "t.txt").read_text() == "\nName N\n---- -\nx    1\n\n"


def test_out_file_not_truncated_without_width(run, shell) -> None:
    run("[PSCustomObject]@{A='y' * 300} | Out-File w.txt -Encoding ASCII")
    assert "y" * 300 in (shell.cwd / "w.txt").read_text()


def test_out_file_width(run, shell) -> None:
    run("[PSCustomObject]@{A='y' * 300} | Out-File w2.txt -Encoding ASCII -Width 20")
    assert (shell.cwd / "w2.txt").read_text().splitlines()[3] == "y" * 16 + "..."


def test_out_file_no_newline(run, shell) -> None:
    run("'a', 'b' | Out-File nn.txt -NoNewline -Encoding ASCII")
    assert (shell.cwd / "nn.txt").read_text() == "ab"


def test_out_file_no_clobber(run, shell) -> None:
    run("'a' | Out-File nc.txt; 'b' | Out-File nc.txt -NoClobber")
    assert "already exists" in shell.errors()


def test_out_file_whatif(run, shell) -> None:
    out = run("'a' | Out-File wi.txt -WhatIf")
    assert out.startswith("What if: Performing the operation \"Output to File\" on target")
    assert not (shell.cwd / "wi.txt").exists()


def test_redirect_operator_writes_file(run, shell) -> None:
    run("'r' > redir.txt")
    assert (shell.cwd / "redir.txt").exists()


def test_write_host_joins_with_spaces(run) -> None:
    assert run("Write-Host 'a' 'b' 3") == "a b 3\n"


def test_write_host_separator(run) -> None:
    assert run("Write-Host 'a' 'b' -Separator ', '") == "a, b\n"


def test_write_host_array_flattened(run) -> None:
    assert run("Write-Host @(1, 2) 3 -Separator '-'") == "1-2-3\n"


def test_write_host_no_newline(run) -> None:
    assert run("Write-Host 'no newline ' -NoNewline; Write-Host 'here'") == "no newline here\n"


def test_write_host_colors_plain_on_buffer(run) -> None:
    assert run("Write-Host 'ok' -ForegroundColor Green -BackgroundColor Black") == "ok\n"


def test_write_host_color_on_color_host(tmp_path) -> None:
    host = BufferHost()
    host.supports_color = True
    ctx = ExecutionContext(host, cwd=tmp_path)
    ctx.execute("Write-Host 'ok' -ForegroundColor Green")
    assert host.text == "\x1b[92mok\x1b[0m\n"


def test_write_host_invalid_color(run, shell) -> None:
    run("Write-Host 'x' -ForegroundColor Purple")
    assert "Purple" in shell.errors()


def test_write_host_not_in_output(run) -> None:
    assert run("$x = Write-Host 'hi'; $null -eq $x") == "hi\nTrue\n"


def test_write_host_empty_line(run) -> None:
    assert run("Write-Host") == "\n"


def test_write_output(run) -> None:
    assert run("Write-Output 'hello'") == "hello\n"


def test_write_output_enumerates(run) -> None:
    assert run("(Write-Output 1, 2, 3 | Measure-Object).Count") == "3\n"


def test_write_output_no_enumerate(run) -> None:
    assert run("(Write-Output @(1, 2, 3) -NoEnumerate | Measure-Object).Count") == "1\n"


def test_echo_alias(run) -> None:
    assert run("echo hi") == "hi\n"


def test_write_warning(run) -> None:
    assert run("Write-Warning 'Disk almost full'") == "WARNING: Disk almost full\n"


def test_write_warning_silenced(run) -> None:
    assert run("Write-Warning 'x' -WarningAction SilentlyContinue") == ""


def test_write_verbose_hidden_by_default(run) -> None:
    assert run("Write-Verbose 'details'") == ""


def test_write_verbose_switch(run) -> None:
    assert run("Write-Verbose 'details' -Verbose") == "VERBOSE: details\n"


def test_write_verbose_preference(run) -> None:
    assert run("$VerbosePreference = 'Continue'; Write-Verbose 'v'") == "VERBOSE: v\n"


def test_write_debug_preference(run) -> None:
    assert run("$DebugPreference = 'Continue'; Write-Debug 'state'") == "DEBUG: state\n"


def test_write_information(run) -> None:
    assert run("Write-Information 'info' -InformationAction Continue") == "info\n"


def test_write_information_hidden(run) -> None:
    assert run("Write-Information 'info'") == ""


def test_write_error_record(run) -> None:
    out = run("Write-Error 'Something failed' -ErrorAction SilentlyContinue; $e = $Error[0]; "
              "$e.ToString(); $e.FullyQualifiedErrorId; $e.CategoryInfo.ToString()")
    assert out == ("Something failed\nMicrosoft.PowerShell.Commands.WriteErrorException\n"
                   "NotSpecified: (:) [Write-Error], WriteErrorException\n")


def test_write_error_category_and_id(run) -> None:
    out = run("Write-Error -Message 'nope' -Category ObjectNotFound -ErrorId 'JobMissing' -TargetObject 'J1' "
              "-ErrorAction SilentlyContinue; $Error[0].FullyQualifiedErrorId; $Error[0].CategoryInfo.Category")
    assert out == "JobMissing\nObjectNotFound\n"


def test_write_error_displayed(run, shell) -> None:
    run("Write-Error 'boom'")
    assert "boom" in shell.errors()
    assert "WriteErrorException" in shell.errors()


def test_write_error_is_catchable_with_stop(run) -> None:
    assert run("try { Write-Error 'bad' -ErrorAction Stop } catch { 'caught: ' + $_.Exception.Message }") == \
        "caught: bad\n"


def test_write_progress_silent_in_buffer(run) -> None:
    assert run("1..3 | ForEach-Object { Write-Progress -Activity 'Copying' -PercentComplete ($_ * 33) }; "
               "Write-Progress -Activity 'Copying' -Completed; 'done'") == "done\n"


def test_transcript(run, shell) -> None:
    out = run("Start-Transcript -Path t.log; Write-Output 'logged'; Stop-Transcript")
    assert out.startswith("Transcript started, output file is ")
    assert "Transcript stopped, output file is " in out


def test_stop_transcript_without_start(run, shell) -> None:
    run("Stop-Transcript")
    assert "The host is not currently transcribing." in shell.errors()


def test_transcript_redacts_plain_text_secret() -> None:
    from vboshell.builtins.output import redact

    assert redact("ConvertTo-SecureString 'P@ss' -AsPlainText -Force") == \
        "ConvertTo-SecureString '********' -AsPlainText -Force"


def test_clear_host_no_output_on_buffer(run) -> None:
    assert run("Clear-Host; cls") == ""


def test_error_record_in_output_prints_error_view(run) -> None:
    out = run("try { throw 'boom' } catch { $_ }")
    assert out.startswith("boom\nAt line:1 char:7\n")
    assert "    + FullyQualifiedErrorId : boom" in out


def test_error_record_select_star(run) -> None:
    out = run("try { throw 'boom' } catch { }; $Error[0] | Select-Object -Property * | Format-List")
    assert "FullyQualifiedErrorId : boom" in out and "CategoryInfo          : OperationStopped" in out


def test_format_list_star_on_datetime(run) -> None:
    out = run("Get-Date -Date '2024-01-01' | Format-List *")
    assert "DayOfWeek   : Monday" in out and "Year        : 2024" in out


def test_credential_table(run) -> None:
    out = run("New-Object PSCredential 'admin', (ConvertTo-SecureString 'x' -AsPlainText -Force)")
    assert out == "\nUserName Password\n-------- --------\nadmin    System.Security.SecureString\n\n"


def test_transcript_records_console_text_without_secrets(run, shell) -> None:
    run("Start-Transcript -Path tr.log | Out-Null; Write-Output 'logged'; Write-Host 'hosty'; Write-Warning 'w1'; "
        "$p = ConvertTo-SecureString 'Secret1' -AsPlainText -Force; $p; Stop-Transcript | Out-Null; 'after'")
    text = (shell.cwd / "tr.log").read_text()
    assert "Windows PowerShell transcript start" in text and "Windows PowerShell transcript end" in text
    assert "logged\n" in text and "hosty\n" in text and "WARNING: w1\n" in text
    assert "System.Security.SecureString" in text and "Secret1" not in text and "after" not in text


def test_get_enumerator_sorted_prints_like_hashtable(run) -> None:
    assert run("$h = @{b=2; a=1}; $h.GetEnumerator() | Sort-Object Name") == (
        "\nName                           Value\n----                           -----\n"
        "a                              1\nb                              2\n\n")


def test_format_list_hashtable_entries(run) -> None:
    assert run("[ordered]@{a=1; b='x'} | Format-List") == "\nName  : a\nValue : 1\n\nName  : b\nValue : x\n\n"


def test_empty_pscustomobject_prints_nothing(run) -> None:
    assert run("[PSCustomObject]@{}; 'end'") == "end\n"


def test_write_error_in_function_id_suffix(run) -> None:
    out = run("function Test-It { Write-Error 'bad' -ErrorAction SilentlyContinue }; Test-It; "
              "$Error[0].FullyQualifiedErrorId")
    assert out == "Microsoft.PowerShell.Commands.WriteErrorException,Test-It\n"
