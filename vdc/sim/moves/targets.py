"""Provides the rows of the vMotion dialog: every host a VM could move to, what the move would
do to it and how long it would take; for a host that does not see the VM's storage, the
datastores its disks could go to with it (a shared-nothing vMotion) and how long each takes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from vdc.sim import checks
from vdc.sim.checks import Rejected
from vdc.sim.moves import disks
from vdc.sim.moves.svmotion import DatastoreRow
from vdc.sim.moves.vmotion import check_vmotion, estimate

if TYPE_CHECKING:
    import numpy as np

    from vdc.sim.engine import Simulation
    from vdc.sim.model import Host, Vm


@dataclass(frozen=True, slots=True)
class TargetRow:
    """What moving a VM to one host would do (the vMotion dialog's rows).

    CPU and memory are the host's, as the Hosts panel shows them (CPU used, active memory, %
    of the host), now and after the move (with the VM's demand and active memory added).
    """

    host: str
    cpu_pct: float
    """After the move."""
    mem_pct: float
    """After the move."""
    refusal: str
    """"" when compatible, else the reason the move would be refused."""
    duration_s: float
    state: str = "on"
    """The host's state (on, off, maintenance, failed, …)."""
    maintenance: bool = False
    """In maintenance mode beside its state (a host powered off in maintenance mode)."""
    cpu_now_pct: float = 0.0
    mem_now_pct: float = 0.0
    disks_move: bool = False
    """The host does not see the VM's storage: its disks must move with it (a shared-nothing
    vMotion; `duration_s` is the fastest datastore's, `relocation_targets` lists them)."""


def targets(sim: Simulation, vm_name: str) -> list[TargetRow]:
    """Every other hypervisor host: its state, CPU and memory % now and after the move, the
    refusal, the expected duration."""
    vm = sim.inv.vms[vm_name]
    s = sim.sampler
    src = sim.inv.hosts[vm.host]
    i = s.vm_index.get(vm.name) if s.built_version >= 0 else None
    demand, active = _at(s.vm_cpu_demand, i), _at(s.vm_mem_active, i)
    rows = []
    for h in sim.inv.hosts.values():
        if h.name == vm.host or h.hypervisor == "none":
            continue
        j = s.host_index.get(h.name) if s.built_version >= 0 else None
        cpu, mem = _at(s.host_cpu_pct, j), _at(s.host_mem_pct, j)
        try:
            check_vmotion(sim, vm, h)
            why = ""
        except Rejected as e:
            why = str(e)
        duration = estimate(sim, vm, src, h)[1] if not why else 0.0
        disks_move = False
        if why and not _sees_storage(sim, vm, h):
            ok = [r.duration_s for r in relocation_targets(sim, vm_name, h.name) if not r.refusal]
            if ok:
                why, duration, disks_move = "", min(ok), True
        rows.append(TargetRow(h.name, cpu + 100.0 * demand / h.capacity_mhz,
                              mem + 100.0 * active / h.memory, why, duration,
                              state=h.state, cpu_now_pct=cpu, mem_now_pct=mem,
                              maintenance=h.maintenance, disks_move=disks_move))
    return rows


def _sees_storage(sim: Simulation, vm: Vm, h: Host) -> bool:
    """Whether `h` mounts every datastore the VM's disks are on."""
    return all(d.datastore is None or h.name in sim.inv.datastores[d.datastore].hosts for d in vm.disks)


def relocation_targets(sim: Simulation, vm_name: str, host: str) -> list[DatastoreRow]:
    """Every datastore `host` mounts, for `vm_name`'s disks moving with it (a shared-nothing
    vMotion): GiB free after the move, the refusal, the expected duration."""
    vm, h = sim.inv.vms[vm_name], sim.inv.hosts[host]
    src = sim.inv.hosts[vm.host]
    rows = []
    for name in sim.inv.mounted(host):
        ds = sim.inv.datastores[name]
        try:
            check_vmotion(sim, vm, h, datastore=ds)
            why = ""
        except Rejected as e:
            why = str(e)
        free_after = checks.free_gib(sim, ds) - disks.held_gib(sim, vm, ds)
        rows.append(DatastoreRow(name, free_after, why, estimate(sim, vm, src, h, ds)[1] if not why else 0.0))
    return rows


def _at(values: np.ndarray, index: int | None) -> float:
    """One sampled value (0 before the first sample, or for an object added since)."""
    return float(values[index]) if index is not None and index < values.size else 0.0
