"""Level 06, Patch Tuesday: the numbers that make its lesson felt. A snapshot taken before the
bad change undoes it in one sample; kept afterwards, its delta grows with the booking engine's
writes until ds-prod is full and every VM of the shop pauses (docs/model.md, Snapshots)."""

from __future__ import annotations

import pytest
from conftest import play, solutions
from levelrun import LevelRun

LEVEL = "06-patch-tuesday"
REF, NAIVE = solutions(LEVEL)
SHOP = ("heron-web-01", "heron-web-02", "booking-app-01", "heron-db-01")


class Run(LevelRun):
    def __init__(self, script):
        super().__init__(LEVEL, script)

    def fill(self) -> float:
        return self.ds("ds-prod", "ds_pct")

    def up(self) -> bool:  # type: ignore[override]
        return super().up("bookings")


def test_the_datastore_starts_95_percent_full_with_50_gib_free():
    r = Run(None).to(5)
    assert r.fill() == pytest.approx(95.1, abs=0.1)
    assert 1024 * (1 - r.fill() / 100) == pytest.approx(50, abs=1)


def test_without_a_snapshot_the_update_keeps_bookings_down_to_the_end():
    r = Run(None).to(895)
    assert r.up()
    r.to(905)
    assert not r.up() and r.vm("booking-app-01", "vm_running")  # running, serving nothing
    r.to(2400)
    assert not r.up()
    assert play(LEVEL).objectives["bookings-up"].value == pytest.approx(0.375, abs=0.005)


def test_a_memory_snapshot_undoes_the_update_in_one_sample_and_one_snapshot_doubles_latency():
    r = Run(REF).to(890)
    ds_lat = r.ds("ds-prod", "ds_latency")
    assert r.vm("booking-app-01", "vm_latency") == pytest.approx(2 * ds_lat, rel=0.02)  # f(1) = 0.5
    r.to(904)
    assert not r.up()
    r.to(906)  # reverted at 905: running from its saved memory, no boot
    assert r.up() and r.vm("booking-app-01", "vm_downtime") <= 5
    assert r.events("bad_change_undone") == [905]


def test_the_reference_merges_its_snapshot_in_seconds_and_ds_prod_never_passes_98_percent():
    r = Run(REF)
    peak = 0.0
    for t in range(5, 2401, 5):
        r.to(t)
        peak = max(peak, r.fill())
    assert peak < 97.5
    assert r.events("snapshot_deleted") == [pytest.approx(922, abs=1)]
    assert "16.8 GiB freed" in r.detail("snapshot_deleted")[0]  # the memory file and a small delta
    assert r.fill() == pytest.approx(95.7, abs=0.3)


def test_a_kept_snapshot_fills_ds_prod_in_about_14_minutes_and_pauses_the_whole_shop():
    r = Run(NAIVE).to(1200)
    assert r.fill() == pytest.approx(98.0, abs=0.3)
    r.to(1500)
    assert r.fill() == pytest.approx(99.1, abs=0.3)
    assert r.up()
    full = r.to(2400).events("datastore_full")
    assert len(full) == 1 and 1650 <= full[0] <= 1850  # 12–16 minutes after the revert at 905
    r2 = Run(NAIVE).to(full[0] + 5)
    assert all(r2.vm(v, "vm_paused") for v in SHOP)
    assert not r2.up()


def test_the_naive_play_scores_between_idle_and_the_reference_and_says_why():
    idle, naive, ref = play(LEVEL), play(LEVEL, NAIVE), play(LEVEL, REF)
    assert (idle.score, naive.score, ref.score) == (pytest.approx(28.6, abs=1),
                                                    pytest.approx(39, abs=2), 100)
    assert naive.objectives["bookings-up"].value == pytest.approx(0.746, abs=0.01)
    assert naive.objectives["room-left"].value == 100
    assert any("snapshot delete booking-app-01 --all" in x for x in naive.lessons)
    assert any("snapshot create booking-app-01 pre-patch --memory" in x for x in idle.lessons)
