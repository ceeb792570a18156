"""Snapshots (sim-facts §7): delta growth on its curve, the datastore-full stun at its computed
moment, revert undoing a later bad change, consolidation freeing space, the I/O penalty, the
alarms, every refusal, copies of a run with snapshots, and the run result."""

from __future__ import annotations

import copy
import math
import pickle

import pytest
from conftest import add_vm, base_level, build

from vdc.session.runner import result
from vdc.session.session import Session
from vdc.sim.contention import latency_factor
from vdc.sim.engine import Simulation
from vdc.sim.snapshots import chain as snapshots
from vdc.sim.units import MB_PER_GIB

W = 50.0  # MB/s the writer VM writes
B = 40.0  # GiB of its one thick disk


def _level(capacity: float = 2000, **kw) -> dict:
    lv = base_level(duration=3600, **kw)
    lv["profiles"].append(
        {"name": "writer", "cpu": 1000, "mem_active": 0.25, "iops": 100, "write_mbps": W,
         "net": 10, "shape": "flat", "peak": 0, "noise": 0}
    )
    lv["datastores"][0]["capacity"] = capacity
    lv["hosts"][0]["luns"] = ["lun-1", "lun-2"]
    add_vm(lv, "db-01", profile="writer", tools=True, disks=[{"datastore": "ds-1", "size": B, "thin": False}])
    add_vm(lv, "app-01", profile="steady", tools=False,  # emulated: in-box drivers
           nics=[{"portgroup": "prod", "adapter": "e1000"}],
           disks=[{"datastore": "ds-1", "size": 40, "thin": False, "controller": "lsi"}])
    add_vm(lv, "off-01", power="off", tools=True)
    add_vm(lv, "raw-01", power="off", disks=[
        {"datastore": "ds-1", "size": 10, "thin": False},
        {"kind": "rdm-physical", "lun": "lun-1", "size": 100},
    ])
    add_vm(lv, "vraw-01", power="off", disks=[
        {"datastore": "ds-1", "size": 10, "thin": False},
        {"kind": "rdm-virtual", "lun": "lun-2", "size": 100},
    ])
    return lv


def _session(lv: dict | None = None) -> Session:
    return Session(Simulation(build(lv or _level())))


def _ok(s: Session, text: str) -> str:
    r = s.submit(text)
    assert r.accepted, r.message
    return r.message


def _live(s: Session, vm: str = "db-01") -> float:
    snapshots.sync(s.sim)
    return sum(s.sim.inv.vms[vm].snapshots[-1].sizes)


def _curve(seconds: float, base: float = B, mbps: float = W) -> float:
    return base * (1.0 - math.exp(-mbps * seconds / MB_PER_GIB / base))


def test_delta_grows_on_the_curve_and_never_past_the_base():
    s = _session()
    _ok(s, "snapshot create db-01 s1")
    for t in (60, 300, 600, 1800):
        s.advance_to(t + 1)  # the sample at t has been taken
        assert _live(s) == pytest.approx(_curve(t), rel=1e-9)
    assert _curve(600) == pytest.approx(20.11, abs=0.01)  # 27.9 GiB written (MB = 10⁶ B), 20.1 of blocks
    s.advance_to(3600)
    assert _live(s) < B
    used = s.sim.inv.datastores["ds-1"]
    # other 0 + 5 disks (40 + 40 + 40 + 10 + 10) + swap of the two running VMs (8 + 8)
    assert used.used == pytest.approx(140 + 16 + _curve(3600), rel=1e-9)


def test_datastore_fills_at_the_computed_moment_and_stuns_the_writer():
    # Thick disks 140 GiB + 16 GiB swap = 156 GiB; capacity 168 leaves F = 12 GiB for the delta.
    s = _session(_level(capacity=168))
    free = 12.0
    t_full = -B * MB_PER_GIB / W * math.log(1.0 - free / B)  # 306.4 s
    assert t_full == pytest.approx(306.4, abs=0.1)
    _ok(s, "snapshot create db-01 s1")
    s.advance_to(400)
    full = s.sim.log.of_kind("datastore_full")
    assert len(full) == 1
    assert t_full <= full[0].t < t_full + s.sim.dt
    view = s.sim.view()
    i = view.vms.names.index("db-01")
    assert not view.vms.healthy[i] and view.vms.reasons[i] == "paused: datastore full"
    assert s.sim.inv.datastores["ds-1"].used == pytest.approx(168.0)
    # The VM that does not need new blocks there keeps serving.
    assert view.vms.healthy[view.vms.names.index("app-01")]
    # Deleting the snapshot frees the space once merged; the writer runs again.
    _ok(s, "snapshot delete db-01 s1")
    s.advance_to(500)
    assert s.sim.view().vms.healthy[i]
    assert s.sim.inv.datastores["ds-1"].used == pytest.approx(156.0)


