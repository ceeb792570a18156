"""Provides what the network views need per VM NIC: the uplinks each NIC sends on (for each
uplink's load in the Network panel) and each VM's port groups (the VM table).

Where a NIC sends changes only with the network (links, trunks, teams, placement: the
simulation's `network_version`), so the map is kept in the `ViewCache`; a view then only adds
up the VMs' traffic of the last sample along it (one `bincount`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from vdc.sim import netpath

if TYPE_CHECKING:
    from vdc.sim.contention import Sampler
    from vdc.sim.engine import Simulation


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


def nic_map(sim: Simulation) -> NicMap:
    """Where every VM NIC sends now (`netpath`), and every VM's port groups."""
    inv = sim.inv
    slots = tuple((h.name, u) for h in inv.hosts.values() for u in h.nics)
    index = {s: i for i, s in enumerate(slots)}
    vm_rows: list[int] = []
    slot_rows: list[int] = []
    weights: list[float] = []
    pgs: list[str] = []
    memo: netpath.Memo = {}
    for i, vm in enumerate(inv.vms.values()):
        pgs.append(", ".join(n.portgroup for n in vm.nics))
        for k in range(len(vm.nics)):
            used = netpath.nic_path(inv, vm, k, i, memo).uplinks
            for u in used:
                vm_rows.append(i)
                slot_rows.append(index[(vm.host, u)])
                weights.append(1.0 / len(vm.nics) / len(used))
    return NicMap(np.array(vm_rows, dtype=np.int64), np.array(slot_rows, dtype=np.int64),
                  np.array(weights), slots, tuple(pgs))


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
