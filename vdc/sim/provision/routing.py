"""Provides NFV routers: a router appliance joining VLANs that nothing upstream routes.

A port group with `gateway = "appliance"` is a VLAN no layer-3 switch upstream routes: traffic
between it and another VLAN goes only through a VM deployed from an appliance with `routes`
(the shipped `router`) that has a NIC on both. Port groups with the default `"physical"`
gateway are routed upstream, as before.

Structure (`load`, again after any change to the network or to where VMs are): for every hop of
a service, tier k → tier k + 1, each member b of tier k + 1 with a NIC is *routed* when it shares
no VLAN with tier k's VMs (their NICs' VLANs on their hosts) and the two cannot meet upstream
(b, or every VM of tier k, only on VLANs with `gateway = "appliance"`). Its routers are the
router VMs with a NIC that gets through (`netpath`: link, trunk, upstream) on one of b's VLANs
and one that gets through on one of tier k's. A router cut from either VLAN routes nothing
between them.

Per sample a router is up while it runs with a working guest (running, OS and drivers):

- `carry` (before the CPU step): b's traffic (its Mbit/s now) passes through its up routers,
  1/n each; a router's traffic is what it routes (not its `net`) and its CPU follows it,
  `mbps / mbps_per_vcpu` vCPUs at `appliances.VCPU_MHZ`: 1,000 Mbit/s through the shipped router
  (2,000 Mbit/s per vCPU) costs 1,000 MHz; a router that routes nothing is idle.
- `throttle` (the health step): b is served no more than its up routers are (their mean served
  share), so a router starved by a busy host holds back everything behind it and the tier falls
  below its service's `min_served`; with none up, b is cut off — not healthy, like a VM whose
  VLAN is not carried — and a tier of such VMs is down.
- A routed VM's unhealthy episode is logged once, with its first reason (`vm_unhealthy`,
  compute/alarms.py); when within it the reason turns from cut off to starved by its router, or
  back, `throttle` logs the change once (`_tell`), not at every sample.

Left out: which tier k VM talks to which b (a hop is looked at from tier k + 1's side), the
first tier's own users (they reach it whatever its VLAN), routes through a chain of routers,
routing tables and the router's own latency.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from vdc.sim import netpath
from vdc.sim.provision import appliances

if TYPE_CHECKING:
    from vdc.sim.contention import Sampler
    from vdc.sim.model import Inventory, Vm

Nets = tuple[frozenset[int], bool]
"""A VM's VLANs on its host, and whether one of them is routed upstream (`gateway` physical)."""


def _nets(inv: Inventory, vm: Vm) -> Nets:
    h = inv.hosts[vm.host]
    vlans: set[int] = set()
    upstream = False
    for nic in vm.nics:
        found = h.portgroup(nic.portgroup)
        if found is not None:
            vlans.add(found[1].vlan)
            upstream = upstream or found[1].gateway != "appliance"
    return frozenset(vlans), upstream


def _routed_vlans(inv: Inventory, vm: Vm, ordinal: int, memo: netpath.Memo) -> frozenset[int]:
    """The VLANs a router VM has a NIC on that gets through from its host now."""
    h = inv.hosts[vm.host]
    out: set[int] = set()
    for i, nic in enumerate(vm.nics):
        found = h.portgroup(nic.portgroup)
        if found is not None and netpath.nic_path(inv, vm, i, ordinal, memo).reachable:
            out.add(found[1].vlan)
    return frozenset(out)


def _fmt(vlans: frozenset[int]) -> str:
    return "VLAN " + "/".join(str(v) for v in sorted(vlans))


