"""Export-Csv/Import-Csv/ConvertTo-Csv/ConvertFrom-Csv and ConvertTo-Json/ConvertFrom-Json, exact text."""

from __future__ import annotations


def test_convertto_csv_type_line(run) -> None:
    assert run("[PSCustomObject]@{A=1; B='x'} | ConvertTo-Csv") == \
        '#TYPE System.Management.Automation.PSCustomObject\n"A","B"\n"1","x"\n'


def test_convertto_csv_no_type(run) -> None:
    assert run("[PSCustomObject]@{A=1; B='x,y'} | ConvertTo-Csv -NoTypeInformation") == '"A","B"\n"1","x,y"\n'


def test_csv_quotes_doubled(run) -> None:
    assert run("[PSCustomObject]@{T='say \"hi\"'} | ConvertTo-Csv -NoTypeInformation") == '"T"\n"say ""hi"""\n'


def test_csv_null_is_empty_unquoted(run) -> None:
    assert run("[PSCustomObject]@{A=$null; B=2} | ConvertTo-Csv -NoTypeInformation") == '"A","B"\n,"2"\n'


def test_csv_delimiter(run) -> None:
    assert run("[PSCustomObject]@{A=1; B=2} | ConvertTo-Csv -NoTypeInformation -Delimiter ';'") == '"A";"B"\n"1";"2"\n'


def test_csv_columns_from_first_object(run) -> None:
    script = "[PSCustomObject]@{A=1}, [PSCustomObject]@{A=2; B=3} | ConvertTo-Csv -NoTypeInformation"
    assert run(script) == '"A"\n"1"\n"2"\n'


def test_csv_missing_property_empty(run) -> None:
    script = "[PSCustomObject]@{A=1; B=2}, [PSCustomObject]@{A=3} | ConvertTo-Csv -NoTypeInformation"
    assert run(script) == '"A","B"\n"1","2"\n"3",\n'


def test_csv_selected_type_name(run) -> None:
    assert run("[PSCustomObject]@{A=1; B=2} | Select-Object A | ConvertTo-Csv | Select-Object -First 1") == \
        "#TYPE Selected.System.Management.Automation.PSCustomObject\n"


def test_csv_array_and_bool_values(run) -> None:
    assert run("[PSCustomObject]@{L=@(1,2); F=$false} | ConvertTo-Csv -NoTypeInformation") == \
        '"L","F"\n"System.Object[]","False"\n'


def test_csv_datetime_value(run) -> None:
    assert run("[PSCustomObject]@{D=[datetime]'2024-01-31 13:05'} | ConvertTo-Csv -NoTypeInformation") == \
        '"D"\n"1/31/2024 1:05:00 PM"\n'


def test_csv_hashtable_exports_its_properties(run) -> None:
    assert run("@{a=1} | ConvertTo-Csv -NoTypeInformation | Select-Object -First 1") == \
        '"IsReadOnly","IsFixedSize","IsSynchronized","Keys","Values","SyncRoot","Count"\n'


def test_csv_string_exports_length(run) -> None:
    assert run("'abc' | ConvertTo-Csv") == '#TYPE System.String\n"Length"\n"3"\n'


def test_export_csv_default_ascii_with_type(run, shell) -> None:
    run("[PSCustomObject]@{Name='Job1'; Size=10} | Export-Csv -Path jobs.csv")
    assert (shell.cwd / "jobs.csv").read_bytes() == \
        b'#TYPE System.Management.Automation.PSCustomObject\n"Name","Size"\n"Job1","10"\n'


def test_export_csv_no_type_info(run, shell) -> None:
    run("[PSCustomObject]@{Name='Job1'} | Export-Csv jobs.csv -NoTypeInformation")
    assert (shell.cwd / "jobs.csv").read_text() == '"Name"\n"Job1"\n'


