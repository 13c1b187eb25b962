"""Get-Content/Set-Content/Add-Content, Test-Path, New-Item, Remove-Item, Join-Path, Split-Path, Get-ChildItem,
Get-Location/Set-Location and Select-String."""

from __future__ import annotations

import os


def test_set_and_get_content(run, shell) -> None:
    assert run("Set-Content -Path sc.txt -Value 'hello'; Get-Content sc.txt") == "hello\n"
    assert (shell.cwd / "sc.txt").read_bytes() == b"hello\n"


def test_set_content_array_lines(run, shell) -> None:
    run("Set-Content a.txt 'one', 'two'")
    assert (shell.cwd / "a.txt").read_text() == "one\ntwo\n"


def test_set_content_from_pipeline(run, shell) -> None:
    run("1..3 | Set-Content n.txt")
    assert (shell.cwd / "n.txt").read_text() == "1\n2\n3\n"


def test_set_content_no_newline(run, shell) -> None:
    run("Set-Content x.txt 'a', 'b' -NoNewline")
    assert (shell.cwd / "x.txt").read_text() == "ab"


def test_set_content_encoding_unicode(run, shell) -> None:
    run("Set-Content u.txt 'x' -Encoding Unicode")
    assert (shell.cwd / "u.txt").read_bytes() == b"\xff\xfex\x00\n\x00"


def test_add_content(run, shell) -> None:
    assert run("Set-Content ac.txt 'a'; Add-Content ac.txt 'b'; (Get-Content ac.txt).Count") == "2\n"
    assert (shell.cwd / "ac.txt").read_text() == "a\nb\n"


def test_add_content_creates_file(run, shell) -> None:
    run("Add-Content new.txt 'first'")
    assert (shell.cwd / "new.txt").read_text() == "first\n"


def test_add_content_after_file_without_final_newline(run, shell) -> None:
    (shell.cwd / "nf.txt").write_text("a")
    run("Add-Content nf.txt 'b'")
    assert (shell.cwd / "nf.txt").read_text() == "a\nb\n"


def test_get_content_lines_are_objects(run, shell) -> None:
    (shell.cwd / "l.txt").write_text("a\nb\r\nc\n")
    assert run("$c = Get-Content l.txt; $c.Count; $c[2]") == "3\nc\n"


def test_get_content_raw(run, shell) -> None:
    (shell.cwd / "r.txt").write_text("a\nb\n")
    assert run("(Get-Content r.txt -Raw).Length") == "4\n"


def test_get_content_total_count_and_tail(run, shell) -> None:
    (shell.cwd / "t.txt").write_text("1\n2\n3\n4\n")
    assert run("Get-Content t.txt -TotalCount 2; Get-Content t.txt -Tail 1; Get-Content t.txt -First 1") == "1\n2\n4\n1\n"


def test_get_content_reads_utf16_bom(run, shell) -> None:
    (shell.cwd / "w.txt").write_bytes(b"\xff\xfe" + "héllo\n".encode("utf-16-le"))
    assert run("Get-Content w.txt") == "héllo\n"


def test_get_content_missing(run, shell) -> None:
    run("Get-Content missing.txt")
    assert "Cannot find path" in shell.errors() and "because it does not exist." in shell.errors()
    assert "PathNotFound,Microsoft.PowerShell.Commands.GetContentCommand" in shell.errors()


def test_get_content_alias_cat(run, shell) -> None:
    (shell.cwd / "c.txt").write_text("z\n")
    assert run("cat c.txt; gc c.txt; type c.txt") == "z\nz\nz\n"


def test_get_content_wildcard(run, shell) -> None:
    (shell.cwd / "w1.log").write_text("a\n")
    (shell.cwd / "w2.log").write_text("b\n")
    assert run("Get-Content *.log") == "a\nb\n"


