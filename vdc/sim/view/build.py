"""Provides `build_view`: a frozen `SimView` of the simulation as of its last sample.

One step per part of the view (hosts, datastores, services, the VM columns, tasks, snapshots,
HA, DRS). The parts that change rarely are kept in a `ViewCache` by the versions they were
built from. Reading only: building a view changes nothing the simulation computes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from vdc.scenario.rules import REQUIRED
from vdc.sim import affinity, netpath
from vdc.sim.compute.why import cut_off, starved
from vdc.sim.drs.passes import migrations_done
from vdc.sim.ha.admission import summary as admission_summary
from vdc.sim.ha.agents import host_role
from vdc.sim.memory import STATES, min_free_gib
from vdc.sim.objectives import yearly_cost
from vdc.sim.provision import routing
from vdc.sim.snapshots import chain as snapshots
from vdc.sim.view import netload
from vdc.sim.view.cache import ViewCache
from vdc.sim.view.storage import vsan_view
from vdc.sim.view.types import (
    ClusterDrsView,
    ClusterHaView,
    DatastoreView,
    DrsRecommendationView,
    DrsRuleView,
    HostView,
    PortGroupView,
    ServiceView,
    SimView,
    SnapshotView,
    TaskView,
    TierView,
    UplinkView,
    VmColumns,
    VSwitchView,
)

if TYPE_CHECKING:
    from vdc.sim.contention import Sampler
    from vdc.sim.engine import Simulation
    from vdc.sim.model import Host, PortGroup, VSwitch


def build_view(sim: Simulation, cache: ViewCache) -> SimView:
    """A frozen view of the simulation as of its last sample."""
    s = sim.sampler
    if s.built_version != sim.structure_version:
        s.rebuild()  # a command changed the inventory since the last sample
    cache.serve(sim)
    has = s.samples > 0 and s.vm_healthy.size == len(s.vm_names)  # nothing measured before the first sample
    ds_snap, vm_snap_gib, chains, busy = _snapshots(sim)
    return SimView(
        t=sim.now,
        duration=sim.duration,
        ended=sim.ended,
        level_id=sim.level.level.id,
        title=sim.level.level.title,
        hosts=_hosts(sim, s, has, cache),
        datastores=_datastores(sim, s, has, ds_snap),
        services=_services(sim, s, has, cache),
        vms=_vm_columns(sim, s, has, vm_snap_gib, _guest(sim, cache),
                        cache.nics.portgroups if cache.nics is not None else ()),
        power_kw=sim.metrics.power_kw,
        events_total=len(sim.log),
        tasks=_tasks(sim, sim.now, cache),
        snapshots=chains,
        snapshot_busy=busy,
        clusters=_clusters(sim, cache),
        drs=_drs(sim, cache),
        limits=_limits(sim),
        yearly_cost=yearly_cost(sim) if any(o.kind == "max_yearly_cost" for o in sim.level.objectives) else None,
    )


_LIMITS = {"max_rack_units": "rack", "max_power_kw": "power", "max_yearly_cost": "cost"}


def _limits(sim: Simulation) -> dict[str, float]:
    """The level's rack, power and cost budgets (its objectives' targets), by short name."""
    return {_LIMITS[o.kind]: float(o.target) for o in sim.level.objectives
            if o.kind in _LIMITS and o.target is not None}


# --------------------------------------------------------------------- hosts and network


def _portgroup(h: Host, vs: VSwitch, pg: PortGroup) -> PortGroupView:
    """A port group: whether its team gets its VLAN through, and where it loses it."""
    used = netpath.in_use(h, vs, pg)
    good = [u for u in used if h.nics[u].delivers(pg.vlan)]
    return PortGroupView(pg.name, pg.vlan, pg.vmkernel, bool(good),
                         tuple(u for u in used if u not in good and h.nics[u].link_up))


def _vswitches(h: Host) -> tuple[VSwitchView, ...]:
    """The vSwitch views of host `h`: its teams and which port groups reach the network."""
    return tuple(
        VSwitchView(
            vs.name,
            tuple(vs.uplinks),
            tuple(_portgroup(h, vs, pg) for pg in vs.portgroups.values()),
            vs.policy, vs.detection, tuple(vs.standby),
            vs.lacp_rate if vs.policy == "lacp" else "",
        )
        for vs in h.vswitches
    )


def _uplinks(h: Host) -> tuple[UplinkView, ...]:
    """A host's NICs with their place in their team and what the team does with them."""
    role: dict[str, str] = {}
    used: set[str] = set()
    holes: set[str] = set()
    for vs in h.vswitches:
        role.update({u: "active" for u in vs.active} | {u: "standby" for u in vs.standby})
        used.update(netpath.in_use(h, vs))
        holes.update(netpath.black_holed(h, vs))
    return tuple(
        UplinkView(u.name, u.speed, u.link_up, u.vlans, role.get(u.name, "unused"),
                   u.name in used, u.failed and u.name in role, u.name in holes, u.pruned,
                   bool(u.flapping))
        for u in h.nics.values()
    )


