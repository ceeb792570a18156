"""vMotion, Storage vMotion, maintenance mode and host reboots: the model's numbers, every
refusal, what runs meanwhile, and the events."""

from __future__ import annotations

import copy

import pytest
from conftest import add_vm, base_level, build

from vdc.session.runner import result, run_level
from vdc.session.session import Session
from vdc.sim.commands import parse
from vdc.sim.engine import Simulation
from vdc.sim.moves import svmotion, vmotion
from vdc.sim.moves.vmotion import GIB, MB, bandwidth, precopy

VMK = {"name": "vmk-vmotion", "vlan": 200, "vmkernel": "vmotion"}
DIRTY50 = {"name": "dirty50", "cpu": 1000, "mem_active": 0.78125, "iops": 10, "write_mbps": 0,
           "net": 1, "shape": "flat", "peak": 0, "noise": 0}
"""4 MB/s per active GiB × 16 GiB × 0.78125 = 50 MB/s."""


def _level(speed: int = 10000, hosts: int = 2, **meta) -> dict:
    lv = base_level(duration=3600, **meta)
    h = lv["hosts"][0]
    h["nics"] = [{"name": "vmnic0", "speed": speed}, {"name": "vmnic1", "speed": speed}]
    h["cpu_generation"] = 3
    lv["hosts"] += [dict(h, name=f"esx-0{i}") for i in range(2, hosts + 1)]
    lv["networks"][0]["portgroups"].append(VMK)
    lv["profiles"].append(DIRTY50)
    return lv


# ------------------------------------------------------------------ the pre-copy model
def test_precopy_over_10_gbe_takes_15_2_s_in_2_rounds():
    p = precopy(16 * GIB, 50 * MB, bandwidth(10000))
    assert p.rounds == 2 and p.precopy_s == pytest.approx(15.24, abs=0.05)
    assert not p.slowed and p.stun_s < vmotion.SWITCHOVER_GOAL_S + vmotion.DEVICE_STATE_S


def test_precopy_over_1_gbe_takes_254_s_in_7_rounds():
    p = precopy(16 * GIB, 50 * MB, bandwidth(1000))
    assert p.rounds == 7 and p.precopy_s == pytest.approx(253.9, abs=0.5)


def test_a_dirty_rate_above_the_bandwidth_converges_only_with_the_guest_slowed():
    b = bandwidth(1000)
    p = precopy(16 * GIB, 1.2 * b, b)
    assert p.slowed and p.dirty_bps == pytest.approx(vmotion.SDPS_RATIO * b)
    assert p.stun_s <= vmotion.SWITCHOVER_GOAL_S + vmotion.DEVICE_STATE_S
    assert not precopy(16 * GIB, 0.5 * b, b).slowed


def test_bandwidth_is_shared_and_capped_per_stream():
    assert bandwidth(10000) == pytest.approx(1175e6)
    assert bandwidth(10000, sharing=2) == pytest.approx(587.5e6)
    assert bandwidth(40000) == pytest.approx(15e9 / 8)  # one stream moves 15 Gbit/s


# ------------------------------------------------------------------ a vMotion in the sim
def test_a_vmotion_runs_its_course_and_moves_the_vm():
    lv = _level()
    add_vm(lv, "db-01", memory=16, profile="dirty50")
    s = Session(Simulation(build(lv)))
    s.advance(10)
    rec = s.submit("vmotion db-01 esx-02")
    assert rec.accepted, rec.message
    total = vmotion.TASK_OVERHEAD_S + vmotion.SETUP_S + 15.24 + 0.056
    assert f"expected {total:.1f} s" in rec.message
    task = s.sim.tasks.tasks[-1]
    assert task.state == "running" and task.ends_at == pytest.approx(10 + total, abs=0.05)
    s.advance(10)  # mid-way: still on the source, memory reserved on the destination
    sim = s.sim
    assert sim.inv.vms["db-01"].host == "esx-01"
    smp = sim.sampler
    assert smp.host_mem_consumed[1] == pytest.approx(16)
    # One core (2,000 MHz of 16,000) per stream on each side.
    assert smp.host_cpu_pct[1] == pytest.approx(100 * 2000 / 16000)
    assert task.progress(sim.now) == pytest.approx(10 / total, abs=0.01)
    s.advance(20)
    assert sim.inv.vms["db-01"].host == "esx-02" and task.state == "done"
    assert "2 rounds" in task.detail
    ev = sim.log.of_kind("vmotion_completed")[0]
    assert "2 rounds" in ev.detail and "stun 56 ms" in ev.detail
    assert smp.vm_downtime[0] == pytest.approx(0.056, abs=0.001)
    assert [e.kind for e in sim.log if e.kind.startswith("vmotion")] == [
        "vmotion_queued", "vmotion_started", "vmotion_completed"]


