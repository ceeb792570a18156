"""vSphere HA: the agents that detect a failed or isolated host and restart its VMs elsewhere,
and admission control, which keeps room for those restarts.

`agents` is the mechanism (election, heartbeats, restart queue and placement), `admission` the
slot / percentage / failover-host math, `commands` the handlers of `ha …`. HA sits below the
moves and DRS: a vMotion or a DRS move must pass admission control. The face the engine and the
dispatcher use:
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vdc.sim.ha import agents
from vdc.sim.ha.commands import HANDLERS

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation

__all__ = ["HANDLERS", "host_down"]


def host_down(sim: Simulation, host: str, vms: list[str]) -> None:
    """A host failed with these VMs running: the agents notice it and restart them elsewhere."""
    agents.host_failed(sim, host, vms)