def _network(sim: Simulation, cache: ViewCache) -> None:
    """Network views change only when the network does: on a new network version, the hosts
    whose network changed are built again (all of them after a structural change), and the
    VM NICs on them or that moved (`netload.nic_map`)."""
    net_key = (sim.structure_version, sim.network_version)
    if cache.net_key == net_key:
        return
    inv = sim.inv
    same = (cache.net_key is not None and cache.net_key[0] == sim.structure_version
            and cache.nics is not None and cache.nic_rows is not None)
    cache.net_key = net_key
    keys = {h.name: netload.host_key(h) for h in inv.hosts.values()}
    if not same:
        cache.vswitches, cache.uplinks = {}, {}
    changed = {n for n, k in keys.items() if not same or cache.host_keys.get(n) != k}
    for h in inv.hosts.values():
        if h.name in changed:
            cache.vswitches[h.name] = _vswitches(h)
            cache.uplinks[h.name] = _uplinks(h)
    cache.host_keys = keys
    prev = (cache.nics, cache.nic_rows) if same and cache.nics is not None and cache.nic_rows is not None else None
    cache.nics, cache.nic_rows = netload.nic_map(sim, prev, changed)


def _hosts(sim: Simulation, s: Sampler, has: bool, cache: ViewCache) -> tuple[HostView, ...]:
    n = len(s.host_names)
    ready_max = np.zeros(n)
    if has and len(s.vm_names):
        np.maximum.at(ready_max, s.vm_host, s.vm_ready_avg)
    if has:
        vm_count, power_w = s.host_vm_count, s.host_power_w
    else:  # before the first sample (paused at 0:00:00): what runs there, at idle power
        vm_count = np.bincount(s.vm_host[s.vm_on], minlength=n)
        power_w = s.host_powered * s.host_idle_w
    _network(sim, cache)
    assert cache.nics is not None
    load = netload.uplink_mbps(cache.nics, s, has)
    # Plain lists, read once: a host's numbers are then list items, not numpy scalars.
    zero = [0.0] * n
    cpu = s.host_cpu_pct.tolist() if has else zero
    demand = s.host_cpu_demand_pct.tolist() if has else zero
    mem = s.host_mem_pct.tolist() if has else zero
    mem_shown = s.host_mem_shown.tolist() if has and s.host_mem_shown.size else None
    mem_free = s.host_mem_free.tolist() if has and s.host_mem_free.size else None
    ready, counts, watts = ready_max.tolist(), vm_count.tolist(), power_w.tolist()
    history = sim.history.series_of([f"host_cpu:{h}" for h in sim.inv.hosts])
    entering = {e.host for e in sim.maintenance.entering}
    min_free = {m: float(min_free_gib(m)) for m in {h.memory for h in sim.inv.hosts.values()}}
    return tuple(
        HostView(
            name=h.name,
            cluster=h.cluster,
            state=h.state,
            cores=h.cores,
            mhz=h.mhz,
            memory=h.memory,
            cpu_pct=cpu[i],
            cpu_demand_pct=demand[i],
            mem_pct=mem[i],
            ready_pct=ready[i],
            vm_count=int(counts[i]),
            power_w=float(watts[i]),
            uplinks=cache.uplinks[h.name],
            uplink_mbps=load.get(h.name, ()),
            vswitches=cache.vswitches[h.name],
            cpu_history=history[i],
            ha=host_role(sim, h.name),
            entering_maintenance=h.name in entering,
            maintenance=h.maintenance,
            co_scheduling=h.co_scheduling,
            mem_state=STATES[int(mem_shown[i])] if mem_shown is not None else "high",
            mem_free=mem_free[i] if mem_free is not None else h.memory,
            min_free=min_free[h.memory],
            bare_metal=h.hypervisor == "none",
            workload=h.workload or "",
            rack_units=h.rack_units,
        )
        for i, h in enumerate(sim.inv.hosts.values())
    )


