"""Provides DRS: the pass every 5 minutes, its recommendations, and what each mode does with them.

Every `PERIOD_S` sim-seconds (and at once when a cluster's DRS settings or rules change, or a
host of it starts entering maintenance) each cluster with DRS on gets a pass: `drs_plan` works
out the moves, then

- manual: the moves wait as recommendations (`drs apply CLUSTER ID|all`);
- partial: the same, and DRS also picks the host of a VM powered on without one;
- full: DRS starts the moves itself, through the same vMotion model as the player's.

A pass needs vCenter: while it is down the passes are skipped. The entitlements are averaged
over the samples since the last pass, so a 5-second burst does not move VMs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from vdc.sim import affinity, checks
from vdc.sim.checks import Rejected
from vdc.sim.drs import plan as drs_plan
from vdc.sim.ha.admission import admission_refusal
from vdc.sim.moves import vmotion
from vdc.sim.vcenter import vcenter_down_reason

if TYPE_CHECKING:
    from vdc.sim.contention import Sampler
    from vdc.sim.engine import Simulation
    from vdc.sim.model import Vm

PERIOD_S = 300
"""Seconds between two DRS passes (classic DRS, §4)."""
MODES = ("manual", "partial", "full")


@dataclass(slots=True)
class Recommendation:
    """A move DRS proposes and waits for the player to apply (manual and partial modes)."""

    id: str
    vm: str
    src: str
    dst: str
    priority: int
    reason: str
    goodness: float
    cold: bool
    made_at: float


@dataclass(slots=True)
class ClusterDrs:
    """What the last pass of one cluster found."""

    name: str
    last_pass: float | None = None
    imbalance: float | None = None
    target: float | None = None
    hosts: list[str] = field(default_factory=list)
    cpu_load: list[float] = field(default_factory=list)
    mem_load: list[float] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    blocked: dict[str, str] = field(default_factory=dict)
    skipped: str = ""
    """Why the last pass did not run ("" when it did)."""


@dataclass(slots=True)
class DrsState:
    clusters: dict[str, ClusterDrs]
    next_id: int = 1
    clock_at: float | None = None
    """When the next periodic pass runs (None: no cluster has DRS on)."""
    active: bool = False
    """DRS has been on or configured in this run (then the digest carries its state)."""
    task_ids: list[int] = field(default_factory=list)
    """vMotion tasks DRS started or the player applied from a recommendation."""
    cold_moves: int = 0
    by_cluster: dict[str, list[int]] = field(default_factory=dict)
    """The same per cluster: its vMotion task ids (a cold move counts as 0)."""
    acc_cpu: np.ndarray = field(default_factory=lambda: np.zeros(0))
    acc_mem: np.ndarray = field(default_factory=lambda: np.zeros(0))
    acc_n: int = 0
    version: int = 0

    def digest_part(self, sim: Simulation) -> dict[str, object]:
        out: dict[str, object] = {}
        for name, cd in self.clusters.items():
            cl = sim.inv.clusters[name]
            out[name] = [
                cl.drs.enabled, cl.drs.mode, cl.drs.threshold,
                [[r.id, r.vm, r.dst] for r in cd.recommendations],
                [[r.name, r.type, r.vms, r.vm_group, r.host_group] for r in cl.rules],
                {k: v for k, v in cl.vm_groups.items()},
                {k: v for k, v in cl.host_groups.items()},
            ]
        out["moves"] = [self.task_ids, self.cold_moves]
        return out


def build(sim: Simulation) -> DrsState:
    """The state at the start; a level with DRS on is `active` (the engine starts its clock)."""
    st = DrsState({name: ClusterDrs(name) for name in sim.inv.clusters})
    st.active = any(c.drs.enabled for c in sim.inv.clusters.values())
    return st


def enabled(sim: Simulation, cluster: str | None) -> bool:
    c = sim.inv.clusters.get(cluster or "")
    return c is not None and c.drs.enabled


def mode(sim: Simulation, cluster: str | None) -> str:
    c = sim.inv.clusters.get(cluster or "")
    return c.drs.mode if c is not None and c.drs.enabled else ""


def ensure_clock(sim: Simulation, st: DrsState | None = None) -> None:
    """Schedule the next periodic pass (at the next multiple of PERIOD_S) unless one is."""
    st = st if st is not None else sim.drs
    if st.clock_at is not None:
        return
    now = float(sim.env.now)
    st.clock_at = (now // PERIOD_S + 1) * PERIOD_S
    sim.after(st.clock_at - now, _tick, sim)


def _tick(sim: Simulation) -> None:
    st = sim.drs
    st.clock_at = None
    if sim.ended:
        return
    on = [c for c in sim.inv.clusters if enabled(sim, c)]
    shared = Shared()  # the entitlements, worked out once for every cluster of this tick
    for c in on:
        run_pass(sim, c, shared)
    st.acc_cpu = np.zeros(0)
    st.acc_mem = np.zeros(0)
    st.acc_n = 0
    if on:
        ensure_clock(sim)


def observe(sim: Simulation) -> None:
    """Add this sample's demand to the averages of the next pass (called by the sampler step)."""
    st = sim.drs
    s = sim.sampler
    cpu, mem = s.vm_cpu_demand, s.vm_mem_active
    if st.acc_cpu.size != cpu.size or st.acc_mem.size != mem.size:
        st.acc_cpu, st.acc_mem, st.acc_n = cpu.copy(), mem.copy(), 1
        return
    st.acc_cpu += cpu
    st.acc_mem += mem
    st.acc_n += 1


