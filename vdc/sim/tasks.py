"""Provides the task list: operations that take sim time (vMotion, Storage vMotion, HA
restarts, snapshot consolidation, maintenance, host reboots), queued, running or finished.

A mechanism adds its task when a command (or HA, or DRS) starts one, moves it through
`queued → running → done | failed`, and keeps `ends_at` as its expected end so that the Tasks
panel can show progress and an ETA. The list is plain data: it copies with the simulation.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

TASK_STATES = ("queued", "running", "done", "failed", "cancelled")


@dataclass(slots=True)
class Task:
    id: int
    kind: str
    """vmotion, svmotion, ha_restart, consolidate, maintenance, host_reboot, …"""
    subject: str
    """The VM or host it works on."""
    target: str
    """Where it goes (a host or datastore), or "" when nowhere."""
    queued_at: float
    state: str = "queued"
    started_at: float | None = None
    ends_at: float | None = None
    """Expected end while running (updated when the estimate changes)."""
    finished_at: float | None = None
    detail: str = ""
    """What it is doing now, what it did, or why it failed."""

    @property
    def active(self) -> bool:
        return self.state in ("queued", "running")

    def progress(self, now: float) -> float:
        """Fraction done, by time, while running (0 queued, 1 finished)."""
        if self.state in ("done", "failed", "cancelled"):
            return 1.0
        if self.state != "running" or self.started_at is None or self.ends_at is None:
            return 0.0
        span = self.ends_at - self.started_at
        return 1.0 if span <= 0 else max(0.0, min(1.0, (now - self.started_at) / span))


@dataclass(slots=True)
class TaskList:
    """Every task of the run, oldest first."""

    tasks: list[Task] = field(default_factory=list)
    version: int = 0
    """Bumped on every change (renderers redraw only then)."""
    live: list[Task] = field(default_factory=list)
    """The tasks that may still be queued or running, oldest first: `active` reads these, not
    the whole run's list (thousands of finished tasks at enterprise size)."""
    _pruned: int = -1
    """`version` when `live` last lost its finished tasks."""
    by_subject: dict[str, list[Task]] = field(default_factory=dict)
    """Tasks that may still be active, by the VM or host they work on (for `active_of`)."""
    digest_rows: list[str] = field(default_factory=list)
    """The state digest's JSON row of each task of the leading run of finished ones (they no
    longer change): `vdc.sim.digest` encodes only the tasks after them again."""

    def add(self, kind: str, subject: str, target: str, t: float, detail: str = "") -> Task:
        task = Task(len(self.tasks) + 1, kind, subject, target, round(float(t), 3), detail=detail)
        self.tasks.append(task)
        self.live.append(task)
        self.by_subject.setdefault(subject, []).append(task)
        self.version += 1
        return task

    def start(self, task: Task, t: float, ends_at: float, detail: str = "") -> None:
        if not task.active:  # started again after it ended: live again, in id order
            del self.digest_rows[task.id - 1 :]
            self.active()
            bisect.insort(self.live, task, key=lambda k: k.id)
            bisect.insort(self.by_subject.setdefault(task.subject, []), task, key=lambda k: k.id)
        task.state = "running"
        task.started_at = round(float(t), 3)
        task.ends_at = float(ends_at)
        if detail:
            task.detail = detail
        self.version += 1

    def finish(self, task: Task, t: float, *, ok: bool = True, detail: str = "",
               cancelled: bool = False) -> None:
        """End a task: done, failed (`ok=False`) or cancelled by the player."""
        task.state = "cancelled" if cancelled else "done" if ok else "failed"
        task.finished_at = round(float(t), 3)
        if detail:
            task.detail = detail
        self.version += 1

    def active(self, kind: str | None = None) -> list[Task]:
        """The queued and running tasks (of `kind`), oldest first."""
        if self._pruned != self.version:  # a task finished only through `finish`
            self.live = [t for t in self.live if t.active]
            self._pruned = self.version
        return [t for t in self.live if t.active and (kind is None or t.kind == kind)]

    def active_of(self, subject: str, kind: str | None = None) -> list[Task]:
        """The queued and running tasks (of `kind`) working on `subject`, oldest first: what
        `active(kind)` holds for it, at the cost of that subject's tasks only."""
        mine = self.by_subject.get(subject)
        if not mine:
            return []
        if not all(t.active for t in mine):
            mine = [t for t in mine if t.active]
            if mine:
                self.by_subject[subject] = mine
            else:
                del self.by_subject[subject]
        return [t for t in mine if t.subject == subject and (kind is None or t.kind == kind)]

    def of(self, subject: str) -> list[Task]:
        return [t for t in self.tasks if t.subject == subject]
