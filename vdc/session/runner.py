"""Provides the headless runner: a level, a seed and a timed action script in; a result out.

The result is the object `vdc run --json` prints; its fields are documented in docs/cli.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from vdc.scenario import schema
from vdc.session.actions import TimedCommand
from vdc.session.lessons import lessons
from vdc.session.session import Session
from vdc.session.standing import standing
from vdc.sim import objectives as obj
from vdc.sim.drs import passes as drs
from vdc.sim.engine import Simulation


def run_level(
    level: schema.Level,
    *,
    seed: int | None = None,
    actions: Sequence[TimedCommand] = (),
    until: float | None = None,
) -> Session:
    """Play `level` headless with the timed commands; stop at `until` or the level's end."""
    session = Session(Simulation(level, seed=seed))
    session.play(((a.t, a.command) for a in actions), until=until)
    return session


def result(
    session: Session,
    *,
    content_hash: str = "",
    stopped_early: bool = False,
    events: bool = False,
) -> dict[str, Any]:
    """The run's outcome, score, objectives, metrics, commands and digest as plain data."""
    sim = session.sim
    statuses = sim.objective_statuses()
    outcome = sim.outcome(stopped_early=stopped_early)
    if outcome == "running":
        outcome = "incomplete"
    score = standing(sim, statuses).score  # the one score: the game's top bar shows it too
    s = sim.sampler
    out: dict[str, Any] = {
        "level": sim.level.level.id,
        "level_hash": content_hash,
        "seed": sim.seed,
        "sim_time": round(sim.now, 3),
        "duration": sim.duration,
        "outcome": outcome,
        "end_reason": sim.end_reason,
        "score": score,
        "stars": obj.stars(score, sim.level.level.stars, outcome),
        "objectives": [st.as_dict() for st in statuses],
        "digest": sim.digest(),
        "commands": {
            "accepted": len(session.accepted),
            "rejected": [
                {"t": r.t, "text": r.text, "reason": r.message} for r in session.rejected
            ],
        },
        "metrics": {
            "vm_downtime_s": {
                n: round(float(x), 3) for n, x in zip(s.vm_names, s.vm_downtime.tolist(), strict=True)
            },
            "service_uptime": {
                n: round(1.0 - down / s.last_t, 6) if s.last_t > 0 else 1.0
                for n, down in sim.metrics.service_down_s.items()
            },
            "max_cpu_ready_pct": round(float(s.vm_ready_peak.max()), 3) if s.vm_ready_peak.size else 0.0,
            "power_kw": round(sim.metrics.power_kw, 3),
            "peak_power_kw": round(sim.metrics.peak_kw, 3),
            "energy_kwh": round(sim.metrics.energy_kwh, 3),
            "cost": round(sim.cost(), 2),
            "datastore_pct": {d.name: round(d.pct, 3) for d in sim.inv.datastores.values()},
            "migrations": sum(1 for k in sim.tasks.tasks if k.kind == "vmotion" and k.state == "done"),
            "svmotions": sum(1 for k in sim.tasks.tasks if k.kind == "svmotion" and k.state == "done"),
            "max_datastore_pct": (
                round(float(sim.metrics.ds_peak.max()), 3) if sim.metrics.ds_peak.size else 0.0
            ),
            "ha_restarts": sim.ha.restarts,
            "drs_migrations": drs.migrations_done(sim),
        },
    }
    found = lessons(session)
    if found:  # only levels with lessons carry them (older saves keep their results)
        out["lessons"] = found
    if events:
        out["events"] = [r.as_dict() for r in sim.log]
    return out
