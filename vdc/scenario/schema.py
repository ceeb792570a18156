"""Provides the typed level format: pydantic models that a level TOML file validates into.

Every key is documented in docs/levels.md; the JSON Schema (`vdc schema`) is generated from
these models. Units: GiB for memory and disk, MHz for CPU, Mbit/s for network, seconds for time.
Cross-references between objects (a VM's host, a disk's datastore, …) are checked by
`vdc.scenario.checks`, not here, so that their errors can name what exists.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from vdc.scenario.event_kinds import EVENT_KINDS

Name = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
"""An inventory name: letters, digits, `_`, `.`, `-`; no spaces (names are typed in commands)."""

EventKindName = Annotated[str, Field(json_schema_extra={"enum": list(EVENT_KINDS)})]
"""An event kind of the log (`vdc.scenario.event_kinds`). Plain text to the validator, so that
the cross-check rejects an unknown one with a did-you-mean; an enum in the JSON Schema."""

Seconds = Annotated[float, Field(ge=0)]
Positive = Annotated[float, Field(gt=0)]

Edition = Literal["essentials", "essentials-plus", "standard", "enterprise-plus", "vvf", "vcf"]
HostState = Literal["on", "off", "maintenance", "failed", "isolated"]
RestartPriority = Literal["disabled", "lowest", "low", "medium", "high", "highest"]
Shape = Literal["flat", "office", "web", "nightly", "batch"]


class Strict(BaseModel):
    """Base for every table: unknown keys are errors (a typo must not pass silently)."""

    # strict: no quiet coercion ("8" is not 8, true is not 1); no inf/nan sneaking past bounds.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False,
                              use_attribute_docstrings=True)


class Hint(Strict):
    """A tip shown to the player (when hints are on) once its trigger fires."""

    text: str = Field(min_length=1)
    trigger: Literal["time", "event", "metric"] = "time"
    at: Seconds | None = None
    """trigger = "time": sim-seconds after the start."""
    event: EventKindName | None = None
    """trigger = "event": an event kind, e.g. "host_failed"."""
    metric: Literal["host_cpu_pct", "host_mem_pct", "datastore_pct", "vm_ready_pct"] | None = None
    """trigger = "metric": which metric; fires when any object's value exceeds `above`."""
    above: float | None = None

    @model_validator(mode="after")
    def _trigger_fields(self) -> Hint:
        if self.trigger == "time" and self.at is None:
            raise ValueError("a time hint needs `at` (sim-seconds)")
        if self.trigger == "event" and not self.event:
            raise ValueError("an event hint needs `event` (an event kind such as host_failed)")
        if self.trigger == "metric" and (self.metric is None or self.above is None):
            raise ValueError("a metric hint needs `metric` and `above`")
        return self


PanelName = Literal[
    "hosts", "datastores", "network", "vms", "services", "alarms", "log", "tasks", "drs"
]
"""The game's panels, in the order of their number keys 1–9."""


class LevelMeta(Strict):
    """The `[level]` table: identity, story and rules of the level."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]
    title: str = Field(min_length=1)
    briefing: str = ""
    duration: Annotated[int, Field(gt=0, le=7 * 86400)]
    """Length of the level in sim-seconds."""
    seed: Annotated[int, Field(ge=0, le=2**64 - 1)] = 1
    """Master seed of the run's random streams: a 64-bit unsigned integer."""
    start_hour: Annotated[float, Field(ge=0, lt=24)] = 9
    """Clock hour at sim time 0 (daily workload shapes follow the clock)."""
    edition: Edition = "enterprise-plus"
    """Licence edition: which features (HA, vMotion, DRS…) the level allows."""
    budget: Annotated[float, Field(ge=0)] | None = None
    """Money the player may spend (licence upgrades, deploy, new hosts); None = no budget."""
    vcenter: Name | None = None
    """The VM that is the vCenter appliance; None = vCenter runs outside this datacenter and
    is always available."""
    stars: Annotated[list[float], Field(min_length=3, max_length=3)] = [50.0, 75.0, 90.0]
    """Scores needed for 1, 2 and 3 stars (ascending)."""
    concepts: list[str] = []
    hints: list[Hint] = []
    sample_interval: Annotated[int, Field(ge=1, le=5)] = 5
    """Seconds between two load samples of the whole datacenter."""
    end_on_fail: bool = True
    """End the level early (outcome lost) once a required objective has failed for good."""
    pause_on: list[EventKindName] = []
    """Event kinds that pause the game in the TUI when they happen."""
    p2v_mbps: Positive = 100
    """MB/s at which `p2v` copies a physical server's used disk (about a 1 GbE link); the
    fastest up NIC of the server and of the target host (÷ 8) bound it too."""
    power_price: Annotated[float, Field(ge=0)] = 0.15
    """Money per kWh, for the yearly cost (`max_yearly_cost`)."""
    first_panel: PanelName | None = None
    """The panel the game opens with focus (and the briefing names): "vms" for a level that
    starts by powering VMs on, "datastores" for a storage level; None = the Hosts panel."""

    @model_validator(mode="after")
    def _stars_ascending(self) -> LevelMeta:
        if not (self.stars[0] <= self.stars[1] <= self.stars[2]):
            raise ValueError("stars must be three ascending scores, e.g. [50, 75, 90]")
        return self