def test_delete_frees_the_space_after_consolidation():
    s = _session()
    _ok(s, "snapshot create db-01 s1")
    s.advance_to(600)
    size = _live(s)
    assert size == pytest.approx(_curve(595), rel=1e-9)  # the sample at 600 comes after
    before = s.sim.datastore_used("ds-1")
    msg = _ok(s, "snapshot delete db-01 s1")
    dur = size * MB_PER_GIB / (0.5 * 1000.0)  # 0.5 × the datastore's 1000 MB/s
    assert f"about {dur:.0f} s" in msg
    task = s.sim.tasks.active("consolidate")[0]
    assert task.ends_at == pytest.approx(600 + dur)
    s.advance_to(600 + dur - 1)
    assert s.sim.datastore_used("ds-1") > before  # still there (and still growing) while merging
    s.advance_to(600 + dur + 1)
    assert s.sim.inv.vms["db-01"].snapshots == []
    assert task.state == "done"
    assert s.sim.datastore_used("ds-1") == pytest.approx(156.0)  # a thick base absorbs it all
    (ev,) = s.sim.log.of_kind("snapshot_deleted")
    assert ev.t == pytest.approx(600 + dur, abs=1e-3)


def test_a_thin_base_absorbs_the_blocks_it_did_not_have():
    lv = _level()
    lv["vms"][0]["disks"] = [{"datastore": "ds-1", "size": B, "thin": True, "used": 10}]
    s = _session(lv)
    _ok(s, "snapshot create db-01 s1")
    s.advance_to(300)
    disk = s.sim.inv.vms["db-01"].disks[0]
    s.sim.sampler.flush()
    assert disk.used == 10.0  # the base is read-only under the snapshot
    _ok(s, "power off db-01")  # no more writes: the delta keeps its size while it is merged
    size = _live(s)
    _ok(s, "snapshot delete db-01 --all")
    s.advance_to(400)
    s.sim.sampler.flush()
    assert disk.used == pytest.approx(10 + size * (1 - 10 / B), rel=1e-9)


def test_deleting_a_middle_snapshot_joins_its_delta_with_its_parent():
    s = _session()
    _ok(s, "snapshot create db-01 a")
    s.advance_to(300)
    _ok(s, "snapshot create db-01 b")
    s.advance_to(600)
    _ok(s, "snapshot create db-01 c")
    snapshots.sync(s.sim)
    chain = s.sim.inv.vms["db-01"].snapshots
    a, b = chain[0].sizes[0], chain[1].sizes[0]
    assert a == pytest.approx(_curve(295), rel=1e-9)
    _ok(s, "snapshot delete db-01 b")
    s.advance_to(700)
    assert [x.name for x in chain] == ["a", "c"]
    assert chain[0].sizes[0] == pytest.approx(a + b - a * b / B, rel=1e-9)
    # Joined deltas follow the same curve as one delta of all the writes.
    assert chain[0].sizes[0] == pytest.approx(_curve(595), rel=1e-9)


def test_revert_undoes_a_bad_change_that_came_after_the_snapshot():
    lv = _level()
    lv["events"] = [{"at": 100, "kind": "bad_change", "vm": "db-01"}]
    s = _session(lv)
    _ok(s, "snapshot create db-01 good --memory")
    s.advance_to(200)
    assert s.sim.inv.vms["db-01"].broken
    assert not s.sim.view().vms.healthy[0]
    msg = _ok(s, "snapshot revert db-01 good")
    assert "the bad change since is undone" in msg and "running from its saved memory" in msg
    vm = s.sim.inv.vms["db-01"]
    assert not vm.broken and vm.power == "on"
    assert sum(vm.snapshots[0].sizes) == 0.0  # a fresh delta
    s.advance_to(210)
    assert s.sim.view().vms.healthy[0]
    assert s.sim.log.of_kind("bad_change_undone")[0].t == 200


def test_revert_keeps_a_bad_change_from_before_the_snapshot():
    lv = _level()
    lv["events"] = [{"at": 100, "kind": "bad_change", "vm": "db-01"}]
    s = _session(lv)
    s.advance_to(150)
    _ok(s, "snapshot create db-01 late")
    s.advance_to(200)
    msg = _ok(s, "snapshot revert db-01 late")
    assert "undone" not in msg
    vm = s.sim.inv.vms["db-01"]
    assert vm.broken
    assert vm.power == "off" and "powered off (the snapshot has no memory)" in msg


