"""Provides the live inventory: hosts, clusters, datastores, networks, VMs and services.

These are plain mutable objects owned by the `Simulation`; commands and timeline events change
them, and the contention sampler caches them in flat arrays (see `contention.py`). Renderers
never see them: they read `Simulation.view()`.
Units: GiB for memory and disk, MHz for CPU, Mbit/s for network, seconds for time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vdc.scenario import schema, vsan_rules
from vdc.scenario.names import expand
from vdc.sim.slotstate import quick_pickle

# Host states a level may start in, plus the transitional "booting".
PARAVIRTUAL_NIC = {"esxi": "vmxnet3", "kvm": "virtio", "none": "vmxnet3"}
"""Each hypervisor's paravirtual NIC: a VM's adapter when the level names none."""
PARAVIRTUAL_DISK = {"esxi": "pvscsi", "kvm": "virtio", "none": "pvscsi"}
"""Each hypervisor's paravirtual disk controller: a disk's when the level names none."""

PARAVIRTUAL = frozenset({"vmxnet3", "virtio", "pvscsi"})
"""Adapter types whose driver comes with Tools (the guest has none in-box)."""

HOST_STATES = ("on", "off", "maintenance", "failed", "isolated", "booting")


@dataclass(slots=True)
class Uplink:
    """A physical NIC (vmnic) and the trunk of the switch port it plugs into."""

    name: str
    speed: int
    vlans: tuple[int, ...] | None  # None = every VLAN trunked
    link_up: bool = True
    upstream_ok: bool = True
    """False while the network beyond the switch port has failed (the link stays up)."""
    failed: bool = False
    """The team has failed this uplink over (it saw the failure): it sends nothing on it."""
    changes: int = 0
    """Bumped by every link or upstream change (a detection scheduled before is stale)."""
    pruned: tuple[int, ...] = ()
    """VLANs removed from a trunk that allowed every VLAN (`vlans` None)."""
    flapping: int = 0
    """While the link flaps: which flap it is (its steps stop when this changes); 0 = stable."""

    def trunks(self, vlan: int) -> bool:
        """Whether the switch port's trunk allows `vlan`."""
        return (vlan in self.vlans) if self.vlans is not None else vlan not in self.pruned

    def carries(self, vlan: int) -> bool:
        return self.link_up and self.trunks(vlan)

    def delivers(self, vlan: int) -> bool:
        """Whether a frame on `vlan` sent on this uplink gets through (link, upstream, trunk)."""
        return self.link_up and self.upstream_ok and self.trunks(vlan)


@dataclass(slots=True)
class PortGroup:
    name: str
    vlan: int
    vmkernel: str | None = None
    uplinks: tuple[str, ...] | None = None
    """The team members this port group uses (its failover-order override): the uplinks whose
    trunk carried its VLAN when the VLAN was set; None = the whole team (`vdc.sim.netpath`)."""
    gateway: str = "physical"
    """physical | appliance: whether a switch upstream routes this VLAN to the others, or only
    a router appliance does (`vdc.sim.provision.routing`)."""


@dataclass(slots=True)
class VSwitch:
    """A standard vSwitch on one host: uplinks by NIC name, port groups by name."""

    name: str
    uplinks: list[str]
    portgroups: dict[str, PortGroup]
    policy: str = "port-id"
    """port-id | mac-hash | ip-hash | explicit (`vdc.sim.netpath`)."""
    active: list[str] = field(default_factory=list)
    standby: list[str] = field(default_factory=list)
    detection: str = "link"
    """link | beacon"""
    ether_channel: bool = False
    distributed: bool = False
    """A distributed switch (vDS): LACP is possible."""
    lacp_rate: str = "slow"
    """fast (LACPDUs every 1 s) | slow (every 30 s): a member is removed after 3 missed."""


