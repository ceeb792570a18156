"""Objectives, score, stars and outcome (formulas in vdc/sim/objectives.py)."""

from __future__ import annotations

import pytest
from conftest import add_vm, base_level, build

from vdc.sim import objectives as obj
from vdc.sim.engine import Simulation


def _level(objectives, events=(), **meta):
    lv = base_level(**meta)
    add_vm(lv, "web-01", vcpu=1)
    add_vm(lv, "db-01", vcpu=1)
    lv["services"] = [
        {"name": "shop", "tiers": [{"name": "web", "vms": ["web-01"]}, {"name": "db", "vms": ["db-01"]}]}
    ]
    lv["objectives"] = list(objectives)
    lv["events"] = list(events)
    return build(lv)


def _status(sim, oid):
    return next(s for s in sim.objective_statuses() if s.id == oid)


def test_service_uptime_value_attainment_and_score():
    # db-01 broken 60 s of 600: uptime 0.9; target 0.99, worst 0.8 → attainment (0.9−0.8)/0.19.
    level = _level(
        [
            {"id": "up", "kind": "service_uptime", "service": "shop", "target": 0.99, "worst": 0.8, "weight": 3},
            {"id": "ready", "kind": "max_cpu_ready", "target": 5, "weight": 1},
        ],
        [{"at": 100, "kind": "bad_change", "vm": "db-01", "duration": 60}],
        end_on_fail=False,
    )
    sim = Simulation(level)
    sim.run_until(600)
    up = _status(sim, "up")
    assert up.value == pytest.approx(0.9)
    assert not up.met
    assert up.attainment == pytest.approx(0.1 / 0.19)
    ready = _status(sim, "ready")
    assert ready.met and ready.attainment == 1.0
    assert obj.score(sim.objective_statuses()) == pytest.approx(round(100 * (3 * 0.1 / 0.19 + 1) / 4, 2))
    assert sim.outcome() == "won"  # nothing required


def test_required_objective_failed_for_good_ends_level_early():
    # 99 % of 600 s allows 6 s of downtime: the 60 s bad change loses the level at t = 110
    # (the first sample after more than 6 s is accounted: 100–105 is 5 s, 105–110 is 10 s).
    level = _level(
        [{"id": "up", "kind": "service_uptime", "service": "shop", "target": 0.99, "required": True}],
        [{"at": 100, "kind": "bad_change", "vm": "db-01", "duration": 60}],
    )
    sim = Simulation(level)
    sim.run_until(600)
    assert sim.ended and sim.ended_at == 110.0
    assert sim.now == 110.0
    assert sim.outcome() == "lost"
    assert [r.kind for r in sim.log][-2:] == ["objective_failed", "level_end"]


def test_won_when_required_met_and_stars_from_thresholds():
    level = _level(
        [{"id": "up", "kind": "service_uptime", "service": "*", "target": 0.99, "required": True}],
        stars=[50, 80, 100],
    )
    sim = Simulation(level)
    sim.run_until(600)
    statuses = sim.objective_statuses()
    assert sim.outcome() == "won"
    score = obj.score(statuses)
    assert score == 100.0
    assert obj.stars(score, [50, 80, 100], "won") == 3
    assert obj.stars(79.9, [50, 80, 100], "won") == 1
    assert obj.stars(100, [50, 80, 100], "lost") == 0


def test_incomplete_when_stopped_early():
    level = _level([{"id": "up", "kind": "service_uptime", "service": "shop", "target": 0.9}])
    sim = Simulation(level)
    sim.run_until(300)
    assert sim.outcome(stopped_early=True) == "incomplete"


def test_max_vm_downtime_and_datastore_and_power():
    level = _level(
        [
            {"id": "down", "kind": "max_vm_downtime", "vms": "db-*", "target": 30, "worst": 90},
            {"id": "ds", "kind": "datastore_below", "datastore": "ds-1", "target": 50, "when": "always"},
            {"id": "kw", "kind": "max_power_kw", "target": 0.2, "worst": 0.4},
            {"id": "cost", "kind": "max_cost", "target": 10000},
            {"id": "cmds", "kind": "max_commands", "target": 0},
        ],
        [
            {"at": 100, "kind": "bad_change", "vm": "db-01", "duration": 60},
            {"at": 200, "kind": "datastore_fill", "datastore": "ds-1", "gib": 1200},
        ],
        end_on_fail=False,
    )
    sim = Simulation(level)
    sim.run_until(600)
    down = _status(sim, "down")
    assert down.value == 60.0 and not down.met
    assert down.attainment == pytest.approx(0.5)  # (90 − 60) / (90 − 30)
    ds = _status(sim, "ds")
    assert ds.value > 60 and not ds.met and ds.failed_for_good
    kw = _status(sim, "kw")
    # One host: 150 W idle + (450 − 150) W × CPU use; two 1-vCPU VMs at their 2,000 MHz cap
    # use 4,000 of 16,000 MHz → 150 + 300 × 0.25 = 225 W.
    assert kw.value == pytest.approx(0.225)
    assert not kw.met and kw.attainment == pytest.approx((0.4 - 0.225) / (0.4 - 0.2))
    assert _status(sim, "cost").value == 10000.0 and _status(sim, "cost").met
    assert _status(sim, "cmds").value == 0.0 and _status(sim, "cmds").met


def test_default_descriptions_and_worst():
    level = _level([{"id": "up", "kind": "service_uptime", "service": "shop", "target": 0.99}])
    o = level.objectives[0]
    assert obj.describe(o) == "Keep shop up ≥ 99 % of the time"
    assert obj.default_worst(o) == pytest.approx(0.89)
