"""Shared-nothing vMotion (`vmotion VM HOST DATASTORE`): the disks cross the vMotion link,
sharing it fairly with every migration on it, then the memory is pre-copied
(vdc/sim/moves/vmotion.py, links.py, disks.py)."""

from __future__ import annotations

import copy

import pytest
from conftest import add_vm, build
from test_vmotion import _level
from test_vmotion_links import STILL

from vdc.session.save import from_data, to_data
from vdc.session.session import Session
from vdc.session.verify import verify
from vdc.sim.engine import Simulation
from vdc.sim.moves import svmotion, vmotion
from vdc.sim.moves.vmotion import GIB, MB, bandwidth

OVERHEAD = vmotion.TASK_OVERHEAD_S + vmotion.SETUP_S
LINK = bandwidth(10000)  # 1,175 MB/s
DISK_S = 100 * GIB / LINK  # 91.4 s: 100 GiB of disk alone on 10 GbE
MEM_S = 16 * GIB / LINK  # 14.6 s: 16 GiB of memory (dirtying none: one round)
SOLO = OVERHEAD + DISK_S + MEM_S + vmotion.DEVICE_STATE_S


def _lv(**meta) -> dict:
    """esx-01 sees ds-1, esx-02 sees ds-2; both see ds-shared. Fast datastores: the 10 GbE
    vMotion link is the bottleneck."""
    lv = _level(speed=10000, **meta)
    lv["profiles"].append(STILL)
    fast = {"capacity": 2000, "iops": 20000, "mbps": 4000}
    lv["datastores"] = [fast | {"name": "ds-1", "hosts": ["esx-01"]},
                        fast | {"name": "ds-2", "hosts": ["esx-02"]},
                        fast | {"name": "ds-shared"},
                        fast | {"name": "ds-slow", "mbps": 500, "hosts": ["esx-02"]},
                        fast | {"name": "ds-small", "capacity": 150, "hosts": ["esx-02"]}]
    return lv


def _session(lv: dict | None = None, n: int = 1) -> Session:
    lv = lv or _lv()
    for i in range(n):
        add_vm(lv, f"vm-{i}", memory=16, profile="still", disks=[{"datastore": "ds-1", "size": 100, "thin": False}])
    add_vm(lv, "mover", memory=16, profile="still", disks=[{"datastore": "ds-shared", "size": 10}])
    return Session(Simulation(build(lv)))


def _took(s: Session, task_id: int) -> float:
    t = s.sim.tasks.tasks[task_id - 1]
    assert t.state == "done", t.detail
    return t.finished_at - t.started_at  # type: ignore[operator]


def test_alone_it_copies_the_disks_then_the_memory_over_the_link():
    s = _session()
    rec = s.submit("vmotion vm-0 esx-02 ds-2")
    assert rec.accepted, rec.message
    assert SOLO == pytest.approx(111.0, abs=0.05)
    assert rec.message.endswith("started; expected 111 s")
    s.advance(4)  # the task's overhead: space held, no copy yet
    assert s.sim.datastore_used("ds-2") == pytest.approx(100)
    assert s.sim.sampler.ds_util[1] == pytest.approx(0.0, abs=1e-3)
    s.advance(26)  # copying the disks: the destination holds their space, both ends carry the I/O
    sim = s.sim
    assert sim.datastore_used("ds-2") == pytest.approx(100)
    assert sim.datastore_used("ds-1") == pytest.approx(116)  # disk and swap file still there
    assert list(sim.sampler.ds_util[:2]) == pytest.approx([LINK / MB / 4000] * 2)  # 29 %
    assert sim.inv.vms["vm-0"].host == "esx-01"
    s.advance(90)  # the memory now; the disk I/O is over
    assert sim.sampler.ds_util[1] == pytest.approx(0.0, abs=1e-3)
    s.advance(100)
    vm = sim.inv.vms["vm-0"]
    assert vm.host == "esx-02" and vm.disks[0].datastore == "ds-2"
    assert _took(s, 1) == pytest.approx(SOLO, abs=0.01)
    assert sim.datastore_used("ds-1") == pytest.approx(0)
    assert sim.datastore_used("ds-2") == pytest.approx(116)  # the swap file moved with its home
    assert "disks on ds-2" in sim.tasks.tasks[0].detail
    assert sim.tasks.tasks[0].target == "esx-02/ds-2"


def test_the_disk_copy_runs_no_faster_than_the_slower_datastore():
    s = _session()
    assert s.submit("vmotion vm-0 esx-02 ds-slow").accepted
    s.advance(400)
    assert _took(s, 1) == pytest.approx(OVERHEAD + 100 * GIB / (500 * MB) + MEM_S + vmotion.DEVICE_STATE_S, abs=0.01)


