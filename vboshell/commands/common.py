"""Engine-level commands that belong to the runtime rather than the utility-cmdlet set: Set-StrictMode.
Registered through the command registry like every other cmdlet."""

from __future__ import annotations

from vboshell.commands.base import Cmdlet, Example, Parameter, Switch
from vboshell.commands.registry import register
from vboshell.runtime.errors import CmdletError, ErrorCategory


@register
class SetStrictMode(Cmdlet):
    name = "Set-StrictMode"
    module = "Microsoft.PowerShell.Core"
    synopsis = "Establishes and enforces coding rules in expressions, scripts, and script blocks."
    description = ("Version 1 makes reading an unset variable an error; version 2 and later also make reading a "
                   "property that does not exist an error. -Off turns strict mode off. It applies to the current "
                   "scope and its children.")
    default_parameter_set = "Version"
    parameters = [
        Parameter("Version", str, mandatory=True, parameter_sets=("Version",), aliases=("v",),
                  help="1.0, 2.0, 3.0 or Latest."),
        Parameter("Off", Switch, mandatory=True, parameter_sets=("Off",), help="Turns strict mode off."),
    ]
    examples = [Example("Set-StrictMode -Version Latest", "Reading an unset variable or a missing property is an error."),
                Example("Set-StrictMode -Off", "Turns strict mode off.")]

    def end_processing(self) -> None:
        scope = self.context.session.current
        if self.Off:
            scope.strict = 0
            return
        text = str(self.Version).strip().lower()
        if text == "latest":
            scope.strict = 3
            return
        try:
            level = int(float(text))
        except ValueError:
            raise CmdletError(f"Cannot convert value \"{self.Version}\" to type \"System.Version\".",
                              "ArgumentTransformationMetadataException", ErrorCategory.InvalidArgument,
                              target=self.Version, exception_type="ArgumentException") from None
        if level not in (1, 2, 3):
            raise CmdletError(f"The value {self.Version} is not valid for the Version parameter. Use 1.0, 2.0, 3.0 or Latest.",
                              "InvalidPSVersion", ErrorCategory.InvalidArgument, target=self.Version,
                              exception_type="ArgumentException")
        scope.strict = level
