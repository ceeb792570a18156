"""`task cancel`: the player calls back a vMotion, a Storage vMotion, a maintenance entry or a
Tools install; the other tasks refuse with why (issue 19)."""

from __future__ import annotations

import pytest
from conftest import add_vm, build
from test_vmotion import _level

from vdc.session.session import Session
from vdc.sim.checks import free_gib
from vdc.sim.engine import Simulation
from vdc.sim.guest.tools import TOOLS_INSTALL_S


def _session(vms: int = 1, hosts: int = 3) -> Session:
    lv = _level(speed=1000, hosts=hosts)  # 1 GbE: 4 vMotion slots per host, a minute or more each
    lv["datastores"].append({"name": "ds-2", "capacity": 2000, "iops": 20000, "mbps": 100})
    for i in range(1, vms + 1):
        add_vm(lv, f"web-0{i}", profile="idle", disks=[{"datastore": "ds-1", "size": 400, "thin": False}])
    add_vm(lv, "db-01", profile="idle", tools=False,
           nics=[{"portgroup": "prod", "adapter": "e1000"}],
           disks=[{"datastore": "ds-1", "size": 40, "thin": False, "controller": "lsi"}])
    return Session(Simulation(build(lv)))


def _kinds(s: Session) -> list[str]:
    return [r.kind for r in s.sim.log]


def test_a_cancelled_vmotion_leaves_the_vm_on_its_source_for_good():
    s = _session()
    assert s.submit("vmotion web-01 esx-02").accepted
    s.advance(20)
    busy = s.submit("power off web-01")
    assert not busy.accepted and busy.message.endswith("; wait for it to finish or cancel it (task cancel 1)")
    r = s.submit("task cancel 1")
    assert r.accepted and r.message == "vMotion of web-01 to esx-02 cancelled; web-01 stays on esx-01"
    assert s.sim.migrations.incoming("esx-02") == [] and s.sim.tasks.tasks[0].state == "cancelled"
    s.advance(900)  # past the time its switchover was due
    assert s.sim.inv.vms["web-01"].host == "esx-01"
    assert "vmotion_cancelled" in _kinds(s) and "vmotion_completed" not in _kinds(s)
    assert s.submit("power off web-01").accepted  # no longer busy


def test_cancelling_a_running_vmotion_frees_its_slot_for_the_queued_one():
    s = _session(vms=5)
    for i in range(1, 6):
        assert s.submit(f"vmotion web-0{i} esx-02").accepted
    assert [t.state for t in s.sim.tasks.tasks] == ["running"] * 4 + ["queued"]
    s.advance(10)
    assert s.submit("task cancel web-02").accepted  # by its VM's name
    assert s.sim.tasks.tasks[4].state == "running" and s.sim.tasks.tasks[4].started_at == pytest.approx(10)
    assert s.submit("task cancel 5").accepted  # a running one by number
    s.advance(900)
    on = {v: s.sim.inv.vms[v].host for v in ("web-01", "web-02", "web-03", "web-04", "web-05")}
    assert on == {"web-01": "esx-02", "web-02": "esx-01", "web-03": "esx-02", "web-04": "esx-02", "web-05": "esx-01"}


def test_a_queued_vmotion_can_be_cancelled_before_it_starts():
    s = _session(vms=5)
    for i in range(1, 6):
        s.submit(f"vmotion web-0{i} esx-02")
    r = s.submit("task cancel #5")
    assert r.accepted and s.sim.migrations.queued == []
    s.advance(900)
    assert s.sim.inv.vms["web-05"].host == "esx-01"


def test_a_cancelled_storage_vmotion_keeps_the_disks_and_frees_the_destination():
    s = _session()
    ds2 = s.sim.inv.datastores["ds-2"]
    before = free_gib(s.sim, ds2)
    assert s.submit("svmotion web-01 ds-2").accepted
    s.advance(30)
    assert free_gib(s.sim, ds2) == pytest.approx(before - 400)  # the copy holds its space
    r = s.submit("task cancel web-01")
    assert r.accepted and "its disks stay on ds-1" in r.message
    assert free_gib(s.sim, ds2) == pytest.approx(before)
    s.advance(9000)
    assert s.sim.inv.vms["web-01"].disks[0].datastore == "ds-1"
    assert "svmotion_cancelled" in _kinds(s) and "svmotion_completed" not in _kinds(s)


