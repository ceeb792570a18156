"""Provides maintenance mode and host reboots.

`maintenance enter` puts a host in "entering maintenance": it takes no new VMs and waits until
no running VM is left on it (and, with --evacuate-powered-off, no powered-off VM either), then
it is in maintenance. The player moves the VMs (vMotion, or power on elsewhere while off); in a
DRS cluster a pass plans the evacuation at once: a fully automated one moves them itself, the
others recommend the moves. DRS sits above this module (it uses vMotion), so the engine tells
it (`Simulation.host_entering_maintenance`, `Simulation.evacuation_note`).
`host reboot` takes a host without running VMs down for its boot time; it comes back in the
state it left (a host rebooted in maintenance stays in maintenance). A reboot that ends in
maintenance mode is how a host is patched: the run's metrics note when (`patched_at`, read by
the `host_patched` assessment check).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from vdc.sim import vsan
from vdc.sim.ha import agents as ha

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation


@dataclass(slots=True)
class Entering:
    host: str
    task_id: int
    evacuate_off: bool
    vsan_mode: str = ""
    """What happens to its vSAN data (`vdc.sim.vsan.evacuate`); "" off vSAN."""


@dataclass(slots=True)
class MaintenanceBoard:
    entering: list[Entering]

    def entering_of(self, host: str) -> Entering | None:
        """The host's pending entry into maintenance mode, if it is entering."""
        return next((e for e in self.entering if e.host == host), None)


def new_board() -> MaintenanceBoard:
    return MaintenanceBoard([])


def entering(sim: Simulation, host: str) -> Entering | None:
    return sim.maintenance.entering_of(host)


def blocking(sim: Simulation, e: Entering) -> list[str]:
    """VMs that still keep the host from being in maintenance."""
    return [
        v.name for v in sim.inv.vms_on(e.host)
        if v.power == "on" or e.evacuate_off
    ]


def arriving(sim: Simulation, host: str) -> list[str]:
    """VMs whose vMotion into `host` is running: the host is not in maintenance until they land
    (and then leave) or their migration fails."""
    return [m.vm for m in sim.migrations.incoming(host)]


def begin(sim: Simulation, host: str, evacuate_off: bool, vsan_mode: str = "") -> str:
    """Start entering maintenance (validated already); returns what happened."""
    task = sim.tasks.add("maintenance", host, "", sim.now)
    e = Entering(host, task.id, evacuate_off, vsan_mode)
    sim.maintenance.entering.append(e)
    if vsan_mode:
        vsan.maintenance_start(sim, host, vsan_mode)
    sim.tasks.start(task, sim.now, sim.now, detail="entering maintenance")
    sim.log.add(sim.now, "maintenance_entering", host, f"{host} is entering maintenance mode")
    sim.host_entering_maintenance(host)
    poll(sim)
    if entering(sim, host) is None:
        return f"{host} is in maintenance mode"
    return f"{host} is entering maintenance mode; {sim.tasks.tasks[task.id - 1].detail}"


def poll(sim: Simulation) -> None:
    """Finish entering maintenance for hosts that are empty now; say what blocks the others."""
    for e in list(sim.maintenance.entering):
        task = sim.tasks.tasks[e.task_id - 1]
        left, coming = blocking(sim, e), arriving(sim, e.host)
        copying = vsan.maintenance_pending(sim, e.host) if e.vsan_mode else 0
        if not left and not coming and not copying:
            sim.maintenance.entering.remove(e)
            h = sim.inv.hosts[e.host]
            h.maintenance = True
            h.come_up()
            sim.tasks.finish(task, sim.now, detail=f"{e.host} is in maintenance mode")
            sim.log.add(sim.now, "maintenance_entered", e.host, f"{e.host} is in maintenance mode")
            sim.touch()
            ha.host_in_maintenance(sim, e.host)
            if e.vsan_mode:
                vsan.host_down(sim, e.host, [])  # what stayed on it is absent meanwhile
            continue
        what = "VM" if len(left) == 1 else "VMs"
        kind = "" if e.evacuate_off else "running "
        names = ", ".join(left[:4]) + (", …" if len(left) > 4 else "")
        extra = sim.evacuation_note(e.host)
        waits = [f"{len(left)} {kind}{what} to leave: {names}"] if left else []
        if coming:
            waits.append(f"vMotion of {', '.join(coming[:4])}{', …' if len(coming) > 4 else ''} to land")
        if copying:
            waits.append(f"vSAN to copy {copying} component(s) off ({e.vsan_mode})")
        detail = "waiting for " + "; ".join(waits) + (f"; {extra}" if extra else "")
        if detail != task.detail:
            task.detail = detail
            task.ends_at = sim.now
            sim.tasks.version += 1


def cancel(sim: Simulation, host: str, why: str = "cancelled by maintenance exit") -> None:
    """Stop entering maintenance mode: the host takes VMs again; moves already made stay."""
    e = entering(sim, host)
    if e is not None:
        sim.maintenance.entering.remove(e)
        sim.tasks.finish(sim.tasks.tasks[e.task_id - 1], sim.now, cancelled=True, detail=why)


def host_down(sim: Simulation, host: str) -> None:
    e = entering(sim, host)
    if e is not None:
        sim.maintenance.entering.remove(e)
        sim.tasks.finish(sim.tasks.tasks[e.task_id - 1], sim.now, ok=False, detail=f"{host} failed")


def reboot(sim: Simulation, host: str) -> None:
    """Take `host` down for its boot time (validated already)."""
    h = sim.inv.hosts[host]
    h.state = "booting"
    h.ready_at = sim.now + h.boot_s
    task = sim.tasks.add("host_reboot", host, "", sim.now)
    sim.tasks.start(task, sim.now, h.ready_at, detail=f"rebooting ({h.boot_s:g} s)")
    sim.log.add(sim.now, "host_rebooting", host, f"{host} is rebooting ({h.boot_s:g} s)")
    sim.touch()
    vsan.host_down(sim, host, [])
    sim.after(h.boot_s, rebooted, sim, host, h.ready_at, task.id)


def rebooted(sim: Simulation, host: str, at: float, task_id: int) -> None:
    """The reboot is over: the host comes back on, in maintenance mode if it is in it."""
    h = sim.inv.hosts[host]
    task = sim.tasks.tasks[task_id - 1]
    if h.state != "booting" or h.ready_at != at:
        if task.active:
            sim.tasks.finish(task, sim.now, ok=False, detail=f"{host} is {h.state}")
        return
    h.come_up()
    if h.maintenance:
        sim.metrics.patched_at[host] = sim.now
    where = " (in maintenance mode)" if h.maintenance else ""
    sim.tasks.finish(task, sim.now, detail=f"{host} is up{where}")
    sim.log.add(sim.now, "host_on", host, f"{host} is up{where}")
    sim.touch()
    vsan.host_up(sim, host)
