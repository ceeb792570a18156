"""Provides the cross-checks of what happens during a level and how it is judged.

Scripted events and random incidents name existing objects and fall inside the level; objectives
name existing services, datastores, hosts and VMs and have a sane scale; hints and `pause_on`
name event kinds the simulation really logs (`vdc.scenario.event_kinds`), so a typo such as
`host_fialed` is an error instead of a hint that never fires.
"""

from __future__ import annotations

from vdc.scenario import schema
from vdc.scenario.checks_common import (
    CheckError,
    Loc,
    after_end,
    check_patterns,
    check_profile,
    no_match,
    num,
    unknown,
)
from vdc.scenario.event_kinds import EVENT_KINDS, unknown_kind
from vdc.scenario.names import expand


def check_timeline(level: schema.Level) -> None:
    """Raise `CheckError` for the first problem of the events, incidents, objectives, hints."""
    _check_events(level)
    _check_incidents(level)
    _check_objectives(level)
    _check_hints(level)
    _check_pause_on(level)
    _check_lessons(level)


def _check_events(level: schema.Level) -> None:
    duration = level.level.duration
    hosts = {h.name: h for h in level.hosts}
    host_names = list(hosts)
    vm_names = [v.name for v in level.vms]
    ds_names = [d.name for d in level.datastores]
    for i, ev in enumerate(level.events):
        loc: Loc = ("events", i)
        if ev.at > duration:
            raise CheckError((*loc, "at"), after_end(ev.at, duration))
        if ev.targets is not None:
            if not ev.targets:
                raise CheckError((*loc, "targets"), "names no VM (give VM names or globs)")
            check_patterns((*loc, "targets"), ev.targets, "VM", vm_names)
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
            check_profile((*loc, "profile"), ev.profile, level)
        if ev.kind in ("datastore_apd", "datastore_pdl") and ev.host is not None \
                and ev.datastore in ds_names:
            mounts = expand(level.datastores[ds_names.index(ev.datastore)].hosts, host_names)
            if ev.host not in mounts:
                raise CheckError((*loc, "host"), f"{ev.host} does not mount {ev.datastore}")
        if ev.device is not None and ev.kind != "disk_failure":
            raise CheckError((*loc, "device"), "device goes with a disk_failure event")
        if ev.kind == "disk_failure" and ev.host is not None:
            n = len(hosts[ev.host].vsan_disks)
            if ev.device is not None and ev.device > n or n == 0:
                raise CheckError((*loc, "device" if n else "host"),
                                 f"{ev.host} has {n} vsan_disks" + ("" if n else " (a disk_failure hits one)"))


