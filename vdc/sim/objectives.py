"""Provides objectives and scoring.

Each objective measures one value, is *met* when the value reaches its `target`, and earns an
attainment in [0, 1] on a linear scale from `worst` (0) to `target` (1). The score is

    score = 100 × Σ weight × attainment / Σ weight

An objective measured as a share of the level's time (`service_uptime`, `mean_cpu_ready`)
shows its value so far (over the time elapsed), but earns its attainment over the whole level,
the time still to come counted as clean: downtime so far against the downtime the level allows.
So the score at any moment is the one the run keeps if nothing else goes wrong — it starts at
100 and only drops when points are lost for good — and at the level's end (elapsed = duration)
both readings are the same. The game's top bar, the debrief and `vdc run` all show this score.

Stars come from the level's three thresholds (only a won level earns stars). The outcome is
`won` when every required objective is met at the end, `lost` when a required one has failed
for good (the level may then end early), `incomplete` when the run stopped before the end.

Time-weighted CPU ready (`account`, every sample, like the downtime: the state seen at a
sample holds until the next one). The ready % is the one the game shows, smoothed over 20 s:

    cpu_ready_seconds = Σ dt over the samples where any VM matched by `vms` was above `threshold`
    mean_cpu_ready    = max over the matched VMs of (Σ ready × dt) / elapsed time

so the few seconds of ready a vMotion costs count for those seconds, not as the run's peak.

`config` objectives are assessment items (`vdc.sim.assessment`): met (1) or not (0), checked
at the end, or at `by` and then frozen (like `host_state_by`). `assessment_progress` counts the
met ones (the game's "% complete").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from vdc.scenario import schema
from vdc.scenario.names import expand

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation


@dataclass(frozen=True, slots=True)
class ObjectiveStatus:
    """Where one objective stands now."""

    id: str
    kind: str
    description: str
    weight: float
    required: bool
    value: float | str | None
    target: float | str | None
    met: bool
    attainment: float
    failed_for_good: bool

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "kind": self.kind,
            "description": self.description,
            "weight": self.weight,
            "required": self.required,
            "met": self.met,
            "value": self.value,
            "target": self.target,
            "attainment": round(self.attainment, 4),
            "failed_for_good": self.failed_for_good,
        }


def default_worst(o: schema.Objective) -> float:
    """The value that scores zero when the level does not say."""
    t = float(o.target or 0.0)
    return {
        "service_uptime": max(0.0, t - 0.1),
        "max_vm_downtime": 3 * t + 300,
        "max_cpu_ready": max(2 * t, t + 10),
        "cpu_ready_seconds": 3 * t + 300,
        "mean_cpu_ready": max(2 * t, t + 10),
        "datastore_below": 100.0,
        "max_power_kw": 2 * t,
        "max_cost": 2 * t,
        "max_commands": 3 * t + 5,
        "max_rack_units": 2 * t,
        "max_yearly_cost": 2 * t,
    }.get(o.kind, 0.0)


HOURS_PER_YEAR = 8760.0


def rack_units(sim: Simulation) -> int:
    """Rack units of the hosts and servers not powered off (a server powered off is retired)."""
    return sum(h.rack_units for h in sim.inv.hosts.values() if h.state != "off")


def yearly_cost(sim: Simulation) -> float:
    """A year at the power drawn now (× `power_price` per kWh) plus the hardware in service and
    what was bought (`Simulation.cost`)."""
    return sim.metrics.power_kw * HOURS_PER_YEAR * float(sim.level.level.power_price) + sim.cost()


def describe(o: schema.Objective) -> str:
    """The level's description, or a sentence made from the objective's fields."""
    if o.description:
        return o.description
    t = o.target if o.target is not None else 0.0
    when = "at all times" if o.when == "always" else "at the end"
    k = o.kind
    if k == "service_uptime":
        what = "every service" if o.service == "*" else o.service
        return f"Keep {what} up ≥ {100 * t:g} % of the time"
    vms = "every VM" if o.vms == "*" else o.vms
    if k == "max_vm_downtime":
        return f"No VM ({vms}) down more than {t:g} s"
    if k == "max_cpu_ready":
        return f"CPU ready of {vms} stays under {t:g} % per vCPU"
    if k == "cpu_ready_seconds":
        on = "any VM" if o.vms == "*" else o.vms
        return f"CPU ready over {ready_threshold(o):g} % on {on} for at most {t:g} s in all"
    if k == "mean_cpu_ready":
        return f"Mean CPU ready of {vms} stays under {t:g} % per vCPU"
    if k == "config":
        return describe_check(o)
    if k == "datastore_below":
        what = "every datastore" if o.datastore == "*" else o.datastore
        return f"Keep {what} under {t:g} % full {when}"
    if k == "host_state_by":
        return f"{o.host} is {o.state} by t = {o.by or 0:g} s"
    if k == "max_power_kw":
        return f"Power draw ≤ {t:g} kW {when}"
    if k == "max_cost":
        return f"Hosts in service cost ≤ {t:g}"
    if k == "max_rack_units":
        return f"Rack space in use ≤ {t:g} U at the end"
    if k == "max_yearly_cost":
        return f"Yearly cost (power and hardware) ≤ {t:g} at the end"
    return f"Use at most {t:g} commands"


DEFAULT_READY_THRESHOLD = 10.0
"""cpu_ready_seconds without a `threshold`: 10 % per vCPU, where ready starts to hurt
(sim-facts §8: under 5 % is fine, over 10 % degrades)."""

PRIORITIES = ("disabled", "lowest", "low", "medium", "high", "highest")
"""HA restart priorities, lowest first."""

DRS_MODES = ("manual", "partial", "full")
"""DRS automation levels, least automated first."""


def ready_threshold(o: schema.Objective) -> float:
    return DEFAULT_READY_THRESHOLD if o.threshold is None else float(o.threshold)


def span_text(seconds: float) -> str:
    """A duration in the unit an operator would say: `90 s`, `30 min`, `1 h`, `1.5 h`."""
    if seconds < 120:
        return f"{seconds:g} s"
    if seconds < 7200 and seconds % 3600:
        return f"{seconds / 60:.4g} min"
    return f"{seconds / 3600:.4g} h"


def describe_check(o: schema.Objective) -> str:
    """A config objective in plain words, with when it is judged."""
    c = o.check
    vms = "every VM" if o.vms == "*" else o.vms
    if c == "ha_enabled":
        what = f"HA is on in {o.cluster}"
    elif c == "admission":
        n = o.failures or 1
        what = (f"HA admission control in {o.cluster} reserves capacity for "
                f"{n} host failure{'s' if n != 1 else ''}")
    elif c == "drs_enabled":
        mode = {"partial": ", partially or fully automated", "full": ", fully automated"}
        what = f"DRS is on in {o.cluster}{mode.get(o.mode or 'manual', '')}"
    elif c == "rule":
        kind = f"A {o.rule_type} rule" if o.rule_type else "A DRS rule"
        what = f"{kind} in {o.cluster} covers {vms}"
    elif c == "ha_priority":
        p = o.priority or "medium"
        at_least = "" if p == "highest" else " or higher"
        what = f"HA restart priority of {vms} is {p}{at_least}"
    elif c == "host_patched":
        what = f"{o.host} is patched (rebooted in maintenance mode) and back in service"
    elif c == "vsan_data_safe":
        on = "any VM" if o.vms == "*" else o.vms
        what = f"No vSAN data of {on} became inaccessible"
    else:  # no_snapshots
        on = "any VM" if o.vms == "*" else o.vms
        what = (f"No snapshots left on {on}" if o.older_than is None
                else f"No snapshot of {on} older than {span_text(o.older_than)}")
    return f"{what} by t = {o.by:g} s" if o.by is not None else f"{what} at the end"


def _linear(value: float, target: float, worst: float, higher_is_better: bool) -> float:
    if higher_is_better:
        if value >= target:
            return 1.0
        if worst >= target:
            return 0.0
        return float(np.clip((value - worst) / (target - worst), 0.0, 1.0))
    if value <= target:
        return 1.0
    if worst <= target:
        return 0.0
    return float(np.clip((worst - value) / (worst - target), 0.0, 1.0))


def evaluate(sim: Simulation, o: schema.Objective) -> ObjectiveStatus:
    """The status of objective `o` at the simulation's current time."""
    s = sim.sampler
    duration = float(sim.duration)
    target = o.target
    worst = o.worst if o.worst is not None else default_worst(o)
    value: float | str | None
    failed = False
    higher = False
    # A share of the level's time (uptime, mean ready) over the whole level, what has not
    # happened yet counted as clean: what the attainment counts (see the module's text).
    kept: float | None = None
    if o.kind == "service_uptime":
        names = sim.service_names() if o.service == "*" else [o.service or ""]
        elapsed = s.last_t  # downtime is accounted up to the last sample
        down_s = sim.metrics.service_down_s  # a dict built per read: read it once
        downs = [down_s.get(n, 0.0) for n in names]
        worst_down = max(downs) if downs else 0.0
        value = round(1.0 - worst_down / elapsed, 6) if elapsed > 0 else 1.0
        failed = worst_down > (1.0 - float(target or 0)) * duration + 1e-9
        higher = True
        kept = 1.0 - worst_down / duration if duration > 0 else 1.0
    elif o.kind in ("max_vm_downtime", "max_cpu_ready"):
        arr = s.vm_downtime if o.kind == "max_vm_downtime" else s.vm_ready_peak
        picked = arr[_vm_rows(sim, o)]
        value = round(float(picked.max()), 3) if picked.size else 0.0
        failed = value > float(target or 0) + 1e-9
    elif o.kind == "cpu_ready_seconds":
        value = round(sim.metrics.ready_over_s.get(o.id, 0.0), 3)
        failed = value > float(target or 0) + 1e-9
    elif o.kind == "mean_cpu_ready":
        m = sim.metrics
        integral = m.ready_integral[_vm_rows(sim, o)] if m.ready_integral.size else np.zeros(0)
        worst_integral = float(integral.max()) if integral.size else 0.0
        elapsed = s.last_t
        value = round(worst_integral / elapsed, 3) if elapsed > 0 else 0.0
        failed = worst_integral > float(target or 0) * duration + 1e-9
        kept = worst_integral / duration if duration > 0 else 0.0
    elif o.kind == "config":
        frozen = sim.metrics.config_at_deadline.get(o.id)
        met, text, wanted = frozen if frozen is not None else sim.assess(o)
        return ObjectiveStatus(
            o.id, o.kind, describe(o), o.weight, o.required, text, wanted, met,
            1.0 if met else 0.0, frozen is not None and not met,
        )
    elif o.kind == "datastore_below":
        names = list(sim.inv.datastores) if o.datastore == "*" else [o.datastore or ""]
        if o.when == "always":
            value = round(max(sim.metrics.ds_peak_pct.get(n, 0.0) for n in names), 3)
            failed = value > float(target or 0)
        else:
            value = round(max(sim.inv.datastores[n].pct for n in names), 3)
    elif o.kind == "host_state_by":
        state = sim.metrics.state_at_deadline.get(o.id) or sim.inv.hosts[o.host or ""].state
        value = state
        met = state == o.state
        failed = o.id in sim.metrics.state_at_deadline and not met
        return ObjectiveStatus(
            o.id, o.kind, describe(o), o.weight, o.required, value, o.state, met,
            1.0 if met else 0.0, failed,
        )
    elif o.kind == "max_power_kw":
        value = round(sim.metrics.peak_kw if o.when == "always" else sim.metrics.power_kw, 3)
        failed = o.when == "always" and value > float(target or 0)
    elif o.kind == "max_cost":
        value = round(sim.cost(), 2)
    elif o.kind == "max_rack_units":
        value = float(rack_units(sim))
    elif o.kind == "max_yearly_cost":
        value = round(yearly_cost(sim), 2)
    elif o.kind == "max_commands":
        value = float(sim.accepted_commands)
        failed = value > float(target or 0)
    else:  # pragma: no cover - the schema admits no other kind
        raise ValueError(o.kind)
    tv = float(target or 0)
    met = (value >= tv) if higher else (value <= tv)
    att = _linear(float(value if kept is None else kept), tv, float(worst), higher)
    return ObjectiveStatus(o.id, o.kind, describe(o), o.weight, o.required, value, target, met, att, failed)