def _averages(sim: Simulation) -> tuple[np.ndarray | None, np.ndarray | None]:
    st = sim.drs
    if st.acc_n <= 0:
        return None, None
    return st.acc_cpu / st.acc_n, st.acc_mem / st.acc_n


def _current(sim: Simulation) -> Sampler:
    """The sampler with its arrays matching the inventory now (a pass reads them)."""
    return sim.sampler.current()


class Shared:
    """What the passes of one tick share: every VM's entitlements, for as long as the sampler's
    arrays they come from are the same objects (a pass's cold move rebuilds them)."""

    __slots__ = ("key", "ent")

    def __init__(self) -> None:
        self.key: tuple[object, ...] | None = None
        self.ent: tuple[np.ndarray, np.ndarray] | None = None


def _entitlements(sim: Simulation, shared: Shared | None) -> tuple[np.ndarray, np.ndarray]:
    s = sim.sampler
    key = (s.built_version, s.samples, s.vm_on, s.cpu_cap_vm, s.vm_cpu_demand, s.vm_mem_active,
           s.base_cpu, s.base_mem, s.vm_cpu_res, s.vm_mem_res)
    old = shared.key if shared is not None else None
    if shared is not None and shared.ent is not None and old is not None and key[:2] == old[:2] and all(
        a is b for a, b in zip(key[2:], old[2:], strict=True)
    ):
        return shared.ent
    ent = drs_plan.entitlements(sim, *_averages(sim))
    if shared is not None:
        shared.key, shared.ent = key, ent
    return ent


def plan_for(sim: Simulation, cluster: str, shared: Shared | None = None) -> drs_plan.Plan:
    """The moves a pass of `cluster` would make now."""
    ent = _entitlements(sim, shared)
    plan = drs_plan.new_plan(sim, cluster, ent)
    drs_plan.evacuations(sim, cluster, plan)
    drs_plan.mend_rules(sim, cluster, plan)
    threshold = sim.inv.clusters[cluster].drs.threshold
    drs_plan.balance(sim, cluster, plan, threshold)
    return plan


