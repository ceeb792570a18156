"""Provides what migrations in progress cost the hosts and datastores, for the sampler.

A running vMotion: about one core (`STREAM_CORES` × the core clock) on the source and on the
destination, and the VM's memory reserved on the destination. A running Storage vMotion: its
copy rate as extra write MB/s on the source and destination datastores (their space is counted by
`Simulation.datastore_used`); so does a shared-nothing vMotion while it copies the disks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from vdc.sim.moves import links
from vdc.sim.moves.vmotion import dirty_rate
from vdc.sim.units import MB

if TYPE_CHECKING:
    from vdc.sim.contention import Sampler
    from vdc.sim.engine import Simulation

STREAM_CORES = 1.0
"""Cores one vMotion stream costs each of its two hosts (§5: one helper thread ≈ one core)."""


def active(sim: Simulation) -> bool:
    return bool(sim.migrations.running or sim.svmotions.running)


def host_mhz(sim: Simulation, s: Sampler) -> np.ndarray:
    out = np.zeros(len(s.host_names))
    for m in sim.migrations.running:
        for h in (m.src, m.dst):
            out[s.host_index[h]] += STREAM_CORES * sim.inv.hosts[h].mhz
    return out


def host_mem(sim: Simulation, s: Sampler) -> np.ndarray:
    out = np.zeros(len(s.host_names))
    for m in sim.migrations.running:
        out[s.host_index[m.dst]] += sim.inv.vms[m.vm].memory
    return out


def ds_mbps(sim: Simulation, s: Sampler) -> np.ndarray:
    out = np.zeros(len(s.ds_names))
    idx = {n: i for i, n in enumerate(s.ds_names)}
    for c in sim.svmotions.running:
        for d in [*c.sources, c.dst]:
            out[idx[d]] += c.rate_mbps
    for m in sim.migrations.running:  # a shared-nothing vMotion while it copies the disks
        if m.datastore is not None and m.copy_from <= sim.now and links.disk_left_s(m, sim.now) > 0.0:
            mbps = min(m.rate, m.disk_cap) / MB
            for d in [*m.sources, m.datastore]:
                out[idx[d]] += mbps
    return out


def slowed(sim: Simulation, s: Sampler) -> tuple[list[int], list[float]]:
    """VMs that SDPS slows while they migrate, and the share of their demand they still get
    (their dirty rate brought down to `SDPS_RATIO` × the bandwidth: the guest runs that much slower)."""
    idx: list[int] = []
    factor: list[float] = []
    for m in sim.migrations.running:
        if m.plan is None or not m.plan.slowed:
            continue
        own = dirty_rate(sim, sim.inv.vms[m.vm])
        if own > 0 and m.vm in s.vm_index:
            idx.append(s.vm_index[m.vm])
            factor.append(min(1.0, m.plan.dirty_bps / own))
    return idx, factor


def ds_held(sim: Simulation, s: Sampler) -> np.ndarray:
    return np.array([sim.svmotions.held(n) + sim.migrations.held(n) for n in s.ds_names], dtype=float)
