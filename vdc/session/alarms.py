"""Provides the alarms: what is wrong right now, worst first, each with the first thing to try.

Alarms are a *state* computed from a snapshot (`SimView`), never events of the simulation:
`active_alarms(view)` lists them — failed or isolated hosts, services down, bad changes, VMs
unhealthy for `STUCK_S` or more, datastores filling, VLANs not carried, uplinks down, hosts
short of CPU, snapshot chains, VMs waiting for CPU — and a keep-apart hint when DRS has put
every running VM of a service tier on one host. `AlarmWatch` remembers, between snapshots,
since when each VM has been unhealthy and which alarms are new (the game toasts those and
writes them to its event log). Headless: the TUI draws them, tests read them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from vdc.sim.events import EventRecord
from vdc.sim.snapshots import chain as snapshots
from vdc.sim.view import DatastoreView, HostView, SimView

HOST_CPU_HIGH_PCT = 90.0
"""Host CPU demand (% of capacity) from which a host is short of CPU."""
DATASTORE_WARN_PCT = 75.0
DATASTORE_ALERT_PCT = 85.0
VM_READY_PCT = 10.0
"""CPU ready (% per vCPU) from which a VM is listed."""
MAX_VM_LINES = 8
"""VMs with high ready listed one by one; beyond this the rest are counted on one line."""
STUCK_S = 120.0
"""A VM that should run and has not been healthy for this long (2 sim-minutes: longer than a
boot or an HA restart takes) raises an alarm of its own."""

_SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}
_SKIP_STUCK = ("powered off", "booting", "broken by a bad change", "no guest OS",
               "installing its guest OS", "being converted (P2V)")
"""Reasons that get no 'stuck' alarm: on purpose, on its way, or told by another alarm."""


@dataclass(frozen=True, slots=True)
class Alarm:
    """One alarm: how bad, what (with its numbers), and the first thing to try."""

    severity: str
    """critical | warning | info"""
    text: str
    fix: str = ""
    """The first thing to try, with its command (`snapshot revert app-01 pre-change`)."""
    key: str = ""
    """What the alarm is about (stays the same while it lasts; new keys are new alarms)."""


@dataclass(frozen=True, slots=True)
class AlarmRecord(EventRecord):
    """An alarm as a line of the game's event log (the simulation's log never holds one)."""

    level: str = "warning"

    @property
    def severity(self) -> str:  # type: ignore[override]
        return self.level


_INDEX: list[object] = [None, {}, {}]
"""The last view indexed (held, so its identity stands), its VM rows by name, its hosts by
name: the alarms of one view look VMs up by name many times (32,000 VMs at enterprise size)."""


def _index(view: SimView) -> tuple[dict[str, int], dict[str, HostView]]:
    """VM rows and hosts of `view` by name, made once per view."""
    if _INDEX[0] is not view:
        _INDEX[:] = [view, {n: i for i, n in enumerate(view.vms.names)}, {h.name: h for h in view.hosts}]
    return _INDEX[1], _INDEX[2]  # type: ignore[return-value]


_NET: dict[str, tuple[object, object, str, list[tuple[str, int, str, str, str]]]] = {}
"""Host -> (its uplink and vSwitch views, its state class, its network alarms): the views are
kept by the snapshot while the network stands, so a host's alarms are worked out again only
when its network or state changed (1,024 hosts × their port groups every tick otherwise)."""


def _network_alarms(h: HostView) -> list[tuple[str, int, str, str, str]]:
    """(severity, group, text, fix, key) of a host's uplinks, teams and VLANs."""
    state = "down" if h.state in ("failed", "off") else "up"
    kept = _NET.get(h.name)
    if kept is not None and kept[0] is h.uplinks and kept[1] is h.vswitches and kept[2] == state:
        return kept[3]
    out: list[tuple[str, int, str, str, str]] = []

    def add(severity: str, group: int, text: str, fix: str = "", key: str = "") -> None:
        out.append((severity, group, text, fix, key or text))

    if state == "up":  # a host that is down has no network to speak of
        for up in h.uplinks:
            if up.flapping:
                add("warning", 4, f"uplink {h.name}/{up.name} flapping: its team fails over and back",
                    f"pull it until its cable is replaced (`net uplink {h.name} {up.name} down`)",
                    f"uplink:{h.name}:{up.name}")
            elif not up.up:
                add("warning", 4, f"uplink {h.name}/{up.name} down", "", f"uplink:{h.name}:{up.name}")
        links = {u.name: u for u in h.uplinks}
        for vs in h.vswitches:
            for u in vs.uplinks:
                if u in links and links[u].black_holed:
                    add("critical", 4, f"uplink {h.name}/{u} black-holed: link up, traffic lost "
                        "beyond the switch", f"beacon probing (`net teaming {h.name} {vs.name} "
                        f"policy {vs.policy} --detection beacon`) or pull it (`net uplink {h.name} "
                        f"{u} down`)", f"hole:{h.name}:{u}")
            for pg in vs.portgroups:
                pruned = [u for u in pg.cut_on if u in links and not links[u].black_holed]
                if not pg.carried and not pg.cut_on:
                    add("critical", 4, f"VLAN {pg.vlan} ({pg.name}) not carried on {h.name}",
                        f"move its VMs to a host that carries VLAN {pg.vlan} (`vmotion VM HOST`)",
                        f"vlan:{h.name}:{pg.vlan}")
                elif pruned:
                    add("critical", 4, f"VLAN {pg.vlan} ({pg.name}) not trunked on {h.name}/"
                        f"{', '.join(pruned)}: VMs sending there cut off",
                        f"allow it on the switch port (`net trunk {h.name} {pruned[0]} add {pg.vlan}`)",
                        f"vlan:{h.name}:{pg.vlan}")
    if len(_NET) > 8192:  # hosts of many runs (a replay browser): start over
        _NET.clear()
    _NET[h.name] = (h.uplinks, h.vswitches, state, out)
    return out


