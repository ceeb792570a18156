"""Provides vSAN's failure handling: absent and degraded components, rebuilds, resyncs.

- A host that goes away (fails, powers off, reboots) leaves its components absent; at
  +`REPAIR_DELAY_S` (60 min) each one still absent is rebuilt on a host that holds no other
  component of its object and has the space. If the host returns first, its components resync
  only the writes they missed (the VM's write rate × the time away × the component's weight).
- A failed capacity device leaves its components degraded: their data is gone and they are
  rebuilt at once (on any host without a component of the object, its own host included).
- A 3-host cluster with FTT 1 RAID-1 has no spare host: it cannot rebuild after a host loss.
- Rebuild or resync time = GiB to write / the target host's `vsan_rebuild_mbps`; one host
  writes one component at a time (`busy_until`).
- An object with more absent or degraded components than its FTT is inaccessible: its VM
  stops (logged as data loss); it is accessible again when enough components return, except
  when more than FTT were degraded (the data is gone for good).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vdc.scenario.vsan_rules import policy_name
from vdc.sim.checks import fmt
from vdc.sim.units import seconds
from vdc.sim.vsan.layout import free_by_host, new_component, pick_hosts
from vdc.sim.vsan.state import (
    FAILED,
    IO_PAUSE_S,
    REPAIR_DELAY_S,
    Component,
    VsanObject,
    contributes,
    data_gib,
    refresh_capacity,
    vsan_datastores,
)

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation


def _vsan_hosts(sim: Simulation) -> set[str]:
    return {h for ds in vsan_datastores(sim) for h in ds.hosts}


def changed(sim: Simulation) -> None:
    for ds in vsan_datastores(sim):
        refresh_capacity(sim, ds)
    sim.vsan.version += 1
    sim.touch()


def host_gone(sim: Simulation, host: str) -> None:
    """`host` failed, powered off or began rebooting: its components are absent; their rebuild
    is due at +60 min; rebuilds writing to it are cancelled (and retried elsewhere)."""
    if host not in _vsan_hosts(sim) or host in sim.vsan.gone_at:
        return
    board = sim.vsan
    now = sim.now
    board.gone_at[host] = now
    board.epoch[host] = board.epoch.get(host, 0) + 1
    n = 0
    retry: list[VsanObject] = []
    for o in board.objects.values():
        if o.pending is not None and any(c.host == host for c in o.new_layout()):
            cancel_policy(sim, o, f"{host} went away")
        for c in list(o.components):
            if c.host != host:
                continue
            if c.state == "rebuilding":
                _cancel(sim, o, c, f"{host} went away")
                retry.append(o)
            elif c.state != "degraded":
                _finish_task(sim, c, ok=False, detail=f"{host} went away")
                c.state, c.since = "absent", now
                n += 1
    board.busy_until.pop(host, None)
    if n:
        sim.log.add(now, "vsan_components_absent", host,
                    f"{host} is gone: {n} vSAN component(s) absent; they are rebuilt elsewhere "
                    f"in {REPAIR_DELAY_S / 60:g} min unless {host} returns")
        sim.after(REPAIR_DELAY_S, repair_due, sim, host, board.epoch[host])
    changed(sim)
    check_access(sim)
    for o in retry:
        rebuild_object(sim, o)


def host_back(sim: Simulation, host: str) -> None:
    """`host` is up again: its absent components resync what they missed; waiting rebuilds
    may now find a host."""
    board = sim.vsan
    if not contributes(sim, host) or board.gone_at.pop(host, None) is None:
        return  # still away (it came up in maintenance mode)
    now = sim.now
    n = 0
    for o in board.objects.values():
        for c in o.components:
            if c.host == host and c.state == "absent":
                for r in [r for r in o.components if r.state == "rebuilding" and r.replaces == c.id]:
                    _cancel(sim, o, r, f"{host} came back; only the missed writes resync")
                delta = min(_missed_gib(sim, o, c.since), data_gib(sim, sim.inv.vms[o.vm], o.datastore))
                _write(sim, o, c, "resyncing", c.weight * delta, f"resync of {o.vm} on {host}")
                n += 1
    if n:
        sim.log.add(now, "vsan_resync_started", host,
                    f"{host} is back: {n} vSAN component(s) resync the writes they missed")
    changed(sim)
    check_access(sim)
    retry_waiting(sim)


def _missed_gib(sim: Simulation, o: VsanObject, since: float) -> float:
    """GiB the VM wrote since `since` (its profile's write rate while it runs)."""
    vm = sim.inv.vms[o.vm]
    if vm.power != "on":
        return 0.0
    p = sim.profiles[vm.profile]
    return p.write_mbps * vm.load * max(sim.now - since, 0.0) / 1073.741824


def repair_due(sim: Simulation, host: str, epoch: int) -> None:
    """The repair delay of `host`'s absent components is over: rebuild those still absent."""
    if sim.vsan.epoch.get(host) != epoch or host not in sim.vsan.gone_at:
        return
    for o in list(sim.vsan.objects.values()):
        if any(c.host == host and c.state == "absent" for c in o.components):
            rebuild_object(sim, o)


def device_failed(sim: Simulation, host: str, device: int) -> None:
    """Capacity device `device` (0-based) of `host` failed: its components are degraded and
    rebuilt at once; the datastore loses its capacity."""
    board = sim.vsan
    bad = board.failed_devices.setdefault(host, [])
    if device in bad:
        return
    bad.append(device)
    hit = []
    for o in board.objects.values():
        if o.pending is not None and any(c.host == host and c.device == device for c in o.new_layout()):
            cancel_policy(sim, o, f"a device of {host} failed")
        for c in list(o.components):
            if c.host == host and c.device == device and c.state != "absent":
                if c.state == "rebuilding":
                    _cancel(sim, o, c, f"a device of {host} failed")
                else:
                    _finish_task(sim, c, ok=False, detail=f"a device of {host} failed")
                    c.state, c.since = "degraded", sim.now
                if o not in hit:
                    hit.append(o)
    for o in hit:
        if sim.inv.vms[o.vm].power == "on":
            board.io_paused[o.vm] = sim.now + IO_PAUSE_S
    if hit:
        sim.after(IO_PAUSE_S, io_resumed, sim)
    sim.log.add(sim.now, "vsan_device_failed", host,
                f"capacity device {device + 1} of {host} failed: {len(hit)} vSAN component(s) "
                "degraded, rebuilding now (I/O to them paused 6 s)")
    changed(sim)
    check_access(sim)
    for o in hit:
        rebuild_object(sim, o)


def io_resumed(sim: Simulation) -> None:
    """The I/O pause after a device failure is over."""
    board = sim.vsan
    board.io_paused = {vm: t for vm, t in board.io_paused.items() if t > sim.now + 1e-9}
    sim.touch("health")


def retry_waiting(sim: Simulation) -> None:
    """Rebuild the failed components that are due (degraded, or absent past the delay)."""
    for o in list(sim.vsan.objects.values()):
        rebuild_object(sim, o, quiet=True)


def _due(sim: Simulation, c: Component) -> bool:
    if c.state == "degraded":
        return True
    return c.state == "absent" and sim.now >= c.since + REPAIR_DELAY_S - 1e-9


def rebuild_object(sim: Simulation, o: VsanObject, quiet: bool = False) -> None:
    """Start a rebuild for each of the object's due failed components that has none, on a
    host holding no other component of the object, with the space for it."""
    if o.inaccessible:
        if not quiet:
            _blocked(sim, o, "it is inaccessible (no in-sync copy to copy from)")
        return
    ds = sim.inv.datastores[o.datastore]
    vm = sim.inv.vms[o.vm]
    for c in o.current():
        if not _due(sim, c) or any(r.replaces == c.id and r.state == "rebuilding" for r in o.components):
            continue
        live = [x.host for x in o.components if x.state not in FAILED and x.host]
        gib = c.weight * data_gib(sim, vm, o.datastore)
        hosts = pick_hosts(sim, ds, len(ds.hosts), live)
        free = free_by_host(sim, ds)
        fit = [h for h in hosts if free[h] >= gib - 1e-9]
        if not fit:
            if not quiet:
                if hosts:
                    why = (f"no host has {fmt(gib)} GiB free for it (most free: "
                           f"{fmt(max(free[h] for h in hosts))} GiB on {hosts[0]})")
                else:
                    why = (f"no spare host: all {len(live)} host(s) up already hold a component "
                           f"of it ({len(ds.hosts)} hosts in {ds.name})")
                _blocked(sim, o, why)
            continue
        r = new_component(sim, ds, fit[0], c.weight, "rebuilding")
        r.replaces, r.gen = c.id, o.gen
        o.components.append(r)
        _write(sim, o, r, "rebuilding", gib, f"rebuild of {o.vm}'s component from {c.host or 'nowhere'}")
        sim.log.add(sim.now, "vsan_rebuild_started", o.vm,
                    f"vSAN rebuilds {o.vm}'s component of {c.host or 'a missing host'} on "
                    f"{fit[0]} ({fmt(gib)} GiB)")
    changed(sim)


def _blocked(sim: Simulation, o: VsanObject, why: str) -> None:
    sim.log.add(sim.now, "vsan_rebuild_blocked", o.vm, f"vSAN cannot rebuild {o.vm} on {o.datastore}: {why}")


def write_task(sim: Simulation, o: VsanObject, c: Component, gib: float, what: str) -> None:
    """Write a new component `c` (rebuilding) as its own task."""
    _write(sim, o, c, "rebuilding", gib, what)


def _write(sim: Simulation, o: VsanObject, c: Component, state: str, gib: float, what: str) -> None:
    """Queue writing `gib` GiB to component `c` on its host's rebuild writer (a task)."""
    h = sim.inv.hosts[c.host]
    end = write_slot(sim, c, state, gib)
    task = sim.tasks.add("vsan_resync", o.vm, c.host, sim.now)
    sim.tasks.start(task, sim.now, end, detail=f"{what}: {fmt(gib)} GiB at {h.vsan_rebuild_mbps:g} MB/s")
    c.task = task.id


def write_slot(sim: Simulation, c: Component, state: str, gib: float) -> float:
    """Book `gib` GiB on the rebuild writer of `c`'s host, after what it already writes;
    `component_done` runs at the end, which is returned."""
    h = sim.inv.hosts[c.host]
    start = max(sim.now, sim.vsan.busy_until.get(c.host, 0.0))
    end = start + seconds(gib, h.vsan_rebuild_mbps)
    sim.vsan.busy_until[c.host] = end
    c.state, c.since = state, sim.now
    sim.after(end - sim.now, component_done, sim, c.id)
    return end


def component_done(sim: Simulation, cid: int) -> None:
    """A rebuild or resync finished: the component is active; a rebuilt one replaces the
    failed one; a policy's new layout replaces the old one when its last component is done."""
    found = next(((o, x) for o in sim.vsan.objects.values() for x in o.components if x.id == cid), None)
    if found is None or found[1].state not in ("rebuilding", "resyncing"):
        return
    o, c = found
    vm = o.vm
    c.state, c.since = "active", sim.now
    if c.gen != o.gen:  # one of a new policy's components
        if all(x.state == "active" for x in o.new_layout()):
            _finish_task(sim, c, ok=True, detail=f"{vm} laid out as {policy_name(*o.pending or (0, ''))}")
            finish_policy(sim, o)
    elif c.replaces:
        _finish_task(sim, c, ok=True, detail=f"in sync on {c.host}")
        o.components = [x for x in o.components if x.id != c.replaces]
        sim.log.add(sim.now, "vsan_rebuild_done", vm, f"vSAN rebuilt {vm}'s component on {c.host}")
    else:
        _finish_task(sim, c, ok=True, detail=f"in sync on {c.host}")
        sim.log.add(sim.now, "vsan_resync_done", vm, f"{vm}'s component on {c.host} is in sync again")
    changed(sim)
    check_access(sim)


def finish_policy(sim: Simulation, o: VsanObject) -> None:
    """The new policy's components are all written: they replace the old ones."""
    assert o.pending is not None
    o.components = o.new_layout()
    o.gen += 1
    o.ftt, o.raid = o.pending
    o.pending = None
    sim.log.add(sim.now, "vsan_resync_done", o.vm,
                f"{o.vm} now has policy {policy_name(o.ftt, o.raid)} on {o.datastore}")


def cancel_policy(sim: Simulation, o: VsanObject, why: str) -> None:
    """A policy change lost one of its new components: it is dropped (the old layout stays)."""
    for c in o.new_layout():
        _finish_task(sim, c, ok=False, detail=f"policy change cancelled: {why}")
    o.components = o.current()
    o.pending = None


def _cancel(sim: Simulation, o: VsanObject, c: Component, why: str) -> None:
    _finish_task(sim, c, ok=False, detail=why)
    o.components = [x for x in o.components if x is not c]


def _finish_task(sim: Simulation, c: Component, *, ok: bool, detail: str) -> None:
    if c.task:
        t = sim.tasks.tasks[c.task - 1]
        if t.active:
            sim.tasks.finish(t, sim.now, ok=ok, detail=detail)
        c.task = 0


def check_access(sim: Simulation) -> None:
    """Objects past their FTT become inaccessible (their VMs stop); those back within it are
    accessible again (unless their data is gone)."""
    now = sim.now
    for o in sim.vsan.objects.values():
        cur = o.current()
        failed = sum(1 for c in cur if c.state in FAILED)
        if failed > o.ftt and not o.inaccessible:
            o.inaccessible = True
            sim.vsan.unreachable[o.vm] = o.datastore
            o.lost = sum(1 for c in cur if c.state == "degraded") > o.ftt
            sim.vsan.inaccessible_at.append((now, o.vm))
            vm = sim.inv.vms[o.vm]
            stopped = ""
            if vm.power == "on":
                vm.power = "off"
                stopped = "; it stops"
                sim.touch()
            sim.log.add(now, "vsan_object_inaccessible", o.vm,
                        f"{o.vm}'s data on {o.datastore} is inaccessible: {failed} of its "
                        f"{len(cur)} components failed, FTT {o.ftt} tolerates {o.ftt}{stopped} "
                        "(data loss)" + (" for good" if o.lost else " until a host returns"))
            sim.vsan.version += 1
        elif o.inaccessible and not o.lost and failed <= o.ftt:
            o.inaccessible = False
            sim.vsan.unreachable.pop(o.vm, None)
            sim.log.add(now, "vsan_object_accessible", o.vm,
                        f"{o.vm}'s data on {o.datastore} is accessible again (power it on)")
            sim.vsan.version += 1