@dataclass(slots=True)
class Host:
    name: str
    cluster: str | None
    hypervisor: str
    cores: int
    mhz: int
    memory: float
    cpu_vendor: str
    cpu_generation: int
    nics: dict[str, Uplink]
    vswitches: list[VSwitch]
    local_disk: float
    luns: list[str]
    power_idle: float
    power_busy: float
    rack_units: int
    cost: float
    state: str
    """What the host does now: on, off, booting, failed, isolated, or "maintenance" (on and in
    maintenance mode)."""
    boot_s: float
    co_scheduling: str = "relaxed"
    """"relaxed" or "strict" (ESX 2.x gang scheduling), `compute/cpu.py`."""
    workload: str | None = None
    """A bare-metal server's application (a profile), while it still runs here: `p2v`'s
    cutover moves it into a VM and sets this to None."""
    load: float = 1.0
    disk_used: float = 0.0
    """GiB of a bare-metal server's local disk in use (what `p2v` copies)."""
    p2v_portgroup: str | None = None
    """Where a bare-metal server's network goes after `p2v` (its VM's NIC): level key
    `portgroup`."""
    vsan_rebuild_mbps: float = 400.0
    """MB/s this host writes rebuilt vSAN components at (`vdc.sim.vsan`)."""
    ready_at: float = 0.0  # when a booting host becomes "on"
    isolated_until: float | None = None
    maintenance: bool = False
    """Maintenance mode, a flag of its own beside the power state: kept across power off/on,
    reboot, failure and recovery until `maintenance exit` (as vSphere keeps it)."""

    def come_up(self) -> None:
        """The host finished booting: on, or back in maintenance mode if it was in it."""
        self.state = "maintenance" if self.maintenance else "on"

    @property
    def capacity_mhz(self) -> float:
        return float(self.cores * self.mhz)

    @property
    def runs_vms(self) -> bool:
        """Whether VMs on this host execute (an isolated host keeps running them)."""
        return self.state in ("on", "isolated", "maintenance")

    @property
    def accepts_vms(self) -> bool:
        """Whether a VM may be powered on or placed here."""
        return self.state == "on" and self.hypervisor != "none"

    def portgroup(self, name: str) -> tuple[VSwitch, PortGroup] | None:
        for vs in self.vswitches:
            pg = vs.portgroups.get(name)
            if pg is not None:
                return vs, pg
        return None

    def carries(self, portgroup: str) -> bool:
        """Whether a VM NIC on `portgroup` reaches the physical network from this host."""
        found = self.portgroup(portgroup)
        if found is None or self.state == "isolated":
            return False
        vs, pg = found
        return any(self.nics[u].carries(pg.vlan) for u in vs.uplinks if u in self.nics)

    def uplink_mbps(self) -> float:
        """Total speed of this host's up uplinks (what its VMs' traffic can use)."""
        return float(sum(n.speed for n in self.nics.values() if n.link_up))


@dataclass(slots=True)
class Rule:
    """A DRS rule: VM-VM (`vms`) or VM-host (`vm_group` to `host_group`); see `vdc.sim.affinity`."""

    name: str
    type: str
    """keep-together | keep-apart | must-run-on | should-run-on | must-not-run-on"""
    vms: list[str]
    vm_group: str = ""
    host_group: str = ""


@dataclass(slots=True)
class HaSettings:
    """A cluster's vSphere HA settings now (the level's `[clusters.ha]`, then `ha` commands)."""

    enabled: bool = False
    admission: str = "disabled"
    """disabled | slots | percent | failover-hosts"""
    failures: int = 1
    """Host failures to tolerate (slots, and percent without explicit shares)."""
    isolation_response: str = "none"
    """none | power-off | shutdown"""
    default_priority: str = "medium"
    cpu_pct: float | None = None
    """percent: the CPU share reserved, when given explicitly (`ha admission C percent 25 25`)."""
    mem_pct: float | None = None
    failover_hosts: list[str] = field(default_factory=list)
    """failover-hosts: the dedicated hosts kept empty."""
    vmcp: bool = False
    """VM Component Protection: restart VMs whose datastore lost all paths (APD) or is
    permanently lost (PDL), `vdc.sim.vsan.paths`."""
    vm_monitoring: bool = False
    """Reset VMs whose Tools heartbeats stop (`ha/monitoring.py`)."""


@dataclass(slots=True)
class DrsSettings:
    """A cluster's DRS settings now (the level's `[clusters.drs]`, then `drs` commands)."""

    enabled: bool = False
    mode: str = "manual"
    """manual | partial | full"""
    threshold: int = 3
    """Migration threshold 1 (mandatory moves only) … 5 (aggressive)."""


@dataclass(slots=True)
class Cluster:
    name: str
    hosts: list[str]
    evc: str | None
    host_groups: dict[str, list[str]]
    ha: HaSettings
    drs: DrsSettings
    vm_groups: dict[str, list[str]] = field(default_factory=dict)
    rules: list[Rule] = field(default_factory=list)
    """DRS rules, oldest first."""


