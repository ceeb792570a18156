"""Provides the checks of a vMotion, in the order a player is told about them, and of a
shared-nothing vMotion (the disks move too: `disks.check_relocation` stands in for the
shared-storage checks, and a refusal for lack of shared storage names that form).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from vdc.sim import affinity, checks
from vdc.sim.checks import Rejected
from vdc.sim.ha.admission import admission_refusal
from vdc.sim.model import Host, Vm
from vdc.sim.moves import disks
from vdc.sim.moves.links import vmotion_link

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation
    from vdc.sim.model import Datastore


def _evc_generation(label: str | None) -> int | None:
    """The CPU generation of an EVC baseline label such as "intel-gen3" (None without EVC)."""
    if not label:
        return None
    digits = "".join(ch for ch in label.rsplit("-", 1)[-1] if ch.isdigit())
    return int(digits) if digits else None


def _offered_generation(sim: Simulation, h: Host) -> int:
    """CPU features a host exposes to VMs: its own, masked to its cluster's EVC baseline."""
    c = sim.inv.clusters.get(h.cluster or "")
    evc = _evc_generation(c.evc if c is not None else None)
    return h.cpu_generation if evc is None else min(h.cpu_generation, evc)


def policy_refusal(sim: Simulation, vm: Vm, dst: Host) -> str | None:
    """Placement policy: HA admission control (a dedicated failover host stays empty; a move
    into another cluster must leave its reserved failover capacity) and the required DRS rules
    (must-run-on, must-not-run-on, keep-apart)."""
    why = admission_refusal(sim, vm, dst)
    return why if why is not None else affinity.refusal(sim, vm, dst)


# The vMotion checks, in the order a player is told about them. Each says whether it can change
# while a submitted vMotion waits for a slot: a queued one re-checks only those when it starts.
# Licences only go up, datastore types are fixed and a VM with a migration queued gets no
# Storage vMotion; but the VM can be powered off and on elsewhere meanwhile, so everything that
# reads its host is checked again.

def _vcenter(sim: Simulation, vm: Vm, src: Host, dst: Host) -> None:
    checks.require_vcenter(sim)


def _licence(sim: Simulation, vm: Vm, src: Host, dst: Host) -> None:
    checks.require_feature(sim, "vmotion")


def _powered_on(sim: Simulation, vm: Vm, src: Host, dst: Host) -> None:
    if vm.power != "on":
        raise Rejected(f"{vm.name} is powered off; move it cold with: power on {vm.name} {dst.name}")


def _not_busy(sim: Simulation, vm: Vm, src: Host, dst: Host) -> None:
    checks.require_idle(sim, vm, "vmotion")


def _other_host(sim: Simulation, vm: Vm, src: Host, dst: Host) -> None:
    if dst.name == src.name:
        raise Rejected(f"{vm.name} already runs on {dst.name}")


def _hosts_ready(sim: Simulation, vm: Vm, src: Host, dst: Host) -> None:
    if src.state == "isolated":
        raise Rejected(f"{src.name} is cut off from the management network")
    checks.require_host(sim, dst, "vmotion")


def _policy(sim: Simulation, vm: Vm, src: Host, dst: Host) -> None:
    why = policy_refusal(sim, vm, dst)
    if why is not None:
        raise Rejected(why)


def _links(sim: Simulation, vm: Vm, src: Host, dst: Host) -> None:
    for h in (src, dst):
        if vmotion_link(h) <= 0:
            raise Rejected(f"{h.name} has no working vMotion VMkernel port")


def _with_disks(sim: Simulation, vm: Vm, dst: Host) -> str:
    """The shared-nothing form of the command, naming the first datastore `dst` mounts that the
    VM's disks are not on (DATASTORE when there is none). Cheap on purpose: DRS passes meet this
    refusal for every host that does not see a VM's storage; the form itself checks the rest."""
    on = {d.datastore for d in vm.disks}
    name = next((n for n in sim.inv.mounted(dst.name) if n not in on), "DATASTORE")
    return f"vmotion {vm.name} {dst.name} {name}"


def _shared_storage(sim: Simulation, vm: Vm, src: Host, dst: Host) -> None:
    for disk in vm.disks:
        if disk.datastore is None:
            continue
        ds = sim.inv.datastores[disk.datastore]
        if ds.type == "local":
            raise Rejected(
                f"{vm.name}'s disk is on {ds.name}, local to {src.name}; move it to shared storage first "
                f"(svmotion) or move it with the VM: {_with_disks(sim, vm, dst)}"
            )


def _reach(sim: Simulation, vm: Vm, src: Host, dst: Host) -> None:
    mounted = sim.inv.mounted(dst.name)
    for d in vm.disks:
        if d.datastore is not None and d.datastore not in mounted:
            raise Rejected(f"{dst.name} does not mount {d.datastore}, where {vm.name}'s disk lives; "
                           f"move the disks with it: {_with_disks(sim, vm, dst)}")
    checks.check_reach(sim, vm, dst)


def _cpu_compatible(sim: Simulation, vm: Vm, src: Host, dst: Host) -> None:
    if src.cpu_vendor != dst.cpu_vendor:
        raise Rejected(
            f"{vm.name} runs on an {src.cpu_vendor} CPU and {dst.name} has {dst.cpu_vendor}; vMotion cannot cross CPU vendors"
        )
    needs, has = _offered_generation(sim, src), _offered_generation(sim, dst)
    if has < needs:
        raise Rejected(
            f"{dst.name} offers CPU generation {has}, {vm.name} uses generation {needs} features "
            "(set an EVC baseline on the cluster)"
        )


def _room(sim: Simulation, vm: Vm, src: Host, dst: Host) -> None:
    checks.check_vmotion_room(sim, vm, dst)


Check = Callable[["Simulation", Vm, Host, Host], None]

CHECKS: tuple[tuple[Check, bool], ...] = (
    (_vcenter, True),  # vCenter can go down while a vMotion waits
    (_licence, False),
    (_powered_on, True),
    (_not_busy, False),  # a queued one is itself the VM's migration
    (_other_host, True),
    (_hosts_ready, True),
    (_policy, True),  # rules and HA settings can change
    (_links, True),  # an uplink can go down
    (_shared_storage, False),
    (_reach, True),
    (_cpu_compatible, True),  # against the VM's host now
    (_room, True),  # vCPUs (hot add), other VMs and arrivals change
)
"""(check, can change while queued), in the order a player is told about them."""


def check_vmotion(sim: Simulation, vm: Vm, dst: Host, *, datastore: Datastore | None = None,
                  queued: bool = False) -> None:
    """Raise `Rejected` with the player's reason unless `vm` can vMotion to `dst` now (with its
    disks to `datastore`, a shared-nothing vMotion, when given: its checks stand in for the
    shared-storage ones).

    `queued`: the vMotion was checked in full when submitted; re-check only what can have
    changed while it waited for a slot.
    """
    src = sim.inv.hosts[vm.host]
    for check, can_change in CHECKS:
        if datastore is not None and check in (_shared_storage, _reach):
            if check is _reach:
                disks.check_relocation(sim, vm, src, dst, datastore, queued=queued)
            continue
        if can_change or not queued:
            check(sim, vm, src, dst)