def test_get_content_piped_to_convertto_securestring(run, shell) -> None:
    out = run("ConvertTo-SecureString 'pw' -AsPlainText -Force | ConvertFrom-SecureString | Set-Content s.txt; "
              "$s = Get-Content s.txt | ConvertTo-SecureString; "
              "(New-Object PSCredential 'u', $s).GetNetworkCredential().Password")
    assert out == "pw\n"


def test_test_path(run, shell) -> None:
    (shell.cwd / "f.txt").write_text("x")
    (shell.cwd / "d").mkdir()
    script = ("Test-Path f.txt; Test-Path nope; Test-Path d -PathType Container; Test-Path f.txt -PathType Container; "
              "Test-Path f.txt -PathType Leaf; Test-Path *.txt")
    assert run(script) == "True\nFalse\nTrue\nFalse\nTrue\nTrue\n"


def test_test_path_multiple(run, shell) -> None:
    assert run("Test-Path '.', 'nope'") == "True\nFalse\n"


def test_test_path_empty_errors(run, shell) -> None:
    run("Test-Path ''")
    assert "empty string" in shell.errors()


def test_new_item_file_with_value(run, shell) -> None:
    out = run("New-Item -Path f1.txt -ItemType File -Value 'content' | % Name")
    assert out == "f1.txt\n"
    assert (shell.cwd / "f1.txt").read_text() == "content"


def test_new_item_directory_name(run, shell) -> None:
    run("New-Item -Path . -Name sub -ItemType Directory | Out-Null")
    assert (shell.cwd / "sub").is_dir()


def test_new_item_nested_directory(run, shell) -> None:
    run("New-Item -ItemType Directory -Path a/b/c | Out-Null")
    assert (shell.cwd / "a" / "b" / "c").is_dir()


def test_new_item_existing_file_errors(run, shell) -> None:
    (shell.cwd / "e.txt").write_text("x")
    run("New-Item e.txt")
    assert "already exists" in shell.errors()


def test_new_item_force_overwrites(run, shell) -> None:
    (shell.cwd / "e.txt").write_text("x")
    run("New-Item e.txt -Force -Value 'y' | Out-Null")
    assert (shell.cwd / "e.txt").read_text() == "y"


def test_new_item_directory_force_existing(run, shell) -> None:
    (shell.cwd / "dd").mkdir()
    assert run("(New-Item dd -ItemType Directory -Force).Name") == "dd\n"


def test_remove_item_file(run, shell) -> None:
    (shell.cwd / "r.txt").write_text("x")
    run("Remove-Item r.txt")
    assert not (shell.cwd / "r.txt").exists()


def test_remove_item_whatif(run, shell) -> None:
    (shell.cwd / "r.txt").write_text("x")
    out = run("Remove-Item r.txt -WhatIf")
    assert out == f'What if: Performing the operation "Remove File" on target "{shell.cwd / "r.txt"}".\n'
    assert (shell.cwd / "r.txt").exists()


def test_remove_item_directory_needs_recurse(run, shell) -> None:
    (shell.cwd / "d").mkdir()
    (shell.cwd / "d" / "f").write_text("x")
    run("Remove-Item d")
    assert (shell.cwd / "d").exists()
    assert "Recurse" in shell.errors()
    run("Remove-Item d -Recurse")
    assert not (shell.cwd / "d").exists()


def test_remove_item_wildcard(run, shell) -> None:
    for n in ("a.log", "b.log", "c.txt"):
        (shell.cwd / n).write_text("x")
    run("Remove-Item *.log")
    assert sorted(p.name for p in shell.cwd.iterdir()) == ["c.txt"]


def test_remove_item_missing(run, shell) -> None:
    run("Remove-Item nothing.txt")
    assert "PathNotFound,Microsoft.PowerShell.Commands.RemoveItemCommand" in shell.errors()


def test_remove_item_error_action_silently(run, shell) -> None:
    assert run("Remove-Item nothing.txt -ErrorAction SilentlyContinue; 'ok'") == "ok\n"


def test_join_path(run) -> None:
    assert run("Join-Path -Path 'reports' -ChildPath 'jobs.csv'") == f"reports{os.sep}jobs.csv\n"


