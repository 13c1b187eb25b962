"""The tree-walking evaluator: statements, expressions, commands and pipelines over vboshell.language.ast,
with PowerShell's scoping, error handling (terminating/non-terminating, try/catch/trap) and output streams."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from types import GeneratorType
from typing import Any

from vboshell.commands.binder import Argument, CommandMetadata, ScriptParameter
from vboshell.language import ast as A
from vboshell.runtime import operators as ops
from vboshell.runtime.conversions import to_bool, to_string
from vboshell.runtime.errors import ErrorCategory, ErrorRecord, PSRuntimeError
from vboshell.runtime.errorsupport import exception_is, thrown_record
from vboshell.runtime.flow import (
    BreakSignal,
    ContinueSignal,
    ExitSignal,
    FlowControl,
    PipelineStopped,
    ReturnSignal,
    StopUpstream,
)
from vboshell.runtime.members import get_index, get_member_value, invoke_method, set_index, set_member_value
from vboshell.runtime.pipeline import (
    NO_INPUT,
    CmdletProcessor,
    CommandProcessorBase,
    ExpressionProcessor,
    FunctionInfo,
    FunctionProcessor,
    Pipeline,
    Processor,
)
from vboshell.runtime.psobject import PSObject
from vboshell.runtime.scopes import Variable
from vboshell.runtime.types import PSType, Ref, resolve_type, set_current_context
from vboshell.runtime.values import Hashtable, OrderedHashtable, ScriptBlock, is_enumerable, iter_enumerable

MAX_CALL_DEPTH = 250
_BUILTIN_ALIASES_EXTRA: dict[str, str] = {}


def _rt_error(message: str, error_id: str, category: ErrorCategory = ErrorCategory.InvalidOperation,
              target: Any = None, exception_type: str = "RuntimeException") -> PSRuntimeError:
    return PSRuntimeError(ErrorRecord(message=message, error_id=error_id, category=category, target_object=target,
                                      exception_type=exception_type))


def _script_terminating(e: PSRuntimeError) -> bool:
    return bool(getattr(e, "script_terminating", False))


def _is_format_block(obj: Any) -> bool:
    """Objects produced by Format-Table/-List/-Wide (vboshell.format.engine.FormatBlock), checked without importing it."""
    return any(c.__name__ == "FormatBlock" and c.__module__ == "vboshell.format.engine" for c in type(obj).__mro__)


class OutDefaultSink:
    """Top-level output, rendered by vboshell.format's incremental Out-Default formatter.

    Like Windows PowerShell 5.1, objects that format as a table/list are held for up to 0.3 s so the first
    rows size the columns; host writes (Write-Host, warnings, errors) are not held, so they may appear before
    such a table, exactly as in 5.1. Plain scalars before the first held object are written in order."""

    HOLD = 0.3

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.items: list[Any] = []
        self.first_time = 0.0  # arrival of the oldest pending item
        self.held_since: float | None = None  # arrival of the first pending non-scalar
        self.formatter: Any = None
        self._no_formatter = False

    def write(self, obj: Any) -> None:
        now = time.monotonic()
        if not self.items:
            self.first_time = now
        self.items.append(obj)
        if self.held_since is None and not (type(obj) in _SIMPLE or obj is None):
            self.held_since = now
        if len(self.items) >= 500 or self.due(now) or _is_format_block(obj):
            # explicit Format-* output is already laid out: it shows at once, as in PowerShell
            self.flush()

    def due(self, now: float) -> bool:
        if not self.items:
            return False
        if self.held_since is not None:
            return now - self.held_since > self.HOLD
        return now - self.first_time > self.HOLD

    def _make_formatter(self) -> Any:
        if self.formatter is None and not self._no_formatter:
            try:
                from vboshell.format.engine import OutDefaultFormatter  # type: ignore[attr-defined]

                self.formatter = OutDefaultFormatter(self.ctx.host.width)
            except ImportError:
                self._no_formatter = True
        return self.formatter

    def _render(self, items: list[Any]) -> None:
        if not items:
            return
        if self.formatter is None and all(type(x) in _SIMPLE or x is None for x in items):
            text = render_default(items, self.ctx.host.width)
        else:
            fmt = self._make_formatter()
            text = fmt.feed(items) if fmt is not None else render_default(items, self.ctx.host.width)
        if text:
            self.ctx.host.write(text)

    def flush(self) -> None:
        """Render everything pending."""
        items, self.items = self.items, []
        self.held_since = None
        self._render(items)

    def flush_for_host(self) -> None:
        """Before host text: write pending output unless a table/list is still within its hold time."""
        if not self.items:
            return
        if self.held_since is None or self.due(time.monotonic()):
            self.flush()
            return
        k = next(i for i, x in enumerate(self.items) if not (type(x) in _SIMPLE or x is None))
        if k and self.formatter is None:
            head, self.items = self.items[:k], self.items[k:]
            self._render(head)

    def close(self) -> None:
        self.flush()
        if self.formatter is not None:
            text = self.formatter.close()
            self.formatter = None
            if text:
                self.ctx.host.write(text)


_SIMPLE = (str, int, float, bool)


def render_default(items: list[Any], width: int | None) -> str:
    """Out-Default's text for a batch (vboshell.format.format_default; plain scalars take a fast path)."""
    if all(type(x) in _SIMPLE or x is None for x in items):
        return "".join(to_string(x) + "\n" for x in items if x is not None)
    try:
        from vboshell.format import format_default  # type: ignore[attr-defined]
    except ImportError:
        format_default = None
    if format_default is not None:
        return format_default(items, width)
    return "".join(to_string(x) + "\n" for x in items if x is not None)