def test_vmotion_over_1_gbe_takes_about_254_s():
    lv = _level(speed=1000)
    add_vm(lv, "db-01", memory=16, profile="dirty50")
    s = Session(Simulation(build(lv)))
    rec = s.submit("vmotion db-01 esx-02")
    total = vmotion.TASK_OVERHEAD_S + vmotion.SETUP_S + 253.87 + 0.40
    assert f"expected {total:.1f} s" in rec.message
    s.advance(total + 1)
    assert s.sim.inv.vms["db-01"].host == "esx-02"
    assert "7 rounds" in s.sim.log.of_kind("vmotion_completed")[0].detail


def test_a_load_spike_raises_the_dirty_rate():
    lv = _level()
    add_vm(lv, "db-01", memory=16, profile="dirty50")
    sim = Simulation(build(lv))
    vm = sim.inv.vms["db-01"]
    assert vmotion.dirty_rate(sim, vm) == pytest.approx(50 * MB)
    sim.sampler.rebuild()
    sim.sampler.spike[0] = 3.0
    assert vmotion.dirty_rate(sim, vm) == pytest.approx(150 * MB)


@pytest.mark.parametrize(("speed", "limit"), [(1000, 4), (10000, 8)])
def test_the_next_migration_past_the_host_limit_queues(speed, limit):
    lv = _level(speed=speed)
    for i in range(limit + 1):
        add_vm(lv, f"vm-{i:02d}", memory=4, profile="idle")
    s = Session(Simulation(build(lv)))
    for i in range(limit + 1):
        assert s.submit(f"vmotion vm-{i:02d} esx-02").accepted
    states = [t.state for t in s.sim.tasks.tasks]
    assert states == ["running"] * limit + ["queued"]
    assert "queued" in s.sim.log.of_kind("command")[-1].detail
    first_end = min(t.ends_at for t in s.sim.tasks.tasks[:limit])
    s.advance_to(first_end + 0.5)
    assert s.sim.tasks.tasks[limit].state == "running"
    s.advance(600)
    assert all(v.host == "esx-02" for v in s.sim.inv.vms.values())


def test_a_host_failing_mid_migration_fails_it_and_the_vm_stays_with_its_source():
    lv = _level(hosts=3)
    add_vm(lv, "a-01", memory=16, profile="dirty50")
    add_vm(lv, "b-01", memory=16, profile="dirty50")
    lv["events"] = [{"at": 5, "kind": "host_failure", "host": "esx-02"},
                      {"at": 6, "kind": "host_failure", "host": "esx-01"}]
    s = Session(Simulation(build(lv)))
    assert s.submit("vmotion a-01 esx-02").accepted
    s.advance(5.5)
    t = s.sim.tasks.tasks[0]
    assert t.state == "failed" and t.detail == "esx-02 failed"
    assert s.sim.inv.vms["a-01"].host == "esx-01" and s.sim.inv.vms["a-01"].power == "on"
    assert s.submit("vmotion b-01 esx-03").accepted
    s.advance(30)
    assert s.sim.inv.vms["b-01"].host == "esx-01" and s.sim.inv.vms["b-01"].power == "off"
    assert [e.kind for e in s.sim.log.of_kind("vmotion_failed")] == ["vmotion_failed"] * 2


