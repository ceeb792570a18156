"""Provides the events that explain CPU trouble, checked after every sample.

`cpu_ready_warning`: a VM's ready (smoothed, per vCPU) reached 5 % (sim-facts §8: keep under
5 %); it clears (`alarm_cleared`) once it is below 4 %, so a VM hovering at 5 % does not warn
every sample. `vm_unhealthy`: a running VM stopped being healthy because it is starved or its storage is slow
(a bad change, a cut VLAN or a full datastore have events of their own); the detail says why in
words (`why.py`). One record per episode: a new one only after the VM has been healthy (or not
running) for `CALM_S` seconds — except that a routed VM whose reason changes within its
episode (cut off ↔ starved by its router) is told once per change (`provision/routing.py`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from vdc.sim.compute import why

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation

READY_WARN_PCT = 5.0
READY_CLEAR_PCT = 4.0
CALM_S = 60.0


class CpuAlarms:
    """Per-VM alarm state, in sampler row order (rows are appended; a deleted VM's row goes)."""

    def __init__(self) -> None:
        self.ready_warn = np.zeros(0, dtype=bool)
        self.episode = np.zeros(0, dtype=bool)
        self.calm_since = np.zeros(0)
        self.warned = False
        """Whether any ready warning is up (else a sample below 5 % everywhere changes none)."""

    def _fit(self, n: int) -> None:
        if self.ready_warn.size != n:
            k = min(n, self.ready_warn.size)
            ready, episode, calm = self.ready_warn, self.episode, self.calm_since
            self.ready_warn = np.zeros(n, dtype=bool)
            self.episode = np.zeros(n, dtype=bool)
            self.calm_since = np.zeros(n)
            self.ready_warn[:k], self.episode[:k], self.calm_since[:k] = ready[:k], episode[:k], calm[:k]

    def drop(self, i: int) -> None:
        """Forget row i (a deleted VM)."""
        if i < self.ready_warn.size:
            self.ready_warn = np.delete(self.ready_warn, i)
            self.warned = bool(self.ready_warn.any())
            self.episode = np.delete(self.episode, i)
            self.calm_since = np.delete(self.calm_since, i)

    def observe(self, sim: Simulation, t: float) -> None:
        """Log what changed at this sample: ready warnings raised or cleared, VMs unhealthy."""
        s = sim.sampler
        self._fit(len(s.vm_names))
        ready = s.vm_ready_avg
        if not self.warned and float(ready.max(initial=0.0)) < READY_WARN_PCT:
            self._unhealthy(sim, t)  # no warning up and none to raise
            return
        warn = np.where(self.ready_warn, ready >= READY_CLEAR_PCT, ready >= READY_WARN_PCT)
        for i in np.flatnonzero(warn != self.ready_warn).tolist():
            name = s.vm_names[i]
            if warn[i]:
                sim.log.add(t, "cpu_ready_warning", name, f"{name}: {why.contention(sim, i)}")
            else:
                sim.log.add(t, "alarm_cleared", name,
                            f"{name}: {ready[i]:.1f} % ready per vCPU (alarm cleared)")
        self.ready_warn = warn
        self.warned = bool(warn.any())
        self._unhealthy(sim, t)

    def _unhealthy(self, sim: Simulation, t: float) -> None:
        """Log the VMs that turned unhealthy for a reason no other event names: starved (CPU,
        saturation, network, memory) or slow storage — a bad change, a cut VLAN, a full
        datastore log their own."""
        s = sim.sampler
        sick = s.vm_running & ~s.vm_healthy
        if sick.any():
            sick &= s.vm_ok
            sick &= s.vm_reachable
            sick &= ~s.vm_paused
        if self.episode.any():
            # Calm since the sample it became calm; an episode ends after CALM_S of calm.
            calm = ~sick
            self.calm_since = np.where(calm, np.where(self.calm_since < 0, t, self.calm_since), -1.0)
            self.episode &= ~(calm & (t - self.calm_since >= CALM_S))
        new = sick & ~self.episode
        if new.any():
            for i in np.flatnonzero(new).tolist():
                name = s.vm_names[i]
                sim.log.add(t, "vm_unhealthy", name, f"{name}: {why.running(sim, i)}")
            self.episode |= new
            self.calm_since[new] = -1.0
