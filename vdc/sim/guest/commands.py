"""Provides the handlers of `tools install VM` and `vm adapter VM nic|disk N TYPE`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vdc.sim import checks
from vdc.sim.checks import Rejected
from vdc.sim.guest import tools
from vdc.sim.guest.adapters import DISKS, HYPERVISOR_OF, NICS
from vdc.sim.handler import Apply, Handlers
from vdc.sim.model import PARAVIRTUAL

if TYPE_CHECKING:
    from vdc.sim.commands import Command
    from vdc.sim.engine import Simulation


def _tools_install(sim: Simulation, c: Command) -> Apply:
    vm = checks.vm(sim, c.text("vm"))
    if vm.has_tools:
        raise Rejected(f"{vm.name} already runs VMware Tools")
    if vm.tools_installed_at is not None:
        raise Rejected(f"Tools are installed in {vm.name}; they start when the guest reboots "
                       f"(power reset {vm.name})")
    if tools.installing(sim, vm.name):
        raise Rejected(f"{vm.name} is already installing Tools")
    if vm.power != "on":
        raise Rejected(f"{vm.name} is powered off; Tools install into a running guest (power it on first)")
    if not vm.is_running(sim.now):
        raise Rejected(f"{vm.name} is still booting; install Tools once it is up")
    if not vm.os:
        raise Rejected(f"{vm.name} has no guest OS to install Tools into")
    checks.require_vcenter(sim)

    def apply() -> str:
        tid = tools.install(sim, vm.name)
        return (f"installing Tools in {vm.name} (task {tid}, {tools.TOOLS_INSTALL_S:g} s); "
                f"they start after the guest reboots")

    return apply


def _vm_adapter(sim: Simulation, c: Command) -> Apply:
    vm = checks.vm(sim, c.text("vm"))
    device, n, kind = c.text("device"), c.integer("number"), c.text("type")
    have: list = vm.nics if device == "nic" else vm.disks
    allowed: tuple[str, ...] = NICS if device == "nic" else DISKS
    what = "network adapter" if device == "nic" else "disk"
    if kind not in allowed:
        raise Rejected(f"{kind} is not a {'NIC' if device == 'nic' else 'disk controller'} type; "
                       f"a {what} can be {', '.join(allowed)}")
    if not have:
        raise Rejected(f"{vm.name} has no {what}")
    if not 1 <= n <= len(have):
        count = f"{len(have)} {what}{'s' if len(have) > 1 else ''}"
        raise Rejected(f"{vm.name} has {count}; number 1 to {len(have)}")
    hv = sim.inv.hosts[vm.host].hypervisor
    if HYPERVISOR_OF.get(kind, hv) != hv:
        own = [k for k in allowed if HYPERVISOR_OF.get(k, hv) == hv]
        raise Rejected(f"{kind} exists on {HYPERVISOR_OF[kind]}; {vm.host} runs {hv} "
                       f"({', '.join(own)})")
    if vm.power == "on":
        raise Rejected(f"{vm.name} is powered on; virtual hardware changes only while it is off "
                       f"(power off {vm.name})")
    item = have[n - 1]
    old = item.adapter if device == "nic" else item.controller
    if old == kind:
        raise Rejected(f"{vm.name}'s {what} {n} is already {kind}")

    def apply() -> str:
        if device == "nic":
            vm.nics[n - 1].adapter = kind
        else:
            vm.disks[n - 1].controller = kind
        sim.touch()
        note = ""
        if kind in PARAVIRTUAL and not vm.has_tools:
            note = (" (Tools start with its next boot and bring the driver)"
                    if vm.tools_installed_at is not None
                    else f" (without Tools its guest has no driver for {kind})")
        return f"{vm.name} {what} {n}: {old} → {kind}{note}"

    return apply


HANDLERS: Handlers = {
    "tools install": _tools_install,
    "vm adapter": _vm_adapter,
}