class HaSettings(Strict):
    """vSphere HA settings of a cluster (behaviour comes with the operations issue)."""

    enabled: bool = False
    admission: Literal["disabled", "slots", "percent", "failover-hosts"] = "disabled"
    failures: Annotated[int, Field(ge=0, le=4)] = 1
    isolation_response: Literal["none", "power-off", "shutdown"] = "none"
    default_priority: RestartPriority = "medium"
    vmcp: bool = False
    """VM Component Protection: a VM whose datastore has lost all paths (APD) is restarted on
    another host once the 140 s APD timeout and a further 180 s have passed (restart
    conservative: only when a host that sees the datastore can take it); a VM whose datastore
    is permanently lost (PDL) is restarted at once."""
    vm_monitoring: bool = False
    """VM monitoring: HA resets a running VM whose VMware Tools heartbeats stopped for 30 s (a
    hung guest), after 120 s of uptime, at most 3 times per VM. A VM without Tools sends no
    heartbeats, so it is never reset."""


class DrsSettings(Strict):
    """DRS settings of a cluster: on/off, automation level and migration threshold."""

    enabled: bool = False
    mode: Literal["manual", "partial", "full"] = "manual"
    threshold: Annotated[int, Field(ge=1, le=5)] = 3


DrsRuleType = Literal["keep-together", "keep-apart", "must-run-on", "should-run-on", "must-not-run-on"]


class DrsRule(Strict):
    """A `[[clusters.rules]]` entry: a VM-VM rule (`vms`) or a VM-host rule (`vm_group` and
    `host_group`). must-… rules and keep-apart are never broken by DRS or HA."""

    name: Name
    type: DrsRuleType
    vms: list[Name] = []
    """keep-together / keep-apart: the VMs (two or more)."""
    vm_group: Name | None = None
    """must-run-on / should-run-on / must-not-run-on: a key of the cluster's `vm_groups`."""
    host_group: Name | None = None
    """…and a key of the cluster's `host_groups`."""

    @model_validator(mode="after")
    def _members(self) -> DrsRule:
        if self.type in ("keep-together", "keep-apart"):
            if len(self.vms) < 2 or self.vm_group or self.host_group:
                raise ValueError(f"a {self.type} rule names two or more `vms` (and no groups)")
        elif not (self.vm_group and self.host_group) or self.vms:
            raise ValueError(f"a {self.type} rule names a `vm_group` and a `host_group` (and no `vms`)")
        return self


class Cluster(Strict):
    """A `[[clusters]]` entry."""

    name: Name
    evc: str | None = None
    """EVC baseline (a CPU generation label such as "intel-gen3"), or none."""
    host_groups: dict[str, list[Name]] = {}
    vm_groups: dict[str, list[Name]] = {}
    """Groups of VMs for DRS VM-host rules to name."""
    rules: list[DrsRule] = []
    """DRS rules (kept by DRS and HA; see `drs rule add`)."""
    ha: HaSettings = HaSettings()
    drs: DrsSettings = DrsSettings()


class HostNic(Strict):
    """A physical NIC (vmnic) of a host and the physical switch port it plugs into."""

    name: Name
    speed: Annotated[int, Field(gt=0)] = 10000
    """Link speed in Mbit/s."""
    vlans: list[Annotated[int, Field(ge=0, le=4094)]] | None = None
    """VLANs allowed on the physical trunk; omitted = every VLAN is trunked."""
    link: Literal["up", "down"] = "up"