def _reject_level() -> Session:
    lv = _level(hosts=2)
    h = lv["hosts"][0]
    h["luns"] = ["lun-1"]
    more = {
        "esx-03": {"state": "maintenance"}, "esx-04": {"state": "failed"},
        "esx-05": {"state": "isolated"}, "esx-06": {"cpu_vendor": "amd"},
        "esx-07": {"cpu_generation": 2}, "esx-08": {}, "esx-09": {}, "esx-10": {},
        "esx-11": {"memory": 16}, "esx-12": {"state": "off"}, "bare-01": {"hypervisor": "none"},
        "esx-13": {"memory": 24},
    }
    lv["hosts"] += [dict(h, name=n, luns=[], **kw) for n, kw in more.items()]
    lv["networks"][0]["hosts"] = ["esx-0[1-79]", "esx-1[1-3]", "bare-01"]
    lv["networks"] += [
        {"name": "vSwitch-novmk", "hosts": ["esx-08"], "uplinks": ["vmnic0"],
         "portgroups": [{"name": "prod", "vlan": 100}]},
        {"name": "vSwitch-noprod", "hosts": ["esx-10"], "uplinks": ["vmnic0"],
         "portgroups": [{"name": "other", "vlan": 300}, VMK]},
    ]
    lv["datastores"][0]["hosts"] = ["esx-0[1-8]", "esx-1*", "bare-01"]
    lv["datastores"] += [
        {"name": "local-01", "type": "local", "capacity": 500, "hosts": ["esx-01"]},
        {"name": "ds-2", "capacity": 100, "hosts": ["esx-0[1-2]"]},
    ]
    add_vm(lv, "web-01", memory=8, profile="idle")
    add_vm(lv, "off-01", power="off")
    add_vm(lv, "loc-01", disks=[{"datastore": "local-01", "size": 20}], profile="idle")
    add_vm(lv, "rdm-01", profile="idle", disks=[
        {"datastore": "ds-1", "size": 10}, {"kind": "rdm-physical", "lun": "lun-1", "size": 100}])
    add_vm(lv, "hog-01", memory=12, host="esx-13", profile="idle", mem_reservation=12)
    add_vm(lv, "cpu-01", memory=4, cpu_reservation=15000, profile="idle")
    add_vm(lv, "hogc-01", memory=4, host="esx-13", cpu_reservation=10000, profile="idle")
    add_vm(lv, "wide-01", vcpu=8, memory=4, profile="idle")
    add_vm(lv, "big-01", memory=40, profile="idle", disks=[{"datastore": "ds-1", "size": 200}])
    return Session(Simulation(build(lv)))


VMOTION_REJECTIONS = [
    ("vmotion off-01 esx-02", "off-01 is powered off; move it cold with: power on off-01 esx-02"),
    ("vmotion web-01 esx-01", "web-01 already runs on esx-01"),
    ("vmotion web-01 bare-01", "bare-01 is a bare-metal server, not a hypervisor host"),
    ("vmotion web-01 esx-03", "esx-03 is in maintenance mode"),
    ("vmotion web-01 esx-04", "esx-04 is down (failed)"),
    ("vmotion web-01 esx-05", "esx-05 is not connected to vCenter (cut off from the management network)"),
    ("vmotion web-01 esx-12", "esx-12 is off"),
    ("vmotion web-01 esx-06", "web-01 runs on an intel CPU and esx-06 has amd; vMotion cannot cross CPU vendors"),
    ("vmotion web-01 esx-07",
     "esx-07 offers CPU generation 2, web-01 uses generation 3 features (set an EVC baseline on the cluster)"),
    ("vmotion web-01 esx-08", "esx-08 has no working vMotion VMkernel port"),
    ("vmotion web-01 esx-09", "esx-09 does not mount ds-1, where web-01's disk lives"),
    ("vmotion web-01 esx-10", "esx-10 has no port group 'prod' for web-01's NIC"),
    ("vmotion loc-01 esx-02",
     "loc-01's disk is on local-01, local to esx-01; move it to shared storage first (svmotion)"),
    ("vmotion rdm-01 esx-02", "esx-02 cannot see LUN lun-1, mapped raw into rdm-01"),
    ("vmotion big-01 esx-11", "esx-11 has 16 GiB of memory free, big-01 needs 40 GiB"),
    ("vmotion cpu-01 esx-13", "esx-13 has 6000 MHz unreserved CPU, cpu-01 reserves 15000 MHz"),
    ("vmotion web-01 esx-99", "no host named 'esx-99'"),
]


