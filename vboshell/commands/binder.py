"""The parameter binder, shared by Cmdlet classes and script functions: names and prefixes, named/switch/positional
binding, conversion and validation with PowerShell's error ids, parameter sets, mandatory prompting, pipeline binding.

Error ids raised (ParameterBindingError, an ErrorRecord carrier with FullyQualifiedErrorId `<id>,<command>`):
NamedParameterNotFound, AmbiguousParameter, MissingArgument, ParameterAlreadyBound, PositionalParameterNotFound,
ParameterArgumentTransformationError, ParameterArgumentValidationError (+ ...NullNotAllowed/EmptyStringNotAllowed),
AmbiguousParameterSet, MissingMandatoryParameter, InputObjectNotBound.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from vboshell.commands.base import ALL_PARAMETER_SETS, Cmdlet, CommonParameters, Parameter, Switch
from vboshell.runtime.errors import ErrorCategory, ErrorRecord, InvocationInfo, PSRuntimeError

ACTION_PREFERENCES = ("SilentlyContinue", "Stop", "Continue", "Inquire", "Ignore", "Suspend")


@dataclasses.dataclass(frozen=True)
class ScriptParameter(Parameter):
    """A parameter declared in a script param block: keeps the written type and extra validators."""

    type_name: str | None = None  # '[int]' -> 'int'; None: untyped
    default_ast: Any = None  # expression evaluated at bind time
    validate_pattern: str | None = None
    validate_script: Any = None  # ScriptBlock
    validate_count: tuple[int, int] | None = None
    validate_length: tuple[int, int] | None = None
    validate_not_null: bool = False
    allow_null: bool = False
    allow_empty_string: bool = False
    help_message: str = ""
    sets_info: tuple[tuple[str, bool, int | None, bool, bool, str], ...] = ()  # per-set overrides (unused)


COMMON_PARAMETERS: list[Parameter] = [
    Parameter("Verbose", Switch, aliases=("vb",)),
    Parameter("Debug", Switch, aliases=("db",)),
    Parameter("ErrorAction", str, aliases=("ea",), validate_set=ACTION_PREFERENCES),
    Parameter("WarningAction", str, aliases=("wa",), validate_set=ACTION_PREFERENCES),
    Parameter("InformationAction", str, aliases=("infa",), validate_set=ACTION_PREFERENCES),
    Parameter("ErrorVariable", str, aliases=("ev",)),
    Parameter("WarningVariable", str, aliases=("wv",)),
    Parameter("InformationVariable", str, aliases=("iv",)),
    Parameter("OutVariable", str, aliases=("ov",)),
    Parameter("OutBuffer", int, aliases=("ob",)),
    Parameter("PipelineVariable", str, aliases=("pv",)),
]
SHOULD_PROCESS_PARAMETERS: list[Parameter] = [
    Parameter("WhatIf", Switch, aliases=("wi",)),
    Parameter("Confirm", Switch, aliases=("cf",)),
]
COMMON_NAMES = {p.name.lower() for p in COMMON_PARAMETERS + SHOULD_PROCESS_PARAMETERS}


@dataclasses.dataclass
class CommandMetadata:
    """What the binder needs to know about a command (built from a Cmdlet class or a script function)."""

    name: str
    parameters: list[Parameter]
    default_parameter_set: str | None = None
    supports_should_process: bool = False
    confirm_impact: str = "Medium"
    cmdlet_binding: bool = True  # cmdlets and advanced functions: common parameters, no $args
    positional_binding: bool = True
    fully_qualified_command: str | None = None
    is_script: bool = False

    def __post_init__(self) -> None:
        self._all: list[Parameter] = list(self.parameters)
        if self.cmdlet_binding:
            self._all += COMMON_PARAMETERS
            if self.supports_should_process:
                self._all += SHOULD_PROCESS_PARAMETERS
        self.own_names = {p.name.lower() for p in self.parameters}
        sets: list[str] = []
        for p in self.parameters:
            for s in p.parameter_sets:
                if s != ALL_PARAMETER_SETS and s not in sets:
                    sets.append(s)
        self.parameter_sets = sets

    @property
    def all_parameters(self) -> list[Parameter]:
        return self._all

    def find(self, name: str) -> Parameter | None:
        low = name.lower()
        for p in self._all:
            if p.name.lower() == low:
                return p
        return None


_META_CACHE: dict[type, CommandMetadata] = {}


def command_fqn(cls: type[Cmdlet]) -> str:
    explicit = getattr(cls, "fully_qualified_name", None)
    if explicit:
        return str(explicit)
    verb, _, noun = cls.name.partition("-")
    module = getattr(cls, "module", "") or ""
    if module.lower().startswith("veeam"):
        return f"Veeam.Archiver.PowerShell.Cmdlets.{verb}{noun}"
    if module.startswith("Microsoft.PowerShell"):
        return f"Microsoft.PowerShell.Commands.{verb}{noun}Command"
    return f"{module or 'vboshell'}.Commands.{verb}{noun}Command"


def metadata_for_cmdlet(cls: type[Cmdlet]) -> CommandMetadata:
    meta = _META_CACHE.get(cls)
    if meta is None:
        meta = CommandMetadata(
            name=cls.name, parameters=list(cls.parameters), default_parameter_set=cls.default_parameter_set,
            supports_should_process=cls.supports_should_process, confirm_impact=cls.confirm_impact,
            cmdlet_binding=True, positional_binding=True, fully_qualified_command=command_fqn(cls))
        _META_CACHE[cls] = meta
    return meta


@dataclasses.dataclass
class Argument:
    """One evaluated command argument. name is set for `-Name` tokens (without dash)."""

    value: Any = None
    name: str | None = None
    has_value: bool = False  # `-Name:value` or a splatted named value
    extent: Any = None  # language Extent, for error positions
    spelled: str | None = None  # the parameter token as typed (for messages)


class ParameterBindingError(PSRuntimeError):
    pass


class Binder:
    """Binds one invocation. Use: `b = Binder(meta, ctx, ...); b.bind_command_line(args)`, then per pipeline
    object `b.bind_pipeline(obj)` (returns False if the object could not be bound)."""

    def __init__(self, meta: CommandMetadata, context: Any = None, *, invocation_name: str | None = None,
                 expects_input: bool = False, pipeline_position: int = 1, command_extent: Any = None,
                 script_block_runner: Callable[[Any, Any], Any] | None = None) -> None:
        self.meta = meta
        self.ctx = context
        self.invocation_name = invocation_name or meta.name
        self.expects_input = expects_input
        self.pipeline_position = pipeline_position
        self.command_extent = command_extent
        self.run_sb = script_block_runner
        self.bound: dict[str, Any] = {}  # parameter name (declared spelling) -> value
        self.common = CommonParameters()
        self.remaining: list[Any] = []  # unbound arguments of simple functions ($args)
        self.candidate_sets: list[str] = list(meta.parameter_sets)
        self.parameter_set_name: str = meta.default_parameter_set or (
            meta.parameter_sets[0] if len(meta.parameter_sets) == 1 else ALL_PARAMETER_SETS)
        self.delay_bind: dict[str, Any] = {}
        self._cmdline_bound: dict[str, Any] = {}
        self._pipeline_bound: set[str] = set()

    # ------------------------------------------------------------------------------------------
    def error(self, message: str, error_id: str, category: ErrorCategory = ErrorCategory.InvalidArgument,
              extent: Any = None, exception_type: str = "ParameterBindingException", target: Any = None) -> ParameterBindingError:
        rec = ErrorRecord(message=message, error_id=error_id, category=category, target_object=target,
                          exception_type=exception_type, activity=self.meta.name,
                          fully_qualified_command=self.meta.fully_qualified_command or self.meta.name)
        ext = extent or self.command_extent
        if ext is not None:
            rec.invocation_info = _invocation(ext, self.invocation_name)
        else:
            rec.invocation_info = InvocationInfo(command_name=self.invocation_name)
        return ParameterBindingError(rec)

    # --- name resolution ------------------------------------------------------------------------
    def resolve_name(self, name: str, extent: Any = None) -> Parameter | None:
        low = name.lower()
        params = self.meta.all_parameters
        for p in params:
            if p.name.lower() == low or any(a.lower() == low for a in p.aliases):
                return p
        matches: list[Parameter] = []
        for p in params:
            if p.name.lower().startswith(low) or any(a.lower().startswith(low) for a in p.aliases):
                if p not in matches:
                    matches.append(p)
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            own = [p for p in matches if p.name.lower() in self.meta.own_names]
            if len(own) == 1:
                return own[0]
            names = ", ".join(p.name for p in matches)
            raise self.error(
                f"Parameter cannot be processed because the parameter name '{name}' is ambiguous. Possible matches include: "
                + " ".join(f"-{p.name}" for p in matches) + ".",
                "AmbiguousParameter", extent=extent, target=None) if names else None  # type: ignore[misc]
        return None

    # --- command line -----------------------------------------------------------------------------
    def bind_command_line(self, args: Sequence[Argument]) -> None:
        positional: list[Argument] = []
        i = 0
        n = len(args)
        while i < n:
            a = args[i]
            if a.name is None:
                positional.append(a)
                i += 1
                continue
            p = self.resolve_name(a.name, a.extent)
            if p is None:
                if not self.meta.cmdlet_binding:
                    # simple functions: unknown parameters go to $args as text
                    self.remaining.append(a.spelled or f"-{a.name}")
                    if a.has_value:
                        self.remaining.append(a.value)
                    i += 1
                    continue
                raise self.error(f"A parameter cannot be found that matches parameter name '{a.name}'.",
                                 "NamedParameterNotFound", extent=a.extent)
            if p.is_switch:
                value: Any = True
                if a.has_value:
                    value = self._switch_value(p, a.value, a.extent)
                self._bind_named(p, value, a.extent)
                i += 1
                continue
            if a.has_value:
                self._bind_named(p, a.value, a.extent)
                i += 1
                continue
            if i + 1 < n and args[i + 1].name is None:
                self._bind_named(p, args[i + 1].value, args[i + 1].extent or a.extent)
                i += 2
                continue
            raise self.error(
                f"Missing an argument for parameter '{p.name}'. Specify a parameter of type '{_type_display(p)}' and try again.",
                "MissingArgument", extent=a.extent)
        self._bind_positional(positional)
        self._cmdline_bound = dict(self.bound)

    def _switch_value(self, p: Parameter, value: Any, extent: Any) -> bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)):
            return value != 0
        if isinstance(value, (list, tuple)) and len(value) == 1:
            return self._switch_value(p, value[0], extent)
        raise self.error(
            f"Cannot process argument transformation on parameter '{p.name}'. Cannot convert value \"{_tn(value)}\" to type "
            f"\"System.Management.Automation.SwitchParameter\". Boolean parameters accept only Boolean values and numbers, "
            f"such as $True, $False, 1 or 0.", "ParameterArgumentTransformationError", ErrorCategory.InvalidData, extent,
            "ParameterBindingArgumentTransformationException")

    def _bind_named(self, p: Parameter, value: Any, extent: Any) -> None:
        if any(k.lower() == p.name.lower() for k in self.bound) or self._is_common_bound(p):
            raise self.error(f"Cannot bind parameter because parameter '{p.name}' is specified more than once. To provide "
                             "multiple values to parameters that can accept multiple values, use the array syntax. For "
                             "example, \"-parameter value1,value2,value3\".", "ParameterAlreadyBound", extent=extent)
        low = p.name.lower()
        if low in COMMON_NAMES and low not in self.meta.own_names:
            self._bind_common(p, value, extent)
            return
        from vboshell.runtime.values import ScriptBlock

        if isinstance(value, ScriptBlock) and (p.value_from_pipeline_by_property_name or p.value_from_pipeline) \
                and not _accepts_scriptblock(p) and self.expects_input:
            self.delay_bind[p.name] = value
            self.bound[p.name] = value
            self._narrow(p)
            return
        self.bound[p.name] = self.convert(p, value, extent)
        self._narrow(p)

    def _is_common_bound(self, p: Parameter) -> bool:
        return getattr(self, "_common_seen", set()).__contains__(p.name.lower())

    def _bind_common(self, p: Parameter, value: Any, extent: Any) -> None:
        from vboshell.runtime.conversions import to_string

        seen = getattr(self, "_common_seen", None)
        if seen is None:
            seen = set()
            self._common_seen = seen
        seen.add(p.name.lower())
        low = p.name.lower()
        c = self.common
        if low in ("erroraction", "warningaction", "informationaction"):
            text = to_string(value)
            match = next((x for x in ACTION_PREFERENCES if x.lower() == text.lower()), None)
            if match is None:
                raise self.error(
                    f"Cannot bind parameter '{p.name}'. Cannot convert value \"{text}\" to type "
                    "\"System.Management.Automation.ActionPreference\". Error: \"Unable to match the identifier name "
                    f"{text} to a valid enumerator name. Specify one of the following enumerator names and try again:\n"
                    "SilentlyContinue, Stop, Continue, Inquire, Ignore, Suspend\"",
                    "CannotConvertArgumentNoMessage", extent=extent)
            setattr(c, {"erroraction": "error_action", "warningaction": "warning_action",
                        "informationaction": "information_action"}[low], match)
        elif low in ("errorvariable", "warningvariable", "outvariable", "informationvariable", "pipelinevariable"):
            attr = {"errorvariable": "error_variable", "warningvariable": "warning_variable",
                    "outvariable": "out_variable"}.get(low)
            if attr:
                setattr(c, attr, to_string(value))
            else:
                c.extra[p.name] = to_string(value)
        elif low == "verbose":
            c.verbose = bool(value)
        elif low == "debug":
            c.debug = bool(value)
        elif low == "whatif":
            c.whatif = bool(value)
        elif low == "confirm":
            c.confirm = bool(value)
        else:
            c.extra[p.name] = value

    def _narrow(self, p: Parameter) -> None:
        sets = [s for s in p.parameter_sets if s != ALL_PARAMETER_SETS]
        if not sets:
            return
        self.candidate_sets = [s for s in self.candidate_sets if s in sets]

    def _in_candidates(self, p: Parameter) -> bool:
        if ALL_PARAMETER_SETS in p.parameter_sets or not self.meta.parameter_sets:
            return True
        return any(s in self.candidate_sets for s in p.parameter_sets)

    def _positional_params(self) -> list[Parameter]:
        params = [p for p in self.meta.parameters if p.name not in self.bound and self._in_candidates(p)
                  and not p.value_from_remaining_arguments]
        with_pos = [p for p in params if p.position is not None]
        with_pos.sort(key=lambda p: p.position)  # type: ignore[arg-type,return-value]
        return with_pos

    def _bind_positional(self, positional: list[Argument]) -> None:
        remaining_param = next((p for p in self.meta.parameters if p.value_from_remaining_arguments
                                and p.name not in self.bound), None)
        leftovers: list[Argument] = []
        queue = list(positional)
        while queue:
            a = queue[0]
            cands = [p for p in self._positional_params() if not p.is_switch]
            if not cands:
                leftovers.extend(queue)
                break
            pos = cands[0].position
            same = [p for p in cands if p.position == pos]
            chosen = same[0]
            if len(same) > 1:
                for p in same:
                    try:
                        self.convert(p, a.value, a.extent)
                        chosen = p
                        break
                    except PSRuntimeError:
                        continue
            queue.pop(0)
            self._bind_named(chosen, a.value, a.extent)
        if leftovers:
            if remaining_param is not None:
                vals = [x.value for x in leftovers]
                self.bound[remaining_param.name] = self.convert(remaining_param, vals, leftovers[0].extent) \
                    if remaining_param.array or remaining_param.type is object else vals
                self._narrow(remaining_param)
            elif not self.meta.cmdlet_binding:
                self.remaining.extend(x.value for x in leftovers)
            else:
                from vboshell.runtime.conversions import to_string

                bad = leftovers[0]
                raise self.error(f"A positional parameter cannot be found that accepts argument '{to_string(bad.value)}'.",
                                 "PositionalParameterNotFound", extent=bad.extent)

    # --- conversion and validation ---------------------------------------------------------------------
    def convert(self, p: Parameter, value: Any, extent: Any = None) -> Any:
        from vboshell.runtime.conversions import to_string
        from vboshell.runtime.types import resolve_type
        from vboshell.runtime.values import is_enumerable, iter_enumerable

        ptype = _ptype(p)
        try:
            if ptype is None:
                converted = value
            elif p.is_switch:
                converted = self._switch_value(p, value, extent)
            elif p.type is bool or (isinstance(p, ScriptParameter) and (p.type_name or "").lower() in ("bool", "boolean", "system.boolean")):
                v = value[0] if isinstance(value, (list, tuple)) and len(value) == 1 else value
                if not isinstance(v, (bool, int, float)):
                    raise self.error(
                        f"Cannot process argument transformation on parameter '{p.name}'. Cannot convert value \"{_tn(v)}\" "
                        "to type \"System.Boolean\". Boolean parameters accept only Boolean values and numbers, such as "
                        "$True, $False, 1 or 0.", "ParameterArgumentTransformationError", ErrorCategory.InvalidData, extent,
                        "ParameterBindingArgumentTransformationException")
                converted = bool(v)
            elif p.array:
                items = list(iter_enumerable(value) or []) if (value is not None and is_enumerable(value)) else (
                    [] if value is None else [value])
                converted = [ptype.convert(x) for x in items]
            else:
                t = resolve_type(ptype) if not hasattr(ptype, "convert") else ptype
                if isinstance(value, (list, tuple)) and not t.full_name.endswith("[]") and t.full_name not in (
                        "System.Object", "System.Array", "System.Object[]") and len(value) > 1:
                    if t.full_name == "System.String":
                        converted = to_string(value)
                    else:
                        converted = t.convert(value)
                else:
                    converted = t.convert(value)
        except ParameterBindingError:
            raise
        except PSRuntimeError as e:
            inner = e.error_record.message
            raise self.error(f"Cannot process argument transformation on parameter '{p.name}'. {inner}",
                             "ParameterArgumentTransformationError", ErrorCategory.InvalidData, extent,
                             "ParameterBindingArgumentTransformationException") from None
        self.validate(p, converted, extent)
        return converted

    def validate(self, p: Parameter, value: Any, extent: Any = None) -> None:
        from vboshell.runtime.conversions import to_bool, to_string

        def verr(msg: str, eid: str = "ParameterArgumentValidationError") -> ParameterBindingError:
            return self.error(f"Cannot validate argument on parameter '{p.name}'. {msg}", eid,
                              ErrorCategory.InvalidData, extent, "ParameterBindingValidationException")

        sp = p if isinstance(p, ScriptParameter) else None
        if p.mandatory and not (sp and sp.allow_null):
            # a mandatory collection rejects null elements too, as PowerShell's binder does (-Document @($null))
            if value is None or (p.array and isinstance(value, list) and any(v is None for v in value)):
                raise self.error(f"Cannot bind argument to parameter '{p.name}' because it is null.",
                                 "ParameterArgumentValidationErrorNullNotAllowed", ErrorCategory.InvalidData, extent,
                                 "ParameterBindingValidationException")
            if isinstance(value, str) and value == "" and not (sp and sp.allow_empty_string) and not p.is_switch:
                raise self.error(f"Cannot bind argument to parameter '{p.name}' because it is an empty string.",
                                 "ParameterArgumentValidationErrorEmptyStringNotAllowed", ErrorCategory.InvalidData,
                                 extent, "ParameterBindingValidationException")
        values = value if (p.array and isinstance(value, list)) else [value]
        if p.validate_not_null_or_empty or (sp and sp.validate_not_null):
            if value is None or (p.validate_not_null_or_empty and (
                    (isinstance(value, str) and value == "") or (isinstance(value, list) and len(value) == 0))):
                raise verr("The argument is null or empty. Provide an argument that is not null or empty, and then "
                           "try the command again." if p.validate_not_null_or_empty else
                           "The argument is null. Provide a valid value for the argument, and then try running the command again.")
            for v in values:
                if v is None or (p.validate_not_null_or_empty and isinstance(v, str) and v == ""):
                    raise verr("The argument is null or empty. Provide an argument that is not null or empty, and then "
                               "try the command again.")
        if p.validate_set is not None:
            allowed = [str(x) for x in p.validate_set]
            for v in values:
                if v is None:
                    continue
                text = to_string(v)
                if not any(text.lower() == a.lower() for a in allowed):
                    raise verr(f"The argument \"{text}\" does not belong to the set \"{','.join(allowed)}\" specified by "
                               "the ValidateSet attribute. Supply an argument that is in the set and then try the command again.")
        if p.validate_range is not None:
            lo, hi = p.validate_range
            from vboshell.runtime.operators import compare

            for v in values:
                if v is None:
                    continue
                if compare(v, lo) < 0:
                    raise verr(f"The {to_string(v)} argument is less than the minimum allowed range of {to_string(lo)}. "
                               f"Supply an argument that is greater than or equal to {to_string(lo)} and then try the command again.")
                if compare(v, hi) > 0:
                    raise verr(f"The {to_string(v)} argument is greater than the maximum allowed range of {to_string(hi)}. "
                               f"Supply an argument that is less than or equal to {to_string(hi)} and then try the command again.")
        if sp is None:
            return
        if sp.validate_pattern is not None:
            from vboshell.runtime.operators import compile_regex

            rx = compile_regex(sp.validate_pattern, False)
            for v in values:
                if v is None:
                    continue
                if not rx.search(to_string(v)):
                    raise verr(f"The argument \"{to_string(v)}\" does not match the \"{sp.validate_pattern}\" pattern. "
                               f"Supply an argument that matches \"{sp.validate_pattern}\" and try the command again.")
        if sp.validate_count is not None:
            n = len(value) if isinstance(value, list) else (0 if value is None else 1)
            lo, hi = sp.validate_count
            if n < lo:
                raise verr(f"The parameter requires at least {lo} value(s) and no more than {hi} value(s) to be supplied, "
                           f"but {n} value(s) were supplied. Supply the correct number of values and try the command again."
                           if False else f"The number of provided arguments ({n}) is fewer than the minimum number of allowed arguments ({lo}). Provide more than {lo} arguments, and then try the command again.")
            if n > hi:
                raise verr(f"The number of provided arguments, ({n}), exceeds the maximum number of allowed arguments ({hi}). Provide fewer than {hi} arguments, and then try the command again.")
        if sp.validate_length is not None:
            lo, hi = sp.validate_length
            for v in values:
                s = to_string(v)
                if len(s) < lo:
                    raise verr(f"The number of characters ({len(s)}) in the argument is too small. Specify an argument whose length is greater than or equal to \"{lo}\" and then try the command again.")
                if len(s) > hi:
                    raise verr(f"The character length of the {len(s)} argument is too long. Shorten the character length of the argument so it is fewer than or equal to \"{hi}\" characters, and then try the command again.")
        if sp.validate_script is not None and self.run_sb is not None:
            for v in values:
                ok = False
                try:
                    ok = to_bool(self.run_sb(sp.validate_script, v))
                except PSRuntimeError as e:
                    raise verr(e.error_record.message) from None
                if not ok:
                    raise verr(f"The \"{sp.validate_script.text.strip()}\" validation script for the argument with value "
                               f"\"{to_string(v)}\" did not return a result of True. Determine why the validation script "
                               "failed, and then try the command again.")

    # --- parameter sets and mandatory parameters -----------------------------------------------------
    def resolve_parameter_set(self, final: bool = False) -> None:
        meta = self.meta
        if not meta.parameter_sets:
            self.parameter_set_name = meta.default_parameter_set or ALL_PARAMETER_SETS
            return
        cands = self.candidate_sets
        if not cands:
            raise self.error("Parameter set cannot be resolved using the specified named parameters.",
                             "AmbiguousParameterSet")
        if len(cands) == 1:
            self.parameter_set_name = cands[0]
            return
        # prefer sets whose mandatory parameters are all bound
        complete = [s for s in cands if not self._missing_mandatory(s)]
        if meta.default_parameter_set in cands and (meta.default_parameter_set in complete or not complete
                                                     or self.expects_input):
            self.parameter_set_name = meta.default_parameter_set  # type: ignore[assignment]
            return
        if len(complete) == 1 and not self.expects_input:
            self.parameter_set_name = complete[0]
            return
        if self.expects_input and not final:
            self.parameter_set_name = meta.default_parameter_set if meta.default_parameter_set in cands else cands[0]
            return
        if len(complete) == 1:
            self.parameter_set_name = complete[0]
            return
        raise self.error("Parameter set cannot be resolved using the specified named parameters.",
                         "AmbiguousParameterSet")

    def _set_params(self, set_name: str) -> list[Parameter]:
        return [p for p in self.meta.parameters
                if ALL_PARAMETER_SETS in p.parameter_sets or set_name in p.parameter_sets or not self.meta.parameter_sets]

    def _missing_mandatory(self, set_name: str, skip_pipeline: bool = False) -> list[Parameter]:
        out = []
        for p in self._set_params(set_name):
            if p.mandatory and p.name not in self.bound:
                if skip_pipeline and (p.value_from_pipeline or p.value_from_pipeline_by_property_name):
                    continue
                out.append(p)
        return out

    def check_mandatory(self, interactive: bool, host: Any = None) -> None:
        """After command-line binding: prompt for (interactive) or report missing mandatory parameters."""
        self.resolve_parameter_set()
        missing = self._missing_mandatory(self.parameter_set_name, skip_pipeline=self.expects_input)
        if not missing:
            return
        if interactive and host is not None:
            self._prompt(missing, host)
            return
        names = " ".join(p.name for p in missing)
        raise self.error(f"Cannot process command because of one or more missing mandatory parameters: {names}.",
                         "MissingMandatoryParameter")

    def _prompt(self, missing: list[Parameter], host: Any) -> None:
        host.write_line(f"cmdlet {self.invocation_name} at command pipeline position {self.pipeline_position}")
        host.write_line("Supply values for the following parameters:")
        for p in missing:
            try:
                if p.array:
                    vals: list[Any] = []
                    while True:
                        line = host.read_line(f"{p.name}[{len(vals)}]: ")
                        if line == "":
                            break
                        vals.append(line)
                    value: Any = vals
                elif _is_secure(p):
                    value = host.read_line_as_secure_string(f"{p.name}: ")
                else:
                    value = host.read_line(f"{p.name}: ")
            except EOFError:
                names = " ".join(x.name for x in missing)
                raise self.error(f"Cannot process command because of one or more missing mandatory parameters: {names}.",
                                 "MissingMandatoryParameter") from None
            self.bound[p.name] = self.convert(p, value)
            self._narrow(p)
        self._cmdline_bound = dict(self.bound)

    # --- pipeline ------------------------------------------------------------------------------------
    def takes_pipeline_input(self) -> bool:
        return any(p.value_from_pipeline or p.value_from_pipeline_by_property_name for p in self.meta.parameters)

    def bind_pipeline(self, obj: Any) -> bool:
        """Bind one pipeline object: ByValue (exact), ByPropertyName (exact), ByValue (coerced), ByPropertyName (coerced).
        Returns False (nothing bound) when the object matches no parameter."""
        self.bound = dict(self._cmdline_bound)
        bound_any = False
        # delay-bind script blocks
        for name, sb in self.delay_bind.items():
            p = self.meta.find(name)
            if p is None or self.run_sb is None:
                continue
            result = self.run_sb(sb, obj)
            self.bound[name] = self.convert(p, result)
            bound_any = True
        pipeline_params = [p for p in self.meta.parameters if (p.value_from_pipeline or p.value_from_pipeline_by_property_name)
                           and (p.name not in self._cmdline_bound) and self._in_candidates(p)]
        if not pipeline_params:
            return bound_any
        for coerce in (False, True):
            for p in pipeline_params:
                if p.name in self.bound and p.name not in self.delay_bind:
                    continue
                if p.value_from_pipeline and self._try_bind(p, obj, coerce):
                    bound_any = True
            for p in pipeline_params:
                if p.name in self.bound:
                    continue
                if p.value_from_pipeline_by_property_name:
                    found, val = _property_of(obj, p)
                    if found and self._try_bind(p, val, coerce):
                        bound_any = True
        if bound_any:
            self._narrow_from_pipeline()
        return bound_any

    def _narrow_from_pipeline(self) -> None:
        sets = list(self.candidate_sets)
        for name in self.bound:
            p = self.meta.find(name)
            if p is None:
                continue
            ps = [s for s in p.parameter_sets if s != ALL_PARAMETER_SETS]
            if ps:
                sets = [s for s in sets if s in ps] or sets
        if sets and self.meta.parameter_sets:
            if self.parameter_set_name not in sets:
                self.parameter_set_name = self.meta.default_parameter_set if self.meta.default_parameter_set in sets else sets[0]

    def _try_bind(self, p: Parameter, value: Any, coerce: bool) -> bool:
        if not coerce and not _type_matches(p, value):
            return False
        try:
            self.bound[p.name] = self.convert(p, value)
        except ParameterBindingError as e:
            if coerce and e.error_record.error_id.startswith("ParameterArgumentValidation"):
                raise
            return False
        return True

    def missing_after_pipeline(self) -> list[Parameter]:
        return self._missing_mandatory(self.parameter_set_name)


def _invocation(ext: Any, name: str | None) -> InvocationInfo:
    line = ext.line_text()
    length = (ext.end_offset - ext.start_offset) if ext.start_line == ext.end_line else len(line) - ext.start_column + 1
    return InvocationInfo(command_name=name, script_name=ext.file, line_number=ext.start_line,
                          offset_in_line=ext.start_column, line=line, extent_length=max(length, 1))


_PTYPE_CACHE: dict[int, tuple[Parameter, Any]] = {}


def _ptype(p: Parameter) -> Any:
    hit = _PTYPE_CACHE.get(id(p))
    if hit is not None and hit[0] is p:
        return hit[1]
    t = _ptype_uncached(p)
    _PTYPE_CACHE[id(p)] = (p, t)
    return t


def _ptype_uncached(p: Parameter) -> Any:
    from vboshell.runtime.types import resolve_type

    if isinstance(p, ScriptParameter):
        if not p.type_name:
            return None
        tn = p.type_name
        if p.array and tn.endswith("[]"):
            tn = tn[:-2]
        return resolve_type(tn)
    if p.type is object and not p.array:
        return None
    if p.type is object:
        return resolve_type("object")
    return resolve_type(p.type)


def _type_display(p: Parameter) -> str:
    if isinstance(p, ScriptParameter) and p.type_name:
        from vboshell.runtime.types import find_type

        t = find_type(p.type_name)
        return t.full_name if t else p.type_name
    if isinstance(p, ScriptParameter):
        return "System.Object"
    names = {str: "System.String", int: "System.Int32", float: "System.Double", bool: "System.Boolean",
             object: "System.Object"}
    base = names.get(p.type) or _ptype(p).full_name if _ptype(p) is not None else "System.Object"
    return base + ("[]" if p.array and not base.endswith("[]") else "")


def _accepts_scriptblock(p: Parameter) -> bool:
    if isinstance(p, ScriptParameter):
        return (p.type_name or "").lower() in ("scriptblock", "system.management.automation.scriptblock", "object", "")
    from vboshell.runtime.values import ScriptBlock

    return p.type is ScriptBlock or p.type is object


def _is_secure(p: Parameter) -> bool:
    from vboshell.commands.base import SecureStringType

    if isinstance(p, ScriptParameter):
        return (p.type_name or "").lower() in ("securestring", "system.security.securestring")
    return p.type is SecureStringType


def _type_matches(p: Parameter, value: Any) -> bool:
    t = _ptype(p)
    if t is None:
        return True
    if p.array:
        from vboshell.runtime.values import is_enumerable, iter_enumerable

        if value is not None and is_enumerable(value):
            return all(t.is_instance(x) for x in iter_enumerable(value) or [])
        return t.is_instance(value) if t.full_name != "System.Object" else True
    if t.full_name in ("System.Object", "System.Management.Automation.PSObject"):
        return True
    return t.is_instance(value)


def _property_of(obj: Any, p: Parameter) -> tuple[bool, Any]:
    from vboshell.runtime.members import get_member_value, has_member

    if obj is None or isinstance(obj, (str, int, float, bool)):
        return False, None
    for name in (p.name, *p.aliases):
        if isinstance(obj, dict):
            continue  # hashtables do not bind by property name
        if has_member(obj, name) and not isinstance(obj, list):
            return True, get_member_value(obj, name)
    return False, None


def _tn(v: Any) -> str:
    from vboshell.runtime.types import type_name_of

    return type_name_of(v)
