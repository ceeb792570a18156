"""Provides the power commands: VMs on, off and reset; hosts on and off.

A VM powers on on its own host, on a host the player names (it moves there while off), or, in a
partially or fully automated DRS cluster, on the host DRS picks. Powering on is admitted on
reservations (`checks.check_fits`), HA admission control and the required DRS rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vdc.sim import affinity, checks, vsan
from vdc.sim.checks import AdmissionRefused, Rejected, fmt
from vdc.sim.drs import passes as drs
from vdc.sim.ha.admission import admission_refusal
from vdc.sim.handler import Apply, Handlers

if TYPE_CHECKING:
    from vdc.sim.commands import Command
    from vdc.sim.engine import Simulation
    from vdc.sim.model import Vm


def check_swap_space(sim: Simulation, vm: Vm) -> None:
    """Reject unless the VM's home datastore has room for the swap file made at power-on."""
    home = vm.home_datastore
    if home is None or vm.swap_gib <= 0:
        return
    checks.check_space(sim, sim.inv.datastores[home], vm.swap_gib, f"{vm.name}'s swap file needs")


def _power_on(sim: Simulation, c: Command) -> Apply:
    vm = checks.vm(sim, c.text("vm"))
    if vm.power == "on":
        state = "booting" if sim.now < vm.up_at else "powered on"
        raise Rejected(f"{vm.name} is already {state}")
    checks.require_idle(sim, vm, "power")
    named = c.opt_text("host")
    chosen = None if named else drs.initial_host(sim, vm)  # partial / full DRS places it
    h = checks.host(sim, named or chosen or vm.host)
    checks.require_host(sim, h, "place")
    if h.name != vm.host:
        checks.check_reach(sim, vm, h)
    storage = vsan.refusal(sim, vm, h.name)
    if storage is not None:
        raise Rejected(storage)
    checks.check_fits(sim, vm, h, vm.vcpu, vm.memory)
    check_swap_space(sim, vm)
    why = admission_refusal(sim, vm, h)
    if why is not None:
        raise AdmissionRefused(why)
    rule = affinity.refusal(sim, vm, h)
    if rule is not None:
        raise Rejected(f"{vm.name} cannot run on {h.name}: {rule}")

    def apply() -> str:
        moved = h.name != vm.host
        vm.host = h.name
        vm.power = "on"
        vm.up_at = sim.now + vm.boot_s
        sim.touch(keeps_network=True, keeps_hardware=True)
        where = f"moved to {h.name} while off" if moved else h.name
        if chosen is not None:
            where = f"DRS placed it on {h.name}"
        return f"{vm.name} is powering on ({where}); up in {fmt(vm.boot_s)} s"

    return apply


def _power_off(sim: Simulation, c: Command) -> Apply:
    vm = checks.vm(sim, c.text("vm"))
    if vm.power != "on":
        raise Rejected(f"{vm.name} is already powered off")
    checks.require_idle(sim, vm, "power")

    def apply() -> str:
        vm.power = "off"
        sim.touch(keeps_network=True, keeps_hardware=True)
        return f"{vm.name} powered off"

    return apply


def _power_reset(sim: Simulation, c: Command) -> Apply:
    vm = checks.vm(sim, c.text("vm"))
    if vm.power != "on":
        raise Rejected(f"{vm.name} is powered off; use power on {vm.name}")
    checks.require_idle(sim, vm, "power")

    def apply() -> str:
        vm.up_at = sim.now + vm.boot_s
        sim.touch(keeps_network=True, keeps_hardware=True)
        return f"{vm.name} reset; up again in {fmt(vm.boot_s)} s"

    return apply


def _host_power_on(sim: Simulation, c: Command) -> Apply:
    h = checks.host(sim, c.text("host"))
    checks.require_host(sim, h, "power-on")

    def apply() -> str:
        sim.boot_host(h.name)
        return f"{h.name} is powering on; up in {fmt(h.boot_s)} s"

    return apply


def _host_power_off(sim: Simulation, c: Command) -> Apply:
    h = checks.host(sim, c.text("host"))
    if h.state in ("off", "failed"):
        raise Rejected(f"{h.name} is already {'powered off' if h.state == 'off' else 'down (failed)'}")
    running = checks.running_on(sim, h.name)
    if running:
        names = checks.vm_names(running)
        what = "1 VM" if len(running) == 1 else f"{len(running)} VMs"
        raise Rejected(f"{h.name} still runs {what} ({names}); power them off or move them first")
    if sim.migrations.on_host(h.name):
        raise Rejected(f"{h.name} has a vMotion in progress")

    def apply() -> str:
        h.state = "off"
        sim.touch(keeps_network=True, keeps_hardware=True)
        vsan.host_down(sim, h.name, [])
        return f"{h.name} powered off"

    return apply


HANDLERS: Handlers = {
    "power on": _power_on,
    "power off": _power_off,
    "power reset": _power_reset,
    "host power on": _host_power_on,
    "host power off": _host_power_off,
}