@pytest.mark.parametrize(("text", "reason"), VMOTION_REJECTIONS)
def test_vmotion_rejections(text, reason):
    s = _reject_level()
    rec = s.submit(text)
    assert not rec.accepted
    assert rec.message == reason or rec.message.startswith(reason)


def test_vmotion_rejection_while_entering_maintenance_and_while_migrating():
    lv = _level(hosts=3)
    add_vm(lv, "web-01", profile="idle")
    add_vm(lv, "app-01", host="esx-02", profile="idle")
    s = Session(Simulation(build(lv)))
    assert s.submit("maintenance enter esx-02").accepted
    assert s.submit("vmotion web-01 esx-02").message == "esx-02 is entering maintenance mode"
    assert s.submit("power on web-01 esx-02").accepted is False
    assert s.submit("vmotion web-01 esx-03").accepted
    assert s.submit("vmotion web-01 esx-03").message == "web-01 is being migrated to esx-03 (0 %); wait for it to finish or cancel it (task cancel 2)"
    assert s.submit("svmotion web-01 ds-1").message.startswith("web-01 is being migrated to esx-03")


def test_vmotion_needs_vcenter_and_the_licence():
    lv = _level(vcenter="vcsa-01")
    add_vm(lv, "vcsa-01", power="off")
    add_vm(lv, "web-01")
    s = Session(Simulation(build(lv)))
    msg = "vCenter is unavailable: its appliance vcsa-01 is powered off"
    assert s.submit("vmotion web-01 esx-02").message == msg
    assert s.submit("svmotion web-01 ds-1").message == msg
    lv = _level(edition="essentials")
    add_vm(lv, "web-01")
    s = Session(Simulation(build(lv)))
    assert s.submit("vmotion web-01 esx-02").message.startswith(
        "the essentials licence does not include vMotion")
    assert s.submit("svmotion web-01 ds-1").message.startswith(
        "the essentials licence does not include Storage vMotion")


def test_evc_baseline_lets_a_vm_move_to_an_older_cpu():
    lv = _level()
    lv["hosts"][1]["cpu_generation"] = 2
    lv["clusters"] = [{"name": "prod", "evc": "intel-gen2"}]
    for h in lv["hosts"]:
        h["cluster"] = "prod"
    add_vm(lv, "web-01", profile="idle")
    s = Session(Simulation(build(lv)))
    assert s.submit("vmotion web-01 esx-02").accepted


# ------------------------------------------------------------------ Storage vMotion
def _svm_level() -> dict:
    lv = _level()
    lv["datastores"] += [{"name": "ds-2", "capacity": 500, "iops": 20000, "mbps": 400},
                         {"name": "ds-far", "capacity": 500, "hosts": ["esx-02"]},
                         {"name": "ds-small", "capacity": 50}]
    return lv


def test_svmotion_copies_at_the_slower_side_and_holds_space_on_both():
    lv = _svm_level()
    add_vm(lv, "db-01", profile="idle", disks=[{"datastore": "ds-1", "size": 100, "thin": False}])
    s = Session(Simulation(build(lv)))
    before = s.sim.datastore_used("ds-2")
    rec = s.submit("svmotion db-01 ds-2")
    assert rec.accepted, rec.message
    total = vmotion.TASK_OVERHEAD_S + 100 * GIB / (400 * MB) + svmotion.SWITCH_S  # 268.4 + 3.5
    assert total == pytest.approx(271.9, abs=0.1)
    assert f"expected {total:.1f} s" in rec.message
    s.advance(30)
    assert s.sim.datastore_used("ds-2") == pytest.approx(before + 100)
    assert s.sim.datastore_used("ds-1") == pytest.approx(108)  # disk and swap still there
    smp = s.sim.sampler
    assert smp.ds_util[1] == pytest.approx(400 / 400, abs=0.01)  # its copy saturates ds-2
    s.advance(total)
    disk = s.sim.inv.vms["db-01"].disks[0]
    assert disk.datastore == "ds-2"
    assert s.sim.datastore_used("ds-1") == pytest.approx(0)  # the swap file moved with the home
    assert s.sim.datastore_used("ds-2") == pytest.approx(before + 108)
    assert [e.kind for e in s.sim.log if e.kind.startswith("svmotion")] == [
        "svmotion_started", "svmotion_completed"]


