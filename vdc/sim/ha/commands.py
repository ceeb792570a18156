"""Provides the `ha …` commands: cluster HA settings, checked and applied (see dispatch.py).

Cluster configuration goes through vCenter, so every one of them is refused while vCenter is
down ("vCenter is unavailable: …") — even though HA itself keeps restarting VMs then.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from vdc.sim import checks
from vdc.sim.checks import Rejected
from vdc.sim.ha import admission, monitoring
from vdc.sim.ha import agents as ha
from vdc.sim.handler import Apply, Handlers

if TYPE_CHECKING:
    from vdc.sim.commands import Command
    from vdc.sim.engine import Simulation
    from vdc.sim.model import Cluster, HaSettings


def _cluster(sim: Simulation, c: Command) -> Cluster:
    return checks.configured_cluster(sim, c.text("cluster"), "ha")


def _changed(sim: Simulation) -> None:
    sim.ha.active = True  # from now on the digest carries the HA state


def _enable(sim: Simulation, c: Command) -> Apply:
    cl = _cluster(sim, c)
    if cl.ha.enabled:
        raise Rejected(f"HA is already on for {cl.name}")
    if not cl.hosts:
        raise Rejected(f"{cl.name} has no hosts")

    def apply() -> str:
        cl.ha.enabled = True
        ha.configure(sim, sim.ha.clusters[cl.name])
        _changed(sim)
        primary = sim.ha.clusters[cl.name].primary
        return f"HA is on for {cl.name}; primary {primary or 'none (no host is up)'}"

    return apply


def _disable(sim: Simulation, c: Command) -> Apply:
    cl = _cluster(sim, c)
    if not cl.ha.enabled:
        raise Rejected(f"HA is already off for {cl.name}")

    def apply() -> str:
        dropped = ha.disable(sim, cl.name)
        cl.ha.enabled = False
        _changed(sim)
        extra = f"; {dropped} pending restart(s) dropped" if dropped else ""
        return f"HA is off for {cl.name}: failed hosts' VMs stay down until you act{extra}"

    return apply


def _number(text: str, what: str, lo: float, hi: float) -> float:
    try:
        x = float(text.rstrip("%"))
    except ValueError:
        raise Rejected(f"{what} must be a number, got '{text}'") from None
    if not lo <= x <= hi:
        raise Rejected(f"{what} must be between {lo:g} and {hi:g}, got {text}")
    return x


def _admission_settings(sim: Simulation, cl: Cluster, policy: str, values: list[str]) -> HaSettings:
    """The cluster's HA settings with the new admission policy, or the refusal of its values."""
    n_hosts = len(cl.hosts)
    new = dataclasses.replace(cl.ha, admission=policy, cpu_pct=None, mem_pct=None, failover_hosts=[])
    if policy == "disabled":
        if values:
            raise Rejected("ha admission CLUSTER disabled takes no values")
    elif policy == "slots" or (policy == "percent" and len(values) == 1):
        if len(values) != 1:
            raise Rejected("ha admission CLUSTER slots takes the number of host failures to tolerate")
        top = max(1, min(4, n_hosts - 1))
        new.failures = int(_number(values[0], "host failures to tolerate", 1, top))
        if float(values[0].rstrip("%")) != new.failures:
            raise Rejected(f"host failures to tolerate must be a whole number, got {values[0]}")
    elif policy == "percent":
        if len(values) != 2:
            raise Rejected("ha admission CLUSTER percent takes FAILURES, or CPU% and MEM%")
        new.cpu_pct = _number(values[0], "the CPU percentage", 0, 100)
        new.mem_pct = _number(values[1], "the memory percentage", 0, 100)
    else:  # failover-hosts
        if not values:
            raise Rejected("ha admission CLUSTER failover-hosts takes one or more host names")
        for hn in values:
            checks.host(sim, hn)
            if hn not in cl.hosts:
                raise Rejected(f"{hn} is not a host of {cl.name}")
        if len(set(values)) >= n_hosts:
            raise Rejected(f"{cl.name} has {n_hosts} hosts; at least one must stay for the VMs")
        busy = [hn for hn in values if any(v.power == "on" for v in sim.inv.vms_on(hn))]
        if busy:
            raise Rejected(f"{busy[0]} runs VMs; a failover host must be empty (move them first)")
        new.failover_hosts = list(dict.fromkeys(values))
    return new


def _admission(sim: Simulation, c: Command) -> Apply:
    cl = _cluster(sim, c)
    policy = c.text("policy")
    new = _admission_settings(sim, cl, policy, list(c.words("values")))

    def apply() -> str:
        cl.ha = new
        _changed(sim)
        return f"HA admission control of {cl.name}: {policy}; {admission.summary(sim, cl.name)}"

    return apply


def _priority(sim: Simulation, c: Command) -> Apply:
    vm = checks.vm(sim, c.text("vm"))
    cluster = sim.inv.hosts[vm.host].cluster
    if cluster is None:
        raise Rejected(f"{vm.name} runs on {vm.host}, which is in no cluster, so HA does not protect it")
    checks.require_feature(sim, "ha")
    checks.require_vcenter(sim)
    new = c.text("priority")
    if vm.ha_priority == new:
        raise Rejected(f"{vm.name}'s restart priority is already {new}")

    def apply() -> str:
        old, vm.ha_priority = vm.ha_priority, new
        _changed(sim)
        return f"{vm.name} restart priority {old} → {new}"

    return apply


def _isolation(sim: Simulation, c: Command) -> Apply:
    cl = _cluster(sim, c)
    new = c.text("response")
    if cl.ha.isolation_response == new:
        raise Rejected(f"{cl.name}'s isolation response is already {new}")

    def apply() -> str:
        cl.ha.isolation_response = new
        _changed(sim)
        return f"{cl.name}: an isolated host now does '{new}' with its VMs"

    return apply


def _monitoring(sim: Simulation, c: Command) -> Apply:
    cl = _cluster(sim, c)
    on = c.text("state") == "on"
    if cl.ha.vm_monitoring == on:
        raise Rejected(f"VM monitoring is already {'on' if on else 'off'} in {cl.name}")
    if on and not cl.ha.enabled:
        raise Rejected(f"HA is off for {cl.name}; VM monitoring is part of HA (ha enable {cl.name})")

    def apply() -> str:
        cl.ha.vm_monitoring = on
        _changed(sim)
        if not on:
            return f"VM monitoring is off in {cl.name}: a hung guest stays hung until you reset it"
        monitoring.monitoring_on(sim, cl.name)
        blind = [v for v in sim.inv.vms.values()
                 if v.host in cl.hosts and v.power == "on" and not v.has_tools]
        extra = (f"; {checks.vm_names(blind)} {'has' if len(blind) == 1 else 'have'} no Tools and "
                 f"cannot be watched" if blind else "")
        return (f"VM monitoring is on in {cl.name}: a VM without a Tools heartbeat for "
                f"{monitoring.FAILURE_INTERVAL_S:g} s is reset{extra}")

    return apply


HANDLERS: Handlers = {
    "ha enable": _enable,
    "ha disable": _disable,
    "ha admission": _admission,
    "ha priority": _priority,
    "ha isolation": _isolation,
    "ha monitoring": _monitoring,
}
