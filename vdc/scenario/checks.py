"""Provides the cross-checks of a level: everything the schema alone cannot see.

`vdc.scenario.schema` validates each table on its own; this module checks the references
between them (a VM's host, a disk's datastore, a NIC's port group…), unique names, that the
initial placement fits, and that every time lies inside the level. Each problem is a
`CheckError` with the key path of the offending value (`vms[3].host`, 0-based indices, TOML
names) and a sentence that names what does exist, so the author can fix it without guessing.
The loader turns it into a one-line `LevelError` with the file and line.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Sequence
from fnmatch import fnmatchcase

from pydantic import BaseModel

from vdc.scenario import schema
from vdc.scenario.names import expand, is_glob
from vdc.scenario.rules import conflict

BUILTIN_PROFILES: tuple[str, ...] = ("idle", "web", "app", "db", "batch", "appliance", "desktop")
"""Workload profiles the engine defines (numbers in vdc/sim/workload.py); levels may add more."""

HOST_STATES_RUNNING_VMS: tuple[str, ...] = ("on", "isolated")
"""Host states a level may start with powered-on VMs on (an isolated host keeps running them)."""

Loc = tuple[str | int, ...]

_KNOWN_MAX = 10
"""Longest list of names spelled out in a message; longer lists are cut with their count."""


class CheckError(ValueError):
    """A cross-check failed: `path` is the key path (`vms[3].host`), `message` the sentence."""

    def __init__(self, loc: Loc, message: str) -> None:
        self.loc: Loc = tuple(loc)
        self.path: str = format_loc(self.loc)
        self.message: str = message
        super().__init__(f"{self.path}: {message}" if self.path else message)


# --------------------------------------------------------------------------- helpers


def format_loc(loc: Iterable[str | int]) -> str:
    """A key path from its parts: ("vms", 3, "disks", 0, "size") -> "vms[3].disks[0].size"."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif out:
            out += f".{part}" if _bare(part) else f'."{part}"'
        else:
            out = part if _bare(part) else f'"{part}"'
    return out


def _bare(key: str) -> bool:
    return bool(key) and all(ch.isascii() and (ch.isalnum() or ch in "_-") for ch in key)


def num(x: float) -> str:
    """A number as an author wrote it: 64.0 -> "64", 0.25 -> "0.25"."""
    x = float(x)
    if not math.isfinite(x):
        return str(x)
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.3f}".rstrip("0").rstrip(".")


def names_list(names: Sequence[str], limit: int = _KNOWN_MAX) -> str:
    """ "a, b, c", cut to `limit` names with the total when longer."""
    if len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + f", … ({len(names)} in all)"


