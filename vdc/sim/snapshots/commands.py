"""Provides the `snapshot` command handlers (create, revert, delete, list); the mechanics are
in `chain.py`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vdc.sim import checks
from vdc.sim.checks import Rejected
from vdc.sim.handler import Apply, Handlers
from vdc.sim.snapshots import chain as snapshots

if TYPE_CHECKING:
    from vdc.sim.commands import Command
    from vdc.sim.engine import Simulation
    from vdc.sim.model import Vm


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


def _create(sim: Simulation, c: Command) -> Apply:
    vm = checks.vm(sim, c.text("vm"))
    name = c.text("snap")
    memory, quiesce = c.flag("memory"), c.flag("quiesce")
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
    if quiesce and not vm.has_tools:
        raise Rejected(f"{vm.name} has no VMware Tools; quiescing its disks needs them")
    if memory:
        ds = sim.inv.datastores[vm.home_datastore]
        checks.check_space(sim, ds, vm.memory, f"{vm.name}'s memory snapshot needs")
    return lambda: snapshots.create(sim, vm, name, memory, quiesce)


def _revert(sim: Simulation, c: Command) -> Apply:
    vm = checks.vm(sim, c.text("vm"))
    k = _find(vm, c.text("snap"))
    _not_busy(sim, vm)
    return lambda: snapshots.revert(sim, vm, k)


def _delete(sim: Simulation, c: Command) -> Apply:
    vm = checks.vm(sim, c.text("vm"))
    name, every = c.opt_text("snap"), c.flag("all")
    if name is None and not every:
        raise Rejected(f"say which snapshot of {vm.name} to delete, or --all")
    if name is not None and every:
        raise Rejected("give a snapshot name or --all, not both")
    if every and not vm.snapshots:
        raise Rejected(f"{vm.name} has no snapshots")
    k = None if every else _find(vm, str(name))
    _not_busy(sim, vm)
    return lambda: snapshots.delete(sim, vm, k)


def _list(sim: Simulation, c: Command) -> Apply:
    vm = checks.vm(sim, c.text("vm"))
    return lambda: snapshots.describe(sim, vm)


HANDLERS: Handlers = {
    "snapshot create": _create,
    "snapshot revert": _revert,
    "snapshot delete": _delete,
    "snapshot list": _list,
}
