"""Provides the refusals every command shares, each worded as the player is told it.

A handler checks with these and raises `Rejected`; its text is the reason in the toast and the
event log ("esx-02 has 12 GiB unreserved memory, app-02 reserves 16 GiB"). They read the live
state and change nothing. What is here: name lookups with "did you mean", licence and vCenter
requirements, the host-state refusal for each thing a host can be asked to do, capacity fit
(power on and vMotion fit differently, see `check_fits` and `check_vmotion_room`), and whether a
host sees a VM's disks and port groups.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal, TypeVar

from vdc.sim import licensing
from vdc.sim.model import Cluster, Datastore, Host, Vm
from vdc.sim.vcenter import unavailable_message

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation

T = TypeVar("T")


class Rejected(Exception):
    """Raised by a handler's checks; its text is the player-facing reason."""


class AdmissionRefused(Rejected):
    """A refusal by HA admission control (logged as `ha_admission_refused` too)."""


def fmt(x: float) -> str:
    """A number as a player reads it: one decimal at most, no trailing zeros (12, 12.5)."""
    return f"{x:.1f}".rstrip("0").rstrip(".")


# --------------------------------------------------------------------- names


def lookup(kind: str, name: str, table: Mapping[str, T]) -> T:
    """`table[name]`, or a refusal that names the closest existing name."""
    found = table.get(name)
    if found is not None:
        return found
    close = difflib.get_close_matches(name, list(table), n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    raise Rejected(f"no {kind} named '{name}'{hint}")


def vm(sim: Simulation, name: str) -> Vm:
    return lookup("VM", name, sim.inv.vms)


def host(sim: Simulation, name: str) -> Host:
    return lookup("host", name, sim.inv.hosts)


def datastore(sim: Simulation, name: str) -> Datastore:
    return lookup("datastore", name, sim.inv.datastores)


def cluster(sim: Simulation, name: str) -> Cluster:
    return lookup("cluster", name, sim.inv.clusters)


# --------------------------------------------------------------------- licence and vCenter


def require_feature(sim: Simulation, feature: str) -> None:
    """Reject unless the licence edition includes `feature` (ha, vmotion, svmotion, drs…)."""
    why = licensing.refusal(sim.edition, feature)
    if why is not None:
        raise Rejected(why)


def require_vcenter(sim: Simulation) -> None:
    """Reject while vCenter is down (vMotion, Storage vMotion, DRS, cluster configuration)."""
    why = unavailable_message(sim)
    if why is not None:
        raise Rejected(why)


def configured_cluster(sim: Simulation, name: str, feature: str) -> Cluster:
    """The named cluster, once the licence (`feature`) and vCenter allow configuring it."""
    cl = cluster(sim, name)
    require_feature(sim, feature)
    require_vcenter(sim)
    return cl


# --------------------------------------------------------------------- host state

HostPurpose = Literal["place", "vmotion", "maintenance", "reboot", "power-on"]
"""What a host is asked to do: take a VM that powers on (`place`), receive a vMotion, enter
maintenance mode, reboot, or power on itself."""

BARE_METAL = "{} is a bare-metal server, not a hypervisor host"


def host_refusal(sim: Simulation, h: Host, purpose: HostPurpose) -> str | None:
    """Why host `h` cannot do `purpose` in its current state (None when it can).

    The same state reads differently per purpose: a booting host "is still booting" for a VM
    that wants to power on there, "is booting" as a vMotion target, and "is already booting"
    when asked to reboot.
    """
    n, state = h.name, h.state
    if purpose != "power-on" and h.hypervisor == "none":
        return BARE_METAL.format(n)
    entering = sim.maintenance.entering_of(n) is not None
    if purpose == "place":
        if state == "failed":
            return f"{n} has failed"
        if state == "off":
            return f"{n} is powered off; power it on first: host power on {n}"
        if state == "booting":
            return f"{n} is still booting (ready at t = {fmt(h.ready_at)} s)"
        if state == "maintenance":
            return f"{n} is in maintenance mode"
        if state == "isolated":
            return f"{n} is cut off from the management network"
        return f"{n} is entering maintenance mode" if entering else None
    if purpose == "vmotion":
        if state == "maintenance":
            return f"{n} is in maintenance mode"
        if state == "isolated":
            return f"{n} is not connected to vCenter (cut off from the management network)"
        if state != "on":
            return f"{n} is {'down (failed)' if state == 'failed' else state}"
        return f"{n} is entering maintenance mode" if entering else None
    if purpose == "maintenance":
        if state == "maintenance":
            return f"{n} is already in maintenance mode"
        if entering:
            return f"{n} is already entering maintenance mode"
        if state != "on":
            words = {"failed": "down (failed)", "isolated": "cut off from the management network"}
            return f"{n} is {words.get(state, state)}; only a host that is on can enter maintenance mode"
        return None
    if state == "failed":
        verb = "rebooted" if purpose == "reboot" else "powered on"
        return f"{n} has failed; it cannot be {verb} until it is repaired"
    if state == "booting":
        return f"{n} is already booting (ready at t = {fmt(h.ready_at)} s)"
    if purpose == "power-on":
        return f"{n} is already on" if state != "off" else None
    if state == "off":
        return f"{n} is powered off; use host power on {n}"
    if state == "isolated":
        return f"{n} is cut off from the management network"
    return None


def require_host(sim: Simulation, h: Host, purpose: HostPurpose) -> None:
    """Reject unless host `h` can do `purpose` now (see `host_refusal`)."""
    why = host_refusal(sim, h, purpose)
    if why is not None:
        raise Rejected(why)


# --------------------------------------------------------------------- what runs where


def running_on(sim: Simulation, host: str, exclude: str = "") -> list[Vm]:
    """The powered-on VMs of `host` (but `exclude`)."""
    return [v for v in sim.inv.vms_on(host) if v.power == "on" and v.name != exclude]


def vm_names(vms: list[Vm], most: int = 5) -> str:
    """ "a, b, c, …": the first `most` names, for a refusal that lists what is in the way."""
    return ", ".join(v.name for v in vms[:most]) + (", …" if len(vms) > most else "")


def check_fits(sim: Simulation, vm: Vm, h: Host, vcpu: int, memory: float) -> None:
    """Reject unless a VM of this size can power on on host `h` — the power-on fit.

    A power-on is admitted on reservations: memory may be overcommitted (what is not reserved
    can be reclaimed or swapped), but the reserved memory and MHz of the VMs there, and of
    vMotions already on their way in, must leave room for this VM's reservations. Compare
    `check_vmotion_room`, which wants the whole configured memory free.
    """
    if vcpu > h.cores:
        raise Rejected(f"{vm.name} would have {vcpu} vCPUs but {h.name} has only {h.cores} cores")
    if memory > h.memory:
        raise Rejected(f"{vm.name} needs {fmt(memory)} GiB but {h.name} has only {fmt(h.memory)} GiB of memory")
    others = running_on(sim, h.name, exclude=vm.name) + [
        sim.inv.vms[m.vm] for m in sim.migrations.incoming(h.name) if m.vm != vm.name
    ]  # a vMotion on its way already holds its place
    free_res = h.memory - sum(v.mem_reservation for v in others)
    if vm.mem_reservation > free_res + 1e-9:
        raise Rejected(
            f"{h.name} has {fmt(free_res)} GiB unreserved memory, "
            f"{vm.name} reserves {fmt(vm.mem_reservation)} GiB"
        )
    free_mhz = h.capacity_mhz - sum(v.cpu_reservation for v in others)
    if vm.cpu_reservation > free_mhz + 1e-9:
        raise Rejected(
            f"{h.name} has {free_mhz:.0f} MHz unreserved CPU, {vm.name} reserves {vm.cpu_reservation:.0f} MHz"
        )


def check_vmotion_room(sim: Simulation, vm: Vm, dst: Host) -> None:
    """Reject unless `dst` has room for `vm` arriving by vMotion — the vMotion fit.

    Unlike a power-on, a live VM brings all of its memory: the pre-copy writes every page, so
    the destination must have the VM's configured memory free beside the configured memory of
    the VMs running there and on their way in (no overcommit on arrival). CPU is admitted on
    reservations, as for a power-on (a reservation is at most the configured size, so the
    memory test covers the memory reservation too).
    """
    if vm.vcpu > dst.cores:
        raise Rejected(f"{vm.name} has {vm.vcpu} vCPUs but {dst.name} has only {dst.cores} cores")
    incoming = [sim.inv.vms[m.vm] for m in sim.migrations.incoming(dst.name) if m.vm != vm.name]
    residents = running_on(sim, dst.name, exclude=vm.name) + incoming
    free = dst.memory - sum(v.memory for v in residents)
    if vm.memory > free + 1e-9:
        raise Rejected(f"{dst.name} has {fmt(max(free, 0))} GiB of memory free, {vm.name} needs {fmt(vm.memory)} GiB")
    free_mhz = dst.capacity_mhz - sum(v.cpu_reservation for v in residents)
    if vm.cpu_reservation > free_mhz + 1e-9:
        raise Rejected(
            f"{dst.name} has {free_mhz:.0f} MHz unreserved CPU, {vm.name} reserves {vm.cpu_reservation:.0f} MHz"
        )


def check_reach(sim: Simulation, vm: Vm, h: Host) -> None:
    """Reject unless host `h` sees every disk (datastore or raw LUN) and port group of the VM."""
    mounted = sim.inv.mounted(h.name)
    for d in vm.disks:
        if d.datastore is not None and d.datastore not in mounted:
            raise Rejected(f"{h.name} does not mount {d.datastore}, where {vm.name}'s disk lives")
        if d.lun is not None and d.lun not in h.luns:
            raise Rejected(f"{h.name} cannot see LUN {d.lun}, mapped raw into {vm.name}")
    storage = sim.storage_refusal(vm, h.name)  # all paths down, device lost, vSAN data gone
    if storage is not None:
        raise Rejected(storage)
    for n in vm.nics:
        if h.portgroup(n.portgroup) is None:
            raise Rejected(f"{h.name} has no port group '{n.portgroup}' for {vm.name}'s NIC")


def free_gib(sim: Simulation, ds: Datastore) -> float:
    """GiB free on a datastore now (may be negative when another tenant overfilled it)."""
    return ds.capacity - sim.datastore_used(ds.name)


def check_space(sim: Simulation, ds: Datastore, gib: float, what_needs: str) -> None:
    """Reject unless `ds` has `gib` free, for `what_needs` ("app-01's swap file needs")."""
    free = free_gib(sim, ds)
    if gib > free + 1e-9:
        raise Rejected(f"{ds.name} has {fmt(max(free, 0))} GiB free, {what_needs} {fmt(gib)} GiB")


def check_swap_growth(sim: Simulation, vm: Vm, extra: float) -> None:
    """Reject unless a running VM's swap file (memory − reservation, on its home datastore) can
    grow by `extra` GiB: more memory or less reserved both make it grow."""
    if vm.power != "on" or vm.home_datastore is None or extra <= 0:
        return
    ds = sim.inv.datastores[vm.home_datastore]
    check_space(sim, ds, extra, f"{vm.name}'s swap file must grow by")


# --------------------------------------------------------------------- busy VMs

VmAction = Literal["power", "vmotion", "svmotion", "snapshot", "config"]
"""What a command asks of a VM: change its power, move it, move its disks, change its
snapshots, change its size."""

CONFLICTS: dict[str, frozenset[str]] = {
    "vmotion": frozenset(("power", "vmotion", "svmotion", "snapshot", "config")),
    "svmotion": frozenset(("power", "vmotion", "svmotion", "snapshot", "config")),
    "snapshot": frozenset(("power", "vmotion", "svmotion", "snapshot")),
    "consolidate": frozenset(("vmotion", "svmotion", "snapshot")),
    "p2v": frozenset(("power", "vmotion", "svmotion", "snapshot", "config")),
}
"""Task kind → the actions it refuses on its VM while it is queued or running. As in vSphere, a
VM with a running task refuses conflicting ones: a VM being migrated cannot be powered off,
powered on elsewhere, snapshotted or resized (its memory is in flight to the destination); a
memory snapshot being written keeps the power and the disks where they are; a consolidation
keeps the chain and the disks in place but lets the VM be powered off or on; a VM being made
by `p2v` is the converter's until its cutover."""


def vm_task_words(sim: Simulation, task_kind: str, vm: Vm) -> str:
    """The VM's running or queued task of `task_kind` in the player's words ("" when none)."""
    for t in sim.tasks.active_of(vm.name, task_kind):
        pct = f"{100.0 * t.progress(sim.now):.0f} %"
        if task_kind == "vmotion":
            if t.state == "queued":
                return f"{vm.name} is waiting for a vMotion slot to migrate to {t.target}"
            return f"{vm.name} is being migrated to {t.target} ({pct})"
        if task_kind == "svmotion":
            if t.state == "queued":
                return f"{vm.name} is waiting for a slot to move its disks to {t.target}"
            return f"{vm.name}'s disks are being moved to {t.target} ({pct})"
        if task_kind == "p2v":
            return f"{vm.name} is being converted from its physical server ({pct})"
        done = f"done at t = {t.ends_at:.0f} s" if t.ends_at is not None else "queued"
        what = "writing a memory snapshot" if task_kind == "snapshot" else "consolidating snapshots"
        return f"{vm.name} is {what} ({done})"
    return ""


CANCELLABLE = frozenset(("vmotion", "svmotion"))
"""Busy kinds the player can call back with `task cancel` (see vdc/sim/cancel.py)."""


def busy_refusal(sim: Simulation, vm: Vm, action: VmAction) -> str | None:
    """Why `vm` cannot take `action` now because a task of its own conflicts (None when it can)."""
    for kind, refused in CONFLICTS.items():
        if action not in refused:
            continue
        words = vm_task_words(sim, kind, vm)
        if words:
            if kind in CANCELLABLE:
                task = sim.tasks.active_of(vm.name, kind)[0]
                return f"{words}; wait for it to finish or cancel it (task cancel {task.id})"
            return f"{words}; wait for it to finish"
    return None


def require_idle(sim: Simulation, vm: Vm, action: VmAction) -> None:
    """Reject while a task of the VM conflicts with `action` (see `CONFLICTS`)."""
    why = busy_refusal(sim, vm, action)
    if why is not None:
        raise Rejected(why)
