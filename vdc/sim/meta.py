"""Provides the commands that change nothing in the simulation: `help [COMMAND]`.

They go through the dispatcher like every command (so the `:` line and scripts treat them
alike) but are not counted or logged as the player's actions (`CommandSpec.meta`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vdc.sim.commands import help_text
from vdc.sim.handler import Apply, Handlers

if TYPE_CHECKING:
    from vdc.sim.commands import Command
    from vdc.sim.engine import Simulation


def _help(sim: Simulation, c: Command) -> Apply:
    words = c.words("command")
    text = help_text(words or None)
    return lambda: text


HANDLERS: Handlers = {"help": _help}
