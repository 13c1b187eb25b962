"""End-to-end REPL tests in a real pseudo-terminal: completion, continuation, Ctrl+C, history, sensitive lines.
Each test starts its own shell with a private VBOSHELL_HOME (safe under pytest -n)."""

from __future__ import annotations

import time

import pytest

from .terminal import Term

pexpect = pytest.importorskip("pexpect")
pytest.importorskip("pyte")


@pytest.fixture
def term(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    t = Term(home)
    try:
        t.wait_prompt(1, timeout=20)
        yield t
    finally:
        t.close()


def _last_line(t: Term) -> str:
    lines = [ln.rstrip() for ln in t.screen.display if ln.strip()]
    return lines[-1] if lines else ""


def test_banner_and_prompt(term):
    text = term.text()
    assert "vboshell" in text and "Get-Help" in text and "Start-VBOSandbox" in text
    assert _last_line(term) == f"VBO {term.home}>"


def _prompt_line(t: Term) -> str:
    lines = [ln.rstrip() for ln in t.screen.display if ln.startswith("VBO ")]
    return lines[-1] if lines else ""


def test_tab_completes_unique_cmdlet_prefix(term):
    term.send("Get-VBOJobS\t")
    term.wait(lambda s: _prompt_line(term).endswith("> Get-VBOJobSession"))


def test_tab_menu_with_descriptions(term):
    term.send("Get-VBORep\t")
    text = term.wait("Get-VBORepositoryUpgradeSession")
    assert _prompt_line(term).endswith("> Get-VBORepository")  # the common part is inserted
    menu = [ln for ln in text.splitlines() if "Get-VBORepository" in ln and not ln.startswith("VBO ")]
    assert len(menu) == 5 and all(len(ln.split()) > 1 for ln in menu)  # each with its description
    term.send("\t\t\r")  # walk to the second entry, Enter applies it (does not run it)
    term.wait(lambda s: _prompt_line(term).endswith("> Get-VBORepositoryInventoryReport"))
    assert term.prompt_count() == 1


def test_three_line_foreach_with_continuation(term):
    term.send("foreach ($i in 1..3) {\r")
    term.wait(lambda s: _last_line(term).startswith(">>"))
    term.send("    $i * 10\r")
    term.wait(lambda s: _last_line(term).startswith(">>") and "$i * 10" in s)
    term.send("}\r")
    text = term.wait_prompt(2)
    lines = [ln.strip() for ln in text.splitlines()]
    i = lines.index("}") if "}" in lines else lines.index(">> }")
    assert lines[i + 1 : i + 4] == ["10", "20", "30"]


def test_ctrl_c_stops_running_pipeline(term):
    term.send("Start-Sleep 30\r")
    time.sleep(0.6)
    term.pump(0.1)
    start = time.monotonic()
    term.send("\x03")
    term.wait_prompt(2, timeout=5)
    elapsed = time.monotonic() - start
    print(f"prompt back after {elapsed:.3f} s")
    assert elapsed < 1.0, f"prompt came back after {elapsed:.2f} s"
    term.send("6 * 7\r")
    term.wait("42")
    assert term.child.isalive()


def test_ctrl_c_at_prompt_clears_line_and_ctrl_d_exits(term):
    term.send("Get-VBOJob -Name half-typed")
    term.wait("half-typed")
    term.send("\x03")
    term.wait_prompt(2)
    assert _last_line(term) == f"VBO {term.home}>"
    term.send("\x04")
    term.child.expect(pexpect.EOF, timeout=5)


def test_history_persists_and_sensitive_line_is_not_saved(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    first = Term(home)
    try:
        first.wait_prompt(1, timeout=20)
        first.send("'remember-' + 'me'\r")
        first.wait("remember-me")
        first.wait_prompt(2)
        first.send("$apiKey = 'abc123'\r")
        first.wait_prompt(3)
        first.send("\x1b[A")  # the sensitive line is recallable in this session
        first.wait(lambda s: _last_line(first).endswith("$apiKey = 'abc123'"))
        first.send("\x03")
        first.wait_prompt(4)
        first.send("exit\r")
        first.child.expect(pexpect.EOF, timeout=5)
    finally:
        first.close()
    hist = (home / "history.txt").read_text()
    assert "'remember-' + 'me'" in hist
    assert "abc123" not in hist and "apiKey" not in hist
    second = Term(home)
    try:
        second.wait_prompt(1, timeout=20)
        second.send("\x1b[A")  # `exit` was the last entry
        second.wait(lambda s: _last_line(second).endswith("exit"))
        second.send("\x1b[A")
        second.wait(lambda s: _last_line(second).endswith("'remember-' + 'me'"))
        second.send("\x03")
        second.wait_prompt(2)
        second.send("'rem")  # the history suggestion appears after the cursor; Right accepts it
        second.wait(lambda s: _last_line(second).endswith("> 'remember-' + 'me'"))
        second.send("\x1b[C\r")
        second.wait("remember-me")
    finally:
        second.close()


def test_write_progress_draws_one_line_and_erases_it(term):
    term.send("1..25 | ForEach-Object { Write-Progress -Activity Copying -Status \"item $_\" "
              "-PercentComplete ($_ * 4); Start-Sleep -Milliseconds 40 }; 'finished'\r")

    def bar_visible(_s: str) -> bool:
        return any(ln.startswith("Copying: item") and "%" in ln for ln in term.screen.display)

    term.wait(bar_visible)
    term.wait("finished")
    term.wait_prompt(2)
    assert not bar_visible("")
    lines = [ln.rstrip() for ln in term.screen.display if ln.strip()]
    assert lines[-2:] == ["finished", f"VBO {term.home}>"]
