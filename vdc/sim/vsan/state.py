"""Provides vSAN's state: objects, their components on hosts, and the space they take.

One object per VM per vSAN datastore holds the VM's disks and swap file there; its policy
(FTT, RAID) decides its components, one per host (`vdc.scenario.vsan_rules`). A component is

- active — in sync;
- absent — its host is gone (failed, powered off, rebooting): rebuilt elsewhere after the
  60-minute repair delay unless the host returns first (then only the delta resyncs);
- degraded — its capacity device failed: the data is gone, rebuilt at once;
- rebuilding — a new copy being written on another host (replaces an absent/degraded one);
- resyncing — back from a returned host, catching up on the writes it missed.

An object is inaccessible while more components are absent or degraded than its FTT. Space:
a component takes weight × the VM's data GiB on its host (active, rebuilding and resyncing
ones; an absent host gives no capacity). Design/sim-facts.md §13.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from vdc.scenario import vsan_rules

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation
    from vdc.sim.model import Datastore, Vm

REPAIR_DELAY_S = 3600.0
"""Absent components are rebuilt after 60 min (`VSAN.ClomRepairDelay`, §13)."""
SLACK = 0.30
"""Share of raw capacity `vm policy` keeps free for rebuilds (≥ 30 % slack, §13)."""
WARN_PCT = 80.0
"""A change that takes a vSAN datastore above 80 % full is accepted with a warning (vSAN
starts rebalancing a device at ~80 %, §13)."""
IO_PAUSE_S = 6.0
"""vSAN pauses I/O to the objects of a failed capacity device for 5–7 s while it re-evaluates
their availability (§13); the midpoint."""
HELD = ("active", "rebuilding", "resyncing")
"""Component states whose data sits on a host that is up (it takes space there)."""
FAILED = ("absent", "degraded")
"""Component states that count against an object's FTT."""


@dataclass(slots=True)
class Component:
    id: int
    host: str
    """"" for a component that found no host (fewer hosts up than the policy needs)."""
    device: int
    weight: float
    """Raw GiB per GiB of the VM's data (a RAID-1 replica 1, a witness 0, RAID-5 1/3)."""
    state: str = "active"
    since: float = 0.0
    """When it entered its state (absent: when its host went away)."""
    replaces: int = 0
    """rebuilding: the id of the component it replaces; 0 for a new policy's layout."""
    task: int = 0
    """rebuilding / resyncing: its task id in `sim.tasks`."""
    gen: int = 0
    """The layout it belongs to: the object's `gen`, or `gen + 1` for a pending policy's."""


@dataclass(slots=True)
class VsanObject:
    vm: str
    datastore: str
    ftt: int
    raid: str
    components: list[Component]
    pending: tuple[int, str] | None = None
    """A policy change being laid out (its components have `gen = self.gen + 1`)."""
    gen: int = 0
    """The layout now; bumped when a policy change completes."""
    inaccessible: bool = False
    lost: bool = False
    """More components degraded than FTT: the data is gone for good."""

    @property
    def failed(self) -> int:
        """Components of its policy now that are absent or degraded."""
        return sum(1 for c in self.current() if c.state in FAILED)

    def current(self) -> list[Component]:
        """The components of its policy now (not a pending policy's new ones)."""
        return [c for c in self.components if c.gen == self.gen]

    def new_layout(self) -> list[Component]:
        """The components of a pending policy change."""
        return [c for c in self.components if c.gen != self.gen]


@dataclass
class VsanBoard:
    """Every vSAN object, the failed devices, the hosts' rebuild queues, storage path faults."""

    objects: dict[str, VsanObject] = field(default_factory=dict)
    """By `key(vm, datastore)`, in creation order."""
    failed_devices: dict[str, list[int]] = field(default_factory=dict)
    """host → indices of its capacity devices that failed."""
    gone_at: dict[str, float] = field(default_factory=dict)
    """host → when its components went absent (while it is away)."""
    epoch: dict[str, int] = field(default_factory=dict)
    """host → bumped each time it goes away (a stale repair timer does nothing)."""
    busy_until: dict[str, float] = field(default_factory=dict)
    """host → when its rebuild writer is free (rebuilds to one host run one after another)."""
    next_id: int = 1
    unreachable: dict[str, str] = field(default_factory=dict)
    """VM → datastore of its inaccessible object (kept by `failures.check_access`)."""
    synced: int = -1
    """The structure version objects were last made for (`layout.sync`)."""
    inaccessible_at: list[tuple[float, str]] = field(default_factory=list)
    """(time, VM) each time an object became inaccessible: data loss the debrief names."""
    apd: dict[str, dict[str, float]] = field(default_factory=dict)
    """datastore → host → when that host lost all paths to it (all paths down)."""
    pdl: dict[str, list[str]] = field(default_factory=dict)
    """datastore → hosts that lost it for good (permanent device loss)."""
    io_paused: dict[str, float] = field(default_factory=dict)
    """VM → until when vSAN pauses its I/O after a device failure (`IO_PAUSE_S`)."""
    version: int = 0
    """Bumped on every change (renderers redraw only then)."""

    def digest_part(self) -> dict[str, object]:
        return {
            "objects": [[o.vm, o.datastore, o.ftt, o.raid, o.inaccessible, o.lost,
                         [[c.host, c.state] for c in o.components]] for o in self.objects.values()],
            "devices": {h: list(v) for h, v in sorted(self.failed_devices.items())},
            "apd": {d: sorted(v) for d, v in sorted(self.apd.items())},
            "pdl": {d: sorted(v) for d, v in sorted(self.pdl.items())},
            "lost": len(self.inaccessible_at),
        }


