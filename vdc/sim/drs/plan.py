"""Provides the DRS planner: host loads, the imbalance, and the moves one pass proposes.

The classic model of design/sim-facts.md §4. Per host, load = Σ VM entitlement / capacity for
CPU (MHz: the VM's average demand since the last pass, at least its reservation) and memory
(GiB: its average active memory, at least its reservation). The imbalance is

    I = max(stdev(CPU loads), stdev(memory loads))        over the hosts that take VMs

and a cluster at migration threshold L (2..5) with N such hosts is balanced while
I ≤ target(L, N) = 0.1 × (5 − L) × √(2/N). A pass first plans the mandatory moves (priority 1:
evacuating a host entering maintenance, mending a broken required rule; priority 2: mending a
preferred rule), then, while I > target, greedy balancing moves: of every (VM, host) pair that
keeps the rules and fits, the one with the most net benefit

    goodness = I before − I after       benefit = goodness × STABLE_PERIOD_S
    cost = COST_PER_S × the expected vMotion time      net = benefit − cost

as long as goodness ≥ MIN_GOODNESS and net > 0, up to MAX_MOVES. A balancing move's priority
is 6 − ceil(I × √(N/2) / 0.1), clamped to 2..5: at threshold L exactly the moves of priority ≤ L
are made, which is the same as I > target(L, N).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from vdc.sim import affinity, checks
from vdc.sim.checks import Rejected
from vdc.sim.moves import vmotion

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation
    from vdc.sim.model import Host, Vm

MIN_GOODNESS = 0.01
"""Least imbalance drop a balancing move must bring [assumption: 0.01 std-dev]."""
STABLE_PERIOD_S = 300.0
"""How long the gain of a move is expected to last [assumption: 300 s]."""
COST_PER_S = 0.02
"""Cost of one second of vMotion, in imbalance × seconds [game tuning]."""
MAX_MOVES = 10
"""Balancing moves per pass [assumption: 10]."""
MAX_TRIES = 40
"""Candidates checked against the full vMotion rules per balancing move."""


def target(threshold: int, n_hosts: int) -> float:
    """The imbalance a cluster may keep at migration threshold L: 0.1 × (5 − L) × √(2/N)."""
    if n_hosts < 1:
        return 0.0
    return 0.1 * (5 - threshold) * math.sqrt(2.0 / n_hosts)


def priority(imbalance: float, n_hosts: int) -> int:
    """A balancing recommendation's priority (2 = strongest … 5 = weakest)."""
    x = imbalance * math.sqrt(n_hosts / 2.0) / 0.1
    return max(2, min(5, 6 - math.ceil(x - 1e-12)))


def imbalance(cpu: np.ndarray, mem: np.ndarray) -> float:
    if cpu.size < 2:
        return 0.0
    return float(max(cpu.std(), mem.std()))


@dataclass(slots=True)
class Move:
    """One move a pass proposes (a vMotion, or a cold move of a powered-off VM)."""

    vm: str
    src: str
    dst: str
    priority: int
    reason: str
    goodness: float = 0.0
    cold: bool = False


