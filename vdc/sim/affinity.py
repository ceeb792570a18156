"""Provides what DRS rules do: who may run where, and who breaks a rule now (sim-facts.md §4).

VM-VM rules keep VMs together or apart; VM-host rules tie a VM group to a host group. The
required ones — must-run-on, must-not-run-on and keep-apart — are never broken by DRS, HA or a
vMotion: a move or restart that would break one is refused with the rule's name. The preferred
ones — should-run-on and keep-together — DRS keeps when it balances and mends when they are
broken; HA and a maintenance evacuation break them only when no host keeps them.
Conflicting rules are refused when added: the older rule wins (`vdc.scenario.rules`).

Power on, vMotion, HA and DRS all keep these rules, so this module sits below all of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from vdc.scenario.rules import REQUIRED, RULE_TYPES, VM_HOST, VM_VM
from vdc.sim.model import Cluster, Rule

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation
    from vdc.sim.model import Host, Vm
__all__ = [
    "REQUIRED", "RULE_TYPES", "VM_HOST", "VM_VM", "Placed", "broken", "describe", "refusal",
    "rule_hosts", "rule_vms", "together_home", "violations",
]

Placed = Mapping[str, Sequence[str]]
"""host → VMs planned onto it (not yet there): a placement being worked out counts them."""


def rule_vms(cl: Cluster, r: Rule) -> list[str]:
    return list(r.vms) if r.type in VM_VM else list(cl.vm_groups.get(r.vm_group, []))


def rule_hosts(cl: Cluster, r: Rule) -> list[str]:
    return list(cl.host_groups.get(r.host_group, [])) if r.type in VM_HOST else []


def describe(cl: Cluster, r: Rule) -> str:
    """The rule in words: "keep-apart web-01, web-02" / "must-run-on lic-vms → lic-hosts"."""
    if r.type in VM_VM:
        return f"{r.type} {', '.join(r.vms)}"
    return f"{r.type} {r.vm_group} → {r.host_group}"


def _rules_for(sim: Simulation, vm: Vm, dst: Host) -> list[tuple[Cluster, Rule]]:
    """Rules of the VM's cluster and of the destination's cluster that name the VM."""
    out = []
    seen: list[str] = []
    for cname in (sim.inv.hosts[vm.host].cluster, dst.cluster):
        cl = sim.inv.clusters.get(cname or "")
        if cl is None or cl.name in seen:
            continue
        seen.append(cl.name)
        out += [(cl, r) for r in cl.rules if vm.name in rule_vms(cl, r)]
    return out


def _running_on(sim: Simulation, host: str, placed: Placed | None) -> list[str]:
    here = [v.name for v in sim.inv.vms_on(host) if v.power == "on"]
    if placed:
        here += [n for n in placed.get(host, ()) if n not in here]
    return here


def refusal(sim: Simulation, vm: Vm, dst: Host, *, soft: bool = False,
            placed: Placed | None = None, moving: Sequence[str] = ()) -> str | None:
    """Why running `vm` on `dst` would break a required rule (and, with `soft`, a preferred
    one); None when it breaks none. `placed` adds VMs planned onto hosts; `moving` are VMs
    that leave their hosts in the same plan."""
    for cl, r in _rules_for(sim, vm, dst):
        if r.type == "must-run-on" or (soft and r.type == "should-run-on"):
            hosts = rule_hosts(cl, r)
            if dst.name not in hosts:
                verb = "must" if r.type == "must-run-on" else "should"
                return (f"rule {r.name}: {vm.name} {verb} run on the hosts of group {r.host_group} "
                        f"({', '.join(hosts) or 'none'})")
        elif r.type == "must-not-run-on":
            if dst.name in rule_hosts(cl, r):
                return f"rule {r.name}: {vm.name} must not run on the hosts of group {r.host_group}"
        elif r.type == "keep-apart":
            here = _running_on(sim, dst.name, placed)
            other = next((n for n in r.vms if n != vm.name and n in here and n not in moving), None)
            if other is not None:
                return f"rule {r.name} keeps {vm.name} apart from {other}, which runs on {dst.name}"
        elif soft and r.type == "keep-together":
            going = {n: h for h, names in (placed or {}).items() for n in names}
            for n in r.vms:
                o = sim.inv.vms.get(n)
                if n == vm.name or o is None or o.power != "on" or (n in moving and n not in going):
                    continue
                where = going.get(n, o.host)
                if where != dst.name:
                    return f"rule {r.name} keeps {vm.name} together with {n}, which runs on {where}"
    return None


def broken(sim: Simulation, cl: Cluster, r: Rule) -> list[tuple[str, str]]:
    """(VM, why) for each running VM of the cluster that breaks rule `r` now."""
    out: list[tuple[str, str]] = []
    names = rule_vms(cl, r)
    on = [sim.inv.vms[n] for n in names if n in sim.inv.vms and sim.inv.vms[n].power == "on"]
    if r.type in VM_HOST:
        hosts = rule_hosts(cl, r)
        for v in on:
            inside = v.host in hosts
            if r.type == "must-not-run-on" and inside:
                out.append((v.name, f"runs on {v.host}, in group {r.host_group}"))
            elif r.type != "must-not-run-on" and not inside:
                out.append((v.name, f"runs on {v.host}, outside group {r.host_group}"))
    elif r.type == "keep-apart":
        first: dict[str, str] = {}
        for v in on:
            if v.host in first:
                out.append((v.name, f"shares {v.host} with {first[v.host]}"))
            else:
                first[v.host] = v.name
    else:  # keep-together: the VMs away from the host most of them run on
        count: dict[str, int] = {}
        for v in on:
            count[v.host] = count.get(v.host, 0) + 1
        if len(count) > 1:
            home = max(count, key=lambda h: (count[h], -list(count).index(h)))
            out += [(v.name, f"runs on {v.host}, away from the others on {home}")
                    for v in on if v.host != home]
    return out


def violations(sim: Simulation, cluster: str) -> list[tuple[Rule, str, str]]:
    """(rule, VM, why) for every rule of the cluster broken now, rules oldest first."""
    cl = sim.inv.clusters[cluster]
    return [(r, vm, why) for r in cl.rules for vm, why in broken(sim, cl, r)]


def together_home(sim: Simulation, cl: Cluster, r: Rule) -> str | None:
    """The host a keep-together rule's VMs gather on (where most of them run)."""
    count: dict[str, int] = {}
    for n in r.vms:
        v = sim.inv.vms.get(n)
        if v is not None and v.power == "on":
            count[v.host] = count.get(v.host, 0) + 1
    return max(count, key=lambda h: (count[h], -list(count).index(h))) if count else None
