"""Provides vMotion: the pre-copy model (pure functions) and the migration scheduler.

Units (chosen so that the fact sheet's reference numbers come out, design/sim-facts.md §5):
VM memory is in GiB (2^30 bytes), the dirty rate in MB/s (10^6 bytes), link speeds in Mbit/s
(10^6 bits). A 16 GiB VM dirtying 50 MB/s over a free 10 GbE link (B = 10,000 × 0.94 / 8 =
1,175 MB/s) pre-copies in 14.62 + 0.62 = 15.2 s over 2 rounds; over 1 GbE (117.5 MB/s) in
253.8 s over 7 rounds. Rounds:

    V0 = M, t_i = V_i / B, V_{i+1} = D × t_i; stop when V_{i+1} / B ≤ SWITCHOVER_GOAL_S

and the switchover (the VM's stun) sends V_{i+1} plus the device state. When D ≥ B the copy never
converges: SDPS slows the guest so that its dirty rate is SDPS_RATIO × B (also after
MAX_ROUNDS rounds that did not converge).

A migration holds a slot on both hosts (4 per host on a 1 GbE vMotion link, 8 on 10 GbE); the
next one queues. While it runs the VM stays on the source, the destination reserves its memory,
and each host spends about one core on the stream. Running migrations share their hosts' vMotion
links fairly: when one starts or ends, every other one whose share changed keeps the bytes it
sent and re-plans the rest at its new rate (`links`), and its task's expected end moves.

A shared-nothing vMotion (a datastore given: the destination does not see the VM's storage)
first sends the disks over the same link, no faster than the datastores at both ends carry
(`disks`), then pre-copies the memory; it also takes a Storage vMotion slot on both hosts, and
the destination datastore holds the disks' space until the switchover moves them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from vdc.sim import checks
from vdc.sim.checks import Rejected
from vdc.sim.model import Host, Vm
from vdc.sim.moves import disks, links
from vdc.sim.moves.links import bandwidth as bandwidth  # re-exported: the model's face
from vdc.sim.moves.links import vmotion_link
from vdc.sim.moves.slots import SlotQueue
from vdc.sim.moves.vchecks import CHECKS as CHECKS  # re-exported: the checks' face
from vdc.sim.moves.vchecks import check_vmotion as check_vmotion
from vdc.sim.moves.vchecks import policy_refusal as policy_refusal
from vdc.sim.units import GIB, MB

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation
    from vdc.sim.model import Datastore
    from vdc.sim.tasks import Task


SWITCHOVER_GOAL_S = 0.5
"""ESXi stops pre-copying once the rest fits in this switchover time (§5)."""
DEVICE_STATE_S = 0.03
"""Device state and RARP during the stun [assumption: 20–50 ms]."""
SETUP_S = 2.0
"""Trace install and destination preparation [assumption: 1–3 s]."""
TASK_OVERHEAD_S = 3.0
"""vCenter task overhead (validation, spec, cleanup) [assumption: 2–5 s]."""
MAX_ROUNDS = 30
"""Rounds before SDPS forces convergence (Xen gives up after 30)."""
SDPS_RATIO = 0.8
"""SDPS slows the guest until its dirty rate is this share of the bandwidth [game tuning]."""
SLOTS_1G = 4
SLOTS_10G = 8
"""Concurrent vMotions per host on a 1 GbE / 10 GbE vMotion link (§5)."""
DIRTY_PER_ACTIVE_GIB = 4.0
"""MB/s of memory a VM dirties per GiB of active memory [game tuning]."""
DIRTY_PER_WRITE = 0.5
"""MB/s of memory dirtied per MB/s the VM writes to disk (buffers, caches) [game tuning]."""


@dataclass(frozen=True, slots=True)
class PreCopy:
    """The outcome of the pre-copy model for one migration."""

    rounds: int
    precopy_s: float
    stun_s: float
    sent_bytes: float
    slowed: bool
    """SDPS had to slow the guest for the copy to converge."""
    dirty_bps: float
    """The dirty rate the copy ran at (lower than the guest's own when slowed)."""


def precopy(memory_bytes: float, dirty_bps: float, bandwidth_bps: float,
            goal_s: float = SWITCHOVER_GOAL_S) -> PreCopy:
    """Iterative pre-copy of `memory_bytes` at `bandwidth_bps` while the guest dirties `dirty_bps`."""
    slowed = dirty_bps >= bandwidth_bps
    dirty = SDPS_RATIO * bandwidth_bps if slowed else dirty_bps
    v = float(memory_bytes)
    total = sent = 0.0
    rounds = 0
    while True:
        t = v / bandwidth_bps
        total += t
        sent += v
        rounds += 1
        v = dirty * t
        if v / bandwidth_bps <= goal_s:
            break
        if rounds >= MAX_ROUNDS and not slowed:
            slowed = True
            dirty = min(dirty, SDPS_RATIO * bandwidth_bps)
    return PreCopy(rounds, total, v / bandwidth_bps + DEVICE_STATE_S, sent + v, slowed, dirty)


def dirty_rate(sim: Simulation, vm: Vm) -> float:
    """The VM's dirty rate in bytes/s: from its active memory and disk writes, × load × spike."""
    p = sim.profiles[vm.profile]
    spike = 1.0
    i = sim.sampler.vm_index.get(vm.name) if sim.sampler.built_version >= 0 else None
    if i is not None and i < sim.sampler.spike.size:
        spike = float(sim.sampler.spike[i])
    mbps = DIRTY_PER_ACTIVE_GIB * vm.memory * p.mem_active + DIRTY_PER_WRITE * p.write_mbps
    return mbps * vm.load * spike * MB


def slots(h: Host) -> int:
    return SLOTS_10G if vmotion_link(h) >= 10000 else SLOTS_1G


@dataclass(slots=True)
class Migration:
    """A vMotion in the scheduler: queued, then running until its switchover."""

    task_id: int
    vm: str
    src: str
    dst: str
    plan: PreCopy | None = None
    total_s: float = 0.0
    """The first plan's duration (the expected one when it started)."""
    rate: float = 0.0
    """Bytes/s it copies at now (its share of the links, `links.share`)."""
    sent: float = 0.0
    """Bytes sent up to `since` (kept across re-plans)."""
    since: float = 0.0
    copy_from: float = 0.0
    """When its copy began (after the task overhead and the setup)."""
    ends_at: float = 0.0
    epoch: int = 0
    """Bumped by every re-plan: a switchover scheduled before it is stale."""
    datastore: str | None = None
    """A shared-nothing vMotion: where its disks go (over the vMotion link, before the memory)."""
    disk_bytes: float = 0.0
    """Bytes of disk it copies first (0 for a vMotion)."""
    disk_cap: float = 0.0
    """Bytes/s the datastores at both ends carry (the disk copy's ceiling)."""
    disk_gib: float = 0.0
    """GiB the destination datastore holds for the copy while it runs."""
    sources: tuple[str, ...] = ()
    """The datastores its disks come from."""
    disk_wake: int = -1
    """The epoch for which a wake-up at the end of its datastore-held disk copy is due."""

    @property
    def target(self) -> str:
        """Where it goes, as the Tasks panel shows it: the host, and the datastore if any."""
        return self.dst if self.datastore is None else f"{self.dst}/{self.datastore}"


class MigrationBoard(SlotQueue[Migration]):
    """The simulation's vMotions (queued first-come first-served, then running)."""

    __slots__ = ()

    def on_host(self, host: str) -> list[Migration]:
        return [m for m in self.running if host in (m.src, m.dst)]

    def incoming(self, host: str) -> list[Migration]:
        return [m for m in self.running if m.dst == host]

    def held(self, datastore: str) -> float:
        """GiB held on `datastore` by shared-nothing vMotions copying disks towards it."""
        return sum(m.disk_gib for m in self.running if m.datastore == datastore)

    def storage_on(self, host: str) -> int:
        """Shared-nothing vMotions running with `host` as source or destination (each also
        costs a Storage vMotion slot there)."""
        return sum(1 for m in self.running if m.datastore is not None and host in (m.src, m.dst))


def new_board() -> MigrationBoard:
    return MigrationBoard()


def _task(sim: Simulation, m: Migration) -> Task:
    return sim.tasks.tasks[m.task_id - 1]


def estimate(sim: Simulation, vm: Vm, src: Host, dst: Host,
             datastore: Datastore | None = None) -> tuple[PreCopy, float]:
    """The pre-copy plan and total seconds if `vm` moved from `src` to `dst` now (sharing the
    links with the migrations running on them as they stand); with a `datastore`, its disks
    are copied over the same link first, no faster than the datastores at both ends carry."""
    running = sim.migrations.running
    rate = links.rates(sim, running, [(m.src, m.dst) for m in running], joining=(src.name, dst.name))[-1]
    plan = precopy(vm.memory * GIB, dirty_rate(sim, vm), rate)
    disk_s = 0.0
    if datastore is not None:
        sources, gib = disks.moving(sim, vm, datastore.name)
        disk_s = gib * GIB / min(rate, disks.cap_mbps(sim, sources, datastore) * MB)
    return plan, TASK_OVERHEAD_S + SETUP_S + disk_s + plan.precopy_s + plan.stun_s


def submit(sim: Simulation, vm: Vm, dst: Host, datastore: Datastore | None = None) -> Task:
    """Queue a vMotion of `vm` to `dst` (checked already), with its disks to `datastore` when
    given (shared-nothing), and start it if slots allow."""
    m = Migration(0, vm.name, vm.host, dst.name, datastore=datastore.name if datastore else None)
    task = sim.tasks.add("vmotion", vm.name, m.target, sim.now, detail="waiting for a free slot")
    m.task_id = task.id
    sim.migrations.submit(m)
    disks_to = f" with its disks to {m.datastore}" if m.datastore else ""
    sim.log.add(sim.now, "vmotion_queued", vm.name, f"vMotion of {vm.name} {vm.host} → {dst.name}{disks_to} queued")
    pump(sim)
    return task


def _free(sim: Simulation, host: str) -> bool:
    return len(sim.migrations.on_host(host)) < slots(sim.inv.hosts[host])


def storage_free(sim: Simulation, host: str) -> bool:
    """Whether `host` has a Storage vMotion slot free (Storage vMotions and shared-nothing
    vMotions on it count; host cost 4 of 8, §5)."""
    own = sum(1 for c in sim.svmotions.running if c.host == host)
    return own + sim.migrations.storage_on(host) < disks.SLOTS_PER_HOST


def _may_start(sim: Simulation, m: Migration) -> bool:
    if not (_free(sim, m.src) and _free(sim, m.dst)):
        return False
    return m.datastore is None or (storage_free(sim, m.src) and storage_free(sim, m.dst))


def pump(sim: Simulation) -> None:
    """Start queued migrations in order while both of their hosts have a free slot; give every
    running one its share of the links now."""
    sim.migrations.pump(partial(_may_start, sim), partial(_start, sim))
    rebalance(sim)


def _ended(sim: Simulation, storage: bool) -> None:
    """After a migration ends: the next queued ones start; a shared-nothing one (`storage`)
    also frees a Storage vMotion slot on its hosts."""
    pump(sim)
    if storage and sim.svmotions.queued:
        sim.svmotions.wake(sim)


def rebalance(sim: Simulation) -> None:
    """Re-plan every running migration whose share of the links changed: the bytes it sent are
    kept, the rest is planned at the new rate, its switchover and its task's end move. A disk
    copy held back by its datastores gets woken when its disks are done (`_disks_done`): it
    then takes its whole share, and the others give back what they had of its link."""
    now = sim.now
    running = sim.migrations.running
    counts = links.running_counts(sim)  # nothing below changes who runs where
    rates = links.rates(sim, running, [(m.src, m.dst) for m in running])
    for m, rate in zip(running, rates, strict=True):
        if rate > 0.0 and rate != m.rate:  # else unchanged, or its link lost mid-copy (it keeps its rate)
            _replan(sim, m, rate, max(counts.get(m.src, 0), counts.get(m.dst, 0)))
        if m.disk_wake != m.epoch and links.limit(m, now) < m.rate:
            m.disk_wake = m.epoch
            sim.after(max(0.0, links.disks_done_at(m) - now), _disks_done, sim, m.task_id, m.epoch)


def _replan(sim: Simulation, m: Migration, rate: float, sharing: int) -> None:
    """Plan the rest of `m`'s copy at `rate` (bytes sent so far kept); move its switchover."""
    now = sim.now
    links.progress(m, now)
    m.rate = rate
    vm = sim.inv.vms[m.vm]
    m.plan = precopy(vm.memory * GIB, dirty_rate(sim, vm), rate)
    last_round = (m.plan.stun_s - DEVICE_STATE_S) * rate
    m.ends_at = links.end_of(m, now, m.plan.sent_bytes, last_round, DEVICE_STATE_S)
    m.epoch += 1
    task = _task(sim, m)
    task.ends_at = m.ends_at
    what = f"pre-copy of {vm.memory:g} GiB"
    if m.sent < m.disk_bytes:
        what = (f"disks ({m.disk_bytes / GIB:g} GiB) at {min(rate, m.disk_cap) / MB:,.0f} MB/s, "
                f"then {what}")
    task.detail = (f"{what} at {rate * 8 / 1e6:,.0f} Mbit/s"
                   + (f", link shared by {sharing}" if sharing > 1 else ""))
    sim.tasks.version += 1
    sim.after(m.ends_at - now, switchover, sim, m.task_id, m.epoch)


def _disks_done(sim: Simulation, task_id: int, epoch: int) -> None:
    """A shared-nothing vMotion held back by its datastores sent its disks: the link share it
    left unused goes back to it, and the others re-plan with what is left to them."""
    m = next((j for j in sim.migrations.running if j.task_id == task_id), None)
    if m is not None and m.epoch == epoch:
        rebalance(sim)


def _start(sim: Simulation, m: Migration) -> bool:
    """Re-check a migration that waited (what can have changed meanwhile) and start it."""
    vm, dst = sim.inv.vms[m.vm], sim.inv.hosts[m.dst]
    ds = sim.inv.datastores[m.datastore] if m.datastore is not None else None
    try:
        check_vmotion(sim, vm, dst, datastore=ds, queued=True)
    except Rejected as e:
        _fail(sim, m, str(e))
        return False
    src = sim.inv.hosts[m.src]
    detail, disks_to = f"pre-copy of {vm.memory:g} GiB", ""
    if ds is not None:
        sources, gib = disks.moving(sim, vm, ds.name)
        m.sources, m.disk_bytes = tuple(sources), gib * GIB
        m.disk_cap = disks.cap_mbps(sim, sources, ds) * MB
        m.disk_gib = disks.held_gib(sim, vm, ds)
        detail = f"disks ({gib:g} GiB) to {ds.name}, then {detail}"
        disks_to = f" with its disks ({gib:g} GiB) to {ds.name}"
    running = sim.migrations.running
    m.rate = links.rates(sim, running, [(j.src, j.dst) for j in running], joining=(src.name, dst.name))[-1]
    m.plan, m.total_s = estimate(sim, vm, src, dst, ds)
    m.sent, m.since = 0.0, sim.now
    m.copy_from = sim.now + TASK_OVERHEAD_S + SETUP_S
    m.ends_at = sim.now + m.total_s
    sim.tasks.start(_task(sim, m), sim.now, m.ends_at, detail=detail)
    sim.log.add(sim.now, "vmotion_started", vm.name,
                f"vMotion of {vm.name} {m.src} → {m.dst}{disks_to} started; expected {m.total_s:.1f} s")
    sim.touch("placement", vm=m.vm)
    if ds is not None:
        sim.touch("datastores")  # the destination holds the copy's space
    sim.after(m.total_s, switchover, sim, m.task_id, m.epoch)
    return True


def switchover(sim: Simulation, task_id: int, epoch: int = 0) -> None:
    """The end of the pre-copy: stun, move the VM to the destination, free the slots."""
    m = next((j for j in sim.migrations.running if j.task_id == task_id), None)
    if m is None or m.plan is None or m.epoch != epoch:
        return  # failed earlier, or re-planned since (a later switchover is due)
    sim.migrations.finish(task_id)
    vm = sim.inv.vms[m.vm]
    # The destination is checked again: it may have begun entering maintenance mode, been cut
    # off or gone down while the memory was copied; the VM then stays on its source.
    # A shared-nothing one checks its destination datastore again too (`disks.switchover_refusal`).
    why = f"{vm.name} was powered off" if vm.power != "on" else checks.host_refusal(sim, sim.inv.hosts[m.dst], "vmotion")
    if why is None and m.datastore is not None:
        why = disks.switchover_refusal(sim, vm, m.dst, sim.inv.datastores[m.datastore], m.disk_gib, m.sources)
        if why is not None:
            where = ", ".join(m.sources) or "where they were"
            why += f"; {vm.name} stays on {m.src}, its disks on {where} (the partial copy on {m.datastore} is deleted)"
    if why is not None:
        _fail(sim, m, why)
        sim.touch()
        _ended(sim, m.datastore is not None)
        return
    on_ds = ""
    if m.datastore is not None:
        if sim.sampler.built_version >= 0:
            sim.sampler.flush()  # thin disks' growth back on the objects before they move
        for disk in vm.disks:
            if disk.datastore is not None and disk.datastore in m.sources:
                disk.datastore = m.datastore
        on_ds = f", disks on {m.datastore}"
    vm.host = m.dst
    sampler = sim.sampler
    if sampler.built_version >= 0 and m.vm in sampler.vm_index:
        sampler.vm_downtime[sampler.vm_index[m.vm]] += m.plan.stun_s
    slowed = "; guest slowed (SDPS) to converge" if m.plan.slowed else ""
    rounds = m.plan.rounds
    took = sim.now - (_task(sim, m).started_at or 0.0) if m.epoch else m.total_s
    detail = (f"{vm.name} now on {m.dst}{on_ds}: {took:.1f} s, {rounds} round{'s' if rounds != 1 else ''}, "
              f"stun {m.plan.stun_s * 1000:.0f} ms{slowed}")
    sim.tasks.finish(_task(sim, m), sim.now, detail=detail)
    sim.log.add(sim.now, "vmotion_completed", vm.name, detail)
    if m.datastore is not None:
        sim.touch()
    else:
        sim.touch("placement", vm=m.vm)
    _ended(sim, m.datastore is not None)


def _fail(sim: Simulation, m: Migration, reason: str) -> None:
    sim.tasks.finish(_task(sim, m), sim.now, ok=False, detail=reason)
    sim.log.add(sim.now, "vmotion_failed", m.vm, f"vMotion of {m.vm} to {m.dst} failed: {reason}")


def cancel(sim: Simulation, task_id: int) -> str:
    """The player cancels a vMotion (validated: it is queued or running). The VM stays on its
    source, the destination lets go of the memory it held, the slots free up for the next."""
    hit = sim.migrations.drop(lambda m: m.task_id == task_id)
    m = hit[0]
    stays = f"{m.vm} stays on {m.src}"
    if m.datastore is not None:
        where = ", ".join(m.sources) or "where they were"
        stays += f", its disks on {where} (the partial copy on {m.datastore} is deleted)"
    sim.tasks.finish(_task(sim, m), sim.now, cancelled=True, detail=f"cancelled; {stays}")
    it_stays = f"it stays on {m.src}" if m.datastore is None else stays
    sim.log.add(sim.now, "vmotion_cancelled", m.vm, f"vMotion of {m.vm} to {m.target} cancelled; {it_stays}")
    sim.touch("placement", vm=m.vm)
    if m.datastore is not None:
        sim.touch("datastores")
    _ended(sim, m.datastore is not None)
    return f"vMotion of {m.vm} to {m.target} cancelled; {stays}"


def host_down(sim: Simulation, host: str) -> None:
    """A host failed: its migrations fail (the VM stays with, or dies with, its source)."""
    hit = sim.migrations.drop(lambda m: host in (m.src, m.dst))
    for m in hit:
        _fail(sim, m, f"{host} failed")
    if hit:
        sim.touch()
        _ended(sim, any(m.datastore is not None for m in hit))
