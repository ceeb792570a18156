"""Provides the slot queue both migration kinds share: first come, first served, per-host slots.

A vMotion or Storage vMotion is submitted as a job: it waits in `queued` until its hosts have a
free slot, then runs until it finishes or fails. `pump` starts the queued jobs in order that
may start now; it is called after every change that can free a slot. The kinds differ only in
what a slot is (a vMotion holds one on both hosts, a Storage vMotion on its VM's host) and in
what starting a job does, which they pass in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar


class Job(Protocol):
    """What the queue needs of a job: its task and its VM."""

    task_id: int
    vm: str


J = TypeVar("J", bound=Job)


@dataclass(slots=True)
class SlotQueue(Generic[J]):
    """The jobs of one migration kind: `queued` (in arrival order), then `running`."""

    queued: list[J] = field(default_factory=list)
    running: list[J] = field(default_factory=list)
    version: int = 0
    """Bumped when a job starts, finishes or fails (readers cache on it)."""

    def of_vm(self, vm: str) -> J | None:
        """The VM's job, running or queued (a VM has at most one at a time)."""
        return next((j for j in self.running + self.queued if j.vm == vm), None)

    def submit(self, job: J) -> None:
        self.queued.append(job)
        self.version += 1

    def finish(self, task_id: int) -> J | None:
        """Take the running job of `task_id` off the queue (None if it failed earlier)."""
        job = next((j for j in self.running if j.task_id == task_id), None)
        if job is not None:
            self.running.remove(job)
            self.version += 1
        return job

    def drop(self, hit: Callable[[J], bool]) -> list[J]:
        """Take every job (running first, then queued) for which `hit` is true off the queue."""
        out = [j for j in self.running + self.queued if hit(j)]
        for j in out:
            (self.running if j in self.running else self.queued).remove(j)
        if out:
            self.version += 1
        return out

    def pump(self, free: Callable[[J], bool], start: Callable[[J], bool]) -> None:
        """Start the queued jobs, in order, whose slots are `free` now.

        `start` re-checks a job and either starts it (returns True: it runs) or fails it
        (returns False: it is dropped). A job whose slots are busy keeps its place.
        """
        for j in list(self.queued):
            if not free(j):
                continue
            self.queued.remove(j)
            if start(j):
                self.running.append(j)
                self.version += 1
