"""Provides the space used on datastores as the inventory objects hold it (the sampler's arrays
written back first): at the start of a run, after changes, and for checks that read it.

VM disks (thin ones by what they use), running VMs' swap files, vSAN copies by policy, copies of
Storage vMotions in progress and snapshot deltas and memory files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vdc.sim import vsan
from vdc.sim.snapshots import chain as snapshot_chain

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation


def datastore_used(sim: Simulation, name: str) -> float:
    """GiB used on a datastore right now: other data, VM disks and running VMs' swap files."""
    if sim.sampler.built_version >= 0:
        sim.sampler.flush()
    ds = sim.inv.datastores[name]
    used = ds.other_used
    for v in sim.inv.vms.values():
        # vSAN keeps copies by the VM's policy: raw GiB per GiB (1 elsewhere).
        f = vsan.space_factor(sim, v.name, name) if ds.type == "vsan" else 1.0
        used += f * sum(d.allocated for d in v.disks if d.datastore == name)
        if v.power == "on" and v.home_datastore == name:
            used += f * v.swap_gib
    return used + sim.svmotions.held(name) + sim.migrations.held(name) + snapshot_chain.space_on(sim, name)


def datastores_used(sim: Simulation) -> list[float]:
    """`datastore_used` of every datastore, in inventory order, in one pass over the VMs
    (each datastore's sum taken in the same order, so the same floats)."""
    if sim.sampler.built_version >= 0:
        sim.sampler.flush()
    dss = sim.inv.datastores
    used = {name: ds.other_used for name, ds in dss.items()}
    for v in sim.inv.vms.values():
        on: list[str] = []
        for d in v.disks:
            if d.datastore is not None and d.datastore not in on:
                on.append(d.datastore)
        home = v.home_datastore if v.power == "on" else None
        for name in on if home is None or home in on else [*on, home]:
            if name not in used:
                continue
            f = vsan.space_factor(sim, v.name, name) if dss[name].type == "vsan" else 1.0
            used[name] += f * sum(d.allocated for d in v.disks if d.datastore == name)
            if name == home:
                used[name] += f * v.swap_gib
    snaps = snapshot_chain.space_by_datastore(sim)
    return [used[n] + sim.svmotions.held(n) + sim.migrations.held(n) + snaps.get(n, 0.0)
            for n in dss]
