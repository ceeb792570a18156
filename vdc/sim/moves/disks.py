"""Provides what moving a VM's disks needs, for both ways of moving them: which disks move and
how much space they take on the destination, and the checks of a shared-nothing vMotion's
destination datastore (the host and the disks move together, the disks over the network).

Storage vMotion (`svmotion`) copies through the host's storage path; a shared-nothing vMotion
(`vmotion` with a datastore) copies them over the vMotion link. Both hold the copy's space on
the destination until they end.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vdc.sim import checks, vsan
from vdc.sim.checks import Rejected, fmt
from vdc.sim.vsan import paths

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation
    from vdc.sim.model import Datastore, Host, Vm

SLOTS_PER_HOST = 2
"""Concurrent Storage vMotions per host, shared-nothing vMotions included (host cost 4 of 8, §5)."""


def moving(sim: Simulation, vm: Vm, dst: str) -> tuple[list[str], float]:
    """Source datastores and GiB of the VM's vmdk disks not already on `dst` (thin disks as
    they have grown up to now)."""
    sim.flush_disks()
    disks = [d for d in vm.disks if d.datastore is not None and d.datastore != dst]
    sources = list(dict.fromkeys(d.datastore for d in disks if d.datastore is not None))
    return sources, sum(d.allocated for d in disks)


def held_gib(sim: Simulation, vm: Vm, dst: Datastore) -> float:
    """GiB the destination holds for `vm`'s moving disks (vSAN keeps copies by its policy)."""
    gib = moving(sim, vm, dst.name)[1]
    return gib * vsan.space_factor(sim, vm.name, dst.name) if dst.type == "vsan" else gib


def cap_mbps(sim: Simulation, sources: list[str], dst: Datastore) -> float:
    """MB/s the datastores at both ends can carry for the copy: the slowest of them."""
    return min([dst.mbps] + [sim.inv.datastores[s].mbps for s in sources])


def check_relocation(sim: Simulation, vm: Vm, src: Host, dst: Host, ds: Datastore, *,
                     queued: bool = False) -> None:
    """Raise `Rejected` unless `vm`'s disks can go to `ds` over the vMotion network as it moves
    to `dst` (a shared-nothing vMotion). In place of the shared-storage checks of a vMotion.

    `queued`: checked in full when submitted; the licence is not asked again.
    """
    if not queued:
        checks.require_feature(sim, "svmotion")
    if dst.name not in ds.hosts:
        others = [d for d in sim.inv.mounted(dst.name) if d != ds.name]
        hint = f" (it mounts {', '.join(others)})" if others else ""
        raise Rejected(f"{dst.name} does not mount {ds.name}{hint}")
    sources, _ = moving(sim, vm, ds.name)
    if not sources:
        raise Rejected(f"{vm.name}'s disks are already on {ds.name}; move the VM alone: vmotion {vm.name} {dst.name}")
    for d in vm.disks:
        if d.lun is not None and d.lun not in dst.luns:
            raise Rejected(f"{dst.name} cannot see LUN {d.lun}, mapped raw into {vm.name}")
    storage = sim.storage_refusal(vm, src.name)  # the copy reads the disks where they are
    if storage is not None:
        raise Rejected(storage)
    for n in vm.nics:
        if dst.portgroup(n.portgroup) is None:
            raise Rejected(f"{dst.name} has no port group '{n.portgroup}' for {vm.name}'s NIC")
    if ds.type == "vsan" and not queued:
        checks.require_feature(sim, "vsan")
    need, what = held_gib(sim, vm, ds), f"{vm.name}'s disks need"
    swap = swap_gib(sim, vm, ds, sources)  # the swap file moves with its home
    if swap > 0:
        need += swap
        what = f"{vm.name}'s disks and swap file need"
    checks.check_space(sim, ds, need, what)


def swap_gib(sim: Simulation, vm: Vm, ds: Datastore, sources: list[str] | tuple[str, ...]) -> float:
    """GiB of `vm`'s swap file that moves to `ds` with its home (0 when it stays or is off)."""
    if vm.power != "on" or vm.home_datastore not in sources or vm.swap_gib <= 0:
        return 0.0
    return vm.swap_gib * (vsan.space_factor(sim, vm.name, ds.name) if ds.type == "vsan" else 1.0)


def switchover_refusal(sim: Simulation, vm: Vm, dst: str, ds: Datastore, held: float,
                       sources: tuple[str, ...]) -> str | None:
    """Why a shared-nothing vMotion's copy cannot be switched to at its end (None when it
    can): its destination datastore went away, became unreachable from the destination host
    or filled up while the disks were copying (the copy's `held` GiB, taken off the
    datastore already: the migration has left the board), as vSphere checks the destination
    again before it switches the VM over."""
    if dst not in ds.hosts:
        return f"{dst} no longer mounts {ds.name}"
    lost = paths.lost_on(sim, ds.name, dst)
    if lost is not None:
        return f"{ds.name} became unreachable while the disks were copying: {lost}"
    room = checks.free_gib(sim, ds)  # what is left for this move beside the others
    swap = swap_gib(sim, vm, ds, sources)
    need = held + swap
    if need > room + 1e-9:
        what = "its disks and swap file need" if swap > 0 else "its disks need"
        return (f"{ds.name} filled up while {vm.name}'s disks were copying: "
                f"{fmt(max(room, 0.0))} GiB left, {what} {fmt(need)} GiB")
    return None
