"""Select-Object, Sort-Object, Group-Object, Measure-Object, Compare-Object, Tee-Object, Get-Unique, Get-Random."""

from __future__ import annotations


def test_select_first(run) -> None:
    assert run("1..100 | Select-Object -First 3") == "1\n2\n3\n"


def test_select_first_stops_infinite_upstream(run) -> None:
    assert run("& { while ($true) { 'x' } } | Select-Object -First 2") == "x\nx\n"


def test_select_first_stops_function_generator(run) -> None:
    script = "function Gen { $i = 0; while ($true) { $i++; $i } }; Gen | Select-Object -First 3"
    assert run(script) == "1\n2\n3\n"


def test_select_last(run) -> None:
    assert run("1..10 | Select-Object -Last 2") == "9\n10\n"


def test_select_skip(run) -> None:
    assert run("1..5 | Select-Object -Skip 3") == "4\n5\n"


def test_select_skip_and_first(run) -> None:
    assert run("1..10 | Select-Object -Skip 2 -First 2") == "3\n4\n"


def test_select_first_and_last(run) -> None:
    assert run("1..10 | Select-Object -First 1 -Last 1") == "1\n10\n"


def test_select_skiplast(run) -> None:
    assert run("1..5 | Select-Object -SkipLast 3") == "1\n2\n"


def test_select_index(run) -> None:
    assert run("'a','b','c','d' | Select-Object -Index 1, 3") == "b\nd\n"


def test_select_first_zero(run) -> None:
    assert run("1..3 | Select-Object -First 0") == ""


def test_select_unique(run) -> None:
    assert run("'b','a','b' | Select-Object -Unique") == "b\na\n"


def test_select_unique_is_case_sensitive(run) -> None:
    assert run("'a','A' | Select-Object -Unique") == "a\nA\n"


def test_select_properties_table(run) -> None:
    script = "[PSCustomObject]@{Name='Job1'; Size=10; Extra='x'} | Select-Object Name, Size"
    assert run(script) == "\nName Size\n---- ----\nJob1   10\n\n"


def test_select_wildcard_properties(run) -> None:
    script = "[PSCustomObject]@{Name='a'; NameLong='b'; Other=1} | Select-Object Name*"
    assert run(script) == "\nName NameLong\n---- --------\na    b\n\n"


def test_select_star_exclude(run) -> None:
    script = "[PSCustomObject]@{A=1; B=2; C=3} | Select-Object * -ExcludeProperty B"
    assert run(script) == "\nA C\n- -\n1 3\n\n"


def test_select_calculated_name_expression(run) -> None:
    script = ("[PSCustomObject]@{Name='Job1'; SizeBytes=3GB} | "
              "Select-Object Name, @{N='SizeGB'; E={$_.SizeBytes / 1GB}}")
    assert run(script) == "\nName SizeGB\n---- ------\nJob1      3\n\n"


def test_select_calculated_label_expression(run) -> None:
    script = "1..2 | Select-Object @{Label='Double'; Expression={$_ * 2}}"
    assert run(script) == "\nDouble\n------\n     2\n     4\n\n"


def test_select_calculated_string_expression(run) -> None:
    assert run("[PSCustomObject]@{A=7} | Select-Object @{n='B'; e='A'} | % B") == "7\n"


def test_select_calculated_bad_key(run, shell) -> None:
    run("[PSCustomObject]@{A=7} | Select-Object @{Nope='B'; e='A'}")
    assert 'The "Nope" key is not valid.' in shell.errors()


def test_select_missing_property_is_null(run) -> None:
    assert run("$o = [PSCustomObject]@{A=1} | Select-Object A, Missing; $null -eq $o.Missing; $o.PSObject.Properties.Name -join ','") == "True\nA,Missing\n"


def test_select_type_name(run) -> None:
    assert run("([PSCustomObject]@{A=1} | Select-Object A).PSObject.TypeNames[0]") == \
        "Selected.System.Management.Automation.PSCustomObject\n"


def test_select_expand_property(run) -> None:
    assert run("[PSCustomObject]@{Name='x'}, [PSCustomObject]@{Name='y'} | Select-Object -ExpandProperty Name") == "x\ny\n"


def test_select_expand_enumerates_collections(run) -> None:
    assert run("[PSCustomObject]@{Items=@(1,2)}, [PSCustomObject]@{Items=@(3)} | Select-Object -ExpandProperty Items") == "1\n2\n3\n"


