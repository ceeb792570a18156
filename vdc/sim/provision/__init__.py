"""Provisioning: new VMs and their guest OS, deleting VMs, joining service tiers.

`inventory` adds VMs to the running inventory and takes them out, `osinstall` the guest OS
install task, `commands` the handlers. The face the engine and the dispatcher use:
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vdc.sim.provision import osinstall
from vdc.sim.provision.commands import HANDLERS

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation

__all__ = ["HANDLERS", "host_down"]


def host_down(sim: Simulation, host: str, vms: list[str]) -> None:
    """A host failed: OS installs in its VMs fail."""
    osinstall.host_down(sim, vms)