class Host(Strict):
    """A `[[hosts]]` entry: a hypervisor host, or a bare-metal server (`hypervisor = "none"`)."""

    name: Name
    cluster: Name | None = None
    hypervisor: Literal["esxi", "kvm", "none"] = "esxi"
    cores: Annotated[int, Field(gt=0, le=512)]
    mhz: Annotated[int, Field(gt=0, le=10000)] = 2400
    """Clock of one core in MHz."""
    memory: Positive
    """GiB."""
    cpu_vendor: Literal["intel", "amd"] = "intel"
    cpu_generation: Annotated[int, Field(ge=1, le=20)] = 1
    nics: list[HostNic] = []
    local_disk: Annotated[float, Field(ge=0)] = 0
    """GiB of local disk (a `local` datastore can be defined on it)."""
    luns: list[Name] = []
    """SAN LUNs this host can see (for raw device mappings)."""
    vsan_disks: list[Positive] = []
    """GiB of each local capacity device this host gives to the vsan datastore that names it
    (raw capacity of the datastore = the sum over its hosts)."""
    vsan_rebuild_mbps: Positive = 400
    """MB/s at which this host writes rebuilt or resynced vSAN components (one at a time)."""
    power_idle: Annotated[float, Field(ge=0)] = 150
    """Watts when on and idle."""
    power_busy: Annotated[float, Field(ge=0)] = 450
    """Watts at 100 % CPU."""
    rack_units: Annotated[int, Field(ge=1, le=10)] = 1
    cost: Annotated[float, Field(ge=0)] = 10000
    state: HostState = "on"
    boot_s: Annotated[float, Field(ge=0)] = 180
    """Seconds from `host power on` until the host is usable."""
    workload: Name | None = None
    """A bare-metal server's application: a profile name (None = it runs nothing of note).
    Its CPU demand (the profile's, × `load`, on its daily shape) runs on its own cores and
    draws its power; a tier lists the server in `servers`."""
    load: Annotated[float, Field(ge=0, le=100)] = 1.0
    """A bare-metal server's multiplier on its workload's demand."""
    disk_used: Annotated[float, Field(ge=0)] | None = None
    """GiB of a bare-metal server's local disk in use: what `p2v` copies (default half of
    `local_disk`)."""
    portgroup: Name | None = None
    """The port group a bare-metal server's network becomes after `p2v`: its VM's NIC goes
    there (None = the VM gets no NIC)."""
    co_scheduling: Literal["relaxed", "strict"] = "relaxed"
    """How the hypervisor schedules a VM's vCPUs. "relaxed" (ESXi since 3.x; KVM, whose vCPUs
    are ordinary host threads): any free core runs any vCPU. "strict" (ESX 2.x): a VM runs only
    when as many cores as its vCPUs are free at once, so wide VMs wait (co-stop) and cores sit
    idle. Only an ESXi host can be strict."""

    @model_validator(mode="after")
    def _server_keys(self) -> Host:
        given = [k for k in ("workload", "disk_used", "portgroup") if getattr(self, k) is not None]
        given += ["load"] if self.load != 1.0 else []
        if given and self.hypervisor != "none":
            raise ValueError(f'{given[0]} is for a bare-metal server (hypervisor = "none"); '
                             "a hypervisor host's work is its VMs")
        if self.disk_used is not None and self.disk_used > self.local_disk:
            raise ValueError(f"disk_used ({self.disk_used:g} GiB) is larger than local_disk "
                             f"({self.local_disk:g} GiB)")
        return self

    @model_validator(mode="after")
    def _co_scheduling(self) -> Host:
        if self.co_scheduling == "strict" and self.hypervisor != "esxi":
            why = (
                "KVM schedules each vCPU as an ordinary host thread (relaxed)"
                if self.hypervisor == "kvm" else "a bare-metal server runs no VMs"
            )
            raise ValueError(f'co_scheduling = "strict" needs hypervisor = "esxi": {why}')
        return self


class PortGroup(Strict):
    """A port group on a vSwitch: one VLAN; optionally a VMkernel port."""

    name: Name
    vlan: Annotated[int, Field(ge=0, le=4094)] = 0
    vmkernel: Literal["management", "vmotion"] | None = None
    gateway: Literal["physical", "appliance"] = "physical"
    """Where traffic between this VLAN and the others is routed: "physical" (the default: a
    layer-3 switch upstream routes it to every other VLAN) or "appliance" (nothing upstream
    does: a tier on it reaches a tier on another VLAN only through a running router appliance,
    `routes = true`, with a NIC on both VLANs)."""


