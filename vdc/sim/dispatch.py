"""Provides the validator and the dispatcher of the command language.

`validate` checks a parsed command against the live state and returns the reason a player would
be told if it cannot run ("esx-02 has 12 GiB unreserved memory, app-02 reserves 16 GiB");
`execute` validates, then applies it and logs what happened. Keys, palette, the `:` line,
action scripts and saves all reach the model through `execute` only (via the session).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vdc.sim import drs, drs_rules, licensing, maintenance
from vdc.sim.admission import admission_refusal
from vdc.sim.commands import Command
from vdc.sim.model import Cluster, Host, Vm
from vdc.sim.vcenter import unavailable_message

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation


@dataclass(frozen=True, slots=True)
class Verdict:
    """What became of a command: accepted (with what it did) or rejected (with why)."""

    accepted: bool
    message: str
    """On acceptance, what happened; on rejection, the reason."""


class Rejected(Exception):
    """Raised inside validators; its text is the player-facing reason."""


class AdmissionRefused(Rejected):
    """A refusal by HA admission control (logged as `ha_admission_refused` too)."""


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _lookup(kind: str, name: str, table: dict) -> object:
    if name in table:
        return table[name]
    close = difflib.get_close_matches(name, list(table), n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    raise Rejected(f"no {kind} named '{name}'{hint}")


def _vm(sim: Simulation, name: object) -> Vm:
    return _lookup("VM", str(name), sim.inv.vms)  # type: ignore[return-value]


def _host(sim: Simulation, name: object) -> Host:
    return _lookup("host", str(name), sim.inv.hosts)  # type: ignore[return-value]


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


def configured_cluster(sim: Simulation, name: object, feature: str) -> Cluster:
    """The named cluster, once the licence (`feature`) and vCenter allow configuring it."""
    cl: Cluster = _lookup("cluster", str(name), sim.inv.clusters)  # type: ignore[assignment]
    require_feature(sim, feature)
    require_vcenter(sim)
    return cl


def _host_usable(sim: Simulation, h: Host) -> None:
    """Reject unless VMs can be powered on on host `h`."""
    if h.hypervisor == "none":
        raise Rejected(f"{h.name} is a bare-metal server, not a hypervisor host")
    if h.state == "failed":
        raise Rejected(f"{h.name} has failed")
    if h.state == "off":
        raise Rejected(f"{h.name} is powered off; power it on first: host power on {h.name}")
    if h.state == "booting":
        raise Rejected(f"{h.name} is still booting (ready at t = {_fmt(h.ready_at)} s)")
    if h.state == "maintenance":
        raise Rejected(f"{h.name} is in maintenance mode")
    if h.state == "isolated":
        raise Rejected(f"{h.name} is cut off from the management network")
    if maintenance.entering(sim, h.name):
        raise Rejected(f"{h.name} is entering maintenance mode")


def _running_on(sim: Simulation, host: str, exclude: str = "") -> list[Vm]:
    return [v for v in sim.inv.vms_on(host) if v.power == "on" and v.name != exclude]


def vm_names(vms: list[Vm], most: int = 5) -> str:
    """ "a, b, c, …": the first `most` names, for a refusal that lists what is in the way."""
    return ", ".join(v.name for v in vms[:most]) + (", …" if len(vms) > most else "")


def _check_fits(sim: Simulation, vm: Vm, h: Host, vcpu: int, memory: float) -> None:
    """Reject unless a VM of this size and reservation can run on host `h`."""
    if vcpu > h.cores:
        raise Rejected(f"{vm.name} would have {vcpu} vCPUs but {h.name} has only {h.cores} cores")
    if memory > h.memory:
        raise Rejected(f"{vm.name} needs {_fmt(memory)} GiB but {h.name} has only {_fmt(h.memory)} GiB of memory")
    others = _running_on(sim, h.name, exclude=vm.name) + [
        sim.inv.vms[m.vm] for m in sim.migrations.incoming(h.name) if m.vm != vm.name
    ]  # a vMotion on its way already holds its place
    free_res = h.memory - sum(v.mem_reservation for v in others)
    if vm.mem_reservation > free_res + 1e-9:
        raise Rejected(
            f"{h.name} has {_fmt(free_res)} GiB unreserved memory, "
            f"{vm.name} reserves {_fmt(vm.mem_reservation)} GiB"
        )
    free_mhz = h.capacity_mhz - sum(v.cpu_reservation for v in others)
    if vm.cpu_reservation > free_mhz + 1e-9:
        raise Rejected(
            f"{h.name} has {free_mhz:.0f} MHz unreserved CPU, {vm.name} reserves {vm.cpu_reservation:.0f} MHz"
        )


def _check_storage_and_network(sim: Simulation, vm: Vm, h: Host) -> None:
    """Reject unless host `h` sees every disk and port group of the VM."""
    mounted = sim.inv.mounted(h.name)
    for d in vm.disks:
        if d.datastore is not None and d.datastore not in mounted:
            raise Rejected(f"{h.name} does not mount {d.datastore}, where {vm.name}'s disk lives")
        if d.lun is not None and d.lun not in h.luns:
            raise Rejected(f"{h.name} cannot see LUN {d.lun}, mapped raw into {vm.name}")
    for n in vm.nics:
        if h.portgroup(n.portgroup) is None:
            raise Rejected(f"{h.name} has no port group '{n.portgroup}' for {vm.name}'s NIC")


def _check_swap_space(sim: Simulation, vm: Vm) -> None:
    home = vm.home_datastore
    if home is None or vm.swap_gib <= 0:
        return
    ds = sim.inv.datastores[home]
    free = ds.capacity - sim.datastore_used(ds.name)
    if vm.swap_gib > free + 1e-9:
        raise Rejected(
            f"{ds.name} has {_fmt(max(free, 0))} GiB free, {vm.name}'s swap file needs {_fmt(vm.swap_gib)} GiB"
        )


# --------------------------------------------------------------------- per command


def _power_on(sim: Simulation, c: Command, apply: bool) -> str:
    vm = _vm(sim, c["vm"])
    if vm.power == "on":
        state = "booting" if sim.now < vm.up_at else "powered on"
        raise Rejected(f"{vm.name} is already {state}")
    chosen = None if c.get("host") else drs.initial_host(sim, vm)  # partial / full DRS places it
    h = _host(sim, c.get("host") or chosen or vm.host)
    _host_usable(sim, h)
    if h.name != vm.host:
        _check_storage_and_network(sim, vm, h)
    _check_fits(sim, vm, h, vm.vcpu, vm.memory)
    _check_swap_space(sim, vm)
    why = admission_refusal(sim, vm, h)
    if why is not None:
        raise AdmissionRefused(why)
    rule = drs_rules.refusal(sim, vm, h)
    if rule is not None:
        raise Rejected(f"{vm.name} cannot run on {h.name}: {rule}")
    if not apply:
        return ""
    moved = h.name != vm.host
    vm.host = h.name
    vm.power = "on"
    vm.up_at = sim.now + vm.boot_s
    sim.touch()
    where = f"moved to {h.name} while off" if moved else h.name
    if chosen is not None:
        where = f"DRS placed it on {h.name}"
    return f"{vm.name} is powering on ({where}); up in {_fmt(vm.boot_s)} s"


def _power_off(sim: Simulation, c: Command, apply: bool) -> str:
    vm = _vm(sim, c["vm"])
    if vm.power != "on":
        raise Rejected(f"{vm.name} is already powered off")
    if not apply:
        return ""
    vm.power = "off"
    sim.touch()
    return f"{vm.name} powered off"


def _power_reset(sim: Simulation, c: Command, apply: bool) -> str:
    vm = _vm(sim, c["vm"])
    if vm.power != "on":
        raise Rejected(f"{vm.name} is powered off; use power on {vm.name}")
    if not apply:
        return ""
    vm.up_at = sim.now + vm.boot_s
    sim.touch()
    return f"{vm.name} reset; up again in {_fmt(vm.boot_s)} s"


def _resize_rules(vm: Vm, what: str, old: float, new: float, unit: str) -> None:
    if new == old:
        raise Rejected(f"{vm.name} already has {_fmt(new)} {unit}")
    if vm.power == "on":
        if new < old:
            raise Rejected(f"{vm.name} is powered on; {what} can only be removed while it is off")
        if not vm.hot_add:
            raise Rejected(f"{vm.name} is powered on and has no hot add; power it off first")


def _set_cpu(sim: Simulation, c: Command, apply: bool) -> str:
    vm = _vm(sim, c["vm"])
    n = int(c["count"])  # type: ignore[arg-type]
    _resize_rules(vm, "vCPUs", vm.vcpu, n, "vCPUs")
    h = sim.inv.hosts[vm.host]
    if n > h.cores:
        raise Rejected(f"{vm.name} would have {n} vCPUs but {h.name} has only {h.cores} cores")
    if not apply:
        return ""
    old = vm.vcpu
    vm.vcpu = n
    sim.touch()
    return f"{vm.name} vCPUs {old} → {n}"


def _set_mem(sim: Simulation, c: Command, apply: bool) -> str:
    vm = _vm(sim, c["vm"])
    gib = float(c["gib"])  # type: ignore[arg-type]
    _resize_rules(vm, "memory", vm.memory, gib, "GiB")
    if gib < vm.mem_reservation:
        raise Rejected(f"{vm.name} reserves {_fmt(vm.mem_reservation)} GiB; memory cannot go below that")
    h = sim.inv.hosts[vm.host]
    if gib > h.memory:
        raise Rejected(f"{vm.name} would need {_fmt(gib)} GiB but {h.name} has only {_fmt(h.memory)} GiB of memory")
    if vm.power == "on":
        home = vm.home_datastore
        if home is not None:
            ds = sim.inv.datastores[home]
            extra = gib - vm.memory
            free = ds.capacity - sim.datastore_used(ds.name)
            if extra > free + 1e-9:
                raise Rejected(
                    f"{ds.name} has {_fmt(free)} GiB free, "
                    f"{vm.name}'s swap file must grow by {_fmt(extra)} GiB"
                )
    if not apply:
        return ""
    old = vm.memory
    vm.memory = gib
    sim.touch()
    return f"{vm.name} memory {_fmt(old)} → {_fmt(gib)} GiB"


def _host_power_on(sim: Simulation, c: Command, apply: bool) -> str:
    h = _host(sim, c["host"])
    if h.state == "failed":
        raise Rejected(f"{h.name} has failed; it cannot be powered on until it is repaired")
    if h.state == "booting":
        raise Rejected(f"{h.name} is already booting (ready at t = {_fmt(h.ready_at)} s)")
    if h.state != "off":
        raise Rejected(f"{h.name} is already on")
    if not apply:
        return ""
    sim.boot_host(h.name)
    return f"{h.name} is powering on; up in {_fmt(h.boot_s)} s"


def _host_power_off(sim: Simulation, c: Command, apply: bool) -> str:
    h = _host(sim, c["host"])
    if h.state in ("off", "failed"):
        raise Rejected(f"{h.name} is already {'powered off' if h.state == 'off' else 'down (failed)'}")
    running = _running_on(sim, h.name)
    if running:
        names = vm_names(running)
        what = "1 VM" if len(running) == 1 else f"{len(running)} VMs"
        raise Rejected(f"{h.name} still runs {what} ({names}); power them off or move them first")
    if sim.migrations.on_host(h.name):
        raise Rejected(f"{h.name} has a vMotion in progress")
    if not apply:
        return ""
    h.state = "off"
    sim.touch()
    return f"{h.name} powered off"


def _license_upgrade(sim: Simulation, c: Command, apply: bool) -> str:
    new = str(c["edition"])
    old = sim.edition
    order = licensing.EDITIONS
    if new == old:
        raise Rejected(f"the licence is already {old}")
    if order.index(new) < order.index(old):
        raise Rejected(f"{new} is below the current {old} licence; licences are only upgraded")
    require_vcenter(sim)
    hosts = [h for h in sim.inv.hosts.values() if h.hypervisor != "none"]
    limit = licensing.MAX_HOSTS.get(new)
    if limit is not None and len(hosts) > limit:
        raise Rejected(f"{new} covers at most {limit} hosts; this datacenter has {len(hosts)}")
    cost = licensing.upgrade_cost(old, new, len(hosts))
    budget = sim.level.level.budget
    if budget is None:
        raise Rejected("this level has no budget to buy licences with")
    left = budget - sim.spent
    if cost > left + 1e-9:
        raise Rejected(
            f"{new} for {len(hosts)} hosts costs {cost:,.0f}; the budget has {left:,.0f} left"
        )
    if not apply:
        return ""
    sim.spent += cost
    sim.edition = new
    gained = sorted(licensing.FEATURES[new] - licensing.FEATURES[old])
    what = ", ".join(licensing.FEATURE_NAMES[f] for f in gained) or "nothing new"
    return (f"licence upgraded {old} → {new} for {cost:,.0f} ({budget - sim.spent:,.0f} left); "
            f"now available: {what}")


def _help(sim: Simulation, c: Command, apply: bool) -> str:
    from vdc.sim.commands import help_text

    words = c.get("command")
    return help_text(tuple(words) if words else None)


from vdc.sim.moves import MOVE_HANDLERS  # noqa: E402 - its handlers use the helpers above

HANDLERS: dict[str, Callable[[Simulation, Command, bool], str]] = {
    "power on": _power_on,
    "power off": _power_off,
    "power reset": _power_reset,
    "vm set cpu": _set_cpu,
    "vm set mem": _set_mem,
    "host power on": _host_power_on,
    "host power off": _host_power_off,
    "license upgrade": _license_upgrade,
    **MOVE_HANDLERS,
    "help": _help,
}


def _run(sim: Simulation, c: Command, apply: bool) -> str:
    if sim.ended:
        raise Rejected("the level is over")
    handler = HANDLERS.get(c.name)
    if handler is None:
        raise Rejected(f"{c.name} is not available in this version of vdc")
    return handler(sim, c, apply)


def validate(sim: Simulation, c: Command) -> str | None:
    """The reason `c` cannot run now, or None when it can."""
    try:
        _run(sim, c, apply=False)
    except Rejected as e:
        return str(e)
    return None


def execute(sim: Simulation, c: Command) -> Verdict:
    """Validate and apply `c` at the current sim time; log it either way."""
    t = sim.now
    try:
        _run(sim, c, apply=False)
        message = _run(sim, c, apply=True)
    except Rejected as e:
        sim.log.add(t, "command_rejected", c.name, str(e))
        if isinstance(e, AdmissionRefused):
            sim.log.add(t, "ha_admission_refused", c.name, str(e))
        return Verdict(False, str(e))
    if not c.spec.meta:
        sim.accepted_commands += 1
        sim.log.add(t, "command", c.name, message)
    return Verdict(True, message)


def _register_more() -> None:
    """Handlers kept in their own modules (they import this one)."""
    from vdc.sim import snapshot_cmds

    HANDLERS.update(snapshot_cmds.HANDLERS)


_register_more()
import vdc.sim.drs_commands  # noqa: E402, F401 - registers the drs … handlers
import vdc.sim.ha_commands  # noqa: E402, F401 - registers the ha … handlers (uses the helpers above)
