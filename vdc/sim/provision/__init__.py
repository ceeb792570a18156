"""Provisioning: new VMs and their guest OS, appliances, physical servers and P2V, deleting
VMs, joining service tiers.

`inventory` adds VMs to the running inventory and takes them out, `osinstall` the guest OS
install task, `appliances` the catalogue, `servers` the bare-metal workloads, `p2v` the
conversion, `commands` and `deploy` the handlers. The face the engine and the dispatcher use:
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vdc.sim.handler import Handlers
from vdc.sim.provision import appliances, commands, osinstall, p2v
from vdc.sim.provision.deploy import deploy_handler

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation

__all__ = ["HANDLERS", "appliance_cost", "host_down"]

appliance_cost = appliances.yearly_cost

HANDLERS: Handlers = {**commands.HANDLERS, "deploy": deploy_handler}


def host_down(sim: Simulation, host: str, vms: list[str]) -> None:
    """A host failed: OS installs in its VMs fail, and conversions onto it (or from it)."""
    osinstall.host_down(sim, vms)
    p2v.host_down(sim, host)
