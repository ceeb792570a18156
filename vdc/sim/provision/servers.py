"""Provides physical servers as workloads: a bare-metal host running its own application.

A server (`hypervisor = "none"`, `workload = PROFILE`) demands its profile's CPU × `load` on
the profile's daily shape (no noise: one box, one steady application), served by its own cores:
f = min(1, cores × MHz / demand). What it uses counts as its host's CPU, so it draws its power
like any host; it is healthy while it runs (on) and f reaches its service's `min_served`. A
tier lists it in `servers`; it serves while its workload still runs here (until `p2v`'s
cutover). The sampler keeps one row per such server (`load` at a rebuild, `step` per sample).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from vdc.sim.workload import shape_factors

if TYPE_CHECKING:
    from vdc.sim.contention import Sampler

DEFAULT_MIN_SERVED = 0.8


def load(s: Sampler) -> None:
    """The server rows (after the hosts and profiles are loaded)."""
    inv = s.sim.inv
    rows = [h for h in inv.hosts.values() if h.hypervisor == "none" and h.workload is not None]
    s.server_names = [h.name for h in rows]
    s.server_index = {h.name: i for i, h in enumerate(rows)}
    s.n_servers = len(rows)
    pidx = {p.name: i for i, p in enumerate(s.profiles)}
    s.server_host = np.array([s.host_index[h.name] for h in rows], dtype=np.int64)
    s.server_prof = np.array([pidx[h.workload or ""] for h in rows], dtype=np.int64)
    s.server_load = np.array([h.load for h in rows], dtype=float)
    s.server_cap = np.array([h.capacity_mhz for h in rows], dtype=float)
    min_served = np.full(len(rows), DEFAULT_MIN_SERVED)
    seen = np.zeros(len(rows), dtype=bool)
    for svc in inv.services.values():
        for tier in svc.tiers:
            for name in tier.servers:
                i = s.server_index.get(name)
                if i is not None:
                    min_served[i] = max(min_served[i], svc.min_served) if seen[i] else svc.min_served
                    seen[i] = True
    s.server_min_served = min_served
    if s.server_healthy.size != len(rows):
        s.server_healthy = np.zeros(len(rows), dtype=bool)
        s.server_f = np.ones(len(rows))


def step(s: Sampler, t: float) -> np.ndarray:
    """Each server's demand and health at t; return the MHz each host's own workload uses."""
    runs = s.host_runs[s.server_host]
    shape = shape_factors(s.profiles, t, s.sim.start_hour)[s.server_prof]
    want = s.p_cpu[s.server_prof] * s.server_load * shape * runs
    used = np.minimum(want, s.server_cap)
    f = np.where(want > 1e-9, used / np.maximum(want, 1e-9), 1.0)
    s.server_f = f
    s.server_healthy = runs & (f >= s.server_min_served - 1e-9)
    return np.bincount(s.server_host, weights=used, minlength=len(s.host_names))
