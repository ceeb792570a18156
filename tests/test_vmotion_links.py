"""Shared vMotion links: concurrent migrations split their hosts' VMkernel links fairly and
re-plan the rest of their copy when one starts or ends (vdc/sim/moves/links.py)."""

from __future__ import annotations

import copy

import pytest
from conftest import add_vm, build
from test_vmotion import _level

from vdc.session.session import Session
from vdc.sim.engine import Simulation
from vdc.sim.moves import vmotion
from vdc.sim.moves.vmotion import GIB, bandwidth

STILL = {"name": "still", "cpu": 500, "mem_active": 0.0, "iops": 10, "write_mbps": 0,
         "net": 1, "shape": "flat", "peak": 0, "noise": 0}
"""Dirties no memory: one pre-copy round, so a copy's time is exactly its bytes / its rate."""
OVERHEAD = vmotion.TASK_OVERHEAD_S + vmotion.SETUP_S


def _session(n: int, *, speed: int = 1000, profile: str = "still", memory: int = 16) -> Session:
    lv = _level(speed=speed)
    lv["profiles"].append(STILL)
    for i in range(n):
        add_vm(lv, f"vm-{i}", memory=memory, profile=profile)
    return Session(Simulation(build(lv)))


def _durations(s: Session) -> list[float]:
    return [t.finished_at - t.started_at for t in s.sim.tasks.tasks]  # type: ignore[operator]


def test_four_vmotions_at_once_each_take_about_four_times_one_alone():
    solo = _session(1)
    solo.advance(10)
    assert solo.submit("vmotion vm-0 esx-02").accepted
    solo.advance(1000)
    four = _session(4)
    four.advance(10)
    for i in range(4):
        assert four.submit(f"vmotion vm-{i} esx-02").accepted
    # The link is split four ways, never used more than once over.
    rates = [m.rate for m in four.sim.migrations.running]
    assert rates == [pytest.approx(bandwidth(1000) / 4)] * 4
    # Every task's expected end moved with its share (the Tasks panel's ETA).
    copy_s = 16 * GIB / bandwidth(1000)  # 146.2 s alone over 1 GbE
    for t in four.sim.tasks.tasks:
        assert t.ends_at == pytest.approx(10 + OVERHEAD + 4 * copy_s + vmotion.DEVICE_STATE_S)
    four.advance(1000)
    (alone,) = _durations(solo)
    assert alone == pytest.approx(OVERHEAD + copy_s + vmotion.DEVICE_STATE_S, abs=0.01)
    for d in _durations(four):
        assert d / alone == pytest.approx(3.9, abs=0.02)  # ≈ 4× (the 5 s overhead is not shared)
        assert (d - OVERHEAD) / (alone - OVERHEAD) == pytest.approx(4.0, abs=0.01)
    assert all(v.host == "esx-02" for v in four.sim.inv.vms.values())


def test_dirtying_vms_send_more_on_a_shared_link_and_take_longer_still():
    one, four = _session(1, profile="dirty50", speed=10000), _session(4, profile="dirty50", speed=10000)
    for s, n in ((one, 1), (four, 4)):
        for i in range(n):
            s.submit(f"vmotion vm-{i} esx-02")
        s.advance(1000)
    (alone,) = _durations(one)
    assert alone == pytest.approx(20.3, abs=0.05)
    assert [round(d / alone, 1) for d in _durations(four)] == [3.7] * 4
    assert "3 rounds" in four.sim.tasks.tasks[0].detail  # re-planned at a quarter of the link