class Evaluator:
    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.try_depth = 0
        self.trap_depth = 0
        self.call_depth = 0
        self.out_default: OutDefaultSink | None = None
        self.streams: dict[str, Callable[[Any], None]] = {}
        self.current_file: str | None = None
        self.last_success = True
        self._catch_stack: list[PSRuntimeError] = []
        self.invocation_stack: list[Any] = []  # FunctionProcessors currently running (innermost last)
        self._invoke_depth = 0
        self._dispatch_expr = self._build_expr_dispatch()
        self._dispatch_stmt = self._build_stmt_dispatch()

    # ==========================================================================================
    # entry points
    def _parse(self, text: str, file: str | None) -> A.ScriptBlockAst:
        from vboshell.language import parse

        return parse(text, file)

    def invoke_text(self, text: str, *, raise_errors: bool = False, file: str | None = None,
                    input_objects: list[Any] | None = None) -> list[Any]:
        set_current_context(self.ctx)
        out: list[Any] = []
        nested = self._invoke_depth > 0 or bool(self.invocation_stack)
        self._invoke_depth += 1
        try:
            return self._invoke_text(text, raise_errors, file, input_objects, out, nested)
        finally:
            self._invoke_depth -= 1

    def _parse_script_block(self, text: str, file: str | None) -> ScriptBlock:
        """Parse script text into a ScriptBlock; a parse error becomes a PSRuntimeError carrying its ErrorRecord."""
        from vboshell.language.errors import ParseError

        try:
            tree = self._parse(text, file)
        except ParseError as e:
            from vboshell.runtime.display import parse_error_record

            raise PSRuntimeError(parse_error_record(e)) from None
        return ScriptBlock(tree, text=text, file=file)

    def _invoke_text(self, text: str, raise_errors: bool, file: str | None, input_objects: Any, out: list[Any],
                     nested: bool) -> list[Any]:
        try:
            sb = self._parse_script_block(text, file)
            if raise_errors:
                self.try_depth += 1
                try:
                    self.run_script_block_here(sb, out.append, input_objects)
                finally:
                    self.try_depth -= 1
            else:
                self.run_script_block_here(sb, out.append, input_objects)
        except PSRuntimeError as e:
            self.record_error(e.error_record)
            if raise_errors:
                raise
            self.emit_error_display(e.error_record)
        except ExitSignal as e:
            if nested:
                raise
            self.ctx.last_exit_code = e.code
            self.ctx.set_variable("global:LASTEXITCODE", e.code)
        except (BreakSignal, ContinueSignal, StopUpstream):
            if nested:
                raise
        except ReturnSignal:
            pass
        except PipelineStopped:
            if nested:
                raise
            self.ctx.reset_stop()
        except RecursionError as e:
            self._internal(e, raise_errors)
        except Exception as e:  # noqa: BLE001 - never leak a traceback
            self._internal(e, raise_errors)
        return out

    def _internal(self, e: BaseException, raise_errors: bool) -> None:
        from vboshell.runtime.display import internal_error_record

        rec = internal_error_record(e, "invoke")
        self.record_error(rec)
        if raise_errors:
            raise PSRuntimeError(rec) from None
        self.emit_error_display(rec)

    def execute_text(self, text: str, *, file: str | None = None) -> int:
        """Run text at top level with Out-Default; returns the exit code (0, 1 after a terminating error, exit N)."""
        set_current_context(self.ctx)
        sink = OutDefaultSink(self.ctx)
        prev_sink = self.out_default
        self.out_default = sink
        code = 0
        self.ctx.exit_requested = False
        try:
            sb = self._parse_script_block(text, file)
            self._invoke_depth += 1
            try:
                self.run_script_block_here(sb, sink.write, None)
            finally:
                self._invoke_depth -= 1
            code = 0
        except PSRuntimeError as e:
            sink.flush()
            self.record_error(e.error_record)
            self.emit_error_display(e.error_record)
            code = 1
        except ExitSignal as e:
            code = e.code
            self.ctx.last_exit_code = e.code
            self.ctx.exit_requested = True
            self.ctx.set_variable("global:LASTEXITCODE", e.code)
        except (BreakSignal, ContinueSignal, ReturnSignal, StopUpstream):
            pass
        except PipelineStopped:
            self.ctx.reset_stop()
            code = 1
        except Exception as e:  # noqa: BLE001
            sink.flush()
            self._internal(e, False)
            code = 1
        finally:
            try:
                sink.close()
            except Exception as e:  # noqa: BLE001
                self._internal(e, False)
            self.out_default = prev_sink
        return code

    def run_script_file(self, path: str, args: list[Any]) -> int:
        """`vboshell -File`: run the script in a script scope, binding args to its param block; returns exit code."""
        set_current_context(self.ctx)
        sink = OutDefaultSink(self.ctx)
        self.out_default = sink
        code = 0
        try:
            full = str(self.ctx.resolve_path(path))
            info = self.load_script_file(full)
            arguments = cli_arguments(args)
            proc = FunctionProcessor(self, info, arguments, full, None, [])
            proc.top_level = True
            self._invoke_depth += 1
            try:
                Pipeline(self, [proc], sink.write).run()
            finally:
                self._invoke_depth -= 1
        except PSRuntimeError as e:
            sink.flush()
            self.record_error(e.error_record)
            self.emit_error_display(e.error_record)
            code = 1
        except ExitSignal as e:
            code = e.code
        except (BreakSignal, ContinueSignal, ReturnSignal, StopUpstream):
            pass
        except PipelineStopped:
            code = 1
        except Exception as e:  # noqa: BLE001
            sink.flush()
            self._internal(e, False)
            code = 1
        finally:
            try:
                sink.close()
            except Exception as e:  # noqa: BLE001
                self._internal(e, False)
            self.out_default = None
        return code

    def load_script_file(self, full: str) -> FunctionInfo:
        try:
            with open(full, encoding="utf-8-sig") as f:
                text = f.read()
        except FileNotFoundError:
            raise _rt_error(
                f"The term '{full}' is not recognized as the name of a cmdlet, function, script file, or operable "
                "program. Check the spelling of the name, or if a path was included, verify that the path is correct "
                "and try again.", "CommandNotFoundException", ErrorCategory.ObjectNotFound, full,
                "CommandNotFoundException") from None
        except (OSError, UnicodeDecodeError) as e:
            raise _rt_error(f"Cannot read script file '{full}': {e}", "ScriptFileReadError",
                            ErrorCategory.ReadError, full) from None
        from vboshell.language.errors import ParseError

        try:
            tree = self._parse(text, full)
        except ParseError as e:
            from vboshell.runtime.display import parse_error_record

            raise PSRuntimeError(parse_error_record(e)) from None
        sb = ScriptBlock(tree, text=text, file=full)
        return FunctionInfo(os.path.basename(full), sb, kind="ExternalScript", path=full,
                            help_comment=tree.help_comment)

    def run_script_block_here(self, sb: ScriptBlock, out: Callable[[Any], None], input_objects: Any) -> None:
        """Run a parsed script in the *current* scope (prompt semantics): its param block is ignored."""
        tree = sb.ast
        ss = self.ctx.session
        if input_objects is not None:
            ss.current.vars["input"] = Variable("input", list(input_objects))
        for blk in (tree.begin_block, tree.process_block, tree.end_block):
            if blk is not None:
                try:
                    self.exec_named_block(blk, out)
                except ReturnSignal:
                    pass

    def call_script_block_simple(self, sb: Any, input_object: Any, args: list[Any], use_dollar_under: bool) -> list[Any]:
        """Run a script block value in a child scope with $_ = input_object; returns output (cmdlets' helper)."""
        if not isinstance(sb, ScriptBlock):
            raise _rt_error("The argument is not a script block.", "NotAScriptBlock")
        out: list[Any] = []
        ss = self.ctx.session
        scope = ss.push("local")
        try:
            if use_dollar_under:
                scope.vars["_"] = Variable("_", input_object)
                scope.vars["psitem"] = Variable("PSItem", input_object)
            tree = sb.ast
            if tree.param_block is not None and tree.param_block.parameters:
                info = FunctionInfo("", sb)
                meta = self.function_metadata(info)
                for i, p in enumerate(meta.parameters):
                    value = args[i] if i < len(args) else self.parameter_default(p)
                    scope.vars[p.name.lower()] = Variable(p.name, value)
                scope.vars["args"] = Variable("args", list(args[len(meta.parameters):]))
            else:
                scope.vars["args"] = Variable("args", list(args))
            self.call_depth_enter()
            try:
                for blk in (tree.begin_block, tree.process_block, tree.end_block):
                    if blk is not None:
                        try:
                            self.exec_named_block(blk, out.append)
                        except ReturnSignal:
                            pass
            finally:
                self.call_depth_leave()
        finally:
            ss.pop(scope)
        return out

    def run_validation_block(self, sb: Any, value: Any) -> Any:
        out = self.call_script_block_simple(sb, value, [], True)
        return out[0] if len(out) == 1 else out

    def _tick(self) -> None:
        """Per loop iteration: honour Ctrl+C and let buffered top-level output reach the screen."""
        self.ctx.check_stop()
        sink = self.out_default
        if sink is not None and sink.items and sink.due(time.monotonic()):
            sink.flush()

    def call_depth_enter(self) -> None:
        self.call_depth += 1
        if self.call_depth > MAX_CALL_DEPTH:
            self.call_depth = 0
            raise _rt_error("The script failed due to call depth overflow.", "CallDepthOverflow",
                            ErrorCategory.InvalidOperation, exception_type="ScriptCallDepthException")

    def call_depth_leave(self) -> None:
        if self.call_depth > 0:
            self.call_depth -= 1

    # ==========================================================================================
    # errors and streams
    def record_error(self, rec: ErrorRecord) -> None:
        lst = self.ctx.error_list
        if not lst or lst[0] is not rec:
            lst.insert(0, rec)
            del lst[256:]
        self.last_success = False
        self.ctx.session.global_scope.vars["?"] = Variable("?", False)

    def emit_error_display(self, rec: ErrorRecord) -> None:
        handler = self.streams.get("error")
        if handler is not None:
            handler(rec)
            return
        self.flush_before_host()
        self.ctx.host.write_error_line(self.format_error(rec))

    def format_error(self, rec: ErrorRecord) -> str:
        from vboshell.runtime import display

        view = to_string(self.ctx.session.get_value("ErrorView") or "NormalView").lower()
        if view == "conciseview" and not rec.extra.get("parse_error"):
            return display.format_concise_error_record(rec)
        if view == "categoryview":
            return display.format_category_view(rec)
        return display.format_error_record(rec, self.ctx.host.width)

    def flush_output(self) -> None:
        """Render all pending top-level output now (e.g. before a transcript stops)."""
        if self.out_default is not None:
            self.out_default.flush()

    def flush_before_host(self) -> None:
        """Before host text: pending output is written unless a table is still in its 0.3 s hold."""
        if self.out_default is not None:
            self.out_default.flush_for_host()

    def attach_position(self, rec: ErrorRecord, extent: Any, command_name: str | None = None) -> None:
        if rec.invocation_info is None and extent is not None:
            from vboshell.runtime.display import invocation_from_extent

            rec.invocation_info = invocation_from_extent(extent, command_name)
        if not rec.script_stack_trace and extent is not None:
            rec.script_stack_trace = self._stack_trace(extent)

    def _stack_trace(self, extent: Any) -> str:
        """PowerShell's ScriptStackTrace: `at f, <file>: line N` from the innermost function outwards."""
        lines = []
        line = extent.start_line
        file = extent.file
        for proc in reversed(self.invocation_stack):
            if proc.dot_source:
                continue
            name = proc.invocation_name or "<ScriptBlock>"
            if proc.info.kind == "ExternalScript":
                name = "<ScriptBlock>"
            lines.append(f"at {name}, {file or '<No file>'}: line {line}")
            if proc.extent is None:
                return "\n".join(lines)
            line = proc.extent.start_line
            file = proc.extent.file
        lines.append(f"at <ScriptBlock>, {file or '<No file>'}: line {line}")
        return "\n".join(lines)

    def attach_caller_position(self, rec: ErrorRecord, extent: Any) -> None:
        """Position of the enclosing function/script call (how PowerShell reports Write-Error)."""
        from vboshell.runtime.display import invocation_from_extent
        from vboshell.runtime.errors import InvocationInfo

        for proc in reversed(self.invocation_stack):
            if proc.dot_source or not proc.invocation_name:
                continue
            if proc.info.kind == "ExternalScript":
                name = proc.info.path or proc.invocation_name
                rec.invocation_info = invocation_from_extent(proc.extent, name) if proc.extent is not None \
                    else InvocationInfo(command_name=name)
            else:
                rec.invocation_info = invocation_from_extent(proc.extent, proc.invocation_name) \
                    if proc.extent is not None else InvocationInfo(command_name=proc.invocation_name)
            return
        if extent is not None:
            rec.invocation_info = InvocationInfo(command_name=extent.source.strip() if "\n" not in extent.source.strip()
                                                 else extent.text)

    def write_nonterminating_error(self, record: Any, action: str, extent: Any, invocation_name: str | None,
                                   error_var: Any, proc: Any) -> None:
        if not isinstance(record, ErrorRecord):
            record = thrown_record(record)
        self.attach_position(record, extent, invocation_name)
        act = (action or "Continue").lower()
        if act == "ignore":
            return
        self.record_error(record)
        if isinstance(proc, CommandProcessorBase):
            proc.record_error_variable(record)
        for outer in self.invocation_stack:  # enclosing functions' -ErrorVariable see inner errors too
            if outer is not proc and outer._err_var is not None:
                outer.record_error_variable(record)
        if act == "stop":
            e = PSRuntimeError(record)
            e.script_terminating = True  # type: ignore[attr-defined]
            e.action_preference_stop = True  # type: ignore[attr-defined]
            raise e
        if act == "silentlycontinue":
            return
        self.emit_error_display(record)

    def report_terminating(self, e: PSRuntimeError) -> None:
        """A statement-terminating error that nothing caught: record and display, continue with the next statement."""
        self.record_error(e.error_record)
        self.emit_error_display(e.error_record)

    def write_warning(self, message: str, action: str, proc: Any = None) -> None:
        act = (action or "Continue").lower()
        if act == "ignore":
            return
        seen: set[int] = set()
        for p in [proc, *self.invocation_stack]:
            wv = getattr(p, "_warn_var", None)
            if wv is not None and id(wv) not in seen:
                seen.add(id(wv))
                wv.append(message)
        if act == "silentlycontinue":
            return
        handler = self.streams.get("warning")
        if handler is not None:
            handler("WARNING: " + message if handler is not None and getattr(handler, "text_mode", False) else message)
        else:
            self.flush_before_host()
            self.ctx.host.write_warning_line("WARNING: " + message)
        if act == "stop":
            raise _rt_error(f"The running command stopped because the preference variable \"WarningPreference\" or common parameter is set to Stop: {message}",
                            "ActionPreferenceStop", ErrorCategory.OperationStopped,
                            exception_type="ActionPreferenceStopException")

    def write_verbose(self, message: str, enabled: bool, proc: Any = None) -> None:
        if not enabled:
            return
        handler = self.streams.get("verbose")
        if handler is not None:
            handler(message)
            return
        self.flush_before_host()
        self.ctx.host.write_verbose_line("VERBOSE: " + message)

    def write_debug(self, message: str, enabled: bool, proc: Any = None) -> None:
        if not enabled:
            return
        handler = self.streams.get("debug")
        if handler is not None:
            handler(message)
            return
        self.flush_before_host()
        self.ctx.host.write_debug_line("DEBUG: " + message)

    def write_host(self, text: str, foreground: str | None, no_newline: bool, background: str | None = None,
                   proc: Any = None) -> None:
        handler = self.streams.get("information")
        if handler is not None:
            handler(text)
            return
        self.flush_before_host()
        if no_newline:
            self.ctx.host.write(text, foreground, background)
        else:
            self.ctx.host.write_line(text, foreground, background)
        for hook in self.ctx.output_hooks:
            hook(text + ("" if no_newline else "\n"))

    def write_information(self, message: Any, proc: Any = None) -> None:
        handler = self.streams.get("information")
        if handler is not None:
            handler(message)
            return
        pref = to_string(self.ctx.preference("InformationPreference")).lower()
        if pref in ("continue", "inquire"):
            self.flush_before_host()
            self.ctx.host.write_line(to_string(message))

    def should_process(self, proc: Any, target: str, action: str) -> bool:
        host = self.ctx.host
        if proc.whatif():
            self.flush_before_host()
            host.write_line(f'What if: Performing the operation "{action}" on target "{target}".')
            return False
        confirm = proc.confirm_flag()
        impact = _IMPACTS.get(getattr(proc.meta, "confirm_impact", "Medium").lower(), 2)
        pref = _IMPACTS.get(to_string(self.ctx.preference("ConfirmPreference")).lower(), 3)
        need = confirm is True or (confirm is None and pref > 0 and impact >= pref)
        if not need or not self.ctx.interactive:
            return True
        self.flush_before_host()
        try:
            choice = host.prompt_for_choice(
                "\nConfirm", f'Are you sure you want to perform this action?\nPerforming the operation "{action}" on target "{target}".',
                [("&Yes", ""), ("Yes to &All", ""), ("&No", ""), ("No to A&ll", ""), ("&Suspend", "")], 0)
        except EOFError:
            return False
        if choice == 1:
            proc.binder.common.confirm = False
        return choice in (0, 1)

    # ==========================================================================================
    # redirection wiring
    def wire_redirections(self, pipeline: Pipeline) -> None:
        procs = pipeline.processors
        for i, p in enumerate(procs):
            if not p.redirections:
                continue
            self._setup_redirections(p)
            if i > 0:
                prev = procs[i - 1]
                target = p

                def forward(obj: Any, target: Processor = target) -> None:
                    self.run_in_streams(target, lambda: target.process(obj))

                prev.downstream = forward

    def _setup_redirections(self, p: Processor) -> None:
        for r in p.redirections:
            streams = _streams_of(r.from_stream)
            if isinstance(r, A.MergingRedirectionAst):
                for s in streams:
                    if s == "output":
                        continue
                    p.stream_overrides[s] = self._merge_handler(p, s)
                continue
            assert isinstance(r, A.FileRedirectionAst)
            loc = r.location
            if isinstance(loc, A.VariableExpressionAst) and loc.name.lower() == "null":
                for s in streams:
                    if s == "output":
                        p.downstream = lambda o: None
                    else:
                        p.stream_overrides[s] = _discard
                continue
            path = to_string(self.eval(loc))
            writer = FileRedirectWriter(self, path, r.append)
            for s in streams:
                if s == "output":
                    p.downstream = writer.write
                    p.__dict__.setdefault("_writers", []).append(writer)
                else:
                    p.stream_overrides[s] = writer.write_stream(s)
                    p.__dict__.setdefault("_writers", []).append(writer)

    def _merge_handler(self, p: Processor, stream: str) -> Callable[[Any], None]:
        def handler(item: Any) -> None:
            if stream == "warning" and isinstance(item, str):
                item = _StreamText("WARNING: " + item, item)
            elif stream == "verbose" and isinstance(item, str):
                item = _StreamText("VERBOSE: " + item, item)
            elif stream == "debug" and isinstance(item, str):
                item = _StreamText("DEBUG: " + item, item)
            p.downstream(item)

        return handler

    def run_in_streams(self, p: Processor, fn: Callable[[], None]) -> None:
        if not p.stream_overrides and not p.redirections:
            fn()
            return
        saved = dict(self.streams)
        self.streams.update(p.stream_overrides)
        try:
            fn()
        finally:
            self.streams = saved
            if fn.__name__ == "end" or getattr(fn, "__func__", None) is getattr(type(p), "end", None):
                for w in p.__dict__.get("_writers", []):
                    w.close()

    # ==========================================================================================
    # blocks and statements
    def exec_named_block(self, block: A.NamedBlockAst | A.StatementBlockAst, out: Callable[[Any], None]) -> None:
        self.exec_statements(block.statements, block.traps, out)

    def exec_statements(self, statements: list[A.StatementAst], traps: list[A.TrapStatementAst],
                        out: Callable[[Any], None]) -> None:
        if traps:
            self.trap_depth += 1
        try:
            for fn_def in statements:
                if isinstance(fn_def, A.FunctionDefinitionAst):
                    pass
            for stmt in statements:
                if self.ctx.is_stopping:
                    raise PipelineStopped()
                try:
                    self.exec_statement(stmt, out)
                except PSRuntimeError as e:
                    if traps:
                        if self._run_trap(traps, e, out):
                            continue
                        raise
                    if self.try_depth or self.trap_depth or _script_terminating(e):
                        raise
                    pref = to_string(self.ctx.preference("ErrorActionPreference")).lower()
                    if pref == "stop":  # with 'Stop' every error ends the script
                        e.script_terminating = True  # type: ignore[attr-defined]
                        raise
                    if pref in ("silentlycontinue", "ignore"):  # PowerShell's quirk: not even displayed
                        if pref == "silentlycontinue":
                            self.record_error(e.error_record)
                        continue
                    self.report_terminating(e)
        finally:
            if traps:
                self.trap_depth -= 1

    def _run_trap(self, traps: list[A.TrapStatementAst], e: PSRuntimeError, out: Callable[[Any], None]) -> bool:
        """Run the matching trap; True to continue with the next statement, False to rethrow."""
        rec = e.error_record
        trap = None
        for t in traps:
            if t.trap_type is None or exception_is(rec, t.trap_type.type_name):
                trap = t
                break
        if trap is None:
            return False
        self.record_error(rec)
        scope = self.ctx.session.current
        saved = scope.vars.get("_"), scope.vars.get("psitem")
        scope.vars["_"] = Variable("_", rec)
        scope.vars["psitem"] = Variable("PSItem", rec)
        try:
            self.trap_depth -= 1
            try:
                self.exec_named_block(trap.body, out)
            finally:
                self.trap_depth += 1
        except ContinueSignal:
            return True
        except BreakSignal:
            return False
        finally:
            _restore(scope, "_", saved[0])
            _restore(scope, "psitem", saved[1])
        # no break/continue: display the error and continue
        self.emit_error_display(rec)
        return True

    def exec_statement(self, stmt: A.StatementAst, out: Callable[[Any], None]) -> None:
        fn = self._dispatch_stmt.get(type(stmt))
        if fn is None:
            raise _rt_error(f"Unsupported statement {type(stmt).__name__}.", "NotSupported")
        try:
            fn(stmt, out)
        except PSRuntimeError as e:
            self.attach_position(e.error_record, stmt.extent)
            raise
        except (FlowControl, KeyboardInterrupt):
            raise
        except RecursionError:
            raise _rt_error("The script failed due to call depth overflow.", "CallDepthOverflow",
                            ErrorCategory.InvalidOperation, exception_type="ScriptCallDepthException") from None
        except Exception as ex:  # noqa: BLE001 - a vboshell bug: ErrorRecord InternalError, traceback to the log
            from vboshell.runtime.display import internal_error_record

            rec = internal_error_record(ex, "statement")
            self.attach_position(rec, stmt.extent)
            raise PSRuntimeError(rec) from None

    def _build_stmt_dispatch(self) -> dict[type, Callable[..., None]]:
        return {
            A.PipelineAst: self.exec_pipeline_stmt,
            A.AssignmentStatementAst: self.exec_assignment_stmt,
            A.IfStatementAst: self.exec_if,
            A.ForEachStatementAst: self.exec_foreach,
            A.ForStatementAst: self.exec_for,
            A.WhileStatementAst: self.exec_while,
            A.DoWhileStatementAst: self.exec_do_while,
            A.DoUntilStatementAst: self.exec_do_until,
            A.SwitchStatementAst: self.exec_switch,
            A.TryStatementAst: self.exec_try,
            A.ThrowStatementAst: self.exec_throw,
            A.ReturnStatementAst: self.exec_return,
            A.ExitStatementAst: self.exec_exit,
            A.BreakStatementAst: self.exec_break,
            A.ContinueStatementAst: self.exec_continue,
            A.FunctionDefinitionAst: self.exec_function_def,
            A.TrapStatementAst: lambda s, out: None,
            A.PipelineChainAst: self.exec_chain,
            A.StatementBlockAst: lambda s, out: self.exec_named_block(s, out),
            A.CommandExpressionAst: lambda s, out: self.exec_pipeline_stmt(
                A.PipelineAst(extent=s.extent, elements=[s]), out),
            A.CommandAst: lambda s, out: self.exec_pipeline_stmt(A.PipelineAst(extent=s.extent, elements=[s]), out),
        }

    # --- pipelines -----------------------------------------------------------------------------
    def exec_pipeline_stmt(self, stmt: A.PipelineAst, out: Callable[[Any], None]) -> None:
        self.last_success = True
        self.run_pipeline(stmt, out)
        self.ctx.session.global_scope.vars["?"] = Variable("?", self.last_success)

    def run_pipeline(self, stmt: A.PipelineAst, out: Callable[[Any], None], input_items: Any = NO_INPUT) -> None:
        elements = stmt.elements
        if len(elements) == 1 and isinstance(elements[0], A.CommandExpressionAst) and not elements[0].redirections \
                and input_items is NO_INPUT:
            expr = elements[0].expression
            value = self.eval(expr)
            if self.is_void_expression(expr, value):
                return
            it = iter_enumerable(value)
            if it is None:
                out(value)
            else:
                for x in it:
                    self._tick()
                    out(x)
            return
        procs = [self.make_processor(el) for el in elements]
        Pipeline(self, procs, out).run(input_items)

    def collect(self, stmt: A.StatementAst) -> list[Any]:
        out: list[Any] = []
        self.exec_statement(stmt, out.append)
        return out

    def statement_value(self, stmt: A.StatementAst) -> Any:
        """The value of a statement used as an expression (assignment RHS, hashtable values)."""
        if isinstance(stmt, A.PipelineAst) and len(stmt.elements) == 1 and \
                isinstance(stmt.elements[0], A.CommandExpressionAst) and not stmt.elements[0].redirections:
            v = self.eval(stmt.elements[0].expression)
            if _is_generator(v):
                v = list(v)
            return v
        if isinstance(stmt, A.AssignmentStatementAst):
            self.exec_assignment_stmt(stmt, lambda o: None)
            return self.eval(stmt.left) if not isinstance(stmt.left, A.ArrayLiteralAst) else None
        out = self.collect(stmt)
        return _unwrap(out)

    def is_void_expression(self, expr: A.ExpressionAst, value: Any) -> bool:
        """Expression statements that write nothing: void method calls, [void] casts, ++/-- statements."""
        if value is None and isinstance(expr, A.InvokeMemberExpressionAst):
            return True
        if value is None and isinstance(expr, A.ConvertExpressionAst) and expr.type_name.lower() in ("void", "system.void"):
            return True
        if isinstance(expr, A.UnaryExpressionAst) and expr.operator in ("++", "--", "post++", "post--"):
            return True
        return False

    def make_processor(self, el: A.CommandBaseAst) -> Processor:
        if isinstance(el, A.CommandExpressionAst):
            return ExpressionProcessor(self, el.expression, el.extent, el.redirections)
        assert isinstance(el, A.CommandAst)
        first = el.elements[0]
        dot = el.invocation_operator == "."
        if el.invocation_operator is None and isinstance(first, A.StringConstantExpressionAst):
            name_value: Any = first.value
        else:
            name_value = self.eval(first)
        args = self.eval_arguments(el.elements[1:])
        return self.resolve_command(name_value, args, el, dot)

    def eval_arguments(self, elements: list[A.CommandElementAst]) -> list[Argument]:
        args: list[Argument] = []
        for e in elements:
            if isinstance(e, A.CommandParameterAst):
                if e.argument is not None:
                    args.append(Argument(self.eval(e.argument), e.parameter_name, True, e.extent,
                                         spelled=f"-{e.parameter_name}:"))
                else:
                    args.append(Argument(None, e.parameter_name, False, e.extent, spelled=f"-{e.parameter_name}"))
            elif isinstance(e, A.VariableExpressionAst) and e.splatted:
                value = self.get_variable_value(e)
                if isinstance(value, dict):
                    for k, v in value.items():
                        args.append(Argument(v, to_string(k), True, e.extent))
                elif value is not None and is_enumerable(value):
                    for v in iter_enumerable(value) or []:
                        args.append(Argument(v, None, False, e.extent))
                elif value is not None:
                    args.append(Argument(value, None, False, e.extent))
            else:
                v = self.eval(e)
                if _is_generator(v):
                    v = list(v)
                args.append(Argument(v, None, False, e.extent))
        return args

    def resolve_command(self, name_value: Any, args: list[Argument], el: A.CommandAst, dot: bool) -> Processor:
        from vboshell.commands.registry import lookup

        if isinstance(name_value, ScriptBlock):
            info = FunctionInfo("", name_value)
            return FunctionProcessor(self, info, args, "", el.extent, el.redirections, dot_source=dot)
        if isinstance(name_value, FunctionInfo):
            return FunctionProcessor(self, name_value, args, name_value.name, el.extent, el.redirections, dot)
        if isinstance(name_value, type):
            return CmdletProcessor(self, name_value, args, getattr(name_value, "name", ""), el.extent, el.redirections)
        name = to_string(name_value)
        seen: set[str] = set()
        target = name
        while True:
            alias = self.ctx.session.get_alias(target) or self.ctx.aliases.get(target.lower())
            if isinstance(alias, type):  # an alias straight to a Cmdlet class (tests, embedding)
                return CmdletProcessor(self, alias, args, name, el.extent, el.redirections)
            if alias is None or alias.lower() in seen:
                break
            seen.add(alias.lower())
            target = alias
        fn = self.ctx.session.get_function(target)
        if fn is not None:
            return FunctionProcessor(self, fn, args, name, el.extent, el.redirections, dot)
        cls = lookup(target)
        if cls is not None:
            return CmdletProcessor(self, cls, args, name, el.extent, el.redirections)
        # module-qualified names: Microsoft.PowerShell.Utility\Write-Output, Veeam.Archiver.PowerShell\Get-VBOJob
        head, sep, tail = name.rpartition("\\")
        if sep and head and "-" in tail and "/" not in name and not name.lower().endswith(".ps1") \
                and all(part.isidentifier() for part in head.split(".")):
            cls = lookup(tail)
            fn = self.ctx.session.get_function(tail)
            if fn is not None:
                return FunctionProcessor(self, fn, args, tail, el.extent, el.redirections, dot)
            if cls is not None:
                return CmdletProcessor(self, cls, args, tail, el.extent, el.redirections)
        # script files
        if name.lower().endswith(".ps1") or "/" in name or "\\" in name:
            path = self.ctx.resolve_path(name)
            if not str(path).lower().endswith(".ps1") and os.path.exists(str(path) + ".ps1"):
                path = type(path)(str(path) + ".ps1")
            if path.is_file() and str(path).lower().endswith(".ps1"):
                info = self.load_script_file(str(path))
                return FunctionProcessor(self, info, args, name, el.extent, el.redirections, dot_source=dot)
        if getattr(self.ctx, "allow_native", True) and name and not any(c in name for c in "*?[") \
                and not name.lower().endswith(".ps1"):
            import shutil

            exe = shutil.which(str(self.ctx.resolve_path(name)) if ("/" in name or "\\" in name) else name)
            if exe:
                from vboshell.runtime.pipeline import NativeProcessor

                return NativeProcessor(self, exe, name, args, el.extent, el.redirections)
        rec = ErrorRecord(
            message=f"The term '{name}' is not recognized as the name of a cmdlet, function, script file, or operable "
                    "program. Check the spelling of the name, or if a path was included, verify that the path is "
                    "correct and try again.",
            error_id="CommandNotFoundException", category=ErrorCategory.ObjectNotFound, target_object=name,
            exception_type="CommandNotFoundException")
        from vboshell.runtime.display import invocation_from_extent

        rec.invocation_info = invocation_from_extent(el.elements[0].extent if el.elements else el.extent, name)
        raise PSRuntimeError(rec)

    def exec_chain(self, stmt: A.PipelineChainAst, out: Callable[[Any], None]) -> None:
        self.exec_statement(stmt.left, out)
        ok = self.last_success
        if (stmt.operator == "&&" and ok) or (stmt.operator == "||" and not ok):
            self.exec_statement(stmt.right, out)

    # --- functions --------------------------------------------------------------------------------
    def exec_function_def(self, stmt: A.FunctionDefinitionAst, out: Callable[[Any], None]) -> None:
        body = stmt.body
        if stmt.parameters is not None and body.param_block is None:
            body.param_block = A.ParamBlockAst(extent=stmt.extent, parameters=list(stmt.parameters))
        if stmt.is_filter and body.process_block is None and body.end_block is not None and body.end_block.unnamed:
            body.process_block = body.end_block
            body.end_block = None
        sb = ScriptBlock(body, file=body.extent.file)
        info = FunctionInfo(stmt.name, sb, stmt.is_filter, stmt.help_comment or body.help_comment,
                            kind="Filter" if stmt.is_filter else "Function")
        self.ctx.session.set_function(stmt.name, info)

    def function_metadata(self, info: FunctionInfo) -> CommandMetadata:
        if info._meta is not None:
            return info._meta
        tree = info.script_block.ast
        pb = tree.param_block
        params: list[ScriptParameter] = []
        cmdlet_binding = False
        sps = False
        default_set = None
        positional_binding = True
        impact = "Medium"
        if pb is not None:
            for attr in pb.attributes:
                if isinstance(attr, A.AttributeAst) and attr.type_name.lower() in ("cmdletbinding", "system.management.automation.cmdletbindingattribute"):
                    cmdlet_binding = True
                    for na in attr.named_arguments:
                        key = na.argument_name.lower()
                        val = True if na.expression_omitted else self.eval(na.argument)
                        if key == "supportsshouldprocess":
                            sps = to_bool(val)
                        elif key == "defaultparametersetname":
                            default_set = to_string(val)
                        elif key == "positionalbinding":
                            positional_binding = to_bool(val)
                        elif key == "confirmimpact":
                            impact = to_string(val)
            any_explicit = False
            raw: list[dict[str, Any]] = []
            for p in pb.parameters:
                d = self._param_info(p)
                if d["has_parameter_attr"]:
                    cmdlet_binding = True
                if d["position"] is not None:
                    any_explicit = True
                raw.append(d)
            pos = 0
            for d in raw:
                if d["position"] is None and positional_binding and not any_explicit and not d["switch"]:
                    d["position"] = pos
                    pos += 1
                d.pop("has_parameter_attr")
                d.pop("switch")
                params.append(ScriptParameter(**d))
        meta = CommandMetadata(name=info.name or "", parameters=list(params), default_parameter_set=default_set,
                               supports_should_process=sps, confirm_impact=impact, cmdlet_binding=cmdlet_binding,
                               positional_binding=positional_binding, fully_qualified_command=info.name or None,
                               is_script=True)
        info._meta = meta
        return meta

    def _param_info(self, p: A.ParameterAst) -> dict[str, Any]:
        from vboshell.commands.base import Switch

        d: dict[str, Any] = {
            "name": p.name.unqualified_name, "type": object, "array": False, "mandatory": False, "position": None,
            "aliases": (), "parameter_sets": ("__AllParameterSets",), "value_from_pipeline": False,
            "value_from_pipeline_by_property_name": False, "value_from_remaining_arguments": False,
            "validate_set": None, "validate_range": None, "validate_not_null_or_empty": False,
            "help": "", "type_name": None, "default_ast": p.default_value, "validate_pattern": None,
            "validate_script": None, "validate_count": None, "validate_length": None, "validate_not_null": False,
            "allow_null": False, "allow_empty_string": False, "help_message": "", "has_parameter_attr": False,
            "switch": False,
        }
        sets: list[str] = []
        for attr in p.attributes:
            tn = attr.type_name.lower()
            if isinstance(attr, A.TypeConstraintAst):
                d["type_name"] = attr.type_name
                if tn in ("switch", "system.management.automation.switchparameter"):
                    d["type"] = Switch
                    d["switch"] = True
                    d["type_name"] = None
                elif tn.endswith("[]"):
                    d["array"] = True
                continue
            assert isinstance(attr, A.AttributeAst)
            pos_args = [self.eval(a) for a in attr.positional_arguments]
            named = {na.argument_name.lower(): (True if na.expression_omitted else self.eval(na.argument))
                     for na in attr.named_arguments}
            if tn in ("parameter", "system.management.automation.parameterattribute"):
                d["has_parameter_attr"] = True
                if to_bool(named.get("mandatory", False)):
                    d["mandatory"] = True
                if "position" in named:
                    d["position"] = int(named["position"])
                if to_bool(named.get("valuefrompipeline", False)):
                    d["value_from_pipeline"] = True
                if to_bool(named.get("valuefrompipelinebypropertyname", False)):
                    d["value_from_pipeline_by_property_name"] = True
                if to_bool(named.get("valuefromremainingarguments", False)):
                    d["value_from_remaining_arguments"] = True
                if "parametersetname" in named:
                    sets.append(to_string(named["parametersetname"]))
                if "helpmessage" in named:
                    d["help_message"] = d["help"] = to_string(named["helpmessage"])
                if to_bool(named.get("dontshow", False)):
                    d["dont_show"] = True
            elif tn == "validateset":
                vals: list[str] = []
                for a in pos_args:
                    if isinstance(a, list):
                        vals.extend(to_string(x) for x in a)
                    else:
                        vals.append(to_string(a))
                d["validate_set"] = tuple(vals)
            elif tn == "validatenotnullorempty":
                d["validate_not_null_or_empty"] = True
            elif tn == "validatenotnull":
                d["validate_not_null"] = True
            elif tn == "validaterange" and len(pos_args) >= 2:
                d["validate_range"] = (pos_args[0], pos_args[1])
            elif tn == "validatepattern" and pos_args:
                d["validate_pattern"] = to_string(pos_args[0])
            elif tn == "validatescript" and pos_args:
                d["validate_script"] = pos_args[0]
            elif tn == "validatecount" and len(pos_args) >= 2:
                d["validate_count"] = (int(pos_args[0]), int(pos_args[1]))
            elif tn == "validatelength" and len(pos_args) >= 2:
                d["validate_length"] = (int(pos_args[0]), int(pos_args[1]))
            elif tn == "alias":
                names: list[str] = []
                for a in pos_args:
                    if isinstance(a, list):
                        names.extend(to_string(x) for x in a)
                    else:
                        names.append(to_string(a))
                d["aliases"] = tuple(names)
            elif tn == "allownull":
                d["allow_null"] = True
            elif tn in ("allowemptystring", "allowemptycollection"):
                d["allow_empty_string"] = True
        if sets:
            d["parameter_sets"] = tuple(sets)
        return d

    def parameter_default(self, p: Any) -> Any:
        if isinstance(p, ScriptParameter):
            if p.default_ast is not None:
                v = self.eval(p.default_ast)
                if p.type_name:
                    try:
                        v = resolve_type(p.type_name).convert(v)
                    except PSRuntimeError:
                        pass
                return v
            if p.is_switch:
                return False
            if p.type_name:
                tn = p.type_name.lower()
                if tn in ("int", "long", "double", "decimal", "byte", "int32", "int64", "bool", "boolean", "string",
                          "system.string", "system.int32", "char"):
                    try:
                        return resolve_type(p.type_name).convert(None)
                    except PSRuntimeError:
                        return None
            return None
        if p.is_switch:
            return False if p.default is None else p.default
        return p.default

    def parameter_type_constraint(self, p: Any) -> Any:
        if isinstance(p, ScriptParameter) and p.type_name:
            try:
                return resolve_type(p.type_name)
            except PSRuntimeError:
                return None
        return None

    # --- assignment -------------------------------------------------------------------------------
    def exec_assignment_stmt(self, stmt: A.AssignmentStatementAst, out: Callable[[Any], None]) -> None:
        op = stmt.operator
        left = stmt.left
        if op == "=":
            value = self.statement_value(stmt.right)
            self.assign(left, value)
            return
        if op == "??=":
            current = self.eval(left)
            if current is None:
                self.assign(left, self.statement_value(stmt.right))
            return
        value = self.statement_value(stmt.right)
        current = self.eval(left)
        new = ops.binary_op(op[0], current, value)
        self.assign(left, new)

    def assign(self, left: A.ExpressionAst, value: Any) -> None:
        if isinstance(left, A.VariableExpressionAst):
            self.set_variable_value(left, value)
        elif isinstance(left, A.ConvertExpressionAst):
            t = self.resolve_type_name(left.type_name)
            target = left.child
            while isinstance(target, A.ConvertExpressionAst):
                target = target.child
            if isinstance(target, A.VariableExpressionAst):
                converted = t.convert(value)
                ss = self.ctx.session
                scope, bare = ss.split(target.name)
                var = ss.set_value(target.name, None if t.full_name != "System.Void" else None)
                if var is not None:
                    var.type_constraint = t if t.full_name != "System.Void" else None
                    var.value = converted
            else:
                self.assign(target, t.convert(value))
        elif isinstance(left, A.MemberExpressionAst):
            obj = self.eval(left.expression)
            name = self._member_name(left.member)
            if left.static:
                t = obj if isinstance(obj, PSType) else self.resolve_type_name(to_string(obj))
                if name.lower() not in getattr(t, "settable", ()):
                    raise _rt_error(f"'{name}' is a ReadOnly property.", "PropertyAssignmentException")
                t.statics[name.lower()] = value  # settable static fields ([Net.ServicePointManager]::SecurityProtocol)
                return
            set_member_value(obj, name, value)
        elif isinstance(left, A.IndexExpressionAst):
            obj = self.eval(left.target)
            idx = self.eval(left.index)
            set_index(obj, idx, value)
        elif isinstance(left, A.ArrayLiteralAst):
            items = list(iter_enumerable(value) or []) if is_enumerable(value) else [value]
            targets = left.elements
            for i, t in enumerate(targets):
                if i == len(targets) - 1:
                    rest = items[i:]
                    self.assign(t, _unwrap(rest) if len(rest) != 1 else rest[0])
                else:
                    self.assign(t, items[i] if i < len(items) else None)
        elif isinstance(left, A.ParenExpressionAst) and isinstance(left.pipeline, A.PipelineAst):
            els = left.pipeline.elements
            if len(els) == 1 and isinstance(els[0], A.CommandExpressionAst):
                self.assign(els[0].expression, value)
                return
            raise _rt_error("The assignment expression is not valid. The input to an assignment operator must be an "
                            "object that is able to accept assignments, such as a variable or a property.",
                            "InvalidLeftHandSide")
        else:
            raise _rt_error("The assignment expression is not valid. The input to an assignment operator must be an "
                            "object that is able to accept assignments, such as a variable or a property.",
                            "InvalidLeftHandSide")

    def set_variable_value(self, v: A.VariableExpressionAst, value: Any) -> None:
        if _is_generator(value):
            value = list(value)
        self.ctx.session.set_value(v.name, value)

    def get_variable_value(self, v: A.VariableExpressionAst) -> Any:
        return self.ctx.session.get_value(v.name)

    # --- control flow -----------------------------------------------------------------------------
    def exec_if(self, stmt: A.IfStatementAst, out: Callable[[Any], None]) -> None:
        for cond, body in stmt.clauses:
            if to_bool(self.statement_value(cond)):
                self.exec_named_block(body, out)
                return
        if stmt.else_clause is not None:
            self.exec_named_block(stmt.else_clause, out)

    def _loop_body(self, stmt: A.LabeledStatementAst, body: A.StatementBlockAst, out: Callable[[Any], None]) -> bool:
        """Run one iteration; False to break out of the loop."""
        try:
            self.exec_named_block(body, out)
        except BreakSignal as b:
            if b.label is None or (stmt.label and b.label == stmt.label.lower()):
                return False
            raise
        except ContinueSignal as c:
            if c.label is None or (stmt.label and c.label == stmt.label.lower()):
                return True
            raise
        return True

    def exec_foreach(self, stmt: A.ForEachStatementAst, out: Callable[[Any], None]) -> None:
        cond = stmt.condition
        if isinstance(cond, A.PipelineAst) and len(cond.elements) == 1 and isinstance(cond.elements[0], A.CommandExpressionAst):
            value = self.eval(cond.elements[0].expression)
            if value is None:
                return
            it = iter_enumerable(value)
            items: Any = it if it is not None else [value]
            if isinstance(value, list):
                items = list(value)
        else:
            items = self.collect(cond)
        for item in items:
            self._tick()
            self.set_variable_value(stmt.variable, item)
            if not self._loop_body(stmt, stmt.body, out):
                break

    def exec_for(self, stmt: A.ForStatementAst, out: Callable[[Any], None]) -> None:
        if stmt.initializer is not None:
            self.exec_statement(stmt.initializer, out)
        while True:
            self._tick()
            if stmt.condition is not None and not to_bool(self.statement_value(stmt.condition)):
                break
            if not self._loop_body(stmt, stmt.body, out):
                break
            if stmt.iterator is not None:
                self.exec_statement(stmt.iterator, lambda o: None)

    def exec_while(self, stmt: A.WhileStatementAst, out: Callable[[Any], None]) -> None:
        while True:
            self._tick()
            if not to_bool(self.statement_value(stmt.condition)):
                break
            if not self._loop_body(stmt, stmt.body, out):
                break

    def exec_do_while(self, stmt: A.DoWhileStatementAst, out: Callable[[Any], None]) -> None:
        while True:
            self._tick()
            if not self._loop_body(stmt, stmt.body, out):
                break
            if not to_bool(self.statement_value(stmt.condition)):
                break

    def exec_do_until(self, stmt: A.DoUntilStatementAst, out: Callable[[Any], None]) -> None:
        while True:
            self._tick()
            if not self._loop_body(stmt, stmt.body, out):
                break
            if to_bool(self.statement_value(stmt.condition)):
                break

    def exec_switch(self, stmt: A.SwitchStatementAst, out: Callable[[Any], None]) -> None:
        flags = {f.lower() for f in stmt.flags}
        cs = "casesensitive" in flags
        mode = "regex" if "regex" in flags else "wildcard" if "wildcard" in flags else "exact"
        if "file" in flags:
            path = to_string(self.eval(stmt.file_path)) if stmt.file_path is not None else ""
            try:
                with open(self.ctx.resolve_path(path), encoding="utf-8-sig") as f:
                    values: list[Any] = f.read().splitlines()
            except OSError:
                raise _rt_error(f"Cannot find path '{path}' because it does not exist.", "PathNotFound",
                                ErrorCategory.ObjectNotFound, path, "ItemNotFoundException") from None
        else:
            assert stmt.condition is not None
            v = self.statement_value(stmt.condition)
            if v is not None and is_enumerable(v):
                values = list(iter_enumerable(v) or [])
            else:
                values = [v]
        scope = self.ctx.session.current
        saved = scope.vars.get("_"), scope.vars.get("psitem")
        try:
            for value in values:
                self._tick()
                scope.vars["_"] = Variable("_", value)
                scope.vars["psitem"] = Variable("PSItem", value)
                matched = False
                try:
                    for cond, body in stmt.clauses:
                        if self._switch_match(cond, value, mode, cs):
                            matched = True
                            self.exec_named_block(body, out)
                    if not matched and stmt.default is not None:
                        self.exec_named_block(stmt.default, out)
                except ContinueSignal as c:
                    if c.label is None or (stmt.label and c.label == stmt.label.lower()):
                        continue
                    raise
                except BreakSignal as b:
                    if b.label is None or (stmt.label and b.label == stmt.label.lower()):
                        break
                    raise
        finally:
            _restore(scope, "_", saved[0])
            _restore(scope, "psitem", saved[1])

    def _switch_match(self, cond: A.ExpressionAst, value: Any, mode: str, cs: bool) -> bool:
        if isinstance(cond, A.ScriptBlockExpressionAst):
            sb = ScriptBlock(cond.script_block)
            res = self.call_script_block_simple(sb, value, [], True)
            return to_bool(_unwrap(res))
        pattern = self.eval(cond)
        if mode == "regex":
            m = ops.match(value, pattern, cs)
            if m is not None:
                self.ctx.session.set_value("Matches", m)
                return True
            return False
        if mode == "wildcard":
            return ops.like(value, pattern, cs)
        if isinstance(value, str) or isinstance(pattern, str):
            return ops.equals(to_string(value) if value is not None else value, pattern, cs) \
                if isinstance(pattern, str) else ops.equals(value, pattern, cs)
        return ops.equals(value, pattern, cs)

    def exec_try(self, stmt: A.TryStatementAst, out: Callable[[Any], None]) -> None:
        try:
            self.try_depth += 1
            try:
                self.exec_named_block(stmt.body, out)
            finally:
                self.try_depth -= 1
        except PSRuntimeError as e:
            rec = e.error_record
            clause = None
            for c in stmt.catch_clauses:
                if not c.catch_types or any(exception_is(rec, t.type_name) for t in c.catch_types):
                    clause = c
                    break
            if clause is None:
                if stmt.finally_clause is not None:
                    self._run_finally(stmt.finally_clause, out)
                raise
            self.record_error(rec)
            scope = self.ctx.session.current
            saved = scope.vars.get("_"), scope.vars.get("psitem")
            scope.vars["_"] = Variable("_", rec)
            scope.vars["psitem"] = Variable("PSItem", rec)
            self._catch_stack.append(e)
            try:
                self.exec_named_block(clause.body, out)
            finally:
                self._catch_stack.pop()
                _restore(scope, "_", saved[0])
                _restore(scope, "psitem", saved[1])
                if stmt.finally_clause is not None:
                    self._run_finally(stmt.finally_clause, out)
            return
        except BaseException:
            if stmt.finally_clause is not None:
                self._run_finally(stmt.finally_clause, out)
            raise
        if stmt.finally_clause is not None:
            self._run_finally(stmt.finally_clause, out)

    def _run_finally(self, block: A.StatementBlockAst, out: Callable[[Any], None]) -> None:
        stopping = self.ctx.is_stopping
        if stopping:
            self.ctx.reset_stop()
        try:
            self.exec_named_block(block, out)
        finally:
            if stopping:
                self.ctx.stop()

    def exec_throw(self, stmt: A.ThrowStatementAst, out: Callable[[Any], None]) -> None:
        if stmt.pipeline is None:
            if self._catch_stack:
                e = self._catch_stack[-1]
                e.script_terminating = True  # type: ignore[attr-defined]
                raise e
            rec = thrown_record(None)
        else:
            value = self.statement_value(stmt.pipeline)
            rec = thrown_record(value)
        if rec.invocation_info is None:
            self.attach_position(rec, stmt.extent)
        err = PSRuntimeError(rec)
        err.script_terminating = True  # type: ignore[attr-defined]
        raise err

    def exec_return(self, stmt: A.ReturnStatementAst, out: Callable[[Any], None]) -> None:
        if stmt.pipeline is not None:
            self.exec_statement(stmt.pipeline, out)
        raise ReturnSignal()

    def exec_exit(self, stmt: A.ExitStatementAst, out: Callable[[Any], None]) -> None:
        code = 0
        if stmt.pipeline is not None:
            v = self.statement_value(stmt.pipeline)
            try:
                code = int(resolve_type("int").convert(v))
            except PSRuntimeError:
                code = 0
        raise ExitSignal(code)

    def exec_break(self, stmt: A.BreakStatementAst, out: Callable[[Any], None]) -> None:
        raise BreakSignal(self._label(stmt.label))

    def exec_continue(self, stmt: A.ContinueStatementAst, out: Callable[[Any], None]) -> None:
        raise ContinueSignal(self._label(stmt.label))

    def _label(self, label: A.ExpressionAst | None) -> str | None:
        if label is None:
            return None
        if isinstance(label, A.StringConstantExpressionAst):
            return to_string(label.value)
        return to_string(self.eval(label))

    # ==========================================================================================
    # expressions
    def eval(self, expr: A.ExpressionAst) -> Any:
        fn = self._dispatch_expr.get(type(expr))
        if fn is None:
            raise _rt_error(f"Unsupported expression {type(expr).__name__}.", "NotSupported")
        return fn(expr)

    def _build_expr_dispatch(self) -> dict[type, Callable[[Any], Any]]:
        return {
            A.ConstantExpressionAst: lambda e: e.value,
            A.StringConstantExpressionAst: lambda e: e.value,
            A.ExpandableStringExpressionAst: self.eval_expandable,
            A.VariableExpressionAst: self.eval_variable,
            A.MemberExpressionAst: self.eval_member,
            A.InvokeMemberExpressionAst: self.eval_invoke_member,
            A.IndexExpressionAst: self.eval_index,
            A.ArrayLiteralAst: lambda e: [_materialize(self.eval(x)) for x in e.elements],
            A.ArrayExpressionAst: self.eval_array_expression,
            A.SubExpressionAst: self.eval_subexpression,
            A.ParenExpressionAst: self.eval_paren,
            A.HashtableAst: self.eval_hashtable,
            A.ScriptBlockExpressionAst: lambda e: ScriptBlock(e.script_block, file=e.extent.file),
            A.BinaryExpressionAst: self.eval_binary,
            A.UnaryExpressionAst: self.eval_unary,
            A.ConvertExpressionAst: self.eval_convert,
            A.TypeExpressionAst: lambda e: self.resolve_type_name(e.type_name),
            A.AttributedExpressionAst: lambda e: self.eval(e.child),
            A.UsingExpressionAst: lambda e: self.eval(e.sub_expression),
            A.TernaryExpressionAst: lambda e: self.eval(e.if_true) if to_bool(self.eval(e.condition)) else self.eval(e.if_false),
            A.ErrorExpressionAst: self._eval_error_expr,
        }

    def _eval_error_expr(self, e: A.ErrorExpressionAst) -> Any:
        raise _rt_error("The expression could not be parsed.", "ParseError", ErrorCategory.ParserError)

    def resolve_type_name(self, name: str) -> PSType:
        return resolve_type(name)

    def eval_expandable(self, e: A.ExpandableStringExpressionAst) -> str:
        parts: list[str] = []
        ofs = None
        for p in e.parts:
            if isinstance(p, str):
                parts.append(p)
            else:
                v = self.eval(p)
                if _is_generator(v):
                    v = list(v)
                if isinstance(v, (list, tuple)):
                    if ofs is None:
                        o = self.ctx.session.get_value("OFS")
                        ofs = " " if o is None else to_string(o)
                    parts.append(to_string(v, ofs))
                else:
                    parts.append(to_string(v))
        return "".join(parts)

    def eval_variable(self, e: A.VariableExpressionAst) -> Any:
        ss = self.ctx.session
        value = ss.get_value(e.name)
        if value is None and ss.strict_version() >= 1 and not ss.exists(e.name):
            name = e.unqualified_name
            raise _rt_error(f"The variable '${name}' cannot be retrieved because it has not been set.",
                            "VariableIsUndefined", ErrorCategory.InvalidOperation, name)
        return value

    def _member_name(self, member: A.ExpressionAst) -> str:
        if isinstance(member, A.StringConstantExpressionAst):
            return to_string(member.value)
        return to_string(self.eval(member))

    def eval_member(self, e: A.MemberExpressionAst) -> Any:
        name = self._member_name(e.member)
        if e.static:
            t = self.eval(e.expression)
            if not isinstance(t, PSType):
                t = self.resolve_type_name(to_string(t))
            return self._static_value(t, name)
        obj = self.eval(e.expression)
        if obj is None and e.null_conditional:
            return None
        if isinstance(obj, PSType):
            low = name.lower()
            if low == "name":
                return obj.name
            if low == "fullname":
                return obj.full_name
        value = get_member_value(obj, name)
        if value is None and self.ctx.session.strict_version() >= 2:
            from vboshell.runtime.members import has_member

            if not has_member(obj, name):
                err = _rt_error(f"The property '{name}' cannot be found on this object. Verify that the property exists.",
                                "PropertyNotFoundStrict", ErrorCategory.NotSpecified)
                self.attach_position(err.error_record, e.extent)
                raise err
        return value

    def _static_value(self, t: PSType, name: str) -> Any:
        try:
            v = t.get_static(name)
        except PSRuntimeError:
            raise _rt_error(f"Unable to find the static property '{name}' on type [{t.full_name}].",
                            "PropertyNotFound") from None
        if isinstance(v, property):
            return v.fget()  # type: ignore[misc]
        return v

    def eval_invoke_member(self, e: A.InvokeMemberExpressionAst) -> Any:
        name = self._member_name(e.member)
        try:
            args = [_materialize(self.eval(a)) for a in e.arguments]
            if e.static:
                t = self.eval(e.expression)
                if not isinstance(t, PSType):
                    t = self.resolve_type_name(to_string(t))
                if name.lower() == "new":
                    return construct(t, args)
                fn = t.get_static(name)
                if isinstance(fn, property):
                    fn = fn.fget()  # type: ignore[misc]
                if not callable(fn):
                    raise _rt_error(f"Method invocation failed because [{t.full_name}] does not contain a method named '{name}'.",
                                    "MethodNotFound")
                try:
                    return fn(*args)
                except PSRuntimeError:
                    raise
                except TypeError:
                    raise _rt_error(f'Cannot find an overload for "{name}" and the argument count: "{len(args)}".',
                                    "MethodCountCouldNotFindBest", ErrorCategory.NotSpecified,
                                    exception_type="MethodException") from None
                except (ValueError, ArithmeticError, OSError, OverflowError, IndexError, KeyError) as ex:
                    from vboshell.runtime.members import method_exception

                    raise method_exception(name, len(args), str(ex)) from None
            obj = self.eval(e.expression)
            if obj is None and e.null_conditional:
                return None
            if isinstance(obj, ScriptBlock) and name.lower() in ("invoke", "invokereturnasis"):
                res = self.call_script_block_simple(obj, None, args, False)
                return _unwrap(res) if name.lower() == "invokereturnasis" else (res if len(res) != 1 else res[0])
            if isinstance(obj, PSType) and name.lower() in ("getmethod", "isinstanceoftype"):
                return None
            return invoke_method(obj, name, args)
        except PSRuntimeError as ex:
            self.attach_position(ex.error_record, e.extent)
            raise

    def eval_index(self, e: A.IndexExpressionAst) -> Any:
        obj = self.eval(e.target)
        if obj is None and e.null_conditional:
            return None
        idx = self.eval(e.index)
        if _is_generator(idx):
            idx = list(idx)
        try:
            return get_index(obj, idx)
        except PSRuntimeError as ex:
            self.attach_position(ex.error_record, e.extent)
            raise

    def eval_array_expression(self, e: A.ArrayExpressionAst) -> list[Any]:
        out: list[Any] = []
        self.exec_named_block(e.sub_expression, out.append)
        return out

    def eval_subexpression(self, e: A.SubExpressionAst) -> Any:
        out: list[Any] = []
        self.exec_named_block(e.sub_expression, out.append)
        return _unwrap(out)

    def eval_paren(self, e: A.ParenExpressionAst) -> Any:
        p = e.pipeline
        if isinstance(p, A.AssignmentStatementAst):
            self.exec_assignment_stmt(p, lambda o: None)
            return self.eval(p.left) if not isinstance(p.left, A.ArrayLiteralAst) else None
        if isinstance(p, A.PipelineAst) and len(p.elements) == 1 and isinstance(p.elements[0], A.CommandExpressionAst) \
                and not p.elements[0].redirections:
            return _materialize(self.eval(p.elements[0].expression))
        out: list[Any] = []
        self.exec_statement(p, out.append)
        return _unwrap(out)

    def eval_hashtable(self, e: A.HashtableAst, ordered: bool = False) -> Hashtable:
        h: Hashtable = OrderedHashtable() if ordered else Hashtable()
        for k_ast, v_stmt in e.key_value_pairs:
            key = self.eval(k_ast)
            if key in h:
                raise _rt_error(f"Duplicate keys '{to_string(key)}' are not allowed in hash literals.",
                                "DuplicateKeyInHashLiteral", ErrorCategory.ParserError)
            h[key] = self.statement_value(v_stmt)
        return h

    def eval_binary(self, e: A.BinaryExpressionAst) -> Any:
        op = e.operator.lower()
        try:
            if op == "-and":
                return to_bool(self.eval(e.left)) and to_bool(self.eval(e.right))
            if op == "-or":
                return to_bool(self.eval(e.left)) or to_bool(self.eval(e.right))
            if op == "??":
                left = self.eval(e.left)
                return left if left is not None else self.eval(e.right)
            left = _materialize(self.eval(e.left))
            right = _materialize(self.eval(e.right))
            if op in ("-match", "-cmatch", "-imatch", "-notmatch", "-cnotmatch", "-inotmatch"):
                name, cs = ops.split_op(op)
                if left is not None and is_enumerable(left):
                    return ops.binary_op(op, left, right)
                m = ops.match(left, right, cs)
                if m is not None:
                    self.ctx.session.set_value("Matches", m)
                return (m is not None) if name == "match" else (m is None)
            return ops.binary_op(op, left, right)
        except PSRuntimeError as ex:
            self.attach_position(ex.error_record, e.extent)
            raise

    def eval_unary(self, e: A.UnaryExpressionAst) -> Any:
        op = e.operator
        if op in ("++", "--", "post++", "post--"):
            current = self.eval(e.child)
            delta = 1 if "++" in op else -1
            new = ops.binary_op("+", current if current is not None else 0, delta)
            self.assign(e.child, new)
            return current if op.startswith("post") else new
        value = _materialize(self.eval(e.child))
        try:
            return ops.unary_op(op, value)
        except PSRuntimeError as ex:
            self.attach_position(ex.error_record, e.extent)
            raise

    def eval_convert(self, e: A.ConvertExpressionAst) -> Any:
        tn = e.type_name.lower()
        child = e.child
        if tn == "ordered" and isinstance(child, A.HashtableAst):
            return self.eval_hashtable(child, ordered=True)
        if tn in ("pscustomobject", "system.management.automation.pscustomobject") and isinstance(child, A.HashtableAst):
            h = self.eval_hashtable(child, ordered=True)
            return PSObject([(to_string(k), v) for k, v in h.items()])
        if tn == "ref" and isinstance(child, A.VariableExpressionAst):
            var = child
            return Ref(self.eval(var), lambda v: self.set_variable_value(var, v))
        value = _materialize(self.eval(child))
        if tn in ("void", "system.void"):
            return None
        t = self.resolve_type_name(e.type_name)
        if t.full_name == "System.String" and isinstance(value, (list, tuple)):
            o = self.ctx.session.get_value("OFS")
            return to_string(value, " " if o is None else to_string(o))
        try:
            return t.convert(value)
        except PSRuntimeError as ex:
            self.attach_position(ex.error_record, e.extent)
            raise