def test_a_vmotion_beside_it_on_the_same_link_halves_both_while_they_overlap():
    s = _session()
    assert s.submit("vmotion vm-0 esx-02 ds-2").accepted
    assert s.submit("vmotion mover esx-02").accepted
    assert [m.rate for m in s.sim.migrations.running] == [pytest.approx(LINK / 2)] * 2
    s.advance(400)
    vm_alone = OVERHEAD + MEM_S + vmotion.DEVICE_STATE_S
    shared = _took(s, 2)
    assert (shared - OVERHEAD) / (vm_alone - OVERHEAD) == pytest.approx(2.0, abs=0.01)  # 2× each
    # The disk copy had half the link while the vMotion ran (its 2 × 14.6 s copy and its 30 ms
    # switchover), so it took half that longer: the bytes it did not send then, at the full link.
    assert _took(s, 1) == pytest.approx(SOLO + MEM_S + vmotion.DEVICE_STATE_S / 2, abs=0.002)


def test_two_shared_nothing_moves_at_once_each_take_twice_as_long():
    s = _session(n=2)
    for i in range(2):
        assert s.submit(f"vmotion vm-{i} esx-02 ds-2").accepted
    s.advance(400)
    for task in (1, 2):
        assert (_took(s, task) - OVERHEAD) / (SOLO - OVERHEAD) == pytest.approx(2.0, abs=0.01)


def test_a_storage_path_svmotion_does_not_share_the_vmotion_link():
    s = _session()
    assert s.submit("svmotion vm-0 ds-shared").accepted  # through esx-01's storage path
    assert s.submit("vmotion mover esx-02").accepted
    assert [m.rate for m in s.sim.migrations.running] == [LINK]
    s.advance(400)
    assert _took(s, 2) == pytest.approx(OVERHEAD + MEM_S + vmotion.DEVICE_STATE_S, abs=0.01)
    copy_s = vmotion.TASK_OVERHEAD_S + 100 * GIB / (svmotion.COPY_MBPS * MB) + svmotion.SWITCH_S
    assert _took(s, 1) == pytest.approx(copy_s, abs=0.01)


def test_it_takes_a_storage_vmotion_slot_on_its_hosts_too():
    s = _session(n=3)
    for i in range(3):
        assert s.submit(f"vmotion vm-{i} esx-02 ds-2").accepted
    assert [t.state for t in s.sim.tasks.tasks] == ["running", "running", "queued"]
    assert s.submit("svmotion mover ds-1").message.endswith("queued: esx-01 already runs 2")
    s.advance(1000)
    assert [t.state for t in s.sim.tasks.tasks] == ["done"] * 4
    assert s.sim.tasks.tasks[3].started_at == s.sim.tasks.tasks[0].finished_at  # the freed slot


def test_cancelled_mid_copy_the_vm_and_its_disks_stay_and_the_space_is_freed():
    s = _session()
    assert s.submit("vmotion vm-0 esx-02 ds-2").accepted
    s.advance(30)
    assert s.sim.datastore_used("ds-2") == pytest.approx(100)
    rec = s.submit("task cancel vm-0")
    assert rec.accepted and "its disks on ds-1" in rec.message
    vm = s.sim.inv.vms["vm-0"]
    assert vm.host == "esx-01" and vm.disks[0].datastore == "ds-1"
    assert s.sim.datastore_used("ds-2") == pytest.approx(0)
    assert s.sim.tasks.tasks[0].state == "cancelled"


def test_it_fails_when_the_destination_fails_and_nothing_moves():
    lv = _lv()
    lv["events"] = [{"at": 40, "kind": "host_failure", "host": "esx-02"}]
    s = _session(lv)
    assert s.submit("vmotion vm-0 esx-02 ds-2").accepted
    s.advance(200)
    assert s.sim.tasks.tasks[0].state == "failed"
    vm = s.sim.inv.vms["vm-0"]
    assert vm.host == "esx-01" and vm.disks[0].datastore == "ds-1"
    assert s.sim.datastore_used("ds-2") == pytest.approx(0)


def test_a_vmotion_to_a_host_without_the_vms_storage_names_the_form_that_moves_the_disks():
    s = _session()
    rec = s.submit("vmotion vm-0 esx-02")
    assert not rec.accepted
    assert rec.message == ("esx-02 does not mount ds-1, where vm-0's disk lives; "
                           "move the disks with it: vmotion vm-0 esx-02 ds-2")


def test_a_vm_on_local_storage_is_told_it_can_move_with_its_disks():
    lv = _lv()
    lv["datastores"][0]["type"] = "local"
    s = _session(lv)
    rec = s.submit("vmotion vm-0 esx-02")
    assert rec.message.endswith("or move it with the VM: vmotion vm-0 esx-02 ds-2")
    assert s.submit("vmotion vm-0 esx-02 ds-2").accepted


