"""Provides adding VMs to the running inventory and taking them out again.

A new VM is appended (the sampler's per-VM rows only grow at the end, so the state kept across
rebuilds stays on its row); a deleted one leaves the inventory, its service tiers and every
per-VM row the sampler, the alarms and the objectives keep (`Simulation.drop_vm_row`). Both are
structural changes: the sampler rebuilds before the next sample.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vdc.sim.model import PARAVIRTUAL_DISK, PARAVIRTUAL_NIC, Vm, VmDisk, VmNic

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation

NEW_VM_BOOT_S = 45.0
"""Seconds a new VM's guest takes to boot (the level format's default `boot_s`)."""


def new_vm(sim: Simulation, name: str, host: str, datastore: str, **kw: Any) -> Vm:
    """Register a new powered-off VM (see `make_vm` for its keywords)."""
    vm = make_vm(sim, name, host, datastore, **kw)
    sim.inv.vms[name] = vm
    sim.touch()
    return vm


def make_vm(
    sim: Simulation,
    name: str,
    host: str,
    datastore: str,
    *,
    vcpu: int,
    memory: float,
    disk: float,
    portgroup: str | None,
    os: bool = False,
    profile: str = "idle",
    boot_s: float = NEW_VM_BOOT_S,
    nics: int = 1,
    disk_used: float | None = None,
) -> Vm:
    """A powered-off VM, not yet in the inventory: one thick disk of `disk` GiB (or thin with `disk_used`
    written), `nics` paravirtual NICs on `portgroup` (none without one). Tools come with the
    guest OS, so a VM with an OS has them."""
    h = sim.inv.hosts[host]
    cluster = sim.inv.clusters.get(h.cluster or "")
    thin = disk_used is not None
    used = float(disk) if disk_used is None else float(disk_used)
    vm = Vm(
        name=name,
        host=host,
        vcpu=vcpu,
        memory=float(memory),
        cpu_reservation=0.0,
        mem_reservation=0.0,
        nics=[VmNic(portgroup, PARAVIRTUAL_NIC[h.hypervisor]) for _ in range(nics)] if portgroup else [],
        disks=[VmDisk(datastore, None, float(disk), thin, used, "vmdk",
                      PARAVIRTUAL_DISK[h.hypervisor])],
        tools=os,
        os=os,
        power="off",
        profile=profile,
        load=1.0,
        ha_priority=cluster.ha.default_priority if cluster is not None else "medium",
        boot_s=float(boot_s),
        hot_add=False,
    )
    return vm


def remove_vm(sim: Simulation, name: str) -> None:
    """Take a powered-off VM out of the inventory, its tiers and every per-VM row."""
    s = sim.sampler
    s.current()  # rows as they are now, before the VM leaves
    row = s.vm_index.get(name)
    del sim.inv.vms[name]
    for svc in sim.inv.services.values():
        for tier in svc.tiers:
            if name in tier.vms:
                tier.vms.remove(name)
    for cd in sim.drs.clusters.values():  # a stale DRS recommendation to move it goes too
        cd.recommendations = [r for r in cd.recommendations if r.vm != name]
    if row is not None:
        sim.drop_vm_row(row)
    sim.touch()
    s.current()
