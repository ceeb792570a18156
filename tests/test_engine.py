"""The engine: slicing-independent determinism, timeline effects, digests, histories."""

from __future__ import annotations

import random

import pytest
from conftest import add_vm, base_level, build

from vdc.rng import Streams, stream_seed
from vdc.scenario.sandbox import generate
from vdc.sim.engine import Simulation
from vdc.sim.ring import TableRing
from vdc.sim.units import MB_PER_GIB


def _run_sliced(level, cuts: list[float]) -> Simulation:
    sim = Simulation(level)
    for t in cuts:
        sim.run_until(t)
    sim.run_until(sim.duration)
    return sim


def test_one_call_and_thousand_slices_give_identical_digests():
    level = generate("small", 3)
    whole = _run_sliced(level, [])
    rng = random.Random(99)
    cuts = sorted(rng.uniform(0, level.level.duration) for _ in range(1000))
    sliced = _run_sliced(level, cuts)
    assert whole.digests == sliced.digests
    assert whole.digest() == sliced.digest()
    assert len(whole.digests) == level.level.duration // 60 + 1  # t = 0, 60, …, end


def test_same_seed_same_run_other_seed_other_run():
    a = _run_sliced(generate("small", 1), [])
    b = _run_sliced(generate("small", 1), [])
    c = Simulation(generate("small", 1), seed=2)
    c.run_until(c.duration)
    assert a.digest() == b.digest()
    assert [r.as_dict() for r in a.log] == [r.as_dict() for r in b.log]
    assert c.digest() != a.digest()


def test_streams_are_named_and_stable():
    assert stream_seed(1, "x") == stream_seed(1, "x") != stream_seed(1, "y")
    s = Streams(5)
    first = s.py("incidents").random()
    assert Streams(5).py("incidents").random() == first
    # Drawing from one stream never shifts another.
    t = Streams(5)
    t.py("other").random()
    assert t.py("incidents").random() == first


def test_host_failure_takes_vms_down_and_recover_reboots():
    lv = base_level()
    add_vm(lv, "a", vcpu=1, load=0.25)
    lv["hosts"][0]["boot_s"] = 120
    lv["events"] = [
        {"at": 60, "kind": "host_failure", "host": "esx-01"},
        {"at": 200, "kind": "host_recover", "host": "esx-01"},
    ]
    sim = Simulation(build(lv))
    sim.run_until(61)
    assert sim.inv.hosts["esx-01"].state == "failed"
    assert sim.inv.vms["a"].power == "off"
    sim.run_until(250)
    assert sim.inv.hosts["esx-01"].state == "booting"
    sim.run_until(321)
    assert sim.inv.hosts["esx-01"].state == "on"
    assert sim.inv.vms["a"].power == "off"  # no HA here: VMs stay down until the player acts
    kinds = [r.kind for r in sim.log]
    assert kinds[:3] == ["host_failed", "host_recovering", "host_on"]


def test_uplink_down_cuts_only_vlans_without_another_path():
    lv = base_level()
    lv["hosts"][0]["nics"] = [{"name": "vmnic0"}, {"name": "vmnic1", "vlans": [10]}]
    add_vm(lv, "a", vcpu=1, load=0.25)
    lv["events"] = [
        {"at": 50, "kind": "uplink_down", "host": "esx-01", "uplink": "vmnic0", "duration": 100}
    ]
    sim = Simulation(build(lv))
    sim.run_until(45)
    assert bool(sim.sampler.vm_reachable[0])
    sim.run_until(55)
    assert not bool(sim.sampler.vm_reachable[0])
    assert any(r.kind == "vlan_cut" and "a" in r.detail for r in sim.log)
    sim.run_until(600)
    assert bool(sim.sampler.vm_reachable[0])
    assert float(sim.sampler.vm_downtime[0]) == pytest.approx(100.0)