@dataclass(slots=True)
class Plan:
    """A pass's working state: hosts, loads, and the moves so far."""

    hosts: list[str]
    cap_mhz: np.ndarray
    cap_gib: np.ndarray
    cpu: np.ndarray
    mem: np.ndarray
    conf: np.ndarray
    """GiB configured of the VMs running (or planned) on each host: a move must fit."""
    ent_cpu: np.ndarray
    ent_mem: np.ndarray
    """Entitlement of every VM (MHz, GiB) in the sampler's order; 0 for VMs that are off."""
    vm_index: dict[str, int]
    moves: list[Move] = field(default_factory=list)
    blocked: dict[str, str] = field(default_factory=dict)
    """Host entering maintenance → why DRS cannot move a VM off it."""
    start_cpu: np.ndarray = field(default_factory=lambda: np.zeros(0))
    start_mem: np.ndarray = field(default_factory=lambda: np.zeros(0))
    """The loads before any move of this plan."""

    @property
    def imbalance(self) -> float:
        return imbalance(self.cpu, self.mem)

    def placed(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for m in self.moves:
            out.setdefault(m.dst, []).append(m.vm)
        return out

    def moving(self) -> list[str]:
        return [m.vm for m in self.moves]

    def index(self, host: str) -> int | None:
        return self.hosts.index(host) if host in self.hosts else None

    def ent(self, vm: str) -> tuple[float, float]:
        i = self.vm_index.get(vm)
        return (0.0, 0.0) if i is None else (float(self.ent_cpu[i]), float(self.ent_mem[i]))

    def shift(self, vm: Vm, src: str, dst: str) -> None:
        """Account `vm` leaving `src` for `dst` in the loads."""
        c, m = self.ent(vm.name)
        i, j = self.index(src), self.index(dst)
        if i is not None:
            self.cpu[i] -= c / self.cap_mhz[i]
            self.mem[i] -= m / self.cap_gib[i]
            self.conf[i] -= vm.memory
        if j is not None:
            self.cpu[j] += c / self.cap_mhz[j]
            self.mem[j] += m / self.cap_gib[j]
            self.conf[j] += vm.memory

    def after(self, vm: Vm, src: str, dst: str) -> float:
        """The imbalance if `vm` moved from `src` to `dst` (the plan unchanged)."""
        cpu, mem, conf = self.cpu.copy(), self.mem.copy(), self.conf.copy()
        self.shift(vm, src, dst)
        out = self.imbalance
        self.cpu, self.mem, self.conf = cpu, mem, conf
        return out


def balance_hosts(sim: Simulation, cluster: str) -> list[str]:
    """Hosts of the cluster DRS may place VMs on: on, and not entering maintenance."""
    return [
        h for h in sim.inv.clusters[cluster].hosts
        if sim.inv.hosts[h].accepts_vms and sim.maintenance.entering_of(h) is None
    ]


def entitlements(sim: Simulation, cpu_avg: np.ndarray | None,
                 mem_avg: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """(CPU MHz, memory GiB) each VM is entitled to, in the sampler's order: its average demand,
    at least its reservation; 0 for VMs that are off. The sampler must be current."""
    s = sim.sampler
    n = len(s.vm_names)
    cpu = cpu_avg if cpu_avg is not None and cpu_avg.size == n else s.vm_cpu_demand
    mem = mem_avg if mem_avg is not None and mem_avg.size == n else s.vm_mem_active
    if cpu.size != n or mem.size != n or s.samples == 0:
        # Nothing sampled yet (a command at t = 0): the profiles' baselines stand in.
        cpu = np.minimum(s.base_cpu, s.cpu_cap_vm)
        mem = s.base_mem
    on = s.vm_on
    return (np.where(on, np.maximum(cpu, s.vm_cpu_res), 0.0),
            np.where(on, np.maximum(mem, s.vm_mem_res), 0.0))


def new_plan(sim: Simulation, cluster: str, ent: tuple[np.ndarray, np.ndarray]) -> Plan:
    s = sim.sampler
    hosts = balance_hosts(sim, cluster)
    hs = [sim.inv.hosts[h] for h in hosts]
    k = len(hs)
    cap_mhz = np.array([h.capacity_mhz for h in hs], dtype=float)
    cap_gib = np.array([h.memory for h in hs], dtype=float)
    pidx = np.full(len(s.host_names), -1, dtype=np.int64)
    for j, h in enumerate(hosts):
        pidx[s.host_index[h]] = j
    where = pidx[s.vm_host]
    inside = s.vm_on & (where >= 0)
    w = where[inside]
    plan = Plan(
        hosts=hosts, cap_mhz=cap_mhz, cap_gib=cap_gib,
        cpu=np.bincount(w, weights=ent[0][inside], minlength=k) / np.maximum(cap_mhz, 1e-9),
        mem=np.bincount(w, weights=ent[1][inside], minlength=k) / np.maximum(cap_gib, 1e-9),
        conf=np.bincount(w, weights=s.vm_memory[inside], minlength=k).astype(float),
        ent_cpu=ent[0], ent_mem=ent[1], vm_index=s.vm_index,
    )
    for m in sim.migrations.running + sim.migrations.queued:  # on their way: count them there
        if m.dst in hosts:
            plan.shift(sim.inv.vms[m.vm], m.src if m.src in hosts else "", m.dst)
    plan.start_cpu, plan.start_mem = plan.cpu.copy(), plan.mem.copy()
    return plan


def _busy(sim: Simulation, vm: Vm) -> bool:
    return sim.migrations.of_vm(vm.name) is not None or sim.svmotions.of_vm(vm.name) is not None


def _fits(sim: Simulation, plan: Plan, vm: Vm, dst: Host, *, cold: bool) -> str | None:
    """Why `vm` cannot go to `dst` in this plan (the vMotion rules, or room left by the plan)."""
    try:
        if cold:
            checks.check_reach(sim, vm, dst)
        else:
            vmotion.check_vmotion(sim, vm, dst)
    except Rejected as e:
        return str(e)
    j = plan.index(dst.name)
    if not cold and j is not None and plan.conf[j] + vm.memory > plan.cap_gib[j] + 1e-9:
        return f"{dst.name} has no memory left for {vm.name} once the other moves are made"
    return affinity.refusal(sim, vm, dst, placed=plan.placed(), moving=plan.moving())


def best_host(sim: Simulation, plan: Plan, vm: Vm, *, within: list[str] | None = None,
              cold: bool = False) -> tuple[str | None, str]:
    """The host of the plan that `vm` should go to (least imbalance after, preferred rules
    kept when some host keeps them), or None and why none can take it."""
    reasons: list[str] = []
    keep: list[tuple[float, str]] = []
    bend: list[tuple[float, str]] = []
    for h in within if within is not None else plan.hosts:
        if h == vm.host:
            continue
        dst = sim.inv.hosts[h]
        why = _fits(sim, plan, vm, dst, cold=cold)
        if why is not None:
            reasons.append(why)
            continue
        score = plan.after(vm, vm.host, h)
        soft = affinity.refusal(sim, vm, dst, soft=True, placed=plan.placed(), moving=plan.moving())
        (bend if soft else keep).append((score, h))
    pick = min(keep or bend, default=None)
    if pick is None:
        return None, reasons[0] if reasons else "no other host of the cluster takes VMs now"
    return pick[1], ""


def add_move(plan: Plan, vm: Vm, dst: str, priority: int, reason: str, *, cold: bool = False,
             goodness: float = 0.0) -> None:
    plan.moves.append(Move(vm.name, vm.host, dst, priority, reason, goodness, cold))
    if not cold:
        plan.shift(vm, vm.host, dst)


def evacuations(sim: Simulation, cluster: str, plan: Plan) -> None:
    """Priority 1: the VMs of hosts entering maintenance, to the hosts that keep the rules."""
    for e in sim.maintenance.entering:
        if e.host not in sim.inv.clusters[cluster].hosts:
            continue
        for vm in sim.inv.vms_on(e.host):
            if vm.name in plan.moving() or _busy(sim, vm):
                continue
            cold = vm.power != "on"
            if cold and not e.evacuate_off:
                continue
            dst, why = best_host(sim, plan, vm, cold=cold)
            if dst is None:
                plan.blocked.setdefault(e.host, f"DRS cannot move {vm.name}: {why}")
                continue
            add_move(plan, vm, dst, 1, f"{e.host} is entering maintenance mode", cold=cold)


def mend_rules(sim: Simulation, cluster: str, plan: Plan) -> None:
    """Priority 1 for broken required rules, 2 for preferred ones: move the VMs that break them."""
    cl = sim.inv.clusters[cluster]
    for r, name, why in affinity.violations(sim, cluster):
        vm = sim.inv.vms[name]
        if name in plan.moving() or _busy(sim, vm) or vm.host not in plan.hosts or not vm.is_running(sim.now):
            continue
        within = None
        if r.type == "must-run-on" or r.type == "should-run-on":
            within = [h for h in affinity.rule_hosts(cl, r) if h in plan.hosts]
        elif r.type == "must-not-run-on":
            within = [h for h in plan.hosts if h not in affinity.rule_hosts(cl, r)]
        elif r.type == "keep-together":
            home = affinity.together_home(sim, cl, r)
            within = [home] if home in plan.hosts else []
        dst, _ = best_host(sim, plan, vm, within=within)
        if dst is not None:
            prio = 1 if r.type in affinity.REQUIRED else 2
            add_move(plan, vm, dst, prio, f"rule {r.name}: {vm.name} {why}")


def _copy_seconds(sim: Simulation, idx: np.ndarray, bw: np.ndarray) -> np.ndarray:
    """Expected vMotion seconds of the VMs `idx` (sampler order) at bandwidths `bw` (bytes/s of
    their hosts' vMotion links): the closed-form pre-copy, the cost side of cost-benefit."""
    s = sim.sampler
    mem = s.vm_memory[idx] * vmotion.GIB
    spike = s.spike[idx] if s.spike.size == len(s.vm_names) else np.ones(idx.size)
    dirty = (vmotion.DIRTY_PER_ACTIVE_GIB * s.base_mem[idx] * s.vm_load[idx]
             + vmotion.DIRTY_PER_WRITE * s.base_write[idx]) * spike * vmotion.MB
    dirty = np.where(dirty >= bw, vmotion.SDPS_RATIO * bw, dirty)
    r = dirty / bw
    first = mem / bw
    goal = vmotion.SWITCHOVER_GOAL_S
    with np.errstate(divide="ignore", invalid="ignore"):
        n = np.where(first * r <= goal, 1.0,
                     np.ceil(np.log(goal / np.maximum(first, 1e-12)) / np.log(np.maximum(r, 1e-12))))
        n = np.clip(np.nan_to_num(n, nan=1.0), 1.0, vmotion.MAX_ROUNDS)
        total = np.where(r > 1e-12, first * (1.0 - r**n) / (1.0 - r), first)
    return vmotion.TASK_OVERHEAD_S + vmotion.SETUP_S + total + goal


def balance(sim: Simulation, cluster: str, plan: Plan, threshold: int) -> None:
    """Greedy balancing moves while the imbalance is above the target (see the module doc)."""
    n = len(plan.hosts)
    if threshold < 2 or n < 2:
        return
    goal = target(threshold, n)
    if plan.imbalance <= goal + 1e-12:
        return
    cl = sim.inv.clusters[cluster]
    in_rules = {v for r in cl.rules for v in affinity.rule_vms(cl, r)}
    s = sim.sampler
    pidx = np.full(len(s.host_names), -1, dtype=np.int64)
    for k, h in enumerate(plan.hosts):
        pidx[s.host_index[h]] = k
    where = pidx[s.vm_host]
    ok_vm = s.vm_on & (where >= 0) & (s.vm_up_at <= sim.now)
    if s.vm_running.size == ok_vm.size:
        ok_vm &= s.vm_running
    busy = {m.vm for m in sim.migrations.running + sim.migrations.queued}
    busy |= {c.vm for c in sim.svmotions.running + sim.svmotions.queued}
    busy |= set(plan.moving())
    ci = np.flatnonzero(ok_vm)
    if busy:
        ci = ci[[s.vm_names[i] not in busy for i in ci.tolist()]]
    if not ci.size:
        return
    src = where[ci]
    link_bw = np.array([vmotion.bandwidth(max(vmotion.vmotion_link(sim.inv.hosts[h]), 1.0))
                        for h in plan.hosts])
    cost = COST_PER_S * _copy_seconds(sim, ci, link_bw[src])
    cores = np.array([sim.inv.hosts[h].cores for h in plan.hosts])
    c_ent = plan.ent_cpu[ci]
    m_ent = plan.ent_mem[ci]
    vmem = s.vm_memory[ci]
    vcpu = s.vm_vcpu[ci]
    vm_list = list(sim.inv.vms.values())
    cands = [vm_list[i] for i in ci.tolist()]
    rows = np.arange(len(cands))
    static_ok = vcpu[:, None] <= cores[None, :]
    static_ok[rows, src] = False
    banned = np.zeros_like(static_ok)
    done = np.zeros(len(cands), dtype=bool)
    for _ in range(MAX_MOVES):
        before = plan.imbalance
        if before <= goal + 1e-12:
            return
        prio = priority(before, n)
        after = np.maximum(_std_after(plan.cpu, c_ent, plan.cap_mhz, src),
                           _std_after(plan.mem, m_ent, plan.cap_gib, src))
        good = before - after
        net = good * STABLE_PERIOD_S - cost[:, None]
        ok = static_ok & ~banned & ~done[:, None]
        ok &= plan.conf[None, :] + vmem[:, None] <= plan.cap_gib[None, :] + 1e-9
        ok &= (good >= MIN_GOODNESS) & (net > 0)
        if not ok.any():
            return
        score = np.where(ok, net, -np.inf).ravel()
        picked = None
        for flat in np.argsort(-score, kind="stable")[:MAX_TRIES].tolist():
            if not np.isfinite(score[flat]):
                break
            i, j = divmod(flat, n)
            vm, dst = cands[i], sim.inv.hosts[plan.hosts[j]]
            why = _fits(sim, plan, vm, dst, cold=False)
            if why is None and vm.name in in_rules:
                why = affinity.refusal(sim, vm, dst, soft=True, placed=plan.placed(), moving=plan.moving())
            if why is None:
                picked = (i, j)
                break
            banned[i, j] = True
        if picked is None:
            return
        i, j = picked
        vm = cands[i]
        add_move(plan, vm, plan.hosts[j], prio,
                 f"balance load: imbalance {before:.3f} → {float(after[i, j]):.3f} "
                 f"(target {goal:.3f})", goodness=float(good[i, j]))
        done[i] = True
        src[i] = j


def _std_after(load: np.ndarray, ent: np.ndarray, cap: np.ndarray, src: np.ndarray) -> np.ndarray:
    """Std-dev of `load` after each VM (row) moves from its `src` host to each host (column)."""
    n = load.size
    a = ent / cap[src]                      # what leaving takes off the source
    b = ent[:, None] / cap[None, :]         # what arriving adds to each host
    s1 = load.sum()
    s2 = float((load**2).sum())
    ls = load[src]
    sum_after = s1 - a[:, None] + b
    sq = (s2 - ls**2 + (ls - a) ** 2)[:, None] - load[None, :] ** 2 + (load[None, :] + b) ** 2
    # A move onto its own host changes nothing (masked out by the caller anyway).
    var = np.maximum(sq / n - (sum_after / n) ** 2, 0.0)
    return np.sqrt(var)