def test_select_expand_missing_property_errors(run, shell) -> None:
    run("[PSCustomObject]@{A=1} | Select-Object -ExpandProperty B")
    assert 'Property "B" cannot be found.' in shell.errors()


def test_select_string_length(run) -> None:
    assert run("'abc' | Select-Object Length | % Length") == "3\n"


def test_sort_numbers(run) -> None:
    assert run("3, 1, 2 | Sort-Object") == "1\n2\n3\n"


def test_sort_descending(run) -> None:
    assert run("3, 10, 2 | Sort-Object -Descending") == "10\n3\n2\n"


def test_sort_strings_case_insensitive(run) -> None:
    assert run("'b', 'A', 'c' | Sort-Object") == "A\nb\nc\n"


def test_sort_case_sensitive(run) -> None:
    assert run("'B', 'a', 'b', 'A' | Sort-Object -CaseSensitive") == "a\nA\nb\nB\n"


def test_sort_unique(run) -> None:
    assert run("'b','a','B' | Sort-Object -Unique") == "a\nb\n"


def test_sort_by_property(run) -> None:
    script = "[PSCustomObject]@{N='x'; V=2}, [PSCustomObject]@{N='y'; V=1} | Sort-Object V | % N"
    assert run(script) == "y\nx\n"


def test_sort_multiple_keys(run) -> None:
    script = ("[PSCustomObject]@{A=1; B='z'}, [PSCustomObject]@{A=0; B='y'}, [PSCustomObject]@{A=1; B='a'} | "
              "Sort-Object A, B | % { \"$($_.A)$($_.B)\" }")
    assert run(script) == "0y\n1a\n1z\n"


def test_sort_hashtable_key_descending(run) -> None:
    script = ("[PSCustomObject]@{A=1; B='z'}, [PSCustomObject]@{A=0; B='y'}, [PSCustomObject]@{A=1; B='a'} | "
              "Sort-Object @{Expression='A'; Descending=$true}, B | % { \"$($_.A)$($_.B)\" }")
    assert run(script) == "1a\n1z\n0y\n"


def test_sort_script_block_key(run) -> None:
    assert run("'ccc','a','bb' | Sort-Object { $_.Length }") == "a\nbb\nccc\n"


def test_sort_is_stable(run) -> None:
    script = "[PSCustomObject]@{K=1; N='first'}, [PSCustomObject]@{K=1; N='second'} | Sort-Object K | % N"
    assert run(script) == "first\nsecond\n"


def test_sort_nulls_first(run) -> None:
    assert run("$a = 2, $null, 1 | Sort-Object; $null -eq $a[0]; $a[1]") == "True\n1\n"


def test_sort_dates(run) -> None:
    assert run("[datetime]'2024-02-01', [datetime]'2023-01-01' | Sort-Object | % { $_.Year }") == "2023\n2024\n"


def test_sort_mixed_numeric_strings(run) -> None:
    assert run("'10', '9', '100' | Sort-Object { [int]$_ }") == "9\n10\n100\n"


def test_group_default_table(run) -> None:
    assert run("'a', 'b', 'a' | Group-Object") == (
        "\nCount Name                      Group\n----- ----                      -----\n"
        "    2 a                         {a, a}\n    1 b                         {b}\n\n")


def test_group_by_property_count(run) -> None:
    script = ("[PSCustomObject]@{T='x'}, [PSCustomObject]@{T='y'}, [PSCustomObject]@{T='X'} | "
              "Group-Object T | % { \"$($_.Name)=$($_.Count)\" }")
    assert run(script) == "x=2\ny=1\n"


def test_group_case_sensitive(run) -> None:
    assert run("'a','A' | Group-Object -CaseSensitive | % Count") == "1\n1\n"


def test_group_no_element(run) -> None:
    assert run("1..6 | Group-Object { $_ % 2 } -NoElement") == (
        "\nCount Name\n----- ----\n    3 1\n    3 0\n\n")


def test_group_as_hashtable(run) -> None:
    assert run("$h = 'x', 'y', 'x' | Group-Object -AsHashTable -AsString; $h['x'].Count; $h.Count") == "2\n2\n"


def test_group_multiple_properties_name(run) -> None:
    script = "[PSCustomObject]@{A=1; B='q'} | Group-Object A, B | % Name"
    assert run(script) == "1, q\n"


