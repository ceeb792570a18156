"""Provides what the "new VM" and "deploy" dialogs offer: where a VM can go, and the catalogue.

Read-only: the dialogs build command text from these, and the command's own checks decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from vdc.sim import checks
from vdc.sim.provision import appliances

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation


@dataclass(frozen=True, slots=True)
class PlaceChoice:
    """A host that takes new VMs now, what it has, and what it reaches."""

    host: str
    cores: int
    memory: float
    datastores: tuple[tuple[str, float], ...]
    """(name, GiB free) of the datastores it mounts."""
    portgroups: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ApplianceChoice:
    """One catalogue entry, as the deploy dialog lists it."""

    name: str
    vcpu: int
    memory: float
    disk: float
    nics: int
    boot_s: float
    mbps_per_vcpu: float
    net: float = 0.0
    """Mbit/s it carries at its baseline (a router's or balancer's follows what passes through)."""
    cost: float = 0.0
    """A year's licence of one deployed copy."""
    routes: bool = False
    """A router: joins the VLANs its NICs are on, for tiers nothing upstream routes."""
    balances: bool = False
    """A load balancer: spreads the next tier's load over that tier's members."""


def places(sim: Simulation) -> list[PlaceChoice]:
    """The hosts a new VM may be created or deployed on now, in inventory order."""
    out = []
    for h in sim.inv.hosts.values():
        if checks.host_refusal(sim, h, "place") is not None:
            continue
        dss = tuple((d.name, round(checks.free_gib(sim, d), 1))
                    for d in sim.inv.datastores.values() if h.name in d.hosts)
        pgs = tuple(pg for vs in h.vswitches for pg in vs.portgroups)
        out.append(PlaceChoice(h.name, h.cores, h.memory, dss, pgs))
    return out


def catalogue(sim: Simulation) -> list[ApplianceChoice]:
    """The appliances this level can deploy, with what each does (its role), in catalogue order."""
    return [
        ApplianceChoice(a.name, a.vcpu, float(a.memory), float(a.disk), a.nics, float(a.boot_s),
                        float(a.mbps_per_vcpu), float(a.net), float(a.cost), a.routes, a.balances)
        for a in appliances.catalogue(sim).values()
    ]