def key(vm: str, datastore: str) -> str:
    return f"{vm}@{datastore}"


def vsan_datastores(sim: Simulation) -> list[Datastore]:
    return [d for d in sim.inv.datastores.values() if d.type == "vsan"]


def contributes(sim: Simulation, host: str) -> bool:
    """Whether a host's devices are part of the datastore now: it is up (not failed, off or
    rebooting) and not in maintenance mode."""
    return sim.inv.hosts[host].state in ("on", "isolated")


def host_devices(sim: Simulation, ds: Datastore, host: str) -> list[int]:
    """Indices of `host`'s healthy capacity devices in `ds` (empty while it is away)."""
    if not contributes(sim, host):
        return []
    bad = sim.vsan.failed_devices.get(host, [])
    return [i for i in range(len(ds.devices.get(host, []))) if i not in bad]


def host_capacity(sim: Simulation, ds: Datastore, host: str) -> float:
    sizes = ds.devices.get(host, [])
    return float(sum(sizes[i] for i in host_devices(sim, ds, host)))


def contributing(sim: Simulation, ds: Datastore) -> list[str]:
    """The datastore's hosts that give capacity now, in level order."""
    return [h for h in ds.hosts if host_devices(sim, ds, h)]


def refresh_capacity(sim: Simulation, ds: Datastore) -> None:
    """`ds.capacity` = the healthy devices of the hosts up now."""
    ds.capacity = max(sum(host_capacity(sim, ds, h) for h in ds.hosts), 1e-9)


def data_gib(sim: Simulation, vm: Vm, ds: str) -> float:
    """GiB of the VM's data on `ds`: its disks there, and its swap file while it runs from
    there (before any copies)."""
    sim.flush_disks()  # thin disks as they have grown up to now
    gib = sum(d.allocated for d in vm.disks if d.datastore == ds)
    if vm.power == "on" and vm.home_datastore == ds:
        gib += vm.swap_gib
    return gib


def held_factor(obj: VsanObject | None) -> float:
    """Raw GiB held on hosts that are up per GiB of data (2 for FTT 1 RAID-1 in sync, 1 while
    one copy is absent, 3 while it re-lays out as FTT 2)."""
    if obj is None:
        return 1.0
    return float(sum(c.weight for c in obj.components if c.state in HELD))


def factor_of(sim: Simulation, vm: str, ds: str) -> float:
    """What the sampler multiplies the VM's GiB on `ds` by: 1 off vSAN."""
    d = sim.inv.datastores.get(ds)
    if d is None or d.type != "vsan":
        return 1.0
    obj = sim.vsan.objects.get(key(vm, ds))
    return held_factor(obj) if obj is not None else vsan_rules.factor(d.ftt, d.raid)


def usage(sim: Simulation, ds: Datastore) -> dict[str, float]:
    """Raw GiB on each host of `ds` (one pass over its objects): the components held there,
    and an even share of the other data on the hosts that give capacity."""
    used = dict.fromkeys(ds.hosts, 0.0)
    for o in sim.vsan.objects.values():
        if o.datastore != ds.name:
            continue
        data = data_gib(sim, sim.inv.vms[o.vm], ds.name)
        for c in o.components:
            if c.state in HELD and c.host in used:
                used[c.host] += c.weight * data
    up = contributing(sim, ds)
    for h in up:
        used[h] += ds.other_used / len(up)
    return used


def host_used(sim: Simulation, ds: Datastore, host: str) -> float:
    """Raw GiB on `host` in `ds` (see `usage`)."""
    return usage(sim, ds)[host]


def state_of(o: VsanObject) -> str:
    """compliant | reduced (accessible, a component of its layout absent, degraded or
    resyncing) | inaccessible | lost. Copies written beside a whole layout (a full
    evacuation's, a new policy's) do not reduce it: every copy it had is still there."""
    if o.lost:
        return "lost"
    if o.inaccessible:
        return "inaccessible"
    if any(c.state in (*FAILED, "resyncing") for c in o.current()):
        return "reduced"
    return "compliant"
