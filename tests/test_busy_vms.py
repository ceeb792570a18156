"""One rule for busy VMs and hosts (issue 19): a VM with a running task refuses conflicting
commands with the task named; a host with a vMotion on its way in does not finish entering
maintenance mode; a switchover re-checks its destination; maintenance mode is a flag of its own,
kept across power off/on, reboot, failure and recovery."""

from __future__ import annotations

from conftest import add_vm, base_level, build
from test_vmotion import _level

from vdc.session.session import Session
from vdc.sim.engine import Simulation


def _session(speed: int = 1000, hosts: int = 3, **vm: object) -> Session:
    lv = _level(speed=speed, hosts=hosts)
    add_vm(lv, "web-01", profile="idle", **vm)
    add_vm(lv, "app-01", host="esx-02", profile="idle", power="off")
    return Session(Simulation(build(lv)))


def _state(s: Session, host: str) -> tuple[str, bool]:
    h = s.sim.inv.hosts[host]
    return h.state, h.maintenance


# ------------------------------------------------------------------ a VM being migrated
def test_power_off_and_power_on_elsewhere_are_refused_mid_vmotion_with_the_task_named():
    s = _session()
    assert s.submit("vmotion web-01 esx-02").accepted
    s.advance(20)
    r = s.submit("power off web-01")
    assert not r.accepted
    assert r.message.startswith("web-01 is being migrated to esx-02 (")
    assert r.message.endswith(" %); wait for it to finish or cancel it (task cancel 1)")
    pct = float(r.message.split("(")[1].split(" %")[0])
    assert 0 < pct < 100
    assert not s.submit("power reset web-01").accepted
    assert not s.submit("vm set web-01 mem 4").accepted
    assert s.sim.inv.vms["web-01"].power == "on"
    s.advance(600)
    assert s.sim.inv.vms["web-01"].host == "esx-02"
    assert s.submit("power off web-01").accepted  # the task is over


def test_the_destination_never_holds_a_vms_memory_twice():
    """The cause: `power on VM HOST` mid-vMotion moved the VM cold while its vMotion ran on."""
    s = _session()
    assert s.submit("vmotion web-01 esx-02").accepted
    s.advance(5)
    assert not s.submit("power off web-01").accepted
    assert not s.submit("power on web-01 esx-03").accepted
    assert len(s.sim.migrations.incoming("esx-02")) == 1
    assert [v.name for v in s.sim.inv.vms_on("esx-02") if v.power == "on"] == []


def test_snapshots_are_refused_while_the_disks_move():
    lv = _level(speed=1000, hosts=2)
    lv["datastores"].append({"name": "ds-2", "capacity": 2000, "iops": 20000, "mbps": 100})
    add_vm(lv, "web-01", profile="idle", disks=[{"datastore": "ds-1", "size": 400, "thin": False}])
    s = Session(Simulation(build(lv)))
    assert s.submit("svmotion web-01 ds-2").accepted
    s.advance(30)
    for cmd in ("snapshot create web-01 before", "power off web-01", "vmotion web-01 esx-02"):
        r = s.submit(cmd)
        assert not r.accepted and r.message.startswith("web-01's disks are being moved to ds-2 ("), cmd


def test_a_memory_snapshot_being_written_refuses_a_vmotion():
    s = _session()
    assert s.submit("snapshot create web-01 m1 --memory").accepted
    r = s.submit("vmotion web-01 esx-02")
    assert not r.accepted and r.message.startswith("web-01 is writing a memory snapshot (done at t = ")


def test_a_queued_vmotion_is_named_too():
    s = _session()
    assert s.submit("vmotion web-01 esx-02").accepted
    r = s.submit("vmotion web-01 esx-03")
    assert not r.accepted and r.message.startswith("web-01 is being migrated to esx-02 (")