# --------------------------------------------------------------------- storage and services


def _datastores(sim: Simulation, s: Sampler, has: bool, ds_snap: np.ndarray) -> tuple[DatastoreView, ...]:
    # What the disks could grow to: thin disks at their full size.
    provisioned = np.bincount(s.dds, weights=s.disk_size * s.disk_on_ds, minlength=len(s.ds_names))
    return tuple(
        DatastoreView(
            name=d.name, type=d.type, capacity=d.capacity, used=d.used, pct=d.pct,
            provisioned=d.other_used + float(provisioned[i]),
            iops=float(s.ds_iops[i]) if has else 0.0,
            iops_capacity=d.iops,
            latency_ms=float(s.ds_latency[i]) if has else d.latency_ms,
            hosts=tuple(d.hosts),
            snapshots=float(ds_snap[i]) if ds_snap.size > i else 0.0,
            vsan=vsan_view(sim, d) if d.type == "vsan" else None,
        )
        for i, d in enumerate(sim.inv.datastores.values())
    )


def _services(sim: Simulation, s: Sampler, has: bool, cache: ViewCache) -> tuple[ServiceView, ...]:
    inv = sim.inv
    m = sim.metrics
    # Seconds down per service, from the metrics' array (same order as the inventory's).
    if list(m.service_names) == list(inv.services):
        down_s = m.service_down.tolist()
    else:
        down_by_name = m.service_down_s
        down_s = [down_by_name.get(name, 0.0) for name in inv.services]
    services = []
    tier_j = 0
    n_tiers = sum(len(svc.tiers) for svc in inv.services.values())
    measured = has and s.tier_up.size >= n_tiers
    # Tier views are immutable and their members change only with the structure (as the
    # sampler's tier arrays do): per service, one tuple of views per pattern of tiers up.
    if cache.tiers_version != sim.structure_version:
        cache.tiers_version, cache.tiers = sim.structure_version, {}
    tier_views = cache.tiers
    kept = cache.services
    tier_up = s.tier_up.astype(bool).tolist() if measured else []
    service_up = s.service_up.astype(bool).tolist() if has else []
    last_t = s.last_t
    routed = s.rt_tiers if has else frozenset()  # as the last sample found (tiers keep their rows)
    for k, svc in enumerate(inv.services.values()):
        first, tier_j = tier_j, tier_j + len(svc.tiers)
        if measured:
            ups = tuple(tier_up[first:tier_j])
            via = tuple(j in routed for j in range(first, tier_j)) if routed else ()
            tiers = tier_views.get((k, ups, via))
            if tiers is None:
                tiers = tier_views[(k, ups, via)] = tuple(
                    TierView(tier.name, up, tuple(tier.vms), tuple(tier.servers), bool(via and via[i]))
                    for i, (tier, up) in enumerate(zip(svc.tiers, ups, strict=True))
                )
        else:  # not measured yet: up while one of its VMs is on
            tiers = tuple(
                TierView(
                    tier.name,
                    bool(s.tier_up[j]) if has and s.tier_up.size > j
                    else any(inv.vms[v].power == "on" for v in tier.vms)
                    or any(inv.hosts[h].state == "on" for h in tier.servers),
                    tuple(tier.vms),
                    tuple(tier.servers),
                )
                for j, tier in enumerate(svc.tiers, first)
            )
        up = service_up[k] if has else all(t.up for t in tiers)
        # Before any time has passed, the uptime so far is the state now.
        uptime = 1.0 - down_s[k] / last_t if last_t > 0 else float(up)
        view = kept.get(k)  # (a service that stays up keeps its view: 3,200 at enterprise)
        if view is None or view.tiers is not tiers or view.up != up or view.uptime != uptime \
                or view.name != svc.name:
            view = kept[k] = ServiceView(name=svc.name, up=up, uptime=uptime, tiers=tiers)
        services.append(view)
    return tuple(services)


