"""Provides the handler of `deploy APPLIANCE NAME HOST DATASTORE [PORTGROUP]`.

The appliance is loaded as a new VM (thin disk, its NICs on the port group) and started at
once: it serves after its boot, with no OS install. Refused like `vm create` (name, host, size,
datastore, port group), when the datastore cannot hold its disk and its swap file, and by HA
admission control like a power-on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vdc.sim import checks
from vdc.sim.checks import AdmissionRefused, Rejected, fmt
from vdc.sim.ha.admission import admission_refusal
from vdc.sim.handler import Apply
from vdc.sim.provision import appliances
from vdc.sim.provision.commands import check_new_name, check_placement
from vdc.sim.provision.inventory import make_vm

if TYPE_CHECKING:
    from vdc.sim.commands import Command
    from vdc.sim.engine import Simulation


def deploy_handler(sim: Simulation, c: Command) -> Apply:
    cat = appliances.catalogue(sim)
    a = cat.get(c.text("appliance"))
    if a is None:
        raise Rejected(f"no appliance '{c.text('appliance')}' in the catalogue ({', '.join(cat)})")
    name = c.text("name")
    check_new_name(sim, name)
    h = checks.host(sim, c.text("host"))
    ds = checks.datastore(sim, c.text("datastore"))
    pg = c.opt_text("portgroup")
    used = a.disk_used if a.disk_used is not None else a.disk
    check_placement(sim, name, h, ds, a.vcpu, a.memory, used + a.memory, pg)
    checks.require_vcenter(sim)  # deploying an OVF goes through vCenter (sim-facts §12)
    probe = make_vm(sim, name, h.name, ds.name, vcpu=a.vcpu, memory=a.memory, disk=a.disk,
                    portgroup=pg, nics=a.nics, disk_used=used, os=True)
    why = admission_refusal(sim, probe, h)
    if why is not None:
        raise AdmissionRefused(why)

    def apply() -> str:
        vm = make_vm(sim, name, h.name, ds.name, vcpu=a.vcpu, memory=a.memory, disk=a.disk,
                     portgroup=pg, nics=a.nics, disk_used=used, os=True,
                     profile=appliances.ensure_profile(sim, a), boot_s=a.boot_s)
        vm.appliance = a.name
        vm.power = "on"
        vm.up_at = sim.now + vm.boot_s
        sim.inv.vms[name] = vm
        sim.touch()
        net = f"{a.nics} NIC(s) on {pg}" if pg else "no NIC"
        fee = f"; its licence costs {a.cost:,.0f} a year" if a.cost else ""
        return (f"{a.name} appliance {name} deployed on {h.name} ({a.vcpu} vCPU, {fmt(a.memory)} GiB, "
                f"{net}); it boots and serves in {fmt(a.boot_s)} s — no OS to install{fee}")

    return apply
