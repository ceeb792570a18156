"""Provides what happens to a host's uplinks and how its NIC teams notice (sim-facts §11).

The physical state (`Uplink.link_up`, `upstream_ok`, the trunk) changes at once, by a level event
or a command; the team's belief (`Uplink.failed`: failed over, nothing sent on it) follows after
its detection time. A lost link is seen in `LINK_DETECT_S` in either mode. A failure upstream of
the switch port leaves the link up: link-status detection never sees it (the uplink's traffic
is black-holed until someone acts), beacon probing marks the uplink failed after
`BEACON_MISSES` missed beacons. A repaired uplink is taken back at once (failback).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vdc.sim import netpath

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation
    from vdc.sim.model import Host, Uplink, VSwitch

LINK_DETECT_S = 1.0
"""Seconds until a team fails over from an uplink that lost its link [assumption: < 1 s]."""
BEACON_INTERVAL_S = 1.0
BEACON_MISSES = 3
"""Beacons go out every second on every team uplink; 3 missed mark it failed (§11)."""
BEACON_DETECT_S = BEACON_INTERVAL_S * BEACON_MISSES
FLAP_DOWN_S = 5.0
FLAP_UP_S = 25.0
"""A flapping link is down 5 s in every 30 s [assumption: a failing cable or SFP]; the team
fails over 1 s into each down and back at each up."""
LACPDU_S = {"fast": 1.0, "slow": 30.0}
LACP_MISSES = 3
"""LACP members exchange LACPDUs every 1 s (fast) or 30 s (slow); 3 missed remove a member
from the group (§11: 3 s fast, 90 s slow) — also when its link stays up."""
SHOTGUN_BELOW = 3
"""Beacon probing needs at least 3 uplinks to tell which one failed ("shotgun" mode below)."""


def vswitch_of(h: Host, uplink: str) -> VSwitch | None:
    """The vSwitch whose team has `uplink` (a NIC serves one vSwitch)."""
    return next((vs for vs in h.vswitches if uplink in vs.uplinks), None)


def seen_bad(h: Host, nic: Uplink) -> bool:
    """Whether the team's detection can see that this uplink does not work."""
    if not nic.link_up:
        return True
    vs = vswitch_of(h, nic.name)
    return not nic.upstream_ok and vs is not None and (vs.detection == "beacon" or vs.policy == "lacp")


def upstream_detect_s(h: Host, nic: Uplink) -> float:
    """Seconds until the team sees a failure beyond the switch port: 3 missed beacons, or
    3 missed LACPDUs in a link aggregation group."""
    vs = vswitch_of(h, nic.name)
    if vs is not None and vs.policy == "lacp":
        return LACP_MISSES * LACPDU_S.get(vs.lacp_rate, LACPDU_S["slow"])
    return BEACON_DETECT_S


def set_link(sim: Simulation, h: Host, nic: Uplink, up: bool) -> None:
    """A cable is plugged in or pulled (or a switch port goes dark): the team follows."""
    nic.link_up = up
    _changed(sim, h, nic, LINK_DETECT_S)


def set_upstream(sim: Simulation, h: Host, nic: Uplink, ok: bool) -> None:
    """The network beyond the switch port fails or is repaired; the link stays as it was."""
    nic.upstream_ok = ok
    _changed(sim, h, nic, upstream_detect_s(h, nic))
    vs = vswitch_of(h, nic.name)
    if not ok and vs is not None:
        if nic.name in netpath.black_holed(h, vs):
            sim.log.add(sim.now, "traffic_lost", h.name, _lost_text(sim, h, nic))


def _changed(sim: Simulation, h: Host, nic: Uplink, delay: float) -> None:
    nic.changes += 1
    if seen_bad(h, nic):
        if not nic.failed:
            sim.after(delay, detect, sim, h.name, nic.name, nic.changes)
    else:
        failback(sim, h, nic)
    sim.touch("network", h.name)


def detect(sim: Simulation, host: str, uplink: str, changes: int) -> None:
    """The team's detection time is up: fail the uplink over if it still looks failed."""
    h = sim.inv.hosts[host]
    nic = h.nics[uplink]
    if nic.changes != changes or nic.failed or not seen_bad(h, nic):
        return
    nic.failed = True
    vs = vswitch_of(h, uplink)
    how = ("link down" if not nic.link_up else f"{LACP_MISSES} LACPDUs missed"
           if vs is not None and vs.policy == "lacp" else f"{BEACON_MISSES} beacons missed")
    now = ", ".join(netpath.in_use(h, vs)) if vs is not None else ""
    if not nic.flapping:  # a flapping link's bounces are told once, by its uplink_flap event
        sim.log.add(sim.now, "team_failover", h.name,
                    f"{h.name} failed over from {uplink} ({how}) to {now or 'nothing'}")
    sim.touch("network", h.name)


def failback(sim: Simulation, h: Host, nic: Uplink) -> None:
    """A failed-over uplink works again (or is no longer seen as failed): the team uses it."""
    if not nic.failed:
        return
    nic.failed = False
    if not nic.flapping:
        sim.log.add(sim.now, "team_failback", h.name, f"{h.name} {nic.name} is back in its team")
    sim.touch("network", h.name)