def test_two_svmotions_per_host_the_third_queues():
    lv = _svm_level()
    for i in range(3):
        add_vm(lv, f"vm-{i}", profile="idle", disks=[{"datastore": "ds-1", "size": 10}])
    s = Session(Simulation(build(lv)))
    for i in range(3):
        assert s.submit(f"svmotion vm-{i} ds-2").accepted
    assert [t.state for t in s.sim.tasks.tasks] == ["running", "running", "queued"]
    s.advance(200)
    assert [t.state for t in s.sim.tasks.tasks] == ["done"] * 3


SVMOTION_REJECTIONS = [
    ("svmotion db-01 ds-1", "db-01's disks are already on ds-1"),
    ("svmotion db-01 ds-far", "esx-01 does not mount ds-far"),
    ("svmotion db-01 ds-small", "ds-small has 50 GiB free, db-01's disks need 100 GiB"),
    ("svmotion db-01 ds-nope", "no datastore named 'ds-nope'"),
]


@pytest.mark.parametrize(("text", "reason"), SVMOTION_REJECTIONS)
def test_svmotion_rejections(text, reason):
    lv = _svm_level()
    add_vm(lv, "db-01", profile="idle", disks=[{"datastore": "ds-1", "size": 100, "thin": False}])
    s = Session(Simulation(build(lv)))
    rec = s.submit(text)
    assert not rec.accepted and rec.message.startswith(reason)


def test_svmotion_fails_when_its_host_fails():
    lv = _svm_level()
    add_vm(lv, "db-01", profile="idle", disks=[{"datastore": "ds-1", "size": 100, "thin": False}])
    lv["events"] = [{"at": 20, "kind": "host_failure", "host": "esx-01"}]
    s = Session(Simulation(build(lv)))
    assert s.submit("svmotion db-01 ds-2").accepted
    s.advance(400)
    assert s.sim.tasks.tasks[0].state == "failed"
    assert s.sim.inv.vms["db-01"].disks[0].datastore == "ds-1"
    assert s.sim.log.of_kind("svmotion_failed")


# ------------------------------------------------------------------ maintenance and reboot
def test_maintenance_waits_for_the_running_vms_to_leave():
    lv = _level()
    add_vm(lv, "web-01", profile="idle")
    add_vm(lv, "off-01", power="off")
    s = Session(Simulation(build(lv)))
    rec = s.submit("maintenance enter esx-01")
    assert rec.accepted and "waiting for 1 running VM to leave: web-01" in rec.message
    task = s.sim.tasks.tasks[0]
    assert task.kind == "maintenance" and task.state == "running"
    assert s.submit("vmotion web-01 esx-02").accepted
    s.advance(60)
    h = s.sim.inv.hosts["esx-01"]
    assert h.state == "maintenance" and task.state == "done"
    assert [e.kind for e in s.sim.log if e.kind.startswith("maintenance")] == [
        "maintenance_entering", "maintenance_entered"]
    assert s.submit("maintenance exit esx-01").accepted and h.state == "on"
    assert s.sim.log.of_kind("maintenance_exited")


def test_evacuating_powered_off_vms_needs_them_moved_too():
    lv = _level()
    add_vm(lv, "off-01", power="off")
    s = Session(Simulation(build(lv)))
    rec = s.submit("maintenance enter esx-01 --evacuate-powered-off")
    assert "waiting for 1 VM to leave: off-01" in rec.message
    s.advance(10)
    assert s.sim.inv.hosts["esx-01"].state == "on"
    assert s.submit("power on off-01 esx-02").accepted
    assert s.submit("power off off-01").accepted
    s.advance(10)
    assert s.sim.inv.hosts["esx-01"].state == "maintenance"


