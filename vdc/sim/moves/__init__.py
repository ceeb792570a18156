"""Moves: vMotion, Storage vMotion, maintenance mode and host reboots.

`vmotion` (the pre-copy model and its scheduler) and `svmotion` (the disk copy) share one slot
queue (`slots`); `maintenance` empties a host and `load` is what migrations in progress cost the
hosts and datastores. `commands` holds the handlers. The face the engine and the dispatcher use:
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vdc.sim.moves import maintenance, svmotion, vmotion
from vdc.sim.moves.commands import HANDLERS

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation

__all__ = ["HANDLERS", "host_down"]


def host_down(sim: Simulation, host: str, vms: list[str]) -> None:
    """A host failed: its migrations fail and its entry into maintenance mode is cancelled."""
    vmotion.host_down(sim, host)
    svmotion.host_down(sim, host)
    maintenance.host_down(sim, host)
