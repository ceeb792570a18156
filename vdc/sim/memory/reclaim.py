"""Provides host memory reclamation (sim-facts §9): minFree, the five memory states, and what
page sharing, ballooning, compression and hypervisor swap take from each VM, at steady state.

A guest touches all its configured memory sooner or later, so a host's consumed memory C is the
configured memory of its running VMs (plus the memory a vMotion brings in). Free memory
free₀ = M − C is compared with minFree F (899 MB for the first 28 GiB of host memory and 1 %
of the rest: 1,923 MB on 128 GiB). Each technique starts below its threshold and holds free
memory there as long as it can:

    below 100 % of F  clear  page sharing (TPS, intra-VM only since salting: ≤ 5 % of a VM)
    below  64 % of F  soft   + ballooning (only VMs with Tools, ≤ 65 % of a VM's memory)
    below  32 % of F  hard   + compression (cache ≤ 10 % of a VM at 2:1, so 5 % saved),
                               then swap to the VM's .vswp
    below  16 % of F  low    + allocations stall (as when the VMs' active memory alone no
                               longer fits in M − 16 % of F)

Reserved memory is never reclaimed. Each VM's share of a technique is in proportion to what
that technique can take from it. What it costs the guest (served fraction 1 / (1 + p)):

    p = 0.1 × ballooned/m           the guest drops caches: ballooned guests page a little
      + 2 × (ballooned − idle)/m    beyond its idle memory the guest pages active memory out
      + 1 × compressed/m            decompressing on access
      + 10 × swapped/m              swapped pages are picked blindly, ~100× RAM latency
    in low state: × 0.6 on the unreserved share (allocations stall)

and the guest's I/O waits SWAP_LATENCY_MS × swapped/m + PAGING_LATENCY_MS × paged/m more.
The thresholds are the vSphere 6 write-ups' (running-system, jgriffiths); the costs are game
tuning, anchored to "ballooning is cheap, swapping is expensive".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_FREE_BASE_MB = 899.0
"""minFree for the first 28 GiB of host memory."""
MIN_FREE_BASE_GIB = 28.0
MIN_FREE_REST = 0.01
"""minFree's share of the host memory above 28 GiB."""
MB_PER_GIB_ESXI = 1024.0
"""ESXi's memory megabytes are MiB: 128 GiB → 899 + 1 % × 100 × 1024 = 1,923 MB."""

STATES = ("high", "clear", "soft", "hard", "low")
"""Host memory states, least to most pressed (their index is the state's number)."""
HIGH, CLEAR, SOFT, HARD, LOW = range(5)
CLEAR_AT, SOFT_AT, HARD_AT, LOW_AT = 1.0, 0.64, 0.32, 0.16
"""Free memory, as a share of minFree, below which each state begins."""

TPS_SHARE = 0.05
"""[assumption] Share of a VM's memory page sharing finds within the VM (salting on)."""
BALLOON_MAX = 0.65
"""Mem.CtlMaxPercent: a balloon takes at most 65 % of its VM's memory."""
COMPRESS_SAVES = 0.05
"""A compression cache of ≤ 10 % of the VM at 2:1 saves 5 % of its memory."""

BALLOON_COST = 0.1
PAGING_COST = 2.0
COMPRESS_COST = 1.0
SWAP_COST = 10.0
LOW_STALL = 0.6
"""Share of its demand an unreserved VM still gets while its host holds back allocations."""
SWAP_LATENCY_MS = 200.0
PAGING_LATENCY_MS = 50.0


def min_free_mb(memory_gib: np.ndarray | float) -> np.ndarray:
    """minFree in MB for hosts of `memory_gib` GiB (64 → 1,267.6, 128 → 1,923, 512 → 5,855.2)."""
    rest = np.maximum(np.asarray(memory_gib, dtype=float) - MIN_FREE_BASE_GIB, 0.0)
    return MIN_FREE_BASE_MB + MIN_FREE_REST * rest * MB_PER_GIB_ESXI


def min_free_gib(memory_gib: np.ndarray | float) -> np.ndarray:
    return min_free_mb(memory_gib) / MB_PER_GIB_ESXI


