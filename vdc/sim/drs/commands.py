"""Provides the `drs …` commands: settings, recommendations, rules and groups (see dispatch.py).

They are cluster configuration, so the licence must include DRS and vCenter must be up. A change
of settings or rules runs a pass at once, so the player sees what DRS makes of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vdc.scenario.rules import VM_HOST, VM_VM, conflict
from vdc.sim import affinity, checks
from vdc.sim.checks import Rejected
from vdc.sim.drs import passes as drs
from vdc.sim.handler import Apply, Handlers
from vdc.sim.model import Rule

if TYPE_CHECKING:
    from vdc.sim.commands import Command
    from vdc.sim.engine import Simulation
    from vdc.sim.model import Cluster


def _cluster(sim: Simulation, c: Command) -> Cluster:
    return checks.configured_cluster(sim, c.text("cluster"), "drs")


def _outcome(sim: Simulation, cluster: str) -> str:
    """What the pass just made of the cluster, for the command's message."""
    cd = sim.drs.clusters[cluster]
    if not drs.enabled(sim, cluster) or cd.imbalance is None:
        return ""
    goal = f"target {cd.target:.3f}" if cd.target is not None else "mandatory moves only"
    head = f"imbalance {cd.imbalance:.3f}, {goal}"
    if drs.mode(sim, cluster) == "full":
        started = sum(1 for i in sim.drs.by_cluster.get(cluster, []) if i and sim.tasks.tasks[i - 1].queued_at == sim.now)
        return f"; {head}" + (f"; {started} migration(s) started" if started else "")
    n = len(cd.recommendations)
    return f"; {head}" + (f"; {n} recommendation(s): drs apply {cluster} all" if n else "")


def _enable(sim: Simulation, c: Command) -> Apply:
    cl = _cluster(sim, c)
    if cl.drs.enabled:
        raise Rejected(f"DRS is already on for {cl.name}")
    if not cl.hosts:
        raise Rejected(f"{cl.name} has no hosts")

    def apply() -> str:
        cl.drs.enabled = True
        drs.configured(sim, cl.name)
        return f"DRS is on for {cl.name} ({cl.drs.mode}, threshold {cl.drs.threshold})" + _outcome(sim, cl.name)

    return apply


def _disable(sim: Simulation, c: Command) -> Apply:
    cl = _cluster(sim, c)
    if not cl.drs.enabled:
        raise Rejected(f"DRS is already off for {cl.name}")

    def apply() -> str:
        cl.drs.enabled = False
        drs.configured(sim, cl.name)
        return f"DRS is off for {cl.name}: VMs stay where they are; its rules still bind HA and vMotion"

    return apply


def _mode(sim: Simulation, c: Command) -> Apply:
    cl = _cluster(sim, c)
    new = c.text("mode")
    if cl.drs.mode == new:
        raise Rejected(f"DRS of {cl.name} is already {new}")

    def apply() -> str:
        old, cl.drs.mode = cl.drs.mode, new
        drs.configured(sim, cl.name)
        off = "" if cl.drs.enabled else f" (DRS is off: drs enable {cl.name})"
        return f"DRS of {cl.name}: {old} → {new}{off}" + _outcome(sim, cl.name)

    return apply


def _threshold(sim: Simulation, c: Command) -> Apply:
    cl = _cluster(sim, c)
    new = c.integer("level")
    if cl.drs.threshold == new:
        raise Rejected(f"the DRS threshold of {cl.name} is already {new}")

    def apply() -> str:
        old, cl.drs.threshold = cl.drs.threshold, new
        drs.configured(sim, cl.name)
        return f"DRS threshold of {cl.name}: {old} → {new}" + _outcome(sim, cl.name)

    return apply


def _apply(sim: Simulation, c: Command) -> Apply:
    cl = _cluster(sim, c)
    if not cl.drs.enabled:
        raise Rejected(f"DRS is off for {cl.name}: drs enable {cl.name}")
    rid = c.text("id")
    recs = sim.drs.clusters[cl.name].recommendations
    if not recs:
        if drs.mode(sim, cl.name) == "full":
            raise Rejected(f"DRS of {cl.name} is fully automated: it makes its moves itself")
        raise Rejected(f"DRS has no recommendations for {cl.name} now")
    chosen = recs if rid == "all" else [r for r in recs if r.id == rid]
    if not chosen:
        have = ", ".join(r.id for r in recs)
        raise Rejected(f"no recommendation {rid} for {cl.name} (it has {have}, or all)")
    reasons = []
    for r in chosen:
        try:
            why = drs.move_refusal(sim, sim.inv.vms[r.vm], r.src, r.dst, r.cold)
        except Rejected as e:
            why = str(e)
        if why is not None:
            reasons.append(f"{r.id} is out of date: {why}")
    if len(reasons) == len(chosen):
        raise Rejected(reasons[0] + (f" (and {len(reasons) - 1} more)" if len(reasons) > 1 else ""))

    def apply() -> str:
        done = drs.apply(sim, cl.name, rid)
        ok = [r for r, started in done if started]
        head = (f"applied {ok[0].id}: {ok[0].vm} {ok[0].src} → {ok[0].dst}" if len(ok) == 1
                else f"applied {len(ok)} recommendations of {cl.name}")
        skipped = len(done) - len(ok)
        return head + (f"; {skipped} out of date (see the event log)" if skipped else "")

    return apply


