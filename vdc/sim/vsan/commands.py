"""Provides `vm policy VM ftt N [raid1|raid5|raid6]`: a VM's vSAN storage policy.

The new layout is written beside the old one (a resync task: its GiB / the target hosts'
rebuild MB/s, each host writing its components one after another), then replaces it. Refused
without the vSAN licence or vCenter, when the datastore's hosts up are fewer than the policy
needs, or when the result would leave less than 30 % of the raw capacity free for rebuilds;
accepted with a warning when the datastore will be more than 80 % full while both layouts are
held.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vdc.scenario import vsan_rules
from vdc.sim import checks
from vdc.sim.checks import Rejected, fmt
from vdc.sim.handler import Apply, Handlers
from vdc.sim.vsan import failures
from vdc.sim.vsan.layout import lay_out
from vdc.sim.vsan.state import (
    SLACK,
    WARN_PCT,
    VsanObject,
    contributing,
    data_gib,
    held_factor,
    vsan_datastores,
)

if TYPE_CHECKING:
    from vdc.sim.commands import Command
    from vdc.sim.engine import Simulation


def _objects(sim: Simulation, vm: str) -> list[VsanObject]:
    return [o for o in sim.vsan.objects.values() if o.vm == vm]


def _policy(sim: Simulation, c: Command) -> Apply:
    vm = checks.vm(sim, c.text("vm"))
    ftt = c.integer("ftt")
    raid = c.opt_text("raid") or "raid1"
    checks.require_vcenter(sim)
    checks.require_feature(sim, "vsan")
    objs = _objects(sim, vm.name)
    on_vsan = {d.datastore for d in vm.disks
               if d.datastore is not None and sim.inv.datastores[d.datastore].type == "vsan"}
    if not on_vsan:
        names = ", ".join(d.name for d in vsan_datastores(sim)) or "none in this level"
        raise Rejected(f"{vm.name} has no disk on a vSAN datastore (vSAN datastores: {names})")
    if on_vsan - {o.datastore for o in objs}:  # a new VM, or disks just moved there
        raise Rejected(f"{vm.name}'s new vSAN disks are laid out at the next sample; try again then")
    why = vsan_rules.policy_error(ftt, raid)
    if why is not None:
        raise Rejected(why)
    name = vsan_rules.policy_name(ftt, raid)
    plans = []
    for o in objs:
        ds = sim.inv.datastores[o.datastore]
        if o.pending is not None:
            raise Rejected(f"{vm.name} is already being re-laid out as {vsan_rules.policy_name(*o.pending)}")
        if o.inaccessible:
            raise Rejected(f"{vm.name}'s data on {ds.name} is inaccessible; no policy can be applied")
        if (o.ftt, o.raid) == (ftt, raid):
            raise Rejected(f"{vm.name} already has {name} on {ds.name}")
        short = vsan_rules.shortage(ftt, raid, len(contributing(sim, ds)))
        if short is not None:
            raise Rejected(f"{ds.name}: {short}")
        data = data_gib(sim, vm, ds.name)
        new = data * vsan_rules.factor(ftt, raid)
        used = sim.datastore_used(ds.name)
        after = used - held_factor(o) * data + new
        if after > (1 - SLACK) * ds.capacity + 1e-9:
            raise Rejected(
                f"{ds.name} would be {100 * after / ds.capacity:.0f} % full ({fmt(after)} of "
                f"{fmt(ds.capacity)} GiB raw) with {vm.name} at {name}; vSAN keeps "
                f"{SLACK * 100:.0f} % free for rebuilds")
        peak = used + new
        if peak > ds.capacity + 1e-9:
            raise Rejected(f"{ds.name} has {fmt(ds.capacity - used)} GiB free; laying {vm.name} out "
                           f"as {name} beside its old copies needs {fmt(new)} GiB")
        plans.append((o, data, 100 * peak / ds.capacity))

    def apply() -> str:
        task = sim.tasks.add("vsan_resync", vm.name, plans[0][0].datastore, sim.now)
        end = sim.now
        for o, data, _ in plans:
            ds = sim.inv.datastores[o.datastore]
            o.pending = (ftt, raid)
            comps = lay_out(sim, ds, ftt, raid, "rebuilding", data)
            for comp in comps:
                comp.gen, comp.task = o.gen + 1, task.id
                o.components.append(comp)
                end = max(end, failures.write_slot(sim, comp, "rebuilding", comp.weight * data))
        gib = sum(data * vsan_rules.factor(ftt, raid) for _, data, _ in plans)
        sim.tasks.start(task, sim.now, end, detail=f"laying {vm.name} out as {name}: {fmt(gib)} GiB")
        failures.changed(sim)
        peak = max(p for _, _, p in plans)
        warn = (f"; {plans[0][0].datastore} is {peak:.0f} % full until the old copies are freed"
                if peak > WARN_PCT else "")
        return f"{vm.name} resyncs to {name} ({fmt(gib)} GiB, {end - sim.now:.0f} s){warn}"

    return apply


HANDLERS: Handlers = {"vm policy ftt": _policy}