class Network(Strict):
    """A `[[networks]]` entry: one standard vSwitch, built the same way on each listed host."""

    name: Name
    hosts: Annotated[list[str], Field(min_length=1)] = ["*"]
    """Hosts that have this vSwitch: names or globs ("esx-*"); default every host."""
    uplinks: list[Name] = []
    """Names of the host NICs (vmnics) that are this vSwitch's uplinks."""
    portgroups: list[PortGroup] = Field(min_length=1)
    policy: Literal["port-id", "mac-hash", "ip-hash", "explicit", "lacp"] = "port-id"
    """How the team spreads VM traffic over its active uplinks: "port-id" (the default) and
    "mac-hash" pin each VM NIC to one uplink (a VM never gets more than that uplink's speed);
    "ip-hash" spreads a VM's flows over every active uplink (needs `ether_channel`); "explicit"
    sends everything over the first working uplink in the order active, then standby; "lacp"
    spreads flows like ip-hash over a link aggregation group negotiated with the switch (needs
    `distributed`)."""
    active: list[Name] | None = None
    """The team's active uplinks, in order; omitted = every uplink not in `standby`."""
    standby: list[Name] = []
    """Standby uplinks: one takes the place of each failed active uplink (in this order)."""
    detection: Literal["link", "beacon"] = "link"
    """How the team notices a failed uplink: "link" sees a lost link (failover within about
    1 s) but not a failure further upstream (that uplink's traffic is lost until someone acts);
    "beacon" probes every uplink each second and also fails over 3 s into an upstream
    failure."""
    ether_channel: bool = False
    """The physical switch ports of these uplinks form a static EtherChannel (what "ip-hash"
    needs on the switch side)."""
    distributed: bool = False
    """A vSphere Distributed Switch (needs the Enterprise Plus licence or above) instead of a
    standard one: what "lacp" needs."""
    lacp_rate: Literal["fast", "slow"] = "slow"
    """LACPDUs every second ("fast") or every 30 s ("slow", the default); a member whose
    partner misses 3 of them is removed from the group: 3 s or 90 s."""

    @model_validator(mode="after")
    def _team(self) -> Network:
        for key in ("active", "standby"):
            extra = [u for u in getattr(self, key) or [] if u not in self.uplinks]
            if extra:
                raise ValueError(f"{key} names {', '.join(extra)}, not among uplinks "
                                 f"({', '.join(self.uplinks) or 'none'})")
        both = [u for u in self.standby if u in (self.active or [])]
        if both:
            raise ValueError(f"{', '.join(both)} cannot be both active and standby")
        if self.policy == "ip-hash":
            if not self.ether_channel:
                raise ValueError('policy = "ip-hash" needs ether_channel = true (a static '
                                 "EtherChannel on the physical switch side)")
            if self.standby:
                raise ValueError('policy = "ip-hash" uses every uplink: it takes no standby uplinks')
            if self.detection == "beacon":
                raise ValueError('policy = "ip-hash" does not work with detection = "beacon"')
        if self.policy == "lacp":
            if not self.distributed:
                raise ValueError('policy = "lacp" needs distributed = true (LACP exists only on a '
                                 "distributed switch)")
            if self.standby or self.detection == "beacon":
                raise ValueError('policy = "lacp" uses every uplink and its own LACPDUs: no standby '
                                 'uplinks, no detection = "beacon"')
        return self


class Datastore(Strict):
    """A `[[datastores]]` entry."""

    name: Name
    type: Literal["vmfs", "nfs", "local", "vsan"] = "vmfs"
    capacity: Positive | None = None
    """GiB. Required, except for a vsan datastore whose hosts have `vsan_disks` (its raw
    capacity is their sum); a vsan datastore given only `capacity` spreads it evenly over its
    hosts, one device each."""
    ftt: Annotated[int, Field(ge=0, le=3)] = 1
    """vsan only: failures to tolerate of the default storage policy (`vm policy` changes a
    VM's)."""
    raid: Literal["raid1", "raid5", "raid6"] = "raid1"
    """vsan only: the default policy's layout: raid1 (FTT + 1 copies, 2·FTT + 1 hosts), raid5
    (FTT 1, 4 hosts, 1.33×) or raid6 (FTT 2, 6 hosts, 1.5×)."""
    used: Annotated[float, Field(ge=0)] = 0
    """GiB used by things other than the level's VMs (ISOs, other tenants)."""
    iops: Positive = 20000
    """I/O operations per second the datastore can serve."""
    mbps: Positive = 1000
    """MB/s of throughput the datastore can serve."""
    latency_ms: Positive = 1.0
    """Latency of one I/O when the datastore is idle."""
    hosts: Annotated[list[str], Field(min_length=1)] = ["*"]
    """Hosts that mount it: names or globs; a local datastore names exactly one host; a vsan
    datastore's hosts are its cluster's hosts that contribute disks (or only compute)."""

    @model_validator(mode="after")
    def _vsan_keys(self) -> Datastore:
        if self.type != "vsan":
            if self.capacity is None:
                raise ValueError(f"a {self.type} datastore needs capacity (GiB)")
            # Set to something else than the default on another type they would do nothing.
            extra = [k for k, d in (("ftt", 1), ("raid", "raid1")) if getattr(self, k) != d]
            if extra:
                raise ValueError(f"{' and '.join(extra)} belong to a vsan datastore, not {self.type}")
        elif self.raid == "raid5" and self.ftt != 1 or self.raid == "raid6" and self.ftt != 2:
            raise ValueError(f"{self.raid} goes with ftt = {1 if self.raid == 'raid5' else 2}, not {self.ftt}")
        return self


class VmNic(Strict):
    """A virtual NIC of a VM."""

    portgroup: Name
    adapter: Literal["e1000", "vmxnet3", "virtio"] = "vmxnet3"
    """Emulated (e1000: capped at 1,500 Mbit/s, costs host CPU per Gbit) or paravirtual
    (vmxnet3, virtio: needs Tools in the guest, else no network); unset, the hypervisor's
    paravirtual adapter (vmxnet3 on esxi, virtio on kvm)."""


