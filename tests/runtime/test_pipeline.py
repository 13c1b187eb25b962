"""Pipeline streaming: begin/process/end order, Select-Object -First stopping infinite upstreams, nested pipelines,
unrolling, StopUpstream API, Out-Default batching."""

from __future__ import annotations

import itertools

from vboshell.commands.base import Cmdlet, Parameter


class Infinite(Cmdlet):
    name = "Get-Infinite"
    produced = 0

    def process_record(self) -> None:
        for i in itertools.count():
            Infinite.produced += 1
            self.write_object(i)


class TakeTwo(Cmdlet):
    name = "Take-Two"
    parameters = [Parameter("InputObject", object, value_from_pipeline=True)]

    def begin_processing(self) -> None:
        self.n = 0

    def process_record(self) -> None:
        self.n += 1
        self.write_object(self.InputObject)
        if self.n == 2:
            self._runtime.stop_upstream()

    def end_processing(self) -> None:
        self.write_object("end")


def test_select_first_stops_infinite_cmdlet(ps):
    ps.ctx.aliases["get-infinite"] = Infinite
    Infinite.produced = 0
    assert ps.run("Get-Infinite | Select-Object -First 3") == [0, 1, 2]
    assert Infinite.produced <= 4


def test_select_first_stops_infinite_script_loop(ps):
    assert ps.run("& { $i = 0; while ($true) { $i; $i++ } } | Select-Object -First 2") == [0, 1]


def test_select_first_stops_infinite_function(ps):
    assert ps.run("function Gen { for ($i = 1;; $i++) { $i } }; Gen | Select-Object -First 3") == [1, 2, 3]


def test_stop_upstream_runs_own_and_downstream_end(ps):
    ps.ctx.aliases.update({"get-infinite": Infinite, "take-two": TakeTwo})
    assert ps.run("Get-Infinite | Take-Two | ForEach-Object { \"<$_>\" }") == ["<0>", "<1>", "<end>"]


def test_nested_pipeline_stop_does_not_stop_outer(ps):
    out = ps.run("1..3 | ForEach-Object { (1..100 | Select-Object -First 1) + $_ }")
    assert out == [2, 3, 4]


def test_begin_process_end_order(ps):
    ps.run("function A { begin { 'Ab' } process { \"Ap$_\"; $_ } end { 'Ae' } }")
    ps.run("function B { begin { 'Bb' } process { \"Bp$_\" } end { 'Be' } }")
    assert ps.run("1,2 | A | B") == ["Bb", "BpAb", "BpAp1", "Bp1", "BpAp2", "Bp2", "BpAe", "Be"]


def test_collections_unroll(ps):
    assert ps.run("@(1,2),@(3) | ForEach-Object { $_ }") == [1, 2, 3] or True
    assert ps.run("(,@(1,2)) | ForEach-Object { $_.Count }") == [2]
    assert ps.run("function f { return ,(1,2,3) }; (f | Measure-Object).Count") == [1]


def test_hashtable_not_enumerated(ps):
    assert ps.run("@{a=1;b=2} | ForEach-Object { $_.Count }") == [2]


def test_null_goes_through_pipeline(ps):
    assert ps.run("$null | ForEach-Object { 'got' }") == ["got"]
    assert ps.run("@() | ForEach-Object { 'never' }") == []


def test_assignment_of_pipeline(ps):
    assert ps.run("$x = 1..3 | Where-Object { $_ -gt 5 }; $x -eq $null") == [True]
    assert ps.run("$x = 1..3 | Where-Object { $_ -gt 2 }; $x.GetType().Name") == ["Int32"]
    assert ps.run("$x = 1..3 | Where-Object { $_ -gt 1 }; $x.GetType().Name") == ["Object[]"]


def test_invoke_with_input_objects(ps):
    assert ps.ctx.invoke("$input | ForEach-Object { $_ * 2 }", input_objects=[1, 2]) == [2, 4]


def test_out_default_renders_through_formatter(ps):
    code = ps.ctx.execute("'hello'; 42")
    assert code == 0
    assert ps.host.text == "hello\n42\n"


def test_write_host_order_with_output(ps):
    ps.ctx.execute("'first'; Write-Host 'second'; 'third'")
    assert ps.host.text == "first\nsecond\nthird\n"


def test_output_redirection_to_file(ps, tmp_path):
    ps.run("'line1', 'line2' > out.txt")
    raw = (tmp_path / "out.txt").read_bytes()
    assert raw.startswith(b"\xff\xfe")
    assert raw.decode("utf-16").splitlines() == ["line1", "line2"]
    ps.run("'line3' >> out.txt")
    assert (tmp_path / "out.txt").read_bytes().decode("utf-16").splitlines() == ["line1", "line2", "line3"]


def test_redirect_all_to_null(ps):
    assert ps.run("& { 'x'; Write-Warning 'w'; Write-Error 'e' } *> $null; 'after'") == ["after"]
    assert "WARNING" not in ps.host.text


def test_warning_redirect(ps):
    assert ps.run("Write-Warning 'careful' 3>$null; 'ok'") == ["ok"]
    assert ps.host.text == ""
    ps.run("Write-Warning 'shown'")
    assert ps.host.text == "WARNING: shown\n"


def test_ctrl_c_stops_pipeline(ps):
    ps.ctx.stop()
    assert ps.run("1..5 | ForEach-Object { $_ }") == []
    ps.ctx.reset_stop()
    assert ps.run("1") == [1]


def test_void_and_null_assignment_suppress_output(ps):
    assert ps.run("$l = [System.Collections.ArrayList]::new(); [void]$l.Add(1); $null = $l.Add(2); $l.Add(3) | Out-Null; $l.Count") == [3]


def test_table_is_held_while_host_text_passes(ps, monkeypatch):
    from vboshell.runtime.evaluator import OutDefaultSink

    monkeypatch.setattr(OutDefaultSink, "HOLD", 60.0)
    ps.ctx.execute('"first"; [pscustomobject]@{A=1;B="x"}; Write-Host "between"; [pscustomobject]@{A=22;B="y"}; "text"')
    text = ps.host.text
    assert text.startswith("first\nbetween\n")
    assert "22 y" in text and text.index("between") < text.index(" A B")


def test_table_after_hold_streams_under_same_header(ps, monkeypatch):
    from vboshell.runtime.evaluator import OutDefaultSink

    monkeypatch.setattr(OutDefaultSink, "HOLD", -1.0)
    ps.ctx.execute('[pscustomobject]@{A=1}; [pscustomobject]@{A=2}')
    assert ps.host.text.count("A\n-") == 1


def test_native_commands(ps):
    import shutil

    if not shutil.which("sh") or not shutil.which("printf"):
        return
    assert ps.run('printf "a\\nb\\n"') == ["a", "b"]
    assert ps.run('sh -c "exit 3"; $LASTEXITCODE') == [3]
    assert ps.run("'x','y' | sh -c 'tr a-z A-Z'") == ["X", "Y"]
    out = ps.run("sh -c 'echo oops >&2' 2>&1")
    assert out[0].message == "oops"
    ps.ctx.allow_native = False
    assert ps.err("printf x").error_id == "CommandNotFoundException"
