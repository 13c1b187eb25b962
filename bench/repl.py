"""REPL responsiveness benchmark: completion for a 20-parameter cmdlet and highlighting a 200-line buffer.
Prints median/p95 milliseconds per operation (target <= 50 ms each); run with `.venv/bin/python bench/repl.py`."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vboshell.commands import registry  # noqa: E402
from vboshell.commands.base import Cmdlet, Parameter, Switch  # noqa: E402


class SetVBOBenchTwenty(Cmdlet):
    name = "Set-VBOBenchTwenty"
    synopsis = "Benchmark cmdlet with twenty parameters."
    supports_should_process = True
    parameters = [
        Parameter(f"Parameter{i:02d}", type=Switch if i % 4 == 0 else str, position=i if i < 3 else None,
                  validate_set=("Daily", "Weekly", "Monthly") if i == 7 else None,
                  parameter_sets=("A",) if i % 5 == 1 else ("__AllParameterSets",),
                  help=f"Help text for parameter {i}.")
        for i in range(20)
    ]


SCRIPT_LINES = [
    "# nightly report",
    "$jobs = Get-VBOJob -Organization $org | Where-Object { $_.IsEnabled -eq $true }",
    "foreach ($job in $jobs) {",
    "    $last = Get-VBOJobSession -Job $job -Last",
    '    Write-Host "Job $($job.Name): $($last.Status) at $(Get-Date -Format \'yyyy-MM-dd HH:mm\')" -ForegroundColor Green',
    "    if ($last.Status -ne 'Success' -and $last.EndTime -lt (Get-Date).AddDays(-1)) {",
    "        $report += [PSCustomObject]@{ Name = $job.Name; Size = [math]::Round($last.Size / 1GB, 2) }",
    "    }",
    "}",
    "$report | Sort-Object Size -Descending | Export-Csv -Path ./report.csv -NoTypeInformation",
]


def timeit(fn, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> None:
    from vboshell.repl import lexer as lx
    from vboshell.repl.completion import complete
    from vboshell.repl.lexer import VboLexer, fragments_by_line

    registry.register(SetVBOBenchTwenty)
    t = time.perf_counter()
    complete("Get-VBOJ")  # first call imports every cmdlet module
    print(f"first completion (loads the cmdlet registry): {(time.perf_counter() - t) * 1000:.1f} ms")

    cases = {
        "parameter names  'Set-VBOBenchTwenty -'": "Set-VBOBenchTwenty -",
        "parameter prefix 'Set-VBOBenchTwenty -Parameter00 -Parameter1'": "Set-VBOBenchTwenty -Parameter00 -Parameter1",
        "ValidateSet      'Set-VBOBenchTwenty -Parameter07 '": "Set-VBOBenchTwenty -Parameter07 ",
        "cmdlet names     'Get-VBO'": "Get-VBO",
    }
    for label, text in cases.items():
        n = len(complete(text))
        med, p95 = timeit(lambda text=text: complete(text), 200)
        print(f"completion {label}: {n} items, median {med:.2f} ms, p95 {p95:.2f} ms")

    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    from vboshell.repl.completion import VboCompleter

    completer = VboCompleter()
    doc = Document("Set-VBOBenchTwenty -Parameter00 x -")
    n = len(list(completer.get_completions(doc, CompleteEvent(completion_requested=True))))
    med, p95 = timeit(lambda: list(completer.get_completions(doc, CompleteEvent(completion_requested=True))), 200)
    print(f"completion via prompt_toolkit Completer (20-parameter cmdlet, '-'): {n} items, median {med:.2f} ms, "
          f"p95 {p95:.2f} ms (target <= 50 ms)")

    buffer = "\n".join(SCRIPT_LINES[i % len(SCRIPT_LINES)] for i in range(200))
    def cold_highlight() -> None:
        lx._parse_error.cache_clear()  # measure tokenize + parse + styling, as on an edit
        fragments_by_line(buffer)

    med, p95 = timeit(cold_highlight, 30)
    print(f"highlight 200-line buffer ({len(buffer)} chars): median {med:.2f} ms, p95 {p95:.2f} ms")
    lexer = VboLexer()

    def through_lexer() -> None:
        lexer._cache_text = None
        lx._parse_error.cache_clear()
        get_line = lexer.lex_document(Document(buffer))
        for i in range(200):
            get_line(i)

    med, p95 = timeit(through_lexer, 30)
    print(f"prompt_toolkit lexer, 200 lines: median {med:.2f} ms, p95 {p95:.2f} ms (target <= 50 ms)")


if __name__ == "__main__":
    main()