class VmDisk(Strict):
    """A virtual disk of a VM: a .vmdk on a datastore, or a raw device mapping of a LUN."""

    datastore: Name | None = None
    lun: Name | None = None
    size: Positive
    """GiB."""
    thin: bool = True
    used: Annotated[float, Field(ge=0)] | None = None
    """GiB written so far (thin disks); default half the size."""
    kind: Literal["vmdk", "rdm-virtual", "rdm-physical"] = "vmdk"
    controller: Literal["lsi", "pvscsi", "ide", "virtio"] | None = None
    """Disk controller: emulated (lsi, ide: capped IOPS, more host CPU per I/O) or paravirtual
    (pvscsi, virtio: needs Tools in the guest, else the guest cannot see its disk); default the
    hypervisor's paravirtual controller (pvscsi on esxi, virtio on kvm)."""

    @model_validator(mode="after")
    def _backing(self) -> VmDisk:
        if self.kind == "vmdk" and (self.datastore is None or self.lun is not None):
            raise ValueError("a vmdk disk needs `datastore` (and no `lun`)")
        if self.kind != "vmdk" and self.lun is None:
            raise ValueError(f"a {self.kind} disk needs `lun`")
        if self.used is not None and self.used > self.size:
            raise ValueError(f"used ({self.used} GiB) is larger than size ({self.size} GiB)")
        return self


class Vm(Strict):
    """A `[[vms]]` entry."""

    name: Name
    host: Name
    vcpu: Annotated[int, Field(ge=1, le=128)] = 1
    memory: Positive = 4
    """GiB."""
    cpu_reservation: Annotated[float, Field(ge=0)] = 0
    """MHz guaranteed."""
    mem_reservation: Annotated[float, Field(ge=0)] = 0
    """GiB guaranteed."""
    nics: list[VmNic] = []
    disks: list[VmDisk] = []
    tools: bool = True
    """VMware Tools / paravirtual drivers in the guest: the balloon driver, quiesce, graceful
    shutdown and the drivers paravirtual adapters need (`tools install` adds them)."""
    os: bool = True
    """Guest OS installed (a VM without one powers on but serves nothing)."""
    power: Literal["on", "off"] = "on"
    profile: Name = "app"
    load: Annotated[float, Field(ge=0, le=100)] = 1.0
    """Multiplier on every demand of the profile (a busier or quieter copy)."""
    ha_priority: RestartPriority = "medium"
    boot_s: Annotated[float, Field(ge=0)] = 45
    hot_add: bool = False
    """CPU and memory may be increased while the VM runs."""

    @model_validator(mode="after")
    def _reservations(self) -> Vm:
        if self.mem_reservation > self.memory:
            raise ValueError(
                f"mem_reservation ({self.mem_reservation} GiB) exceeds memory ({self.memory} GiB)"
            )
        return self


class Profile(Strict):
    """A `[[profiles]]` entry: a workload shape that VMs refer to by name."""

    name: Name
    cpu: Annotated[float, Field(ge=0)] = 500
    """Baseline CPU demand in MHz (capped by the VM's vCPUs × the host's core MHz)."""
    mem_active: Annotated[float, Field(ge=0, le=1)] = 0.3
    """Fraction of the VM's configured memory that is actively used."""
    iops: Annotated[float, Field(ge=0)] = 50
    write_mbps: Annotated[float, Field(ge=0)] = 1
    """MB/s written (grows thin disks, later snapshot deltas)."""
    net: Annotated[float, Field(ge=0)] = 20
    """Mbit/s of network traffic."""
    shape: Shape = "flat"
    """Daily shape: flat, office (9–17 h), web (evening peak), nightly (02 h), batch (on the hour)."""
    peak: Annotated[float, Field(ge=0, le=10)] = 0.5
    """How much the shape's peak adds to the baseline (0.5 = +50 % at peak)."""
    noise: Annotated[float, Field(ge=0, le=1)] = 0.05
    """Relative size of the random fluctuation."""