def _first_fix(view: SimView, vm: str, reason: str) -> str:
    """The first thing to try for a VM that is not healthy, by why."""
    rows, hosts = _index(view)
    row = rows.get(vm, -1)
    here = view.vms.hosts[row] if row >= 0 else ""
    cluster = hosts[here].cluster if here in hosts else None
    others = [h for h in view.hosts if h.state == "on" and h.name != here
              and (cluster is None or h.cluster == cluster)]
    # The quietest running host of its cluster (by CPU demand, then name).
    other = min(others, key=lambda h: (h.cpu_demand_pct, h.name)).name if others else "HOST"
    if reason == "broken by a bad change":
        chain = view.snapshots.get(vm, ())
        if chain:
            return (f"revert it to its snapshot from before the change "
                    f"(`snapshot revert {vm} {chain[-1].name}`) or fix it")
        return (f"no snapshot to go back to: it stays broken until it is fixed; next time "
                f"take one first (`snapshot create {vm} pre-change`)")
    if reason.startswith("guest hung"):
        cl = next((c for c in view.clusters if c.name == cluster), None)
        auto = "" if cl is None else f"; HA VM monitoring resets hung guests that run Tools (`ha monitoring {cluster} on`)"
        return f"reset it (`power reset {vm}`){auto}"
    if reason == "powered off":
        return f"power it on (`power on {vm}`)"
    if reason.startswith("host") or reason == "host failed":
        ha = next((c for c in view.clusters if c.name == cluster), None)
        turn_on = "" if ha is None or ha.enabled else f", and turn HA on (`ha enable {cluster}`)"
        return f"start it on a running host (`power on {vm} {other}`){turn_on}"
    if reason.startswith("network cut"):
        return _network_fix(view, vm, row, hosts.get(here), other)
    if reason.startswith("cut off: no router"):
        return _router_fix(view, reason, hosts.get(here))
    if reason.startswith("paused"):
        return f"free space: delete old snapshots (`snapshot delete {vm} --all`) or move disks (`svmotion`)"
    if reason.startswith("starved") and reason.endswith(", router"):
        return _starved_router_fix(view, row)
    if reason.startswith("starved"):
        return _starved_fix(view, vm, row, others, other, reason)
    if reason.startswith("storage latency"):
        return "move its disks to a quieter datastore (`svmotion VM DATASTORE`)"
    if reason == "booting":
        return "wait: it is booting"
    if reason == "being converted (P2V)":
        return "wait: the P2V cutover ends with its VM booting (the Tasks panel, 8, has the ETA)"
    if reason == "installing its guest OS":
        return "wait: its OS install ends with a reboot (the Tasks panel, 8, has the ETA)"
    if reason == "no guest OS":
        return f"install one (`os install {vm}`)"
    return f"look at it in the VMs panel (2); reset it if it hangs (`power reset {vm}`)"


