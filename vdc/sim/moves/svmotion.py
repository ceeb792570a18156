"""Provides Storage vMotion: a single-pass copy of a VM's disks to another datastore (§6).

Duration = TASK_OVERHEAD_S + Σ allocated disk GiB (2^30 bytes) / R + SWITCH_S, where R (MB/s,
10^6 bytes) is the slower side: min(COPY_MBPS, source datastore MB/s, destination MB/s). While
it copies, the destination holds the disks' space as well as the source, and both datastores
carry R MB/s of extra I/O. At most SLOTS_PER_HOST per host at once; the next one queues.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from vdc.sim import checks, vsan
from vdc.sim.checks import Rejected, fmt
from vdc.sim.model import Vm
from vdc.sim.moves import disks, vmotion
from vdc.sim.moves.disks import moving
from vdc.sim.moves.slots import SlotQueue
from vdc.sim.moves.vmotion import TASK_OVERHEAD_S
from vdc.sim.units import GIB, MB

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation
    from vdc.sim.model import Datastore
    from vdc.sim.tasks import Task

COPY_MBPS = 600.0
"""Software data mover rate, MB/s (§6: 500–700 MB/s when offload cannot be used)."""
SWITCH_S = 0.5
"""Stun when the VM switches to the copied disks [assumption: ≤ 1 s]."""
SLOTS_PER_HOST = disks.SLOTS_PER_HOST
"""Concurrent Storage vMotions per host (host cost 4 of 8, §5); shared-nothing vMotions count."""


@dataclass(slots=True)
class Copy:
    task_id: int
    vm: str
    host: str
    dst: str
    sources: list[str]
    gib: float
    rate_mbps: float = 0.0
    total_s: float = 0.0


class CopyBoard(SlotQueue[Copy]):
    """The simulation's Storage vMotions (queued first-come first-served, then running)."""

    __slots__ = ()

    def wake(self, sim: Simulation) -> None:
        """Start queued copies that have a slot now (a shared-nothing vMotion that held one
        ended: `vmotion` calls this through the board, as this module imports `vmotion`)."""
        pump(sim)

    def held(self, datastore: str) -> float:
        """GiB held on `datastore` by copies in progress towards it."""
        return sum(c.gib for c in self.running if c.dst == datastore)


def new_board() -> CopyBoard:
    return CopyBoard()


def plan(sim: Simulation, vm: Vm, dst: Datastore) -> tuple[float, float]:
    """(rate MB/s, total seconds) of copying `vm`'s disks to `dst`."""
    sources, gib = moving(sim, vm, dst.name)
    rate = min([COPY_MBPS, dst.mbps] + [sim.inv.datastores[s].mbps for s in sources])
    return rate, TASK_OVERHEAD_S + gib * GIB / (rate * MB) + SWITCH_S


def check(sim: Simulation, vm: Vm, dst: Datastore, *, queued: bool = False) -> None:
    """Raise `Rejected` unless `vm`'s disks can move to `dst` now.

    `queued`: checked in full when submitted; the licence (it only goes up) and whether the VM
    is already being migrated (it is: by this copy) are not asked again.
    """
    checks.require_vcenter(sim)
    if not queued:
        checks.require_feature(sim, "svmotion")
        checks.require_idle(sim, vm, "svmotion")
    sources, gib = moving(sim, vm, dst.name)
    if not sources:
        raise Rejected(f"{vm.name}'s disks are already on {dst.name}")
    h = sim.inv.hosts[vm.host]
    if h.state not in ("on", "maintenance"):
        raise Rejected(f"{vm.name}'s host {h.name} is {'down (failed)' if h.state == 'failed' else h.state}")
    if h.name not in dst.hosts:
        raise Rejected(f"{h.name} does not mount {dst.name}")
    if dst.type == "vsan":  # vSAN keeps copies by the datastore's default policy
        if not queued:
            checks.require_feature(sim, "vsan")
        gib *= vsan.space_factor(sim, vm.name, dst.name)
    checks.check_space(sim, dst, gib, f"{vm.name}'s disks need")


def _task(sim: Simulation, c: Copy) -> Task:
    return sim.tasks.tasks[c.task_id - 1]


def submit(sim: Simulation, vm: Vm, dst: Datastore) -> Task:
    """Queue a copy of `vm`'s disks to `dst` (checked already) and start it if a slot is free."""
    sources, gib = moving(sim, vm, dst.name)
    task = sim.tasks.add("svmotion", vm.name, dst.name, sim.now, detail="waiting for a free slot")
    sim.svmotions.submit(Copy(task.id, vm.name, vm.host, dst.name, sources, gib))
    pump(sim)
    return task


