"""Provides the configuration assessment: what a `config` objective checks, now.

In the spirit of Packet Tracer's Activity Wizard, a level can score configuration items: HA on
in a cluster, admission control reserving for N host failures, DRS on (at least in a mode), a
DRS rule covering some VMs, a restart priority, no (old) snapshots, a host patched (rebooted in
maintenance mode and back in service). Each check reads the live
inventory and answers (met, what is there, what is wanted) in short words for the debrief;
`vdc.sim.objectives` turns that into a status (met = 1, else 0) and freezes it at `by`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from vdc.scenario import schema
from vdc.scenario.names import expand
from vdc.sim.ha import admission
from vdc.sim.objectives import DRS_MODES, PRIORITIES, span_text
from vdc.sim.snapshots.chain import age_text

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation

Result = tuple[bool, str, str]
"""(met, what is there now, what is wanted)."""


def check(sim: Simulation, o: schema.Objective) -> Result:
    """The answer of config objective `o` at the simulation's current time."""
    return _CHECKS[str(o.check)](sim, o)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _ha_enabled(sim: Simulation, o: schema.Objective) -> Result:
    on = sim.inv.clusters[str(o.cluster)].ha.enabled
    return on, "on" if on else "off", "on"


def _admission(sim: Simulation, o: schema.Objective) -> Result:
    cluster = str(o.cluster)
    st = sim.inv.clusters[cluster].ha
    want = o.failures or 1
    n = admission.failures_reserved(sim, cluster)
    if not st.enabled:
        now = "HA off"
    elif st.admission == "disabled":
        now = "admission control off"
    else:
        now = f"{st.admission}: {_plural(n, 'failure')}"
    return n >= want, now, f"≥ {_plural(want, 'failure')}"


def _drs_enabled(sim: Simulation, o: schema.Objective) -> Result:
    st = sim.inv.clusters[str(o.cluster)].drs
    least = o.mode or "manual"
    met = st.enabled and DRS_MODES.index(st.mode) >= DRS_MODES.index(least)
    wanted = {"manual": "on", "partial": "on, partial or full", "full": "on, full"}[least]
    return met, f"on, {st.mode}" if st.enabled else "off", wanted


def _rule(sim: Simulation, o: schema.Objective) -> Result:
    cl = sim.inv.clusters[str(o.cluster)]
    vms = expand([o.vms], list(sim.inv.vms))
    wanted = f"a {o.rule_type} rule" if o.rule_type else "a rule"
    for r in cl.rules:
        if o.rule_type is not None and r.type != o.rule_type:
            continue
        members = r.vms if r.vms else cl.vm_groups.get(r.vm_group, [])
        if all(v in members for v in vms):
            return True, f"{r.name} ({r.type})", wanted
    return False, "none", wanted


def _ha_priority(sim: Simulation, o: schema.Objective) -> Result:
    least = o.priority or "medium"
    vms = [sim.inv.vms[n] for n in expand([o.vms], list(sim.inv.vms))]
    lowest = min(vms, key=lambda v: PRIORITIES.index(v.ha_priority))
    met = PRIORITIES.index(lowest.ha_priority) >= PRIORITIES.index(least)
    now = lowest.ha_priority if len(vms) == 1 else f"{lowest.ha_priority} ({lowest.name})"
    return met, now, least if least == "highest" else f"≥ {least}"


def _no_snapshots(sim: Simulation, o: schema.Objective) -> Result:
    now = sim.now
    count, oldest, who = 0, -1.0, ""
    for name in expand([o.vms], list(sim.inv.vms)):
        for snap in sim.inv.vms[name].snapshots:  # a snapshot being deleted counts until merged
            count += 1
            if now - snap.taken_at > oldest:
                oldest, who = now - snap.taken_at, name
    if o.older_than is None:
        there = "none" if not count else f"{_plural(count, 'snapshot')} ({who})"
        return count == 0, there, "none"
    there = "none" if not count else f"oldest {age_text(oldest)} ({who})"
    return oldest <= o.older_than, there, f"none older than {span_text(o.older_than)}"


def _host_patched(sim: Simulation, o: schema.Objective) -> Result:
    """Patched: a reboot ended while the host was in maintenance mode (the patch installs then),
    and the host is back in service now (on, not entering maintenance again)."""
    name = str(o.host)
    h = sim.inv.hosts[name]
    patched = name in sim.metrics.patched_at
    entering = sim.maintenance.entering_of(name) is not None
    state = "entering maintenance" if entering else {"booting": "rebooting"}.get(h.state, h.state)
    in_service = h.state == "on" and not entering
    there = f"patched, {state}" if patched else f"not patched, {state}"
    return patched and in_service, there, "patched, on"


def _vsan_data_safe(sim: Simulation, o: schema.Objective) -> Result:
    """No VM matching `vms` has had its vSAN data inaccessible (more failures than its FTT):
    data loss, even if a host brought it back later."""
    names = set(expand([o.vms], list(sim.inv.vms)))
    lost = list(dict.fromkeys(vm for _, vm in sim.vsan.inaccessible_at if vm in names))
    there = "none lost" if not lost else f"{_plural(len(lost), 'VM')} lost data ({', '.join(lost[:3])})"
    return not lost, there, "none lost"


_CHECKS: dict[str, Callable[[Simulation, schema.Objective], Result]] = {
    "ha_enabled": _ha_enabled,
    "admission": _admission,
    "drs_enabled": _drs_enabled,
    "rule": _rule,
    "ha_priority": _ha_priority,
    "no_snapshots": _no_snapshots,
    "host_patched": _host_patched,
    "vsan_data_safe": _vsan_data_safe,
}
