"""Provides the one command language of vdc: its table, parser, formatter, help and completion.

Keys, the command palette, the `:` line, action scripts and save files all produce the same
`Command` objects through this module, so there is exactly one grammar to learn, test and replay.
Every command is one row of `COMMANDS`; verbs of later versions are already reserved there, so
they plug in without grammar changes. Pure standard library: the simulation imports no screen.
"""

from __future__ import annotations

from vdc.sim.commands.assist import complete, help_text
from vdc.sim.commands.grammar import (
    KINDS,
    CommandSpec,
    CommandSyntaxError,
    CommandUnavailable,
    Slot,
)
from vdc.sim.commands.parse import (
    Command,
    format_command,
    format_number,
    make_command,
    parse,
    usage,
)
from vdc.sim.commands.table import COMMANDS, check_table, spec_for

__all__ = [
    "COMMANDS",
    "KINDS",
    "Command",
    "CommandSpec",
    "CommandSyntaxError",
    "CommandUnavailable",
    "Slot",
    "complete",
    "format_command",
    "format_number",
    "help_text",
    "make_command",
    "parse",
    "check_table",
    "spec_for",
    "usage",
]
