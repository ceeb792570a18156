"""Provides guest OS installs: a task of minutes in a running VM that has no OS yet.

A new VM boots to nothing ("no operating system found") and serves nothing. `os install` runs
the installer in its guest; when it ends the VM has its OS and Tools (open-vm-tools, or the
virtio drivers, come with a current guest: the paravirtual adapters a new VM gets have their
drivers) and reboots into it, serving after its boot. The guest going down meanwhile (power
off, reset, a host failure) fails the install.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation

OS_INSTALL_S: dict[str, float] = {"linux": 600.0, "windows": 1200.0}
"""[assumption] Seconds an unattended install from an ISO takes, by guest OS: ten minutes for a
Linux server, twenty for Windows Server."""

DEFAULT_OS = "linux"


def install(sim: Simulation, vm: str, os: str) -> int:
    """Start installing `os` in `vm`'s guest; return the task's id."""
    v = sim.inv.vms[vm]
    secs = OS_INSTALL_S[os]
    task = sim.tasks.add("os_install", vm, os, sim.now)
    sim.tasks.start(task, sim.now, sim.now + secs, detail=f"installing {os} ({secs:g} s)")
    sim.after(secs, installed, sim, vm, task.id, v.up_at)
    return task.id


def installing(sim: Simulation, vm: str) -> bool:
    return any(t.kind == "os_install" for t in sim.tasks.active() if t.subject == vm)


def installed(sim: Simulation, vm: str, task_id: int, up_at: float) -> None:
    """The installer finished — unless the guest went down (or rebooted) meanwhile."""
    task = sim.tasks.tasks[task_id - 1]
    if task.state != "running":  # failed already (its host failed)
        return
    v = sim.inv.vms[vm]
    if v.power != "on" or v.up_at != up_at or not sim.inv.hosts[v.host].runs_vms:
        sim.tasks.finish(task, sim.now, ok=False, detail="the guest went down during the install")
        sim.log.add(sim.now, "os_install_failed", vm,
                    f"the OS install in {vm} failed: the guest went down; run os install {vm} again")
        return
    v.os = True
    v.tools = True
    v.up_at = sim.now + v.boot_s  # the installer reboots into the new OS
    sim.touch()
    sim.tasks.finish(task, sim.now, detail=f"{task.target} installed; rebooting")
    sim.log.add(sim.now, "os_installed", vm,
                f"{task.target} is installed in {vm}; it reboots and serves in {v.boot_s:g} s")


def cancel(sim: Simulation, task_id: int) -> str:
    """The player stops the installer (`task cancel`): the VM stays without an OS."""
    task = sim.tasks.tasks[task_id - 1]
    sim.tasks.finish(task, sim.now, cancelled=True, detail="cancelled; no guest OS")
    sim.log.add(sim.now, "task_cancelled", task.subject, f"OS install in {task.subject} cancelled")
    return f"OS install in {task.subject} cancelled; it still has no guest OS"


def host_down(sim: Simulation, vms: list[str]) -> None:
    """A host failed with `vms` running: their installs fail now."""
    for t in sim.tasks.active("os_install"):
        if t.subject in vms:
            sim.tasks.finish(t, sim.now, ok=False, detail="the host failed during the install")
            sim.log.add(sim.now, "os_install_failed", t.subject,
                        f"the OS install in {t.subject} failed: its host failed")
