"""Level 09 (consolidation): the numbers that make its lesson felt. Eight physical servers
converted live onto two hosts: each service is down only for its cutover (final sync, 60 s
switch, 45 s boot), the rack goes from 18 U to 2 U and the power from about 2.8 to 0.8 kW once
the old boxes are off; all eight on one host want ~1.5 times its CPU and starve."""

from __future__ import annotations

import pytest
from conftest import play, solutions
from levelrun import LevelRun

from vdc.sim import objectives

LEVEL = "09-consolidation"
REFERENCE, NAIVE = solutions(LEVEL)


def _cpu_pct(r: LevelRun, host: str) -> float:
    s = r.sim.sampler
    return float(s.host_cpu_demand_pct[s.host_index[host]])


def test_the_office_starts_on_eight_servers_in_18_rack_units():
    r = LevelRun(LEVEL).to(1)
    assert objectives.rack_units(r.sim) == 8 * 2 + 2
    assert r.sim.metrics.power_kw == pytest.approx(2.76, abs=0.02)


def test_each_service_is_down_only_for_its_cutover():
    r = LevelRun(LEVEL, REFERENCE).to(2300)
    down = r.sim.metrics.service_down_s
    # dns-srv: 20 GiB at 100 MB/s = 204.8 s of copy; 1 MB/s written meanwhile = 0.2 GiB,
    # 2 s of final sync; 60 s switch; 45 s boot: down about 110 s (sampled every 5 s)
    assert down["dns"] == pytest.approx(2 + 60 + 45, abs=5)
    # the intranet waits for two cutovers: web-srv (16 s sync) and db-srv (8 MB/s × 1,536 s
    # = 12 GiB, 123 s of sync)
    assert down["intranet"] == pytest.approx(16 + 105 + 123 + 105, abs=10)
    assert max(down.values()) < 0.07 * 7200  # under the 93 % target
    assert all(t.state == "done" for t in r.sim.tasks.tasks if t.kind == "p2v")


def test_retiring_the_old_servers_frees_the_rack_and_the_power():
    r = LevelRun(LEVEL, REFERENCE).to(2390)
    assert objectives.rack_units(r.sim) == 18  # converted, but still racked and drawing idle power
    r.to(2410)
    assert objectives.rack_units(r.sim) == 2
    r.to(7200)
    assert r.sim.metrics.power_kw == pytest.approx(0.84, abs=0.03)
    assert 60 < _cpu_pct(r, "esx-01") < 85 and 60 < _cpu_pct(r, "esx-02") < 85


def test_all_eight_on_one_host_want_more_than_it_has():
    r = LevelRun(LEVEL, NAIVE).to(3600)
    assert _cpu_pct(r, "esx-01") == pytest.approx(140, abs=8)
    assert not any(r.up(svc) for svc in r.sim.inv.services)


def test_the_scores():
    idle, naive, best = play(LEVEL), play(LEVEL, NAIVE), play(LEVEL, REFERENCE)
    assert (idle.objectives["rack"].value, naive.objectives["rack"].value, best.objectives["rack"].value) == (18, 1, 2)
    assert idle.objectives["services-up"].value == 1.0
    assert naive.objectives["services-up"].value == pytest.approx(0.25, abs=0.05)
    assert best.objectives["services-up"].value == pytest.approx(1 - 350 / 7200, abs=0.003)
    assert idle.outcome == naive.outcome == "lost" and (best.outcome, best.stars) == ("won", 3)
    assert idle.score < naive.score < best.score == 100.0
