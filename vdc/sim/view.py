"""Provides read-only snapshots of the simulation for renderers (the TUI, reports).

A snapshot is a frozen copy: holding one never lets a renderer change the model, and the model
moving on never changes a snapshot already taken. VM data is column-wise (numpy arrays copied
at snapshot time) so a table of 2,000 VMs can be sorted and windowed without 2,000 objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from vdc.sim import admission, drs, drs_rules
from vdc.sim.ha import host_role

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation
    from vdc.sim.model import Host


@dataclass(frozen=True, slots=True)
class UplinkView:
    name: str
    speed: int
    up: bool
    vlans: tuple[int, ...] | None


@dataclass(frozen=True, slots=True)
class PortGroupView:
    name: str
    vlan: int
    vmkernel: str | None
    carried: bool
    """Whether an up uplink of its vSwitch trunks this VLAN."""


@dataclass(frozen=True, slots=True)
class VSwitchView:
    name: str
    uplinks: tuple[str, ...]
    portgroups: tuple[PortGroupView, ...]


@dataclass(frozen=True, slots=True)
class HostView:
    name: str
    cluster: str | None
    state: str
    cores: int
    mhz: int
    memory: float
    cpu_pct: float
    cpu_demand_pct: float
    mem_pct: float
    ready_pct: float
    """Highest CPU ready (% per vCPU) among its VMs."""
    vm_count: int
    power_w: float
    uplinks: tuple[UplinkView, ...]
    vswitches: tuple[VSwitchView, ...]
    cpu_history: tuple[float, ...]
    ha: str = ""
    """vSphere HA role: primary, secondary, unreachable, dead, isolated ("" = no HA)."""


@dataclass(frozen=True, slots=True)
class DatastoreView:
    name: str
    type: str
    capacity: float
    used: float
    pct: float
    provisioned: float
    """GiB the VMs' disks could grow to (thin disks at full size)."""
    iops: float
    iops_capacity: float
    latency_ms: float
    hosts: tuple[str, ...]
    snapshots: float = 0.0
    """GiB of that used space in snapshot deltas and memory files."""


@dataclass(frozen=True, slots=True)
class SnapshotView:
    """One snapshot of a VM's chain (oldest first), as the snapshot dialog lists it."""

    name: str
    taken_at: float
    memory: bool
    quiesced: bool
    gib: float
    """Its delta(s) and memory file."""
    live: bool
    """The newest: its delta takes the VM's writes now."""


@dataclass(frozen=True, slots=True)
class TierView:
    name: str
    up: bool
    vms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ServiceView:
    name: str
    up: bool
    uptime: float
    tiers: tuple[TierView, ...]


@dataclass(frozen=True)
class VmTable:
    """Every VM as columns, in inventory order."""

    names: tuple[str, ...]
    hosts: tuple[str, ...]
    power: tuple[str, ...]
    """"on", "booting" or "off"."""
    vcpu: np.ndarray
    memory: np.ndarray
    cpu_mhz: np.ndarray
    cpu_pct: np.ndarray
    """Served CPU as % of what the vCPUs could use."""
    ready_pct: np.ndarray
    mem_active: np.ndarray
    latency_ms: np.ndarray
    healthy: np.ndarray
    downtime_s: np.ndarray
    services: tuple[str, ...]
    reasons: tuple[str, ...]
    """Why a VM is unhealthy ("" when healthy)."""
    snap_count: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Snapshots in each VM's chain."""
    snap_gib: np.ndarray = field(default_factory=lambda: np.zeros(0))
    """GiB each VM's snapshots take (deltas and memory files)."""

    def __len__(self) -> int:
        return len(self.names)


@dataclass(frozen=True, slots=True)
class TaskView:
    """One task of the Tasks panel (see `vdc.sim.tasks`)."""

    id: int
    kind: str
    subject: str
    target: str
    state: str
    progress: float
    eta_s: float | None
    """Seconds left while running (None otherwise)."""
    detail: str


@dataclass(frozen=True, slots=True)
class ClusterHaView:
    """A cluster's vSphere HA settings and what they leave (the HA settings dialog)."""

    name: str
    hosts: tuple[str, ...]
    enabled: bool
    admission: str
    failures: int
    cpu_pct: float | None
    mem_pct: float | None
    failover_hosts: tuple[str, ...]
    isolation: str
    primary: str | None
    capacity: str
    """The admission numbers in words ("free 81 % CPU / 75 % memory, reserved 33 % / 33 %")."""
    restarting: int
    """VMs HA is restarting now."""