def test_revert_drops_newer_snapshots_and_frees_their_space():
    s = _session()
    _ok(s, "snapshot create db-01 a")
    s.advance_to(300)
    _ok(s, "snapshot create db-01 b --memory")
    s.advance_to(600)
    base = 156.0
    # Two deltas, each with its own blocks (a: 5…295 s, b: 300…595 s), and b's memory file.
    assert s.sim.datastore_used("ds-1") == pytest.approx(
        base + _curve(295) + _curve(300) + 8.0, rel=1e-9
    )
    msg = _ok(s, "snapshot revert db-01 a")
    assert "dropped b" in msg
    assert [x.name for x in s.sim.inv.vms["db-01"].snapshots] == ["a"]
    # Powered off by the revert: its swap file goes too.
    assert s.sim.datastore_used("ds-1") == pytest.approx(base - 8.0)


def test_memory_snapshot_writes_the_ram_as_a_task():
    s = _session()
    msg = _ok(s, "snapshot create db-01 m --memory")
    dur = 8 * MB_PER_GIB / 1000.0  # 8 GiB at 1000 MB/s: 8.6 s
    assert "writing its 8 GiB of memory (about 9 s)" in msg
    (task,) = s.sim.tasks.active("snapshot")
    assert task.ends_at == pytest.approx(dur)
    assert s.sim.datastore_used("ds-1") == pytest.approx(156.0 + 8.0)
    r = s.submit("snapshot create db-01 n")
    assert not r.accepted and r.message == "db-01 is writing a memory snapshot (done at t = 9 s); wait for it to finish"
    s.advance_to(10)
    assert task.state == "done"
    assert s.submit("snapshot create db-01 n").accepted


def test_io_penalty_by_depth_and_during_consolidation():
    s = _session()
    s.advance_to(10)
    lat_ds = s.sim.inv.datastores["ds-1"].latency_ms
    base = float(s.sim.sampler.vm_latency[0])
    assert base == pytest.approx(lat_ds * latency_factor(s.sim.sampler.ds_util)[0])
    expected = {1: 0.5, 2: 0.35, 3: 0.25, 4: 0.25}
    for k in range(1, 5):
        _ok(s, f"snapshot create db-01 s{k}")
        s.advance_to(10 + 10 * k)
        sm = s.sim.sampler
        # Each guest I/O costs 1/f back-end I/Os: more load on the datastore, and that much
        # longer for the VM.
        f = expected[k]
        assert sm.ds_iops[0] == pytest.approx(100 / f + 100, rel=1e-9)  # db-01 + app-01
        assert sm.vm_latency[0] == pytest.approx(lat_ds * float(latency_factor(sm.ds_util)[0]) / f)
    _ok(s, "snapshot delete db-01 --all")  # at t = 50: the sample at 50 sees the merge
    s.advance_to(51)
    assert s.sim.tasks.active("consolidate")
    sm = s.sim.sampler
    assert sm.vm_latency[0] == pytest.approx(lat_ds * float(latency_factor(sm.ds_util)[0]) / (0.25 * 0.6))


def test_depth_and_age_alarms(monkeypatch):
    monkeypatch.setattr(snapshots, "AGE_ALARM_S", 100.0)
    s = _session()
    for k in range(4):
        _ok(s, f"snapshot create app-01 s{k}")
    s.advance_to(10)
    (deep,) = s.sim.log.of_kind("snapshot_depth")
    assert deep.subject == "app-01" and deep.t == 0 and "chain of 4" in deep.detail
    s.advance_to(120)
    (old,) = s.sim.log.of_kind("snapshot_age")
    assert old.t == 105  # first sample more than 100 s after the snapshot
    _ok(s, "snapshot delete app-01 --all")
    s.advance_to(130)
    cleared = [e for e in s.sim.log.of_kind("alarm_cleared") if e.subject == "app-01"]
    assert len(cleared) == 2


def test_virtual_rdm_deltas_live_on_the_home_datastore():
    s = _session()
    s.advance_to(1)
    assert _ok(s, "snapshot create vraw-01 s1")
    assert s.sim.sampler.snap_has.sum() == 2  # both disks of vraw-01 have a delta on ds-1