def test_join_path_trims_separators(run) -> None:
    assert run("Join-Path 'a/' '/b'") == f"a{os.sep}b\n"


def test_join_path_additional(run) -> None:
    assert run("Join-Path a b c") == os.sep.join("abc") + "\n"


def test_join_path_multiple_parents(run) -> None:
    assert run("Join-Path 'x', 'y' 'z'") == f"x{os.sep}z\ny{os.sep}z\n"


def test_split_path_parent_and_leaf(run) -> None:
    assert run(r"Split-Path 'C:\Scripts\report.ps1'; Split-Path 'C:\Scripts\report.ps1' -Leaf") == \
        "C:\\Scripts\nreport.ps1\n"


def test_split_path_unix(run) -> None:
    assert run("Split-Path '/var/log/app.log' -Parent; Split-Path '/var/log/app.log' -Leaf") == "/var/log\napp.log\n"


def test_split_path_extension_leafbase(run) -> None:
    assert run("Split-Path 'a/b/file.tar.gz' -Extension; Split-Path 'a/b/file.tar.gz' -LeafBase") == ".gz\nfile.tar\n"


def test_split_path_qualifier(run) -> None:
    assert run(r"Split-Path 'C:\x\y' -Qualifier; Split-Path 'C:\x\y' -NoQualifier") == "C:\n\\x\\y\n"


def test_split_path_root_parent(run) -> None:
    assert run(r"Split-Path 'C:\file.txt'; Split-Path '/file.txt'") == "C:\\\n/\n"


def test_split_path_is_absolute(run) -> None:
    assert run(r"Split-Path 'C:\x' -IsAbsolute; Split-Path 'x/y' -IsAbsolute") == "True\nFalse\n"


def _tree(root) -> None:
    (root / "sub").mkdir()
    (root / "a.txt").write_text("aaa")
    (root / "B.log").write_text("b")
    (root / "sub" / "c.txt").write_text("c")
    (root / ".hidden").write_text("h")


def test_gci_names_dirs_first(run, shell) -> None:
    _tree(shell.cwd)
    assert run("Get-ChildItem | % Name") == "sub\na.txt\nB.log\n"


def test_gci_file_directory_switches(run, shell) -> None:
    _tree(shell.cwd)
    assert run("(Get-ChildItem -File).Name; (Get-ChildItem -Directory).Name") == "a.txt\nB.log\nsub\n"


def test_gci_filter(run, shell) -> None:
    _tree(shell.cwd)
    assert run("Get-ChildItem -Filter *.txt | % Name") == "a.txt\n"


def test_gci_recurse_name(run, shell) -> None:
    _tree(shell.cwd)
    assert run("Get-ChildItem -Recurse -Name") == f"sub\na.txt\nB.log\nsub{os.sep}c.txt\n"


def test_gci_recurse_filter(run, shell) -> None:
    _tree(shell.cwd)
    assert run("Get-ChildItem -Recurse -Filter *.txt | % Name") == "a.txt\nc.txt\n"


def test_gci_force_shows_hidden(run, shell) -> None:
    _tree(shell.cwd)
    assert ".hidden" in run("Get-ChildItem -Force -Name")


def test_gci_include_exclude(run, shell) -> None:
    _tree(shell.cwd)
    assert run("Get-ChildItem -Exclude *.log -File | % Name") == "a.txt\n"


def test_gci_properties(run, shell) -> None:
    _tree(shell.cwd)
    out = run("$f = Get-ChildItem a.txt; $f.Length; $f.Extension; $f.FullName -eq (Join-Path $PWD.Path 'a.txt'); "
              "$f.LastWriteTime.GetType().Name; $f.Mode")
    assert out == "3\n.txt\nTrue\nDateTime\n-a----\n"


