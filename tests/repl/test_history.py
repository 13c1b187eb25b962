"""History: PSReadLine's sensitive-line filter, persistence, sharing between concurrent shells.
Sensitive lines stay recallable in the running session but never reach the file."""

from __future__ import annotations

import asyncio

import pytest

from vboshell.repl.history import SharedHistory, is_sensitive, parse_entries


@pytest.mark.parametrize("line", [
    "$cred = Get-Credential -Password x",
    "ConvertTo-SecureString 'P@ss' -AsPlainText -Force",
    "convertto-securestring $x",
    "$TOKEN = 'abc'",
    "Set-Thing -ApiKey 123",
    "Add-VBOOrganization -ApplicationSecret $s",
    "$s = 'my SECRET'",
    "Connect -AccessToken $t",
    "$p = 'hunter2' # password",
])
def test_sensitive_lines(line):
    assert is_sensitive(line)


@pytest.mark.parametrize("line", [
    "Get-VBOJob", "Get-VBOOrganization | Format-List", "$x = 1..10", "Start-VBOJob -Job $j -Full",
    "Get-ChildItem ./secre",  # partial words do not match
    "Write-Host 'pass word'",
])
def test_ordinary_lines(line):
    assert not is_sensitive(line)


def _load(h: SharedHistory) -> list[str]:
    async def go() -> list[str]:
        return [s async for s in h.load()]

    return asyncio.run(go())


def test_sensitive_line_recallable_but_not_written(tmp_path):
    path = tmp_path / "history.txt"
    h = SharedHistory(path)
    _load(h)
    h.append_string("Get-VBOJob")
    h.append_string("$p = ConvertTo-SecureString 'x' -AsPlainText -Force")
    assert h.get_strings()[-1].startswith("$p = ConvertTo-SecureString")  # recallable in this session
    text = path.read_text()
    assert "Get-VBOJob" in text
    assert "SecureString" not in text and "AsPlainText" not in text
    h2 = SharedHistory(path)
    assert _load(h2) == ["Get-VBOJob"]


def test_multiline_entries_round_trip(tmp_path):
    path = tmp_path / "history.txt"
    h = SharedHistory(path)
    _load(h)
    entry = "foreach ($i in 1..3) {\n    $i\n}"
    h.append_string(entry)
    assert parse_entries(path.read_text()) == [entry]
    assert _load(SharedHistory(path)) == [entry]


def test_consecutive_duplicates_and_blank_lines_skipped(tmp_path):
    path = tmp_path / "history.txt"
    h = SharedHistory(path)
    _load(h)
    for s in ("a", "a", "  ", "b", "a"):
        h.append_string(s)
    assert h.get_strings() == ["a", "b", "a"]
    assert parse_entries(path.read_text()) == ["a", "b", "a"]


def test_concurrent_shells_share_history(tmp_path):
    path = tmp_path / "history.txt"
    one, two = SharedHistory(path), SharedHistory(path)
    _load(one)
    _load(two)
    one.append_string("Get-VBOJob")
    two.append_string("Get-VBORepository")
    one.append_string("Get-VBOOrganization")
    # each shell sees the other's entries at its next prompt, in time order, without duplicating its own
    assert _load(one) == ["Get-VBOOrganization", "Get-VBORepository", "Get-VBOJob"]
    assert _load(two) == ["Get-VBOOrganization", "Get-VBORepository", "Get-VBOJob"]
    assert _load(one) == ["Get-VBOOrganization", "Get-VBORepository", "Get-VBOJob"]


def test_file_is_private(tmp_path):
    path = tmp_path / "history.txt"
    h = SharedHistory(path)
    _load(h)
    h.append_string("x")
    assert (path.stat().st_mode & 0o777) == 0o600


def test_unwritable_history_does_not_break(tmp_path):
    path = tmp_path / "missing-dir" / "sub"
    path.parent.mkdir()
    path.mkdir()  # a directory where the file should be
    h = SharedHistory(path)
    _load(h)
    h.append_string("Get-VBOJob")
    assert h.get_strings() == ["Get-VBOJob"]


def test_history_used_by_prompt_up_arrow(tmp_path):
    from prompt_toolkit import PromptSession
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    path = tmp_path / "history.txt"
    seed = SharedHistory(path)
    _load(seed)
    seed.append_string("Get-VBOJob -Name Daily")
    seed.append_string("Get-VBORepository")
    with create_pipe_input() as inp:
        inp.send_text("Get-VBOJ\x1b[A\r")  # prefix search with Up
        session = PromptSession(input=inp, output=DummyOutput(), history=SharedHistory(path),
                                enable_history_search=True)
        assert session.prompt() == "Get-VBOJob -Name Daily"


def test_ctrl_r_reverse_search(tmp_path):
    from prompt_toolkit import PromptSession
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from vboshell.repl.keys import build_key_bindings

    path = tmp_path / "history.txt"
    seed = SharedHistory(path)
    _load(seed)
    for line in ("Get-VBORepository -Name Local", "Get-VBOJob", "Get-VBOOrganization"):
        seed.append_string(line)
    with create_pipe_input() as inp:
        inp.send_text("\x12Repo\r\r")  # Ctrl+R, type, Enter accepts the match, Enter runs
        session = PromptSession(input=inp, output=DummyOutput(), history=SharedHistory(path), multiline=True,
                                key_bindings=build_key_bindings())
        assert session.prompt() == "Get-VBORepository -Name Local"


def test_up_arrow_skips_duplicates(tmp_path):
    path = tmp_path / "history.txt"
    h = SharedHistory(path)
    _load(h)
    for line in ("a", "b", "a", "c"):
        h.append_string(line)
    assert _load(h) == ["c", "a", "b"]