REJECTIONS = [
    ("snapshot create nope s1", "no VM named 'nope'"),
    ("snapshot create raw-01 s1",
     "raw-01's disk 2 is a physical-mode RDM (lun-1); those cannot be snapshotted"),
    ("snapshot create db-01 taken", "db-01 already has a snapshot named 'taken'"),
    ("snapshot create off-01 s1 --memory",
     "off-01 is powered off; there is no memory to save (drop --memory)"),
    ("snapshot create off-01 s1 --quiesce",
     "off-01 is powered off; there is nothing to quiesce (drop --quiesce)"),
    ("snapshot create app-01 s1 --quiesce", "app-01 has no VMware Tools; quiescing its disks needs them"),
    ("snapshot revert app-01 s1", "app-01 has no snapshots"),
    ("snapshot revert db-01 other", "db-01 has no snapshot named 'other' (its snapshots: taken)"),
    ("snapshot delete db-01 other", "db-01 has no snapshot named 'other' (its snapshots: taken)"),
    ("snapshot delete db-01", "say which snapshot of db-01 to delete, or --all"),
    ("snapshot delete db-01 taken --all", "give a snapshot name or --all, not both"),
    ("snapshot delete app-01 --all", "app-01 has no snapshots"),
    ("snapshot list nope", "no VM named 'nope'"),
]


@pytest.mark.parametrize(("text", "reason"), REJECTIONS, ids=[r[0] for r in REJECTIONS])
def test_every_rejection(text, reason):
    s = _session()
    _ok(s, "snapshot create db-01 taken")
    r = s.submit(text)
    assert not r.accepted
    assert r.message == reason


def test_rejections_while_busy_and_at_the_limits():
    s = _session(_level(capacity=160))
    r = s.submit("snapshot create db-01 m --memory")  # 4 GiB free, 8 GiB of RAM
    assert r.message == "ds-1 has 4 GiB free, db-01's memory snapshot needs 8 GiB"
    _ok(s, "snapshot create db-01 s1")
    _ok(s, "snapshot delete db-01 s1")
    busy = "db-01 is consolidating snapshots (done at t = 0 s); wait for it to finish"
    for text in ("snapshot create db-01 s2", "snapshot revert db-01 s1", "snapshot delete db-01 s1"):
        assert s.submit(text).message == busy
    for k in range(32):
        _ok(s, f"snapshot create app-01 s{k}")
    assert s.submit("snapshot create app-01 one-more").message == (
        "app-01 already has 32 snapshots, the most a chain can hold; delete some first"
    )


def test_list_shows_the_chain_and_is_not_a_player_action():
    s = _session()
    _ok(s, "snapshot create db-01 a --memory --quiesce")
    s.advance_to(300)
    before = s.sim.accepted_commands
    text = _ok(s, "snapshot list db-01")
    assert s.sim.accepted_commands == before
    lines = text.splitlines()
    assert lines[0] == f"db-01: 1 snapshot(s), {_curve(295) + 8:.1f} GiB"
    assert lines[1] == f"└ a [memory, quiesced]  {_curve(295) + 8:.1f} GiB, 5 min old"
    assert lines[2] == "  └ You are here"
    assert _ok(s, "snapshot list app-01") == "app-01 has no snapshots"


@pytest.mark.parametrize("how", ["pickle", "deepcopy"])
def test_a_copy_with_snapshots_and_a_merge_in_flight_goes_on_identically(how):
    s = _session()
    _ok(s, "snapshot create db-01 a --memory")
    s.advance_to(300)
    _ok(s, "snapshot create db-01 b")
    s.advance_to(600)
    _ok(s, "snapshot delete db-01 a")
    s.advance_to(610)
    c = pickle.loads(pickle.dumps(s)) if how == "pickle" else copy.deepcopy(s)
    for x in (s, c):
        x.advance_to(1200)
        _ok(x, "snapshot revert db-01 b")
        x.advance_to(1800)
    assert c.sim.digests == s.sim.digests
    assert [r.as_dict() for r in c.sim.log] == [r.as_dict() for r in s.sim.log]


def test_the_digest_covers_the_chains_and_time_slicing_does_not_matter():
    a, b = _session(), _session()
    for x in (a, b):
        _ok(x, "snapshot create db-01 s1")
    a.advance_to(900)
    for t in range(7, 900, 37):
        b.advance_to(t)
    b.advance_to(900)
    assert a.sim.digests == b.sim.digests
    plain = _session()
    plain.advance_to(900)
    assert plain.sim.digests[-1] != a.sim.digests[-1]