# --------------------------------------------------------------------- VMs


def vm_reason(sim: Simulation, i: int) -> str:
    """Plain words for why VM number i is not healthy now ("" if it is)."""
    s = sim.sampler
    if s.vm_healthy[i]:
        return ""
    vm = sim.inv.vms[s.vm_names[i]]
    host = sim.inv.hosts[vm.host]
    if vm.power != "on":
        if sim.tasks.active_of(vm.name, "p2v"):
            return "being converted (P2V)"
        return "host failed" if host.state == "failed" else "powered off"
    if not s.host_runs[s.vm_host[i]]:
        return f"host {host.state}"
    if i >= s.vm_running.size:  # made since the last sample (vm create, deploy, p2v)
        return "booting" if sim.now < vm.up_at else "not measured yet"
    if not s.vm_running[i]:
        return "booting"
    if not vm.os:
        installing = bool(sim.tasks.active_of(vm.name, "os_install"))
        return "installing its guest OS" if installing else "no guest OS"
    if vm.hung:
        return "guest hung (no heartbeat)"
    if vm.broken:
        return "broken by a bad change"
    if not vm.disk_drivers_ok:
        return "no disk: its paravirtual controller needs Tools"
    if not vm.nic_drivers_ok:
        return "no network: its paravirtual NIC needs Tools"
    if not s.vm_reachable[i]:
        return "network cut (VLAN not carried)"
    if s.vm_rt_cut.size > i and s.vm_rt_cut[i]:
        return cut_off(sim, i)
    if s.vm_paused[i]:
        return "paused: datastore full"
    if s.vm_served[i] < s.vm_min_served[i]:
        why = ""
        if s.vm_swapped[i] >= 0.05:
            why = f" (its host swaps {s.vm_swapped[i]:.1f} GiB of it)"
        elif s.vm_balloon[i] >= 0.05 and s.vm_balloon[i] > vm.memory - s.vm_mem_active[i]:
            why = f" (a {s.vm_balloon[i]:.1f} GiB balloon: the guest pages)"
        if why:
            return f"starved: gets {100 * s.vm_served[i]:.0f} % of its demand{why}"
        return starved(sim, i, long=False)
    if s.vm_latency[i] > s.vm_max_lat[i]:
        return f"storage latency {s.vm_latency[i]:.0f} ms"
    return "unhealthy"


def _services_of_vms(s: Sampler, has: bool) -> tuple[str, ...]:
    """Each VM's first service; a router in none shows its role and traffic instead."""
    names = s.vm_service_names
    fresh = has and not s.rt_stale  # rows of the structure the last sample worked out
    rows = [r for r in s.rt_rows.tolist() if r < len(names) and not names[r]] if fresh else []
    if not rows:
        return names
    out = list(names)
    for r in rows:
        out[r] = routing.role(s, r)
    return tuple(out)