def init(s: Sampler) -> None:
    """Nothing routed yet; the structure is worked out at the first sample."""
    s.rt_stale = True
    """Worked out again at the next sample (after any network or placement load)."""
    s.rt_rows = np.zeros(0, dtype=np.int64)
    """Rows of the VMs deployed from a router appliance."""
    s.rt_told = {}
    """VM name → the routing reason ("cut" or "router") it was last unhealthy for (kept on the
    sampler, so copies and checkpoints carry it)."""
    s.rt_rows_version = -1
    """The sampler's `built_version` `rt_rows` was worked out for."""
    s.rt_gateways = None
    """Whether any port group has `gateway = "appliance"` (None: not looked at yet)."""
    s.rt_vm = np.zeros(0, dtype=np.int64)
    """Rows of the routed tier members, one per hop (a row may repeat)."""
    s.rt_routers = []
    """Per `rt_vm` entry, the rows of the routers that can route it."""
    s.rt_need = []
    """Per `rt_vm` entry, what it needs routed in words ("VLAN 130 to tier app on VLAN 120")."""
    s.rt_tiers = frozenset()
    """Tiers (rows of the sampler's tier arrays) with a routed member."""
    s.rt_for = {}
    """Router row → the first service it can route for (the VM table's role of a router)."""
    s.vm_routed_mbps = np.zeros(0)
    """Mbit/s each VM routes now (0 but for routers)."""
    s.vm_rt_cut = np.zeros(0, dtype=bool)
    """Routed VMs with no router up: cut off from the tier before theirs."""
    s.vm_rt_limit = np.zeros(0)
    """The served share each routed VM's routers hold it to (inf when not routed)."""


def load(s: Sampler) -> None:
    """The routed members (`rt_vm`), each one's candidate routers (`rt_routers`) and what it
    needs in words (`rt_need`); the router VMs' rows (`rt_rows`)."""
    sim = s.sim
    inv = sim.inv
    s.rt_stale = False
    vidx = s.vm_index
    if s.rt_rows_version != s.built_version:  # the router VMs change only with the structure
        cat = appliances.catalogue(sim)
        s.rt_rows = np.array([i for i, v in enumerate(inv.vms.values())
                              if v.appliance is not None and v.appliance in cat and cat[v.appliance].routes],
                             dtype=np.int64)
        s.rt_rows_version = s.built_version
    rows: list[int] = s.rt_rows.tolist()
    rt_vm: list[int] = []
    rt_routers: list[np.ndarray] = []
    rt_need: list[str] = []
    rt_for: dict[int, str] = {}
    rt_tiers: set[int] = set()
    if s.rt_gateways is None:  # port groups are set when the datacenter is built
        s.rt_gateways = _appliance_gateways(inv)
    if s.rt_gateways:
        memo: netpath.Memo = {}
        names = s.vm_names
        routes = {i: _routed_vlans(inv, inv.vms[names[i]], i, memo) for i in rows}
        nets: dict[str, Nets] = {}

        def of(name: str) -> Nets:
            if name not in nets:
                nets[name] = _nets(inv, inv.vms[name])
            return nets[name]

        first = 0  # the service's first row in the sampler's tier arrays
        for svc in inv.services.values():
            first, base = first + len(svc.tiers), first
            for k in range(len(svc.tiers) - 1):
                up_tier, tier = svc.tiers[k], svc.tiers[k + 1]
                src = [of(n) for n in up_tier.vms if n in vidx]
                src_vlans = frozenset().union(*(v for v, _ in src)) if src else frozenset()
                if not src_vlans:
                    continue
                src_upstream = any(u for _, u in src)
                for name in tier.vms:
                    if name not in vidx:
                        continue
                    vlans, upstream = of(name)
                    if not vlans or vlans & src_vlans or (upstream and src_upstream):
                        continue
                    via = [r for r in rows if routes[r] & vlans and routes[r] & src_vlans]
                    for r in via:
                        rt_for.setdefault(r, svc.name)
                    rt_vm.append(vidx[name])
                    rt_routers.append(np.array(via, dtype=np.int64))
                    rt_need.append(f"{_fmt(vlans)} to tier {up_tier.name} on {_fmt(src_vlans)}")
                    rt_tiers.add(base + k + 1)
    s.rt_vm = np.array(rt_vm, dtype=np.int64)
    s.rt_routers = rt_routers
    s.rt_need = rt_need
    s.rt_for = rt_for
    s.rt_tiers = frozenset(rt_tiers)


def role(s: Sampler, i: int) -> str:
    """Router i's role and traffic for the VM table ("⇄ shop 600M"; "⇄ idle" routing nothing)."""
    svc = s.rt_for.get(i)
    mbps = float(s.vm_routed_mbps[i]) if s.vm_routed_mbps.size > i else 0.0
    if svc is None:
        return "⇄ idle"
    return f"⇄ {svc} {mbps:.0f}M" if mbps < 999.5 else f"⇄ {svc} {mbps / 1000:.1f}G"


def _appliance_gateways(inv: Inventory) -> bool:
    """Whether any port group's VLAN is routed only by an appliance (else nothing is routed)."""
    return any(pg.gateway == "appliance" for h in inv.hosts.values() for vs in h.vswitches
               for pg in vs.portgroups.values())