def _network_fix(view: SimView, vm: str, row: int, host: HostView | None, other: str) -> str:
    """A cut VM's first fix: allow its VLAN on the switch port that lost it, make the team
    see the uplink that loses its traffic, or (its VLAN reaches no uplink) move it."""
    pgs = view.vms.portgroups[row].split(", ") if 0 <= row < len(view.vms.portgroups) else []
    if host is not None:
        links = {u.name: u for u in host.uplinks}
        for vs in host.vswitches:
            for pg in vs.portgroups:
                if pg.name not in pgs or not pg.cut_on:
                    continue
                u = pg.cut_on[0]
                if u in links and links[u].black_holed:
                    return (f"its uplink {u} loses its traffic beyond the switch: beacon probing "
                            f"(`net teaming {host.name} {vs.name} policy {vs.policy} --detection "
                            f"beacon`) or move it (`vmotion {vm} {other}`)")
                return (f"VLAN {pg.vlan} is not trunked on {host.name}/{u}: allow it "
                        f"(`net trunk {host.name} {u} add {pg.vlan}`)")
    return f"move it to a host whose uplinks carry its VLAN (`vmotion {vm} {other}`)"


def _router_fix(view: SimView, reason: str, host: HostView | None) -> str:
    """A VM cut off for want of a router: a router appliance with a NIC on each VLAN (named
    by the port groups with those VLANs on its host), or the one that is down started."""
    vlans = [int(x) for x in re.findall(r"VLAN ([0-9]+)", reason)]
    names = {pg.vlan: pg.name for vs in (host.vswitches if host is not None else ())
             for pg in vs.portgroups}
    pgs = [names[v] for v in reversed(vlans) if v in names]
    if len(pgs) == 2:
        how = f"`deploy router NAME HOST DATASTORE {pgs[0]}`, then `vm nic NAME 2 {pgs[1]}`"
    else:
        how = "`deploy router NAME HOST DATASTORE PORTGROUP`, then `vm nic NAME 2 PORTGROUP`"
    return f"a router with a NIC on each VLAN joins them ({how}), or start the one that is down"


def _starved_router_fix(view: SimView, row: int) -> str:
    """A VM held back by its starved router: move the router off its busy host."""
    v = view.vms
    svc = v.services[row] if 0 <= row < len(v.services) else ""
    routers = [i for i, s in enumerate(v.services) if s.startswith(f"⇄ {svc} ")]
    if not routers:
        return "its router is starved: move it to a quieter host or deploy a second one"
    r = next((i for i in routers if not bool(v.healthy[i])), routers[0])  # the starved one
    others = [h for h in view.hosts if h.state == "on" and h.name != v.hosts[r] and not h.bare_metal]
    to = min(others, key=lambda h: (h.cpu_demand_pct, h.name)).name if others else "HOST"
    return (f"its router {v.names[r]} is starved on {v.hosts[r]}: move it to a quieter host "
            f"(`vmotion {v.names[r]} {to}`) or deploy a second one")


def _starved_fix(view: SimView, vm: str, row: int, others: list[HostView], other: str,
                 reason: str) -> str:
    """A starved VM's first fix, by what is short: its own vCPUs (more of them), a strict host's
    cores held by a wide VM (move that one, or narrow it), else its host (move it off)."""
    v = view.vms
    if "saturated" in reason and row >= 0:
        n = int(v.vcpu[row])
        return (f"its vCPUs, not the host, are short: give it more "
                f"(`vm set {vm} cpu {2 * n}`; while it runs that needs hot add)")
    host = next((h for h in view.hosts if row >= 0 and h.name == v.hosts[row]), None)
    if host is not None and host.co_scheduling == "strict":
        on = [i for i, h in enumerate(v.hosts) if h == host.name and v.power[i] != "off"]
        wide = max(on, key=lambda i: (int(v.vcpu[i]), v.names[i]), default=row)
        name, n = v.names[wide], int(v.vcpu[wide])
        relaxed = [h for h in others if h.co_scheduling != "strict"]
        to = min(relaxed, key=lambda h: (h.cpu_demand_pct, h.name)).name if relaxed else other
        return (f"{name} needs {n} of {host.name}'s {host.cores} cores free at once (strict "
                f"co-scheduling): move it to a relaxed host (`vmotion {name} {to}`) or give it "
                f"fewer vCPUs while it is off (`vm set {name} cpu {max(1, n // 2)}`)")
    return f"move it off its busy host (`vmotion {vm} {other}`) or let DRS balance"


