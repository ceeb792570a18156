"""Provides P2V: converting a running physical server into a VM (`p2v SERVER HOST DATASTORE`).

Like VMware Converter's hot clone, in three phases, one task:

1. **Copy** — the server's used disk crosses the network while the server keeps serving, at
   `rate` = the level's `p2v_mbps`, or less when a link on the way is slower: one stream rides
   one link, so at most the fastest up NIC of the server (when it lists NICs) and of the
   target host, each ÷ 8 for MB/s (a 1 GbE server copies at 125 MB/s at most):
   `copy_s = disk_used × 1024 / rate`.
2. **Final sync** — the server's application is stopped (its service is down from here) and
   what it wrote during the copy is copied: `delta = min(disk_used, write_mbps × load ×
   copy_s / 1024)` GiB, `sync_s = delta × 1024 / rate`.
3. **Switch** — `SWITCH_S` to reconfigure the copy for virtual hardware, then the VM powers on
   and serves after its boot.

The VM (the server's name, its cores, memory, workload and load; a thin disk of its local disk
holding `disk_used`; a NIC on its `portgroup`) is registered at the start, powered off, and is
the converter's until the switch. At the cutover it takes the server's place in its tiers;
the server, its workload gone, draws idle power until `host power off` frees its rack units.
A failure of the target host, or of the server during the copy, fails the conversion: the copy
is deleted, and a server stopped for the cutover serves again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vdc.sim.checks import fmt
from vdc.sim.provision.inventory import NEW_VM_BOOT_S, make_vm, remove_vm

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation
    from vdc.sim.model import Host, Vm

SWITCH_S = 60.0
"""[assumption] Seconds from the end of the final sync until the VM powers on: the converter
reconfigures the copy (drivers, virtual hardware) and registers it."""

Places = list[tuple[str, str]]
"""(service, tier) pairs a server served in (what its VM takes over at the cutover)."""


def rate(sim: Simulation, server: Host, target: Host) -> float:
    """MB/s a conversion of `server` onto `target` copies at: the tunable, bound by the
    fastest up NIC at each end (one stream, one link; a server without NICs listed binds
    nothing)."""
    out = float(sim.level.level.p2v_mbps)
    for h in (server, target):
        up = [n.speed for n in h.nics.values() if n.link_up and n.upstream_ok]
        if up or h.nics:
            out = min(out, max(up, default=0.0) / 8.0)
    return out


def timings(sim: Simulation, server: Host, target: Host) -> tuple[float, float, float]:
    """(copy_s, sync_s, delta GiB) of converting `server` onto `target` now."""
    rate_ = rate(sim, server, target)
    copy_s = server.disk_used * 1024.0 / rate_
    write = sim.profiles[server.workload].write_mbps * server.load if server.workload else 0.0
    delta = min(server.disk_used, write * copy_s / 1024.0)
    return copy_s, delta * 1024.0 / rate_, delta


def probe(sim: Simulation, server: Host, host: str, datastore: str) -> Vm:
    """The VM a conversion of `server` onto `host` and `datastore` makes (not registered)."""
    return make_vm(
        sim, server.name, host, datastore, vcpu=server.cores, memory=server.memory,
        disk=max(server.local_disk, server.disk_used, 1.0), disk_used=server.disk_used,
        portgroup=server.p2v_portgroup, os=True, profile=server.workload or "idle",
        boot_s=NEW_VM_BOOT_S,
    )


def start(sim: Simulation, server: str, host: str, datastore: str) -> tuple[int, float, float]:
    """Register the VM and start copying; return (task id, copy_s, whole task's seconds)."""
    s = sim.inv.hosts[server]
    vm = probe(sim, s, host, datastore)
    vm.load = s.load
    sim.inv.vms[vm.name] = vm
    sim.touch()
    copy_s, sync_s, _ = timings(sim, s, sim.inv.hosts[host])
    total = copy_s + sync_s + SWITCH_S
    mbps = rate(sim, s, sim.inv.hosts[host])
    task = sim.tasks.add("p2v", server, host, sim.now)
    sim.tasks.start(task, sim.now, sim.now + total,
                    detail=f"copying {fmt(s.disk_used)} GiB at {fmt(mbps)} MB/s")
    sim.after(copy_s, cutover, sim, task.id, sync_s)
    sim.log.add(sim.now, "conversion_started", server,
                f"converting {server} to a VM on {host}: {fmt(s.disk_used)} GiB at {fmt(mbps)} MB/s, "
                f"cutover at t = {fmt(sim.now + copy_s)} s")
    return task.id, copy_s, total


def cutover(sim: Simulation, task_id: int, sync_s: float) -> None:
    """The copy is done: stop the server's application, sync, then switch."""
    task = sim.tasks.tasks[task_id - 1]
    if task.state != "running":
        return
    s = sim.inv.hosts[task.subject]
    if s.state != "on" or s.workload is None:
        fail(sim, task_id, f"{s.name} stopped during the copy")
        return
    places: Places = []
    for svc in sim.inv.services.values():
        for tier in svc.tiers:
            if s.name in tier.servers:
                tier.servers.remove(s.name)
                tier.vms.append(s.name)
                places.append((svc.name, tier.name))
    workload = s.workload
    s.workload = None  # its application stops here: the service is down until the VM is up
    sim.touch()
    task.detail = f"cutover: final sync of the last changes ({fmt(sync_s)} s), then the switch"
    sim.tasks.version += 1
    sim.log.add(sim.now, "conversion_cutover", s.name,
                f"{s.name}'s application stopped for the cutover; its VM serves in about "
                f"{fmt(sync_s + SWITCH_S + NEW_VM_BOOT_S)} s")
    sim.after(sync_s + SWITCH_S, switch, sim, task_id, workload, places)


def switch(sim: Simulation, task_id: int, workload: str, places: Places) -> None:
    """Power the VM on in place of the server."""
    task = sim.tasks.tasks[task_id - 1]
    if task.state != "running":
        return
    vm = sim.inv.vms[task.subject]
    if not sim.inv.hosts[vm.host].accepts_vms:
        fail(sim, task_id, f"{vm.host} cannot run it", (workload, places))
        return
    vm.power = "on"
    vm.up_at = sim.now + vm.boot_s
    sim.touch()
    sim.tasks.finish(task, sim.now, detail=f"converted; {vm.name} boots on {vm.host}")
    sim.log.add(sim.now, "conversion_completed", vm.name,
                f"{vm.name} is a VM on {vm.host} now, up in {fmt(vm.boot_s)} s; power the old server "
                f"off to free its rack space: host power off {vm.name}")


def fail(sim: Simulation, task_id: int, why: str,
         restore: tuple[str, Places] | None = None) -> None:
    """The conversion failed: delete the copy; a server stopped for the cutover serves again."""
    task = sim.tasks.tasks[task_id - 1]
    name = task.subject
    if restore is not None:
        workload, places = restore
        sim.inv.hosts[name].workload = workload
        for svc, tier_name in places:
            tier = next(t for t in sim.inv.services[svc].tiers if t.name == tier_name)
            tier.servers.append(name)
    sim.tasks.finish(task, sim.now, ok=False, detail=why)
    if name in sim.inv.vms and sim.inv.vms[name].power == "off":
        remove_vm(sim, name)
    sim.touch()
    sim.log.add(sim.now, "conversion_failed", name, f"converting {name} failed: {why}")


def copying(sim: Simulation, task_id: int) -> bool:
    """Whether conversion `task_id` is still copying (before its cutover)."""
    return sim.tasks.tasks[task_id - 1].detail.startswith("copying")


def cancel(sim: Simulation, task_id: int) -> str:
    """The player calls a conversion back during its copy (`task cancel`): the copy is deleted,
    the server serves on. During the cutover its application is already stopped: refused."""
    task = sim.tasks.tasks[task_id - 1]
    name = task.subject
    sim.tasks.finish(task, sim.now, cancelled=True, detail="cancelled; the copy is deleted")
    if name in sim.inv.vms:
        remove_vm(sim, name)
    sim.log.add(sim.now, "task_cancelled", name, f"converting {name} cancelled")
    return f"converting {name} cancelled; the copy is deleted and {name} serves on"


def host_down(sim: Simulation, host: str) -> None:
    """A host failed: conversions onto it fail; a server failing during its copy fails its own
    (during the cutover its data is already synced: the conversion goes on)."""
    for t in sim.tasks.active("p2v"):
        copying = t.detail.startswith("copying")
        if t.target == host:
            restore = None if copying else _restore_of(sim, t.subject)
            fail(sim, t.id, f"{host} failed", restore)
        elif t.subject == host and copying:
            fail(sim, t.id, f"{host} failed during the copy")


def _restore_of(sim: Simulation, name: str) -> tuple[str, Places]:
    """What the server had before its cutover: its VM's workload and tiers."""
    vm = sim.inv.vms[name]
    places = [(svc.name, t.name) for svc in sim.inv.services.values() for t in svc.tiers if name in t.vms]
    for svc_name, tier_name in places:
        tier = next(t for t in sim.inv.services[svc_name].tiers if t.name == tier_name)
        tier.vms.remove(name)
    return vm.profile, places
