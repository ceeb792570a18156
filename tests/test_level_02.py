"""Level 02 (Flash sale): the numbers that make its lesson felt. Moving two web servers off
esx-01 during the ten-minute warning keeps the rush off one host; moving them once the rush has
begun is slow (busy guests, one 1 GbE link), costs the overloaded host a core per move, and
leaves the shop waiting for CPU for minutes — which the time-weighted ready objective counts."""

from __future__ import annotations

import pytest
from conftest import play, solutions

from vdc.scenario.loader import load_level
from vdc.scenario.paths import find_level
from vdc.session.actions import load_actions
from vdc.session.session import Session
from vdc.sim.engine import Simulation

LEVEL = load_level(find_level("02-flash-sale")).level
REFERENCE, NAIVE = solutions("02-flash-sale")
SPIKE_AT = 720.0
WEB = [f"shop-web-0{i}" for i in range(1, 5)]


def run_to(script, t: float) -> Session:
    s = Session(Simulation(LEVEL))
    s.play([(a.t, a.command) for a in load_actions(script)] if script else [], until=t)
    return s


def host_demand(s: Session, host: str) -> float:
    sm = s.sim.sampler
    return float(sm.host_cpu_demand_pct[sm.host_names.index(host)])


def ready(s: Session, vm: str) -> float:
    sm = s.sim.sampler
    return float(sm.vm_ready_avg[sm.vm_index[vm]])


def worst_web_ready(s: Session) -> float:
    return max(ready(s, v) for v in WEB)


def vmotion_tasks(s: Session) -> dict[str, tuple[float, float]]:
    """VM -> (seconds the vMotion took, when it started)."""
    return {t.subject: (t.finished_at - t.started_at, t.started_at)
            for t in s.sim.tasks.tasks if t.kind == "vmotion" and t.state == "done"}


def test_the_warning_comes_ten_minutes_ahead_and_pauses_the_game():
    warnings = [e for e in LEVEL.events if e.warning]
    assert [(e.at - e.warning, e.at, e.factor, e.duration) for e in warnings] == [(120, 720, 3, 900)]
    assert LEVEL.level.pause_on == ["warning"]


def test_idle_the_rush_lands_on_one_host_and_the_shop_stalls():
    calm = run_to(None, SPIKE_AT - 20)
    assert host_demand(calm, "esx-01") == pytest.approx(59, abs=3)
    assert worst_web_ready(calm) < 0.5 and calm.sim.metrics.service_up["shop"]
    rush = run_to(None, SPIKE_AT + 120)
    assert host_demand(rush, "esx-01") == pytest.approx(157, abs=5)  # ~30 GHz wanted of 19.2
    assert worst_web_ready(rush) == pytest.approx(26, abs=2)  # % per vCPU, smoothed over 20 s
    assert not rush.sim.metrics.service_up["shop"]  # ~63 % of the CPU asked: under min_served 0.7
    idle = play("02")
    assert idle.outcome == "lost"
    assert idle.objectives["shop-fast"].value == pytest.approx(910, abs=15)  # the whole rush
    assert idle.objectives["shop-up"].value == pytest.approx(0.625, abs=0.01)


def test_moving_early_spreads_the_rush_over_three_hosts_without_cpu_ready():
    s = run_to(REFERENCE, SPIKE_AT - 20)
    assert {v: s.sim.inv.vms[v].host for v in WEB} == {
        "shop-web-01": "esx-01", "shop-web-02": "esx-01", "shop-web-03": "esx-02", "shop-web-04": "esx-03"}
    took = vmotion_tasks(s)
    # Calm guests over the 1 GbE vMotion link: 8 GiB in ~86 s alone; the two share the link,
    # so each takes about twice that.
    assert took["shop-web-03"][0] == pytest.approx(188, abs=10)
    assert took["shop-web-04"][0] == pytest.approx(188, abs=10)
    s.advance_to(SPIKE_AT + 120)
    assert host_demand(s, "esx-01") == pytest.approx(80, abs=5)
    assert max(host_demand(s, h) for h in ("esx-02", "esx-03")) < 60
    assert worst_web_ready(s) < 1.0 and s.sim.metrics.service_up["shop"]
    best = play("02", REFERENCE)
    assert best.objectives["shop-fast"].value == 0.0  # not one second over 10 %
    assert (best.outcome, best.score, best.stars) == ("won", 100.0, 3)


def test_moving_during_the_rush_is_slow_and_costs_the_overloaded_host_a_core():
    s = run_to(NAIVE, 840)  # both moves running, a minute after they started
    assert host_demand(s, "esx-01") == pytest.approx(179, abs=6)  # + a core per vMotion
    assert worst_web_ready(s) == pytest.approx(38, abs=3)  # worse than doing nothing (~26 %)
    s.advance_to(LEVEL.level.duration)
    took = vmotion_tasks(s)
    # Busy guests dirty memory three times faster: the same moves, sharing the link, take far longer.
    assert took["shop-web-03"][0] == pytest.approx(368, abs=15)
    assert took["shop-web-04"][0] == pytest.approx(368, abs=15)
    naive = play("02", NAIVE)
    assert naive.objectives["shop-fast"].value == pytest.approx(445, abs=15)  # over 7 minutes
    # Down ~430 s: both moves share the link, so neither lands before the other.
    assert naive.objectives["shop-up"].value == pytest.approx(0.821, abs=0.01)
    assert (naive.outcome, naive.stars) == ("lost", 0) and naive.score < 60


def test_one_web_server_moved_early_is_not_enough():
    one = play("02", "130 vmotion shop-web-04 esx-02\n")
    assert one.outcome == "won" and one.stars == 1
    assert one.objectives["shop-fast"].value > 600  # esx-01 still wants ~120 %: ready ~14 %
    assert one.objectives["shop-up"].met


def test_every_second_of_waiting_counts_so_earlier_is_better():
    at_once = play("02", "720 vmotion shop-web-03 esx-02\n720 vmotion shop-web-04 esx-03\n")
    naive, best = play("02", NAIVE), play("02", REFERENCE)
    assert naive.score < at_once.score < best.score
    assert at_once.objectives["shop-fast"].value == pytest.approx(215, abs=15)


def test_the_debrief_names_the_late_move_and_the_missing_one():
    naive, idle = play("02", NAIVE), play("02")
    assert len(naive.lessons) == 1 and "during the ten-minute warning" in naive.lessons[0]
    assert "`vmotion shop-web-03 esx-02`" in naive.lessons[0]
    assert len(idle.lessons) == 1 and "All four web servers" in idle.lessons[0]