# ==============================================================================================
# helpers

_IMPACTS = {"none": 0, "low": 1, "medium": 2, "high": 3}


def _restore(scope: Any, key: str, saved: Any) -> None:
    if saved is None:
        scope.vars.pop(key, None)
    else:
        scope.vars[key] = saved


def _unwrap(out: list[Any]) -> Any:
    if not out:
        return None
    if len(out) == 1:
        return out[0]
    return out


def _is_generator(v: Any) -> bool:
    return type(v) is GeneratorType


def _materialize(v: Any) -> Any:
    if type(v) is GeneratorType:
        return list(v)
    return v


def _discard(item: Any) -> None:
    return None


class _StreamText(str):
    """A warning/verbose/debug message merged into the output stream (prints with its prefix)."""

    def __new__(cls, shown: str, message: str) -> _StreamText:
        obj = super().__new__(cls, shown)
        obj.message = message  # type: ignore[attr-defined]
        return obj


def _streams_of(name: str) -> list[str]:
    n = (name or "Output").lower()
    if n in ("all", "*"):
        return ["output", "error", "warning", "verbose", "debug", "information"]
    return [{"1": "output", "2": "error", "3": "warning", "4": "verbose", "5": "debug", "6": "information"}.get(n, n)]


class FileRedirectWriter:
    """`> file` / `>> file`: objects are formatted as Out-Default would and written (UTF-16LE with BOM, as 5.1)."""

    def __init__(self, ev: Evaluator, path: str, append: bool) -> None:
        self.ev = ev
        self.path = ev.ctx.resolve_path(path)
        self.append = append
        self.items: list[Any] = []
        self.closed = False
        self.opened = False

    def write(self, obj: Any) -> None:
        self.items.append(obj)

    def write_stream(self, stream: str) -> Callable[[Any], None]:
        def w(item: Any) -> None:
            if isinstance(item, ErrorRecord):
                self.items.append(_StreamText(self.ev.format_error(item), ""))
            elif stream in ("warning", "verbose", "debug"):
                self.items.append(_StreamText(f"{stream.upper()}: {to_string(item)}", to_string(item)))
            else:
                self.items.append(item)

        return w

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        text = render_default(self.items, None)
        mode = "a" if self.append else "w"
        encoding = "utf-16"
        if self.append and self.path.exists() and self.path.stat().st_size > 0:
            encoding = _detect_encoding(str(self.path))
        try:
            with open(self.path, mode, encoding=encoding, newline="") as f:
                f.write(text.replace("\r\n", "\n").replace("\n", "\r\n") if os.name == "nt" else text)
        except OSError as e:
            raise _rt_error(f"Could not find a part of the path '{self.path}'." if isinstance(e, FileNotFoundError)
                            else str(e), "FileOpenFailure", ErrorCategory.OpenError, str(self.path),
                            "DirectoryNotFoundException") from None


