"""Provides the read model's types: frozen views of hosts, datastores, services, VMs, tasks,
snapshots, HA and DRS, and `SimView`, which holds them all at one sim time.

A view is a frozen copy: holding one never lets a renderer change the model, and the model
moving on never changes a view already taken. VM data is column-wise (`VmColumns`, numpy
arrays copied when the view is built) so a table of 2,000 VMs can be sorted and windowed
without 2,000 objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True, slots=True)
class UplinkView:
    name: str
    speed: int
    up: bool
    vlans: tuple[int, ...] | None
    role: str = "active"
    """Its place in its vSwitch's team: "active", "standby" or "unused" (in no team)."""
    in_use: bool = True
    """Its team sends on it now (a standby in use has taken a failed active one's place)."""
    failed_over: bool = False
    """Its team saw it fail and stopped using it."""
    black_holed: bool = False
    """Link up but traffic lost upstream, and its team still sends on it (vdc.sim.netpath)."""
    pruned: tuple[int, ...] = ()
    """VLANs removed from a trunk that allowed every VLAN."""
    flapping: bool = False
    """Its link keeps going down and up (an uplink_flap); pulling it stops that."""


@dataclass(frozen=True, slots=True)
class PortGroupView:
    name: str
    vlan: int
    vmkernel: str | None
    carried: bool
    """Whether an uplink its team sends on for it delivers this VLAN."""
    cut_on: tuple[str, ...] = ()
    """Uplinks its team sends on for it that lose its traffic (VLAN pruned from the trunk, or
    black-holed upstream): its VM NICs pinned there are cut."""


@dataclass(frozen=True, slots=True)
class VSwitchView:
    name: str
    uplinks: tuple[str, ...]
    portgroups: tuple[PortGroupView, ...]
    policy: str = "port-id"
    """The team's load balancing: port-id, mac-hash, ip-hash or explicit."""
    detection: str = "link"
    """How the team sees a failure: link (status) or beacon (probing)."""
    standby: tuple[str, ...] = ()
    lacp_rate: str = ""
    """A LACP group's LACPDU rate ("fast" or "slow"); "" for other policies."""

    @property
    def default_team(self) -> bool:
        """Every uplink active, port-id, link status: nothing worth showing."""
        return not self.standby and self.policy == "port-id" and self.detection == "link"


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
    entering_maintenance: bool = False
    """It is on its way into maintenance mode (waiting for its VMs to leave)."""
    maintenance: bool = False
    """In maintenance mode, whatever its power state (state "maintenance" is on and in it)."""
    co_scheduling: str = "relaxed"
    """How it schedules a VM's vCPUs: "relaxed" (any free core runs any vCPU; ESXi, KVM) or
    "strict" (a VM runs only when as many cores as its vCPUs are free; ESX 2.x)."""
    mem_state: str = "high"
    """Memory state: high, clear, soft, hard, low (free memory against minFree; vdc.sim.memory)."""
    mem_free: float = 0.0
    """GiB free after reclamation."""
    min_free: float = 0.0
    """GiB of minFree (899 MB for the first 28 GiB + 1 % of the rest)."""
    bare_metal: bool = False
    """A physical server (`hypervisor = "none"`): it runs no VMs."""
    workload: str = ""
    """What a physical server runs now (its profile; "" when none, or moved out by `p2v`)."""
    rack_units: int = 1
    uplink_mbps: tuple[float, ...] = ()
    """Mbit/s each of `uplinks` carries in the last sample (its VM NICs' traffic as the
    team sends it; () before the first sample)."""


@dataclass(frozen=True, slots=True)
class VsanHostView:
    """One host of a vSAN datastore: whether it gives capacity now, and how full it is."""

    name: str
    up: bool
    """Its devices are part of the datastore (it is not failed, off or rebooting)."""
    capacity: float
    used: float
    failed_devices: int = 0


@dataclass(frozen=True, slots=True)
class VsanView:
    """What a vSAN datastore's objects and components are doing (`vdc.sim.vsan`)."""

    policy: str
    """The default policy, e.g. "FTT 1 RAID-1"."""
    hosts: tuple[VsanHostView, ...]
    objects: int
    compliant: int
    reduced: int
    """Accessible, but some component is not in sync (absent, degraded, resyncing, re-laid out)."""
    inaccessible: int
    absent: int
    """Components whose host is away."""
    degraded: int
    """Components whose device failed."""
    resyncing: int
    """Components being rebuilt or resynced now."""
    resync_progress: float | None = None
    """Done share of the resync tasks running (by time), None when none runs."""
    resync_eta_s: float | None = None
    """Seconds until the last running resync ends."""
    repair_in_s: float | None = None
    """Seconds until the next absent component's 60-minute repair delay ends."""
    stuck: int = 0
    """Failed components past their delay that no rebuild is writing (no spare host or room)."""


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
    vsan: VsanView | None = None
    """A vsan datastore's objects, components and resyncs (None for other types)."""


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
    servers: tuple[str, ...] = ()
    """Bare-metal servers serving it with their own workload."""
    routed: bool = False
    """Reached from the tier before through a router appliance (its VLAN is routed only by
    one: `gateway = "appliance"`)."""


@dataclass(frozen=True, slots=True)
class ServiceView:
    name: str
    up: bool
    uptime: float
    tiers: tuple[TierView, ...]


@dataclass(frozen=True)
class VmColumns:
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
    costop_pct: np.ndarray = field(default_factory=lambda: np.zeros(0))
    """Co-stop (%CSTP): the part of ready that strict co-scheduling alone causes."""
    want_pct: np.ndarray = field(default_factory=lambda: np.zeros(0))
    """CPU the guest wants, as % of what its vCPUs can use (above 100: guest saturated)."""
    balloon: np.ndarray = field(default_factory=lambda: np.zeros(0))
    """GiB its host's balloon driver holds in each VM's guest."""
    swapped: np.ndarray = field(default_factory=lambda: np.zeros(0))
    """GiB of each VM's memory its host swapped to the .vswp."""
    guest: tuple[str, ...] = ()
    """Per VM `tools|nic`: Tools "yes" (running), "no", or "next boot" (installed, they start
    when the guest reboots); and its first NIC's adapter type ("" without a NIC)."""
    portgroups: tuple[str, ...] = ()
    """Per VM, its NICs' port groups in order ("outside, web"; "" without a NIC)."""

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
    vm_monitoring: bool = False
    """HA resets VMs whose Tools heartbeats stop (a hung guest)."""


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
    vms: VmColumns
    power_kw: float
    events_total: int
    tasks: tuple[TaskView, ...] = ()
    snapshots: dict[str, tuple[SnapshotView, ...]] = field(default_factory=dict)
    """The chains of the VMs that have snapshots (and a busy word: see `snapshot_busy`)."""
    snapshot_busy: dict[str, str] = field(default_factory=dict)
    """Why a VM's snapshots cannot be changed now (a memory write or a merge running)."""
    clusters: tuple[ClusterHaView, ...] = ()
    drs: tuple[ClusterDrsView, ...] = ()
    limits: dict[str, float] = field(default_factory=dict)
    """The level's budgets from its objectives: "rack" (U, `max_rack_units`), "power" (kW,
    `max_power_kw`), "cost" (a year, `max_yearly_cost`); only those it has."""
    yearly_cost: float | None = None
    """What a year costs at the power drawn now plus the hardware in service (levels with a
    `max_yearly_cost` objective only)."""