def test_export_csv_utf8_bom(run, shell) -> None:
    run("[PSCustomObject]@{N='é'} | Export-Csv u.csv -NoTypeInformation -Encoding UTF8")
    assert (shell.cwd / "u.csv").read_bytes() == b'\xef\xbb\xbf"N"\n"\xc3\xa9"\n'


def test_export_csv_append(run, shell) -> None:
    run("[PSCustomObject]@{A=1; B=2} | Export-Csv ap.csv -NoTypeInformation; "
        "[PSCustomObject]@{B=4; A=3} | Export-Csv ap.csv -NoTypeInformation -Append")
    assert (shell.cwd / "ap.csv").read_text() == '"A","B"\n"1","2"\n"3","4"\n'


def test_export_csv_use_culture_is_comma(run, shell) -> None:
    run("[PSCustomObject]@{A=1; B=2} | Export-Csv c.csv -NoTypeInformation -UseCulture")
    assert (shell.cwd / "c.csv").read_text() == '"A","B"\n"1","2"\n'


def test_export_csv_whatif(run, shell) -> None:
    run("[PSCustomObject]@{A=1} | Export-Csv w.csv -WhatIf")
    assert not (shell.cwd / "w.csv").exists()


def test_export_import_round_trip(run) -> None:
    script = ("[PSCustomObject]@{Name='a,b'; Q='say \"x\"'; N=5} | Export-Csv rt.csv; "
              "$r = Import-Csv rt.csv; $r.Name; $r.Q; $r.N; $r.N.GetType().Name")
    assert run(script) == 'a,b\nsay "x"\n5\nString\n'


def test_import_csv_type_names(run) -> None:
    script = "[PSCustomObject]@{A=1} | Export-Csv t.csv; (Import-Csv t.csv).PSObject.TypeNames[0]"
    assert run(script) == "CSV:System.Management.Automation.PSCustomObject\n"


def test_import_csv_plain_file(run, shell) -> None:
    (shell.cwd / "in.csv").write_text("Name,Size\na,1\nb,2\n")
    assert run("Import-Csv in.csv") == "\nName Size\n---- ----\na    1\nb    2\n\n"


def test_import_csv_header_parameter(run, shell) -> None:
    (shell.cwd / "h.csv").write_text("a,1\nb,2\n")
    assert run("Import-Csv h.csv -Header X, Y | % { $_.X + $_.Y }") == "a1\nb2\n"


def test_import_csv_delimiter(run, shell) -> None:
    (shell.cwd / "d.csv").write_text("A;B\n1;2\n")
    assert run("(Import-Csv d.csv -Delimiter ';').B") == "2\n"


def test_import_csv_multiline_field(run, shell) -> None:
    (shell.cwd / "m.csv").write_text('"A","B"\n"line1\nline2","x"\n')
    assert run("(Import-Csv m.csv).A") == "line1\nline2\n"


def test_import_csv_bom_file(run, shell) -> None:
    (shell.cwd / "b.csv").write_bytes(b'\xef\xbb\xbf"A"\n"1"\n')
    assert run("(Import-Csv b.csv).A") == "1\n"


def test_import_csv_missing_file(run, shell) -> None:
    run("Import-Csv nope.csv")
    assert "Could not find file" in shell.errors()


def test_import_csv_short_row_null(run, shell) -> None:
    (shell.cwd / "s.csv").write_text("A,B\n1\n")
    assert run("$null -eq (Import-Csv s.csv).B") == "True\n"


def test_convertfrom_csv(run) -> None:
    assert run("'Name,Size', 'a,1' | ConvertFrom-Csv | % { $_.Name + '=' + $_.Size }") == "a=1\n"


def test_convertfrom_csv_header(run) -> None:
    assert run("'x|y' | ConvertFrom-Csv -Delimiter '|' -Header A, B | % B") == "y\n"


def test_json_hashtable(run) -> None:
    assert run("@{Name='Job1'} | ConvertTo-Json") == '{\n    "Name":  "Job1"\n}\n'