def _guest(sim: Simulation, cache: ViewCache) -> tuple[str, ...]:
    """Each VM's `tools|nic` (see `VmColumns.guest`), read afresh only after a structural
    change (a reboot, an adapter change) or a task change (an install that finished)."""
    key = (sim.structure_version, sim.tasks.version)
    if cache.guest_key != key:
        cache.guest_key = key
        cache.guest = tuple(
            f"{'yes' if v.has_tools else 'next boot' if v.tools_installed_at is not None else 'no'}"
            f"|{v.nics[0].adapter if v.nics else ''}"
            for v in sim.inv.vms.values()
        )
    return cache.guest


def _vm_columns(sim: Simulation, s: Sampler, has: bool, vm_snap_gib: np.ndarray,
                guest: tuple[str, ...], portgroups: tuple[str, ...]) -> VmColumns:
    n = len(s.vm_names)
    power_arr = np.where(~s.vm_on, "off", np.where(sim.now < s.vm_up_at, "booting", "on"))
    power = tuple(power_arr.tolist())

    def col(name: str) -> np.ndarray:
        arr: np.ndarray = getattr(s, name)
        return arr.copy() if has and arr.size == n else np.zeros(n)

    cpu = col("vm_cpu_served")
    if has:
        healthy = s.vm_healthy.copy()
        reasons = [""] * n
        for i in np.flatnonzero(~healthy).tolist():  # words only for the VMs in trouble
            reasons[i] = vm_reason(sim, i)
    else:  # nothing measured before the first sample: a VM that is on counts as healthy
        healthy = power_arr == "on"
        reasons = ["" if p == "on" else "powered off" for p in power]
    return VmColumns(
        names=tuple(s.vm_names),
        hosts=s.vm_host_names,
        power=power,
        vcpu=s.vm_vcpu.copy(),
        memory=s.vm_memory.copy(),
        cpu_mhz=cpu,
        cpu_pct=100.0 * cpu / s.cpu_cap_vm if has else np.zeros(n),
        ready_pct=col("vm_ready_avg"),
        mem_active=col("vm_mem_active"),
        latency_ms=col("vm_latency"),
        healthy=healthy,
        downtime_s=col("vm_downtime"),
        services=_services_of_vms(s, has),
        reasons=tuple(reasons),
        snap_count=s.vm_snap_depth.copy() if s.vm_snap_depth.size == n else np.zeros(n, dtype=np.int64),
        snap_gib=vm_snap_gib if vm_snap_gib.size == n else np.zeros(n),
        costop_pct=col("vm_costop_avg"),
        want_pct=100.0 * col("vm_saturation"),
        balloon=col("vm_balloon"),
        swapped=col("vm_swapped"),
        guest=guest if len(guest) == n else ("yes|",) * n,
        portgroups=portgroups if len(portgroups) == n else ("",) * n,
    )


# --------------------------------------------------------------------- operations


def _tasks(sim: Simulation, now: float, cache: ViewCache) -> tuple[TaskView, ...]:
    """The tasks, read afresh only when the task list changed or one runs (progress moves)."""
    tl = sim.tasks
    key = (tl.version, now if any(t.state == "running" for t in tl.tasks) else None)
    if cache.tasks_key == key:
        return cache.tasks
    cache.tasks_key = key
    cache.tasks = tuple(
        TaskView(
            t.id, t.kind, t.subject, t.target, t.state, t.progress(now),
            max(0.0, t.ends_at - now) if t.state == "running" and t.ends_at is not None else None,
            t.detail,
        )
        for t in tl.tasks
    )
    return cache.tasks