@dataclass(frozen=True, slots=True)
class DrsRecommendationView:
    """A move DRS waits for the player to apply (`drs apply CLUSTER ID`)."""

    id: str
    vm: str
    src: str
    dst: str
    priority: int
    """1 = mandatory (maintenance, a broken rule) … 5 = the smallest gain."""
    reason: str
    cold: bool
    """A powered-off VM moved without vMotion."""


@dataclass(frozen=True, slots=True)
class DrsRuleView:
    name: str
    type: str
    text: str
    """The rule in words ("keep-apart web-01, web-02", "must-run-on lic-vms → lic-hosts")."""
    required: bool
    broken: tuple[str, ...]
    """How it is broken now ("web-02 shares esx-01 with web-01"); empty while it holds."""


@dataclass(frozen=True, slots=True)
class ClusterDrsView:
    """A cluster's DRS settings and what its last pass found (DRS dialog and panel)."""

    name: str
    enabled: bool
    mode: str
    threshold: int
    last_pass: float | None
    next_pass: float | None
    imbalance: float | None
    target: float | None
    host_loads: tuple[tuple[str, float, float], ...]
    """(host, CPU load, memory load) at the last pass, as fractions of capacity."""
    recommendations: tuple[DrsRecommendationView, ...]
    rules: tuple[DrsRuleView, ...]
    vm_groups: tuple[tuple[str, tuple[str, ...]], ...]
    host_groups: tuple[tuple[str, tuple[str, ...]], ...]
    migrations: int
    """DRS moves finished so far (its own and applied recommendations)."""
    note: str
    """Why DRS cannot act now ("vCenter is unavailable: …"), or a host it cannot evacuate."""


@dataclass(frozen=True)
class SimView:
    """Everything a renderer shows, at one sim time."""

    t: float
    duration: int
    ended: bool
    level_id: str
    title: str
    hosts: tuple[HostView, ...]
    datastores: tuple[DatastoreView, ...]
    services: tuple[ServiceView, ...]
    vms: VmTable
    power_kw: float
    events_total: int
    tasks: tuple[TaskView, ...] = ()
    snapshots: dict[str, tuple[SnapshotView, ...]] = field(default_factory=dict)
    """The chains of the VMs that have snapshots (and a busy word: see `snapshot_busy`)."""
    snapshot_busy: dict[str, str] = field(default_factory=dict)
    """Why a VM's snapshots cannot be changed now (a memory write or a merge running)."""
    clusters: tuple[ClusterHaView, ...] = ()
    drs: tuple[ClusterDrsView, ...] = ()


def _vswitches(h: Host) -> tuple[VSwitchView, ...]:
    """The vSwitch views of host `h`: which port groups reach the physical network."""
    return tuple(
        VSwitchView(
            vs.name,
            tuple(vs.uplinks),
            tuple(
                PortGroupView(
                    pg.name, pg.vlan, pg.vmkernel,
                    any(h.nics[u].carries(pg.vlan) for u in vs.uplinks if u in h.nics),
                )
                for pg in vs.portgroups.values()
            ),
        )
        for vs in h.vswitches
    )


def vm_reason(sim: Simulation, i: int) -> str:
    """Plain words for why VM number i is not healthy now ("" if it is)."""
    s = sim.sampler
    if s.vm_healthy[i]:
        return ""
    vm = sim.inv.vms[s.vm_names[i]]
    host = sim.inv.hosts[vm.host]
    if vm.power != "on":
        return "host failed" if host.state == "failed" else "powered off"
    if not s.host_runs[s.vm_host[i]]:
        return f"host {host.state}"
    if not s.vm_running[i]:
        return "booting"
    if not vm.os:
        return "no guest OS"
    if vm.broken:
        return "broken by a bad change"
    if not s.vm_reachable[i]:
        return "network cut (VLAN not carried)"
    if s.vm_paused[i]:
        return "paused: datastore full"
    if s.vm_served[i] < s.vm_min_served[i]:
        return f"starved: gets {100 * s.vm_served[i]:.0f} % of its demand"
    if s.vm_latency[i] > s.vm_max_lat[i]:
        return f"storage latency {s.vm_latency[i]:.0f} ms"
    return "unhealthy"


