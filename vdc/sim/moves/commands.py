"""Provides the handlers of vmotion, svmotion, maintenance enter/exit and host reboot.

Each checks everything first and returns the change, which hands the work to its mechanism:
`vmotion`, `svmotion`, `maintenance`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vdc.sim import checks, vsan
from vdc.sim.checks import Rejected, fmt
from vdc.sim.ha import agents as ha
from vdc.sim.handler import Apply, Handlers
from vdc.sim.moves import maintenance, svmotion, vmotion

if TYPE_CHECKING:
    from vdc.sim.commands import Command
    from vdc.sim.engine import Simulation
    from vdc.sim.tasks import Task


def _left(sim: Simulation, task: Task) -> float:
    """Seconds until a task that started ends (its estimate)."""
    return (task.ends_at if task.ends_at is not None else sim.now) - sim.now


def _vmotion(sim: Simulation, c: Command) -> Apply:
    vm = checks.vm(sim, c.text("vm"))
    dst = checks.host(sim, c.text("host"))
    name = c.opt_text("datastore")
    ds = checks.datastore(sim, name) if name is not None else None
    vmotion.check_vmotion(sim, vm, dst, datastore=ds)

    def apply() -> str:
        src = vm.host
        task = vmotion.submit(sim, vm, dst, ds)
        to = f"{dst.name} with its disks to {ds.name}" if ds is not None else dst.name
        if task.state == "queued":
            slot = "vMotion or Storage vMotion slot" if ds is not None else "vMotion slot"
            return f"vMotion of {vm.name} {src} → {to} queued: no free {slot} on its hosts"
        if task.state == "failed":
            return f"vMotion of {vm.name} failed: {task.detail}"
        return f"vMotion of {vm.name} {src} → {to} started; expected {fmt(_left(sim, task))} s"

    return apply


def _svmotion(sim: Simulation, c: Command) -> Apply:
    vm = checks.vm(sim, c.text("vm"))
    ds = checks.datastore(sim, c.text("datastore"))
    svmotion.check(sim, vm, ds)

    def apply() -> str:
        task = svmotion.submit(sim, vm, ds)
        if task.state == "queued":
            return f"Storage vMotion of {vm.name} → {ds.name} queued: {vm.host} already runs 2"
        return f"Storage vMotion of {vm.name} → {ds.name} started; expected {fmt(_left(sim, task))} s"

    return apply


def _maintenance_enter(sim: Simulation, c: Command) -> Apply:
    h = checks.host(sim, c.text("host"))
    checks.require_host(sim, h, "maintenance")
    evacuate_off = c.flag("evacuate_powered_off")
    mode = c.opt_text("vsan")
    if mode is not None and not vsan.holds_data(sim, h.name):
        raise Rejected(f"{h.name} gives no disks to vSAN: there is no vSAN data mode to choose")
    if vsan.holds_data(sim, h.name):
        mode = mode or "ensure-accessibility"
        risk = vsan.maintenance_check(sim, h.name, mode)
    else:
        mode, risk = "", ""
    return lambda: maintenance.begin(sim, h.name, evacuate_off, mode) + risk


def _maintenance_exit(sim: Simulation, c: Command) -> Apply:
    h = checks.host(sim, c.text("host"))
    pending = maintenance.entering(sim, h.name)
    if not h.maintenance and pending is None:
        raise Rejected(f"{h.name} is not in maintenance mode")

    def apply() -> str:
        if pending is not None:
            maintenance.cancel(sim, h.name)
        else:
            h.maintenance = False  # a host that is off, booting or failed keeps its power state
            if h.state == "maintenance":
                h.state = "on"
                ha.host_up(sim, h.name)
                vsan.host_up(sim, h.name)
            sim.touch()
        sim.log.add(sim.now, "maintenance_exited", h.name, f"{h.name} left maintenance mode")
        return f"{h.name} left maintenance mode"

    return apply


def _host_reboot(sim: Simulation, c: Command) -> Apply:
    h = checks.host(sim, c.text("host"))
    checks.require_host(sim, h, "reboot")
    running = checks.running_on(sim, h.name)
    if running:
        names = checks.vm_names(running)
        raise Rejected(f"{h.name} still runs {names}; enter maintenance mode or move them first")
    if sim.migrations.on_host(h.name) or any(m.dst == h.name for m in sim.migrations.queued):
        raise Rejected(f"{h.name} has a vMotion in progress")

    def apply() -> str:
        maintenance.cancel(sim, h.name)
        maintenance.reboot(sim, h.name)
        return f"{h.name} is rebooting; up in {fmt(h.boot_s)} s"

    return apply


HANDLERS: Handlers = {
    "vmotion": _vmotion,
    "svmotion": _svmotion,
    "maintenance enter": _maintenance_enter,
    "maintenance exit": _maintenance_exit,
    "host reboot": _host_reboot,
}
