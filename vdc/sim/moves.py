"""Provides the handlers of vmotion, svmotion, maintenance enter/exit and host reboot.

Each validates first (the same rejections with apply=False as with apply=True) and, applied,
hands the work to its mechanism: `vmotion`, `svmotion`, `maintenance`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from vdc.sim import maintenance, svmotion, vmotion
from vdc.sim.commands import Command
from vdc.sim.dispatch import Rejected, _fmt, _host, _lookup, _running_on, _vm, vm_names

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation


def _vmotion(sim: Simulation, c: Command, apply: bool) -> str:
    vm = _vm(sim, c["vm"])
    dst = _host(sim, c["host"])
    vmotion.check_vmotion(sim, vm, dst)
    if not apply:
        return ""
    src = vm.host
    task = vmotion.submit(sim, vm, dst)
    if task.state == "queued":
        return f"vMotion of {vm.name} {src} → {dst.name} queued: no free vMotion slot on its hosts"
    if task.state == "failed":
        return f"vMotion of {vm.name} failed: {task.detail}"
    return f"vMotion of {vm.name} {src} → {dst.name} started; expected {_fmt(task.ends_at - sim.now)} s"


def _svmotion(sim: Simulation, c: Command, apply: bool) -> str:
    vm = _vm(sim, c["vm"])
    ds = _lookup("datastore", str(c["datastore"]), sim.inv.datastores)
    svmotion.check(sim, vm, ds)  # type: ignore[arg-type]
    if not apply:
        return ""
    task = svmotion.submit(sim, vm, ds)  # type: ignore[arg-type]
    if task.state == "queued":
        return f"Storage vMotion of {vm.name} → {ds.name} queued: {vm.host} already runs 2"  # type: ignore[attr-defined]
    return f"Storage vMotion of {vm.name} → {ds.name} started; expected {_fmt(task.ends_at - sim.now)} s"  # type: ignore[attr-defined]


def _maintenance_enter(sim: Simulation, c: Command, apply: bool) -> str:
    h = _host(sim, c["host"])
    if h.hypervisor == "none":
        raise Rejected(f"{h.name} is a bare-metal server, not a hypervisor host")
    if h.state == "maintenance":
        raise Rejected(f"{h.name} is already in maintenance mode")
    if maintenance.entering(sim, h.name):
        raise Rejected(f"{h.name} is already entering maintenance mode")
    if h.state != "on":
        state = "down (failed)" if h.state == "failed" else (
            "cut off from the management network" if h.state == "isolated" else h.state)
        raise Rejected(f"{h.name} is {state}; only a host that is on can enter maintenance mode")
    if not apply:
        return ""
    return maintenance.begin(sim, h.name, bool(c.get("evacuate_powered_off")))


def _maintenance_exit(sim: Simulation, c: Command, apply: bool) -> str:
    h = _host(sim, c["host"])
    pending = maintenance.entering(sim, h.name)
    if h.state != "maintenance" and pending is None:
        raise Rejected(f"{h.name} is not in maintenance mode")
    if not apply:
        return ""
    if pending is not None:
        maintenance.cancel(sim, h.name)
    else:
        h.state = "on"
        sim.touch()
    sim.log.add(sim.now, "maintenance_exited", h.name, f"{h.name} left maintenance mode")
    return f"{h.name} left maintenance mode"


def _host_reboot(sim: Simulation, c: Command, apply: bool) -> str:
    h = _host(sim, c["host"])
    if h.hypervisor == "none":
        raise Rejected(f"{h.name} is a bare-metal server, not a hypervisor host")
    if h.state == "failed":
        raise Rejected(f"{h.name} has failed; it cannot be rebooted until it is repaired")
    if h.state == "off":
        raise Rejected(f"{h.name} is powered off; use host power on {h.name}")
    if h.state == "booting":
        raise Rejected(f"{h.name} is already booting (ready at t = {_fmt(h.ready_at)} s)")
    if h.state == "isolated":
        raise Rejected(f"{h.name} is cut off from the management network")
    running = _running_on(sim, h.name)
    if running:
        names = vm_names(running)
        raise Rejected(f"{h.name} still runs {names}; enter maintenance mode or move them first")
    if sim.migrations.on_host(h.name) or any(m.dst == h.name for m in sim.migrations.queued):
        raise Rejected(f"{h.name} has a vMotion in progress")
    if not apply:
        return ""
    maintenance.cancel(sim, h.name)
    maintenance.reboot(sim, h.name)
    return f"{h.name} is rebooting; up in {_fmt(h.boot_s)} s"


MOVE_HANDLERS: dict[str, Callable[[Simulation, Command, bool], str]] = {
    "vmotion": _vmotion,
    "svmotion": _svmotion,
    "maintenance enter": _maintenance_enter,
    "maintenance exit": _maintenance_exit,
    "host reboot": _host_reboot,
}
