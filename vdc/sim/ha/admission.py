"""Provides vSphere HA admission control: the slot, percentage and failover-host math.

The pure functions take plain numbers (host capacities, VM reservations) so the worked examples
of design/sim-facts.md §3 can be checked by hand; `admission_refusal` applies the cluster's
policy to one power-on or migration and words the refusal with the numbers. Units: MHz, GiB.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation
    from vdc.sim.model import Host, Vm

VM_CPU_MIN_MHZ = 32.0
"""Slot policy: a VM without a CPU reservation counts as 32 MHz (`das.vmcpuminmhz`)."""

VM_MEM_OVERHEAD_GIB = 0.0
"""[assumption] Memory overhead added to each VM's reservation (slot size and percentage).
Real hosts add ~0.03–0.2 GiB per VM; the game's host capacity does not model it, so 0."""

PCT_DEFAULT_CPU_MHZ = 0.0
"""Percentage policy: CPU reservation counted for a VM without one. 0 = vSphere 6.5+; the
legacy option was 256 MHz (sim-facts §3)."""


@dataclass(frozen=True, slots=True)
class SlotReport:
    cpu_slot: float
    mem_slot: float
    slots: tuple[int, ...]
    """Slots per host, in the order the hosts were given."""
    vms: int
    failover_capacity: int
    """How many hosts (largest first) can fail with enough slots left for every VM."""


@dataclass(frozen=True, slots=True)
class PercentReport:
    free_cpu_pct: float
    free_mem_pct: float
    reserve_cpu_pct: float
    reserve_mem_pct: float


def slot_size(
    reservations: list[tuple[float, float]],
    *,
    cpu_min: float = VM_CPU_MIN_MHZ,
    overhead: float = VM_MEM_OVERHEAD_GIB,
) -> tuple[float, float]:
    """(CPU MHz, memory GiB) of one slot: the largest reservation of any powered-on VM."""
    cpu = max([max(c, cpu_min) for c, _ in reservations], default=cpu_min)
    mem = max([m + overhead for _, m in reservations], default=overhead)
    return cpu, mem


def slots_per_host(hosts: list[tuple[float, float]], slot: tuple[float, float]) -> list[int]:
    """Whole slots each host holds: min(CPU / CPU slot, memory / memory slot)."""
    cpu, mem = slot
    out = []
    for mhz, gib in hosts:
        by_cpu = math.floor(mhz / cpu + 1e-9) if cpu > 0 else math.inf
        by_mem = math.floor(gib / mem + 1e-9) if mem > 0 else math.inf
        n = min(by_cpu, by_mem)
        out.append(int(n) if n != math.inf else 10**6)
    return out


def failover_capacity(slots: list[int], vms: int) -> int:
    """How many hosts can fail, the largest first, with enough slots left for `vms` VMs."""
    left = sorted(slots, reverse=True)
    total = sum(left)
    n = 0
    for s in left:
        if total - s < vms:
            break
        total -= s
        n += 1
    return min(n, max(len(slots) - 1, 0))


def slot_report(
    hosts: list[tuple[float, float]],
    reservations: list[tuple[float, float]],
    *,
    cpu_min: float = VM_CPU_MIN_MHZ,
    overhead: float = VM_MEM_OVERHEAD_GIB,
) -> SlotReport:
    slot = slot_size(reservations, cpu_min=cpu_min, overhead=overhead)
    slots = slots_per_host(hosts, slot)
    return SlotReport(slot[0], slot[1], tuple(slots), len(reservations),
                      failover_capacity(slots, len(reservations)))


def auto_reserve_pct(capacities: list[float], failures: int) -> float:
    """% of the cluster held back for `failures` hosts: the largest hosts' share of the total."""
    total = sum(capacities)
    if total <= 0:
        return 0.0
    return 100.0 * sum(sorted(capacities, reverse=True)[:failures]) / total