@dataclass(slots=True)
class Datastore:
    name: str
    type: str
    capacity: float
    other_used: float  # GiB not belonging to the level's VMs (ISOs, another tenant)
    iops: float
    mbps: float
    latency_ms: float
    hosts: list[str]
    used: float = 0.0  # recomputed by the sampler: other + disks + swap files
    ftt: int = 1
    """vsan: the default policy's failures to tolerate (`vdc.sim.vsan`)."""
    raid: str = "raid1"
    """vsan: the default policy's layout (raid1, raid5, raid6)."""
    devices: dict[str, list[float]] = field(default_factory=dict)
    """vsan: each host's capacity devices in GiB, as built (`vdc.sim.vsan` tracks failures);
    `capacity` is what the hosts up now give."""

    @property
    def pct(self) -> float:
        return 100.0 * self.used / self.capacity


@dataclass(slots=True)
class VmNic:
    portgroup: str
    adapter: str


@dataclass(slots=True)
class VmDisk:
    datastore: str | None
    lun: str | None
    size: float
    thin: bool
    used: float
    kind: str
    controller: str = "pvscsi"  # lsi | pvscsi | ide | virtio (vdc.sim.guest.adapters)

    @property
    def allocated(self) -> float:
        """GiB this disk takes on its datastore."""
        return self.used if self.thin else self.size


_PLACEMENTS = [0]
"""Bumped whenever any VM's `host` is set (in any inventory of the process): the key that tells
`Inventory.vms_on` its index by host may be stale."""


@dataclass(slots=True)
class Vm:
    name: str
    host: str
    vcpu: int
    memory: float
    cpu_reservation: float
    mem_reservation: float
    nics: list[VmNic]
    disks: list[VmDisk]
    tools: bool
    os: bool
    power: str  # "on" | "off"
    profile: str
    load: float
    ha_priority: str
    boot_s: float
    hot_add: bool
    up_at: float = 0.0  # when the guest has finished booting
    broken: bool = False  # a bad change is active
    hung_boot: float | None = None
    """The boot (its `up_at`) whose guest hung (`guest_hang`): hung while that boot lasts."""
    ha_resets: int = 0
    """Times HA VM monitoring reset it (at most `ha.monitoring.MAX_RESETS`)."""
    snapshots: list = field(default_factory=list)  # vdc.sim.snapshots.Snapshot, oldest first
    tools_installed_at: float | None = None  # `tools install` finished then (active after a reboot)
    appliance: str | None = None
    """The catalogue appliance it was deployed from (`deploy`); None for other VMs."""

    @property
    def has_tools(self) -> bool:
        """Tools run in the guest: installed from the start, or installed and the guest has
        booted since (an install takes effect only after a reboot)."""
        if self.tools:
            return True
        at = self.tools_installed_at
        return at is not None and self.up_at - self.boot_s >= at - 1e-9

    @property
    def nic_drivers_ok(self) -> bool:
        """Every NIC has a driver in the guest (emulated ones have in-box drivers)."""
        return self.has_tools or not any(n.adapter in PARAVIRTUAL for n in self.nics)

    @property
    def disk_drivers_ok(self) -> bool:
        """Every disk controller has a driver in the guest."""
        return self.has_tools or not any(d.controller in PARAVIRTUAL for d in self.disks)

    @property
    def hung(self) -> bool:
        """Its guest hung in this boot: it is on but serves nothing until it boots again."""
        return self.power == "on" and self.hung_boot is not None and self.hung_boot == self.up_at

    def is_running(self, now: float) -> bool:
        return self.power == "on" and now >= self.up_at

    @property
    def swap_gib(self) -> float:
        """Size of the .vswp file created at power-on (configured − reserved memory)."""
        return self.memory - self.mem_reservation

    @property
    def home_datastore(self) -> str | None:
        """Where the swap file lives: the datastore of the first vmdk disk."""
        for d in self.disks:
            if d.datastore is not None:
                return d.datastore
        return None



def _host_slot() -> None:
    """`Vm.host` counts its writes: setting any VM's host (made, moved, copied) bumps
    `_PLACEMENTS`, so `Inventory.vms_on` knows its index may be stale. The slot is read at C
    speed as before; only a write goes through Python."""
    slot = Vm.__dict__["host"]

    def write(vm: Vm, value: str) -> None:
        _PLACEMENTS[0] += 1
        slot.__set__(vm, value)

    Vm.host = property(slot.__get__, write)  # type: ignore[assignment, method-assign, misc]


