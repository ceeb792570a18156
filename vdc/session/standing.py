"""Provides where a run stands now: its score, its outcome, and whether that can still change.

One function for everyone: the game's top bar, the debrief and `vdc run` read the score from
`standing` (the objectives' weighted attainment, `vdc.sim.objectives.score`), so the number a
player watches is the one the debrief gives. The outcome is settled as soon as it can no longer
change: *lost* once a required objective has failed for good, *won* once every required one is
met and can no longer fail in the time that is left (a level with no required objective is
never settled before its end: nothing would be decided early) (a service's downtime cannot outgrow its
allowance in the minutes remaining; a deadline has passed). The game then offers to end the
level: the rest runs without the player, exactly as running out the clock would, so ending
early never changes the score.
"""

from __future__ import annotations

from dataclasses import dataclass

from vdc.scenario import schema
from vdc.sim import objectives as obj
from vdc.sim.engine import Simulation

MAX_READY_PCT = 100.0
"""CPU ready can be at most 100 % per vCPU: the most a mean can grow per second left."""


@dataclass(frozen=True, slots=True)
class Standing:
    """Where the run stands now."""

    score: float
    outcome: str
    """won | lost: settled for good (or the level is over); running: can still change."""
    stars: int
    """What the score earns if the run is won (0 once lost)."""
    reason: str
    """Why the outcome is settled, in one sentence with the numbers ("" while running)."""

    @property
    def settled(self) -> bool:
        return self.outcome != "running"


def standing(sim: Simulation, statuses: list[obj.ObjectiveStatus] | None = None) -> Standing:
    """The score now and the outcome if it can no longer change (`statuses` when at hand)."""
    if statuses is None:
        statuses = sim.objective_statuses()
    score = obj.score(statuses)
    thresholds = sim.level.level.stars
    by_id = {o.id: o for o in sim.level.objectives}
    required = [st for st in statuses if st.required]
    failed = [st for st in required if st.failed_for_good]
    if failed:
        return Standing(score, "lost", 0, failure_sentence(sim, by_id[failed[0].id], failed[0]))
    if sim.ended:
        outcome = "won" if all(st.met for st in required) else "lost"
        missed = next((st for st in required if not st.met), None)
        reason = "" if missed is None else failure_sentence(sim, by_id[missed.id], missed)
        return Standing(score, outcome, obj.stars(score, thresholds, outcome), reason)
    if required and all(secured(sim, by_id[st.id], st) for st in required):
        return Standing(score, "won", obj.stars(score, thresholds, "won"),
                        "every required objective is met and can no longer fail")
    return Standing(score, "running", obj.stars(score, thresholds, "won"), "")


def secured(sim: Simulation, o: schema.Objective, st: obj.ObjectiveStatus) -> bool:
    """Whether a required objective is met and cannot fail in the time that is left."""
    if st.failed_for_good:
        return False
    left = max(0.0, float(sim.duration) - sim.now)
    duration = float(sim.duration)
    target = float(o.target or 0) if isinstance(o.target, int | float) else 0.0
    k = o.kind
    if k == "service_uptime":
        return _worst_down(sim, o) + left <= (1.0 - target) * duration + 1e-9
    if k == "max_vm_downtime":
        return isinstance(st.value, float) and st.value + left <= target + 1e-9
    if k == "cpu_ready_seconds":
        return isinstance(st.value, float) and st.value + left <= target + 1e-9
    if k == "mean_cpu_ready":
        m = sim.metrics
        worst = float(m.ready_integral.max()) if m.ready_integral.size else 0.0
        return worst + MAX_READY_PCT * left <= target * duration + 1e-9
    if k == "config" and o.by is not None:
        return st.met and o.id in sim.metrics.config_at_deadline
    if k == "host_state_by":
        return st.met and o.id in sim.metrics.state_at_deadline
    return False  # judged at the end, or it can still grow: only the end settles it


def _worst_down(sim: Simulation, o: schema.Objective) -> float:
    names = sim.service_names() if o.service == "*" else [o.service or ""]
    down = sim.metrics.service_down_s
    return max((down.get(n, 0.0) for n in names), default=0.0)


def span(seconds: float) -> str:
    """A duration as a player says it: `45 s`, `3 min`, `4 min 10 s`, `1 h 5 min`."""
    s = int(round(seconds))
    if s < 60:
        return f"{s} s"
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    if h:
        return f"{h} h {m} min" if m else f"{h} h"
    return f"{m} min {sec} s" if sec else f"{m} min"


def failure_sentence(sim: Simulation, o: schema.Objective, st: obj.ObjectiveStatus) -> str:
    """What went wrong with a required objective, with the numbers."""
    if o.kind == "service_uptime":
        names = sim.service_names() if o.service == "*" else [o.service or ""]
        down = sim.metrics.service_down_s
        worst = max(names, key=lambda n: down.get(n, 0.0)) if names else ""
        allowed = (1.0 - float(o.target or 0)) * float(sim.duration)
        return f"The {worst} was down for {span(down.get(worst, 0.0))} ({span(allowed)} allowed)"
    if o.kind in ("max_vm_downtime", "cpu_ready_seconds"):
        return f"{st.description}: {span(float(st.value or 0))} ({span(float(o.target or 0))} allowed)"
    value = st.value if isinstance(st.value, str) else f"{st.value:g}" if st.value is not None else "?"
    return f"{st.description}: not met ({value})"