def test_gci_listing_view(run, shell) -> None:
    (shell.cwd / "d").mkdir()
    (shell.cwd / "d" / "f.txt").write_text("12345")
    os.utime(shell.cwd / "d" / "f.txt", (1706695500, 1706695500))
    out = run("Get-ChildItem d | Format-Table Mode, Length, Name")
    assert out == "\nMode   Length Name\n----   ------ ----\n-a----      5 f.txt\n\n"
    lines = run("Get-ChildItem d").splitlines()
    assert lines[1] == f"    Directory: {shell.cwd / 'd'}"
    assert lines[4] == "Mode                LastWriteTime         Length Name"
    assert lines[5] == "----                -------------         ------ ----"
    assert lines[6].startswith("-a----        ") and lines[6].endswith("             5 f.txt")
    assert len(lines[6]) == len("-a----        1/31/2024   9:05 AM              5 f.txt") + (
        len(lines[6].split()[1]) - len("1/31/2024"))


def test_gci_missing_path(run, shell) -> None:
    run("Get-ChildItem nowhere")
    assert "PathNotFound,Microsoft.PowerShell.Commands.GetChildItemCommand" in shell.errors()


def test_gci_pipe_to_remove(run, shell) -> None:
    _tree(shell.cwd)
    run("Get-ChildItem -Filter *.log | Remove-Item")
    assert not (shell.cwd / "B.log").exists()


def test_gci_pipe_to_get_content(run, shell) -> None:
    _tree(shell.cwd)
    assert run("Get-ChildItem -Filter a.txt | Get-Content") == "aaa\n"


def test_get_location_and_set_location(run, shell) -> None:
    (shell.cwd / "inner").mkdir()
    out = run("Set-Location inner; (Get-Location).Path; cd ..; Split-Path (pwd).Path -Leaf")
    assert out == f"{shell.cwd / 'inner'}\n{shell.cwd.name}\n"


def test_get_location_view(run, shell) -> None:
    assert run("Get-Location") == f"\nPath\n----\n{shell.cwd}\n\n"


def test_set_location_missing(run, shell) -> None:
    run("Set-Location nowhere")
    assert "PathNotFound,Microsoft.PowerShell.Commands.SetLocationCommand" in shell.errors()


def test_relative_paths_follow_location(run, shell) -> None:
    (shell.cwd / "d2").mkdir()
    run("Set-Location d2; Set-Content rel.txt 'x'")
    assert (shell.cwd / "d2" / "rel.txt").exists()


def test_select_string_input(run) -> None:
    assert run("'error: disk', 'ok', 'error: net' | Select-String 'error'") == "error: disk\nerror: net\n"


def test_select_string_file(run, shell) -> None:
    (shell.cwd / "log.txt").write_text("start\nERROR one\nok\n")
    assert run("Select-String -Path log.txt -Pattern 'error'") == "log.txt:2:ERROR one\n"


def test_select_string_case_sensitive_and_notmatch(run) -> None:
    assert run("'A', 'a' | Select-String 'a' -CaseSensitive | % Line; 'x', 'y' | Select-String x -NotMatch | % Line") == \
        "a\ny\n"


def test_select_string_simple_match_and_quiet(run) -> None:
    assert run("'a.b' | Select-String '.' -SimpleMatch -Quiet; 'ab' | Select-String 'z' -Quiet") == "True\nFalse\n"


def test_gci_files_and_directories_share_one_table(run, shell) -> None:
    _tree(shell.cwd)
    out = run("Get-ChildItem")
    assert out.count("Directory:") == 1 and out.count("Mode ") == 1
    assert out.splitlines()[6].endswith(" sub") and out.splitlines()[8].endswith(" B.log")


def test_gci_recurse_new_header_per_directory(run, shell) -> None:
    _tree(shell.cwd)
    out = run("Get-ChildItem -Recurse")
    assert out.count("    Directory: ") == 2
    assert f"    Directory: {shell.cwd / 'sub'}" in out


