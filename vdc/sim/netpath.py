"""Provides the path of VM traffic through a vSwitch's NIC team (design/sim-facts.md §11).

A vSwitch's team has active and standby uplinks, a load-balancing policy and a failure
detection mode. The team sends on its active uplinks that it has not failed over (`Uplink.failed`,
set by `vdc.sim.network.faults` once a failure is detected); a standby takes the place of each
failed active one. A port group uses the team members whose trunk carried its VLAN when the VLAN
was set (`PortGroup.uplinks`, a failover-order override); so a level whose uplinks trunk
different VLANs keeps each VLAN on the uplinks meant for it.

- port-id / mac-hash: each VM NIC is pinned to one uplink in use (by its virtual port number,
  or by a hash of its MAC); the VM never gets more than that uplink's speed, and if that uplink
  silently drops its traffic (a failure upstream the team did not see, its VLAN pruned from the
  switch port) the NIC is cut although other uplinks work.
- explicit: everything goes over the first working uplink in the order active, then standby.
- ip-hash, lacp: a VM's flows spread over every uplink in use (a VM can use the whole team).

Pure functions over the inventory: the sampler, vMotion's link and the Network panel read them.
"""

from __future__ import annotations

from dataclasses import dataclass

from vdc.sim.model import Host, Inventory, PortGroup, Vm, VSwitch

PINNED = ("port-id", "mac-hash", "explicit")
"""Policies that put all of a VM NIC's traffic on one uplink."""


@dataclass(frozen=True, slots=True)
class NicPath:
    """Where one VM NIC's traffic goes now."""

    uplinks: tuple[str, ...]
    """The uplinks it is sent on (one when pinned; none when the team has nothing in use)."""
    reachable: bool
    """Its traffic gets through (some uplink it is sent on delivers its VLAN)."""
    mbps: float
    """The most it can send: its uplink's speed, or the delivering team's for ip-hash."""


def team_of(vs: VSwitch, pg: PortGroup | None) -> tuple[list[str], list[str]]:
    """The active and standby uplinks a port group of `vs` uses (its override applied)."""
    keep = pg.uplinks if pg is not None and pg.uplinks is not None else None
    active = [u for u in vs.active if keep is None or u in keep]
    standby = [u for u in vs.standby if keep is None or u in keep]
    return active, standby


def in_use(h: Host, vs: VSwitch, pg: PortGroup | None = None) -> list[str]:
    """The uplinks the team sends on now, in order: its active ones not failed over, then as
    many standbys (not failed over, in order) as active ones failed; explicit: the first working
    one of active then standby."""
    active, standby = team_of(vs, pg)
    ok = [u for u in active if u in h.nics and not h.nics[u].failed]
    spare = [u for u in standby if u in h.nics and not h.nics[u].failed]
    if vs.policy == "explicit":
        return (ok + spare)[:1]
    return ok + spare[: len(active) - len(ok)]


def port_number(ordinal: int, vm: Vm, nic_index: int, policy: str) -> int:
    """The number the team hashes a VM NIC by: its virtual port (port-id: from the VM's place
    `ordinal` in the inventory) or its MAC address (mac-hash: from the VM's name), never from
    Python's randomised hash."""
    if policy == "mac-hash":
        return sum(f"{vm.name}/{nic_index}".encode())
    return ordinal * 8 + nic_index


Team = tuple[str, tuple[str, ...], tuple[bool, ...], tuple[float, ...]]
"""A port group's team on one host now: (policy, uplinks in use, whether each delivers the
port group's VLAN, each one's speed)."""
Memo = dict[tuple[str, str], "Team | None"]
"""Teams already worked out in one pass over the VMs, by (host, port group)."""


def _team(h: Host, portgroup: str, memo: Memo | None) -> Team | None:
    """The team `portgroup` sends through on `h` now (None: no port group, isolated, nothing in
    use) — worked out once per (host, port group) in a pass with a `memo`."""
    key = (h.name, portgroup)
    if memo is not None and key in memo:
        return memo[key]
    found = h.portgroup(portgroup)
    team: Team | None = None
    if found is not None and h.state != "isolated":
        vs, pg = found
        used = in_use(h, vs, pg)
        if used:
            team = (vs.policy, tuple(used), tuple(h.nics[u].delivers(pg.vlan) for u in used),
                    tuple(float(h.nics[u].speed) for u in used))
    if memo is not None:
        memo[key] = team
    return team


def nic_path(inv: Inventory, vm: Vm, nic_index: int, ordinal: int, memo: Memo | None = None) -> NicPath:
    """Where NIC `nic_index` of `vm` (the `ordinal`-th VM of the inventory) sends from its host."""
    team = _team(inv.hosts[vm.host], vm.nics[nic_index].portgroup, memo)
    if team is None:
        return NicPath((), False, 0.0)
    policy, used, delivers, speeds = team
    if policy not in PINNED:  # ip-hash: every flow hashed over the team
        return NicPath(used, any(delivers), sum((x for x, ok in zip(speeds, delivers, strict=True) if ok), 0.0))
    k = port_number(ordinal, vm, nic_index, policy) % len(used)
    return NicPath((used[k],), delivers[k], speeds[k])


def vm_path(inv: Inventory, vm: Vm, ordinal: int, memo: Memo | None = None) -> tuple[bool, float]:
    """Whether every NIC of `vm` gets through, and the most the VM can send (its NICs' caps
    added up; infinite for a VM without NICs). Pass one `memo` to every call of a pass over
    the VMs: each (host, port group) team is then worked out once."""
    if not vm.nics:
        return True, float("inf")
    paths = [nic_path(inv, vm, i, ordinal, memo) for i in range(len(vm.nics))]
    return all(p.reachable for p in paths), sum(p.mbps for p in paths)


def host_capacity(h: Host) -> float:
    """Mbit/s a host's VM traffic can use: the uplinks its teams send on (and NICs in no team)
    that have their link and a working upstream; idle standbys add nothing."""
    teamed: set[str] = set()
    used: set[str] = set()
    for vs in h.vswitches:
        teamed.update(vs.uplinks)
        used.update(in_use(h, vs))
    return float(sum(n.speed for n in h.nics.values()
                     if n.link_up and n.upstream_ok and (n.name in used or n.name not in teamed)))


def black_holed(h: Host, vs: VSwitch) -> list[str]:
    """Uplinks the team still sends on although their traffic is lost upstream (it did not see
    the failure: link-status detection, or beacon probing not yet 3 s in)."""
    return [u for u in in_use(h, vs) if h.nics[u].link_up and not h.nics[u].upstream_ok]


def cut_vlans(h: Host, vs: VSwitch) -> list[tuple[str, str]]:
    """(port group, uplink) pairs where the port group's VLAN is missing from the trunk of an
    uplink in use for it: its NICs pinned there are cut."""
    out = []
    for pg in vs.portgroups.values():
        for u in in_use(h, vs, pg):
            if not h.nics[u].trunks(pg.vlan):
                out.append((pg.name, u))
    return out