def snapshot(sim: Simulation) -> SimView:
    """A frozen view of the simulation as of its last sample."""
    s = sim.sampler
    if s.built_version != sim.structure_version:
        s.rebuild()  # a command changed the inventory since the last sample
    inv = sim.inv
    now = sim.now
    n = len(s.vm_names)
    has = s.samples > 0 and s.vm_healthy.size == n  # nothing measured before the first sample

    ready_max = np.zeros(len(s.host_names))
    if has and n:
        np.maximum.at(ready_max, s.vm_host, s.vm_ready_avg)
    # Network views change only when the network does: rebuilt on a new network version.
    net_key = (sim.structure_version, sim.network_version)
    if sim.view_cache.get("net_key") != net_key:
        sim.view_cache["net_key"] = net_key
        sim.view_cache["vswitches"] = {h.name: _vswitches(h) for h in inv.hosts.values()}
        sim.view_cache["uplinks"] = {
            h.name: tuple(UplinkView(u.name, u.speed, u.link_up, u.vlans) for u in h.nics.values())
            for h in inv.hosts.values()
        }
    hosts = []
    for i, h in enumerate(inv.hosts.values()):
        vswitches = sim.view_cache["vswitches"][h.name]
        hosts.append(
            HostView(
                name=h.name,
                cluster=h.cluster,
                state=h.state,
                cores=h.cores,
                mhz=h.mhz,
                memory=h.memory,
                cpu_pct=float(s.host_cpu_pct[i]) if has else 0.0,
                cpu_demand_pct=float(s.host_cpu_demand_pct[i]) if has else 0.0,
                mem_pct=float(s.host_mem_pct[i]) if has else 0.0,
                ready_pct=float(ready_max[i]),
                vm_count=int(s.host_vm_count[i]) if has else 0,
                power_w=float(s.host_power_w[i]) if has else 0.0,
                uplinks=sim.view_cache["uplinks"][h.name],
                vswitches=vswitches,
                cpu_history=tuple(sim.history.series(f"host_cpu:{h.name}")),
                ha=host_role(sim, h.name),
            )
        )
    # What the disks could grow to: thin disks at their full size.
    provisioned = np.bincount(s.dds, weights=s.disk_size * s.disk_on_ds, minlength=len(s.ds_names))
    ds_snap, vm_snap_gib, chains, busy = _snapshots(sim)
    datastores = []
    for i, d in enumerate(inv.datastores.values()):
        datastores.append(
            DatastoreView(
                name=d.name, type=d.type, capacity=d.capacity, used=d.used, pct=d.pct,
                provisioned=d.other_used + float(provisioned[i]),
                iops=float(s.ds_iops[i]) if has else 0.0,
                iops_capacity=d.iops,
                latency_ms=float(s.ds_latency[i]) if has else d.latency_ms,
                hosts=tuple(d.hosts),
                snapshots=float(ds_snap[i]) if ds_snap.size > i else 0.0,
            )
        )
    down = sim.metrics.service_down_s
    services = []
    tier_j = 0
    n_tiers = sum(len(svc.tiers) for svc in inv.services.values())
    measured = has and s.tier_up.size >= n_tiers
    # Tier views are immutable and their members change only with the structure (as the
    # sampler's tier arrays do): per service, one tuple of views per pattern of tiers up.
    cached = sim.view_cache.get("tiers")
    if cached is None or cached[0] != sim.structure_version:
        cached = (sim.structure_version, {})
        sim.view_cache["tiers"] = cached
    tier_views: dict[tuple[int, tuple[bool, ...]], tuple[TierView, ...]] = cached[1]
    tier_up = s.tier_up.tolist() if measured else []
    for k, svc in enumerate(inv.services.values()):
        first, tier_j = tier_j, tier_j + len(svc.tiers)
        if measured:
            ups = tuple(bool(u) for u in tier_up[first:tier_j])
            tiers = tier_views.get((k, ups))
            if tiers is None:
                tiers = tier_views[(k, ups)] = tuple(
                    TierView(tier.name, up, tuple(tier.vms))
                    for tier, up in zip(svc.tiers, ups, strict=True)
                )
        else:  # not measured yet: up while one of its VMs is on
            tiers = tuple(
                TierView(
                    tier.name,
                    bool(s.tier_up[j]) if has and s.tier_up.size > j
                    else any(inv.vms[v].power == "on" for v in tier.vms),
                    tuple(tier.vms),
                )
                for j, tier in enumerate(svc.tiers, first)
            )
        services.append(
            ServiceView(
                name=svc.name,
                up=bool(s.service_up[k]) if has else all(t.up for t in tiers),
                uptime=1.0 - down.get(svc.name, 0.0) / s.last_t if s.last_t > 0 else 1.0,
                tiers=tiers,
            )
        )
    power_arr = np.where(~s.vm_on, "off", np.where(now < s.vm_up_at, "booting", "on"))
    power = tuple(power_arr.tolist())

    def col(name: str) -> np.ndarray:
        arr = getattr(s, name)
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
    table = VmTable(
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
        services=s.vm_service_names,
        reasons=tuple(reasons),
        snap_count=s.vm_snap_depth.copy() if s.vm_snap_depth.size == n else np.zeros(n, dtype=np.int64),
        snap_gib=vm_snap_gib if vm_snap_gib.size == n else np.zeros(n),
    )
    return SimView(
        t=now,
        duration=sim.duration,
        ended=sim.ended,
        level_id=sim.level.level.id,
        title=sim.level.level.title,
        hosts=tuple(hosts),
        datastores=tuple(datastores),
        services=tuple(services),
        vms=table,
        power_kw=sim.metrics.power_kw,
        events_total=len(sim.log),
        tasks=_tasks(sim, now),
        snapshots=chains,
        snapshot_busy=busy,
        clusters=_clusters(sim),
        drs=_drs(sim),
    )