def test_test_path_env_and_variable(run, monkeypatch) -> None:
    monkeypatch.setenv("VBO_TEST_VAR", "1")
    assert run("Test-Path env:VBO_TEST_VAR; Test-Path Env:\\NOPE_NOT_SET_X; $v1 = 1; Test-Path variable:v1; "
               "Test-Path variable:nope_x") == "True\nFalse\nTrue\nFalse\n"


def test_get_childitem_env(run, monkeypatch) -> None:
    monkeypatch.setenv("VBO_TEST_VAR", "abc")
    assert run("Get-ChildItem env:VBO_TEST_* ") == (
        "\nName                           Value\n----                           -----\n"
        "VBO_TEST_VAR                   abc\n\n")


def test_get_item_env_value_and_content(run, monkeypatch) -> None:
    monkeypatch.setenv("VBO_TEST_VAR", "xyz")
    assert run("(Get-Item env:VBO_TEST_VAR).Value; Get-Content env:VBO_TEST_VAR") == "xyz\nxyz\n"


def test_remove_item_variable_and_function(run) -> None:
    assert run("$rv = 1; Remove-Item variable:rv; Test-Path variable:rv; function gone { }; Remove-Item function:gone; "
               "Test-Path function:gone") == "False\nFalse\n"


def test_get_item_file(run, shell) -> None:
    (shell.cwd / "g.txt").write_text("abcd")
    assert run("$i = Get-Item g.txt; $i.Name; $i.Length; $i.PSIsContainer") == "g.txt\n4\nFalse\n"


def test_get_item_missing(run, shell) -> None:
    run("Get-Item nope.txt")
    assert "PathNotFound,Microsoft.PowerShell.Commands.GetItemCommand" in shell.errors()


def test_resolve_path(run, shell) -> None:
    (shell.cwd / "rp.txt").write_text("x")
    assert run("(Resolve-Path rp.txt).Path; Resolve-Path rp.txt -Relative") == f"{shell.cwd / 'rp.txt'}\n.{os.sep}rp.txt\n"


def test_copy_item(run, shell) -> None:
    (shell.cwd / "c1.txt").write_text("data")
    (shell.cwd / "dest").mkdir()
    run("Copy-Item c1.txt c2.txt; Copy-Item c1.txt dest")
    assert (shell.cwd / "c2.txt").read_text() == "data" and (shell.cwd / "dest" / "c1.txt").exists()


def test_copy_item_recurse(run, shell) -> None:
    _tree(shell.cwd)
    run("Copy-Item sub sub2 -Recurse")
    assert (shell.cwd / "sub2" / "c.txt").read_text() == "c"


def test_copy_item_existing_needs_force(run, shell) -> None:
    (shell.cwd / "a1").write_text("new")
    (shell.cwd / "a2").write_text("old")
    run("Copy-Item a1 a2")
    assert (shell.cwd / "a2").read_text() == "old" and "already exists" in shell.errors()
    run("Copy-Item a1 a2 -Force")
    assert (shell.cwd / "a2").read_text() == "new"


def test_move_item(run, shell) -> None:
    (shell.cwd / "m1.txt").write_text("m")
    (shell.cwd / "md").mkdir()
    run("Move-Item m1.txt md")
    assert (shell.cwd / "md" / "m1.txt").exists() and not (shell.cwd / "m1.txt").exists()


def test_rename_item(run, shell) -> None:
    (shell.cwd / "old.txt").write_text("r")
    assert run("Rename-Item old.txt new.txt -PassThru | % Name") == "new.txt\n"
    assert (shell.cwd / "new.txt").exists()


def test_copy_item_whatif(run, shell) -> None:
    (shell.cwd / "w.txt").write_text("w")
    out = run("Copy-Item w.txt w2.txt -WhatIf")
    assert out.startswith('What if: Performing the operation "Copy File" on target "Item: ')
    assert not (shell.cwd / "w2.txt").exists()


def test_set_content_null_makes_empty_file(run, shell) -> None:
    run("Set-Content empty.txt $null")
    assert (shell.cwd / "empty.txt").read_bytes() == b""