def _host_cpu_fix(view: SimView, host: HostView) -> str:
    """A busy host's first fix: the busiest of its VMs that another running host of its cluster
    can take without contention itself (its demand stays within 100 %), and that host; if none
    fits anywhere, moving one only moves the problem (and may starve what runs there)."""
    v = view.vms
    others = [o for o in view.hosts if o.state == "on" and o.name != host.name
              and not o.maintenance and not o.entering_maintenance and o.cluster == host.cluster]
    if v.want_pct.size != len(v.names) or not others:
        return "move a busy VM off it (`vmotion VM HOST`) or let DRS balance"
    rows = [i for i, h in enumerate(v.hosts) if h == host.name and v.power[i] != "off"]
    # What each VM wants, MHz (a saturated guest wants all of its vCPUs).
    want = {i: min(float(v.want_pct[i]), 100.0) / 100.0 * int(v.vcpu[i]) * host.mhz for i in rows}
    room = {o.name: o.cores * o.mhz * (100.0 - o.cpu_demand_pct) / 100.0 for o in others}
    for i in sorted(rows, key=lambda i: (-want[i], v.names[i])):
        fits = [o for o in others if room[o.name] >= want[i] > 0]
        if fits:
            to = min(fits, key=lambda o: (o.cpu_demand_pct, o.name)).name
            return (f"move {v.names[i]} ({want[i]:,.0f} MHz wanted) to {to}, which has room "
                    f"(`vmotion {v.names[i]} {to}`), or let DRS balance")
    busiest = max(rows, key=lambda i: (want[i], v.names[i]), default=None)
    what = "" if busiest is None else f" ({v.names[busiest]} wants {want[busiest]:,.0f} MHz)"
    return (f"no other host has room for one of its VMs{what}: moving one moves the problem; "
            "power on a host, or let its VMs share it if their service can wait")


def _tier_vm(view: SimView, vms: tuple[str, ...]) -> tuple[str, str] | None:
    """The first VM of a tier that is not healthy and why."""
    v = view.vms
    rows = _index(view)[0]
    for vm in vms:
        i = rows.get(vm)
        if i is not None and not bool(v.healthy[i]):
            return vm, v.reasons[i] or "not healthy"
    return None


def keep_apart_hints(view: SimView) -> list[Alarm]:
    """A service tier whose running VMs (two or more) all sit on one host of a DRS cluster,
    with no keep-apart rule covering them: one host failure takes the tier down."""
    out: list[Alarm] = []
    drs = {c.name: c for c in view.drs if c.enabled}
    if not drs:
        return out
    v = view.vms
    rows = _index(view)[0]
    cluster_of = {h.name: h.cluster for h in view.hosts}
    for svc in view.services:
        for tier in svc.tiers:
            running = [n for n in tier.vms if n in rows and v.power[rows[n]] == "on"]
            hosts = {v.hosts[rows[n]] for n in running}
            if len(running) < 2 or len(hosts) != 1:
                continue
            host = hosts.pop()
            cluster = drs.get(cluster_of.get(host) or "")
            if cluster is None:
                continue
            covered = any(r.type == "keep-apart" and all(n in r.text for n in running)
                          for r in cluster.rules)
            if covered:
                continue
            names = " ".join(running)
            out.append(Alarm(
                "info",
                f"{' and '.join(running)} ({svc.name} {tier.name}) all run on {host}: "
                f"one host failure takes the tier down",
                f"keep them apart (`drs rule add {cluster.name} {svc.name}-{tier.name}-apart "
                f"keep-apart {names}`)",
                f"apart:{svc.name}:{tier.name}",
            ))
    return out