class Appliance(Strict):
    """An `[[appliances]]` entry: a vendor's virtual appliance that `deploy` makes into a VM
    that is ready after its boot (no guest OS install). It adds to the shipped catalogue
    (router, firewall, load-balancer, vcenter), or replaces the entry of the same name."""

    name: Name
    vcpu: Annotated[int, Field(ge=1, le=64)] = 2
    memory: Positive = 4
    """GiB."""
    disk: Positive = 16
    """GiB: the size of its (thin) disk."""
    disk_used: Annotated[float, Field(gt=0)] | None = None
    """GiB its disk holds once deployed; default the whole disk."""
    nics: Annotated[int, Field(ge=0, le=10)] = 2
    """Network adapters, all on the port group `deploy` names (none without one)."""
    boot_s: Annotated[float, Field(ge=0)] = 90
    """Seconds from deploy until it serves."""
    mbps_per_vcpu: Positive = 1000
    """Mbit/s of traffic one vCPU carries: its CPU demand is net / mbps_per_vcpu vCPUs (at
    2,000 MHz each), so a small appliance saturates on heavy traffic."""
    net: Annotated[float, Field(ge=0)] = 500
    """Mbit/s of traffic it carries at its baseline (a web-shaped day on top)."""
    cost: Annotated[float, Field(ge=0)] = 0
    """A year's licence or subscription of one deployed copy: it counts in the hardware and
    licence cost (`max_cost`, `max_yearly_cost`) while the VM exists."""
    balances: bool = False
    """A load balancer: in tier k of a service it spreads tier k + 1's load over that tier's
    members that can take traffic and carries all of its traffic itself (its CPU follows it,
    not `net`)."""
    routes: bool = False
    """A router: it joins the VLANs its NICs are on, for the tiers whose VLANs nothing upstream
    routes (a port group with `gateway = "appliance"`); it carries the traffic it routes (its
    CPU follows that traffic, not `net`)."""

    @model_validator(mode="after")
    def _used(self) -> Appliance:
        if self.disk_used is not None and self.disk_used > self.disk:
            raise ValueError(f"disk_used ({self.disk_used} GiB) is larger than disk ({self.disk} GiB)")
        if self.routes:
            if self.balances:
                raise ValueError("an appliance either balances or routes, not both")
            if self.nics < 2:
                raise ValueError(f"a router (routes = true) needs at least 2 NICs, one on each VLAN "
                                 f"it joins; it has {self.nics}")
            if self.net <= 0:
                raise ValueError("a router (routes = true) needs net > 0: its CPU per Mbit/s is "
                                 "worked out from its baseline traffic")
        return self


class Tier(Strict):
    """One tier of a service chain; up while at least one of its VMs is healthy."""

    name: Name
    vms: list[str] = []
    """VM names or globs."""
    servers: list[Name] = []
    """Bare-metal servers (hosts with `hypervisor = "none"` and a `workload`) that serve it too."""
    empty: bool = False
    """A tier of a new service with no members yet: down until a VM joins it (`vm service`)."""

    @model_validator(mode="after")
    def _members(self) -> Tier:
        if not self.vms and not self.servers and not self.empty:
            raise ValueError("a tier needs members: vms, servers or both (or empty = true for "
                             "a tier that VMs join during play)")
        return self


class Service(Strict):
    """A `[[services]]` entry: a chain of tiers; up while every tier is up."""

    name: Name
    tiers: list[Tier] = Field(min_length=1)
    min_served: Annotated[float, Field(gt=0, le=1)] = 0.8
    """A VM counts as healthy only while it gets at least this fraction of the CPU it demands."""
    max_latency_ms: Positive = 50
    """…and while its storage latency stays under this."""


EventKind = Literal[
    "load_spike",
    "profile_change",
    "host_failure",
    "host_recover",
    "host_isolated",
    "uplink_down",
    "uplink_up",
    "upstream_down",
    "upstream_up",
    "trunk_prune",
    "uplink_flap",
    "datastore_fill",
    "bad_change",
    "guest_hang",
    "message",
    "disk_failure",
    "datastore_apd",
    "datastore_pdl",
]

_EVENT_NEEDS: dict[str, tuple[str, ...]] = {
    "load_spike": ("targets", "factor"),
    "profile_change": ("targets", "profile"),
    "host_failure": ("host",),
    "host_recover": ("host",),
    "host_isolated": ("host",),
    "uplink_down": ("host", "uplink"),
    "uplink_up": ("host", "uplink"),
    "upstream_down": ("host", "uplink"),
    "upstream_up": ("host", "uplink"),
    "trunk_prune": ("host", "vlan"),
    "uplink_flap": ("host", "uplink"),
    "datastore_fill": ("datastore", "gib"),
    "bad_change": ("vm",),
    "guest_hang": ("vm",),
    "message": ("text",),
    "disk_failure": ("host",),
    "datastore_apd": ("datastore",),
    "datastore_pdl": ("datastore",),
}


