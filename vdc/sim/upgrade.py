"""Provides `license upgrade EDITION`: buy a higher vSphere edition for every host.

The price comes from the level's budget (`licensing.upgrade_cost`); licences only go up, and an
edition that caps the number of hosts (Essentials: 3) cannot cover a bigger datacenter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vdc.sim import checks, licensing
from vdc.sim.checks import Rejected
from vdc.sim.handler import Apply, Handlers

if TYPE_CHECKING:
    from vdc.sim.commands import Command
    from vdc.sim.engine import Simulation


def _license_upgrade(sim: Simulation, c: Command) -> Apply:
    new = c.text("edition")
    old = sim.edition
    order = licensing.EDITIONS
    if new == old:
        raise Rejected(f"the licence is already {old}")
    if order.index(new) < order.index(old):
        raise Rejected(f"{new} is below the current {old} licence; licences are only upgraded")
    checks.require_vcenter(sim)
    hosts = [h for h in sim.inv.hosts.values() if h.hypervisor != "none"]
    limit = licensing.MAX_HOSTS.get(new)
    if limit is not None and len(hosts) > limit:
        raise Rejected(f"{new} covers at most {limit} hosts; this datacenter has {len(hosts)}")
    cost = licensing.upgrade_cost(old, new, len(hosts))
    budget = sim.level.level.budget
    if budget is None:
        raise Rejected("this level has no budget to buy licences with")
    left = budget - sim.spent
    if cost > left + 1e-9:
        raise Rejected(
            f"{new} for {len(hosts)} hosts costs {cost:,.0f}; the budget has {left:,.0f} left"
        )

    def apply() -> str:
        sim.spent += cost
        sim.edition = new
        gained = sorted(licensing.FEATURES[new] - licensing.FEATURES[old])
        what = ", ".join(licensing.FEATURE_NAMES[f] for f in gained) or "nothing new"
        return (f"licence upgraded {old} → {new} for {cost:,.0f} ({budget - sim.spent:,.0f} left); "
                f"now available: {what}")

    return apply


HANDLERS: Handlers = {"license upgrade": _license_upgrade}