def test_datastore_fill_raises_alarms_and_pauses_thin_writers():
    lv = base_level()
    lv["profiles"][0]["write_mbps"] = 50
    add_vm(lv, "a", vcpu=1, memory=4, disks=[{"datastore": "ds-1", "size": 400, "used": 100}])
    # 2,000 GiB: 100 used by the disk + 4 swap. Fill 1,500 → 80.2 % (warning); 300 more: full.
    lv["events"] = [
        {"at": 60, "kind": "datastore_fill", "datastore": "ds-1", "gib": 1500},
        {"at": 120, "kind": "datastore_fill", "datastore": "ds-1", "gib": 396},
    ]
    sim = Simulation(build(lv))
    sim.run_until(100)
    # 1,500 + 100 (disk) + 4 (swap) of 2,000, plus what the thin disk grew (0.22 GiB).
    assert sim.inv.datastores["ds-1"].pct == pytest.approx(100 * (1604 + 50 * 95 * 0.05 / MB_PER_GIB) / 2000, abs=0.001)
    sim.run_until(300)
    kinds = [r.kind for r in sim.log if r.kind.startswith("datastore_")]
    assert kinds == ["datastore_fill", "datastore_warning", "datastore_fill", "datastore_full"]
    assert bool(sim.sampler.vm_paused[0])
    assert not bool(sim.sampler.vm_healthy[0])


def test_thin_disk_grows_with_writes():
    lv = base_level()
    lv["profiles"][0]["write_mbps"] = 100
    add_vm(lv, "a", vcpu=1, disks=[{"datastore": "ds-1", "size": 400, "used": 100}])
    sim = Simulation(build(lv))
    sim.run_until(600)
    # 100 MB/s × 600 s × 5 % new blocks / 1,073.7 MB per GiB = 2.79 GiB
    assert sim.sampler.disk_used[0] == pytest.approx(100 + 100 * 600 * 0.05 / MB_PER_GIB)


def test_bad_change_breaks_until_fixed_and_message_logged():
    lv = base_level()
    add_vm(lv, "a", vcpu=1, load=0.25)
    lv["events"] = [
        {"at": 30, "kind": "bad_change", "vm": "a", "duration": 60, "warning": 20},
        {"at": 10, "kind": "message", "text": "Patch night."},
    ]
    sim = Simulation(build(lv))
    sim.run_until(600)
    assert [(r.t, r.kind) for r in sim.log][:4] == [
        (10.0, "warning"), (10.0, "message"), (30.0, "bad_change"), (90.0, "bad_change_fixed"),
    ]
    assert float(sim.sampler.vm_downtime[0]) == pytest.approx(60.0)


def test_incidents_drawn_up_front_and_independent_of_each_other():
    lv = base_level(duration=36000)
    add_vm(lv, "a", vcpu=1, load=0.25)
    lv["incidents"] = [{"kind": "load_spike", "rate_per_hour": 2}]
    first = [a.t for a in Simulation(build(lv)).timeline]
    lv["incidents"].append({"kind": "bad_change", "rate_per_hour": 1})
    both = Simulation(build(lv)).timeline
    assert [a.t for a in both if a.op.startswith("load_spike")] == first
    assert len(first) >= 20  # ~2 per hour over 10 h, each with its end


def test_histories_are_fixed_size():
    t = TableRing(2, ["a"])
    t.append(["a"], [1.0])
    t.append(["a", "b"], [2.0, 5.0])
    t.append(["a", "b"], [3.0, 6.0])
    assert t.series("a") == [2.0, 3.0] and t.series("b") == [5.0, 6.0] and t.series("x") == []
    sim = Simulation(generate("small", 1))
    sim.run_until(sim.duration)
    assert len(sim.history) == 240
    assert len(sim.coarse.series("power_kw")) == sim.duration // 60 + 1