def state_of(free_gib: np.ndarray | float, min_free: np.ndarray | float) -> np.ndarray:
    """The state a host is in with this much free memory (0 high … 4 low)."""
    r = np.asarray(free_gib, dtype=float) / np.asarray(min_free, dtype=float)
    return (
        (r < CLEAR_AT).astype(np.int64) + (r < SOFT_AT) + (r < HARD_AT) + (r < LOW_AT)
    )


@dataclass(slots=True)
class Reclaim:
    """One steady state of reclamation: per host and per VM (GiB)."""

    state: np.ndarray
    free: np.ndarray
    """Host free memory after reclamation."""
    shared: np.ndarray
    ballooned: np.ndarray
    compressed: np.ndarray
    swapped: np.ndarray
    balloon_short: np.ndarray
    """Per host: GiB the balloons could not take (VMs without Tools, or at 65 %)."""


def _take(need: np.ndarray, cap_vm: np.ndarray, vm_host: np.ndarray, H: int) -> np.ndarray:
    """Take `need` GiB per host from its VMs in proportion to what each can give."""
    cap_h = np.bincount(vm_host, weights=cap_vm, minlength=H)
    x = np.where(cap_h > 1e-12, np.minimum(1.0, need / np.maximum(cap_h, 1e-12)), 0.0)
    return cap_vm * x[vm_host]


def reclaim(
    free0: np.ndarray,
    min_free: np.ndarray,
    memory: np.ndarray,
    reserved: np.ndarray,
    tools: np.ndarray,
    vm_host: np.ndarray,
) -> Reclaim:
    """Steady-state reclamation on hosts with free memory `free0` (may be negative) for running
    VMs of `memory` GiB (0 for VMs not running), `reserved` GiB and Tools or not."""
    H = free0.size
    unres = np.maximum(memory - reserved, 0.0)
    shared = _take(np.maximum(CLEAR_AT * min_free - free0, 0.0), TPS_SHARE * memory, vm_host, H)
    free = free0 + np.bincount(vm_host, weights=shared, minlength=H)
    b_need = np.maximum(SOFT_AT * min_free - free, 0.0)
    ballooned = _take(b_need, tools * np.minimum(BALLOON_MAX * memory, unres), vm_host, H)
    got = np.bincount(vm_host, weights=ballooned, minlength=H)
    free = free + got
    short = b_need - got
    free_b = free
    left = np.maximum(unres - ballooned, 0.0)
    compressed = _take(
        np.maximum(HARD_AT * min_free - free, 0.0), np.minimum(COMPRESS_SAVES * memory, left), vm_host, H
    )
    free = free + np.bincount(vm_host, weights=compressed, minlength=H)
    swapped = _take(
        np.maximum(HARD_AT * min_free - free, 0.0), np.maximum(left - 2.0 * compressed, 0.0), vm_host, H
    )
    free = free + np.bincount(vm_host, weights=swapped, minlength=H)
    state = np.where(
        free0 >= CLEAR_AT * min_free - 1e-12, HIGH,
        np.where(b_need <= 1e-12, CLEAR, np.where(free_b >= HARD_AT * min_free - 1e-9, SOFT, HARD)),
    )
    state = np.where(free < LOW_AT * min_free - 1e-9, LOW, state)
    return Reclaim(state.astype(np.int64), free, shared, ballooned, compressed, swapped, short)


def guest_cost(
    r: Reclaim, memory: np.ndarray, active: np.ndarray, unreserved_share: np.ndarray,
    vm_host: np.ndarray, low: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Each VM's served factor and added I/O latency (ms) from what was reclaimed from it."""
    m = np.maximum(memory, 1e-9)
    paged = np.maximum(r.ballooned - (memory - active), 0.0)
    p = (BALLOON_COST * r.ballooned + PAGING_COST * paged + COMPRESS_COST * r.compressed
         + SWAP_COST * r.swapped) / m
    factor = 1.0 / (1.0 + p)
    stall = low[vm_host]
    if stall.any():
        factor = factor * (1.0 - (1.0 - LOW_STALL) * unreserved_share * stall)
    latency = (SWAP_LATENCY_MS * r.swapped + PAGING_LATENCY_MS * paged) / m
    return factor, latency