_host_slot()

@dataclass(slots=True)
class Tier:
    name: str
    vms: list[str]
    servers: list[str] = field(default_factory=list)
    """Bare-metal servers serving it with their own `workload`."""


@dataclass(slots=True)
class Service:
    name: str
    tiers: list[Tier]
    min_served: float
    max_latency_ms: float


@dataclass(slots=True)
class Inventory:
    """Every object of the datacenter, by name, in level-file order."""

    clusters: dict[str, Cluster] = field(default_factory=dict)
    hosts: dict[str, Host] = field(default_factory=dict)
    datastores: dict[str, Datastore] = field(default_factory=dict)
    vms: dict[str, Vm] = field(default_factory=dict)
    services: dict[str, Service] = field(default_factory=dict)
    _on: dict[str, list[Vm]] = field(default_factory=dict)
    """The VMs of each host in inventory order (`vms_on`), valid for `_on_key`."""
    _on_key: tuple[int, int, int] = (-1, -1, -1)

    def vms_on(self, host: str) -> list[Vm]:
        """The VMs on `host`, in inventory order. Indexed once per change of placement (any VM's
        host set, a VM added or removed), not a scan of every VM per call."""
        key = (_PLACEMENTS[0], len(self.vms), id(next(reversed(self.vms.values()), None)))
        if key != self._on_key:
            on: dict[str, list[Vm]] = {}
            for v in self.vms.values():
                on.setdefault(v.host, []).append(v)
            self._on, self._on_key = on, key
        return list(self._on.get(host, ()))

    def mounted(self, host: str) -> list[str]:
        return [d.name for d in self.datastores.values() if host in d.hosts]


def build_inventory(level: schema.Level) -> Inventory:
    """Make the live inventory from a validated level (cross-checks already passed)."""
    inv = Inventory()
    host_names = [h.name for h in level.hosts]
    host_index = {n: i for i, n in enumerate(host_names)}
    _add_clusters(inv, level)
    _add_hosts(inv, level)
    _add_networks(inv, level, host_names, host_index)
    _add_datastores(inv, level, host_names, host_index)
    _add_vms(inv, level)
    _add_services(inv, level)
    return inv


def _add_clusters(inv: Inventory, level: schema.Level) -> None:
    for c in level.clusters:
        inv.clusters[c.name] = Cluster(
            name=c.name,
            hosts=[h.name for h in level.hosts if h.cluster == c.name],
            evc=c.evc,
            host_groups={k: list(v) for k, v in c.host_groups.items()},
            ha=HaSettings(**c.ha.model_dump()),
            drs=DrsSettings(**c.drs.model_dump()),
            vm_groups={k: list(v) for k, v in c.vm_groups.items()},
            rules=[Rule(r.name, r.type, list(r.vms), r.vm_group or "", r.host_group or "") for r in c.rules],
        )


def _add_hosts(inv: Inventory, level: schema.Level) -> None:
    for h in level.hosts:
        inv.hosts[h.name] = Host(
            name=h.name,
            cluster=h.cluster,
            hypervisor=h.hypervisor,
            cores=h.cores,
            mhz=h.mhz,
            memory=float(h.memory),
            cpu_vendor=h.cpu_vendor,
            cpu_generation=h.cpu_generation,
            nics={
                n.name: Uplink(
                    n.name, n.speed, tuple(n.vlans) if n.vlans is not None else None, n.link == "up",
                    failed=n.link != "up",
                )
                for n in h.nics
            },
            vswitches=[],
            local_disk=float(h.local_disk),
            luns=list(h.luns),
            power_idle=float(h.power_idle),
            power_busy=float(h.power_busy),
            rack_units=h.rack_units,
            cost=float(h.cost),
            state=h.state,
            boot_s=float(h.boot_s),
            maintenance=h.state == "maintenance",
            co_scheduling=h.co_scheduling,
            workload=h.workload,
            load=float(h.load),
            disk_used=float(h.disk_used if h.disk_used is not None else h.local_disk / 2),
            p2v_portgroup=h.portgroup,
            vsan_rebuild_mbps=float(h.vsan_rebuild_mbps),
        )


