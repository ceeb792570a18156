"""Provides `vm reserve VM cpu MHZ` and `vm reserve VM mem GIB`: reservations, the fix for a
VM that must be served first on a busy host.

A reservation is a promise: reserved demand is served before anyone's unreserved demand
(`cpu.py`), reserved memory is never reclaimed (and needs no swap file). So a running VM's
reservations must fit what its host has not yet promised to the other VMs running there (or
on their way in); a powered-off VM's are checked when it powers on (`checks.check_fits`).
A CPU reservation is at most what the VM's vCPUs can use, a memory one at most its memory.
0 removes a reservation. Shares stay at their default (normal).
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


def _others(sim: Simulation, vm: Vm) -> list[Vm]:
    """The VMs whose reservations the VM's host has already promised (running there, or on
    their way in by vMotion)."""
    return checks.running_on(sim, vm.host, exclude=vm.name) + [
        sim.inv.vms[m.vm] for m in sim.migrations.incoming(vm.host) if m.vm != vm.name
    ]


def _reserve_cpu(sim: Simulation, c: Command) -> Apply:
    vm = checks.vm(sim, c.text("vm"))
    mhz = float(c.integer("mhz"))
    h = sim.inv.hosts[vm.host]
    if mhz == vm.cpu_reservation:
        raise Rejected(f"{vm.name} already reserves {mhz:,.0f} MHz")
    most = vm.vcpu * h.mhz
    if mhz > most:
        raise Rejected(
            f"{vm.name}'s {vm.vcpu} vCPU{'s' if vm.vcpu != 1 else ''} can use at most "
            f"{most:,} MHz on {h.name} ({vm.vcpu} × {h.mhz:,} MHz); reserve at most that"
        )
    if vm.power == "on" and mhz > vm.cpu_reservation:
        free = h.capacity_mhz - sum(v.cpu_reservation for v in _others(sim, vm))
        if mhz > free + 1e-9:
            raise Rejected(
                f"{h.name} has {free:,.0f} MHz unreserved CPU "
                f"({h.capacity_mhz:,.0f} MHz, {h.capacity_mhz - free:,.0f} reserved by other VMs); "
                f"{vm.name} would reserve {mhz:,.0f} MHz"
            )

    def apply() -> str:
        old = vm.cpu_reservation
        vm.cpu_reservation = mhz
        sim.touch()
        return f"{vm.name} CPU reservation {old:,.0f} → {mhz:,.0f} MHz"

    return apply


def _reserve_mem(sim: Simulation, c: Command) -> Apply:
    vm = checks.vm(sim, c.text("vm"))
    gib = c.number("gib")
    h = sim.inv.hosts[vm.host]
    if gib == vm.mem_reservation:
        raise Rejected(f"{vm.name} already reserves {fmt(gib)} GiB")
    if gib > vm.memory:
        raise Rejected(f"{vm.name} has {fmt(vm.memory)} GiB of memory; it cannot reserve {fmt(gib)} GiB")
    if vm.power == "on" and gib > vm.mem_reservation:
        free = h.memory - sum(v.mem_reservation for v in _others(sim, vm))
        if gib > free + 1e-9:
            raise Rejected(
                f"{h.name} has {fmt(free)} GiB unreserved memory "
                f"({fmt(h.memory)} GiB, {fmt(h.memory - free)} reserved by other VMs); "
                f"{vm.name} would reserve {fmt(gib)} GiB"
            )
    checks.check_swap_growth(sim, vm, vm.mem_reservation - gib)  # less reserved: it grows

    def apply() -> str:
        old = vm.mem_reservation
        vm.mem_reservation = gib
        sim.touch()
        return f"{vm.name} memory reservation {fmt(old)} → {fmt(gib)} GiB"

    return apply


HANDLERS: Handlers = {
    "vm reserve cpu": _reserve_cpu,
    "vm reserve mem": _reserve_mem,
}
