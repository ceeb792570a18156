"""Provides what the network views need per VM NIC: the uplinks each NIC sends on (for each
uplink's load in the Network panel) and each VM's port groups (the VM table).

Where a NIC sends changes only with the network (links, trunks, teams, placement: the
simulation's `network_version`), so the map is kept in the `ViewCache`; a view then only adds
up the VMs' traffic of the last sample along it (one `bincount`). A new network version
(every vMotion bumps it) works out again only the VMs that moved or changed port groups and
those on hosts whose network changed (`host_key`), not every VM NIC.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from vdc.sim import netpath

if TYPE_CHECKING:
    from vdc.sim.contention import Sampler
    from vdc.sim.engine import Simulation
    from vdc.sim.model import Host


@dataclass(frozen=True)
class NicMap:
    """Each VM NIC's share of its VM's traffic on each uplink it sends on."""

    vm: np.ndarray
    """Row -> the VM's index (inventory order, as the sampler's)."""
    slot: np.ndarray
    """Row -> the uplink's index in `slots`."""
    weight: np.ndarray
    """Row -> the share of the VM's traffic: 1 / its NICs / the uplinks its NIC hashes over."""
    slots: tuple[tuple[str, str], ...]
    """(host, uplink) of every host NIC, host by host in inventory order."""
    portgroups: tuple[str, ...]
    """Per VM, its NICs' port groups ("outside, web"; "" without a NIC)."""


HostKey = tuple[object, ...]
"""Everything about a host that its network views and its VMs' NIC paths are worked out from."""


def host_key(h: Host) -> HostKey:
    """The host's state, its NICs' links, failovers and trunks, and its teams and port groups
    (VLANs, failover-order overrides): equal keys, equal network views and paths."""
    return (
        h.state,
        tuple((n.name, n.speed, n.link_up, n.upstream_ok, n.failed, n.vlans, n.pruned, n.flapping)
              for n in h.nics.values()),
        tuple((vs.name, vs.policy, vs.detection, vs.lacp_rate, tuple(vs.uplinks), tuple(vs.active),
               tuple(vs.standby), tuple((pg.vlan, pg.uplinks) for pg in vs.portgroups.values()))
              for vs in h.vswitches),
    )


@dataclass(frozen=True)
class NicRows:
    """Per VM (inventory order): what its rows were worked out from (host, port groups), the
    uplink slots its NICs send on and each one's weight."""

    keys: tuple[tuple[str, tuple[str, ...]], ...]
    slots: tuple[tuple[int, ...], ...]
    weights: tuple[tuple[float, ...], ...]


def nic_map(sim: Simulation, prev: tuple[NicMap, NicRows] | None = None,
            changed: frozenset[str] | set[str] = frozenset()) -> tuple[NicMap, NicRows]:
    """Where every VM NIC sends now (`netpath`), and every VM's port groups. `prev`: the map of
    the same inventory structure (same hosts, NICs and VMs in the same order) and `changed`: the
    hosts whose network changed since; only VMs on those, or that moved or changed port groups
    since, are worked out again."""
    inv = sim.inv
    n = len(inv.vms)
    if prev is not None and len(prev[1].keys) != n:
        prev = None
    slots = prev[0].slots if prev is not None else tuple(
        (h.name, u) for h in inv.hosts.values() for u in h.nics)
    index = {s: i for i, s in enumerate(slots)} if prev is None else None
    keys: list[tuple[str, tuple[str, ...]]] = []
    rows: list[tuple[int, ...]] = []
    weights: list[tuple[float, ...]] = []
    pgs: list[str] = []
    memo: netpath.Memo = {}
    redone = 0
    for i, vm in enumerate(inv.vms.values()):
        key = (vm.host, tuple(c.portgroup for c in vm.nics))
        if prev is not None and key == prev[1].keys[i] and vm.host not in changed:
            keys.append(key)
            rows.append(prev[1].slots[i])
            weights.append(prev[1].weights[i])
            pgs.append(prev[0].portgroups[i])
            continue
        if index is None:
            index = {s: k for k, s in enumerate(slots)}
        redone += 1
        r: list[int] = []
        w: list[float] = []
        for k in range(len(vm.nics)):
            used = netpath.nic_path(inv, vm, k, i, memo).uplinks
            for u in used:
                r.append(index[(vm.host, u)])
                w.append(1.0 / len(vm.nics) / len(used))
        keys.append(key)
        rows.append(tuple(r))
        weights.append(tuple(w))
        pgs.append(", ".join(key[1]))
    if prev is not None and not redone:
        return prev
    vm_rows = [i for i, r in enumerate(rows) for _ in r]
    flat_slots = [x for r in rows for x in r]
    flat_w = [x for w in weights for x in w]
    same_pgs = prev is not None and tuple(pgs) == prev[0].portgroups
    m = NicMap(np.array(vm_rows, dtype=np.int64), np.array(flat_slots, dtype=np.int64),
               np.array(flat_w, dtype=float), slots,
               prev[0].portgroups if prev is not None and same_pgs else tuple(pgs))
    return m, NicRows(tuple(keys), tuple(rows), tuple(weights))


def uplink_mbps(m: NicMap, s: Sampler, has: bool) -> dict[str, tuple[float, ...]]:
    """Mbit/s each host's uplinks carry in the last sample: its running VMs' traffic (what
    they send, after their caps and their host's share), split as their NICs send it."""
    per_slot: np.ndarray = np.zeros(len(m.slots))
    n = len(s.vm_names)
    if has and m.vm.size and s.vm_net.size == n and s.vm_running.size == n and int(m.vm.max()) < n:
        sent = s.vm_net * s.vm_f_net * s.vm_running
        per_slot = np.bincount(m.slot, weights=sent[m.vm] * m.weight, minlength=len(m.slots))
    out: dict[str, list[float]] = {}
    for (host, _), mbps in zip(m.slots, per_slot.tolist(), strict=True):
        out.setdefault(host, []).append(mbps)
    return {h: tuple(v) for h, v in out.items()}