_INCIDENT_TARGETS: dict[str, str] = {
    "load_spike": "VM",
    "bad_change": "VM",
    "host_failure": "host",
    "uplink_down": "host",
    "upstream_down": "host",
    "uplink_flap": "host",
    "trunk_prune": "host",
    "datastore_fill": "datastore",
    "disk_failure": "host",
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
        check_patterns(("incidents", i, "targets"), inc.targets, kind, names[kind])
        if inc.start >= duration:
            raise CheckError(
                ("incidents", i, "start"),
                f"{num(inc.start)} s is not before the end of the level "
                f"(level.duration = {duration} s)",
            )
        if inc.end is not None:
            if inc.end > duration:
                raise CheckError(("incidents", i, "end"), after_end(inc.end, duration))
            if inc.end <= inc.start:
                raise CheckError(
                    ("incidents", i, "end"),
                    f"must be after start (start = {num(inc.start)} s, end = {num(inc.end)} s)",
                )


_LOWER_IS_BETTER = (
    "max_vm_downtime",
    "max_cpu_ready",
    "cpu_ready_seconds",
    "mean_cpu_ready",
    "datastore_below",
    "max_power_kw",
    "max_cost",
    "max_commands",
    "max_rack_units",
    "max_yearly_cost",
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
            raise CheckError((*loc, "by"), after_end(o.by, duration))
        if o.kind in _USES_VMS or (o.kind == "config" and o.check in _CHECKS_USING_VMS):
            if not expand([o.vms], vm_names):
                raise CheckError((*loc, "vms"), no_match("VM", o.vms, vm_names))
        _check_objective_keys(loc, o)
        if o.kind == "config":
            _check_config(level, loc, o)
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


_USES_VMS = ("max_vm_downtime", "max_cpu_ready", "cpu_ready_seconds", "mean_cpu_ready")
_CHECKS_USING_VMS = ("rule", "ha_priority", "no_snapshots", "vsan_data_safe")


KIND_KEYS: dict[str, tuple[str, ...]] = {
    "service_uptime": ("service", "target", "worst"),
    "max_vm_downtime": ("vms", "target", "worst"),
    "max_cpu_ready": ("vms", "target", "worst"),
    "cpu_ready_seconds": ("vms", "target", "worst", "threshold"),
    "mean_cpu_ready": ("vms", "target", "worst"),
    "datastore_below": ("datastore", "target", "worst", "when"),
    "host_state_by": ("host", "state", "by"),
    "max_power_kw": ("target", "worst", "when"),
    "max_cost": ("target", "worst"),
    "max_commands": ("target", "worst"),
    "max_rack_units": ("target", "worst"),
    "max_yearly_cost": ("target", "worst"),
}
"""The keys each objective kind reads (besides id, kind, description, weight, required); a
key given to a kind that does not read it would change nothing, so it is an error."""
_OPTIONAL = ("service", "vms", "datastore", "host", "state", "by", "when", "threshold",
             "target", "worst")


def _given(o: schema.Objective, key: str) -> bool:
    if key == "vms":
        return o.vms != "*"
    if key == "when":
        return o.when != "end"
    return getattr(o, key) is not None


def _check_objective_keys(loc: Loc, o: schema.Objective) -> None:
    """Every key an objective is given means something for its kind."""
    if o.kind != "config":
        for key in schema.CONFIG_ONLY:
            if getattr(o, key) is not None:
                raise CheckError((*loc, key), f"is for config objectives, not {o.kind}")
        reads = KIND_KEYS[o.kind]
        for key in _OPTIONAL:
            if _given(o, key) and key not in reads:
                raise CheckError(
                    (*loc, key), f"a {o.kind} objective does not use it (it takes {', '.join(reads)})"
                )
        return
    for key in ("target", "worst"):
        if getattr(o, key) is not None:
            raise CheckError((*loc, key), "a config objective is met or not: it takes none")
    if o.when != "end":
        raise CheckError((*loc, "when"), "a config objective is judged at the end, or at `by`")
    check = str(o.check)
    needs, may = schema.CHECK_KEYS[check]
    takes = [*needs, *may, "by"]
    for key in ("vms", "host", "service", "datastore", "state", "threshold", *schema.CONFIG_ONLY[1:]):
        given = _given(o, key)
        if given and key not in takes:
            raise CheckError(
                (*loc, key), f'check = "{check}" does not use it (it takes {", ".join(takes)})'
            )


def _check_config(level: schema.Level, loc: Loc, o: schema.Objective) -> None:
    """A config objective names an existing cluster, and what it asks can be done there."""
    clusters = [c.name for c in level.clusters]
    if o.cluster is not None and o.cluster not in clusters:
        raise CheckError((*loc, "cluster"), unknown("cluster", o.cluster, clusters))
    cluster_of = {h.name: h.cluster for h in level.hosts}
    host_of = {v.name: v.host for v in level.vms}
    members = [h.name for h in level.hosts if h.cluster == o.cluster]
    if o.check == "admission":
        failures = o.failures or 1
        if failures > len(members) - 1:
            most = max(len(members) - 1, 0)
            raise CheckError(
                (*loc, "failures" if o.failures is not None else "cluster"),
                f"{o.cluster} has {_plural(len(members), 'host')}: admission control can reserve "
                f"for at most {_plural(most, 'host failure')}, not {failures}",
            )
    if o.check == "rule":
        vms = expand([o.vms], list(host_of))
        for name in vms:
            if cluster_of[host_of[name]] != o.cluster:
                every = "vms = '*' (the default) names every VM, and " if o.vms == "*" else ""
                raise CheckError(
                    (*loc, "vms"),
                    f"{every}{name} is on {host_of[name]}, which is not a host of {o.cluster} "
                    f"(a rule of {o.cluster} covers only its VMs)",
                )
        if o.rule_type in ("keep-together", "keep-apart") and len(vms) < 2:
            raise CheckError(
                (*loc, "vms"),
                f"a {o.rule_type} rule covers two or more VMs; '{o.vms}' matches only {vms[0]}",
            )
    if o.check == "host_patched":
        host = next(h for h in level.hosts if h.name == o.host)
        if host.hypervisor == "none":
            raise CheckError(
                (*loc, "host"),
                f"{host.name} is a bare-metal server: it has no maintenance mode to be patched in",
            )
    if o.check == "ha_priority":
        for name in expand([o.vms], list(host_of)):
            if cluster_of[host_of[name]] is None:
                raise CheckError(
                    (*loc, "vms"),
                    f"{name} is on {host_of[name]}, which is in no cluster (an HA restart "
                    "priority needs an HA cluster)",
                )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _check_hints(level: schema.Level) -> None:
    duration = level.level.duration
    for i, hint in enumerate(level.level.hints):
        if hint.at is not None and hint.at > duration:
            raise CheckError(("level", "hints", i, "at"), after_end(hint.at, duration))
        if hint.event is not None and hint.event not in EVENT_KINDS:
            raise CheckError(("level", "hints", i, "event"), unknown_kind(hint.event))


def _check_pause_on(level: schema.Level) -> None:
    for i, kind in enumerate(level.level.pause_on):
        if kind not in EVENT_KINDS:
            raise CheckError(("level", "pause_on", i), unknown_kind(kind))


def _check_lessons(level: schema.Level) -> None:
    """A lesson names an objective of the level, an event kind the simulation logs, and a
    subject that is an object of the level."""
    ids = [o.id for o in level.objectives]
    names = [
        *(h.name for h in level.hosts), *(v.name for v in level.vms),
        *(d.name for d in level.datastores), *(s.name for s in level.services),
        *(c.name for c in level.clusters), level.level.id, "level",
    ]
    for i, lesson in enumerate(level.lessons):
        if lesson.objective is not None and lesson.objective not in ids:
            raise CheckError(("lessons", i, "objective"), unknown("objective", lesson.objective, ids))
        if lesson.event is not None and lesson.event not in EVENT_KINDS:
            raise CheckError(("lessons", i, "event"), unknown_kind(lesson.event))
        if lesson.subject is not None and not expand([lesson.subject], names):
            raise CheckError(("lessons", i, "subject"), no_match("subject", lesson.subject, names))
        for key in ("command", "without", "refused"):
            glob = getattr(lesson, key)
            if glob is not None and not glob.strip():
                raise CheckError(("lessons", i, key), "a command glob such as 'power off mail-*'")
