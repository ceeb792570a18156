"""Provides NFV service chains: a load-balancer appliance spreading the next tier's load.

A VM deployed from an appliance with `balances = true` (the shipped `load-balancer`) that is a
member of tier k of a service balances tier k + 1 of the same chain (`fw → lb → web`). Per
sample, while at least one of its balancers runs:

- tier k + 1's users are shared out by the balancer: the tier's baselines (the sum of its
  members' own; a VM that joined with `vm service` brings none) are split over its members in
  proportion to their vCPUs (`share`), so a web VM added behind a balancer adds capacity, not
  users;
- those users keep coming whichever of its VMs are up: the tier's whole demand (each member's
  share on its own day and noise, dead ones included) is spread over the members that can take
  traffic (running, OS and drivers, reachable), in proportion to their shares. A dead web VM
  behind it degrades capacity — the others carry more — not the service;
- every byte of that tier's traffic passes through the balancers: each running balancer
  carries T / n Mbit/s (T the tier's whole traffic, n its running balancers), and its CPU and
  network demand follow it (net / `mbps_per_vcpu` vCPUs at `appliances.VCPU_MHZ`). A balancer
  on a busy host, or with too few vCPUs for the traffic, is starved like any VM: it falls
  below its service's `min_served`, its tier goes down, and the whole chain with it.

With no balancer running the tier's members carry their own load (the balancer's tier is down
anyway). Computed over flat arrays built at the sampler's rebuild (`load`), applied to the
demand multipliers before the CPU step (`spread`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from vdc.scenario import schema
from vdc.sim.provision import appliances

if TYPE_CHECKING:
    from vdc.sim.contention import Sampler


def load(s: Sampler) -> None:
    """The balanced groups: (balancer VM rows, backend VM rows), after the services load."""
    sim = s.sim
    cat = appliances.catalogue(sim)
    vidx = s.vm_index
    groups: list[tuple[np.ndarray, np.ndarray]] = []
    for svc in sim.inv.services.values():
        for k, tier in enumerate(svc.tiers[:-1]):
            lbs = [vidx[n] for n in tier.vms if n in vidx and _balances(cat, sim.inv.vms[n].appliance)]
            back = [vidx[n] for n in svc.tiers[k + 1].vms if n in vidx]
            if lbs and back:
                groups.append((np.array(lbs, dtype=np.int64), np.array(back, dtype=np.int64)))
    s.lb_groups = groups


def share(s: Sampler) -> None:
    """Split each balanced tier's baselines over its members by vCPU (after `_derive`)."""
    for _, back in s.lb_groups:
        w = s.vm_vcpu[back] / s.vm_vcpu[back].sum()
        for name in ("base_cpu", "base_iops", "base_write", "base_net"):
            a = getattr(s, name)
            a[back] = a[back].sum() * w


def _balances(cat: dict[str, schema.Appliance], name: str | None) -> bool:
    a = cat.get(name) if name is not None else None
    return a is not None and a.balances


def spread(s: Sampler, mult: np.ndarray, raw: np.ndarray, running: np.ndarray) -> np.ndarray:
    """The demand multipliers with every balanced tier's load spread over its members that can
    take traffic and carried by its running balancers. `raw` is each VM's multiplier as if it
    ran (day × noise × spike), `mult` the same times whether it runs."""
    out = mult.copy()
    take = running & s.vm_ok & s.vm_reachable
    s.lb_mbps = np.zeros(len(mult))
    for lbs, back in s.lb_groups:
        on = lbs[running[lbs]]
        if not on.size:
            continue
        w_all = s.base_net[back] * raw[back]
        total = float(w_all.sum())
        live = back[take[back]]
        if live.size:
            w = s.base_net if total > 1e-9 else s.base_cpu  # traffic-free members: by CPU
            factor = float((w[back] * raw[back]).sum()) / max(float((w[live] * raw[live]).sum()), 1e-9)
            out[back] = 0.0
            out[live] = raw[live] * factor
        per_lb = total / on.size
        out[on] = per_lb / np.maximum(s.base_net[on], 1e-9)
        s.lb_mbps[on] = per_lb
    return out