def _detect_encoding(path: str) -> str:
    with open(path, "rb") as f:
        head = f.read(4)
    if head.startswith(b"\xff\xfe") or head.startswith(b"\xfe\xff"):
        return "utf-16"
    return "utf-8"


def construct(t: PSType, args: list[Any]) -> Any:
    """`[T]::new(args)` and New-Object for the runtime's known types."""
    from vboshell.runtime.values import ArrayList, DateTime, GenericList, TimeSpan

    full = t.full_name
    if full == "System.Collections.ArrayList":
        if args and args[0] is not None and is_enumerable(args[0]):
            return ArrayList(iter_enumerable(args[0]) or [])
        return ArrayList()
    if full.startswith("System.Collections.Generic.List"):
        items = args[0] if args and isinstance(args[0], (list, tuple)) else []
        return t.convert(items)
    if full == "System.Collections.Hashtable" or full.startswith("System.Collections.Generic.Dictionary"):
        return Hashtable()
    if full == "System.Collections.Specialized.OrderedDictionary":
        return OrderedHashtable()
    if full in ("System.Management.Automation.PSObject", "System.Object",
                "System.Management.Automation.PSCustomObject"):
        return PSObject()
    if full == "System.DateTime":
        nums = [int(resolve_type("int").convert(a)) for a in args]
        if not nums:
            return DateTime(1, 1, 1)
        try:
            return DateTime(*nums[:6], microsecond=nums[6] * 1000 if len(nums) > 6 else 0)
        except (ValueError, TypeError) as ex:
            raise _rt_error(f'Exception calling ".ctor" with "{len(args)}" argument(s): "{ex}"',
                            "MethodInvocationException", ErrorCategory.NotSpecified,
                            exception_type="MethodInvocationException") from None
    if full == "System.TimeSpan":
        nums = [int(resolve_type("long").convert(a)) for a in args]
        if len(nums) == 1:
            return TimeSpan(microseconds=nums[0] // 10)
        if len(nums) == 3:
            return TimeSpan(hours=nums[0], minutes=nums[1], seconds=nums[2])
        if len(nums) == 4:
            return TimeSpan(days=nums[0], hours=nums[1], minutes=nums[2], seconds=nums[3])
        if len(nums) == 5:
            return TimeSpan(days=nums[0], hours=nums[1], minutes=nums[2], seconds=nums[3], milliseconds=nums[4])
        return TimeSpan(0)
    if full == "System.Guid":
        return t.convert(args[0]) if args else __import__("uuid").UUID(int=0)
    if full == "System.Text.StringBuilder":
        from vboshell.runtime.types import StringBuilder

        return StringBuilder(to_string(args[0]) if args else "")
    if full == "System.Management.Automation.PSCredential":
        from vboshell.runtime.securestring import PSCredential

        return PSCredential(to_string(args[0]), args[1] if len(args) > 1 else None)
    if full == "System.Text.RegularExpressions.Regex":
        from vboshell.runtime.types import Regex

        return Regex(to_string(args[0]), args[1] if len(args) > 1 else None)
    if full == "System.Uri":
        return t.convert(args[0])
    if full == "System.Security.SecureString":
        from vboshell.runtime.securestring import SecureString

        return SecureString("")
    if args and len(args) == 1:
        return t.convert(args[0])
    if GenericList and full.endswith("[]"):
        return []
    raise _rt_error(f"Cannot create an instance of [{full}]: no constructor is available in vboshell.",
                    "ConstructorNotFound", ErrorCategory.InvalidOperation)


def cli_arguments(args: list[Any]) -> list[Argument]:
    """Turn CLI words (`-Name value -Switch pos`) into binder Arguments, PowerShell-style (`-Name:value` too)."""
    out: list[Argument] = []
    for a in args:
        if isinstance(a, str) and len(a) > 1 and a[0] == "-" and (a[1].isalpha() or a[1] == "_"):
            name, sep, value = a[1:].partition(":")
            if sep:
                out.append(Argument(_cli_value(value), name, True, None, spelled=a))
            else:
                out.append(Argument(None, name, False, None, spelled=a))
        else:
            out.append(Argument(_cli_value(a) if isinstance(a, str) else a, None, False, None))
    return out


def _cli_value(text: str) -> Any:
    """-File arguments are strings (the binder converts them), except the literals $true/$false/$null."""
    low = text.lower()
    if low == "$true":
        return True
    if low == "$false":
        return False
    if low == "$null":
        return None
    return text
