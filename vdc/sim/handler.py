"""Provides the shape of a command handler: check once, then apply once.

A handler takes the simulation and a parsed command, checks everything the command needs
against the live state (raising `vdc.sim.checks.Rejected` with the player's reason), and
returns an `Apply`: the change, not yet made. `dispatch.validate` only asks; `dispatch.execute`
calls the `Apply` at once, so nothing is checked twice and nothing changes on a refusal.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Protocol, TypeAlias

if TYPE_CHECKING:
    from vdc.sim.commands import Command
    from vdc.sim.engine import Simulation

Apply: TypeAlias = Callable[[], str]
"""Makes the checked change and says what happened, in one line."""

Handler: TypeAlias = Callable[["Simulation", "Command"], Apply]
"""Checks a command (raising `Rejected`) and returns how to apply it."""

Handlers: TypeAlias = Mapping[str, Handler]
"""A mechanic's handlers by command name (`vmotion`, `snapshot create`…)."""


class Mechanic(Protocol):
    """The face of a mechanic package (`moves`, `snapshots`, `ha`, `drs`): its `__init__`."""

    HANDLERS: Handlers

    def host_down(self, sim: Simulation, host: str, vms: list[str]) -> None:
        """Host `host` failed with `vms` running; react (fail tasks, restart VMs…)."""