REFUSALS = [
    ("vmotion vm-0 esx-02 ds-1", "esx-02 does not mount ds-1 (it mounts ds-2, ds-shared, ds-slow, ds-small)"),
    ("vmotion mover esx-02 ds-shared", "mover's disks are already on ds-shared; move the VM alone: vmotion mover esx-02"),
    ("vmotion vm-0 esx-02 ds-nope", "no datastore named 'ds-nope'"),
]


@pytest.mark.parametrize(("text", "reason"), REFUSALS)
def test_refusals(text, reason):
    rec = _session().submit(text)
    assert not rec.accepted and rec.message.startswith(reason), rec.message


def test_space_held_by_a_copy_in_flight_counts():
    s = _session(n=2)
    assert s.submit("vmotion vm-0 esx-02 ds-small").accepted  # 100 of its 150 GiB held
    rec = s.submit("vmotion vm-1 esx-02 ds-small")
    assert rec.message == "ds-small has 50 GiB free, vm-1's disks and swap file need 116 GiB"
    small = _session()
    assert small.submit("vmotion vm-0 esx-02 ds-small").accepted  # 116 of 150 fits


def test_a_busy_vm_and_the_licence_refuse_it():
    s = _session()
    assert s.submit("svmotion vm-0 ds-shared").accepted
    assert s.submit("vmotion vm-0 esx-02 ds-2").message.startswith(
        "vm-0's disks are being moved to ds-shared")
    s = _session(_lv(edition="essentials-plus"))  # vMotion, but no Storage vMotion
    assert s.submit("vmotion vm-0 esx-02 ds-2").message.startswith(
        "the essentials-plus licence does not include Storage vMotion")


def test_it_ends_the_same_however_time_is_sliced_and_replays_from_its_save():
    def run(step: float) -> Session:
        s = _session(n=3)
        s.submit("vmotion vm-0 esx-02 ds-2")
        s.advance(17.3)
        s.submit("vmotion mover esx-02")
        s.advance(3.1)
        s.submit("vmotion vm-1 esx-02 ds-slow")
        s.submit("vmotion vm-2 esx-02 ds-2")  # queues: esx-01 runs 2 already
        s.advance(40)
        s.submit("task cancel vm-1")  # the queued one starts
        t = s.sim.now
        while t < 600:
            t = min(600.0, t + step)
            s.advance_to(t)
        return s

    a = run(600.0)
    assert [t.state for t in a.sim.tasks.tasks] == ["done", "done", "cancelled", "done"]
    for b in (run(0.7), run(5.0)):
        assert b.sim.digests == a.sim.digests and b.sim.digest() == a.sim.digest()
        assert [r.as_dict() for r in b.sim.log] == [r.as_dict() for r in a.sim.log]
    _, divergence = verify(from_data(copy.deepcopy(to_data(a))))
    assert divergence is None


def test_a_copy_mid_move_goes_on_identically():
    s = _session(n=2)
    s.submit("vmotion vm-0 esx-02 ds-2")
    s.submit("vmotion vm-1 esx-02 ds-slow")
    s.advance(60)
    twin = copy.deepcopy(s.sim)
    s.advance(400)
    Session(twin).advance(400)
    assert twin.digest() == s.sim.digest()


def _failed_at_switchover(events: list[dict], target: str) -> Session:
    """vm-0 moves to esx-02 with its disks to `target` while `events` happen; run past its end."""
    lv = _lv()
    lv["events"] = events
    s = _session(lv)
    assert s.submit(f"vmotion vm-0 esx-02 {target}").accepted
    s.advance(SOLO - 1)
    assert s.sim.tasks.tasks[0].state == "running"  # the copy runs to its end, then fails
    s.advance(2)
    task = s.sim.tasks.tasks[0]
    assert task.state == "failed" and task.finished_at == pytest.approx(SOLO, abs=0.01)
    vm = s.sim.inv.vms["vm-0"]
    assert vm.host == "esx-01" and vm.disks[0].datastore == "ds-1"  # nothing moved
    assert s.sim.datastore_used("ds-1") == pytest.approx(116)  # its disk and swap file
    assert task.detail.endswith("; vm-0 stays on esx-01, its disks on ds-1 "
                                f"(the partial copy on {target} is deleted)")
    (line,) = [e.detail for e in s.sim.log if e.kind == "vmotion_failed"]
    assert line == f"vMotion of vm-0 to esx-02 failed: {task.detail}"
    assert not s.sim.migrations.running and s.submit("vmotion mover esx-02").accepted  # slots free
    return s


