"""Provides the words for why a running VM is starved: its CPU (ready, co-stop, guest
saturation), its network or its memory, with the numbers that show it. The VM table's health
reason and the `vm_unhealthy` and `cpu_ready_warning` events say the same thing."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation


def _pct(x: float) -> str:
    return f"{x:.0f}" if x >= 10 else f"{x:.1f}"


def contention(sim: Simulation, i: int, *, smoothed: bool = True) -> str:
    """VM i's ready in words, with why it waits: on a relaxed host what the host is asked for
    ("18 % ready per vCPU — 26 vCPUs want 16 cores"), on a strict one the gang rule (with its
    co-stop). `smoothed`: the 20 s average the alarm watches; else this sample's, as the
    served share it explains."""
    s = sim.sampler
    h = int(s.vm_host[i])
    host = sim.inv.hosts[s.host_names[h]]
    ready = float(s.vm_ready_avg[i] if smoothed else s.vm_ready[i])
    head = f"{_pct(ready)} % ready per vCPU"
    if s.host_strict_cores.size > h and s.host_strict_cores[h] > 0:
        n = int(s.vm_vcpu[i])
        if n == 1:
            return f"{head} — strict host: it waits while wider VMs hold the cores"
        costop = float(s.vm_costop_avg[i]) if s.vm_costop_avg.size > i else 0.0
        return (f"{head}, {_pct(costop)} % co-stop — strict host: its {n} vCPUs wait for "
                f"{n} free cores at once")
    mhz = float(s.host_core_mhz[h])
    want = float(s.vm_cpu_demand[s.vm_host == h].sum()) / max(mhz, 1e-9)
    return f"{head} — {want:.0f} vCPUs want {host.cores} cores"


def saturation(sim: Simulation, i: int) -> str:
    """VM i's guest saturation in words ("guest saturated: wants 9,600 MHz, its 2 vCPUs give
    4,800")."""
    s = sim.sampler
    n = int(s.vm_vcpu[i])
    return (f"guest saturated: wants {float(s.vm_cpu_want[i]):,.0f} MHz, its {n} "
            f"vCPU{'s' if n != 1 else ''} give {float(s.cpu_cap_vm[i]):,.0f}")


def cause(sim: Simulation, i: int) -> str:
    """What starves VM i most: "saturated" (its vCPUs, not the host, are short), "cpu" (its
    host's cores), "network", "memory", or "" when nothing measured is short."""
    s = sim.sampler
    f_cpu = float(s.vm_f_cpu[i]) if s.vm_f_cpu.size > i else 1.0
    f_net = float(s.vm_f_net[i]) if s.vm_f_net.size > i else 1.0
    f_mem = float(s.vm_mem_factor[i]) if s.vm_mem_factor.size > i else 1.0
    worst = min(f_cpu, f_net, f_mem)
    f_rt = float(s.vm_rt_limit[i]) if s.vm_rt_limit.size > i else np.inf
    if f_rt < min(worst, 1.0) - 1e-9:
        return "router"
    if worst >= 1.0 - 1e-9:
        return ""
    if worst == f_cpu:
        sat = float(s.vm_saturation[i])
        if sat > 1.0 + 1e-9 and f_cpu >= 1.0 / sat - 1e-9 and float(s.vm_ready[i]) < 5.0:
            return "saturated"
        return "cpu"
    return "network" if worst == f_net else "memory"


_SHORT = {"saturated": "guest saturated", "cpu": "CPU ready", "network": "network",
          "memory": "memory", "router": "router", "": ""}


def routers(sim: Simulation, i: int) -> str:
    """The routers routed VM i's traffic passes through now, and what they are served
    ("its router r-01 gets 62 % of its demand")."""
    s = sim.sampler
    up = s.vm_running & s.vm_ok
    rows: list[int] = []
    for b, via in zip(s.rt_vm.tolist(), s.rt_routers, strict=True):
        if b == i:
            rows.extend(r for r in via[up[via]].tolist() if r not in rows)
    if not rows:
        return "its router is down"
    names = ", ".join(s.vm_names[r] for r in rows)
    pct = 100 * float(np.mean(s.vm_served[rows]))
    one = len(rows) == 1
    return f"its router{'' if one else 's'} {names} get{'s' if one else ''} {pct:.0f} % of {'its' if one else 'their'} demand"


def cut_off(sim: Simulation, i: int) -> str:
    """Why routed VM i is cut off ("cut off: no router up for VLAN 130 to tier app on VLAN 120")."""
    s = sim.sampler
    need = [w for b, w in zip(s.rt_vm.tolist(), s.rt_need, strict=True) if b == i]
    return f"cut off: no router up for {need[0]}" if need else "cut off: no router up"


def starved(sim: Simulation, i: int, *, long: bool = True) -> str:
    """Why VM i is served less than its service needs, the biggest cause first (`long`: with
    the numbers that show it, for the event log; else a few words for the VM table)."""
    s = sim.sampler
    head = f"starved: gets {100 * float(s.vm_served[i]):.0f} % of its demand"
    kind = cause(sim, i)
    if not long:
        return f"{head}, {_SHORT[kind]}" if kind else head
    if kind == "saturated":
        return f"{head}: {saturation(sim, i)}"
    if kind == "cpu":
        words = contention(sim, i, smoothed=False)
        if float(s.vm_saturation[i]) > 1.0 + 1e-9:
            words += f"; {saturation(sim, i)}"
        return f"{head}: {words}"
    if kind == "network":
        return f"{head}: its host's uplinks carry {100 * float(s.vm_f_net[i]):.0f} % of the VMs' traffic"
    if kind == "memory":
        return f"{head}: memory overcommitted on its host"
    if kind == "router":
        return f"{head}: {routers(sim, i)}"
    return head


def running(sim: Simulation, i: int, *, long: bool = True) -> str:
    """Why running VM i is not healthy, in words ("unhealthy" when no rule says why)."""
    s = sim.sampler
    vm = sim.inv.vms[s.vm_names[i]]
    if not vm.os:
        return "no guest OS"
    if vm.hung:
        return "guest hung (no heartbeat)"
    if vm.broken:
        return "broken by a bad change"
    if not s.vm_reachable[i]:
        return "network cut (VLAN not carried)"
    if s.vm_rt_cut.size > i and s.vm_rt_cut[i]:
        return cut_off(sim, i)
    if s.vm_paused[i]:
        return "paused: datastore full"
    if s.vm_served[i] < s.vm_min_served[i]:
        return starved(sim, i, long=long)
    if s.vm_latency[i] > s.vm_max_lat[i]:
        return f"storage latency {s.vm_latency[i]:.0f} ms"
    return "unhealthy"
