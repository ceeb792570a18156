"""Provides `task cancel`: the player calls back a task of their own that is queued or running.

As in vCenter, only some tasks can be cancelled. A vMotion (the VM stays on its source and the
destination lets go of its memory), a Storage vMotion (the disks stay; the partial copy is
deleted), entering maintenance mode (the host takes VMs again) and a Tools install (the guest
keeps what it had) can. A memory snapshot being written, a consolidation (its merge must end
for the disk chain to be whole), an HA restart (HA's, not the player's) and a host reboot (the
host is already down) cannot: the refusal says so and when the task ends.

The task is named by its number (as the Tasks panel and the busy refusals show it) or by its VM
or host, when that has one task that can be cancelled.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from vdc.sim.checks import Rejected
from vdc.sim.guest import tools
from vdc.sim.handler import Apply, Handlers
from vdc.sim.moves import maintenance, svmotion, vmotion

if TYPE_CHECKING:
    from vdc.sim.commands import Command
    from vdc.sim.engine import Simulation
    from vdc.sim.tasks import Task


def _maintenance(sim: Simulation, task_id: int) -> str:
    host = sim.tasks.tasks[task_id - 1].subject
    maintenance.cancel(sim, host, "cancelled; the host takes VMs again")
    sim.log.add(sim.now, "maintenance_exited", host, f"{host} stopped entering maintenance mode")
    return f"{host} stopped entering maintenance mode; VMs already moved off stay where they are"


CANCEL: dict[str, Callable[[Simulation, int], str]] = {
    "vmotion": vmotion.cancel,
    "svmotion": svmotion.cancel,
    "maintenance": _maintenance,
    "tools_install": tools.cancel,
}
"""Task kind → how to cancel one of it (it is queued or running); returns what happened."""

KIND_WORDS = {
    "vmotion": "vMotion", "svmotion": "Storage vMotion", "maintenance": "maintenance entry",
    "tools_install": "Tools install", "snapshot": "memory snapshot", "consolidate": "consolidation",
    "ha_restart": "HA restart", "host_reboot": "reboot", "vsan_resync": "vSAN resync",
}

_WHY_NOT = {
    "snapshot": "a memory snapshot being written cannot be cancelled",
    "consolidate": "a consolidation cannot be cancelled: the disk chain is whole only when the merge ends",
    "ha_restart": "HA's restarts are not yours to cancel",
    "host_reboot": "a reboot cannot be called back: the host is already down",
    "vsan_resync": "a vSAN resync cannot be cancelled: it ends when the copies are in sync",
}


def cancellable(task: Task) -> bool:
    """Whether the player may cancel `task` now."""
    return task.active and task.kind in CANCEL


def _words(task: Task) -> str:
    return f"{KIND_WORDS.get(task.kind, task.kind)} of {task.subject} (task {task.id})"


def _refusal(sim: Simulation, task: Task) -> str:
    """Why `task` cannot be cancelled (it is not active, or of a kind that cannot be)."""
    if not task.active:
        at = f" at t = {task.finished_at:.0f} s" if task.finished_at is not None else ""
        how = {"done": "finished", "failed": "failed", "cancelled": "was cancelled"}[task.state]
        return f"the {_words(task)} {how if how.startswith('was') else 'already ' + how}{at}"
    ends = f"; it ends at t = {task.ends_at:.0f} s" if task.ends_at is not None and task.ends_at > sim.now else ""
    return f"{_WHY_NOT.get(task.kind, 'this task cannot be cancelled')}{ends}"


def find(sim: Simulation, name: str) -> Task:
    """The task `name` means: a task number (`12`, `#12`) or a VM or host with one task that
    can be cancelled. `Rejected` with why when there is none, or more than one."""
    token = name.removeprefix("#")
    if token.isdigit():
        n = int(token)
        if not 1 <= n <= len(sim.tasks.tasks):
            last = len(sim.tasks.tasks)
            raise Rejected(f"there is no task {n}" + (f" (tasks are numbered 1 to {last})" if last else " yet"))
        return sim.tasks.tasks[n - 1]
    if name not in sim.inv.vms and name not in sim.inv.hosts:
        raise Rejected(f"{name} is neither a task number nor a VM or host")
    active = [t for t in sim.tasks.of(name) if t.active]
    if not active:
        raise Rejected(f"{name} has no task running or queued")
    ours = [t for t in active if cancellable(t)]
    if not ours:
        raise Rejected(_refusal(sim, active[0]))
    if len(ours) > 1:
        listed = ", ".join(_words(t) for t in ours)
        raise Rejected(f"{name} has {len(ours)} tasks ({listed}); name one: task cancel {ours[0].id}")
    return ours[0]


def _task_cancel(sim: Simulation, c: Command) -> Apply:
    task = find(sim, c.text("task"))
    if not cancellable(task):
        raise Rejected(_refusal(sim, task))
    undo = CANCEL[task.kind]
    return lambda: undo(sim, task.id)


HANDLERS: Handlers = {"task cancel": _task_cancel}
