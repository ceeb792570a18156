"""Provides the commands that change a VM's configuration: `vm set VM cpu N`, `vm set VM mem GIB`.

A powered-on VM can only grow, and only with hot add; a powered-off one can be resized freely
within its host. Growing a running VM's memory grows its swap file, which must fit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vdc.sim import checks
from vdc.sim.checks import Rejected, fmt
from vdc.sim.handler import Apply, Handlers

if TYPE_CHECKING:
    from vdc.sim.commands import Command
    from vdc.sim.engine import Simulation
    from vdc.sim.model import Vm


def _resize_rules(vm: Vm, what: str, old: float, new: float, unit: str) -> None:
    if new == old:
        raise Rejected(f"{vm.name} already has {fmt(new)} {unit}")
    if vm.power == "on":
        if new < old:
            raise Rejected(f"{vm.name} is powered on; {what} can only be removed while it is off")
        if not vm.hot_add:
            raise Rejected(f"{vm.name} is powered on and has no hot add; power it off first")


def _set_cpu(sim: Simulation, c: Command) -> Apply:
    vm = checks.vm(sim, c.text("vm"))
    checks.require_idle(sim, vm, "config")
    n = c.integer("count")
    _resize_rules(vm, "vCPUs", vm.vcpu, n, "vCPUs")
    h = sim.inv.hosts[vm.host]
    if n > h.cores:
        raise Rejected(f"{vm.name} would have {n} vCPUs but {h.name} has only {h.cores} cores")

    def apply() -> str:
        old = vm.vcpu
        vm.vcpu = n
        sim.touch()
        return f"{vm.name} vCPUs {old} → {n}"

    return apply


def _set_mem(sim: Simulation, c: Command) -> Apply:
    vm = checks.vm(sim, c.text("vm"))
    checks.require_idle(sim, vm, "config")
    gib = c.number("gib")
    _resize_rules(vm, "memory", vm.memory, gib, "GiB")
    if gib < vm.mem_reservation:
        raise Rejected(f"{vm.name} reserves {fmt(vm.mem_reservation)} GiB; memory cannot go below that")
    h = sim.inv.hosts[vm.host]
    if gib > h.memory:
        raise Rejected(f"{vm.name} would need {fmt(gib)} GiB but {h.name} has only {fmt(h.memory)} GiB of memory")
    checks.check_swap_growth(sim, vm, gib - vm.memory)

    def apply() -> str:
        old = vm.memory
        vm.memory = gib
        sim.touch()
        return f"{vm.name} memory {fmt(old)} → {fmt(gib)} GiB"

    return apply


HANDLERS: Handlers = {
    "vm set cpu": _set_cpu,
    "vm set mem": _set_mem,
}