def _add_networks(inv: Inventory, level: schema.Level, host_names: list[str], host_index: dict[str, int]) -> None:
    """Each network is a standard vSwitch on every host it names."""
    for net in level.networks:
        for hn in expand(net.hosts, host_names, host_index):
            h = inv.hosts[hn]
            standby = list(net.standby)
            active = list(net.active) if net.active is not None else [
                u for u in net.uplinks if u not in standby]
            h.vswitches.append(
                VSwitch(
                    name=net.name,
                    uplinks=list(net.uplinks),
                    portgroups={
                        pg.name: PortGroup(pg.name, pg.vlan, pg.vmkernel,
                                           trunked_on(h, list(net.uplinks), pg.vlan), pg.gateway)
                        for pg in net.portgroups
                    },
                    policy=net.policy,
                    active=active,
                    standby=standby,
                    detection=net.detection,
                    ether_channel=net.ether_channel,
                    distributed=net.distributed,
                    lacp_rate=net.lacp_rate,
                )
            )


def trunked_on(h: Host, uplinks: list[str], vlan: int) -> tuple[str, ...] | None:
    """The uplinks whose trunk carries `vlan` now, as a port group's team override; None (the
    whole team) when all or none of them do."""
    on = tuple(u for u in uplinks if u in h.nics and h.nics[u].trunks(vlan))
    return None if not on or len(on) == len(uplinks) else on


def _add_datastores(inv: Inventory, level: schema.Level, host_names: list[str], host_index: dict[str, int]) -> None:
    disks = {h.name: [float(x) for x in h.vsan_disks] for h in level.hosts}
    for d in level.datastores:
        hosts = expand(d.hosts, host_names, host_index)
        devices = vsan_rules.devices(d.capacity, {n: disks[n] for n in hosts}) if d.type == "vsan" else {}
        inv.datastores[d.name] = Datastore(
            name=d.name,
            type=d.type,
            capacity=float(d.capacity or 0.0) if d.type != "vsan" else sum(sum(v) for v in devices.values()),
            other_used=float(d.used),
            iops=float(d.iops),
            mbps=float(d.mbps),
            latency_ms=float(d.latency_ms),
            hosts=hosts,
            ftt=d.ftt,
            raid=d.raid,
            devices=devices,
        )


def _add_vms(inv: Inventory, level: schema.Level) -> None:
    # A VM that sets no restart priority takes its cluster's HA default.
    cluster_of = {
        h.name: c.ha.default_priority for c in level.clusters for h in level.hosts if h.cluster == c.name
    }
    hv = {h.name: h.hypervisor for h in level.hosts}
    for v in level.vms:
        inv.vms[v.name] = Vm(
            name=v.name,
            host=v.host,
            vcpu=v.vcpu,
            memory=float(v.memory),
            cpu_reservation=float(v.cpu_reservation),
            mem_reservation=float(v.mem_reservation),
            nics=[
                VmNic(n.portgroup, n.adapter if "adapter" in n.model_fields_set else PARAVIRTUAL_NIC[hv[v.host]])
                for n in v.nics
            ],
            disks=[
                VmDisk(
                    datastore=d.datastore,
                    lun=d.lun,
                    size=float(d.size),
                    thin=d.thin,
                    used=float(d.used if d.used is not None else (d.size / 2 if d.thin else d.size)),
                    kind=d.kind,
                    controller=d.controller or PARAVIRTUAL_DISK[hv[v.host]],
                )
                for d in v.disks
            ],
            tools=v.tools,
            os=v.os,
            power=v.power,
            profile=v.profile,
            load=float(v.load),
            ha_priority=v.ha_priority if "ha_priority" in v.model_fields_set or v.host not in cluster_of
            else cluster_of[v.host],
            boot_s=float(v.boot_s),
            hot_add=v.hot_add,
        )


def _add_services(inv: Inventory, level: schema.Level) -> None:
    vm_names = list(inv.vms)
    vm_index = {n: i for i, n in enumerate(vm_names)}
    for s in level.services:
        inv.services[s.name] = Service(
            name=s.name,
            tiers=[Tier(t.name, expand(t.vms, vm_names, vm_index), list(t.servers)) for t in s.tiers],
            min_served=float(s.min_served),
            max_latency_ms=float(s.max_latency_ms),
        )


for _cls in (Uplink, PortGroup, VSwitch, Host, Rule, HaSettings, DrsSettings, Cluster, Datastore,
             VmNic, VmDisk, Vm, Tier, Service, Inventory):
    quick_pickle(_cls)  # checkpoints of the replay viewer restore tens of thousands of these