def detection_changed(sim: Simulation, h: Host, vs: VSwitch) -> None:
    """A team switched detection mode: beacons start probing (a silent failure is seen 3 s
    later), or link status takes over (an upstream failure is no longer seen)."""
    for u in vs.uplinks:
        nic = h.nics[u]
        if seen_bad(h, nic):
            if not nic.failed:
                sim.after(upstream_detect_s(h, nic) if nic.link_up else LINK_DETECT_S,
                          detect, sim, h.name, u, nic.changes)
        else:
            failback(sim, h, nic)


def _lost_text(sim: Simulation, h: Host, nic: Uplink) -> str:
    cut = cut_vms(sim, h)
    who = f": {', '.join(cut)} cut off" if cut else ""
    return f"traffic over {h.name} {nic.name} is lost upstream (its link stays up){who}"


def cut_vms(sim: Simulation, h: Host) -> list[str]:
    """Running VMs on `h` that have a NIC whose traffic does not get through now."""
    inv = sim.inv
    out = []
    for i, v in enumerate(inv.vms.values()):
        if v.host == h.name and v.power == "on" and not netpath.vm_path(inv, v, i)[0]:
            out.append(v.name)
    return out


def prune(sim: Simulation, h: Host, vlan: int, uplinks: list[str]) -> list[str]:
    """Remove `vlan` from the trunks of `uplinks` (the switch ports'); the uplinks changed."""
    changed = []
    for u in uplinks:
        nic = h.nics[u]
        if not nic.trunks(vlan):
            continue
        if nic.vlans is not None:
            nic.vlans = tuple(x for x in nic.vlans if x != vlan)
        else:
            nic.pruned = tuple(sorted({*nic.pruned, vlan}))
        changed.append(u)
    sim.touch("network", h.name)
    return changed


def allow(sim: Simulation, h: Host, vlan: int, uplink: str) -> None:
    """Allow `vlan` on the trunk of `uplink`'s switch port again."""
    nic = h.nics[uplink]
    if nic.vlans is not None:
        nic.vlans = tuple(sorted({*nic.vlans, vlan}))
    else:
        nic.pruned = tuple(x for x in nic.pruned if x != vlan)
    sim.touch("network", h.name)


def apply_event(sim: Simulation, op: str, host: str, uplink: object, vlan: object) -> None:
    """A level event or incident: `upstream_down`, `upstream_up` or `trunk_prune`."""
    h = sim.inv.hosts[host]
    log = sim.log.add
    if op == "trunk_prune":
        v = int(str(vlan))
        hit = prune(sim, h, v, [str(uplink)] if uplink else list(h.nics))
        cut = cut_vms(sim, h)
        who = f": {checks_names(cut)} cut off" if cut else ""
        log(sim.now, "trunk_prune", h.name,
            f"VLAN {v} was removed from the switch port of {h.name} {', '.join(hit) or '(none)'}{who}")
        return
    nic = h.nics[str(uplink)]
    if op in ("uplink_flap", "uplink_flap_end"):
        _flap_event(sim, h, nic, op == "uplink_flap")
        return
    if op == "upstream_down":
        log(sim.now, "upstream_down", h.name,
            f"the network beyond {h.name} {nic.name}'s switch port failed; its link stays up")
        set_upstream(sim, h, nic, False)
    else:
        log(sim.now, "upstream_up", h.name, f"the network beyond {h.name} {nic.name} works again")
        set_upstream(sim, h, nic, True)


def _flap_event(sim: Simulation, h: Host, nic: Uplink, start: bool) -> None:
    """A level event or incident starts or ends the flapping of an uplink."""
    if start:
        if nic.flapping or not nic.link_up:
            return  # already flapping, or pulled: nothing to bounce
        sim.flaps += 1
        nic.flapping = sim.flaps
        sim.log.add(sim.now, "uplink_flap", h.name,
                    f"{h.name} {nic.name} is flapping: its link drops for {FLAP_DOWN_S:g} s every "
                    f"{FLAP_DOWN_S + FLAP_UP_S:g} s and {h.name}'s team fails over and back each time")
        flap_step(sim, h.name, nic.name, nic.flapping)
    elif nic.flapping:
        stop_flapping(sim, h, nic)
        if not nic.link_up:
            set_link(sim, h, nic, True)
        sim.log.add(sim.now, "uplink_flap_end", h.name, f"{h.name} {nic.name} is stable again")


def flap_step(sim: Simulation, host: str, uplink: str, flap: int) -> None:
    """One bounce of a flapping link: down now, up `FLAP_DOWN_S` later, down again after
    `FLAP_UP_S` — until the flap ends or the player pulls the cable."""
    h = sim.inv.hosts[host]
    nic = h.nics[uplink]
    if nic.flapping != flap:
        return
    up = not nic.link_up
    nic.link_up = up
    _changed(sim, h, nic, LINK_DETECT_S)
    sim.after(FLAP_UP_S if up else FLAP_DOWN_S, flap_step, sim, host, uplink, flap)


def stop_flapping(sim: Simulation, h: Host, nic: Uplink) -> None:
    """The link stops bouncing (its pending steps see another `flapping` and do nothing)."""
    nic.flapping = 0
    sim.touch("network")


def checks_names(names: list[str], most: int = 5) -> str:
    """At most `most` names, then how many more."""
    more = f" and {len(names) - most} more" if len(names) > most else ""
    return ", ".join(names[:most]) + more
