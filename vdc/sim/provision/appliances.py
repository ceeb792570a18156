"""Provides virtual appliances: the shipped catalogue, a level's additions, and `deploy`.

A vendor's appliance (router, firewall, load balancer, the vCenter appliance) comes with its
guest set up: `deploy` loads it as a VM and starts it, and it serves once booted — no OS
install. Its workload is its traffic: `net` Mbit/s on a web-shaped day, costing
`net / mbps_per_vcpu` vCPUs of CPU (`VCPU_MHZ` each), so an appliance given too few vCPUs for its
traffic saturates like any VM whose guest wants more than it has.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vdc.scenario import schema
from vdc.sim.workload import Profile

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation

VCPU_MHZ = 2000.0
"""[assumption] MHz of one vCPU busy moving `mbps_per_vcpu` Mbit/s."""

CATALOGUE: tuple[schema.Appliance, ...] = (
    # [assumption] Sizes after common vendor minimums (VyOS / CSR 1000v, pfSense / FortiGate-VM,
    # HAProxy / F5 VE, VCSA "tiny"); throughput per vCPU of the order of their data sheets.
    # Yearly subscriptions of the order of small commercial editions (open-source routers free).
    schema.Appliance(name="router", vcpu=2, memory=4, disk=8, nics=4, boot_s=60,
                     mbps_per_vcpu=2000, net=500, routes=True),
    schema.Appliance(name="firewall", vcpu=2, memory=4, disk=16, disk_used=4, nics=3, boot_s=90,
                     mbps_per_vcpu=1000, net=500, cost=1500),
    schema.Appliance(name="load-balancer", vcpu=2, memory=4, disk=16, disk_used=4, nics=2,
                     boot_s=120, mbps_per_vcpu=1500, net=500, balances=True, cost=2000),
    schema.Appliance(name="vcenter", vcpu=2, memory=14, disk=579, disk_used=25, nics=1,
                     boot_s=600, mbps_per_vcpu=500, net=20),
)
"""The shipped appliances; a level's `[[appliances]]` add to them or replace one by name."""


def catalogue(sim: Simulation) -> dict[str, schema.Appliance]:
    """The appliances this level can deploy, by name: the shipped ones, then the level's."""
    out = {a.name: a for a in CATALOGUE}
    out.update({a.name: a for a in sim.level.appliances})
    return out


def profile_name(a: schema.Appliance) -> str:
    return f"appliance-{a.name}"


def ensure_profile(sim: Simulation, a: schema.Appliance) -> str:
    """The workload profile of appliance `a` (made on its first deploy); its name."""
    name = profile_name(a)
    if name not in sim.profiles:
        sim.profiles[name] = Profile(
            name, cpu=a.net / a.mbps_per_vcpu * VCPU_MHZ, mem_active=0.5, iops=10, write_mbps=0.2,
            net=a.net, shape="web", peak=0.5, noise=0.04,
        )
    return name


def yearly_cost(sim: Simulation) -> float:
    """A year of the deployed appliances' licences (each VM deployed from a catalogue entry)."""
    cat = catalogue(sim)
    return float(sum(cat[v.appliance].cost for v in sim.inv.vms.values()
                     if v.appliance is not None and v.appliance in cat))
