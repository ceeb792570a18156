"""Provides the DRS rule types and the conflict check between rules (design/sim-facts.md §4).

The ground floor of DRS rules: the level loader refuses a level whose rules conflict, and the
`drs rule add` / `drs group` commands refuse a change that would make them conflict, with the
same words. What the rules do to placements is `vdc.sim.affinity`.
"""

from __future__ import annotations

from collections.abc import Sequence

VM_VM = ("keep-together", "keep-apart")
VM_HOST = ("must-run-on", "should-run-on", "must-not-run-on")
RULE_TYPES = VM_VM + VM_HOST
REQUIRED = ("keep-apart", "must-run-on", "must-not-run-on")
"""Rules nothing breaks; the others are preferences."""


def conflict(name: str, kind: str, vms: Sequence[str], hosts: Sequence[str],
             older: Sequence[tuple[str, str, list[str], list[str]]], all_hosts: Sequence[str]) -> str:
    """Why a new rule (name, kind, its VMs, its hosts) conflicts with an older one ("" if not).

    Conflicts: keep-together and keep-apart over two of the same VMs; VM-host required rules
    that leave a VM no host at all.
    """
    for oname, okind, ovms, _ in older:
        if {kind, okind} == {"keep-together", "keep-apart"}:
            both = [v for v in vms if v in ovms]
            if len(both) >= 2:
                return (f"rule {name} ({kind}) conflicts with the older rule {oname} ({okind}) "
                        f"over {both[0]} and {both[1]}")
    if kind not in ("must-run-on", "must-not-run-on"):
        return ""
    for v in vms:
        allowed = set(all_hosts)
        last = ""
        for oname, okind, ovms, ohosts in older:
            if v in ovms and okind in ("must-run-on", "must-not-run-on"):
                allowed = allowed & set(ohosts) if okind == "must-run-on" else allowed - set(ohosts)
                last = oname
        allowed = allowed & set(hosts) if kind == "must-run-on" else allowed - set(hosts)
        if not allowed:
            with_older = f" (with the older rule {last}); older rules win" if last else ""
            return f"rule {name} would leave {v} no host to run on{with_older}"
    return ""
