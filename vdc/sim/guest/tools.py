"""Provides guest Tools installs: a task in the running guest that takes effect only after the
guest reboots (`power reset`, or power off and on; an HA restart counts too).

Tools bring the balloon driver (memory), quiesced snapshots, graceful shutdown for HA's
isolation response and the drivers paravirtual adapters need (`adapters.py`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation

TOOLS_INSTALL_S = 120.0
"""[assumption] Seconds the installer runs in the guest."""


def install(sim: Simulation, vm: str) -> int:
    """Start installing Tools in `vm`'s guest; return the task's id."""
    v = sim.inv.vms[vm]
    task = sim.tasks.add("tools_install", vm, "", sim.now)
    sim.tasks.start(task, sim.now, sim.now + TOOLS_INSTALL_S, detail=f"installing ({TOOLS_INSTALL_S:g} s)")
    sim.after(TOOLS_INSTALL_S, installed, sim, vm, task.id, v.up_at)
    return task.id


def installing(sim: Simulation, vm: str) -> bool:
    return any(t.kind == "tools_install" for t in sim.tasks.active() if t.subject == vm)


def cancel(sim: Simulation, task_id: int) -> str:
    """The player stops the installer (validated: it runs): the guest keeps what it had."""
    task = sim.tasks.tasks[task_id - 1]
    sim.tasks.finish(task, sim.now, cancelled=True, detail="cancelled; the guest has no Tools")
    sim.log.add(sim.now, "task_cancelled", task.subject, f"Tools install in {task.subject} cancelled")
    return f"Tools install in {task.subject} cancelled; its guest still has no Tools"


def installed(sim: Simulation, vm: str, task_id: int, up_at: float) -> None:
    """The installer finished — unless it was cancelled, or the guest went down (or rebooted)
    meanwhile."""
    v = sim.inv.vms[vm]
    task = sim.tasks.tasks[task_id - 1]
    if not task.active:
        return
    if v.power != "on" or v.up_at != up_at or not sim.inv.hosts[v.host].runs_vms:
        sim.tasks.finish(task, sim.now, ok=False, detail="the guest went down during the install")
        return
    v.tools_installed_at = float(sim.now)
    sim.tasks.finish(task, sim.now, detail="installed; reboot the guest to start them")
    sim.log.add(sim.now, "tools_installed", vm,
                f"Tools are installed in {vm}; they start when the guest reboots (power reset {vm})")