def test_an_empty_host_enters_maintenance_at_once_and_reboots_in_its_boot_time():
    lv = _level()
    lv["hosts"][1]["boot_s"] = 120
    s = Session(Simulation(build(lv)))
    assert s.submit("maintenance enter esx-02").message == "esx-02 is in maintenance mode"
    rec = s.submit("host reboot esx-02")
    assert rec.accepted and rec.message == "esx-02 is rebooting; up in 120 s"
    h = s.sim.inv.hosts["esx-02"]
    assert h.state == "booting"
    s.advance(119)
    assert h.state == "booting"
    s.advance(2)
    assert h.state == "maintenance"
    assert [t.kind for t in s.sim.tasks.tasks] == ["maintenance", "host_reboot"]
    assert s.sim.tasks.tasks[1].state == "done"


MAINT_REJECTIONS = [
    ("maintenance enter esx-03", "esx-03 is already in maintenance mode"),
    ("maintenance enter esx-04", "esx-04 is down (failed); only a host that is on can enter maintenance mode"),
    ("maintenance exit esx-01", "esx-01 is not in maintenance mode"),
    ("host reboot esx-01", "esx-01 still runs web-01; enter maintenance mode or move them first"),
    ("host reboot esx-04", "esx-04 has failed; it cannot be rebooted until it is repaired"),
    ("host reboot esx-05", "esx-05 is powered off; use host power on esx-05"),
    ("host reboot esx-06", "esx-06 is cut off from the management network"),
    ("maintenance enter bare-01", "bare-01 is a bare-metal server, not a hypervisor host"),
    ("host reboot bare-01", "bare-01 is a bare-metal server, not a hypervisor host"),
]


@pytest.mark.parametrize(("text", "reason"), MAINT_REJECTIONS)
def test_maintenance_and_reboot_rejections(text, reason):
    lv = _level()
    h = lv["hosts"][0]
    lv["hosts"] += [dict(h, name="esx-03", state="maintenance"), dict(h, name="esx-04", state="failed"),
                    dict(h, name="esx-05", state="off"), dict(h, name="esx-06", state="isolated"),
                    dict(h, name="bare-01", hypervisor="none")]
    add_vm(lv, "web-01", profile="idle")
    s = Session(Simulation(build(lv)))
    rec = s.submit(text)
    assert not rec.accepted and rec.message == reason


def test_maintenance_enter_twice_and_reboot_while_booting():
    lv = _level()
    add_vm(lv, "web-01", profile="idle")
    s = Session(Simulation(build(lv)))
    assert s.submit("maintenance enter esx-01").accepted
    assert s.submit("maintenance enter esx-01").message == "esx-01 is already entering maintenance mode"
    assert s.submit("maintenance exit esx-01").accepted  # cancels
    assert s.sim.tasks.tasks[0].state == "cancelled"
    assert s.submit("host reboot esx-02").accepted
    assert s.submit("host reboot esx-02").message.startswith("esx-02 is already booting")
    assert s.submit("maintenance enter esx-02").message == (
        "esx-02 is booting; only a host that is on can enter maintenance mode")


# ------------------------------------------------------------------ runs, copies, digests
def test_run_json_reports_migrations_and_events():
    from vdc.session.actions import parse_actions

    lv = _svm_level()
    add_vm(lv, "db-01", memory=16, profile="dirty50", disks=[{"datastore": "ds-1", "size": 10}])
    acts = parse_actions("5 vmotion db-01 esx-02\n100 svmotion db-01 ds-2\n")
    session = run_level(build(lv), actions=acts, until=600)
    out = result(session, events=True)
    assert out["metrics"]["migrations"] == 1 and out["metrics"]["svmotions"] == 1
    kinds = [e["kind"] for e in out["events"]]
    for k in ("vmotion_queued", "vmotion_started", "vmotion_completed", "svmotion_started", "svmotion_completed"):
        assert k in kinds


def test_a_copy_mid_migration_goes_on_identically():
    lv = _level()
    add_vm(lv, "db-01", memory=16, profile="dirty50")
    sim = Simulation(build(lv))
    s = Session(sim)
    s.advance(5)
    s.submit("vmotion db-01 esx-02")
    s.advance(5)
    twin = copy.deepcopy(sim)
    s.advance(100)
    Session(twin).advance(100)
    assert twin.digest() == sim.digest() and twin.inv.vms["db-01"].host == "esx-02"


