"""Provides the hosts panel's cluster groups: which hosts each cluster row stands for, its
totals (hosts up, CPU and memory in use, VMs, power, what is wrong) and whether it starts
folded — so that 1,024 hosts take one row per cluster, and a cluster in trouble opens."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rich.text import Text

from vdc.sim.view import HostView, VmColumns
from vdc.tui.format import Tones

FOLD_ABOVE = 16
"""More hosts than this: clusters with nothing wrong start folded to their one row."""

STANDALONE = "standalone"
"""The group of hosts in no cluster."""

NOT_DOWN = frozenset({"powered off", "booting", "being converted (P2V)"})
"""Reasons a VM is not healthy that the hosts panel does not call DOWN."""


@dataclass(frozen=True, slots=True)
class ClusterTotals:
    """One cluster row: its hosts taken together."""

    name: str
    hosts: int
    up: int
    """Hosts running (on, or on in maintenance mode)."""
    cpu_pct: float
    """CPU in use of the running hosts' capacity."""
    mem_pct: float
    ready_pct: float
    """Highest CPU ready of its hosts."""
    vms: int
    power_w: float
    failed: int
    """Hosts failed or isolated."""
    off: int
    maint: int
    """Hosts in or entering maintenance mode."""
    entering: int
    hot: int
    """Hosts whose CPU (≥ 90 %), memory (≥ 95 % or reclaiming hard), or CPU ready (≥ 10 %) is
    in the red."""
    vms_down: int

    @property
    def problem(self) -> bool:
        """Something here needs the player: the cluster opens by itself."""
        return bool(self.failed or self.hot or self.vms_down or self.entering)


def groups(hosts: Sequence[HostView]) -> list[tuple[str, list[int]]] | None:
    """Host positions per cluster, clusters in the order their first host stands; None when
    every host is in the same cluster (the panel then lists the hosts alone, as ever)."""
    out: dict[str, list[int]] = {}
    for i, h in enumerate(hosts):
        out.setdefault(h.cluster or STANDALONE, []).append(i)
    return list(out.items()) if len(out) > 1 else None


def vms_down(vms: VmColumns, host_of_vm: np.ndarray, n_hosts: int) -> np.ndarray:
    """VMs shown ✖ DOWN per host position (`host_of_vm`: each VM's host position)."""
    bad = [i for i in np.flatnonzero(~vms.healthy).tolist() if vms.reasons[i] not in NOT_DOWN]
    if not bad or host_of_vm.size != len(vms):
        return np.zeros(n_hosts, dtype=np.int64)
    return np.bincount(host_of_vm[bad], minlength=n_hosts)


def is_hot(h: HostView) -> bool:
    """A running host with a number in the red."""
    return h.state not in ("failed", "off") and (
        h.cpu_pct >= 90 or h.mem_pct >= 95 or h.ready_pct >= 10 or h.mem_state in ("hard", "low")
    )


def totals(name: str, hosts: Sequence[HostView], members: Sequence[int], down: np.ndarray) -> ClusterTotals:
    """The totals of cluster `name` over its `members` (positions in `hosts`)."""
    up = failed = off = maint = entering = hot = vms = 0
    cpu = cpu_cap = mem = mem_cap = ready = power = 0.0
    for i in members:
        h = hosts[i]
        state = h.state
        vms += h.vm_count
        if state in ("failed", "isolated"):
            failed += 1
        elif state == "off":
            off += 1
        if h.maintenance or h.entering_maintenance:
            maint += 1
            entering += h.entering_maintenance and not h.maintenance
        if state in ("failed", "off"):
            continue
        up += 1
        power += h.power_w
        ready = max(ready, h.ready_pct)
        cap = h.cores * h.mhz
        cpu += h.cpu_pct * cap
        cpu_cap += cap
        mem += h.mem_pct * h.memory
        mem_cap += h.memory
        hot += is_hot(h)
    return ClusterTotals(
        name, len(members), up, cpu / cpu_cap if cpu_cap else 0.0, mem / mem_cap if mem_cap else 0.0,
        ready, vms, power, failed, off, maint, entering, hot,
        int(sum(int(down[i]) for i in members)) if down.size else 0,
    )


def trouble_text(tones: Tones, t: ClusterTotals) -> Text:
    """What is wrong in a cluster, in a few words ("12 VMs down, 1 failed, 2 hot")."""
    parts: list[tuple[str, str]] = []
    if t.vms_down:  # first: the hosts up are in the state cell already
        parts.append((f"{t.vms_down} {'VM' if t.vms_down == 1 else 'VMs'} down", "error"))
    if t.failed:
        parts.append((f"{t.failed} failed", "error"))
    if t.hot:
        parts.append((f"{t.hot} hot", "warning"))
    if t.entering:
        parts.append((f"{t.entering} →maint", "warning"))
    if t.maint - t.entering:
        parts.append((f"{t.maint - t.entering} in maint", "foreground-muted"))
    if t.off:
        parts.append((f"{t.off} off", "foreground-muted"))
    if not parts:
        return tones.text("✔ no alarms", "success")
    text = Text(end="")  # (the state cell before it has the symbol)
    for k, (words, tone) in enumerate(parts):
        if k:
            text.append(", ", tones("foreground-muted"))
        text.append_text(tones.text(words, tone))
    return text


def state_words(t: ClusterTotals) -> tuple[str, str]:
    """The state cell of a cluster row ("✔ 8/8", "✖ 7/8": hosts running of its hosts) and
    its tone."""
    if t.failed or t.vms_down:
        return f"✖ {t.up}/{t.hosts}", "error"
    if t.problem:
        return f"▲ {t.up}/{t.hosts}", "warning"
    return f"✔ {t.up}/{t.hosts}", "success" if t.up == t.hosts else "foreground-muted"


def power_words(watts: float) -> str:
    """A cluster's power in 6 cells: `3012 W`, `12.3kW`."""
    return f"{watts:.0f} W" if watts < 9999.5 else f"{watts / 1000:.1f}kW"