def free_pct(capacity: float, reserved: float) -> float:
    """% of `capacity` not reserved by powered-on VMs."""
    return 100.0 * (capacity - reserved) / capacity if capacity > 0 else 0.0


def percent_report(
    hosts: list[tuple[float, float]],
    reservations: list[tuple[float, float]],
    *,
    failures: int = 1,
    cpu_pct: float | None = None,
    mem_pct: float | None = None,
    cpu_default: float = PCT_DEFAULT_CPU_MHZ,
    overhead: float = VM_MEM_OVERHEAD_GIB,
) -> PercentReport:
    """Free and reserved % of the cluster's CPU and memory (reserve from `failures` if no %)."""
    cpu_cap = sum(h[0] for h in hosts)
    mem_cap = sum(h[1] for h in hosts)
    cpu_res = sum(max(c, cpu_default) for c, _ in reservations)
    mem_res = sum(m + overhead for _, m in reservations)
    return PercentReport(
        free_pct(cpu_cap, cpu_res),
        free_pct(mem_cap, mem_res),
        cpu_pct if cpu_pct is not None else auto_reserve_pct([h[0] for h in hosts], failures),
        mem_pct if mem_pct is not None else auto_reserve_pct([h[1] for h in hosts], failures),
    )


# --------------------------------------------------------------------- on the live inventory


def cluster_hosts(sim: Simulation, cluster: str) -> list[Host]:
    """The hosts that give the cluster its capacity now (up, not in maintenance)."""
    return [sim.inv.hosts[h] for h in sim.inv.clusters[cluster].hosts
            if sim.inv.hosts[h].state in ("on", "isolated")]


def _running(sim: Simulation, hosts: list[Host], extra: Vm | None) -> list[Vm]:
    names = {h.name for h in hosts}
    vms = [v for v in sim.inv.vms.values() if v.power == "on" and v.host in names]
    if extra is not None and all(v is not extra for v in vms):
        vms.append(extra)
    return vms


@dataclass(frozen=True, slots=True)
class CapacityNumbers:
    """A cluster's admission numbers now: the report of its policy (the others None)."""

    policy: str
    failures: int
    hosts: int
    slots: SlotReport | None = None
    percent: PercentReport | None = None
    failover_hosts: list[str] | None = None


def capacity_numbers(sim: Simulation, cluster: str, extra: Vm | None = None) -> CapacityNumbers:
    """The cluster's admission numbers now (with `extra` powered on too), for messages and UI."""
    st = sim.inv.clusters[cluster].ha
    hosts = cluster_hosts(sim, cluster)
    caps = [(h.capacity_mhz, h.memory) for h in hosts]
    res = [(v.cpu_reservation, v.mem_reservation) for v in _running(sim, hosts, extra)]
    policy, failures = st.admission, st.failures
    if policy == "slots":
        return CapacityNumbers(policy, failures, len(hosts), slots=slot_report(caps, res))
    if policy == "percent":
        report = percent_report(caps, res, failures=failures, cpu_pct=st.cpu_pct, mem_pct=st.mem_pct)
        return CapacityNumbers(policy, failures, len(hosts), percent=report)
    if policy == "failover-hosts":
        return CapacityNumbers(policy, failures, len(hosts), failover_hosts=list(st.failover_hosts))
    return CapacityNumbers(policy, failures, len(hosts))


def failures_reserved(sim: Simulation, cluster: str) -> int:
    """How many host failures the cluster's admission control is set to reserve for (0 with HA
    or admission control off). `slots N` and `percent N`: N; `failover-hosts`: how many hosts
    are kept empty; `percent CPU% MEM%`: the most n whose n largest hosts' shares of the
    cluster's CPU and memory both fit in the given percentages (all the cluster's hosts count,
    whatever their state: this is the setting, not the capacity left now)."""
    cl = sim.inv.clusters[cluster]
    st = cl.ha
    if not st.enabled or st.admission == "disabled":
        return 0
    if st.admission == "failover-hosts":
        return len(st.failover_hosts)
    if st.admission == "percent" and st.cpu_pct is not None and st.mem_pct is not None:
        hosts = [sim.inv.hosts[h] for h in cl.hosts]
        cpu = [h.capacity_mhz for h in hosts]
        mem = [h.memory for h in hosts]
        n = 0
        while n < len(hosts) - 1 and (
            st.cpu_pct >= auto_reserve_pct(cpu, n + 1) - 1e-9
            and st.mem_pct >= auto_reserve_pct(mem, n + 1) - 1e-9
        ):
            n += 1
        return n
    return st.failures


