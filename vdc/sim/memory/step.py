"""Provides the sampler's memory step: consumed and active memory per host, reclamation
(`reclaim.py`), what it costs each guest, and the events that explain it (`alerts.py`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from vdc.sim.memory import alerts
from vdc.sim.memory.reclaim import LOW, LOW_AT, guest_cost, min_free_gib, reclaim
from vdc.sim.workload import SPIKE_MEMORY_SHARE

if TYPE_CHECKING:
    from vdc.sim.contention import Sampler


def memory_step(s: Sampler, run_f: np.ndarray, H: int, incoming: np.ndarray | float) -> None:
    """Memory per host and per VM (`incoming`: GiB vMotions bring to each host); sets
    `mem_factor`, `swap_lat_vm` and the memory columns."""
    vm_host = s.vm_host
    spike_mem = 1.0 + SPIKE_MEMORY_SHARE * (s.spike - 1.0)
    active = np.minimum(s.vm_memory, s.base_mem * spike_mem) * run_f
    ah = np.bincount(vm_host, weights=active, minlength=H) + incoming
    memory = s.vm_memory * run_f
    consumed = np.bincount(vm_host, weights=memory, minlength=H) + incoming
    if s.host_min_free.size != H:
        s.host_min_free = min_free_gib(s.host_mem)
    F = s.host_min_free
    reserved = np.minimum(s.vm_mem_res, s.vm_memory) * run_f
    rc = reclaim(s.host_mem - consumed, F, memory, reserved, s.vm_has_tools, vm_host)
    # Low also when the working sets alone no longer fit: swapped pages are in use.
    overflow = ah > s.host_mem - LOW_AT * F
    if overflow.any():
        rc.state = np.where(overflow, LOW, rc.state)
    unreserved = 1.0 - np.clip(s.vm_mem_res / np.maximum(active, 1e-9), 0.0, 1.0)
    factor, latency = guest_cost(rc, memory, active, unreserved, vm_host, rc.state == LOW)
    s.mem_factor = factor
    s.vm_mem_factor = factor
    s.swap_lat_vm = latency
    s.vm_mem_active = active
    s.vm_balloon = rc.ballooned
    s.vm_swapped = rc.swapped
    s.vm_compressed = rc.compressed
    s.host_mem_active = ah
    s.host_mem_pct = 100.0 * ah / s.host_mem
    s.host_mem_consumed = consumed
    s.host_mem_free = rc.free
    s.host_vm_count = np.bincount(vm_host, weights=run_f, minlength=H)
    alerts.report(s, rc, consumed, ah, overflow)