def _vsan_alarms(ds: DatastoreView, add: Callable[..., None]) -> None:
    """A vSAN datastore's objects: inaccessible (critical) or with reduced availability."""
    v = ds.vsan
    if v is None:
        return
    if v.inaccessible:
        add("critical", 3, f"vSAN {ds.name}: data of {v.inaccessible} VM(s) inaccessible "
            "(more failures than their FTT)",
            "bring the failed hosts back: their copies return (data on failed disks is gone)",
            f"vsan:{ds.name}:inaccessible")
    if v.reduced:
        failed = ", ".join(p for p in (f"{v.absent} absent" if v.absent else "",
                                       f"{v.degraded} degraded" if v.degraded else "") if p)
        when = (" — cannot rebuild" if v.stuck else
                f" — rebuild in {v.repair_in_s / 60:.0f} min" if v.repair_in_s is not None else
                " — resyncing" if v.resyncing else "")
        fix = ("give vSAN a host without a copy: power on a spare host of the cluster "
               "(`host power on HOST`) or bring the failed one back") if v.stuck else (
            "bring the host back before the delay ends (then only missed writes resync); "
            "after it vSAN rebuilds them only on a host holding no copy (power one on if "
            "every host up holds one)") if v.absent else ""
        add("warning", 3, f"vSAN {ds.name}: {v.reduced} object(s) with reduced availability"
            + (f" ({failed})" if failed else "") + when, fix, f"vsan:{ds.name}:reduced")


def active_alarms(view: SimView, unhealthy_since: dict[str, float] | None = None) -> list[Alarm]:
    """Every alarm the view warrants, critical first, each with the first thing to try.

    Within a severity the order is hosts, services, VMs in trouble, datastores, network, then
    VMs short of CPU (worst first), so the list reads from cause to effect and does not jump
    between ticks. `unhealthy_since` (VM → sim time it became unhealthy, from `AlarmWatch`)
    turns on the alarm for a VM stuck unhealthy for `STUCK_S`.
    """
    out: list[tuple[int, int, Alarm]] = []

    def add(severity: str, group: int, text: str, fix: str = "", key: str = "") -> None:
        out.append((_SEVERITY_ORDER[severity], group, Alarm(severity, text, fix, key or text)))

    for h in view.hosts:
        if h.state == "failed":
            add("critical", 0, f"host {h.name} failed", "its VMs restart only with HA on; start "
                "them on another host (`power on VM HOST`)", f"failed:{h.name}")
        elif h.state == "isolated":
            add("critical", 0, f"host {h.name} isolated (management network lost)",
                "HA's isolation response decides its VMs (`ha isolation CLUSTER power-off`)",
                f"isolated:{h.name}")
        if h.state in ("on", "isolated", "maintenance") and h.cpu_demand_pct >= HOST_CPU_HIGH_PCT:
            add("warning", 0, f"host {h.name} CPU demand {h.cpu_demand_pct:.0f}%",
                _host_cpu_fix(view, h), f"cpu:{h.name}")
    for svc in view.services:
        if not svc.up:
            down = [t for t in svc.tiers if not t.up]
            why = f": tier {', '.join(t.name for t in down)} down" if down else ""
            fix = ""
            for tier in down:
                if not tier.vms and not tier.servers:
                    fix = (f"tier {tier.name} has no VM: put one in it "
                           f"(`vm service VM {svc.name} {tier.name}`)")
                    break
                sick = _tier_vm(view, tier.vms)
                if sick and sick[1] == "broken by a bad change":
                    fix = f"{sick[0]} has a bad change: see its alarm"
                    break
                if sick:
                    fix = f"{sick[0]} ({sick[1]}): {_first_fix(view, *sick)}"
                    break
            add("critical", 1, f"service {svc.name} down{why}", fix, f"down:{svc.name}")
    v = view.vms
    for i in np.flatnonzero(~np.asarray(v.healthy, dtype=bool)).tolist():
        name, reason = v.names[i], v.reasons[i]
        if reason == "broken by a bad change":
            add("critical", 2, f"bad change on {name}: its application serves nothing",
                _first_fix(view, name, reason), f"bad:{name}")
        elif unhealthy_since is not None and reason not in _SKIP_STUCK:
            since = unhealthy_since.get(name)
            if since is not None and view.t - since >= STUCK_S:
                add("warning", 2, f"VM {name} not healthy for {(view.t - since) / 60:.0f} min: "
                    f"{reason}", _first_fix(view, name, reason), f"stuck:{name}")
    for ds in view.datastores:
        fix = "free space: delete snapshots (`snapshot delete VM --all`) or move disks (`svmotion`)"
        if ds.pct >= 100.0 - 1e-9:
            add("critical", 3, f"datastore {ds.name} FULL: VMs writing to it are paused", fix,
                f"ds:{ds.name}:full")
        elif ds.pct >= DATASTORE_ALERT_PCT:
            add("critical", 3, f"datastore {ds.name} {ds.pct:.0f}% full", fix, f"ds:{ds.name}:alert")
        elif ds.pct >= DATASTORE_WARN_PCT:
            add("warning", 3, f"datastore {ds.name} {ds.pct:.0f}% full", fix, f"ds:{ds.name}:warn")
        _vsan_alarms(ds, add)
    for h in view.hosts:
        for alarm in _network_alarms(h):
            add(*alarm)
    for name, chain in view.snapshots.items():  # snapshot depth and age (sim-facts §7)
        if len(chain) > snapshots.DEPTH_ALARM:
            add("warning", 5, f"VM {name} has a chain of {len(chain)} snapshots",
                f"consolidate (`snapshot delete {name} --all`)", f"depth:{name}")
        if chain and view.t - chain[0].taken_at > snapshots.AGE_ALARM_S:
            add("warning", 5, f"VM {name} snapshot {chain[0].name} is over "
                f"{snapshots.AGE_ALARM_S / 3600:g} h old",
                f"delete it (`snapshot delete {name} {chain[0].name}`)", f"age:{name}")
    high = np.flatnonzero(np.asarray(v.ready_pct) >= VM_READY_PCT)
    waiting = high[np.lexsort((high, -v.ready_pct[high]))].tolist()  # worst first
    for i in waiting[:MAX_VM_LINES]:
        add("warning", 5, f"VM {v.names[i]} CPU ready {v.ready_pct[i]:.1f}%", "",
            f"ready:{v.names[i]}")
    if len(waiting) > MAX_VM_LINES:
        more = len(waiting) - MAX_VM_LINES
        add("warning", 5, f"…and {more} more VM{'s' if more > 1 else ''} with CPU ready ≥ 10%",
            "", "ready:more")
    for hint in keep_apart_hints(view):
        out.append((_SEVERITY_ORDER["info"], 6, hint))
    out.sort(key=lambda a: (a[0], a[1]))  # stable: keeps inventory order inside a group
    return [a for _rank, _group, a in out]


