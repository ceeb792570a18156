"""Provides the `snapshot` command handlers (create, revert, delete, list); the mechanics are
in `snapshots.py`. Registered into `dispatch.HANDLERS`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from vdc.sim import snapshots
from vdc.sim.commands import Command
from vdc.sim.dispatch import Rejected, _fmt, _vm
from vdc.sim.model import Vm

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation


def _not_busy(sim: Simulation, vm: Vm) -> None:
    why = snapshots.busy(sim, vm)
    if why:
        raise Rejected(why)


def _find(vm: Vm, name: str) -> int:
    """Index of snapshot `name` in the VM's chain, or the refusal naming those that exist."""
    if not vm.snapshots:
        raise Rejected(f"{vm.name} has no snapshots")
    for i, s in enumerate(vm.snapshots):
        if s.name == name:
            return i
    have = ", ".join(s.name for s in vm.snapshots)
    raise Rejected(f"{vm.name} has no snapshot named '{name}' (its snapshots: {have})")


def _create(sim: Simulation, c: Command, apply: bool) -> str:
    vm = _vm(sim, c["vm"])
    name = str(c["snap"])
    memory, quiesce = bool(c.get("memory")), bool(c.get("quiesce"))
    for j, d in enumerate(vm.disks, 1):
        if d.kind == "rdm-physical":
            raise Rejected(
                f"{vm.name}'s disk {j} is a physical-mode RDM ({d.lun}); those cannot be snapshotted"
            )
    if vm.home_datastore is None:
        raise Rejected(f"{vm.name} has no datastore to hold the snapshot's delta files")
    if any(s.name == name for s in vm.snapshots):
        raise Rejected(f"{vm.name} already has a snapshot named '{name}'")
    _not_busy(sim, vm)
    if len(vm.snapshots) >= snapshots.MAX_CHAIN:
        raise Rejected(
            f"{vm.name} already has {snapshots.MAX_CHAIN} snapshots, the most a chain can hold; "
            "delete some first"
        )
    if memory and vm.power != "on":
        raise Rejected(f"{vm.name} is powered off; there is no memory to save (drop --memory)")
    if quiesce and vm.power != "on":
        raise Rejected(f"{vm.name} is powered off; there is nothing to quiesce (drop --quiesce)")
    if quiesce and not vm.tools:
        raise Rejected(f"{vm.name} has no VMware Tools; quiescing its disks needs them")
    if memory:
        ds = sim.inv.datastores[vm.home_datastore]
        free = ds.capacity - sim.datastore_used(ds.name)
        if vm.memory > free + 1e-9:
            raise Rejected(
                f"{ds.name} has {_fmt(max(free, 0))} GiB free, "
                f"{vm.name}'s memory snapshot needs {_fmt(vm.memory)} GiB"
            )
    if not apply:
        return ""
    return snapshots.create(sim, vm, name, memory, quiesce)


def _revert(sim: Simulation, c: Command, apply: bool) -> str:
    vm = _vm(sim, c["vm"])
    k = _find(vm, str(c["snap"]))
    _not_busy(sim, vm)
    if not apply:
        return ""
    return snapshots.revert(sim, vm, k)


def _delete(sim: Simulation, c: Command, apply: bool) -> str:
    vm = _vm(sim, c["vm"])
    name, every = c.get("snap"), bool(c.get("all"))
    if name is None and not every:
        raise Rejected(f"say which snapshot of {vm.name} to delete, or --all")
    if name is not None and every:
        raise Rejected("give a snapshot name or --all, not both")
    if every and not vm.snapshots:
        raise Rejected(f"{vm.name} has no snapshots")
    k = None if every else _find(vm, str(name))
    _not_busy(sim, vm)
    if not apply:
        return ""
    return snapshots.delete(sim, vm, k)


def _list(sim: Simulation, c: Command, apply: bool) -> str:
    return snapshots.describe(sim, _vm(sim, c["vm"]))


HANDLERS: dict[str, Callable[[Simulation, Command, bool], str]] = {
    "snapshot create": _create,
    "snapshot revert": _revert,
    "snapshot delete": _delete,
    "snapshot list": _list,
}
