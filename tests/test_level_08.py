"""Level 08, Storage day: the numbers that make its lesson felt. etl-01's month-end import
pushes ds-gold past its IOPS limit and its latency from ~1 ms to ~55 ms for every VM there;
one Storage vMotion of the noisy VM brings it back, while moving the database (the DBA's
ticket) moves only its log disk — its data is a physical-mode RDM that also refuses
snapshots and hosts without the LUN (docs/model.md, Storage; sim-facts §10)."""

from __future__ import annotations

import pytest
from conftest import play, solutions
from levelrun import LevelRun

LEVEL = "08-storage-day"
REF, NAIVE = solutions(LEVEL)
VICTIMS = ("claims-web-01", "claims-web-02", "claims-app-01", "claims-db-01", "mail-01")


def test_before_the_import_ds_gold_answers_in_about_a_millisecond():
    r = LevelRun(LEVEL).to(470)
    assert r.ds("ds-gold", "ds_util") == pytest.approx(0.19, abs=0.03)
    assert r.ds("ds-gold", "ds_latency") == pytest.approx(1.24, abs=0.05)
    assert r.up("claims") and r.up("mail")


def test_the_import_saturates_ds_gold_and_every_vm_with_a_disk_there_is_too_slow():
    r = LevelRun(LEVEL).to(600)
    assert r.ds("ds-gold", "ds_util") == pytest.approx(1.12, abs=0.05)
    assert r.ds("ds-gold", "ds_latency") == pytest.approx(55, abs=10)  # base × (10 + 200 (u − 0.9))
    for vm in VICTIMS:
        assert not r.vm(vm, "vm_healthy"), vm
    # The database's 400 GiB of data are on the LUN (0.5 ms): only its log disk waits on ds-gold.
    assert 10 < r.vm("claims-db-01", "vm_latency") < r.ds("ds-gold", "ds_latency") / 2


def test_moving_the_noisy_vm_takes_75_s_and_brings_ds_gold_back_for_everyone():
    r = LevelRun(LEVEL, REF).to(500)
    assert "expected 75.3 s" in r.messages["svmotion etl-01 ds-silver"]  # 40 GiB at 600 MB/s + 3.5 s
    r.to(580)
    assert r.events("svmotion_completed", "etl-01") == [pytest.approx(575.3, abs=0.1)]
    r.to(600)
    assert r.ds("ds-gold", "ds_latency") < 1.5
    assert r.ds("ds-silver", "ds_latency") < 2  # the new array takes the import easily
    for vm in VICTIMS:
        assert r.vm(vm, "vm_healthy"), vm
    assert r.up("claims") and r.up("mail")


def test_the_database_refuses_a_snapshot_and_esx_03_and_svmotion_moves_only_its_log_disk():
    script = "570 snapshot create claims-db-01 x\n575 vmotion claims-db-01 esx-03\n580 svmotion claims-db-01 ds-silver\n"
    r = LevelRun(LEVEL, script, refused=("snapshot create claims-db-01 x",
                                         "vmotion claims-db-01 esx-03")).to(900)
    assert r.messages["snapshot create claims-db-01 x"] == (
        "claims-db-01's disk 2 is a physical-mode RDM (lun-claims); those cannot be snapshotted")
    assert r.messages["vmotion claims-db-01 esx-03"] == (
        "esx-03 cannot see LUN lun-claims, mapped raw into claims-db-01")
    disks = r.sim.inv.vms["claims-db-01"].disks
    assert [(d.datastore, d.lun) for d in disks] == [("ds-silver", None), (None, "lun-claims")]
    assert r.vm("claims-db-01", "vm_healthy")  # the database itself is fine again …
    assert r.ds("ds-gold", "ds_latency") > 40  # … and everyone left on ds-gold still waits
    assert not r.up("claims") and not r.up("mail")


def test_the_naive_play_saves_only_the_database():
    idle, naive, ref = play(LEVEL), play(LEVEL, NAIVE), play(LEVEL, REF)
    assert naive.objectives["claims-up"].value == idle.objectives["claims-up"].value == pytest.approx(0.2)
    assert naive.objectives["db-fast"].value == pytest.approx(285, abs=10)
    assert idle.score == 0 < naive.score < 30 < ref.score == 100
    assert ref.objectives["claims-up"].value == pytest.approx(0.958, abs=0.005)
    assert any("svmotion etl-01 ds-silver" in x for x in naive.lessons)


def test_all_paths_down_on_esx_03_hangs_etl_01_for_90_s_and_nothing_restarts():
    """The fabric switch's 90 s APD on esx-03 → ds-silver: in the reference, etl-01 (moved
    there, no service's) hangs, then resumes; 90 s is short of the 140 s APD timeout, so no
    VMCP restart; the SAN team's note follows (shared-storage and apd-pdl concepts)."""
    r = LevelRun(LEVEL, REF).to(1540)
    assert r.events("datastore_apd", "ds-silver") == [1500]
    assert not r.vm("etl-01", "vm_healthy")
    for vm in VICTIMS:  # nothing a service needs runs on esx-03 with a disk on ds-silver
        assert r.vm(vm, "vm_healthy"), vm
    r.to(1700)
    assert r.events("datastore_paths_restored", "ds-silver") == [1590]
    assert r.events("datastore_apd_timeout") == [] and r.events("vmcp_restart") == []
    assert r.vm("etl-01", "vm_healthy")
    assert r.sim.level.level.concepts[-2:] == ["shared-storage", "apd-pdl"]
