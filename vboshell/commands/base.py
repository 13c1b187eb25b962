"""The Cmdlet base class and its declarative parameters, help and examples.
One class per cmdlet: the binder, Get-Help, Get-Command -Syntax, tab completion and the example tests read the same declaration.

Writing a cmdlet (see vboshell/builtins and vboshell/cmdlets for real ones):

    @register
    class GetVBOJob(Cmdlet):
        name = "Get-VBOJob"                       # short name Get-Job is derived by the registry
        synopsis = "Returns backup jobs."
        description = "Longer help text..."
        output_type = "VBOJob"
        noun_module = "Veeam.Archiver.PowerShell"
        parameters = [
            Parameter("Organization", type=VBOOrganization, position=0, value_from_pipeline=True,
                      parameter_sets=("ByOrganization",), help="Organization whose jobs to return."),
            Parameter("Name", type=str, array=True, help="Job name(s); wildcards allowed."),
        ]
        examples = [Example("Get-VBOJob -Name 'Daily*'", "Returns the jobs whose names start with Daily.")]

        def process_record(self) -> None:
            for job in engine_call(self.Organization, self.Name):
                self.write_object(job)

Bound parameter values are read as attributes (`self.Name`), falling back to the declared default
(None for unbound non-switch parameters, False for unbound switches). `self.bound` holds only what was bound.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from vboshell.runtime.errors import CmdletError, ErrorCategory, ErrorRecord

if TYPE_CHECKING:
    from vboshell.runtime.context import ExecutionContext  # provided by the runtime


class Switch:
    """Marker type for switch parameters (`[switch]`)."""


class SecureStringType:
    """Marker resolved by the runtime to its SecureString class (avoids an import cycle)."""


ALL_PARAMETER_SETS = "__AllParameterSets"


@dataclass(frozen=True)
class Parameter:
    name: str
    type: Any = object  # str, int, float, bool, Switch, datetime, a domain class, or object for anything
    array: bool = False  # [T[]]: scalars are wrapped, comma lists bind as lists
    mandatory: bool = False
    position: int | None = None
    aliases: tuple[str, ...] = ()
    parameter_sets: tuple[str, ...] = (ALL_PARAMETER_SETS,)
    value_from_pipeline: bool = False
    value_from_pipeline_by_property_name: bool = False
    value_from_remaining_arguments: bool = False
    validate_set: tuple[str, ...] | None = None  # case-insensitive; also drives tab completion
    validate_range: tuple[float, float] | None = None
    validate_not_null_or_empty: bool = False
    default: Any = None
    help: str = ""
    is_path: bool = False  # completion offers file-system paths
    dont_show: bool = False  # accepted (Veeam compatibility) but hidden from help and completion
    obsolete_warning: str | None = None  # accepted with this warning (e.g. Veeam's -Proxy where vboshell has none)

    @property
    def is_switch(self) -> bool:
        return self.type is Switch

    def type_display(self) -> str:
        """The type as Get-Help/Get-Command -Syntax shows it: `string[]`, `SwitchParameter`, `VBOJob`."""
        if self.is_switch:
            return "SwitchParameter"
        t = self.type
        names = {str: "string", int: "int", float: "double", bool: "bool", object: "Object"}
        base = names.get(t, getattr(t, "ps_display_name", None) or getattr(t, "__name__", str(t)))
        if t is SecureStringType:
            base = "SecureString"
        return base + ("[]" if self.array else "")


@dataclass(frozen=True)
class Example:
    code: str  # what the user types; the test suite runs it
    description: str
    setup: str = ""  # script run before `code` in the example test (not shown in help)
    expect: str | None = None  # optional exact text the example's formatted output must contain
    needs_sandbox: bool = False  # the example test starts the sandbox tenant first
    inputs: tuple[str, ...] = ()  # lines "typed" at prompts (Read-Host, Get-Credential) in the example test


@dataclass
class CommonParameters:
    """Values of the common parameters for one invocation (filled by the binder)."""

    error_action: str | None = None
    warning_action: str | None = None
    information_action: str | None = None
    error_variable: str | None = None
    warning_variable: str | None = None
    out_variable: str | None = None
    verbose: bool | None = None
    debug: bool | None = None
    whatif: bool | None = None
    confirm: bool | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Cmdlet:
    """Base class of every cmdlet. Subclasses declare class attributes and override the three hooks."""

    # --- declaration (class attributes) ---
    name: ClassVar[str] = ""
    synopsis: ClassVar[str] = ""
    description: ClassVar[str] = ""
    parameters: ClassVar[Sequence[Parameter]] = ()
    examples: ClassVar[Sequence[Example]] = ()
    output_type: ClassVar[str | None] = None
    default_parameter_set: ClassVar[str | None] = None
    supports_should_process: ClassVar[bool] = False  # adds -WhatIf and -Confirm
    confirm_impact: ClassVar[str] = "Medium"  # 'Low' | 'Medium' | 'High'
    aliases: ClassVar[Sequence[str]] = ()  # extra names, e.g. ('where', '?') for Where-Object
    short_name: ClassVar[str | None | bool] = None  # None: derived (drop 'VBO'); False: none; or an explicit name
    module: ClassVar[str] = "Microsoft.PowerShell.Utility"  # Get-Command's Source column
    notes: ClassVar[str] = ""  # Get-Help -Full NOTES section (API-only remarks belong here)
    related: ClassVar[Sequence[str]] = ()  # RELATED LINKS

    # --- set per invocation by the runtime ---
    context: ExecutionContext
    bound: dict[str, Any]
    common: CommonParameters
    parameter_set_name: str
    invocation_name: str  # the name the user typed (e.g. 'Get-Job' or 'Get-VBOJob')

    def __init__(self) -> None:
        self.bound = {}
        self.common = CommonParameters()
        self.parameter_set_name = self.default_parameter_set or ALL_PARAMETER_SETS
        self.invocation_name = self.name
        self._runtime: Any = None  # a vboshell.runtime CommandRuntime, set by the runtime

    # --- lifecycle hooks (PowerShell's BeginProcessing/ProcessRecord/EndProcessing) ---
    def begin_processing(self) -> None:
        pass

    def process_record(self) -> None:
        pass

    def end_processing(self) -> None:
        pass

    def stop_processing(self) -> None:
        """Called (from another thread) when the pipeline is stopped (Ctrl+C, Select-Object -First)."""

    # --- parameter values ---
    def __getattr__(self, item: str) -> Any:
        # Only reached when normal lookup fails: resolve declared parameters case-insensitively.
        if item.startswith("_"):
            raise AttributeError(item)
        bound = self.__dict__.get("bound", {})
        low = item.lower()
        for k, v in bound.items():
            if k.lower() == low:
                return v
        for p in type(self).parameters:
            if p.name.lower() == low:
                if p.is_switch:
                    return False if p.default is None else p.default
                return p.default
        raise AttributeError(f"{type(self).__name__} has no parameter or attribute {item!r}")

    def is_bound(self, name: str) -> bool:
        low = name.lower()
        return any(k.lower() == low for k in self.bound)

    # --- output and streams (delegated to the runtime) ---
    def write_object(self, obj: Any, enumerate_collection: bool = False) -> None:
        self._runtime.write_object(obj, enumerate_collection)

    def write_error(self, record: ErrorRecord | CmdletError) -> None:
        """A non-terminating error; -ErrorAction/$ErrorActionPreference decide what happens."""
        self._runtime.write_error(record.error_record if isinstance(record, CmdletError) else record)

    def throw_terminating_error(self, record: ErrorRecord | CmdletError) -> None:
        if isinstance(record, CmdletError):
            raise record
        raise CmdletError(record.message, record.error_id, record.category, record.target_object)

    def write_warning(self, message: str) -> None:
        self._runtime.write_warning(message)

    def write_verbose(self, message: str) -> None:
        self._runtime.write_verbose(message)

    def write_debug(self, message: str) -> None:
        self._runtime.write_debug(message)

    def write_host(self, text: str, foreground: str | None = None, no_newline: bool = False) -> None:
        self._runtime.write_host(text, foreground, no_newline)

    def write_progress(
        self,
        activity: str,
        status: str = "",
        percent_complete: int = -1,
        seconds_remaining: int = -1,
        completed: bool = False,
        activity_id: int = 0,
    ) -> None:
        self._runtime.write_progress(activity, status, percent_complete, seconds_remaining, completed, activity_id)

    def should_process(self, target: str, action: str | None = None) -> bool:
        """-WhatIf prints `What if: Performing the operation "<action>" on target "<target>".` and returns False;
        -Confirm (or ConfirmImpact >= $ConfirmPreference) asks in an interactive host; otherwise True."""
        return self._runtime.should_process(target, action or self.name)

    def invoke_script_block(self, script_block: Any, input_object: Any = None, args: Sequence[Any] = (),
                            use_dollar_under: bool = True) -> list[Any]:
        """Run a script block with `$_`/`$PSItem` set to input_object (Where-Object, ForEach-Object,
        calculated properties, delay-bind). Returns its output as a list."""
        return self._runtime.invoke_script_block(script_block, input_object, args, use_dollar_under)

    @property
    def stopping(self) -> bool:
        """True once the pipeline has been asked to stop; long loops should check it and return."""
        return bool(self._runtime and self._runtime.stopping)


CmdletClass = type[Cmdlet]
CmdletFactory = Callable[[], Cmdlet]


def error(message: str, error_id: str, category: ErrorCategory = ErrorCategory.NotSpecified, target: Any = None) -> CmdletError:
    """Shorthand for building a terminating error inside a cmdlet."""
    return CmdletError(message, error_id, category, target=target)