def unknown(kind: str, name: str, names: Sequence[str], plural: str | None = None) -> str:
    """ "no host named 'esx-9' (known: esx-01, esx-02)", with a did-you-mean for long lists."""
    plural = plural or kind + "s"
    if not names:
        return f"no {kind} named '{name}' (the level has no {plural})"
    if len(names) <= _KNOWN_MAX:
        return f"no {kind} named '{name}' (known: {names_list(names)})"
    close = difflib.get_close_matches(name, list(names), n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return f"no {kind} named '{name}' ({hint}known: {names_list(names)})"


def _no_match(kind: str, pattern: str, names: Sequence[str], plural: str | None = None) -> str:
    if not is_glob(pattern):
        return unknown(kind, pattern, names, plural)
    plural = plural or kind + "s"
    if not names:
        return f"'{pattern}' matches no {kind} (the level has no {plural})"
    return f"'{pattern}' matches no {kind} (known: {names_list(names)})"


def _check_patterns(
    loc: Loc,
    patterns: Sequence[str],
    kind: str,
    names: Sequence[str],
    plural: str | None = None,
    name_set: set[str] | None = None,
) -> None:
    """Every entry of `patterns` names an existing object or is a glob matching at least one."""
    for i, p in enumerate(patterns):
        if is_glob(p):
            found = any(fnmatchcase(n, p) for n in names)
        else:
            if name_set is None:
                name_set = set(names)
            found = p in name_set
        if not found:
            raise CheckError((*loc, i), _no_match(kind, p, names, plural))


def _after_end(t: float, duration: int) -> str:
    return f"{num(t)} s is after the end of the level (level.duration = {duration} s)"


# --------------------------------------------------------------------------- checks


def check_level(level: schema.Level) -> None:
    """Raise `CheckError` for the first cross-reference or consistency problem of `level`."""
    _check_finite(level, ())
    _check_unique(level)
    _check_clusters_and_hosts(level)
    _check_networks(level)
    _check_datastores(level)
    _check_vms(level)
    _check_placement(level)
    _check_services(level)
    _check_vcenter(level)
    _check_events(level)
    _check_incidents(level)
    _check_objectives(level)
    _check_hints(level)


def _check_finite(value: object, loc: Loc) -> None:
    """No inf or nan anywhere (TOML allows them; no quantity of a level can be infinite)."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CheckError(loc, f"must be a finite number, got {value}")
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            _check_finite(getattr(value, name), (*loc, name))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check_finite(item, (*loc, i))
    elif isinstance(value, dict):
        for k, item in value.items():
            _check_finite(item, (*loc, str(k)))


def _unique(items: Sequence[object], attr: str, section: Loc, what: str, scope: str = "") -> None:
    first: dict[str, int] = {}
    for i, item in enumerate(items):
        name = getattr(item, attr)
        if name in first:
            where = format_loc((*section, first[name]))
            raise CheckError(
                (*section, i, attr), f"duplicate {what} '{name}'{scope} (first used by {where})"
            )
        first[name] = i


def _check_unique(level: schema.Level) -> None:
    _unique(level.clusters, "name", ("clusters",), "cluster name")
    _unique(level.hosts, "name", ("hosts",), "host name")
    for i, h in enumerate(level.hosts):
        _unique(h.nics, "name", ("hosts", i, "nics"), "NIC name", f" on {h.name}")
    _unique(level.datastores, "name", ("datastores",), "datastore name")
    _unique(level.networks, "name", ("networks",), "network name")
    for i, n in enumerate(level.networks):
        _unique(
            n.portgroups, "name", ("networks", i, "portgroups"), "port group name", f" in {n.name}"
        )
    _unique(level.profiles, "name", ("profiles",), "profile name")
    _unique(level.vms, "name", ("vms",), "VM name")
    _unique(level.services, "name", ("services",), "service name")
    for i, s in enumerate(level.services):
        _unique(s.tiers, "name", ("services", i, "tiers"), "tier name", f" in {s.name}")
    _unique(level.objectives, "id", ("objectives",), "objective id")


def _check_clusters_and_hosts(level: schema.Level) -> None:
    cluster_names = [c.name for c in level.clusters]
    for i, h in enumerate(level.hosts):
        if h.cluster is not None and h.cluster not in cluster_names:
            raise CheckError(("hosts", i, "cluster"), unknown("cluster", h.cluster, cluster_names))
    for i, c in enumerate(level.clusters):
        members = [h.name for h in level.hosts if h.cluster == c.name]
        for group, hosts in c.host_groups.items():
            for k, hn in enumerate(hosts):
                if hn not in members:
                    its = f"its hosts: {names_list(members)}" if members else "it has no hosts"
                    raise CheckError(
                        ("clusters", i, "host_groups", group, k),
                        f"'{hn}' is not a host of cluster {c.name} ({its})",
                    )
    _check_drs_rules(level)


def _check_drs_rules(level: schema.Level) -> None:
    """VM groups name VMs of the cluster; rules name existing VMs and groups, without conflicts."""
    for i, c in enumerate(level.clusters):
        members = {h.name for h in level.hosts if h.cluster == c.name}
        vms = [v.name for v in level.vms if v.host in members]
        for group, names in c.vm_groups.items():
            for k, vn in enumerate(names):
                if vn not in vms:
                    raise CheckError(("clusters", i, "vm_groups", group, k),
                                     f"'{vn}' is not a VM of cluster {c.name}")
        _unique(c.rules, "name", ("clusters", i, "rules"), "rule name", f" in {c.name}")
        seen: list[tuple[str, str, list[str], list[str]]] = []
        for j, r in enumerate(c.rules):
            loc = ("clusters", i, "rules", j)
            for k, vn in enumerate(r.vms):
                if vn not in vms:
                    raise CheckError((*loc, "vms", k), f"'{vn}' is not a VM of cluster {c.name}")
            if r.vm_group is not None and r.vm_group not in c.vm_groups:
                raise CheckError((*loc, "vm_group"), unknown("VM group", r.vm_group, list(c.vm_groups)))
            if r.host_group is not None and r.host_group not in c.host_groups:
                raise CheckError((*loc, "host_group"), unknown("host group", r.host_group, list(c.host_groups)))
            vm_list = list(r.vms) if r.vms else list(c.vm_groups.get(r.vm_group or "", []))
            host_list = list(c.host_groups.get(r.host_group or "", []))
            why = conflict(r.name, r.type, vm_list, host_list, seen, sorted(members))
            if why:
                raise CheckError(loc, why)
            seen.append((r.name, r.type, vm_list, host_list))


def _check_networks(level: schema.Level) -> None:
    host_names = [h.name for h in level.hosts]
    hosts = {h.name: h for h in level.hosts}
    # host -> port group -> network; host -> NIC -> network (a NIC serves one vSwitch).
    pg_owner: dict[str, dict[str, str]] = {n: {} for n in host_names}
    nic_owner: dict[str, dict[str, str]] = {n: {} for n in host_names}
    for i, net in enumerate(level.networks):
        _check_patterns(("networks", i, "hosts"), net.hosts, "host", host_names)
        applies = expand(net.hosts, host_names)
        for k, up in enumerate(net.uplinks):
            for hn in applies:
                nics = [n.name for n in hosts[hn].nics]
                if up not in nics:
                    has = f"it has {names_list(nics)}" if nics else "it has no NICs"
                    raise CheckError(
                        ("networks", i, "uplinks", k),
                        f"host {hn} has no NIC named '{up}' ({has})",
                    )
                other = nic_owner[hn].get(up)
                if other is not None and other != net.name:
                    raise CheckError(
                        ("networks", i, "uplinks", k),
                        f"{up} of {hn} is already an uplink of {other} (a NIC serves one vSwitch)",
                    )
                nic_owner[hn][up] = net.name
        for k, pg in enumerate(net.portgroups):
            for hn in applies:
                other = pg_owner[hn].get(pg.name)
                if other is not None and other != net.name:
                    raise CheckError(
                        ("networks", i, "portgroups", k, "name"),
                        f"port group '{pg.name}' is also on {other} on host {hn} "
                        "(a port group name is unique on a host)",
                    )
                pg_owner[hn][pg.name] = net.name


def _check_datastores(level: schema.Level) -> None:
    host_names = [h.name for h in level.hosts]
    hosts = {h.name: h for h in level.hosts}
    local_on: dict[str, float] = {}
    for i, ds in enumerate(level.datastores):
        loc: Loc = ("datastores", i, "hosts")
        if ds.type == "local":
            globs = [p for p in ds.hosts if is_glob(p)]
            if globs:
                raise CheckError(
                    loc, f"a local datastore names exactly one host, not a pattern ('{globs[0]}')"
                )
            if len(ds.hosts) != 1:
                got = f"got {len(ds.hosts)} ({', '.join(ds.hosts)})" if ds.hosts else "got none"
                raise CheckError(loc, f"a local datastore names exactly one host, {got}")
        _check_patterns(loc, ds.hosts, "host", host_names)
        if ds.type == "local":
            h = hosts[ds.hosts[0]]
            local_on[h.name] = local_on.get(h.name, 0.0) + ds.capacity
            if local_on[h.name] > h.local_disk + 1e-9:
                raise CheckError(
                    ("datastores", i, "capacity"),
                    f"local datastores on {h.name} need {num(local_on[h.name])} GiB but its "
                    f"local disk has {num(h.local_disk)} GiB (set local_disk on the host)",
                )


def _mounted(level: schema.Level) -> dict[str, list[str]]:
    """host -> datastores it mounts, in level order."""
    host_names = [h.name for h in level.hosts]
    out: dict[str, list[str]] = {n: [] for n in host_names}
    for ds in level.datastores:
        for hn in expand(ds.hosts, host_names):
            out[hn].append(ds.name)
    return out


def _portgroups(level: schema.Level) -> dict[str, dict[str, schema.PortGroup]]:
    """host -> port group name -> port group, over every network applying to the host."""
    host_names = [h.name for h in level.hosts]
    out: dict[str, dict[str, schema.PortGroup]] = {n: {} for n in host_names}
    for net in level.networks:
        for hn in expand(net.hosts, host_names):
            for pg in net.portgroups:
                out[hn].setdefault(pg.name, pg)
    return out


def _check_profile(loc: Loc, name: str, level: schema.Level) -> None:
    own = [p.name for p in level.profiles]
    if name in own or name in BUILTIN_PROFILES:
        return
    close = difflib.get_close_matches(name, [*own, *BUILTIN_PROFILES], n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    level_part = f"; level: {', '.join(own)}" if own else ""
    raise CheckError(
        loc,
        f"no profile named '{name}' ({hint}built-in: {', '.join(BUILTIN_PROFILES)}{level_part})",
    )


def _check_vms(level: schema.Level) -> None:
    hosts = {h.name: h for h in level.hosts}
    host_names = list(hosts)
    ds_names = [d.name for d in level.datastores]
    mounted = _mounted(level)
    pgs = _portgroups(level)
    for i, vm in enumerate(level.vms):
        if vm.host not in hosts:
            raise CheckError(("vms", i, "host"), unknown("host", vm.host, host_names))
        h = hosts[vm.host]
        if h.hypervisor == "none":
            raise CheckError(
                ("vms", i, "host"),
                f'{h.name} is a bare-metal server (hypervisor = "none") and carries no VMs',
            )
        _check_profile(("vms", i, "profile"), vm.profile, level)
        for k, nic in enumerate(vm.nics):
            loc: Loc = ("vms", i, "nics", k, "portgroup")
            have = pgs[h.name]
            if nic.portgroup not in have:
                has = f"it has {', '.join(have)}" if have else "it has no port groups"
                raise CheckError(loc, f"{h.name} has no port group '{nic.portgroup}' ({has})")
            pg = have[nic.portgroup]
            if pg.vmkernel is not None:
                vm_pgs = [n for n, p in have.items() if p.vmkernel is None]
                use = (
                    f"VM port groups on {h.name}: {', '.join(vm_pgs)}"
                    if vm_pgs
                    else (f"{h.name} has no VM port group")
                )
                raise CheckError(
                    loc,
                    f"'{pg.name}' is a VMkernel port group ({pg.vmkernel}), not for VMs ({use})",
                )
        for k, disk in enumerate(vm.disks):
            if disk.datastore is not None:
                loc = ("vms", i, "disks", k, "datastore")
                if disk.datastore not in ds_names:
                    raise CheckError(loc, unknown("datastore", disk.datastore, ds_names))
                if disk.datastore not in mounted[h.name]:
                    m = mounted[h.name]
                    what = f"{h.name} mounts {', '.join(m)}" if m else f"{h.name} mounts none"
                    raise CheckError(loc, f"{disk.datastore} is not mounted by {h.name} ({what})")
            if disk.kind != "vmdk" and disk.lun is not None and disk.lun not in h.luns:
                sees = f"it sees {', '.join(h.luns)}" if h.luns else "it sees no LUNs"
                raise CheckError(
                    ("vms", i, "disks", k, "lun"), f"{h.name} cannot see LUN '{disk.lun}' ({sees})"
                )
        if vm.cpu_reservation > vm.vcpu * h.mhz + 1e-9:
            raise CheckError(
                ("vms", i, "cpu_reservation"),
                f"{num(vm.cpu_reservation)} MHz is more than {vm.name} can use on {h.name} "
                f"({vm.vcpu} vCPU × {h.mhz} MHz = {vm.vcpu * h.mhz} MHz)",
            )


def _disk_allocated(d: schema.VmDisk) -> float:
    """GiB a vmdk takes on its datastore: thick = size, thin = used (default half the size)."""
    if not d.thin:
        return d.size
    return d.used if d.used is not None else d.size / 2


def _check_placement(level: schema.Level) -> None:
    for hi, h in enumerate(level.hosts):
        on = [(i, vm) for i, vm in enumerate(level.vms) if vm.host == h.name and vm.power == "on"]
        mem = 0.0
        mhz = 0.0
        cap_mhz = h.cores * h.mhz
        for i, vm in on:
            if h.state not in HOST_STATES_RUNNING_VMS:
                raise CheckError(
                    ("vms", i, "power"),
                    f"{vm.name} is powered on but its host {h.name} is {h.state} "
                    f'(set power = "off", or hosts[{hi}].state = "on")',
                )
            if vm.vcpu > h.cores:
                raise CheckError(
                    ("vms", i, "vcpu"),
                    f"{vm.name} is powered on with {vm.vcpu} vCPUs but {h.name} has only "
                    f"{h.cores} cores",
                )
            if vm.memory > h.memory + 1e-9:
                raise CheckError(
                    ("vms", i, "memory"),
                    f"{vm.name} is powered on with {num(vm.memory)} GiB but {h.name} has only "
                    f"{num(h.memory)} GiB of memory",
                )
            mem += vm.mem_reservation
            if mem > h.memory + 1e-9:
                parts = ", ".join(
                    f"{v.name} {num(v.mem_reservation)} GiB" for _, v in on if v.mem_reservation > 0
                )
                raise CheckError(
                    ("vms", i, "mem_reservation"),
                    f"{h.name} has {num(h.memory)} GiB of memory but its powered-on VMs reserve "
                    f"{num(sum(v.mem_reservation for _, v in on))} GiB ({parts})",
                )
            mhz += vm.cpu_reservation
            if mhz > cap_mhz + 1e-9:
                parts = ", ".join(
                    f"{v.name} {num(v.cpu_reservation)} MHz" for _, v in on if v.cpu_reservation > 0
                )
                raise CheckError(
                    ("vms", i, "cpu_reservation"),
                    f"{h.name} has {cap_mhz} MHz of CPU ({h.cores} cores × {h.mhz} MHz) but its "
                    f"powered-on VMs reserve {num(sum(v.cpu_reservation for _, v in on))} MHz "
                    f"({parts})",
                )
    for di, ds in enumerate(level.datastores):
        disks = 0.0
        swap = 0.0
        for vm in level.vms:
            home = next((d.datastore for d in vm.disks if d.datastore is not None), None)
            for d in vm.disks:
                if d.datastore == ds.name:
                    disks += _disk_allocated(d)
            if vm.power == "on" and home == ds.name:
                swap += vm.memory - vm.mem_reservation
        total = ds.used + disks + swap
        if total > ds.capacity + 1e-9:
            raise CheckError(
                ("datastores", di, "capacity"),
                f"{ds.name} is over-full at the start: {num(total)} GiB needed (used "
                f"{num(ds.used)}, VM disks {num(disks)}, swap files of powered-on VMs "
                f"{num(swap)}) but its capacity is {num(ds.capacity)} GiB",
            )


def _check_services(level: schema.Level) -> None:
    vm_names = [v.name for v in level.vms]
    vm_set = set(vm_names)
    for i, s in enumerate(level.services):
        for k, tier in enumerate(s.tiers):
            loc: Loc = ("services", i, "tiers", k, "vms")
            _check_patterns(loc, tier.vms, "VM", vm_names, name_set=vm_set)


def _check_vcenter(level: schema.Level) -> None:
    name = level.level.vcenter
    if name is not None and name not in {v.name for v in level.vms}:
        raise CheckError(("level", "vcenter"), unknown("VM", name, [v.name for v in level.vms]))


def _check_events(level: schema.Level) -> None:
    duration = level.level.duration
    hosts = {h.name: h for h in level.hosts}
    host_names = list(hosts)
    vm_names = [v.name for v in level.vms]
    ds_names = [d.name for d in level.datastores]
    for i, ev in enumerate(level.events):
        loc: Loc = ("events", i)
        if ev.at > duration:
            raise CheckError((*loc, "at"), _after_end(ev.at, duration))
        if ev.targets is not None:
            if not ev.targets:
                raise CheckError((*loc, "targets"), "names no VM (give VM names or globs)")
            _check_patterns((*loc, "targets"), ev.targets, "VM", vm_names)
        if ev.host is not None and ev.host not in hosts:
            raise CheckError((*loc, "host"), unknown("host", ev.host, host_names))
        if ev.uplink is not None and ev.host is not None:
            nics = [n.name for n in hosts[ev.host].nics]
            if ev.uplink not in nics:
                has = f"it has {', '.join(nics)}" if nics else "it has no NICs"
                raise CheckError(
                    (*loc, "uplink"), f"host {ev.host} has no NIC named '{ev.uplink}' ({has})"
                )
        if ev.datastore is not None and ev.datastore not in ds_names:
            raise CheckError((*loc, "datastore"), unknown("datastore", ev.datastore, ds_names))
        if ev.vm is not None and ev.vm not in vm_names:
            raise CheckError((*loc, "vm"), unknown("VM", ev.vm, vm_names))
        if ev.profile is not None:
            _check_profile((*loc, "profile"), ev.profile, level)


_INCIDENT_TARGETS: dict[str, str] = {
    "load_spike": "VM",
    "bad_change": "VM",
    "host_failure": "host",
    "uplink_down": "host",
    "datastore_fill": "datastore",
}


def _check_incidents(level: schema.Level) -> None:
    duration = level.level.duration
    names = {
        "VM": [v.name for v in level.vms],
        "host": [h.name for h in level.hosts],
        "datastore": [d.name for d in level.datastores],
    }
    for i, inc in enumerate(level.incidents):
        kind = _INCIDENT_TARGETS[inc.kind]
        if not inc.targets:
            raise CheckError(
                ("incidents", i, "targets"), f"names no {kind} (give {kind} names or globs)"
            )
        _check_patterns(("incidents", i, "targets"), inc.targets, kind, names[kind])
        if inc.start >= duration:
            raise CheckError(
                ("incidents", i, "start"),
                f"{num(inc.start)} s is not before the end of the level "
                f"(level.duration = {duration} s)",
            )
        if inc.end is not None:
            if inc.end > duration:
                raise CheckError(("incidents", i, "end"), _after_end(inc.end, duration))
            if inc.end <= inc.start:
                raise CheckError(
                    ("incidents", i, "end"),
                    f"must be after start (start = {num(inc.start)} s, end = {num(inc.end)} s)",
                )


_LOWER_IS_BETTER = (
    "max_vm_downtime",
    "max_cpu_ready",
    "datastore_below",
    "max_power_kw",
    "max_cost",
    "max_commands",
)


def _check_objectives(level: schema.Level) -> None:
    duration = level.level.duration
    services = [s.name for s in level.services]
    ds_names = [d.name for d in level.datastores]
    host_names = [h.name for h in level.hosts]
    vm_names = [v.name for v in level.vms]
    for i, o in enumerate(level.objectives):
        loc: Loc = ("objectives", i)
        if o.service is not None and o.service != "*" and o.service not in services:
            raise CheckError((*loc, "service"), unknown("service", o.service, services))
        if o.datastore is not None and o.datastore != "*" and o.datastore not in ds_names:
            raise CheckError((*loc, "datastore"), unknown("datastore", o.datastore, ds_names))
        if o.host is not None and o.host not in host_names:
            raise CheckError((*loc, "host"), unknown("host", o.host, host_names))
        if o.by is not None and o.by > duration:
            raise CheckError((*loc, "by"), _after_end(o.by, duration))
        if o.kind in ("max_vm_downtime", "max_cpu_ready") and not expand([o.vms], vm_names):
            raise CheckError((*loc, "vms"), _no_match("VM", o.vms, vm_names))
        if o.target is not None and o.worst is not None and o.worst != o.target:
            lower = o.kind in _LOWER_IS_BETTER
            if lower and o.worst < o.target:
                raise CheckError(
                    (*loc, "worst"),
                    f"for {o.kind} a lower value is better, so worst ({num(o.worst)}) must be "
                    f"above target ({num(o.target)})",
                )
            if not lower and o.worst > o.target:
                raise CheckError(
                    (*loc, "worst"),
                    f"for {o.kind} a higher value is better, so worst ({num(o.worst)}) must be "
                    f"below target ({num(o.target)})",
                )


def _check_hints(level: schema.Level) -> None:
    duration = level.level.duration
    for i, hint in enumerate(level.level.hints):
        if hint.at is not None and hint.at > duration:
            raise CheckError(("level", "hints", i, "at"), _after_end(hint.at, duration))