def test_json_object_properties_order(run) -> None:
    assert run("[PSCustomObject]@{A=1; B='x'; C=$true; D=$null} | ConvertTo-Json") == \
        '{\n    "A":  1,\n    "B":  "x",\n    "C":  true,\n    "D":  null\n}\n'


def test_json_compress(run) -> None:
    assert run("[PSCustomObject]@{A=1; B=@(1, 2)} | ConvertTo-Json -Compress") == '{"A":1,"B":[1,2]}\n'


def test_json_nested_51_indentation(run) -> None:
    assert run("@{a=@{b=1}} | ConvertTo-Json") == \
        '{\n    "a":  {\n              "b":  1\n          }\n}\n'


def test_json_array_in_object(run) -> None:
    assert run("[PSCustomObject]@{Items=@(1, 2)} | ConvertTo-Json") == \
        '{\n    "Items":  [\n                  1,\n                  2\n              ]\n}\n'


def test_json_pipeline_array(run) -> None:
    assert run("1, 2 | ConvertTo-Json") == "[\n    1,\n    2\n]\n"


def test_json_array_of_objects(run) -> None:
    assert run("[PSCustomObject]@{A=1}, [PSCustomObject]@{A=2} | ConvertTo-Json") == \
        '[\n    {\n        "A":  1\n    },\n    {\n        "A":  2\n    }\n]\n'


def test_json_empty_array(run) -> None:
    assert run("[PSCustomObject]@{E=@()} | ConvertTo-Json") == '{\n    "E":  [\n\n          ]\n}\n'


def test_json_scalar(run) -> None:
    assert run("'text' | ConvertTo-Json; 5 | ConvertTo-Json; $true | ConvertTo-Json") == '"text"\n5\ntrue\n'


def test_json_escapes_like_51(run) -> None:
    assert run("\"it's <b> & `\"q`\"\" | ConvertTo-Json") == '"it\\u0027s \\u003cb\\u003e \\u0026 \\"q\\""\n'


def test_json_control_characters(run) -> None:
    assert run("\"a`tb`nc\" | ConvertTo-Json") == '"a\\tb\\nc"\n'


def test_json_double(run) -> None:
    assert run("[PSCustomObject]@{D=1.5; E=0.1} | ConvertTo-Json -Compress") == '{"D":1.5,"E":0.1}\n'


def test_json_datetime(run) -> None:
    out = run("[datetime]'2024-01-31T10:00:00Z' | ConvertTo-Json")
    assert out == '"\\/Date(1706695200000)\\/"\n'


def test_json_depth_truncation_and_warning(run) -> None:
    out = run("@{a=@{b=@{c=@{d=1}}}} | ConvertTo-Json -Compress")
    assert out == ('WARNING: Resulting JSON is truncated as serialization has exceeded the set depth of 2.\n'
                   '{"a":{"b":{"c":"System.Collections.Hashtable"}}}\n')


def test_json_depth_parameter(run) -> None:
    assert run("@{a=@{b=@{c=@{d=1}}}} | ConvertTo-Json -Compress -Depth 5") == '{"a":{"b":{"c":{"d":1}}}}\n'


def test_json_truncated_array_becomes_space_joined(run) -> None:
    assert run("@{a=@{b=@{c=@(1,2)}}} | ConvertTo-Json -Compress -WarningAction SilentlyContinue") == \
        '{"a":{"b":{"c":"1 2"}}}\n'


def test_json_securestring_never_serialises_value(run) -> None:
    out = run("$s = ConvertTo-SecureString 'P@ssw0rd' -AsPlainText -Force; [PSCustomObject]@{P=$s} | ConvertTo-Json -Compress")
    assert out == '{"P":{"Length":8}}\n'
    assert "P@ssw0rd" not in out


def test_json_credential(run) -> None:
    out = run("$c = New-Object PSCredential 'u', (ConvertTo-SecureString 'pw' -AsPlainText -Force); $c | ConvertTo-Json -Compress")
    assert out == '{"UserName":"u","Password":{"Length":2}}\n'


