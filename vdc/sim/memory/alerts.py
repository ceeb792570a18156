"""Provides the memory events, with the cause in words and hysteresis so they do not spam:
`memory_state_changed`, `balloon`, `host_swapping` and `memory_overcommit`.

A host's shown state worsens at once but improves only when it would still be better with
`HYSTERESIS` × minFree (at least 1 % of the host) less free memory; an overcommit clears
below 95 % of the host's memory. The memory step runs only when what runs or spikes changes,
so the events are as rare as those changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from vdc.sim.memory.reclaim import SOFT, STATES, Reclaim, reclaim

if TYPE_CHECKING:
    from vdc.sim.contention import Sampler

HYSTERESIS = 0.5
OVERCOMMIT_CLEAR = 0.95

_DOING = {
    "high": "no reclamation",
    "clear": "sharing pages",
    "soft": "ballooning",
    "hard": "compressing and swapping",
    "low": "swapping, allocations stall",
}


SWAP_NOTICED = 0.05
"""GiB swapped on a host from which `host_swapping` is logged (once, until it stops)."""


def _names(names: list[str], k: int = 3) -> str:
    """`db-01 has`, `m3, m4 have`, `a, b, c and 2 more have`."""
    more = f" and {len(names) - k} more" if len(names) > k else ""
    return ", ".join(names[:k]) + more + (" has" if len(names) == 1 else " have")


def report(s: Sampler, rc: Reclaim, consumed: np.ndarray, active: np.ndarray, overflow: np.ndarray) -> None:
    """Log what changed on each host since the last memory step."""
    H = consumed.size
    if s.host_mem_shown.size != H:
        s.host_mem_shown = np.zeros(H, dtype=np.int64)
        s.host_overcommitted = np.zeros(H, dtype=bool)
        s.host_swapping = np.zeros(H, dtype=bool)
    prev = s.host_mem_shown
    shown = np.maximum(prev, rc.state)
    better = rc.state < prev
    if better.any():
        margin = np.maximum(HYSTERESIS * s.host_min_free, 0.01 * s.host_mem)
        memory = s.vm_memory * s.vm_running
        reserved = np.minimum(s.vm_mem_res, s.vm_memory) * s.vm_running
        lenient = reclaim(
            s.host_mem - consumed - margin, s.host_min_free, memory, reserved, s.vm_has_tools, s.vm_host
        ).state
        lenient = np.where(overflow, rc.state, np.maximum(lenient, rc.state))
        shown = np.where(better & (lenient < prev), lenient, shown)
    # A host that runs no VMs (failed, off, in maintenance) has nothing to say: it goes back
    # to high without a word.
    down = ~s.host_runs
    if down.any():
        shown = np.where(down, 0, shown)
        prev = np.where(down, 0, prev)
    s.host_mem_shown = shown
    sim = s.sim
    t = float(sim.now)
    log = sim.log.add
    for i in np.flatnonzero(shown != prev).tolist():
        h, old, new = s.host_names[i], STATES[int(prev[i])], STATES[int(shown[i])]
        on = s.vm_host == i
        log(t, "memory_state_changed", h,
            f"{h} memory state {new} (was {old}): {_why(s, i, consumed, active, overflow)}; "
            f"{_DOING[new]}")
        if shown[i] >= SOFT > prev[i] and rc.ballooned[on].sum() > 0:
            log(t, "balloon", h, _balloon(s, i, rc, on))
    swapping = np.bincount(s.vm_host, weights=rc.swapped, minlength=H) >= SWAP_NOTICED
    for i in np.flatnonzero(swapping & ~s.host_swapping).tolist():
        log(t, "host_swapping", s.host_names[i], _swapping(s, i, rc, s.vm_host == i, overflow))
    s.host_swapping = swapping
    over = consumed > s.host_mem
    clear = consumed < OVERCOMMIT_CLEAR * s.host_mem
    newly = over & ~s.host_overcommitted
    for i in np.flatnonzero(newly).tolist():
        h = s.host_names[i]
        log(t, "memory_overcommit", h,
            f"{h} is overcommitted: {consumed[i]:.0f} GiB of running VMs on {s.host_mem[i]:.0f} GiB "
            f"({100 * consumed[i] / s.host_mem[i]:.0f} %)")
    s.host_overcommitted = (s.host_overcommitted | over) & ~clear


def _why(s: Sampler, i: int, consumed: np.ndarray, active: np.ndarray, overflow: np.ndarray) -> str:
    M, F = s.host_mem[i], s.host_min_free[i]
    if overflow[i]:
        return f"the VMs' active memory ({active[i]:.1f} GiB) no longer fits in {M:.0f} GiB"
    free0 = M - consumed[i]
    left = f"{-free0:.1f} GiB short" if free0 < 0 else f"{free0:.1f} GiB free"
    return f"{consumed[i]:.0f} GiB of running VMs on {M:.0f} GiB ({left}; minFree {1024 * F:.0f} MB)"


def _balloon(s: Sampler, i: int, rc: Reclaim, on: np.ndarray) -> str:
    h = s.host_names[i]
    idx = np.flatnonzero(on & (rc.ballooned > 1e-6)).tolist()
    text = f"{h} inflates balloons in {len(idx)} VM(s): {rc.ballooned[on].sum():.1f} GiB"
    no_tools = [s.vm_names[j] for j in np.flatnonzero(on & s.vm_running & ~s.vm_has_tools).tolist()]
    if no_tools:
        text += f"; {_names(no_tools)} no Tools and cannot balloon"
    return text


def _swapping(s: Sampler, i: int, rc: Reclaim, on: np.ndarray, overflow: np.ndarray) -> str:
    h = s.host_names[i]
    sw = rc.swapped * on
    top = np.argsort(-sw, kind="stable")[:3]
    who = ", ".join(f"{s.vm_names[j]} {sw[j]:.1f} GiB" for j in top.tolist() if sw[j] > 1e-6)
    no_tools = [s.vm_names[j] for j in np.flatnonzero(on & s.vm_running & ~s.vm_has_tools).tolist()]
    if overflow[i]:
        cause = "the VMs' active memory does not fit"
    elif no_tools:
        cause = f"the balloons are short {rc.balloon_short[i]:.1f} GiB — {_names(no_tools)} no Tools"
    else:
        cause = "the balloons are at their 65 % limit"
    return f"{h} swaps {sw.sum():.1f} GiB to .vswp files ({who}): {cause}"
