"""Provides the cross-checks of a level: everything the schema alone cannot see.

`vdc.scenario.schema` validates each table on its own; `check_level` checks the references
between them (a VM's host, a disk's datastore, a NIC's port group…), unique names, that the
initial placement fits, and that every time lies inside the level. This module checks the
inventory (clusters, hosts, networks, datastores, VMs, services); `vdc.scenario.checks_timeline`
checks what happens during the level (events, incidents, objectives, hints). Each problem is a
`CheckError` (`vdc.scenario.checks_common`) with the key path of the offending value
(`vms[3].host`, 0-based indices, TOML names) and a sentence that names what does exist, so the
author can fix it without guessing. The loader turns it into a one-line `LevelError` with the
file and line.
"""

from __future__ import annotations

import functools
import math
import types
import typing
from collections.abc import Sequence

from pydantic import BaseModel

from vdc.scenario import schema, vsan_rules
from vdc.scenario.checks_common import (
    BUILTIN_PROFILES,
    CheckError,
    Loc,
    check_patterns,
    check_profile,
    format_loc,
    names_list,
    num,
    unknown,
)
from vdc.scenario.checks_timeline import check_timeline
from vdc.scenario.names import expand, is_glob
from vdc.scenario.rules import conflict

__all__ = [
    "BUILTIN_PROFILES",
    "HOST_STATES_RUNNING_VMS",
    "CheckError",
    "Loc",
    "check_level",
    "expand",
    "format_loc",
    "names_list",
    "num",
    "unknown",
]

HOST_STATES_RUNNING_VMS: tuple[str, ...] = ("on", "isolated")
"""Host states a level may start with powered-on VMs on (an isolated host keeps running them)."""


# --------------------------------------------------------------------------- checks


def check_level(level: schema.Level) -> None:
    """Raise `CheckError` for the first cross-reference or consistency problem of `level`."""
    for check in _CHECKS:
        check(level)


def problems(level: schema.Level) -> list[CheckError]:
    """The first problem of each kind of check (`vdc check` lists them all at once). A check
    that breaks on what an earlier one found (a lookup of a missing host…) adds nothing."""
    found: list[CheckError] = []
    for check in _CHECKS:
        try:
            check(level)
        except CheckError as e:
            found.append(e)
        except Exception:  # noqa: BLE001 - only after an earlier problem (see check_level)
            if not found:
                raise
    return found


def _check_finite(value: object, loc: Loc) -> None:
    """No inf or nan anywhere (TOML allows them; no quantity of a level can be infinite)."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CheckError(loc, f"must be a finite number, got {value}")
    elif isinstance(value, BaseModel):
        for name in _float_fields(type(value)):
            _check_finite(getattr(value, name), (*loc, name))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check_finite(item, (*loc, i))
    elif isinstance(value, dict):
        for k, item in value.items():
            _check_finite(item, (*loc, str(k)))


@functools.cache
def _float_fields(cls: type[BaseModel]) -> tuple[str, ...]:
    """The fields of `cls` whose type can hold a float, in order (names, integers, flags and
    choices cannot: skipping them keeps `_check_finite` quick on 32,000 VMs)."""
    return tuple(n for n, f in cls.model_fields.items() if _may_hold_float(f.annotation))


def _may_hold_float(tp: object) -> bool:
    if tp in (str, int, bool, type(None)):
        return False
    origin = typing.get_origin(tp)
    if origin is typing.Literal:
        return False
    if origin is typing.Annotated:
        return _may_hold_float(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType, list, tuple, dict):
        return any(_may_hold_float(a) for a in typing.get_args(tp) if a is not Ellipsis)
    return True  # float, a model, anything else: look inside


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
    _unique(level.appliances, "name", ("appliances",), "appliance name")


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
        if not c.vm_groups and not c.rules:
            continue  # nothing to check (and no pass over every VM per cluster)
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


VDS_EDITIONS = ("enterprise-plus", "vvf", "vcf")
"""The editions with the distributed switch (`vdc.sim.licensing.FEATURES`, "vds")."""


def _check_networks(level: schema.Level) -> None:
    host_names = [h.name for h in level.hosts]
    hosts = {h.name: h for h in level.hosts}
    # host -> port group -> network; host -> NIC -> network (a NIC serves one vSwitch).
    pg_owner: dict[str, dict[str, str]] = {n: {} for n in host_names}
    nic_owner: dict[str, dict[str, str]] = {n: {} for n in host_names}
    for i, net in enumerate(level.networks):
        check_patterns(("networks", i, "hosts"), net.hosts, "host", host_names)
        if net.distributed and level.level.edition not in VDS_EDITIONS:
            raise CheckError(("networks", i, "distributed"),
                             f"a distributed switch needs the Enterprise Plus licence or above "
                             f"(level.edition is {level.level.edition})")
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
        check_patterns(loc, ds.hosts, "host", host_names)
        if ds.type == "vsan":
            _check_vsan(level, i, ds)
        if ds.type == "local":
            h = hosts[ds.hosts[0]]
            local_on[h.name] = local_on.get(h.name, 0.0) + capacity(level, ds)
            if local_on[h.name] > h.local_disk + 1e-9:
                raise CheckError(
                    ("datastores", i, "capacity"),
                    f"local datastores on {h.name} need {num(local_on[h.name])} GiB but its "
                    f"local disk has {num(h.local_disk)} GiB (set local_disk on the host)",
                )


def capacity(level: schema.Level, ds: schema.Datastore) -> float:
    """A datastore's capacity in GiB: its `capacity`, or a vsan datastore's hosts' disks."""
    if ds.type != "vsan":
        return float(ds.capacity or 0.0)
    return sum(sum(d) for d in _vsan_devices(level, ds).values())