def run_pass(sim: Simulation, cluster: str, shared: Shared | None = None) -> None:
    """One DRS pass of `cluster`: measure, plan, then act as its mode says (module doc)."""
    st = sim.drs
    cd = st.clusters[cluster]
    cl = sim.inv.clusters[cluster]
    now = sim.now
    st.version += 1
    down = vcenter_down_reason(sim)
    if down is not None:
        if not cd.skipped:
            sim.log.add(now, "drs_pass", cluster, f"DRS pass of {cluster} skipped: vCenter is unavailable ({down})")
        cd.skipped = f"vCenter is unavailable: {down}"
        return
    cd.skipped = ""
    _current(sim)
    threshold = cl.drs.threshold
    plan = plan_for(sim, cluster, shared)
    n = len(plan.hosts)
    cd.last_pass = now
    cd.imbalance = drs_plan.imbalance(plan.start_cpu, plan.start_mem)
    cd.target = drs_plan.target(threshold, n) if threshold >= 2 else None
    cd.hosts = list(plan.hosts)
    cd.cpu_load = [float(x) for x in plan.start_cpu]
    cd.mem_load = [float(x) for x in plan.start_mem]
    cd.blocked = dict(plan.blocked)
    goal = f"target {cd.target:.3f}" if cd.target is not None else "mandatory moves only"
    head = f"{cluster}: imbalance {cd.imbalance:.3f}, {goal} at threshold {threshold}"
    if cl.drs.mode == "full":
        cd.recommendations = []
        started = [m for m in plan.moves if _carry_out(sim, cluster, m, by="DRS")]
        what = f"; {len(started)} migration(s) started" if started else "; balanced" if not plan.moves else ""
        sim.log.add(now, "drs_pass", cluster, head + what)
        return
    old = {(r.vm, r.dst): r for r in cd.recommendations}
    recs = []
    for m in plan.moves:
        prev = old.get((m.vm, m.dst))
        if prev is not None:
            prev.priority, prev.reason, prev.goodness, prev.src = m.priority, m.reason, m.goodness, m.src
            recs.append(prev)
            continue
        rec = Recommendation(f"r{st.next_id}", m.vm, m.src, m.dst, m.priority, m.reason, m.goodness, m.cold, now)
        st.next_id += 1
        recs.append(rec)
        sim.log.add(now, "drs_recommendation", m.vm,
                    f"DRS recommends {rec.id} (priority {rec.priority}): move {m.vm} {m.src} → {m.dst}; "
                    f"{m.reason}")
    cd.recommendations = recs
    what = f"; {len(recs)} recommendation(s): drs apply {cluster} all" if recs else "; balanced"
    sim.log.add(now, "drs_pass", cluster, head + what)


def _carry_out(sim: Simulation, cluster: str, m: drs_plan.Move | Recommendation, *, by: str) -> bool:
    """Start one move (a vMotion, or a cold move of a powered-off VM); False if it cannot run."""
    vm = sim.inv.vms[m.vm]
    dst = sim.inv.hosts[m.dst]
    try:
        refusal = move_refusal(sim, vm, m.src, m.dst, m.cold)
    except Rejected as e:
        refusal = str(e)
    if refusal is not None:
        sim.log.add(sim.now, "drs_migration", vm.name, f"{by} could not move {vm.name} to {dst.name}: {refusal}")
        return False
    if m.cold:
        vm.host = dst.name
        sim.drs.cold_moves += 1
        sim.drs.by_cluster.setdefault(cluster, []).append(0)
        sim.touch(keeps_network=True, keeps_hardware=True)
        sim.log.add(sim.now, "drs_migration", vm.name,
                    f"{by} moved powered-off {vm.name} {m.src} → {dst.name} ({m.reason})")
        return True
    task = vmotion.submit(sim, vm, dst)
    if task.state == "queued":
        task.detail = f"{by.removesuffix(':')}: waiting for a free slot"  # (by: "applied r3:")
    sim.drs.task_ids.append(task.id)
    sim.drs.by_cluster.setdefault(cluster, []).append(task.id)
    sim.log.add(sim.now, "drs_migration", vm.name,
                f"{by} migrates {vm.name} {m.src} → {dst.name} ({m.reason})")
    return True


def move_refusal(sim: Simulation, vm: Vm, src: str, dst: str, cold: bool) -> str | None:
    """Why a planned move cannot be made now (the VM moved meanwhile, or the rules say no)."""
    if vm.host != src:
        return f"{vm.name} is no longer on {src}"
    if (vm.power != "on") != cold:
        return f"{vm.name} was powered {'on' if vm.power == 'on' else 'off'} since"
    h = sim.inv.hosts[dst]
    if cold:
        checks.check_reach(sim, vm, h)
        if not h.accepts_vms:
            return f"{dst} is {h.state}"
    else:
        vmotion.check_vmotion(sim, vm, h)
    return affinity.refusal(sim, vm, h)