def test_digest_unchanged_without_tasks():
    lv = _level()
    add_vm(lv, "db-01", memory=16)
    a = Simulation(build(lv))
    a.run_until(120)
    assert "tasks" not in str(a.digest())  # smoke: no tasks, no key
    assert not a.tasks.tasks


def test_sdps_slows_the_guest_while_a_non_converging_migration_runs():
    lv = _level(speed=1000)
    lv["profiles"].append(dict(DIRTY50, name="dirty200", mem_active=1.0, write_mbps=144))
    add_vm(lv, "hot-01", memory=16, profile="dirty200")  # 4 × 16 + 0.5 × 144 = 136 MB/s > 117.5
    s = Session(Simulation(build(lv)))
    s.advance(10)
    assert s.sim.sampler.vm_served[0] == pytest.approx(1.0)
    rec = s.submit("vmotion hot-01 esx-02")
    assert rec.accepted
    s.advance(20)
    # Its dirty rate is held at 0.8 × 117.5 = 94 MB/s of its own 136: it gets 69 % of its demand.
    assert s.sim.sampler.vm_served[0] == pytest.approx(94 / 136, abs=0.01)
    s.advance(2000)
    assert s.sim.inv.vms["hot-01"].host == "esx-02"
    assert "guest slowed (SDPS)" in s.sim.log.of_kind("vmotion_completed")[0].detail
    assert s.sim.sampler.vm_served[0] == pytest.approx(1.0)


def test_an_incoming_vmotion_holds_its_place_on_the_destination():
    lv = _level()
    lv["hosts"][1]["memory"] = 24
    add_vm(lv, "big-01", memory=16, mem_reservation=16, profile="idle")
    add_vm(lv, "res-01", memory=12, mem_reservation=12, power="off", host="esx-02")
    s = Session(Simulation(build(lv)))
    assert s.submit("vmotion big-01 esx-02").accepted
    assert s.submit("power on res-01").message == "esx-02 has 8 GiB unreserved memory, res-01 reserves 12 GiB"
    assert s.submit("host power off esx-02").message == "esx-02 has a vMotion in progress"
    assert s.submit("host reboot esx-02").message == "esx-02 has a vMotion in progress"


def test_a_vm_powered_off_mid_migration_fails_it():
    """The player cannot (the VM is busy, see test_busy_vms), but HA's isolation response can."""
    lv = _level()
    add_vm(lv, "web-01", memory=16, profile="dirty50")
    s = Session(Simulation(build(lv)))
    assert s.submit("vmotion web-01 esx-02").accepted
    s.advance(5)
    assert not s.submit("power off web-01").accepted
    s.sim.inv.vms["web-01"].power = "off"  # as an isolation response powers it off
    s.advance(60)
    t = s.sim.tasks.tasks[0]
    assert t.state == "failed" and t.detail == "web-01 was powered off"
    assert s.sim.inv.vms["web-01"].host == "esx-01"


def test_maintenance_in_a_fully_automated_cluster_is_evacuated_by_drs():
    lv = _level()
    lv["clusters"] = [{"name": "prod", "drs": {"enabled": True, "mode": "full"}}]
    for h in lv["hosts"]:
        h["cluster"] = "prod"
    add_vm(lv, "web-01", profile="idle")
    s = Session(Simulation(build(lv)))
    s.submit("maintenance enter esx-01")
    assert s.sim.tasks.tasks[0].detail == "waiting for 1 running VM to leave: web-01; DRS is moving them"
    assert [(k.kind, k.subject, k.target) for k in s.sim.tasks.tasks[1:]] == [("vmotion", "web-01", "esx-02")]
    s.advance(60)
    assert s.sim.inv.vms["web-01"].host == "esx-02"
    assert s.sim.inv.hosts["esx-01"].state == "maintenance"