def _vsan_devices(level: schema.Level, ds: schema.Datastore) -> dict[str, list[float]]:
    hosts = {h.name: h for h in level.hosts}
    names = expand(ds.hosts, list(hosts))
    return vsan_rules.devices(ds.capacity, {n: list(hosts[n].vsan_disks) for n in names})


def _check_vsan(level: schema.Level, i: int, ds: schema.Datastore) -> None:
    """A vsan datastore: its hosts in one cluster, a capacity from disks or given (not both),
    enough contributing hosts for its default policy."""
    hosts = {h.name: h for h in level.hosts}
    names = expand(ds.hosts, list(hosts))
    clusters = list(dict.fromkeys(hosts[n].cluster for n in names))
    if clusters == [None] or len(clusters) != 1:
        got = ", ".join(f"{n} ({hosts[n].cluster or 'no cluster'})" for n in names)
        raise CheckError(("datastores", i, "hosts"),
                         f"a vsan datastore's hosts are the hosts of one cluster: {got}")
    with_disks = [n for n in names if hosts[n].vsan_disks]
    if with_disks and ds.capacity is not None:
        raise CheckError(("datastores", i, "capacity"),
                         f"{ds.name}'s capacity is the sum of its hosts' vsan_disks "
                         f"({', '.join(with_disks)}); leave capacity out")
    if not with_disks and ds.capacity is None:
        raise CheckError(("datastores", i, "capacity"),
                         f"{ds.name} needs vsan_disks on its hosts, or a capacity (GiB)")
    contributing = sum(1 for d in _vsan_devices(level, ds).values() if d)
    short = vsan_rules.shortage(ds.ftt, ds.raid, contributing)
    if short is not None:
        raise CheckError(("datastores", i, "ftt"), f"{ds.name}'s default policy: {short}")


def _check_vsan_disks(level: schema.Level) -> None:
    """`vsan_disks` on a host no vsan datastore names would do nothing: refused."""
    names = [h.name for h in level.hosts]
    in_vsan = {n for ds in level.datastores if ds.type == "vsan" for n in expand(ds.hosts, names)}
    for i, h in enumerate(level.hosts):
        if h.vsan_disks and h.name not in in_vsan:
            raise CheckError(("hosts", i, "vsan_disks"),
                             f"{h.name} has vsan_disks but no vsan datastore names it")


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
        check_profile(("vms", i, "profile"), vm.profile, level)
        for k, nic in enumerate(vm.nics):
            loc: Loc = ("vms", i, "nics", k, "portgroup")
            have = pgs[h.name]
            if nic.portgroup not in have:
                has = f"it has {', '.join(have)}" if have else "it has no port groups"
                raise CheckError(loc, f"{h.name} has no port group '{nic.portgroup}' ({has})")
            if "adapter" in nic.model_fields_set:  # unset: the host's own paravirtual NIC
                _check_paravirtual(("vms", i, "nics", k, "adapter"), nic.adapter, h, NICS)
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
            if disk.controller is not None:
                _check_paravirtual(
                    ("vms", i, "disks", k, "controller"), disk.controller, h, DISKS
                )
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


NICS = ("e1000", "vmxnet3", "virtio")
DISKS = ("lsi", "pvscsi", "ide", "virtio")
PARAVIRTUAL_OF: dict[str, str] = {"vmxnet3": "esxi", "pvscsi": "esxi", "virtio": "kvm"}
"""Paravirtual adapters exist on one hypervisor only; emulated ones (e1000, lsi, ide) on both."""


