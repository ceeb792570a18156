"""Guest: VMware Tools and virtual hardware (sim-facts §14).

`adapters` is what emulated and paravirtual adapters do (throughput caps, host CPU, drivers),
`tools` the install task, `commands` the handlers of `tools install` and `vm adapter`.
The face the engine and the dispatcher use:
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vdc.sim.guest.commands import HANDLERS

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation

__all__ = ["HANDLERS", "host_down"]


def host_down(sim: Simulation, host: str, vms: list[str]) -> None:
    """A host failed: a Tools install in its VMs fails when its timer ends (the guest is down)."""
