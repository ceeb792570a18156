"""Provides where vSAN puts components: a new object's layout, a rebuild's target host.

Each component of an object goes to its own host (§13: "each replica on a different host").
A new object's first component goes to the host with the most free raw space (ties by level
order); each next one to the host, among those about as free (within one component of the
most free), that shares the fewest objects with the hosts already chosen. So space stays
balanced and objects spread over many host combinations, as vSAN's placement does: two hosts
failing together lose only the few objects they share, not a whole block of them. On a host,
the component goes to one of its healthy devices in turn. Objects are made as VMs' disks appear
on a vSAN datastore (at the start, after a Storage vMotion) and dropped when they leave it:
`sync` runs whenever the sampler reloads its disks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vdc.scenario import vsan_rules
from vdc.sim.vsan.state import (
    HELD,
    Component,
    VsanObject,
    contributing,
    data_gib,
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


class Placer:
    """Free space and shared objects per host pair of one datastore, kept up to date while a
    batch of objects is laid out (one pass over the objects, not one per new object)."""

    def __init__(self, sim: Simulation, ds: Datastore) -> None:
        self.ds = ds
        self.free = free_by_host(sim, ds)
        self.order = {h: i for i, h in enumerate(ds.hosts)}
        self.pairs: dict[tuple[str, str], int] = {}
        self.witnesses: dict[str, int] = {}
        for o in sim.vsan.objects.values():
            if o.datastore == ds.name:
                held = [c for c in o.components if c.state in HELD and c.host]
                self._count([c.host for c in held])
                for c in held:
                    if c.weight <= 0:
                        self.witnesses[c.host] = self.witnesses.get(c.host, 0) + 1
        self.open = [h for h in self.free if sim.maintenance.entering_of(h) is None]

    def _count(self, hosts: list[str]) -> None:
        for i, a in enumerate(hosts):
            for b in hosts[i + 1:]:
                pair = (a, b) if a < b else (b, a)
                self.pairs[pair] = self.pairs.get(pair, 0) + 1

    def _shared(self, h: str, chosen: list[str]) -> int:
        return sum(self.pairs.get((h, c) if h < c else (c, h), 0) for c in chosen)

    def pick(self, weights: tuple[float, ...], data: float) -> list[str]:
        """A host for each component of an object of `data` GiB, as far as there are hosts
        (see the module's docstring); a witness (weight 0) takes no space: it goes to the host
        with the fewest witnesses among those sharing the fewest objects."""
        chosen: list[str] = []
        band = max(weights, default=0.0) * data
        for w in weights:
            cands = [h for h in self.open if h not in chosen]
            if not cands:
                break
            most = max(self.free[h] for h in cands)
            near = [h for h in cands if self.free[h] >= most - band - 1e-9] if chosen and w > 0 else cands
            chosen.append(min(near, key=lambda h: (
                self._shared(h, chosen), self.witnesses.get(h, 0) if w <= 0 else 0,
                -self.free[h], self.order[h])))
        return chosen

    def place(self, hosts: list[str], weights: tuple[float, ...], data: float) -> None:
        """Book the components (`weights` × `data` raw GiB each) on `hosts`."""
        for h, w in zip(hosts, weights, strict=False):
            self.free[h] -= w * data
            if w <= 0:
                self.witnesses[h] = self.witnesses.get(h, 0) + 1
        self._count(hosts)


def lay_out(sim: Simulation, ds: Datastore, ftt: int, raid: str, state: str, data: float,
            placer: Placer | None = None) -> list[Component]:
    """Components for a policy of an object of `data` GiB, one per host; a component that
    finds no host is absent. `placer`: the batch's, kept up to date (else one is made)."""
    placer = placer or Placer(sim, ds)
    weights = vsan_rules.component_weights(ftt, raid)
    hosts = placer.pick(weights, data)
    if state in HELD:
        placer.place(hosts, weights, data)
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
    placers: dict[str, Placer] = {}
    for k, (vm, dsn) in wanted.items():
        if k not in board.objects:
            ds = sim.inv.datastores[dsn]
            if dsn not in placers:
                placers[dsn] = Placer(sim, ds)
            board.objects[k] = VsanObject(vm, dsn, ds.ftt, ds.raid, [])
            board.objects[k].components = lay_out(sim, ds, ds.ftt, ds.raid, "active",
                                                  data_gib(sim, sim.inv.vms[vm], dsn), placers[dsn])
            changed = True
    if changed:
        board.version += 1
    return changed