def test_group_values_and_group(run) -> None:
    assert run("$g = 5, 5 | Group-Object; $g.Values[0]; $g.Group.Count") == "5\n2\n"


def test_measure_count(run) -> None:
    assert run("(1..7 | Measure-Object).Count") == "7\n"


def test_measure_sum_average_list(run) -> None:
    assert run("1..10 | Measure-Object -Sum -Average") == (
        "\nCount    : 10\nAverage  : 5.5\nSum      : 55\nMaximum  :\nMinimum  :\nProperty :\n\n")


def test_measure_max_min(run) -> None:
    assert run("$m = 4, 9, 1 | Measure-Object -Maximum -Minimum; $m.Maximum; $m.Minimum") == "9\n1\n"


def test_measure_property(run) -> None:
    script = "$m = [PSCustomObject]@{S=2}, [PSCustomObject]@{S=3} | Measure-Object -Property S -Sum; $m.Sum; $m.Property"
    assert run(script) == "5\nS\n"


def test_measure_missing_property_errors(run, shell) -> None:
    run("[PSCustomObject]@{S=2} | Measure-Object -Property Q -Sum")
    assert 'The property "Q" cannot be found in the input for any objects.' in shell.errors()


def test_measure_text(run) -> None:
    assert run("'hello world', 'x' | Measure-Object -Line -Word -Character") == (
        "\nLines Words Characters Property\n----- ----- ---------- --------\n    2     3         12\n\n")


def test_measure_sum_is_double_display(run) -> None:
    assert run("(0.1, 0.2 | Measure-Object -Sum).Sum") == "0.3\n"


def test_measure_empty_input(run) -> None:
    assert run("(@() | Measure-Object).Count") == "0\n"


def test_compare_object(run) -> None:
    assert run("Compare-Object -ReferenceObject 1, 2, 3 -DifferenceObject 2, 3, 4") == (
        "\nInputObject SideIndicator\n----------- -------------\n          4 =>\n          1 <=\n\n")


def test_compare_object_include_equal(run) -> None:
    assert run("Compare-Object 'a','b' 'b','c' -IncludeEqual | % { $_.InputObject + $_.SideIndicator }") == \
        "b==\nc=>\na<=\n"


def test_compare_object_exclude_different(run) -> None:
    assert run("Compare-Object 1,2 2,3 -IncludeEqual -ExcludeDifferent | % InputObject") == "2\n"


def test_compare_object_property(run) -> None:
    script = ("$r = [PSCustomObject]@{N='a'}, [PSCustomObject]@{N='b'}; $d = [PSCustomObject]@{N='b'}; "
              "Compare-Object $r $d -Property N | % { \"$($_.N) $($_.SideIndicator)\" }")
    assert run(script) == "a <=\n"


def test_compare_object_identical_outputs_nothing(run) -> None:
    assert run("Compare-Object 1,2 1,2") == ""


def test_tee_variable(run) -> None:
    assert run("1..3 | Tee-Object -Variable nums | Measure-Object | % Count; $nums.Count") == "3\n3\n"


def test_tee_file(run, shell) -> None:
    run("'a','b' | Tee-Object -FilePath tee.txt | Out-Null")
    data = (shell.cwd / "tee.txt").read_bytes()
    assert data == b"\xff\xfe" + "a\nb\n".encode("utf-16-le")


def test_get_unique(run) -> None:
    assert run("1, 1, 2, 2, 3, 1 | Get-Unique") == "1\n2\n3\n1\n"


def test_get_unique_strings_case_sensitive(run) -> None:
    assert run("'a', 'A', 'a' | Get-Unique") == "a\nA\na\n"


def test_get_random_range(run) -> None:
    assert run("Get-Random -Minimum 1 -Maximum 2") == "1\n"


def test_get_random_seed_repeatable(run) -> None:
    out = run("$a = Get-Random -SetSeed 7 -Maximum 1000; $b = Get-Random -SetSeed 7 -Maximum 1000; $a -eq $b")
    assert out == "True\n"


def test_get_random_count_from_input(run) -> None:
    assert run("(1..10 | Get-Random -Count 3 | Sort-Object -Unique).Count") == "3\n"


def test_get_random_min_ge_max_errors(run, shell) -> None:
    run("Get-Random -Minimum 5 -Maximum 5")
    assert "The Minimum value (5) cannot be greater than or equal to the Maximum value (5)." in shell.errors()