class Event(Strict):
    """An `[[events]]` entry: something that happens at a fixed sim time."""

    at: Seconds
    kind: EventKind
    targets: Annotated[list[str], Field(min_length=1)] | None = None
    """VM names or globs (load_spike, profile_change)."""
    factor: Annotated[float, Field(gt=0, le=100)] | None = None
    duration: Positive | None = None
    """Seconds the effect lasts: a load_spike, host_isolated or bad_change ends, a failed host
    or a downed uplink comes back, an upstream failure is repaired, a datastore's paths come back
    after datastore_apd; a datastore_fill spreads its GiB over it; an uplink_flap stops (the
    link stays up). None = for good (a trunk_prune always lasts until the player acts)."""
    profile: Name | None = None
    host: Name | None = None
    uplink: Name | None = None
    vlan: Annotated[int, Field(ge=0, le=4094)] | None = None
    """The VLAN a trunk_prune removes (from `uplink`'s switch port, or from every uplink of
    `host` when no uplink is named)."""
    datastore: Name | None = None
    gib: Positive | None = None
    vm: Name | None = None
    device: Annotated[int, Field(ge=1, le=64)] | None = None
    """disk_failure: which of the host's `vsan_disks` fails (1 is the first; default 1)."""
    text: str | None = None
    warning: Seconds | None = None
    """Seconds of advance warning: a message is logged this long before the event."""
    warning_text: str | None = None

    @model_validator(mode="after")
    def _needs(self) -> Event:
        missing = [k for k in _EVENT_NEEDS[self.kind] if getattr(self, k) is None]
        if missing:
            raise ValueError(f"a {self.kind} event needs {', '.join(missing)}")
        if self.kind == "guest_hang" and self.duration is not None:
            raise ValueError("a guest_hang lasts until the VM boots again; it takes no duration")
        if self.warning is not None and self.warning > self.at:
            raise ValueError(
                f"warning ({self.warning:g} s ahead) would fall before the level starts (at = {self.at:g})"
            )
        return self


class Incident(Strict):
    """An `[[incidents]]` entry: seeded random trouble, drawn up front from its own RNG stream."""

    kind: Literal["load_spike", "host_failure", "uplink_down", "upstream_down", "uplink_flap",
                  "trunk_prune", "datastore_fill", "bad_change", "disk_failure"]
    rate_per_hour: Annotated[float, Field(gt=0, le=60)]
    targets: Annotated[list[str], Field(min_length=1)] = ["*"]
    """Names or globs of the VMs, hosts or datastores it may hit (disk_failure: hosts, of
    which those with `vsan_disks`; one of their devices at random)."""
    start: Seconds = 0
    end: Seconds | None = None
    """Window in sim-seconds (default: the whole level)."""
    factor: Annotated[float, Field(gt=0, le=100)] = 3.0
    duration: Positive = 600
    gib: Positive = 100
    warning: Seconds | None = None


ObjectiveKind = Literal[
    "service_uptime",
    "max_vm_downtime",
    "max_cpu_ready",
    "cpu_ready_seconds",
    "mean_cpu_ready",
    "datastore_below",
    "host_state_by",
    "config",
    "max_power_kw",
    "max_cost",
    "max_commands",
    "max_rack_units",
    "max_yearly_cost",
]

ConfigCheck = Literal[
    "ha_enabled", "admission", "drs_enabled", "rule", "ha_priority", "no_snapshots", "host_patched",
    "vsan_data_safe",
]
"""What a `config` objective checks (an assessment item, met or not; see docs/levels.md)."""

OBJECTIVE_NEEDS: dict[str, tuple[str, ...]] = {
    "service_uptime": ("service", "target"),
    "max_vm_downtime": ("target",),
    "max_cpu_ready": ("target",),
    "cpu_ready_seconds": ("target",),
    "mean_cpu_ready": ("target",),
    "datastore_below": ("datastore", "target"),
    "host_state_by": ("host", "state", "by"),
    "config": ("check",),
    "max_power_kw": ("target",),
    "max_cost": ("target",),
    "max_commands": ("target",),
    "max_rack_units": ("target",),
    "max_yearly_cost": ("target",),
}

CHECK_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # check: (keys it needs, keys it may take besides `by`)
    "ha_enabled": (("cluster",), ()),
    "admission": (("cluster",), ("failures",)),
    "drs_enabled": (("cluster",), ("mode",)),
    "rule": (("cluster",), ("vms", "rule_type")),
    "ha_priority": (("priority",), ("vms",)),
    "no_snapshots": ((), ("vms", "older_than")),
    "host_patched": (("host",), ()),
    "vsan_data_safe": ((), ("vms",)),
}
CONFIG_ONLY = ("check", "cluster", "failures", "mode", "rule_type", "priority", "older_than")
"""Keys only a `config` objective takes (and only the checks above that name them; the
cross-checks refuse the others)."""


