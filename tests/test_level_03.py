"""Level 03 (Maintenance window): the numbers that make its lesson felt. A VM on a host's local
datastore cannot vMotion and keeps the host from maintenance mode; Storage vMotion moves its
disks to shared storage while it runs (the service never notices), and then the host empties,
is patched (rebooted in maintenance mode) and comes back by the deadline. Powering the VM off
instead gets the host patched too, but the warehouse prints no labels for minutes."""

from __future__ import annotations

import pytest
from conftest import play, solutions

from vdc.scenario.loader import load_level
from vdc.scenario.paths import find_level
from vdc.session.actions import load_actions, parse_actions
from vdc.session.session import Session
from vdc.sim.engine import Simulation

LEVEL = load_level(find_level("03-maintenance-window")).level
REFERENCE, NAIVE = solutions("03-maintenance-window")
DEADLINE = 1800.0


def run_to(script, t: float) -> Session:
    """Play a script (a file, or its text) up to time t."""
    actions = parse_actions(script, "<script>") if isinstance(script, str) else load_actions(script)
    s = Session(Simulation(LEVEL))
    s.play([(a.t, a.command) for a in actions], until=t)
    return s


def task(s: Session, kind: str, subject: str):
    return next(t for t in s.sim.tasks.tasks if t.kind == kind and t.subject == subject)


def test_the_local_vm_cannot_vmotion_and_keeps_the_host_from_maintenance():
    s = Session(Simulation(LEVEL))
    refused = s.submit("vmotion label-01 esx-01")
    assert not refused.accepted
    assert refused.message == ("label-01's disk is on ds-local-02, local to esx-02; move it to shared storage first "
                               "(svmotion) or move it with the VM: vmotion label-01 esx-01 ds-shared")
    for cmd in ("vmotion wms-app-02 esx-01", "vmotion wms-db-01 esx-03", "maintenance enter esx-02"):
        assert s.submit(cmd).accepted
    s.advance_to(600)
    assert s.sim.inv.hosts["esx-02"].state == "on"  # still entering, ten minutes later
    assert task(s, "maintenance", "esx-02").detail == "waiting for 1 running VM to leave: label-01"
    refused = s.submit("host reboot esx-02")
    assert not refused.accepted and "still runs label-01" in refused.message


def test_a_shared_nothing_vmotion_takes_the_label_server_and_its_disks_in_one_move():
    s = Session(Simulation(LEVEL))
    assert s.submit("vmotion label-01 esx-01 ds-shared").accepted
    s.advance_to(400)
    vm = s.sim.inv.vms["label-01"]
    assert vm.host == "esx-01" and [d.datastore for d in vm.disks] == ["ds-shared"]
    assert task(s, "vmotion", "label-01").state == "done"


def test_the_one_step_route_the_hint_names_wins_as_the_reference_does():
    # `vmotion label-01 esx-01 ds-shared` beside the two other vMotions: the disks cross esx-02's
    # shared vMotion link (181 s), esx-02 is in maintenance at 215 s, patched at 520 s.
    one_step = ("30 vmotion wms-app-02 esx-01\n30 vmotion wms-db-01 esx-03\n"
                "30 vmotion label-01 esx-01 ds-shared\n30 maintenance enter esx-02\n"
                "220 host reboot esx-02\n525 maintenance exit esx-02\n")
    s = run_to(one_step, 216)
    assert s.sim.inv.hosts["esx-02"].state == "maintenance"
    assert task(s, "vmotion", "label-01").finished_at == pytest.approx(211.1, abs=0.1)
    run = play("03", one_step)
    assert run.rejected == []
    assert (run.outcome, run.score, run.stars) == ("won", 100.0, 3)
    hint = next(h.text for h in LEVEL.level.hints if h.event == "command_rejected")
    assert "`svmotion VM DATASTORE`" in hint and "`vmotion VM HOST DATASTORE`" in hint


def test_storage_vmotion_moves_the_disks_while_the_label_server_keeps_printing():
    s = run_to(REFERENCE, 215)
    copy = task(s, "svmotion", "label-01")
    # 100 GiB at min(600 MB/s, local SSD 800, shared 1,500) + 3.5 s: about three minutes.
    assert copy.finished_at - copy.started_at == pytest.approx(100 * 2**30 / 1e6 / 600 + 3.5, abs=1)
    assert [d.datastore for d in s.sim.inv.vms["label-01"].disks] == ["ds-shared"]
    assert s.sim.metrics.service_down_s["shipping"] == 0.0  # up all through the copy
    s = run_to(REFERENCE, 240)
    assert s.sim.inv.vms["label-01"].host == "esx-01" and s.sim.inv.hosts["esx-02"].state == "maintenance"


def test_the_reference_patches_esx02_in_ten_minutes_and_nobody_notices():
    s = run_to(REFERENCE, 552)
    assert s.sim.metrics.patched_at["esx-02"] == pytest.approx(550, abs=1)  # reboot 250 + 300 s
    patched = next(st for st in s.sim.objective_statuses() if st.id == "patched")
    assert (patched.met, patched.value) == (False, "patched, maintenance")  # not back in service yet
    s = run_to(REFERENCE, 560)
    patched = next(st for st in s.sim.objective_statuses() if st.id == "patched")
    assert (patched.met, patched.value) == (True, "patched, on")
    best = play("03", REFERENCE)
    assert (best.outcome, best.score, best.stars) == ("won", 100.0, 3)
    assert best.objectives["shipping-up"].value == 1.0 and best.objectives["office-up"].value == 1.0


def test_powering_the_label_server_off_gets_in_but_stops_the_trucks():
    naive = play("03", NAIVE)
    assert naive.objectives["patched"].met
    # label-01 off at 90 s; it can only start on esx-02, after the reboot: up at 490 s.
    assert naive.objectives["shipping-up"].value == pytest.approx(1 - 400 / 2400, abs=0.002)
    assert (naive.outcome, naive.stars) == ("won", 1) and naive.score == pytest.approx(70, abs=1)
    assert len(naive.lessons) == 1 and "`svmotion label-01 ds-shared`" in naive.lessons[0]


def test_a_reboot_outside_maintenance_mode_does_not_patch():
    script = ("30 vmotion wms-app-02 esx-01\n30 vmotion wms-db-01 esx-03\n30 power off label-01\n"
              "120 host reboot esx-02\n500 power on label-01\n")
    run = play("03", script)
    assert run.rejected == []
    assert run.outcome == "lost" and run.objectives["patched"].value == "not patched, on"
    assert any("maintenance" in x for x in run.lessons)


def test_missing_the_window_loses_at_the_deadline():
    late = ("30 svmotion label-01 ds-shared\n30 vmotion wms-app-02 esx-01\n30 vmotion wms-db-01 esx-03\n"
            "30 maintenance enter esx-02\n220 vmotion label-01 esx-01\n1600 host reboot esx-02\n")
    s = run_to(late, LEVEL.level.duration)
    assert s.sim.ended_at == DEADLINE and s.sim.outcome() == "lost"
    idle = play("03")
    assert idle.outcome == "lost" and idle.stars == 0
    assert idle.objectives["patched"].value == "not patched, on"
    assert "was not patched in the window" in idle.lessons[0]