def summary(sim: Simulation, cluster: str) -> str:
    """The cluster's admission numbers in one phrase ("33 % CPU / 33 % memory reserved, …")."""
    nums = capacity_numbers(sim, cluster)
    if nums.slots is not None:
        r = nums.slots
        return (f"slot {r.cpu_slot:.0f} MHz / {r.mem_slot:g} GiB, slots "
                f"{'/'.join(map(str, r.slots)) or '-'} for {r.vms} VMs, "
                f"failover capacity {r.failover_capacity} host(s)")
    if nums.percent is not None:
        p = nums.percent
        return (f"free {p.free_cpu_pct:.0f} % CPU / {p.free_mem_pct:.0f} % memory, "
                f"reserved {p.reserve_cpu_pct:.0f} % / {p.reserve_mem_pct:.0f} %")
    if nums.failover_hosts is not None:
        return "failover hosts " + ", ".join(nums.failover_hosts)
    return "no admission control"


def _pct(x: float) -> str:
    return f"{x:.0f} %"


def _hosts_word(n: int) -> str:
    return "1 host failure" if n == 1 else f"{n} host failures"


def admission_refusal(sim: Simulation, vm: Vm, target_host: Host) -> str | None:
    """Why HA admission control refuses running `vm` on `target_host` (None if allowed).

    Used for `power on` and by migrations into a cluster (vMotion): the operation is refused
    when it would leave less spare capacity than the policy reserves for host failures.
    """
    cluster = target_host.cluster
    if cluster is None or cluster not in sim.inv.clusters:
        return None
    st = sim.inv.clusters[cluster].ha
    policy = st.admission
    if not st.enabled or policy == "disabled":
        return None
    head = "HA admission control: "
    if policy == "failover-hosts":
        if target_host.name in st.failover_hosts:
            return (f"{head}{target_host.name} is a dedicated failover host of {cluster}, "
                    "kept empty for host failures")
        return None
    inside = vm.power == "on" and sim.inv.hosts[vm.host].cluster == cluster
    if inside:
        return None  # a move inside the cluster reserves nothing new
    nums = capacity_numbers(sim, cluster, extra=vm)
    failures = nums.failures
    verb = "powering on" if vm.power != "on" else "moving in"
    if nums.slots is not None:
        rep = nums.slots
        if rep.failover_capacity < failures:
            slots = "/".join(str(s) for s in rep.slots)
            return (
                f"{head}{verb} {vm.name} leaves room for {rep.failover_capacity} host "
                f"failure(s) ({rep.vms} VMs in slots {slots} of {rep.cpu_slot:.0f} MHz / "
                f"{rep.mem_slot:g} GiB), {failures} required"
            )
        return None
    if nums.percent is not None:
        p = nums.percent
        why = _hosts_word(failures) if st.cpu_pct is None else "failures"
        if p.free_mem_pct < p.reserve_mem_pct - 1e-9:
            return (f"{head}{verb} {vm.name} leaves {_pct(p.free_mem_pct)} of the cluster's memory "
                    f"free, {_pct(p.reserve_mem_pct)} is reserved for {why}")
        if p.free_cpu_pct < p.reserve_cpu_pct - 1e-9:
            return (f"{head}{verb} {vm.name} leaves {_pct(p.free_cpu_pct)} of the cluster's CPU "
                    f"free, {_pct(p.reserve_cpu_pct)} is reserved for {why}")
    return None