def test_a_dedicated_failover_host_takes_no_vmotion():
    """HA admission control keeps a failover host empty: vMotion onto it is refused."""
    lv = _level(hosts=3)
    lv["clusters"] = [{"name": "prod", "ha": {"enabled": True}}]
    for h in lv["hosts"]:
        h["cluster"] = "prod"
    add_vm(lv, "db-01", memory=16, profile="dirty50")
    s = Session(Simulation(build(lv)))
    assert s.submit("ha admission prod failover-hosts esx-03").accepted
    rec = s.submit("vmotion db-01 esx-03")
    assert not rec.accepted
    assert rec.message == (
        "HA admission control: esx-03 is a dedicated failover host of prod, kept empty for host failures"
    )
    assert s.submit("vmotion db-01 esx-02").accepted


# ------------------------------------------------------------------ checked once

def test_validate_changes_nothing_and_execute_checks_once(monkeypatch: pytest.MonkeyPatch):
    from vdc.sim import dispatch

    lv = _level(hosts=3)
    lv["hosts"][2]["state"] = "failed"
    add_vm(lv, "web-01", vcpu=2, memory=8)
    add_vm(lv, "db-01", vcpu=2, memory=8, power="off")
    s = Session(Simulation(build(lv)))
    s.advance_to(60)
    digest, events = s.sim.digest(), len(s.sim.log)
    cmd = parse("vmotion web-01 esx-02")
    assert dispatch.validate(s.sim, cmd) is None
    assert dispatch.validate(s.sim, parse("power on db-01 esx-03")) == "esx-03 has failed"
    assert s.sim.digest() == digest and len(s.sim.log) == events  # asking changed nothing
    calls: list[str] = []
    real = dispatch.HANDLERS["vmotion"]

    def counting(sim, c):  # noqa: ANN001, ANN202 - a handler
        calls.append(c.name)
        return real(sim, c)

    monkeypatch.setitem(dispatch.HANDLERS, "vmotion", counting)
    verdict = dispatch.execute(s.sim, cmd)
    assert verdict.accepted and verdict.message.startswith("vMotion of web-01 esx-01 → esx-02 started")
    assert calls == ["vmotion"]  # checked once, then applied (no second run of the handler)


def test_a_queued_vmotion_rechecks_only_what_can_change_while_it_waits():
    from vdc.sim.moves import vmotion

    static = [check.__name__ for check, can_change in vmotion.CHECKS if not can_change]
    assert static == ["_licence", "_not_busy", "_shared_storage"]
    # The full check and the queued one agree on every host for a VM that waits.
    lv = _level(hosts=4)
    lv["hosts"][2]["state"] = "maintenance"
    lv["hosts"][3]["cpu_vendor"] = "amd"
    add_vm(lv, "web-01", vcpu=2, memory=8)
    s = Session(Simulation(build(lv)))
    s.advance_to(60)
    sim, vm = s.sim, s.sim.inv.vms["web-01"]
    for h in sim.inv.hosts.values():
        try:
            vmotion.check_vmotion(sim, vm, h)
            full = ""
        except Exception as e:  # noqa: BLE001 - comparing the two verdicts
            full = str(e)
        try:
            vmotion.check_vmotion(sim, vm, h, queued=True)
            queued = ""
        except Exception as e:  # noqa: BLE001
            queued = str(e)
        assert queued == full, h.name  # nothing it skips can fail for a VM that is not migrating


def test_event_texts_are_for_players_one_round_and_rounded_sizes():
    """"1 round" (not "1 rounds"), and a Storage vMotion of 20.0757 GiB says 20.1 GiB (issue
    12, bug 10)."""
    lv = _svm_level()
    add_vm(lv, "small-01", memory=1, profile="dirty50")
    add_vm(lv, "db-01", profile="idle", disks=[{"datastore": "ds-1", "size": 20.0757, "thin": False}])
    s = Session(Simulation(build(lv)))
    assert s.submit("vmotion small-01 esx-02").accepted
    assert s.submit("svmotion db-01 ds-2").accepted
    s.advance(300)
    [moved] = s.sim.log.of_kind("vmotion_completed")
    assert ", 1 round, " in moved.detail
    texts = [e.detail for e in s.sim.log if e.kind.startswith("svmotion")]
    texts += [t.detail for t in s.sim.tasks.tasks if t.kind == "svmotion"]
    assert len(texts) == 3 and all("20.1 GiB" in t and "20.0757" not in t for t in texts), texts