# ------------------------------------------------------------------ hosts and incoming vMotions
def test_maintenance_waits_for_an_incoming_vmotion_and_the_switchover_refuses_it():
    s = _session()
    assert s.submit("vmotion web-01 esx-02").accepted
    s.advance(10)
    assert s.submit("maintenance enter esx-02").accepted
    s.advance(5)
    assert _state(s, "esx-02") == ("on", False)  # still entering: the vMotion is on its way in
    task = next(t for t in s.sim.tasks.tasks if t.kind == "maintenance")
    assert "vMotion of web-01 to land" in task.detail
    s.advance(600)
    vm = s.sim.inv.vms["web-01"]
    assert vm.host == "esx-01" and vm.power == "on"  # the switchover refused esx-02
    mig = next(t for t in s.sim.tasks.tasks if t.kind == "vmotion")
    assert mig.state == "failed" and mig.detail == "esx-02 is entering maintenance mode"
    assert _state(s, "esx-02") == ("maintenance", True)


# ------------------------------------------------------------------ maintenance mode is kept
def test_maintenance_mode_is_kept_across_host_power_off_and_on():
    s = _session()
    assert s.submit("maintenance enter esx-03").accepted
    assert _state(s, "esx-03") == ("maintenance", True)
    assert s.submit("host power off esx-03").accepted
    assert _state(s, "esx-03") == ("off", True)
    assert s.submit("host power on esx-03").accepted
    s.advance(s.sim.inv.hosts["esx-03"].boot_s + 5)
    assert _state(s, "esx-03") == ("maintenance", True)
    r = s.submit("power on app-01 esx-03")
    assert not r.accepted and r.message == "esx-03 is in maintenance mode"
    assert s.submit("maintenance exit esx-03").accepted
    assert _state(s, "esx-03") == ("on", False)


def test_maintenance_exit_of_a_host_that_is_off_clears_the_flag_only():
    s = _session()
    assert s.submit("maintenance enter esx-03").accepted
    assert s.submit("host power off esx-03").accepted
    assert s.submit("maintenance exit esx-03").accepted
    assert _state(s, "esx-03") == ("off", False)
    assert s.submit("host power on esx-03").accepted
    s.advance(s.sim.inv.hosts["esx-03"].boot_s + 5)
    assert _state(s, "esx-03") == ("on", False)


def test_maintenance_mode_is_kept_across_failure_and_recovery():
    s = _session()
    assert s.submit("maintenance enter esx-03").accepted
    s.sim.fail_host("esx-03")
    assert _state(s, "esx-03") == ("failed", True)
    s.sim.recover_host("esx-03")
    s.advance(s.sim.inv.hosts["esx-03"].boot_s + 5)
    assert _state(s, "esx-03") == ("maintenance", True)


def test_maintenance_mode_is_kept_across_reboot():
    s = _session()
    assert s.submit("maintenance enter esx-03").accepted
    assert s.submit("host reboot esx-03").accepted
    s.advance(s.sim.inv.hosts["esx-03"].boot_s + 5)
    assert _state(s, "esx-03") == ("maintenance", True)


def test_a_level_host_starting_in_maintenance_has_the_flag():
    lv = base_level()
    lv["hosts"][0]["state"] = "maintenance"
    s = Session(Simulation(build(lv)))
    assert _state(s, "esx-01") == ("maintenance", True)
    assert s.sim.view().hosts[0].maintenance


def test_reverting_to_a_memory_snapshot_does_not_start_a_vm_on_a_host_in_maintenance():
    """Breaks the invariant the session fuzz checks (no running VM on a host in maintenance)."""
    s = _session()
    assert s.submit("snapshot create web-01 s1 --memory").accepted
    s.advance(60)
    assert s.submit("power off web-01").accepted
    assert s.submit("maintenance enter esx-01").accepted
    r = s.submit("snapshot revert web-01 s1")
    assert r.accepted and r.message.endswith("it stays off: esx-01 is in maintenance mode")
    assert s.sim.inv.vms["web-01"].power == "off"