def test_a_view_is_a_frozen_copy_with_reasons():
    lv = base_level()
    add_vm(lv, "a", vcpu=1, load=0.25)
    add_vm(lv, "b", vcpu=1, load=0.25, power="off")
    lv["services"] = [{"name": "svc", "tiers": [{"name": "t", "vms": ["a", "b"]}]}]
    lv["events"] = [{"at": 100, "kind": "bad_change", "vm": "a"}]
    sim = Simulation(build(lv))
    sim.run_until(60)
    view = sim.view()
    assert view.vms.names == ("a", "b")
    assert view.vms.power == ("on", "off")
    assert view.vms.reasons == ("", "powered off")
    assert view.services[0].up and view.services[0].tiers[0].up
    assert view.hosts[0].vm_count == 1 and view.hosts[0].state == "on"
    assert view.hosts[0].vswitches[0].portgroups[0].carried
    # Samples at 0, 5, …, 55: the one at t = 60 comes after anything submitted at 60.
    assert len(view.hosts[0].cpu_history) == 12
    sim.run_until(200)
    assert view.vms.reasons == ("", "powered off")  # the old view did not move
    later = sim.view()
    assert later.vms.reasons == ("broken by a bad change", "powered off")
    assert not later.services[0].up
    # Down since 100, accounted up to the last sample (195): 95 s of 195.
    assert later.services[0].uptime == pytest.approx(1 - 95 / 195)
    with pytest.raises(AttributeError):
        later.t = 0  # type: ignore[misc]


def test_the_view_cache_is_the_renderers_and_reuses_what_did_not_change():
    import copy

    from vdc.sim.view import ViewCache

    lv = base_level()
    add_vm(lv, "a", vcpu=1, load=0.25)
    lv["events"] = [{"at": 100, "kind": "uplink_down", "host": "esx-01", "uplink": "vmnic0"}]
    sim = Simulation(build(lv))
    # not model state: not in checkpoints (the digest's cache pickles empty: test_digest_cache_*)
    assert not any(isinstance(v, ViewCache) for v in vars(sim).values())
    assert not any("cache" in name for name in vars(sim) if name != "digest_cache")
    cache = ViewCache()
    sim.run_until(60)
    first, again = sim.view(cache), sim.view(cache)
    assert again.hosts[0].vswitches is first.hosts[0].vswitches  # the network did not change
    assert sim.view().hosts[0].vswitches is not first.hosts[0].vswitches  # no cache: built anew
    sim.run_until(200)  # the uplink went down: the network views are rebuilt
    later = sim.view(cache)
    assert later.hosts[0].vswitches is not first.hosts[0].vswitches
    assert [u.up for u in later.hosts[0].uplinks] == [False, True]
    # A copy of the run (a replay checkpoint) is another simulation: the cache starts over.
    twin = copy.deepcopy(sim)
    assert twin.view(cache).hosts == twin.view().hosts
    assert sim.view(cache).hosts[0].vswitches is not later.hosts[0].vswitches


def test_a_view_at_0_00_00_before_any_sample_shows_what_runs_and_what_is_down():
    """Issue 12 bug 8: paused at the start, hosts said "VMs 0 · 0 W" and a service that is
    down showed 100 % uptime."""
    lv = base_level()
    lv["hosts"].append(dict(lv["hosts"][0], name="esx-02", state="off"))
    add_vm(lv, "a", vcpu=1, load=0.25)
    add_vm(lv, "b", vcpu=1, load=0.25)
    add_vm(lv, "c", vcpu=1, load=0.25, power="off")
    lv["services"] = [{"name": "up", "tiers": [{"name": "t", "vms": ["a"]}]},
                      {"name": "down", "tiers": [{"name": "t", "vms": ["c"]}]}]
    sim = Simulation(build(lv))
    view = sim.view()
    assert sim.sampler.samples == 0
    on, off = view.hosts
    assert (on.vm_count, off.vm_count) == (2, 0)
    assert on.power_w == lv["hosts"][0].get("power_idle", on.power_w) and on.power_w > 0
    assert off.power_w == 0
    up, down = view.services
    assert (up.up, up.uptime) == (True, 1.0) and (down.up, down.uptime) == (False, 0.0)


def test_a_service_down_from_the_start_is_logged_at_the_first_sample():
    """Level 01 starts with the intranet's VMs off: the log says so at 0:00:00, naming both tiers."""
    from vdc.scenario.loader import load_level
    from vdc.scenario.paths import find_level

    sim = Simulation(load_level(find_level("01-first-light")).level)
    sim.run_until(1)
    down = [r for r in sim.log if r.kind == "service_down"]
    assert [(r.t, r.subject) for r in down] == [(0.0, "intranet")]
    assert down[0].detail.endswith("tiers web and db have no healthy VM")
    assert not [r for r in sim.log if r.kind == "service_down" and r.subject != "intranet"]
