"""Provides vCenter's availability: the appliance VM the level names, up or not.

vCenter coordinates vMotion, Storage vMotion, DRS and cluster configuration; while it is down
those are refused, but VMs keep running, HA (agents on the hosts) keeps restarting VMs, and a
single host can still be operated directly (design/sim-facts.md §12). A level without a
`vcenter` VM has its vCenter outside the datacenter: always up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation


def vcenter_down_reason(sim: Simulation) -> str | None:
    """Why vCenter is unavailable now (None while it is up)."""
    name = sim.level.level.vcenter
    if name is None:
        return None
    vm = sim.inv.vms.get(name)
    if vm is None:
        return f"its appliance {name} is gone"
    host = sim.inv.hosts.get(vm.host)
    if host is None or host.state == "failed":
        return f"{name}'s host {vm.host} has failed"
    if vm.power != "on":
        return f"its appliance {name} is powered off"
    if host.state == "isolated":
        return f"{name}'s host {vm.host} is cut off from the management network"
    if not host.runs_vms:
        return f"{name}'s host {vm.host} is {host.state}"
    if sim.now < vm.up_at:
        return f"{name} is still booting (up at t = {vm.up_at:.0f} s)"
    return None


def vcenter_up(sim: Simulation) -> bool:
    return vcenter_down_reason(sim) is None


def unavailable_message(sim: Simulation) -> str | None:
    """The refusal of a command that needs vCenter (None while it is up)."""
    why = vcenter_down_reason(sim)
    return None if why is None else f"vCenter is unavailable: {why}"