def test_a_destination_filled_up_during_the_copy_fails_it_at_the_switchover():
    # ds-small (150 GiB) takes the 100 GiB disk and the 16 GiB swap file, until another tenant
    # puts 40 GiB there mid-copy: 10 GiB are left for the swap file's 16 at the switchover.
    s = _failed_at_switchover([{"at": 40, "kind": "datastore_fill", "datastore": "ds-small", "gib": 40}],
                              "ds-small")
    assert s.sim.tasks.tasks[0].detail.startswith(
        "ds-small filled up while vm-0's disks were copying: 110 GiB left, its disks and swap file need 116 GiB")
    assert s.sim.datastore_used("ds-small") == pytest.approx(40)  # the partial copy is freed


def test_a_smaller_fill_that_leaves_room_lets_it_finish():
    lv = _lv()
    lv["events"] = [{"at": 40, "kind": "datastore_fill", "datastore": "ds-small", "gib": 34}]
    s = _session(lv)
    assert s.submit("vmotion vm-0 esx-02 ds-small").accepted
    s.advance(200)
    assert _took(s, 1) == pytest.approx(SOLO, abs=0.01)
    assert s.sim.datastore_used("ds-small") == pytest.approx(150)  # full to the GiB


def test_a_destination_lost_during_the_copy_fails_it_at_the_switchover():
    s = _failed_at_switchover([{"at": 40, "kind": "datastore_pdl", "datastore": "ds-2"}], "ds-2")
    assert s.sim.tasks.tasks[0].detail.startswith(
        "ds-2 became unreachable while the disks were copying: ds-2 is permanently lost on esx-02 (PDL)")
    assert s.sim.datastore_used("ds-2") == pytest.approx(0)


def test_a_destination_without_paths_at_the_switchover_fails_it():
    s = _failed_at_switchover([{"at": 40, "kind": "datastore_apd", "datastore": "ds-2", "host": "esx-02",
                                "duration": 300}], "ds-2")
    assert s.sim.tasks.tasks[0].detail.startswith(
        "ds-2 became unreachable while the disks were copying: esx-02 has no path to ds-2 (all paths down)")


SLOW = 500 * MB  # ds-slow: a disk copy to it is held to 500 MB/s, less than half the link


def test_link_a_datastore_held_copy_cannot_use_goes_to_the_move_beside_it():
    s = _session(n=2)
    assert s.submit("vmotion vm-0 esx-02 ds-slow").accepted
    assert s.submit("vmotion vm-1 esx-02 ds-2").accepted
    sim = s.sim
    m0, m1 = sim.migrations.running
    # Water-filling: vm-0's copy uses its 500 MB/s, vm-1 gets the other 675 (not half, 587.5).
    assert min(m0.rate, m0.disk_cap) == pytest.approx(SLOW)
    assert m1.rate == pytest.approx(LINK - SLOW)
    assert min(m0.rate, m0.disk_cap) + min(m1.rate, m1.disk_cap) == pytest.approx(LINK)  # adds up
    s.advance(30)
    assert list(sim.sampler.ds_util[[0, 1, 3]]) == pytest.approx([LINK / MB / 4000, (LINK - SLOW) / MB / 4000, 1.0])
    s.advance(400)
    rest = LINK - SLOW
    assert _took(s, 2) == pytest.approx(OVERHEAD + (100 + 16) * GIB / rest + vmotion.DEVICE_STATE_S, abs=0.01)
    # vm-0 copied its disks at 500 MB/s throughout, then its memory on the link alone.
    assert _took(s, 1) == pytest.approx(OVERHEAD + 100 * GIB / SLOW + MEM_S + vmotion.DEVICE_STATE_S, abs=0.01)


def test_a_held_copy_that_finishes_its_disks_takes_its_share_back():
    s = _session()
    assert s.submit("vmotion vm-0 esx-02 ds-slow").accepted
    s.advance(200)
    assert s.submit("vmotion mover esx-02").accepted  # vMotion beside it: 675 MB/s at first
    assert [m.rate for m in s.sim.migrations.running] == pytest.approx([LINK / 2, LINK - SLOW])
    s.advance(300)
    disks_done = OVERHEAD + 100 * GIB / SLOW  # 219.7 s: vm-0's memory now wants its half
    first = (LINK - SLOW) * (disks_done - 205)
    mover_copied = disks_done + (16 * GIB - first) / (LINK / 2)
    mover_end = mover_copied + vmotion.DEVICE_STATE_S
    assert _took(s, 2) == pytest.approx(mover_end - 200, abs=0.01)
    vm0_half = (LINK / 2) * (mover_end - disks_done)  # memory sent beside the mover
    vm0_end = mover_end + (16 * GIB - vm0_half) / LINK + vmotion.DEVICE_STATE_S
    assert _took(s, 1) == pytest.approx(vm0_end, abs=0.01)