def pump(sim: Simulation) -> None:
    """Start queued copies while their host has a free slot."""
    board = sim.svmotions
    board.pump(lambda c: sum(1 for r in board.running if r.host == c.host)
               + sim.migrations.storage_on(c.host) < SLOTS_PER_HOST, partial(_start, sim))


def _freed(sim: Simulation) -> None:
    """A copy ended: the next queued copies start, and so may a queued shared-nothing vMotion
    (it needs a Storage vMotion slot too)."""
    pump(sim)
    if any(m.datastore is not None for m in sim.migrations.queued):
        vmotion.pump(sim)


def _start(sim: Simulation, c: Copy) -> bool:
    """Re-check a copy that waited and start it."""
    vm, dst = sim.inv.vms[c.vm], sim.inv.datastores[c.dst]
    try:
        check(sim, vm, dst, queued=True)
    except Rejected as e:
        _fail(sim, c, str(e))
        return False
    c.sources, c.gib = moving(sim, vm, dst.name)
    c.rate_mbps, c.total_s = plan(sim, vm, dst)
    sim.tasks.start(_task(sim, c), sim.now, sim.now + c.total_s,
                    detail=f"copying {fmt(c.gib)} GiB at {c.rate_mbps:.0f} MB/s")
    sim.log.add(sim.now, "svmotion_started", vm.name,
                f"Storage vMotion of {vm.name} → {dst.name} ({fmt(c.gib)} GiB) started; expected {c.total_s:.1f} s")
    sim.touch("datastores")
    sim.after(c.total_s, finish, sim, c.task_id)
    return True


def finish(sim: Simulation, task_id: int) -> None:
    c = sim.svmotions.finish(task_id)
    if c is None:
        return
    vm = sim.inv.vms[c.vm]
    if sim.sampler.built_version >= 0:
        sim.sampler.flush()  # thin disks' growth back on the objects before they move
    for disk in vm.disks:
        if disk.datastore is not None and disk.datastore in c.sources:
            disk.datastore = c.dst
    s = sim.sampler
    if vm.power == "on" and s.built_version >= 0 and vm.name in s.vm_index:
        s.vm_downtime[s.vm_index[vm.name]] += SWITCH_S
    detail = f"{vm.name}'s disks now on {c.dst}: {fmt(c.gib)} GiB in {c.total_s:.1f} s"
    sim.tasks.finish(_task(sim, c), sim.now, detail=detail)
    sim.log.add(sim.now, "svmotion_completed", vm.name, detail)
    sim.touch()
    _freed(sim)


def _fail(sim: Simulation, c: Copy, reason: str) -> None:
    sim.tasks.finish(_task(sim, c), sim.now, ok=False, detail=reason)
    sim.log.add(sim.now, "svmotion_failed", c.vm, f"Storage vMotion of {c.vm} to {c.dst} failed: {reason}")


def cancel(sim: Simulation, task_id: int) -> str:
    """The player cancels a Storage vMotion (validated: queued or running). The disks stay where
    they were and the destination's partial copy is deleted, freeing its space."""
    c = sim.svmotions.drop(lambda c: c.task_id == task_id)[0]
    where = ", ".join(c.sources) or "where they were"
    sim.tasks.finish(_task(sim, c), sim.now, cancelled=True, detail=f"cancelled; the disks stay on {where}")
    sim.log.add(sim.now, "svmotion_cancelled", c.vm,
                f"Storage vMotion of {c.vm} to {c.dst} cancelled; its disks stay on {where}")
    sim.touch("datastores")
    _freed(sim)
    return f"Storage vMotion of {c.vm} to {c.dst} cancelled; its disks stay on {where}"


def host_down(sim: Simulation, host: str) -> None:
    hit = sim.svmotions.drop(lambda c: c.host == host)
    for c in hit:
        _fail(sim, c, f"{host} failed")
    if hit:
        sim.touch("datastores")
        _freed(sim)


@dataclass(frozen=True, slots=True)
class DatastoreRow:
    """What moving a VM's disks to one datastore would do (the Storage vMotion dialog's rows)."""

    datastore: str
    free_after_gib: float
    refusal: str
    duration_s: float


def targets(sim: Simulation, vm_name: str) -> list[DatastoreRow]:
    """Every datastore: GiB free after the move, refusal, expected duration."""
    vm = sim.inv.vms[vm_name]
    rows = []
    for ds in sim.inv.datastores.values():
        _, gib = moving(sim, vm, ds.name)
        try:
            check(sim, vm, ds)
            why = ""
        except Rejected as e:
            why = str(e)
        rows.append(DatastoreRow(ds.name, checks.free_gib(sim, ds) - gib, why, plan(sim, vm, ds)[1] if not why else 0.0))
    return rows
