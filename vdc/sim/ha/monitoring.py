"""Provides HA VM monitoring: HA resets a running VM whose VMware Tools heartbeats stopped.

A hung guest (a `guest_hang` level event: the kernel locked up, the VM stays powered on and
serves nothing) sends no Tools heartbeat. With VM monitoring on in its cluster (the level's
`vm_monitoring`, or `ha monitoring CLUSTER on`), HA resets the VM once no heartbeat came for
the failure interval, 30 s — but not in its first 120 s of uptime, and at most 3 times per VM
(sim-facts §2). A guest without Tools never sent heartbeats, so HA cannot tell it hung: it
stays hung until the player resets it (`power reset`). Any new boot (a reset, power off and
on, an HA restart) ends the hang.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation
    from vdc.sim.model import Vm

FAILURE_INTERVAL_S = 30.0
"""Seconds without a heartbeat before HA resets the VM (§2: `failureInterval`)."""
MIN_UPTIME_S = 120.0
"""Seconds after a boot before its heartbeats are watched (§2: `minUpTime`)."""
MAX_RESETS = 3
"""Resets per VM (§2: `maxFailures`; the reset window is unlimited by default)."""


def _cluster(sim: Simulation, vm: Vm) -> str | None:
    return sim.inv.hosts[vm.host].cluster


def watching(sim: Simulation, vm: Vm) -> str:
    """Why HA would not reset `vm` if it hung ("" when it would)."""
    cluster = _cluster(sim, vm)
    cl = sim.inv.clusters.get(cluster or "")
    if cl is None or not cl.ha.enabled:
        return "HA is off for its host"
    if not cl.ha.vm_monitoring:
        return f"VM monitoring is off in {cl.name}"
    if not vm.has_tools:
        return "it has no Tools, so it never sent heartbeats"
    if vm.ha_resets >= MAX_RESETS:
        return f"HA reset it {MAX_RESETS} times already"
    return ""


def hang(sim: Simulation, name: str) -> None:
    """The guest of `name` hangs now (a running VM; a VM that is off or booting ignores it)."""
    vm = sim.inv.vms[name]
    if not vm.is_running(sim.now):
        sim.log.add(sim.now, "message", name, f"{name} was not running when its guest would have hung")
        return
    vm.hung_boot = vm.up_at
    why = watching(sim, vm)
    then = (f"HA VM monitoring resets it if no heartbeat comes for {FAILURE_INTERVAL_S:g} s"
            if not why else f"nothing resets it: {why}")
    sim.log.add(sim.now, "guest_hang", name, f"{name}'s guest OS hangs: it serves nothing; {then}")
    sim.touch("health")
    watch(sim, vm)


def watch(sim: Simulation, vm: Vm) -> None:
    """Schedule HA's look at a hung VM: a failure interval from now, after its minimum uptime."""
    if not vm.hung or watching(sim, vm):
        return
    booted = vm.up_at
    at = max(sim.now + FAILURE_INTERVAL_S, booted + MIN_UPTIME_S)
    sim.after(at - sim.now, _no_heartbeat, sim, vm.name, booted)


def monitoring_on(sim: Simulation, cluster: str) -> None:
    """VM monitoring was just turned on: watch the cluster's hung VMs from now."""
    members = sim.inv.clusters[cluster].hosts
    for vm in sim.inv.vms.values():
        if vm.hung and vm.host in members:
            watch(sim, vm)


def _no_heartbeat(sim: Simulation, name: str, booted: float) -> None:
    """No heartbeat from `name` for the failure interval: reset it, unless it rebooted, HA
    stopped watching it, or it is no longer hung."""
    vm = sim.inv.vms[name]
    if not vm.hung or vm.up_at != booted or watching(sim, vm):
        return
    vm.ha_resets += 1
    vm.up_at = sim.now + vm.boot_s
    sim.touch()
    sim.log.add(sim.now, "ha_vm_reset", name,
                f"HA reset {name}: no Tools heartbeat for {FAILURE_INTERVAL_S:g} s "
                f"(reset {vm.ha_resets} of {MAX_RESETS}); up again in {vm.boot_s:g} s")