def _check_paravirtual(loc: Loc, adapter: str, h: schema.Host, kinds: tuple[str, ...]) -> None:
    """A paravirtual adapter of the other hypervisor would be a label that does nothing."""
    own = PARAVIRTUAL_OF.get(adapter)
    if own is not None and own != h.hypervisor:
        fits = [a for a in kinds if PARAVIRTUAL_OF.get(a, h.hypervisor) == h.hypervisor]
        raise CheckError(
            loc,
            f"{adapter} is {own}'s paravirtual adapter; a VM on {h.name} ({h.hypervisor}) "
            f"takes {' or '.join(fits)}",
        )


def _disk_allocated(d: schema.VmDisk) -> float:
    """GiB a vmdk takes on its datastore: thick = size, thin = used (default half the size)."""
    if not d.thin:
        return d.size
    return d.used if d.used is not None else d.size / 2


def _check_placement(level: schema.Level) -> None:
    powered: dict[str, list[tuple[int, schema.Vm]]] = {}  # host -> its powered-on VMs, in order
    for i, vm in enumerate(level.vms):
        if vm.power == "on":
            powered.setdefault(vm.host, []).append((i, vm))
    for hi, h in enumerate(level.hosts):
        on = powered.get(h.name, [])
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
    # Each datastore's VM disks and swap files, summed in VM order in one pass over the VMs.
    f_of = {ds.name: vsan_rules.factor(ds.ftt, ds.raid) if ds.type == "vsan" else 1.0
            for ds in level.datastores}
    disks_on: dict[str, float] = {}
    swap_on: dict[str, float] = {}
    for vm in level.vms:
        home = next((d.datastore for d in vm.disks if d.datastore is not None), None)
        for d in vm.disks:
            if d.datastore in f_of:
                disks_on[d.datastore] = disks_on.get(d.datastore, 0.0) + _disk_allocated(d) * f_of[d.datastore]
        if vm.power == "on" and home in f_of:
            swap_on[home] = swap_on.get(home, 0.0) + (vm.memory - vm.mem_reservation) * f_of[home]
    for di, ds in enumerate(level.datastores):
        # On vSAN every GiB takes its default policy's raw space (2 GiB at FTT 1 RAID-1).
        disks = disks_on.get(ds.name, 0.0)
        swap = swap_on.get(ds.name, 0.0)
        total = ds.used + disks + swap
        cap = capacity(level, ds)
        if total > cap + 1e-9:
            raw = " raw (vSAN keeps copies by its policy)" if ds.type == "vsan" else ""
            raise CheckError(
                ("datastores", di, "capacity"),
                f"{ds.name} is over-full at the start: {num(total)} GiB{raw} needed (used "
                f"{num(ds.used)}, VM disks {num(disks)}, swap files of powered-on VMs "
                f"{num(swap)}) but its capacity is {num(cap)} GiB",
            )


def _check_services(level: schema.Level) -> None:
    vm_names = [v.name for v in level.vms]
    vm_set = set(vm_names)
    servers = {h.name: h for h in level.hosts}
    for i, s in enumerate(level.services):
        for k, tier in enumerate(s.tiers):
            loc: Loc = ("services", i, "tiers", k, "vms")
            check_patterns(loc, tier.vms, "VM", vm_names, name_set=vm_set)
            for j, name in enumerate(tier.servers):
                sloc: Loc = ("services", i, "tiers", k, "servers", j)
                h = servers.get(name)
                if h is None:
                    raise CheckError(sloc, unknown("host", name, list(servers)))
                if h.hypervisor != "none" or h.workload is None:
                    raise CheckError(sloc, f'{name} is not a bare-metal server with a workload '
                                           '(hypervisor = "none" and workload = PROFILE)')


def _check_servers(level: schema.Level) -> None:
    """A server's workload names a profile; its port group exists on some host."""
    pgs = {pg.name for n in level.networks for pg in n.portgroups}
    for i, h in enumerate(level.hosts):
        if h.workload is not None:
            check_profile(("hosts", i, "workload"), h.workload, level)
        if h.portgroup is not None and h.portgroup not in pgs:
            raise CheckError(("hosts", i, "portgroup"), unknown("port group", h.portgroup, sorted(pgs)))


def _check_vcenter(level: schema.Level) -> None:
    name = level.level.vcenter
    if name is not None and name not in {v.name for v in level.vms}:
        raise CheckError(("level", "vcenter"), unknown("VM", name, [v.name for v in level.vms]))


_CHECKS = (
    lambda level: _check_finite(level, ()),
    _check_unique,
    _check_clusters_and_hosts,
    _check_networks,
    _check_datastores,
    _check_vsan_disks,
    _check_vms,
    _check_placement,
    _check_services,
    _check_servers,
    _check_vcenter,
    check_timeline,
)
"""Every cross-check, in the order `check_level` runs them (a later one may assume an earlier
one passed)."""