def _snapshots(
    sim: Simulation,
) -> tuple[np.ndarray, np.ndarray, dict[str, tuple[SnapshotView, ...]], dict[str, str]]:
    """Snapshot space per datastore and per VM, and the chains (empty while there are none)."""
    s = sim.sampler
    D, n = len(s.ds_names), len(s.vm_names)
    if not s.snap_any:
        return np.zeros(D), np.zeros(n), {}, {}
    snapshots.sync(sim)  # the live deltas' sizes onto the chains (same numbers, no change)
    space = (s.snap_live + s.snap_frozen) * s.snap_has
    ds = np.bincount(s.snap_sd, weights=space, minlength=D) + s.ds_snapfiles
    vm = np.bincount(s.disk_vm, weights=space, minlength=n) + s.vm_snap_mem
    chains: dict[str, tuple[SnapshotView, ...]] = {}
    busy: dict[str, str] = {}
    for i in np.flatnonzero(s.vm_snap_depth).tolist():
        v = sim.inv.vms[s.vm_names[i]]
        last = len(v.snapshots) - 1
        chains[v.name] = tuple(
            SnapshotView(x.name, x.taken_at, x.memory, x.quiesced, sum(x.sizes) + x.mem_gib, k == last)
            for k, x in enumerate(v.snapshots)
        )
        why = snapshots.busy(sim, v)
        if why:
            busy[v.name] = why
    return ds, vm, chains, busy


def _clusters(sim: Simulation, cache: ViewCache) -> tuple[ClusterHaView, ...]:
    """HA views of the clusters, rebuilt when the inventory, the tasks or a setting change."""
    key = (sim.structure_version, sim.tasks.version, sim.accepted_commands)
    if cache.ha_key == key:
        return cache.ha
    out = []
    for c in sim.inv.clusters.values():
        st = c.ha
        on = st.enabled
        agents = sim.ha.clusters.get(c.name)
        out.append(ClusterHaView(
            name=c.name,
            hosts=tuple(c.hosts),
            enabled=on,
            admission=st.admission,
            failures=st.failures,
            cpu_pct=st.cpu_pct,
            mem_pct=st.mem_pct,
            failover_hosts=tuple(st.failover_hosts),
            isolation=st.isolation_response,
            primary=agents.primary if agents is not None and on else None,
            capacity=admission_summary(sim, c.name) if on else "",
            restarting=len(agents.queue) if agents is not None and on else 0,
            vm_monitoring=st.vm_monitoring,
        ))
    cache.ha_key, cache.ha = key, tuple(out)
    return cache.ha


def _drs(sim: Simulation, cache: ViewCache) -> tuple[ClusterDrsView, ...]:
    """DRS views of the clusters, rebuilt when a pass, a setting, the tasks or the inventory change."""
    key = (sim.drs.version, sim.structure_version, sim.tasks.version, sim.accepted_commands)
    if cache.drs_key == key:
        return cache.drs
    out = []
    for c in sim.inv.clusters.values():
        cd = sim.drs.clusters[c.name]
        on = c.drs.enabled
        note = cd.skipped or next(iter(cd.blocked.values()), "")
        out.append(ClusterDrsView(
            name=c.name,
            enabled=on,
            mode=c.drs.mode,
            threshold=c.drs.threshold,
            last_pass=cd.last_pass,
            next_pass=sim.drs.clock_at if on else None,
            imbalance=cd.imbalance if on else None,
            target=cd.target if on else None,
            host_loads=tuple(zip(cd.hosts, cd.cpu_load, cd.mem_load, strict=True)) if on else (),
            recommendations=tuple(
                DrsRecommendationView(r.id, r.vm, r.src, r.dst, r.priority, r.reason, r.cold)
                for r in cd.recommendations
            ),
            rules=tuple(
                DrsRuleView(r.name, r.type, affinity.describe(c, r), r.type in REQUIRED,
                            tuple(f"{vm} {why}" for vm, why in affinity.broken(sim, c, r)))
                for r in c.rules
            ),
            vm_groups=tuple((k, tuple(v)) for k, v in c.vm_groups.items()),
            host_groups=tuple((k, tuple(v)) for k, v in c.host_groups.items()),
            migrations=migrations_done(sim, c.name),
            note=note if on else "",
        ))
    cache.drs_key, cache.drs = key, tuple(out)
    return cache.drs