def test_a_cancelled_maintenance_entry_takes_vms_again():
    s = _session()
    assert s.submit("maintenance enter esx-01").accepted
    r = s.submit("task cancel esx-01")
    assert r.accepted and r.message.startswith("esx-01 stopped entering maintenance mode")
    assert s.submit("vmotion web-01 esx-02").accepted and s.submit("vmotion db-01 esx-02").accepted
    s.advance(900)  # esx-01 has no running VM left, yet it never enters maintenance mode now
    assert [v.name for v in s.sim.inv.vms_on("esx-01") if v.power == "on"] == []
    assert not s.sim.inv.hosts["esx-01"].maintenance and s.sim.inv.hosts["esx-01"].state == "on"
    assert s.submit("vmotion web-01 esx-01").accepted  # it takes VMs again


def test_a_cancelled_tools_install_never_installs():
    s = _session()
    assert s.submit("tools install db-01").accepted
    s.advance(30)
    assert s.submit("task cancel db-01").accepted
    s.advance(TOOLS_INSTALL_S + 60)
    vm = s.sim.inv.vms["db-01"]
    assert vm.tools_installed_at is None and "tools_installed" not in _kinds(s)
    assert s.submit("power reset db-01").accepted
    s.advance(60)
    assert not vm.has_tools
    assert s.submit("tools install db-01").accepted  # may start again


def test_tasks_that_cannot_be_cancelled_say_why_and_when_they_end():
    s = _session()
    assert s.submit("snapshot create web-01 m1 --memory").accepted
    r = s.submit("task cancel web-01")
    assert not r.accepted
    assert r.message.startswith("a memory snapshot being written cannot be cancelled; it ends at t = ")
    assert s.submit("host reboot esx-03").accepted
    r = s.submit("task cancel esx-03")
    assert not r.accepted and r.message.startswith("a reboot cannot be called back: the host is already down")


def test_unknown_finished_and_ambiguous_tasks_are_refused_in_words():
    s = _session()
    assert s.submit("task cancel 3").message == "there is no task 3 yet"
    assert s.submit("task cancel esx-02").message == "esx-02 has no task running or queued"
    assert s.submit("task cancel ds-1").message == "ds-1 is neither a task number nor a VM or host"
    assert s.submit("tools install db-01").accepted
    assert s.submit("vmotion db-01 esx-02").accepted
    r = s.submit("task cancel db-01")
    assert not r.accepted
    assert r.message == ("db-01 has 2 tasks (Tools install of db-01 (task 1), vMotion of db-01 (task 2)); "
                         "name one: task cancel 1")
    assert s.submit("task cancel 2").accepted
    assert s.submit("task cancel 2").message.startswith("the vMotion of db-01 (task 2) was cancelled at t = ")
    assert s.submit("task cancel 9").message == "there is no task 9 (tasks are numbered 1 to 2)"
    s.advance(TOOLS_INSTALL_S + 5)
    assert s.submit("task cancel 1").message.startswith("the Tools install of db-01 (task 1) already finished at t = ")


def test_a_save_with_cancels_replays_exactly():
    s = _session(vms=2)
    script = [(0, "vmotion web-01 esx-02"), (0, "svmotion web-02 ds-2"), (15, "task cancel 1"),
              (40, "task cancel web-02"), (45, "vmotion web-01 esx-03")]
    for t, cmd in script:
        s.advance_to(t)
        assert s.submit(cmd).accepted, cmd
    s.advance_to(600)
    again = _session(vms=2)
    for t, cmd in script:
        again.advance_to(t)
        again.submit(cmd)
    for t in (100, 250, 600):  # sliced differently
        again.advance_to(t)
    assert again.sim.digest() == s.sim.digest()


def test_the_debrief_timeline_folds_a_cancelled_move_into_one_line():
    from vdc.session.debrief import fold_events

    s = _session()
    s.submit("vmotion web-01 esx-02")
    s.advance(25)
    s.submit("task cancel 1")
    lines = [(kind, detail, title) for _, kind, _, detail, title in fold_events([r.as_dict() for r in s.sim.log])]
    moves = [x for x in lines if x[2].startswith("vMotion")]
    assert moves == [("vmotion_cancelled", "web-01 esx-01 → esx-02 cancelled after 25 s", "vMotion cancelled")]
