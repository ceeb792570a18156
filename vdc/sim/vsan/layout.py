"""Provides where vSAN puts components: a new object's layout, a rebuild's target host.

Each component of an object goes to its own host (§13: "each replica on a different host").
Hosts are picked with the most free raw space first (ties by level order), so objects spread;
on a host, the component goes to one of its healthy devices in turn. Objects are made as VMs'
disks appear on a vSAN datastore (at the start, after a Storage vMotion) and dropped when they
leave it: `sync` runs whenever the sampler reloads its disks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vdc.scenario import vsan_rules
from vdc.sim.vsan.state import (
    Component,
    VsanObject,
    contributing,
    host_capacity,
    host_devices,
    key,
    usage,
    vsan_datastores,
)

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation
    from vdc.sim.model import Datastore


def free_by_host(sim: Simulation, ds: Datastore) -> dict[str, float]:
    """Raw GiB free on each contributing host of `ds`."""
    used = usage(sim, ds)
    return {h: host_capacity(sim, ds, h) - used[h] for h in contributing(sim, ds)}


def pick_hosts(sim: Simulation, ds: Datastore, n: int, avoid: list[str]) -> list[str]:
    """Up to `n` contributing hosts not in `avoid`, most free space first."""
    free = free_by_host(sim, ds)
    order = {h: i for i, h in enumerate(ds.hosts)}
    hosts = sorted((h for h in free if h not in avoid and sim.maintenance.entering_of(h) is None),
                   key=lambda h: (-free[h], order[h]))
    return hosts[:n]


def new_component(sim: Simulation, ds: Datastore, host: str, weight: float, state: str) -> Component:
    board = sim.vsan
    devs = host_devices(sim, ds, host) if host else []
    device = devs[(board.next_id - 1) % len(devs)] if devs else 0
    c = Component(board.next_id, host, device, weight, state, since=sim.now)
    board.next_id += 1
    return c


def lay_out(sim: Simulation, ds: Datastore, ftt: int, raid: str, state: str) -> list[Component]:
    """Components for a policy, one per host; a component that finds no host is absent."""
    weights = vsan_rules.component_weights(ftt, raid)
    hosts = pick_hosts(sim, ds, len(weights), [])
    comps = []
    for i, w in enumerate(weights):
        host = hosts[i] if i < len(hosts) else ""
        comps.append(new_component(sim, ds, host, w, state if host else "absent"))
    return comps


def sync(sim: Simulation) -> bool:
    """Make an object for every VM with a disk on a vSAN datastore, drop objects whose VM left
    it; True when something changed."""
    board = sim.vsan
    wanted: dict[str, tuple[str, str]] = {}
    for ds in vsan_datastores(sim):
        for v in sim.inv.vms.values():
            if any(d.datastore == ds.name for d in v.disks):
                wanted[key(v.name, ds.name)] = (v.name, ds.name)
    changed = False
    for k in [k for k in board.objects if k not in wanted]:
        del board.objects[k]
        changed = True
    for k, (vm, dsn) in wanted.items():
        if k not in board.objects:
            ds = sim.inv.datastores[dsn]
            board.objects[k] = VsanObject(vm, dsn, ds.ftt, ds.raid, [])
            board.objects[k].components = lay_out(sim, ds, ds.ftt, ds.raid, "active")
            changed = True
    if changed:
        board.version += 1
    return changed
