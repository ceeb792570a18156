"""Snapshots: copy-on-write delta chains, memory files, revert and consolidation.

`chain` is the mechanism (sizes, I/O cost, space, alarms); `commands` holds the handlers of
`snapshot create|revert|delete|list`. The face the engine and the dispatcher use:
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vdc.sim.snapshots.commands import HANDLERS

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation

__all__ = ["HANDLERS", "host_down"]


def host_down(sim: Simulation, host: str, vms: list[str]) -> None:
    """A host failed: snapshots live with the VMs' disks on the datastores, so nothing is lost;
    a consolidation in progress goes on (the datastore does the merge)."""