def test_convertfrom_json_object(run) -> None:
    assert run("('{\"Name\":\"Job1\",\"Size\":3}' | ConvertFrom-Json).Size") == "3\n"


def test_convertfrom_json_nested(run) -> None:
    assert run("$o = '{\"a\":{\"b\":[1,2,{\"c\":\"x\"}]}}' | ConvertFrom-Json; $o.a.b[2].c; $o.a.b.Count") == "x\n3\n"


def test_convertfrom_json_array_is_one_object(run) -> None:
    assert run("'[1,2,3]' | ConvertFrom-Json | Measure-Object | Select-Object -ExpandProperty Count") == "1\n"


def test_convertfrom_json_array_in_parentheses(run) -> None:
    assert run("('[1,2,3]' | ConvertFrom-Json).Count") == "3\n"


def test_convertfrom_json_multiline_pipeline(run) -> None:
    assert run("'{', '\"a\": 1', '}' | ConvertFrom-Json | % a") == "1\n"


def test_convertfrom_json_display(run) -> None:
    assert run("'{\"Name\":\"x\",\"On\":true,\"N\":null}' | ConvertFrom-Json") == "\nName On   N\n---- --   -\nx    True\n\n"


def test_convertfrom_json_date_string(run) -> None:
    assert run("('{\"d\":\"\\/Date(1706695200000)\\/\"}' | ConvertFrom-Json).d.Year") == "2024\n"


def test_convertfrom_json_invalid(run, shell) -> None:
    run("'{bad' | ConvertFrom-Json")
    assert "Invalid JSON primitive" in shell.errors()


def test_json_round_trip(run) -> None:
    assert run("$j = [PSCustomObject]@{A=1; B=@('x','y')} | ConvertTo-Json; ($j | ConvertFrom-Json).B[1]") == "y\n"


def test_convertto_html_page(run) -> None:
    assert run("[PSCustomObject]@{Name='a<b'; N=1} | ConvertTo-Html") == (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN"  "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
        '<html xmlns="http://www.w3.org/1999/xhtml">\n<head>\n<title>HTML TABLE</title>\n</head><body>\n<table>\n'
        "<colgroup><col/><col/></colgroup>\n<tr><th>Name</th><th>N</th></tr>\n<tr><td>a&lt;b</td><td>1</td></tr>\n"
        "</table>\n</body></html>\n")


def test_convertto_html_fragment_pre_post(run) -> None:
    assert run("[PSCustomObject]@{A=1} | ConvertTo-Html -Fragment -PreContent '<h2>Jobs</h2>' -PostContent 'end'") == (
        "<h2>Jobs</h2>\n<table>\n<colgroup><col/></colgroup>\n<tr><th>A</th></tr>\n<tr><td>1</td></tr>\n</table>\nend\n")


def test_convertto_html_list(run) -> None:
    assert run("[PSCustomObject]@{A=1; B=2} | ConvertTo-Html -As List -Fragment") == (
        "<table>\n<tr><td>A:</td><td>1</td></tr>\n<tr><td>B:</td><td>2</td></tr>\n</table>\n")


def test_convertto_html_head_and_property(run) -> None:
    out = run("[PSCustomObject]@{A=1; B=2} | ConvertTo-Html -Property B -Head '<style>td{}</style>'")
    assert "<head>\n<style>td{}</style>\n</head><body>" in out and "<tr><th>B</th></tr>" in out


def test_json_enum_as_number(run) -> None:
    assert run("[PSCustomObject]@{D=(Get-Date -Date '2024-01-01').DayOfWeek} | ConvertTo-Json -Compress") == '{"D":1}\n'


def test_json_enums_as_strings(run) -> None:
    assert run("[PSCustomObject]@{D=(Get-Date -Date '2024-01-01').DayOfWeek} | ConvertTo-Json -Compress -EnumsAsStrings") == \
        '{"D":"Monday"}\n'