def _members(sim: Simulation, cl: Cluster, names: list[str], kind: str) -> list[str]:
    """Check that every name is a VM (or host) of the cluster; no repeats."""
    out: list[str] = []
    for n in names:
        if kind == "vm":
            vm = checks.vm(sim, n)
            if vm.host not in cl.hosts:
                raise Rejected(f"{vm.name} is not a VM of cluster {cl.name} (it is on {vm.host})")
        else:
            h = checks.host(sim, n)
            if h.name not in cl.hosts:
                raise Rejected(f"{h.name} is not a host of cluster {cl.name}")
        if n in out:
            raise Rejected(f"{n} is named twice")
        out.append(n)
    return out


def _older(cl: Cluster, skip: str = "", vm_groups: dict[str, list[str]] | None = None,
           host_groups: dict[str, list[str]] | None = None) -> list[tuple[str, str, list[str], list[str]]]:
    vg = vm_groups if vm_groups is not None else cl.vm_groups
    hg = host_groups if host_groups is not None else cl.host_groups
    out = []
    for r in cl.rules:
        if r.name == skip:
            continue
        vms = list(r.vms) if r.type in VM_VM else list(vg.get(r.vm_group, []))
        out.append((r.name, r.type, vms, list(hg.get(r.host_group, [])) if r.type in VM_HOST else []))
    return out


def _rule_add(sim: Simulation, c: Command) -> Apply:
    cl = _cluster(sim, c)
    name, kind = c.text("rule"), c.text("type")
    members = list(c.words("members"))
    if any(r.name == name for r in cl.rules):
        raise Rejected(f"{cl.name} already has a rule named {name} (drs rule remove {cl.name} {name})")
    if kind in VM_VM:
        if len(members) < 2:
            raise Rejected(f"a {kind} rule names two or more VMs")
        vms = _members(sim, cl, members, "vm")
        rule = Rule(name, kind, vms)
        hosts: list[str] = []
    else:
        if len(members) != 2:
            raise Rejected(f"a {kind} rule names a VM group and a host group: drs rule add {cl.name} {name} {kind} VMGROUP HOSTGROUP")
        vg, hg = members
        if vg not in cl.vm_groups:
            raise Rejected(f"{cl.name} has no VM group {vg} (make one: drs group {cl.name} vm {vg} VM...)")
        if hg not in cl.host_groups:
            raise Rejected(f"{cl.name} has no host group {hg} (make one: drs group {cl.name} host {hg} HOST...)")
        rule = Rule(name, kind, [], vg, hg)
        vms, hosts = list(cl.vm_groups[vg]), list(cl.host_groups[hg])
    why = conflict(name, kind, vms, hosts, _older(cl), list(cl.hosts))
    if why:
        raise Rejected(why)

    def apply() -> str:
        cl.rules.append(rule)
        drs.configured(sim, cl.name)
        broken = affinity.broken(sim, cl, rule)
        now = ""
        if broken:
            who = "; ".join(f"{vm} {w}" for vm, w in broken[:2])
            fix = "DRS will mend it" if drs.enabled(sim, cl.name) else "move them (DRS is off)"
            now = f"; broken now: {who} — {fix}"
        return f"rule {name} added to {cl.name}: {affinity.describe(cl, rule)}{now}"

    return apply


def _rule_remove(sim: Simulation, c: Command) -> Apply:
    cl = _cluster(sim, c)
    name = c.text("rule")
    found = next((r for r in cl.rules if r.name == name), None)
    if found is None:
        have = ", ".join(r.name for r in cl.rules) or "none"
        raise Rejected(f"{cl.name} has no rule named {name} (its rules: {have})")
    rule = found

    def apply() -> str:
        cl.rules.remove(rule)
        drs.configured(sim, cl.name)
        return f"rule {name} removed from {cl.name}"

    return apply


def _group(sim: Simulation, c: Command) -> Apply:
    cl = _cluster(sim, c)
    kind, name = c.text("type"), c.text("group")
    members = _members(sim, cl, list(c.words("members")), kind)
    table = cl.vm_groups if kind == "vm" else cl.host_groups
    new = {**table, name: members}
    older = _older(cl, vm_groups=new if kind == "vm" else None, host_groups=new if kind == "host" else None)
    for k, (rname, rkind, vms, hosts) in enumerate(older):
        why = conflict(rname, rkind, vms, hosts, older[:k], list(cl.hosts))
        if why:
            raise Rejected(f"group {name} would make rules conflict: {why}")

    def apply() -> str:
        verb = "changed" if name in table else "made"
        table[name] = members
        drs.configured(sim, cl.name)
        return f"{kind} group {name} of {cl.name} {verb}: {', '.join(members)}"

    return apply


HANDLERS: Handlers = {
    "drs enable": _enable,
    "drs disable": _disable,
    "drs mode": _mode,
    "drs threshold": _threshold,
    "drs apply": _apply,
    "drs rule add": _rule_add,
    "drs rule remove": _rule_remove,
    "drs group": _group,
}