class Objective(Strict):
    """An `[[objectives]]` entry. `target` is perfect, `worst` scores zero, linear in between;
    a `config` objective (an assessment item) is met or not."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
    kind: ObjectiveKind
    description: str | None = None
    weight: Annotated[float, Field(gt=0)] = 1
    required: bool = False
    target: float | None = None
    worst: float | None = None
    service: str | None = None
    """service_uptime: a service name, or "*" for every service (the worst one counts)."""
    vms: str = "*"
    """VM name or glob: the VMs a downtime, ready or config (rule, ha_priority, no_snapshots)
    objective looks at."""
    datastore: str | None = None
    host: Name | None = None
    """host_state_by, config host_patched: the host."""
    state: HostState | None = None
    by: Seconds | None = None
    """host_state_by, config: the deadline; the result is frozen then."""
    when: Literal["end", "always"] = "end"
    threshold: Annotated[float, Field(ge=0, le=100)] | None = None
    """cpu_ready_seconds: the CPU ready % per vCPU above which a VM counts as waiting (default
    10)."""
    check: ConfigCheck | None = None
    """config: what is checked."""
    cluster: Name | None = None
    """config (ha_enabled, admission, drs_enabled, rule): the cluster."""
    failures: Annotated[int, Field(ge=1, le=4)] | None = None
    """config admission: host failures the reserve must cover, at least (default 1)."""
    mode: Literal["manual", "partial", "full"] | None = None
    """config drs_enabled: the least automation wanted (manual < partial < full)."""
    rule_type: DrsRuleType | None = None
    """config rule: the type of rule wanted (default: any)."""
    priority: RestartPriority | None = None
    """config ha_priority: the least restart priority wanted."""
    older_than: Seconds | None = None
    """config no_snapshots: allow snapshots younger than this (default: none at all)."""

    @model_validator(mode="after")
    def _fields(self) -> Objective:
        needs = OBJECTIVE_NEEDS[self.kind]
        missing = [k for k in needs if getattr(self, k) is None]
        if missing:
            raise ValueError(f"a {self.kind} objective needs {', '.join(missing)}")
        if self.kind == "service_uptime" and self.target is not None and not 0 < self.target <= 1:
            raise ValueError("service_uptime target is a fraction between 0 and 1, e.g. 0.99")
        if self.kind == "config":
            check = str(self.check)
            missing = [k for k in CHECK_KEYS[check][0] if getattr(self, k) is None]
            if missing:
                raise ValueError(f"check = \"{check}\" needs {', '.join(missing)}")
        return self


class Lesson(Strict):
    """A `[[lessons]]` entry: what the debrief and `vdc report` tell a player whose run shows a
    known mistake — the better play, and why, with the command. Every condition given must hold
    (at least one is given)."""

    text: str = Field(min_length=1)
    """One or two sentences: what happened, what a better operator does, the command."""
    objective: str | None = None
    """The lesson applies when this objective (its id) was not met at the end."""
    event: EventKindName | None = None
    """…when an event of this kind happened (to `subject`, if given)."""
    subject: str | None = None
    """With `event`: the event's subject (a name or glob, e.g. "db-*")."""
    command: str | None = None
    """…when the player gave an accepted command whose text matches this glob
    (e.g. "power off mail-*")."""
    without: str | None = None
    """…when the player gave no accepted command matching this glob (e.g. "snapshot create *")."""
    refused: str | None = None
    """…when the game refused a command of the player whose text matches this glob
    (e.g. "vmotion db-01 *")."""

    @model_validator(mode="after")
    def _some_condition(self) -> Lesson:
        if (self.objective is None and self.event is None and self.command is None
                and self.without is None and self.refused is None):
            raise ValueError("a lesson needs a condition: objective, event, command, without or refused")
        if self.subject is not None and self.event is None:
            raise ValueError("`subject` goes with `event` (the event's subject)")
        return self


class Level(Strict):
    """A whole level file."""

    level: LevelMeta
    clusters: list[Cluster] = Field(default=[], max_length=128, description="At most 128 clusters.")
    hosts: list[Host] = Field(min_length=1, max_length=1_024, description="1 to 1,024 hosts.")
    datastores: list[Datastore] = Field(default=[], max_length=512, description="At most 512 datastores.")
    networks: list[Network] = Field(default=[], max_length=256, description="At most 256 networks (standard vSwitches).")
    profiles: list[Profile] = Field(default=[], max_length=256, description="At most 256 workload profiles.")
    vms: list[Vm] = Field(default=[], max_length=32_000, description="At most 32,000 VMs.")
    services: list[Service] = Field(default=[], max_length=4_000, description="At most 4,000 services.")
    appliances: list[Appliance] = Field(
        default=[], max_length=64, description="At most 64 appliances (added to the shipped catalogue)."
    )
    events: list[Event] = Field(default=[], max_length=5_000, description="At most 5,000 timeline events.")
    incidents: list[Incident] = Field(default=[], max_length=1_000, description="At most 1,000 incident generators.")
    objectives: list[Objective] = Field(default=[], max_length=256, description="At most 256 objectives.")
    lessons: list[Lesson] = Field(default=[], max_length=256, description="At most 256 lessons.")
