"""Pipeline processors (cmdlet classes, script functions, script blocks, expressions) and the CommandRuntime that
cmdlets write through. Objects are pushed downstream one at a time, so an upstream loop stops when a downstream
command raises StopUpstream (see context.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vboshell.commands.base import ALL_PARAMETER_SETS, Cmdlet
from vboshell.commands.binder import Argument, Binder, CommandMetadata, metadata_for_cmdlet
from vboshell.runtime.conversions import to_string
from vboshell.runtime.errors import ErrorCategory, ErrorRecord, PSRuntimeError
from vboshell.runtime.flow import ExitSignal, PipelineStopped, ReturnSignal, StopUpstream
from vboshell.runtime.values import Hashtable, ScriptBlock, iter_enumerable

NO_INPUT = object()  # the first command of a pipeline is "processed" once with this
_IMPACT = {"none": 0, "low": 1, "medium": 2, "high": 3}


class FunctionInfo:
    """A script function (or filter), or a script file run as a command."""

    def __init__(self, name: str, script_block: ScriptBlock, is_filter: bool = False, help_comment: str | None = None,
                 kind: str = "Function", path: str | None = None) -> None:
        self.name = name
        self.script_block = script_block
        self.is_filter = is_filter
        self.help_comment = help_comment
        self.kind = kind  # 'Function' | 'Filter' | 'ExternalScript'
        self.path = path
        self._meta: CommandMetadata | None = None

    @property
    def CommandType(self) -> str:  # noqa: N802
        return self.kind

    @property
    def Definition(self) -> str:  # noqa: N802
        return self.script_block.text

    def ps_properties(self) -> list[tuple[str, Any]]:
        return [("CommandType", self.kind), ("Name", self.name), ("Version", ""), ("Source", self.path or ""),
                ("Definition", self.script_block.text)]

    def __ps_str__(self) -> str:
        return self.name


class StopPipeline(Exception):
    pass


class Processor:
    """One pipeline element. `downstream(obj)` receives each output object."""

    position = 1
    command_name = ""

    def __init__(self, ev: Any, extent: Any, redirections: list[Any]) -> None:
        self.ev = ev
        self.extent = extent
        self.redirections = redirections
        self.downstream: Callable[[Any], None] = lambda o: None
        self.pipeline: Any = None
        self.stream_overrides: dict[str, Callable[[Any], None]] = {}
        self.expects_input = False

    def begin(self) -> None:
        pass

    def process(self, item: Any) -> None:
        pass

    def end(self) -> None:
        pass

    def emit(self, obj: Any) -> None:
        self.ev.ctx.check_stop()
        self.downstream(obj)

    def emit_enumerated(self, value: Any) -> None:
        it = iter_enumerable(value)
        if it is None:
            self.emit(value)
        else:
            for x in it:
                self.emit(x)


class ExpressionProcessor(Processor):
    def __init__(self, ev: Any, expr: Any, extent: Any, redirections: list[Any]) -> None:
        super().__init__(ev, extent, redirections)
        self.expr = expr
        self.command_name = ""

    def process(self, item: Any) -> None:
        if item is not NO_INPUT:
            return
        ev = self.ev
        value = ev.eval(self.expr)
        if ev.is_void_expression(self.expr, value):
            return
        self.emit_enumerated(value)


class CommandRuntime:
    """What `Cmdlet._runtime` points to: output, error and other streams, ShouldProcess, script blocks, stopping."""

    def __init__(self, proc: CmdletProcessor) -> None:
        self.proc = proc
        self.ev = proc.ev

    @property
    def context(self) -> Any:
        return self.ev.ctx

    def write_object(self, obj: Any, enumerate_collection: bool = False) -> None:
        if enumerate_collection:
            self.proc.emit_enumerated(obj)
        else:
            self.proc.emit(obj)

    def write_error(self, record: ErrorRecord) -> None:
        p = self.proc
        if record.activity is None:
            record.activity = p.cmdlet_name
        if record.fully_qualified_command is None and p.meta is not None and p.cmdlet_name != "Write-Error":
            record.fully_qualified_command = p.meta.fully_qualified_command
        if p.cmdlet_name == "Write-Error" and record.invocation_info is None:
            # PowerShell reports Write-Error at the invocation of the enclosing function/script
            self.ev.attach_caller_position(record, p.extent)
        self.ev.write_nonterminating_error(record, p.error_action(), p.extent, p.invocation_name,
                                           p.error_variable(), p)

    def write_warning(self, message: str) -> None:
        self.ev.write_warning(message, self.proc.warning_action(), self.proc)

    def write_verbose(self, message: str) -> None:
        self.ev.write_verbose(message, self.proc.verbose_on(), self.proc)

    def write_debug(self, message: str) -> None:
        self.ev.write_debug(message, self.proc.debug_on(), self.proc)

    def write_host(self, text: str, foreground: str | None = None, no_newline: bool = False,
                   background: str | None = None) -> None:
        self.ev.write_host(text, foreground, no_newline, background, self.proc)

    def write_information(self, message: Any, tags: Any = None) -> None:
        self.ev.write_information(message, self.proc)

    def write_progress(self, activity: str, status: str = "", percent_complete: int = -1,
                       seconds_remaining: int = -1, completed: bool = False, activity_id: int = 0) -> None:
        if to_string(self.ev.ctx.preference("ProgressPreference")).lower() == "silentlycontinue":
            return
        self.ev.flush_output()  # what the script printed so far shows before a long-running command's progress
        self.ev.ctx.host.write_progress(activity, status, percent_complete, completed)

    def should_process(self, target: str, action: str | None = None) -> bool:
        return self.ev.should_process(self.proc, target, action or self.proc.cmdlet_name)

    def invoke_script_block(self, script_block: Any, input_object: Any = None, args: Any = (),
                            use_dollar_under: bool = True) -> list[Any]:
        return self.ev.call_script_block_simple(script_block, input_object, list(args), use_dollar_under)

    def stop_upstream(self) -> None:
        """Stop every command upstream of this one (Select-Object -First). Never returns."""
        raise StopUpstream(self.proc.pipeline, self.proc)

    @property
    def stopping(self) -> bool:
        return self.ev.ctx.is_stopping


class CommandProcessorBase(Processor):
    """Shared by cmdlet and script-function processors: binding, common parameters, streams."""

    def __init__(self, ev: Any, meta: CommandMetadata, args: list[Argument], invocation_name: str, extent: Any,
                 redirections: list[Any]) -> None:
        super().__init__(ev, extent, redirections)
        self.meta = meta
        self.args = args
        self.invocation_name = invocation_name
        self.cmdlet_name = meta.name
        self.command_name = invocation_name
        self.binder: Binder | None = None
        self._out_var: list[Any] | None = None
        self._err_var: list[Any] | None = None
        self._warn_var: list[Any] | None = None

    def make_binder(self) -> Binder:
        self.binder = Binder(self.meta, self.ev.ctx, invocation_name=self.invocation_name,
                             expects_input=self.expects_input, pipeline_position=self.position,
                             command_extent=self.extent, script_block_runner=self.ev.run_validation_block)
        self.binder.bind_command_line(self.args)
        self._apply_default_parameter_values()
        self.binder.check_mandatory(self.ev.ctx.interactive, self.ev.ctx.host)
        common = self.binder.common
        if common.out_variable:
            name = common.out_variable
            if name.startswith("+"):
                name = name[1:]
                existing = self.ev.ctx.get_variable(name)
                self._out_var = list(existing) if isinstance(existing, list) else ([] if existing is None else [existing])
            else:
                self._out_var = []
            self._out_var_name = name
        if common.error_variable:
            from vboshell.runtime.values import ArrayList

            name = common.error_variable
            if name.startswith("+"):
                name = name[1:]
                existing = self.ev.ctx.get_variable(name)
                self._err_var = ArrayList(existing) if isinstance(existing, list) else ArrayList()
            else:
                self._err_var = ArrayList()
            self._err_var_name = name
            self.ev.ctx.set_variable(name, self._err_var)  # one list, filled in place
        if common.warning_variable:
            from vboshell.runtime.values import ArrayList

            name = common.warning_variable
            if name.startswith("+"):
                name = name[1:]
                existing = self.ev.ctx.get_variable(name)
                self._warn_var = ArrayList(existing) if isinstance(existing, list) else ArrayList()
            else:
                self._warn_var = ArrayList()
            self.ev.ctx.set_variable(name, self._warn_var)
        return self.binder

    def _apply_default_parameter_values(self) -> None:
        """$PSDefaultParameterValues['Command:Parameter'] = value (wildcards allowed) for unbound parameters."""
        table = self.ev.ctx.session.get_value("PSDefaultParameterValues")
        if not isinstance(table, dict) or not table or self.binder is None:
            return
        from vboshell.runtime.operators import like

        b = self.binder
        if any(str(k).lower() == "disabled" and v for k, v in table.items()):
            return
        for key, value in table.items():
            cmd, sep, pname = str(key).partition(":")
            if not sep or not like(self.meta.name, cmd.strip()):
                continue
            for p in b.meta.all_parameters:
                if not like(p.name, pname.strip()):
                    continue
                if p.name in b.bound or getattr(b, "_common_seen", set()).__contains__(p.name.lower()):
                    continue
                if isinstance(value, ScriptBlock):
                    out = self.ev.call_script_block_simple(value, None, [], False)
                    value = out[0] if len(out) == 1 else out
                b._bind_named(p, value, None)
        b._cmdline_bound = dict(b.bound)

    def emit(self, obj: Any) -> None:
        if self._out_var is not None:
            self._out_var.append(obj)
        super().emit(obj)

    def error_action(self) -> str:
        c = self.binder.common if self.binder else None
        if c and c.error_action:
            return c.error_action
        return to_string(self.ev.ctx.preference("ErrorActionPreference"))

    def warning_action(self) -> str:
        c = self.binder.common if self.binder else None
        if c and c.warning_action:
            return c.warning_action
        return to_string(self.ev.ctx.preference("WarningPreference"))

    def verbose_on(self) -> bool:
        c = self.binder.common if self.binder else None
        if c and c.verbose is not None:
            return c.verbose
        return to_string(self.ev.ctx.preference("VerbosePreference")).lower() not in ("silentlycontinue", "ignore")

    def debug_on(self) -> bool:
        c = self.binder.common if self.binder else None
        if c and c.debug is not None:
            return c.debug
        return to_string(self.ev.ctx.preference("DebugPreference")).lower() not in ("silentlycontinue", "ignore")

    def error_variable(self) -> list[Any] | None:
        return self._err_var

    def record_error_variable(self, record: ErrorRecord) -> None:
        if self._err_var is not None and record not in self._err_var:
            self._err_var.append(record)

    def finish_variables(self) -> None:
        if self._out_var is not None:
            from vboshell.runtime.values import ArrayList

            self.ev.ctx.set_variable(self._out_var_name, ArrayList(self._out_var))

    def whatif(self) -> bool:
        c = self.binder.common if self.binder else None
        if c and c.whatif is not None:
            return c.whatif
        from vboshell.runtime.conversions import to_bool

        return to_bool(self.ev.ctx.preference("WhatIfPreference"))

    def confirm_flag(self) -> bool | None:
        c = self.binder.common if self.binder else None
        return c.confirm if c else None


class CmdletProcessor(CommandProcessorBase):
    def __init__(self, ev: Any, cls: type[Cmdlet], args: list[Argument], invocation_name: str, extent: Any,
                 redirections: list[Any]) -> None:
        super().__init__(ev, metadata_for_cmdlet(cls), args, invocation_name, extent, redirections)
        self.cls = cls
        self.cmdlet: Cmdlet | None = None

    def _wrap(self, fn: Callable[[], None]) -> None:
        try:
            fn()
        except PSRuntimeError as e:
            rec = e.error_record
            if rec.invocation_info is None and not rec.extra.get("parse_error"):
                # raised by the cmdlet itself (not by script code it ran): it is the cmdlet's error
                if rec.activity is None:
                    rec.activity = self.cmdlet_name
                if rec.fully_qualified_command is None:
                    rec.fully_qualified_command = self.meta.fully_qualified_command
            self.ev.attach_position(rec, self.extent, self.invocation_name)
            raise
        except (StopUpstream, PipelineStopped):
            raise
        except BaseException as e:  # noqa: BLE001 - cmdlet bugs become ErrorRecords
            if isinstance(e, (KeyboardInterrupt, SystemExit)) or type(e).__module__ == "vboshell.runtime.flow":
                raise
            if isinstance(e, EOFError):
                rec = ErrorRecord(message="PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.",
                                  error_id="System.Management.Automation.PSInvalidOperationException",
                                  category=ErrorCategory.InvalidOperation, exception_type="PSInvalidOperationException",
                                  activity=self.cmdlet_name)
                rec.fully_qualified_command = self.meta.fully_qualified_command
                self.ev.attach_position(rec, self.extent, self.invocation_name)
                raise PSRuntimeError(rec) from None
            from vboshell.runtime.display import internal_error_record

            rec = internal_error_record(e, f"cmdlet {self.cmdlet_name}")
            rec.activity = self.cmdlet_name
            self.ev.attach_position(rec, self.extent, self.invocation_name)
            raise PSRuntimeError(rec) from None

    def begin(self) -> None:
        def run() -> None:
            binder = self.make_binder()
            c = self.cls()
            c.context = self.ev.ctx
            c._runtime = CommandRuntime(self)
            c.invocation_name = self.invocation_name
            c.bound = dict(binder.bound)
            c.common = binder.common
            c.parameter_set_name = binder.parameter_set_name
            self.cmdlet = c
            for p in self.meta.parameters:
                if p.obsolete_warning and p.name in binder.bound:
                    self.ev.write_warning(p.obsolete_warning, self.warning_action(), self)
            c.begin_processing()

        self._wrap(run)

    def process(self, item: Any) -> None:
        c = self.cmdlet
        assert c is not None and self.binder is not None
        if item is NO_INPUT:
            self._wrap(c.process_record)
            return

        def run() -> None:
            b = self.binder
            assert b is not None
            if b.bind_pipeline(item):
                missing = b.missing_after_pipeline()
                c.bound = dict(b.bound)
                c.parameter_set_name = b.parameter_set_name
                if missing:
                    self._input_not_bound(item)
                    return
                c.process_record()
            elif b.takes_pipeline_input() or b.delay_bind:
                self._input_not_bound(item)
            else:
                c.bound = dict(b.bound)
                if not self._has_input_parameter():
                    self._input_not_bound(item)
                    return
                c.process_record()

        self._wrap(run)

    def _has_input_parameter(self) -> bool:
        return any(p.value_from_pipeline or p.value_from_pipeline_by_property_name for p in self.meta.parameters)

    def _input_not_bound(self, item: Any) -> None:
        rec = ErrorRecord(
            message="The input object cannot be bound to any parameters for the command either because the command does "
                    "not take pipeline input or the input and its properties do not match any of the parameters that "
                    "take pipeline input.",
            error_id="InputObjectNotBound", category=ErrorCategory.InvalidArgument, target_object=item,
            exception_type="ParameterBindingException", activity=self.cmdlet_name,
            fully_qualified_command=self.meta.fully_qualified_command)
        self.ev.write_nonterminating_error(rec, self.error_action(), self.extent, self.invocation_name,
                                           self.error_variable(), self)

    def end(self) -> None:
        c = self.cmdlet
        assert c is not None
        try:
            self._wrap(c.end_processing)
        finally:
            self.finish_variables()


class PSCmdletObject:
    """`$PSCmdlet` inside an advanced function."""

    def __init__(self, proc: FunctionProcessor) -> None:
        self._proc = proc

    @property
    def ParameterSetName(self) -> str:  # noqa: N802
        b = self._proc.binder
        name = b.parameter_set_name if b else ALL_PARAMETER_SETS
        return name

    @property
    def MyInvocation(self) -> Any:  # noqa: N802
        return self._proc.my_invocation()

    @property
    def SessionState(self) -> Any:  # noqa: N802
        return self._proc.ev.ctx

    def ps_properties(self) -> list[tuple[str, Any]]:
        return [("ParameterSetName", self.ParameterSetName), ("MyInvocation", self.MyInvocation)]

    def ShouldProcess(self, *args: Any) -> bool:  # noqa: N802
        target = to_string(args[0]) if args else ""
        action = to_string(args[1]) if len(args) > 1 else self._proc.cmdlet_name
        return self._proc.ev.should_process(self._proc, target, action)

    def ShouldContinue(self, query: Any, caption: Any, *a: Any) -> bool:  # noqa: N802
        ev = self._proc.ev
        if not ev.ctx.interactive:
            return True
        try:
            idx = ev.ctx.host.prompt_for_choice(to_string(caption), to_string(query),
                                                [("&Yes", ""), ("&No", "")], 0)
        except EOFError:
            return False
        return idx == 0

    def ThrowTerminatingError(self, record: Any) -> None:  # noqa: N802
        if isinstance(record, ErrorRecord):
            rec = record
        else:
            rec = ErrorRecord(message=to_string(record), error_id=to_string(record))
        if rec.activity is None:
            rec.activity = self._proc.cmdlet_name
        self._proc.ev.attach_position(rec, self._proc.extent, self._proc.invocation_name)
        e = PSRuntimeError(rec)
        e.script_terminating = False  # type: ignore[attr-defined]
        raise e

    def WriteObject(self, obj: Any, enumerate_collection: bool = False) -> None:  # noqa: N802
        if enumerate_collection:
            self._proc.emit_enumerated(obj)
        else:
            self._proc.emit(obj)

    def WriteError(self, record: Any) -> None:  # noqa: N802
        p = self._proc
        p.ev.write_nonterminating_error(record, p.error_action(), p.extent, p.invocation_name, p.error_variable(), p)

    def WriteVerbose(self, text: Any) -> None:  # noqa: N802
        self._proc.ev.write_verbose(to_string(text), self._proc.verbose_on(), self._proc)

    def WriteWarning(self, text: Any) -> None:  # noqa: N802
        self._proc.ev.write_warning(to_string(text), self._proc.warning_action(), self._proc)

    def WriteDebug(self, text: Any) -> None:  # noqa: N802
        self._proc.ev.write_debug(to_string(text), self._proc.debug_on(), self._proc)


class InvocationObject:
    """`$MyInvocation`."""

    def __init__(self, name: str, command: Any, extent: Any, bound: Any, unbound: list[Any], script_name: str | None,
                 position: int = 1, length: int = 1) -> None:
        self.MyCommand = command
        self.InvocationName = name
        self.BoundParameters = bound
        self.UnboundArguments = unbound
        self.ScriptName = script_name or ""
        self.Line = extent.line_text() if extent is not None else ""
        self.ScriptLineNumber = extent.start_line if extent is not None else 0
        self.OffsetInLine = extent.start_column if extent is not None else 0
        self.PipelinePosition = position
        self.PipelineLength = length
        import os

        self.PSScriptRoot = os.path.dirname(script_name) if script_name else ""
        self.PSCommandPath = script_name or ""

    def ps_properties(self) -> list[tuple[str, Any]]:
        return [(k, getattr(self, k)) for k in ("MyCommand", "BoundParameters", "UnboundArguments", "ScriptLineNumber",
                                                "OffsetInLine", "ScriptName", "Line", "PSScriptRoot", "PSCommandPath",
                                                "InvocationName", "PipelineLength", "PipelinePosition")]


class FunctionProcessor(CommandProcessorBase):
    """Runs a script function/filter/script file/script block as a pipeline command."""

    def __init__(self, ev: Any, info: FunctionInfo, args: list[Argument], invocation_name: str, extent: Any,
                 redirections: list[Any], dot_source: bool = False) -> None:
        meta = ev.function_metadata(info)
        super().__init__(ev, meta, args, invocation_name, extent, redirections)
        self.info = info
        self.sb = info.script_block
        self.dot_source = dot_source
        self.scope: Any = None
        self.input_items: list[Any] = []
        self.param_names: list[str] = [p.name for p in meta.parameters]
        self.pscmdlet: PSCmdletObject | None = None
        self.top_level = False  # the script of `vboshell -File` (its `exit` ends the process)
        self.exited = False

    def my_invocation(self) -> InvocationObject:
        cmd = self.info
        bound = self._bound_table()
        return InvocationObject(self.invocation_name, cmd, self.extent, bound,
                                list(self.binder.remaining if self.binder else []),
                                getattr(self.extent, "file", None) if self.extent is not None else None,
                                self.position, getattr(self.pipeline, "length", 1))

    def _bound_table(self) -> Hashtable:
        h = Hashtable()
        if self.binder is None:
            return h
        for k, v in self.binder.bound.items():
            h[k] = v
        c = self.binder.common
        for attr, name in (("verbose", "Verbose"), ("debug", "Debug"), ("whatif", "WhatIf"), ("confirm", "Confirm")):
            val = getattr(c, attr)
            if val is not None:
                h[name] = val
        for attr, name in (("error_action", "ErrorAction"), ("warning_action", "WarningAction"),
                           ("information_action", "InformationAction"), ("error_variable", "ErrorVariable"),
                           ("warning_variable", "WarningVariable"), ("out_variable", "OutVariable")):
            val = getattr(c, attr)
            if val is not None:
                h[name] = val
        return h

    def _enter(self) -> Any:
        ss = self.ev.ctx.session
        prev = ss.current
        if self.scope is not None:
            ss.current = self.scope
        self.ev.invocation_stack.append(self)
        return prev

    def _leave(self, prev: Any) -> None:
        self.ev.ctx.session.current = prev
        if self.ev.invocation_stack and self.ev.invocation_stack[-1] is self:
            self.ev.invocation_stack.pop()

    def begin(self) -> None:
        ev = self.ev
        ss = ev.ctx.session
        binder_error: PSRuntimeError | None = None
        try:
            self.make_binder()
        except PSRuntimeError as e:
            binder_error = e
        if binder_error is not None:
            ev.attach_position(binder_error.error_record, self.extent, self.invocation_name)
            raise binder_error
        if self.dot_source:
            self.scope = ss.current
        else:
            kind = "script" if self.info.kind == "ExternalScript" else "function"
            parent = ss.current
            from vboshell.runtime.scopes import Scope

            self.scope = Scope(parent, kind)
        prev = self._enter()
        try:
            ev.call_depth_enter()
            self._set_parameters(initial=True)
            self._run_block(self.sb.ast.begin_block)
        finally:
            ev.call_depth_leave()
            self._leave(prev)

    def _set_parameters(self, initial: bool) -> None:
        ev = self.ev
        ss = ev.ctx.session
        b = self.binder
        assert b is not None
        scope = ss.current
        from vboshell.runtime.scopes import Variable

        if initial:
            meta = self.meta
            for p in meta.parameters:
                low = p.name.lower()
                if p.name in b.bound:
                    value = b.bound[p.name]
                else:
                    value = ev.parameter_default(p)
                tc = ev.parameter_type_constraint(p)
                scope.vars[low] = Variable(p.name, value, tc)
            scope.vars["psboundparameters"] = Variable("PSBoundParameters", self._bound_table())
            scope.vars["args"] = Variable("args", list(b.remaining))
            scope.vars["myinvocation"] = Variable("MyInvocation", self.my_invocation())
            if self.info.kind == "ExternalScript" and self.info.path:
                import os

                scope.vars["psscriptroot"] = Variable("PSScriptRoot", os.path.dirname(self.info.path))
                scope.vars["pscommandpath"] = Variable("PSCommandPath", self.info.path)
            if meta.cmdlet_binding:
                self.pscmdlet = PSCmdletObject(self)
                scope.vars["pscmdlet"] = Variable("PSCmdlet", self.pscmdlet)
                c = b.common
                if c.verbose is not None:
                    scope.vars["verbosepreference"] = Variable("VerbosePreference", "Continue" if c.verbose else "SilentlyContinue")
                if c.debug is not None:
                    scope.vars["debugpreference"] = Variable("DebugPreference", "Continue" if c.debug else "SilentlyContinue")
                if c.error_action:
                    scope.vars["erroractionpreference"] = Variable("ErrorActionPreference", c.error_action)
                if c.warning_action:
                    scope.vars["warningpreference"] = Variable("WarningPreference", c.warning_action)
                if c.whatif is not None:
                    scope.vars["whatifpreference"] = Variable("WhatIfPreference", c.whatif)
                if c.confirm is not None:
                    scope.vars["confirmpreference"] = Variable("ConfirmPreference", "Low" if c.confirm else "None")
        else:
            for name in b.bound:
                low = name.lower()
                var = scope.vars.get(low)
                if var is None:
                    scope.vars[low] = Variable(name, b.bound[name])
                else:
                    var.value = b.bound[name]
            bt = scope.vars.get("psboundparameters")
            if bt is not None:
                bt.value = self._bound_table()

    def _run_block(self, block: Any, dollar_under: Any = NO_INPUT) -> None:
        if block is None:
            return
        ev = self.ev
        from vboshell.runtime.scopes import Variable

        scope = ev.ctx.session.current
        if dollar_under is not NO_INPUT:
            scope.vars["_"] = Variable("_", dollar_under)
            scope.vars["psitem"] = Variable("PSItem", dollar_under)
        if self.exited:
            return
        try:
            ev.exec_named_block(block, self.emit)
        except ReturnSignal:
            pass
        except ExitSignal as e:
            # `exit` in a script run with & or . ends that script only and sets $LASTEXITCODE
            if self.info.kind != "ExternalScript" or self.top_level:
                raise
            self.exited = True
            ev.ctx.last_exit_code = e.code
            ev.ctx.set_variable("global:LASTEXITCODE", e.code)

    def process(self, item: Any) -> None:
        ev = self.ev
        prev = self._enter()
        try:
            ev.call_depth_enter()
            if item is not NO_INPUT:
                b = self.binder
                assert b is not None
                try:
                    bound = b.bind_pipeline(item)
                except PSRuntimeError as e:
                    ev.attach_position(e.error_record, self.extent, self.invocation_name)
                    raise
                if not bound and b.takes_pipeline_input() and self.meta.cmdlet_binding:
                    rec = ErrorRecord(
                        message="The input object cannot be bound to any parameters for the command either because the "
                                "command does not take pipeline input or the input and its properties do not match any of "
                                "the parameters that take pipeline input.",
                        error_id="InputObjectNotBound", category=ErrorCategory.InvalidArgument, target_object=item,
                        exception_type="ParameterBindingException", activity=self.cmdlet_name,
                        fully_qualified_command=self.cmdlet_name)
                    ev.write_nonterminating_error(rec, self.error_action(), self.extent, self.invocation_name,
                                                  self.error_variable(), self)
                    return
                if bound:
                    self._set_parameters(initial=False)
                block = self.sb.ast.process_block
                if block is None:  # only an end block: it reads everything from $input
                    self.input_items.append(item)
                else:
                    from vboshell.runtime.scopes import Variable

                    ev.ctx.session.current.vars["input"] = Variable("input", [item])
                    self._run_block(block, item)
            else:
                block = self.sb.ast.process_block
                if block is not None:
                    self._run_block(block, None)
        finally:
            ev.call_depth_leave()
            self._leave(prev)

    def end(self) -> None:
        ev = self.ev
        prev = self._enter()
        try:
            ev.call_depth_enter()
            from vboshell.runtime.scopes import Variable

            scope = ev.ctx.session.current
            scope.vars["input"] = Variable("input", list(self.input_items))
            block = self.sb.ast.end_block
            if block is not None:
                if self.input_items and self.sb.ast.process_block is None:
                    # $_ in an end-only function is the last input, as in PowerShell
                    pass
                self._run_block(block)
        finally:
            ev.call_depth_leave()
            self._leave(prev)
            self.finish_variables()


class Pipeline:
    """A running pipeline: processors wired left to right; the last writes to `sink`."""

    def __init__(self, ev: Any, processors: list[Processor], sink: Callable[[Any], None]) -> None:
        self.ev = ev
        self.processors = processors
        self.sink = sink
        self.length = len(processors)

    def run(self, input_items: Any = NO_INPUT) -> None:
        procs = self.processors
        n = len(procs)
        begun = [False] * n
        pending: list[list[Any]] = [[] for _ in procs]
        for i, p in enumerate(procs):
            p.pipeline = self
            p.position = i + 1
            p.expects_input = i > 0 or input_items is not NO_INPUT
            p.downstream = procs[i + 1].process if i + 1 < n else self.sink
        self.ev.wire_redirections(self)
        # Output written by a begin block waits until the next command has begun (PowerShell's order).
        direct = [p.downstream for p in procs]
        for i, p in enumerate(procs):
            if i + 1 < n:
                def buffered(obj: Any, i: int = i) -> None:
                    if begun[i + 1]:
                        direct[i](obj)
                    else:
                        pending[i].append(obj)

                p.downstream = buffered
        try:
            for i, p in enumerate(procs):
                self.ev.run_in_streams(p, p.begin)
                begun[i] = True
                if i > 0 and pending[i - 1]:
                    items, pending[i - 1] = pending[i - 1], []
                    for obj in items:
                        direct[i - 1](obj)
            first = procs[0]
            if input_items is NO_INPUT:
                self.ev.run_in_streams(first, lambda: first.process(NO_INPUT))
            else:
                it = iter_enumerable(input_items)
                for item in (it if it is not None else [input_items]):
                    self.ev.ctx.check_stop()
                    self.ev.run_in_streams(first, lambda item=item: first.process(item))
            for p in procs:
                self.ev.run_in_streams(p, p.end)
        except StopUpstream as s:
            if s.pipeline is not self:
                raise
            idx = procs.index(s.processor)
            self._finish_from(idx + 0)

    def _finish_from(self, idx: int) -> None:
        procs = self.processors
        try:
            for p in procs[idx:]:
                self.ev.run_in_streams(p, p.end)
        except StopUpstream as s:
            if s.pipeline is not self:
                raise
            j = procs.index(s.processor)
            if j > idx:
                self._finish_from(j)


class NativeProcessor(Processor):
    """An external program found on PATH: arguments are passed as strings, pipeline input goes to its stdin
    (one line per object), each stdout line becomes a string object, stderr goes to the host (or becomes
    ErrorRecords with 2>&1), and $LASTEXITCODE/$? are set from its exit code."""

    def __init__(self, ev: Any, path: str, name: str, args: list[Argument], extent: Any, redirections: list[Any]) -> None:
        super().__init__(ev, extent, redirections)
        self.path = path
        self.command_name = name
        self.argv = [path]
        for a in args:
            if a.name is not None:
                text = a.spelled or f"-{a.name}"
                if a.has_value:
                    text = (text if text.endswith(":") else text + ":") + to_string(a.value)
                self.argv.append(text)
                continue
            values = a.value if isinstance(a.value, (list, tuple)) else [a.value]
            self.argv.extend(to_string(v) for v in values)
        self.input: list[Any] | None = None

    def process(self, item: Any) -> None:
        if item is NO_INPUT:
            return
        if self.input is None:
            self.input = []
        self.input.append(item)

    def end(self) -> None:
        import subprocess

        ev = self.ev
        ctx = ev.ctx
        stdin = None if self.input is None else "".join(to_string(x) + "\n" for x in self.input)
        ev.flush_output()
        try:
            r = subprocess.run(self.argv, input=stdin, capture_output=True, text=True, errors="replace",
                               cwd=str(ctx.cwd))
        except OSError as e:
            rec = ErrorRecord(message=f"Program '{self.command_name}' failed to run: {e.strerror}",
                              error_id="NativeCommandFailed", category=ErrorCategory.ResourceUnavailable,
                              exception_type="ApplicationFailedException")
            ev.attach_position(rec, self.extent, self.command_name)
            raise PSRuntimeError(rec) from None
        for line in r.stdout.splitlines():
            self.emit(line)
        if r.stderr:
            handler = ev.streams.get("error")
            if handler is not None:
                for line in r.stderr.splitlines():
                    rec = ErrorRecord(message=line, error_id="NativeCommandError", category=ErrorCategory.NotSpecified,
                                      target_object=line, exception_type="RemoteException")
                    ev.record_error(rec)
                    handler(rec)
            else:
                ctx.host.stderr.write(r.stderr)
        ctx.set_variable("global:LASTEXITCODE", r.returncode)
        ctx.last_exit_code = r.returncode
        if r.returncode != 0:
            ev.last_success = False