def test_run_result_shows_snapshot_events_and_the_fullest_datastore():
    s = _session(_level(capacity=168))
    _ok(s, "snapshot create db-01 s1")
    s.advance_to(400)
    _ok(s, "snapshot delete db-01 s1")
    s.advance_to(500)
    out = result(s, events=True)
    assert out["metrics"]["max_datastore_pct"] == pytest.approx(100.0)
    events = [(e["kind"], e["subject"]) for e in out["events"]]
    assert ("command", "snapshot create") in events and ("command", "snapshot delete") in events
    assert ("datastore_full", "ds-1") in events and ("snapshot_deleted", "db-01") in events


def test_revert_to_a_memory_snapshot_starts_a_vm_that_was_powered_off():
    s = _session()
    _ok(s, "snapshot create db-01 m --memory")
    s.advance_to(20)
    _ok(s, "power off db-01")
    msg = _ok(s, "snapshot revert db-01 m")
    assert "running from its saved memory" in msg
    vm = s.sim.inv.vms["db-01"]
    assert vm.power == "on" and vm.up_at == 20  # no boot: it resumes from memory


def test_a_vm_on_raw_luns_only_has_nowhere_for_its_deltas():
    lv = _level()
    add_vm(lv, "lun-01", power="off", disks=[{"kind": "rdm-virtual", "lun": "lun-2", "size": 50}])
    s = _session(lv)
    r = s.submit("snapshot create lun-01 s1")
    assert not r.accepted
    assert r.message == "lun-01 has no datastore to hold the snapshot's delta files"


def test_vdc_run_json_events_shows_the_snapshot_events(tmp_path):
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    actions = tmp_path / "a.txt"
    actions.write_text(
        "10 snapshot create web-01 before --memory\n"
        "20 snapshot list web-01\n"
        "300 snapshot delete web-01 --all\n",
        encoding="utf-8",
    )
    env = dict(os.environ, PYTHONPATH=str(root))
    r = subprocess.run(
        [sys.executable, "-m", "vdc", "run", "00", "--actions", str(actions), "--json", "--events",
         "--until", "600"],
        capture_output=True, text=True, env=env, cwd=root,
    )
    out = json.loads(r.stdout)
    kinds = [(e["kind"], e["subject"]) for e in out["events"]]
    assert ("command", "snapshot create") in kinds and ("command", "snapshot delete") in kinds
    assert ("snapshot_deleted", "web-01") in kinds
    assert out["commands"]["accepted"] == 3
    assert out["metrics"]["max_datastore_pct"] >= max(out["metrics"]["datastore_pct"].values())


def test_one_vms_reload_gives_the_same_arrays_as_reloading_every_chain():
    """A snapshot command reloads only its VM's rows (`Sampler.load_vm_snapshots`): after
    creates, a revert, deletes running and finished, the arrays equal a full reload's, bit for
    bit (the state digest reads them)."""
    lv = _level()
    lv["datastores"].append({"name": "ds-2", "capacity": 2000, "iops": 20000, "mbps": 300})
    add_vm(lv, "thin-01", profile="writer", disks=[{"datastore": "ds-2", "size": 80, "thin": True, "used": 10},
                                                  {"datastore": "ds-1", "size": 20, "thin": True, "used": 2}])
    s = Session(Simulation(build(lv)))
    script = [(5, "snapshot create db-01 a"), (5, "snapshot create thin-01 a --memory"), (40, "snapshot create db-01 b"),
              (60, "snapshot create app-01 a"), (90, "snapshot delete thin-01 a"), (95, "snapshot revert db-01 a"),
              (130, "snapshot delete db-01 --all"), (135, "snapshot create thin-01 c")]
    names = ("snap_live", "snap_frozen", "snap_has", "snap_sd", "disk_io_mult", "ds_snapfiles",
             "vm_snap_mem", "vm_snap_depth", "disk_used")
    for t, cmd in script + [(900, "")]:
        s.advance_to(t)
        if cmd:
            assert s.submit(cmd).accepted, cmd
        sampler = s.sim.sampler
        got = {n: getattr(sampler, n).copy() for n in names} | {"rows": dict(sampler._snap_rows),
                                                                "any": sampler.snap_any}
        sampler.flush()
        sampler.load_snapshots()
        for n in names:
            assert getattr(sampler, n).tolist() == got[n].tolist(), (cmd, n)
        assert sorted(sampler._snap_rows.items()) == sorted(got["rows"].items()) and sampler.snap_any == got["any"]
