"""vSAN (hyper-converged storage) and storage faults: design/sim-facts.md §2 (VMCP), §10, §13.

`state` holds the objects and components and what they take, `layout` where components go,
`failures` absent/degraded components, rebuilds and resyncs, `commands` the `vm policy`
handler. A vsan datastore is built from its hosts' `vsan_disks`; each VM's data on it is kept
by its storage policy. The face the engine, the sampler and the dispatcher use:
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from vdc.sim.vsan import evacuate, failures, layout, paths
from vdc.sim.vsan.commands import HANDLERS
from vdc.sim.vsan.state import VsanBoard, factor_of, key, refresh_capacity, vsan_datastores

if TYPE_CHECKING:
    from vdc.sim.contention import Sampler
    from vdc.sim.engine import Simulation
    from vdc.sim.model import Vm

__all__ = ["HANDLERS", "OPS", "apply", "build", "host_down", "host_up", "hung", "load", "refusal"]

OPS = ("disk_failure", "datastore_apd", "datastore_apd_end", "datastore_pdl")
"""Timeline operations this package applies (`apply`)."""


def build(sim: Simulation) -> VsanBoard:
    """The board at the start: capacities from the hosts up; objects are made by `sync`."""
    board = VsanBoard()
    sim.vsan = board
    for ds in vsan_datastores(sim):
        refresh_capacity(sim, ds)
    for h in sorted({h for ds in vsan_datastores(sim) for h in ds.hosts}):
        if sim.inv.hosts[h].state in ("failed", "off", "maintenance"):
            board.gone_at[h] = 0.0
    layout.sync(sim)
    return board


def host_down(sim: Simulation, host: str, vms: list[str]) -> None:
    """A host failed (or powered off, or began rebooting): its components are absent."""
    failures.host_gone(sim, host)


def host_up(sim: Simulation, host: str) -> None:
    """A host is up again: its components resync what they missed."""
    failures.host_back(sim, host)


def sample(sim: Simulation) -> None:
    """Before each sample: objects for VMs whose disks came to a vSAN datastore (a Storage
    vMotion, a new VM), made at sample times so that replays make them at the same moment."""
    board = sim.vsan
    if board.synced != sim.structure_version and (board.objects or vsan_datastores(sim)):
        changed = layout.sync(sim)
        if changed:
            sim.touch()
        board.synced = sim.structure_version


def holds_data(sim: Simulation, host: str) -> bool:
    """Whether `host` gives capacity devices to a vSAN datastore (maintenance has data modes)."""
    return any(ds.devices.get(host) for ds in vsan_datastores(sim))


def maintenance_check(sim: Simulation, host: str, mode: str) -> str:
    """Check that `host` can enter maintenance with vSAN data mode `mode` (`Rejected` with the
    numbers if not); what it will leave at risk ("" when nothing)."""
    evacuate.plan(sim, host, mode)
    return evacuate.warning(sim, host, mode)


def maintenance_modes(sim: Simulation, host: str) -> list[evacuate.ModeRow]:
    """What each data mode would do if `host` entered maintenance now (the dialog's rows)."""
    return evacuate.modes(sim, host)


def maintenance_start(sim: Simulation, host: str, mode: str) -> int:
    """Copy off what `mode` needs before `host` is in maintenance; how many components."""
    return evacuate.start(sim, host, mode)


def maintenance_pending(sim: Simulation, host: str) -> int:
    """Components of `host` still being copied off before it can be in maintenance."""
    return evacuate.pending(sim, host)


def apply(sim: Simulation, op: str, params: dict[str, object]) -> None:
    """A timeline event of this package (`OPS`)."""
    if op == "disk_failure":
        device = params.get("device") or 1
        assert isinstance(device, int)
        failures.device_failed(sim, str(params["host"]), device - 1)
        return
    ds = str(params["datastore"])
    host = str(params["host"]) if params.get("host") else None
    {"datastore_apd": paths.apd_start, "datastore_apd_end": paths.apd_end,
     "datastore_pdl": paths.pdl}[op](sim, ds, host)


def load(s: Sampler) -> None:
    """The sampler's per-disk space factors (raw GiB per GiB on vSAN by policy, 1 elsewhere)
    and swap files scaled the same way; run after it loads the disks."""
    sim = s.sim
    if not vsan_datastores(sim):
        s.disk_factor = np.ones(len(s.disks))
        return
    vms = [sim.inv.vms[n] for n in s.vm_names]
    f = [factor_of(sim, v.name, d.datastore) if d.datastore is not None else 1.0
         for v in vms for d in v.disks]
    s.disk_factor = np.array(f, dtype=float)
    home = [factor_of(sim, v.name, v.home_datastore) if v.home_datastore is not None else 1.0 for v in vms]
    s.vm_swap = s.vm_swap * np.array(home, dtype=float)


def rebuild_mbps(sim: Simulation, ds_names: list[str]) -> np.ndarray:
    """MB/s each datastore's hosts write for rebuilds and resyncs now (each busy host at its
    `vsan_rebuild_mbps`): load that competes with the guests' I/O."""
    out = np.zeros(len(ds_names))
    now = sim.now
    busy = [h for h, until in sim.vsan.busy_until.items() if until > now + 1e-9]
    if busy:
        for i, name in enumerate(ds_names):
            ds = sim.inv.datastores[name]
            if ds.type == "vsan":
                out[i] = sum(sim.inv.hosts[h].vsan_rebuild_mbps for h in busy if h in ds.devices)
    return out


def refusal(sim: Simulation, vm: Vm, host: str | None = None) -> str | None:
    """Why `vm` cannot run (on `host`, or anywhere) because of its storage (None if it can)."""
    board = sim.vsan
    ds = board.unreachable.get(vm.name)
    if ds is not None:
        lost = board.objects[key(vm.name, ds)].lost
        gone = "its data is lost" if lost else "too many of its hosts are away"
        return f"{vm.name}'s data on {ds} is inaccessible ({gone})"
    if not board.apd and not board.pdl:
        return None
    return paths.refusal(sim, vm, host)


def hung(sim: Simulation) -> set[str]:
    """Running VMs whose I/O hangs: all paths down to one of their datastores, or vSAN's
    pause after a device failure."""
    out = paths.hung(sim) if sim.vsan.apd else set()
    out.update(sim.vsan.io_paused)
    return out


def space_factor(sim: Simulation, vm: str, datastore: str) -> float:
    """Raw GiB per GiB of `vm`'s data on `datastore` (1 off vSAN)."""
    return factor_of(sim, vm, datastore)


def object_key(vm: str, datastore: str) -> str:
    return key(vm, datastore)
