"""Provides objectives and scoring.

Each objective measures one value, is *met* when the value reaches its `target`, and earns an
attainment in [0, 1] on a linear scale from `worst` (0) to `target` (1). The score is

    score = 100 × Σ weight × attainment / Σ weight

Stars come from the level's three thresholds (only a won level earns stars). The outcome is
`won` when every required objective is met at the end, `lost` when a required one has failed
for good (the level may then end early), `incomplete` when the run stopped before the end.
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
        "datastore_below": 100.0,
        "max_power_kw": 2 * t,
        "max_cost": 2 * t,
        "max_commands": 3 * t + 5,
    }.get(o.kind, 0.0)


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
    if k == "datastore_below":
        what = "every datastore" if o.datastore == "*" else o.datastore
        return f"Keep {what} under {t:g} % full {when}"
    if k == "host_state_by":
        return f"{o.host} is {o.state} by t = {o.by or 0:g} s"
    if k == "max_power_kw":
        return f"Power draw ≤ {t:g} kW {when}"
    if k == "max_cost":
        return f"Hosts in service cost ≤ {t:g}"
    return f"Use at most {t:g} commands"


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
    if o.kind == "service_uptime":
        names = sim.service_names() if o.service == "*" else [o.service or ""]
        elapsed = s.last_t  # downtime is accounted up to the last sample
        down_s = sim.metrics.service_down_s  # a dict built per read: read it once
        downs = [down_s.get(n, 0.0) for n in names]
        worst_down = max(downs) if downs else 0.0
        value = round(1.0 - worst_down / elapsed, 6) if elapsed > 0 else 1.0
        failed = worst_down > (1.0 - float(target or 0)) * duration + 1e-9
        higher = True
    elif o.kind in ("max_vm_downtime", "max_cpu_ready"):
        arr = s.vm_downtime if o.kind == "max_vm_downtime" else s.vm_ready_peak
        if o.vms == "*":  # every VM: no need to match 2,000 names against a glob
            picked = arr
        else:
            idx = [s.vm_index[n] for n in expand([o.vms], list(sim.inv.vms)) if n in s.vm_index]
            picked = arr[idx]
        value = round(float(picked.max()), 3) if picked.size else 0.0
        failed = value > float(target or 0) + 1e-9
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
    elif o.kind == "max_commands":
        value = float(sim.accepted_commands)
        failed = value > float(target or 0)
    else:  # pragma: no cover - the schema admits no other kind
        raise ValueError(o.kind)
    tv = float(target or 0)
    met = (value >= tv) if higher else (value <= tv)
    att = _linear(float(value), tv, float(worst), higher)
    return ObjectiveStatus(o.id, o.kind, describe(o), o.weight, o.required, value, target, met, att, failed)


def score(statuses: list[ObjectiveStatus]) -> float:
    total = sum(s.weight for s in statuses)
    if total <= 0:
        return 100.0
    return round(100.0 * sum(s.weight * s.attainment for s in statuses) / total, 2)


def stars(score_value: float, thresholds: list[float], outcome: str) -> int:
    if outcome != "won":
        return 0
    return sum(1 for t in thresholds if score_value >= t)