def _vm_rows(sim: Simulation, o: schema.Objective) -> slice | list[int]:
    """The sampler rows of the VMs an objective's `vms` matches (every row for "*": no need
    to match 2,000 names against a glob)."""
    s = sim.sampler
    if o.vms == "*":
        return slice(None)
    cached = sim.metrics.vm_rows.get(o.vms)
    if cached is not None and cached[0] == s.built_version:
        return cached[1]
    rows = [s.vm_index[n] for n in expand([o.vms], list(sim.inv.vms)) if n in s.vm_index]
    sim.metrics.vm_rows[o.vms] = (s.built_version, rows)
    return rows


def account(sim: Simulation, t: float, dt: float) -> None:
    """After each sample at time t (`dt` s after the one before): time-weighted CPU ready, and
    the results frozen at their deadline (`host_state_by`, `config` with `by`)."""
    m = sim.metrics
    ready = sim.sampler.vm_ready_avg
    for o in sim.level.objectives:
        k = o.kind
        if k == "cpu_ready_seconds":
            # Left-point rule: the state seen at the last sample held until this one.
            if dt > 0 and m.ready_over_now.get(o.id, False):
                m.ready_over_s[o.id] = m.ready_over_s.get(o.id, 0.0) + dt
            picked = ready[_vm_rows(sim, o)]
            m.ready_over_now[o.id] = bool(picked.max(initial=-np.inf) > ready_threshold(o) + 1e-9)
        elif k == "host_state_by":
            if o.id not in m.state_at_deadline and t >= (o.by or 0):
                m.state_at_deadline[o.id] = sim.inv.hosts[o.host or ""].state
        elif k == "config" and o.by is not None:
            if o.id not in m.config_at_deadline and t >= o.by:
                m.config_at_deadline[o.id] = sim.assess(o)
    if m.mean_ready:
        n = ready.size
        if m.ready_integral.size != n:
            m.ready_integral = _grow(m.ready_integral, n)
            m.ready_prev = _grow(m.ready_prev, n)
        if dt > 0:
            m.ready_integral += dt * m.ready_prev
        m.ready_prev = ready.copy()


def _grow(a: np.ndarray, n: int) -> np.ndarray:
    return a[:n] if a.size >= n else np.concatenate([a, np.zeros(n - a.size)])


def assessment_progress(
    sim: Simulation, statuses: list[ObjectiveStatus] | None = None
) -> tuple[int, int]:
    """(met, total) of the level's `config` objectives now (pass `statuses` when they are
    at hand, to save evaluating them again); (0, 0) when the level has none."""
    if statuses is None:
        statuses = [evaluate(sim, o) for o in sim.level.objectives if o.kind == "config"]
    items = [st for st in statuses if st.kind == "config"]
    return sum(1 for st in items if st.met), len(items)


def score(statuses: list[ObjectiveStatus]) -> float:
    total = sum(s.weight for s in statuses)
    if total <= 0:
        return 100.0
    return round(100.0 * sum(s.weight * s.attainment for s in statuses) / total, 2)


def stars(score_value: float, thresholds: list[float], outcome: str) -> int:
    if outcome != "won":
        return 0
    return sum(1 for t in thresholds if score_value >= t)