def active(s: Sampler) -> bool:
    """Whether there is anything to route or a router to account (after `load`)."""
    return bool(s.rt_rows.size or s.rt_vm.size)


def _up(s: Sampler, running: np.ndarray) -> np.ndarray:
    return running & s.vm_ok


def carry(s: Sampler, mult: np.ndarray, running: np.ndarray) -> np.ndarray:
    """The demand multipliers with every router's set to the traffic it routes now."""
    up = _up(s, running)
    mbps = np.zeros(len(mult))
    net = s.base_net * mult
    for b, routers in zip(s.rt_vm.tolist(), s.rt_routers, strict=True):
        on = routers[up[routers]]
        if on.size:
            mbps[on] += net[b] / on.size
    s.vm_routed_mbps = mbps
    out = mult.copy()
    r = s.rt_rows
    out[r] = mbps[r] / np.maximum(s.base_net[r], 1e-9)
    return out


def throttle(s: Sampler, served: np.ndarray, running: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each routed VM's served share held to its up routers' (their mean); return (served,
    cut: the routed VMs with no router up)."""
    up = _up(s, running)
    n = len(served)
    out = served.copy()
    cut = np.zeros(n, dtype=bool)
    limit = np.full(n, np.inf)
    for b, routers in zip(s.rt_vm.tolist(), s.rt_routers, strict=True):
        on = routers[up[routers]]
        if not on.size:
            cut[b] = True
            continue
        f = float(served[on].mean())
        limit[b] = min(limit[b], f)
        out[b] = min(out[b], f)
    s.vm_rt_cut = cut
    s.vm_rt_limit = limit
    _tell(s, served, out, running)
    return out, cut


WAS = {"cut": "was cut off: no router up", "router": "was starved by its router"}
"""A routing reason the player was told before, in a few words."""


def _tell(s: Sampler, own: np.ndarray, out: np.ndarray, running: np.ndarray) -> None:
    """Log a routed VM's change of reason within one unhealthy episode: cut off (no router up)
    → starved by its router, or back. The episode's first reason is the alarm's
    (`vm_unhealthy` when it turns unhealthy); this says when the reason changes, once."""
    sim = s.sim
    told = s.rt_told
    episode = sim.cpu_alarms.episode  # as of the last sample
    sick = running & s.vm_ok & s.vm_reachable
    for b in dict.fromkeys(s.rt_vm.tolist()):  # a row may repeat (one per hop)
        if not sick[b]:
            continue
        if s.vm_rt_cut[b]:
            kind = "cut"
        elif s.vm_rt_limit[b] < own[b] - 1e-9 and out[b] < s.vm_min_served[b] - 1e-9:
            kind = "router"
        else:
            continue
        name = s.vm_names[b]
        before = told.get(name)
        told[name] = kind
        if before is None or before == kind or not (b < episode.size and episode[b]):
            continue  # the alarm tells the first reason of an episode
        words = _cut_words(s, b) if kind == "cut" else _starved_words(s, b, own, out)
        sim.log.add(sim.now, "vm_unhealthy", name, f"{name}: {words} ({WAS[before]})")


def _cut_words(s: Sampler, b: int) -> str:
    need = [w for v, w in zip(s.rt_vm.tolist(), s.rt_need, strict=True) if v == b]
    return f"cut off: no router up for {need[0]}" if need else "cut off: no router up"


def _starved_words(s: Sampler, b: int, own: np.ndarray, out: np.ndarray) -> str:
    """"starved: gets 49 % of its demand: its router r-01 gets 49 % of its demand" (this
    sample's shares, as the VM table's reason will show them)."""
    up = s.vm_running & s.vm_ok
    rows: list[int] = []
    for v, via in zip(s.rt_vm.tolist(), s.rt_routers, strict=True):
        if v == b:
            rows.extend(r for r in via[up[via]].tolist() if r not in rows)
    names = ", ".join(s.vm_names[r] for r in rows)
    pct = 100 * float(np.mean(own[rows]))
    one = len(rows) == 1
    return (f"starved: gets {100 * float(out[b]):.0f} % of its demand: its router{'' if one else 's'} "
            f"{names} get{'s' if one else ''} {pct:.0f} % of {'its' if one else 'their'} demand")

