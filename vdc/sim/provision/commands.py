"""Provides the handlers of `vm create`, `vm delete`, `vm service` and `os install`.

`vm create NAME HOST DATASTORE cpu N mem GIB disk GIB [PORTGROUP]` registers a powered-off VM
with one thick disk and, given a port group, one paravirtual NIC; it has no guest OS (it boots
to nothing and serves nothing) until `os install VM [linux|windows]` has run in it. `vm service
VM SERVICE TIER` makes a VM a member of a service's tier (`none`: it leaves the service's tiers) (a VM still without a workload of its
own takes the tier's application, with no users of its own: a load balancer in front of the
tier shares the tier's users out, `nfv.py`). `vm delete VM` removes a powered-off VM and frees its disks.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from vdc.sim import checks
from vdc.sim.checks import AdmissionRefused, Rejected, fmt
from vdc.sim.ha.admission import admission_refusal
from vdc.sim.handler import Apply, Handlers
from vdc.sim.provision import osinstall, p2v
from vdc.sim.provision.inventory import new_vm, remove_vm

if TYPE_CHECKING:
    from vdc.sim.commands import Command
    from vdc.sim.engine import Simulation
    from vdc.sim.model import Datastore, Host, Service

NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
"""A new VM's name: what a level's names may be (letters, digits, `_`, `.`, `-`; 64 at most)."""

NO_WORKLOAD = "idle"
"""The profile of a VM that runs nothing of its own yet (a new one)."""


def check_new_name(sim: Simulation, name: str) -> None:
    """Reject a name a new VM cannot have: taken, or not a name the inventory allows."""
    if not NAME_RE.fullmatch(name):
        raise Rejected(f"'{name}' cannot name a VM: use letters, digits, '-', '_' or '.' "
                       "(64 at most, starting with a letter or digit)")
    if name in sim.inv.vms:
        raise Rejected(f"a VM named {name} exists already")


def check_placement(
    sim: Simulation, name: str, h: Host, ds: Datastore, vcpu: int, memory: float, disk: float,
    portgroup: str | None,
) -> None:
    """Reject unless a new VM of this size can live on host `h` with its disk on `ds`: the host
    takes VMs, has the cores and memory, mounts the datastore, has the port group, and the
    datastore has room for the disk."""
    checks.require_host(sim, h, "place")
    if vcpu > h.cores:
        raise Rejected(f"{name} would have {vcpu} vCPUs but {h.name} has only {h.cores} cores")
    if memory > h.memory:
        raise Rejected(f"{name} would need {fmt(memory)} GiB but {h.name} has only "
                       f"{fmt(h.memory)} GiB of memory")
    if h.name not in ds.hosts:
        raise Rejected(f"{h.name} does not mount {ds.name}")
    if portgroup is not None and h.portgroup(portgroup) is None:
        have = [pg for vs in h.vswitches for pg in vs.portgroups]
        has = f"it has {', '.join(have)}" if have else "it has none"
        raise Rejected(f"{h.name} has no port group '{portgroup}' ({has})")
    checks.check_space(sim, ds, disk, f"{name}'s disk needs")


def _vm_create(sim: Simulation, c: Command) -> Apply:
    name = c.text("name")
    check_new_name(sim, name)
    h = checks.host(sim, c.text("host"))
    ds = checks.datastore(sim, c.text("datastore"))
    vcpu, memory, disk = c.integer("vcpus"), c.number("memory"), c.number("disk")
    pg = c.opt_text("portgroup")
    check_placement(sim, name, h, ds, vcpu, memory, disk, pg)

    def apply() -> str:
        new_vm(sim, name, h.name, ds.name, vcpu=vcpu, memory=memory, disk=disk, portgroup=pg)
        net = f", NIC on {pg}" if pg else ", no NIC"
        return (f"{name} created on {h.name} ({vcpu} vCPU, {fmt(memory)} GiB, {fmt(disk)} GiB disk on "
                f"{ds.name}{net}); powered off, no guest OS yet: os install {name}")

    return apply


def _vm_delete(sim: Simulation, c: Command) -> Apply:
    vm = checks.vm(sim, c.text("vm"))
    if vm.power == "on":
        raise Rejected(f"{vm.name} is powered on; power it off first: power off {vm.name}")
    busy = [t for t in sim.tasks.active() if t.subject == vm.name]
    if busy:
        raise Rejected(f"{vm.name} has a {busy[0].kind.replace('_', ' ')} task in progress; wait for it to finish")
    if sim.level.level.vcenter == vm.name:
        raise Rejected(f"{vm.name} is the vCenter appliance; the datacenter needs it")
    for cl in sim.inv.clusters.values():
        for r in cl.rules:
            if vm.name in r.vms:
                raise Rejected(f"DRS rule {r.name} names {vm.name}; remove it first: "
                               f"drs rule remove {cl.name} {r.name}")
        for g, members in cl.vm_groups.items():
            if vm.name in members:
                raise Rejected(f"{vm.name} is in DRS VM group {g} of {cl.name}")
    for ha in sim.ha.clusters.values():
        if any(vm.name in lost for lost in ha.lost.values()) or any(r.vm == vm.name for r in ha.queue):
            raise Rejected(f"HA of {ha.name} is about to restart {vm.name}; wait for it, or turn HA off")
    for a in sim.timeline:
        targets = a.params.get("targets")
        if a.t >= sim.now and (a.params.get("vm") == vm.name or (isinstance(targets, list) and vm.name in targets)):
            raise Rejected(f"the level still needs {vm.name} (something happens to it at t = {fmt(a.t)} s)")
    sim.flush_disks()  # thin disks as they have grown up to now
    freed = sum(d.allocated for d in vm.disks if d.datastore is not None)

    def apply() -> str:
        remove_vm(sim, vm.name)
        return f"{vm.name} deleted; {fmt(freed)} GiB of disk freed"

    return apply


LEAVE = "none"
"""`vm service VM SERVICE none`: the VM leaves every tier of the service (unless the service has
a tier of that name, which it then joins)."""


def _vm_service(sim: Simulation, c: Command) -> Apply:
    vm = checks.vm(sim, c.text("vm"))
    svc = checks.lookup("service", c.text("service"), sim.inv.services)
    if c.text("tier") == LEAVE and all(t.name != LEAVE for t in svc.tiers):
        return _leave(sim, vm.name, svc)
    tier = checks.lookup(f"tier in {svc.name}", c.text("tier"), {t.name: t for t in svc.tiers})
    if vm.name in tier.vms:
        raise Rejected(f"{vm.name} already serves tier {tier.name} of {svc.name}")
    members = [sim.inv.vms[n] for n in tier.vms if n in sim.inv.vms]
    takes = members[0].profile if vm.profile == NO_WORKLOAD and members else None

    def apply() -> str:
        tier.vms.append(vm.name)
        if takes is not None:
            vm.profile = takes
            vm.load = 0.0  # the tier's application, but no users of its own (nfv.py)
        sim.touch()
        work = (f"; it runs the tier's '{takes}' application, its users come through a load "
                "balancer" if takes else "")
        return f"{vm.name} joined tier {tier.name} of {svc.name}{work}"

    return apply


def _leave(sim: Simulation, vm: str, svc: Service) -> Apply:
    """Take `vm` out of every tier of `svc`: it serves that service no more."""
    tiers = [t for t in svc.tiers if vm in t.vms]
    if not tiers:
        raise Rejected(f"{vm} serves no tier of {svc.name}")

    def apply() -> str:
        for t in tiers:
            t.vms.remove(vm)
        sim.touch()
        left = [t.name for t in tiers if not t.vms and not t.servers]
        empty = f"; tier {', '.join(left)} has no members now: {svc.name} is down" if left else ""
        return f"{vm} left tier {', '.join(t.name for t in tiers)} of {svc.name}{empty}"

    return apply


def _os_install(sim: Simulation, c: Command) -> Apply:
    vm = checks.vm(sim, c.text("vm"))
    os = c.opt_text("os") or osinstall.DEFAULT_OS
    if vm.os:
        raise Rejected(f"{vm.name} already has its guest OS")
    if osinstall.installing(sim, vm.name):
        raise Rejected(f"{vm.name} is already installing its OS")
    if vm.power != "on":
        raise Rejected(f"{vm.name} is powered off; the installer runs in the VM: power on {vm.name}")
    if not vm.is_running(sim.now):
        raise Rejected(f"{vm.name} is still booting; install once it is up")

    def apply() -> str:
        tid = osinstall.install(sim, vm.name, os)
        secs = osinstall.OS_INSTALL_S[os]
        return f"installing {os} in {vm.name} (task {tid}, {secs / 60:g} min); then it reboots into it"

    return apply


def _p2v(sim: Simulation, c: Command) -> Apply:
    server = checks.host(sim, c.text("server"))
    name = server.name
    if server.hypervisor != "none":
        raise Rejected(f"{name} is a hypervisor host, not a physical server")
    if any(t.subject == name for t in sim.tasks.active("p2v")):
        raise Rejected(f"{name} is already being converted")
    if server.workload is None:
        done = name in sim.inv.vms
        raise Rejected(f"{name} was converted already; it runs as a VM now" if done
                       else f"{name} runs no workload to convert")
    if server.state != "on":
        raise Rejected(f"{name} is {server.state}; P2V converts a running server")
    check_new_name(sim, name)
    h = checks.host(sim, c.text("host"))
    ds = checks.datastore(sim, c.text("datastore"))
    check_placement(sim, name, h, ds, server.cores, server.memory, server.disk_used + server.memory,
                    server.p2v_portgroup)
    if p2v.rate(sim, server, h) <= 0:
        down = server if not any(n.link_up and n.upstream_ok for n in server.nics.values()) else h
        raise Rejected(f"{down.name} has no network link up: the copy has no way to {h.name}")
    why = admission_refusal(sim, p2v.probe(sim, server, h.name, ds.name), h)
    if why is not None:
        raise AdmissionRefused(why)

    def apply() -> str:
        tid, copy_s, total = p2v.start(sim, name, h.name, ds.name)
        return (f"converting {name} to a VM on {h.name} (task {tid}): copying {fmt(server.disk_used)} GiB "
                f"takes {fmt(copy_s / 60)} min, then a cutover of {fmt(total - copy_s)} s; "
                f"done at t = {fmt(sim.now + total)} s")

    return apply


HANDLERS: Handlers = {
    "vm create cpu mem disk": _vm_create,
    "vm delete": _vm_delete,
    "vm service": _vm_service,
    "os install": _os_install,
    "p2v": _p2v,
}