TOLD = ("bad:", "stuck:", "apart:", "down:")
"""Alarms (by key) the game writes to its event log with their fix when they are raised."""
TOASTED = ("bad:", "stuck:", "apart:")
"""Alarms the game also toasts (the simulation already toasts a service going down)."""


class AlarmWatch:
    """Alarms over a game: remembers since when each VM is unhealthy and which alarms are new.

    `update(view)` returns the alarms now; `raised` then holds those that were not there at the
    previous update (the game toasts them and writes them to its log).
    """

    def __init__(self) -> None:
        self.since: dict[str, float] = {}
        self.alarms: list[Alarm] = []
        self.raised: list[Alarm] = []
        self._keys: set[str] = set()
        self.t = 0.0

    def update(self, view: SimView) -> list[Alarm]:
        if view.t < self.t:  # a replay went back in time: start over
            self.since.clear()
            self._keys = set()
        self.t = view.t
        v = view.vms
        bad = [v.names[i] for i in np.flatnonzero(~np.asarray(v.healthy, dtype=bool)).tolist()]
        now_bad = set(bad)
        for n in list(self.since):
            if n not in now_bad:
                del self.since[n]
        for n in bad:  # inventory order: deterministic
            if n not in self.since:
                self.since[n] = view.t
        self.alarms = active_alarms(view, self.since)
        keys = {a.key for a in self.alarms}
        self.raised = [a for a in self.alarms if a.key not in self._keys]
        self._keys = keys
        return self.alarms

    def record(self, alarm: Alarm, t: float) -> AlarmRecord:
        """An alarm as a line for the game's event log: what, then the first thing to try."""
        fix = alarm.fix.replace("`", "")
        return AlarmRecord(t, "alarm", alarm.text, f"→ try: {fix}" if fix else "", alarm.severity)
