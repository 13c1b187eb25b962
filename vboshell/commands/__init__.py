"""The commands framework: Cmdlet base class, declarative parameters, registry, help and examples.
Cmdlets import from here: `from vboshell.commands import Cmdlet, Parameter, Example, Switch, register`."""

from vboshell.commands.base import (
    ALL_PARAMETER_SETS,
    Cmdlet,
    CommonParameters,
    Example,
    Parameter,
    SecureStringType,
    Switch,
    error,
)
from vboshell.commands.registry import all_cmdlets, lookup, register

__all__ = [
    "ALL_PARAMETER_SETS", "Cmdlet", "CommonParameters", "Example", "Parameter", "SecureStringType", "Switch",
    "error", "all_cmdlets", "lookup", "register",
]