def test_a_migration_joined_midway_keeps_its_bytes_and_speeds_up_when_the_other_ends():
    s = _session(2)
    s.advance(10)
    s.submit("vmotion vm-0 esx-02")
    copy_s = 16 * GIB / bandwidth(1000)
    first, second = s.sim.tasks.tasks[0], None
    s.advance(OVERHEAD + 50)  # vm-0 has copied 50 s at the full link
    s.submit("vmotion vm-1 esx-02")
    second = s.sim.tasks.tasks[1]
    # vm-0: 50 s done, the rest at half the link; vm-1 waits out its setup meanwhile.
    joined = 10 + OVERHEAD + 50
    assert first.ends_at == pytest.approx(joined + 2 * (copy_s - 50) + vmotion.DEVICE_STATE_S)
    assert "link shared by 2" in first.detail
    s.advance_to(first.ends_at + 0.01)
    assert first.state == "done" and second.state == "running"
    # vm-1 copied at half the link from joined + 5 s until vm-0 ended, then at the full link.
    half = first.ends_at - (joined + OVERHEAD)
    left = copy_s - half / 2
    assert second.ends_at == pytest.approx(first.ends_at + left + vmotion.DEVICE_STATE_S, abs=1e-6)
    s.advance(1000)
    assert second.finished_at == pytest.approx(second.ends_at, abs=0.01)


def test_migrations_on_other_hosts_do_not_share_a_link():
    lv = _level(speed=1000, hosts=4)
    lv["profiles"].append(STILL)
    add_vm(lv, "a", memory=16, profile="still")
    add_vm(lv, "b", memory=16, profile="still", host="esx-03")
    s = Session(Simulation(build(lv)))
    s.submit("vmotion a esx-02")
    s.submit("vmotion b esx-04")
    assert [m.rate for m in s.sim.migrations.running] == [bandwidth(1000)] * 2


def test_shared_migrations_end_the_same_however_time_is_sliced():
    def run(step: float) -> tuple[str, list[float]]:
        s = _session(4, profile="dirty50", speed=10000)
        s.submit("vmotion vm-0 esx-02")
        s.submit("vmotion vm-1 esx-02")
        s.advance(7.3)
        s.submit("vmotion vm-2 esx-02")
        s.advance(11.1)
        s.submit("vmotion vm-3 esx-02")
        t = s.sim.now
        while t < 300:
            t = min(300.0, t + step)
            s.advance_to(t)
        return s.sim.digest(), [x.finished_at for x in s.sim.tasks.tasks]  # type: ignore[misc]

    assert run(0.7) == run(5.0) == run(300.0)


def test_a_copy_mid_shared_migration_goes_on_identically():
    s = _session(3, profile="dirty50", speed=10000)
    for i in range(3):
        s.submit(f"vmotion vm-{i} esx-02")
    s.advance(20)
    twin = copy.deepcopy(s.sim)
    s.advance(200)
    Session(twin).advance(200)
    assert twin.digest() == s.sim.digest()
    assert [t.finished_at for t in twin.tasks.tasks] == [t.finished_at for t in s.sim.tasks.tasks]


def test_water_filling_gives_what_one_cannot_use_to_the_others():
    from vdc.sim.moves.links import INF, fill
    cap = {"a": 1000.0, "b": 100.0, "c": 1000.0}
    # a→b is held to 100 by b's slow link: a→c gets the other 900 of a's link (not 500).
    assert fill([("a", "b"), ("a", "c")], [INF, INF], cap) == ([100.0, 900.0], [False, False])
    # A limit below the equal share: it uses its 300, the other 700.
    assert fill([("a", "c"), ("a", "c")], [300.0, INF], cap) == ([300.0, 700.0], [True, False])
    # Nobody held back: an exact equal split, as before.
    assert fill([("a", "c")] * 3, [INF] * 3, cap)[0] == [1000.0 / 3] * 3


def test_a_vmotion_held_by_a_slow_host_leaves_the_rest_of_the_fast_link_to_the_other():
    lv = _level(speed=10000, hosts=3)
    lv["hosts"][2]["nics"] = [{"name": "vmnic0", "speed": 1000}, {"name": "vmnic1", "speed": 1000}]
    lv["profiles"].append(STILL)
    for i in range(2):
        add_vm(lv, f"vm-{i}", memory=16, profile="still")
    s = Session(Simulation(build(lv)))
    assert s.submit("vmotion vm-0 esx-03").accepted  # 1 GbE at esx-03: 117.5 MB/s
    assert s.submit("vmotion vm-1 esx-02").accepted
    assert [m.rate for m in s.sim.migrations.running] == pytest.approx(
        [bandwidth(1000), bandwidth(10000) - bandwidth(1000)])  # 117.5 and 1,057.5 MB/s