def _tasks(sim: Simulation, now: float) -> tuple[TaskView, ...]:
    """The tasks, read afresh only when the task list changed or one runs (progress moves)."""
    tl = sim.tasks
    key = ("tasks", tl.version, now if any(t.state == "running" for t in tl.tasks) else None)
    cached = sim.view_cache.get("tasks")
    if isinstance(cached, tuple) and cached[0] == key:
        return cached[1]
    out = tuple(
        TaskView(
            t.id, t.kind, t.subject, t.target, t.state, t.progress(now),
            max(0.0, t.ends_at - now) if t.state == "running" and t.ends_at is not None else None,
            t.detail,
        )
        for t in tl.tasks
    )
    sim.view_cache["tasks"] = (key, out)
    return out


def _snapshots(
    sim: Simulation,
) -> tuple[np.ndarray, np.ndarray, dict[str, tuple[SnapshotView, ...]], dict[str, str]]:
    """Snapshot space per datastore and per VM, and the chains (empty while there are none)."""
    from vdc.sim import snapshots

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


def _clusters(sim: Simulation) -> tuple[ClusterHaView, ...]:
    """HA views of the clusters, rebuilt when the inventory, the tasks or a setting change."""
    key = (sim.structure_version, sim.tasks.version, sim.accepted_commands)
    cached = sim.view_cache.get("ha_clusters")
    if cached is not None and cached[0] == key:
        return cached[1]  # type: ignore[no-any-return]
    out = []
    for c in sim.inv.clusters.values():
        st = c.ha
        on = bool(st.get("enabled"))
        agents = sim.ha.clusters.get(c.name)
        out.append(ClusterHaView(
            name=c.name,
            hosts=tuple(c.hosts),
            enabled=on,
            admission=str(st.get("admission", "disabled")),
            failures=int(st.get("failures", 1)),  # type: ignore[call-overload]
            cpu_pct=st.get("cpu_pct"),  # type: ignore[arg-type]
            mem_pct=st.get("mem_pct"),  # type: ignore[arg-type]
            failover_hosts=tuple(st.get("failover_hosts") or ()),  # type: ignore[arg-type]
            isolation=str(st.get("isolation_response", "none")),
            primary=agents.primary if agents is not None and on else None,
            capacity=admission.summary(sim, c.name) if on else "",
            restarting=len(agents.queue) if agents is not None and on else 0,
        ))
    views = tuple(out)
    sim.view_cache["ha_clusters"] = (key, views)
    return views


def _drs(sim: Simulation) -> tuple[ClusterDrsView, ...]:
    """DRS views of the clusters, rebuilt when a pass, a setting, the tasks or the inventory change."""
    key = (sim.drs.version, sim.structure_version, sim.tasks.version, sim.accepted_commands)
    cached = sim.view_cache.get("drs_clusters")
    if cached is not None and cached[0] == key:
        return cached[1]  # type: ignore[no-any-return]
    out = []
    for c in sim.inv.clusters.values():
        cd = sim.drs.clusters[c.name]
        on = bool(c.drs.get("enabled"))
        note = cd.skipped or next(iter(cd.blocked.values()), "")
        out.append(ClusterDrsView(
            name=c.name,
            enabled=on,
            mode=str(c.drs.get("mode", "manual")),
            threshold=int(c.drs.get("threshold", 3)),  # type: ignore[call-overload]
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
                DrsRuleView(r.name, r.type, drs_rules.describe(c, r), r.type in drs_rules.REQUIRED,
                            tuple(f"{vm} {why}" for vm, why in drs_rules.broken(sim, c, r)))
                for r in c.rules
            ),
            vm_groups=tuple((k, tuple(v)) for k, v in c.vm_groups.items()),
            host_groups=tuple((k, tuple(v)) for k, v in c.host_groups.items()),
            migrations=drs.migrations_done(sim, c.name),
            note=note if on else "",
        ))
    views = tuple(out)
    sim.view_cache["drs_clusters"] = (key, views)
    return views