def apply(sim: Simulation, cluster: str, rec_id: str) -> list[tuple[Recommendation, bool]]:
    """Carry out one recommendation (or all); each with whether it started."""
    cd = sim.drs.clusters[cluster]
    chosen = list(cd.recommendations) if rec_id == "all" else [r for r in cd.recommendations if r.id == rec_id]
    out = []
    for r in chosen:
        cd.recommendations.remove(r)
        out.append((r, _carry_out(sim, cluster, r, by="applied " + r.id + ":")))
    sim.drs.version += 1
    return out


def migrations_done(sim: Simulation, cluster: str | None = None) -> int:
    """DRS moves finished (of one cluster, or all): its vMotions that completed and its cold
    moves."""
    st = sim.drs
    ids = st.task_ids if cluster is None else [i for i in st.by_cluster.get(cluster, []) if i]
    cold = st.cold_moves if cluster is None else st.by_cluster.get(cluster, []).count(0)
    return sum(1 for i in ids if sim.tasks.tasks[i - 1].state == "done") + cold


def initial_host(sim: Simulation, vm: Vm) -> str | None:
    """Where DRS powers on `vm` in a partially or fully automated cluster (None: not DRS's
    choice, or no host fits): the host left least imbalanced that takes it."""
    cluster = sim.inv.hosts[vm.host].cluster
    if mode(sim, cluster) not in ("partial", "full") or vcenter_down_reason(sim) is not None:
        return None
    assert cluster is not None
    s = _current(sim)
    cpu, mem = (a.copy() for a in drs_plan.entitlements(sim, *_averages(sim)))
    i = s.vm_index[vm.name]
    # Off, it has no demand yet: its baseline CPU and a quarter of its memory stand in.
    cpu[i] = max(float(s.base_cpu[i]), vm.cpu_reservation)
    mem[i] = max(vm.memory * 0.25, vm.mem_reservation)
    plan = drs_plan.new_plan(sim, cluster, (cpu, mem))
    best: tuple[int, float, str] | None = None
    for h in plan.hosts:
        host = sim.inv.hosts[h]
        try:
            checks.check_reach(sim, vm, host)
            checks.check_fits(sim, vm, host, vm.vcpu, vm.memory)
        except Rejected:
            continue
        if admission_refusal(sim, vm, host) is not None or affinity.refusal(sim, vm, host) is not None:
            continue
        soft = 1 if affinity.refusal(sim, vm, host, soft=True) else 0
        score = plan.after(vm, "", h)
        key = (soft, score, h)
        if best is None or key[:2] < best[:2]:
            best = key
    return best[2] if best is not None else None


def configured(sim: Simulation, cluster: str) -> None:
    """A DRS setting or rule of `cluster` changed: note it and pass now if DRS is on."""
    st = sim.drs
    st.active = True
    st.version += 1
    if enabled(sim, cluster):
        ensure_clock(sim)
        run_pass(sim, cluster)
    else:
        st.clusters[cluster].recommendations = []


def host_entering(sim: Simulation, host: str) -> None:
    """A host began entering maintenance: in a DRS cluster, a pass plans its evacuation now."""
    cluster = sim.inv.hosts[host].cluster
    if enabled(sim, cluster):
        assert cluster is not None
        run_pass(sim, cluster)


def evacuation_note(sim: Simulation, host: str) -> str:
    """What DRS does about a host entering maintenance (the maintenance task's detail)."""
    cluster = sim.inv.hosts[host].cluster
    if not enabled(sim, cluster):
        return ""
    assert cluster is not None
    cd = sim.drs.clusters[cluster]
    if cd.skipped:
        return f"DRS cannot help: {cd.skipped}"
    if host in cd.blocked:
        return cd.blocked[host]
    if mode(sim, cluster) == "full":
        return "DRS is moving them"
    if any(r.src == host for r in cd.recommendations):
        return f"DRS recommends moves: drs apply {cluster} all"
    return ""
