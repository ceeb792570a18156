"""vSAN: datastores from hosts' disks, storage policies and their space, `vm policy`."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.conftest import add_vm, base_level, build
from vdc.scenario import vsan_rules
from vdc.scenario.checks import CheckError, check_level
from vdc.sim.commands import parse
from vdc.sim.dispatch import execute
from vdc.sim.engine import Simulation
from vdc.sim.units import seconds
from vdc.sim.vsan import maintenance_modes


def vsan_level(n_hosts: int = 4, disks: list[float] | None = None, **meta: Any) -> dict[str, Any]:
    """esx-01 … esx-N in cluster prod, each giving two 1,000 GiB devices to vsan-ds (vcf)."""
    lv = base_level(**({"edition": "vcf", "duration": 3 * 3600} | meta))
    lv["clusters"] = [{"name": "prod"}]
    h0 = lv["hosts"][0]
    h0["cluster"] = "prod"
    h0["vsan_disks"] = disks if disks is not None else [1000, 1000]
    for k in range(2, n_hosts + 1):
        h = copy.deepcopy(h0)
        h["name"] = f"esx-{k:02d}"
        lv["hosts"].append(h)
    lv["datastores"] = [{"name": "vsan-ds", "type": "vsan", "hosts": ["esx-*"]}]
    lv["profiles"][0]["cpu"] = 500
    return lv


def vm_on_vsan(lv: dict[str, Any], name: str = "db-01", size: float = 100, **kw: Any) -> None:
    add_vm(lv, name, **({"power": "off"} | kw), disks=[{"datastore": "vsan-ds", "size": size, "thin": False}])


def run(sim: Simulation, text: str):
    return execute(sim, parse(text))


# --------------------------------------------------------------------------- policy math


@pytest.mark.parametrize(("ftt", "raid", "raw", "hosts"), [
    (0, "raid1", 100, 1), (1, "raid1", 200, 3), (2, "raid1", 300, 5), (3, "raid1", 400, 7),
    (1, "raid5", 133.33, 4), (2, "raid6", 150, 6),
])
def test_capacity_for_100_gib_under_each_policy(ftt, raid, raw, hosts):
    assert 100 * vsan_rules.factor(ftt, raid) == pytest.approx(raw, abs=0.01)
    assert vsan_rules.hosts_needed(ftt, raid) == hosts


def test_policy_errors():
    assert vsan_rules.policy_error(2, "raid5") is not None
    assert vsan_rules.policy_error(1, "raid6") is not None
    assert vsan_rules.policy_error(1, "raid5") is None


# --------------------------------------------------------------------------- datastores


def test_raw_capacity_is_the_sum_of_the_hosts_devices_and_a_vm_takes_two_copies():
    lv = vsan_level()
    vm_on_vsan(lv)
    sim = Simulation(build(lv))
    ds = sim.inv.datastores["vsan-ds"]
    assert ds.capacity == 8000
    assert sim.datastore_used("vsan-ds") == pytest.approx(200)  # FTT 1 RAID-1: 2 × 100 GiB
    sim.run_until(30)
    assert ds.used == pytest.approx(200)  # the sampler agrees
    o = sim.vsan.objects["db-01@vsan-ds"]
    assert len({c.host for c in o.components}) == 3  # 2 replicas + witness on 3 hosts
    assert sorted(c.weight for c in o.components) == [0, 1, 1]


def test_running_vm_swap_file_takes_copies_too():
    lv = vsan_level()
    vm_on_vsan(lv)
    lv["vms"][0]["power"] = "on"
    sim = Simulation(build(lv))
    assert sim.datastore_used("vsan-ds") == pytest.approx(2 * (100 + 8))


def test_a_level_vsan_datastore_with_only_capacity_spreads_it_over_its_hosts():
    lv = vsan_level(disks=[])
    lv["datastores"][0]["capacity"] = 3000
    vm_on_vsan(lv)
    check_level(build(lv))
    sim = Simulation(build(lv))
    assert sim.inv.datastores["vsan-ds"].devices == {f"esx-0{k}": [750.0] for k in range(1, 5)}
    assert sim.datastore_used("vsan-ds") == pytest.approx(200)


def test_level_refuses_vsan_below_its_default_policys_hosts():
    lv = vsan_level(n_hosts=2)
    with pytest.raises(CheckError, match="FTT 1 RAID-1 needs 3 hosts"):
        check_level(build(lv))
    lv = vsan_level(n_hosts=4)
    lv["datastores"][0] |= {"ftt": 2, "raid": "raid6"}
    with pytest.raises(CheckError, match="needs 6 hosts"):
        check_level(build(lv))


def test_level_refuses_capacity_beside_disks_and_disks_without_vsan():
    lv = vsan_level()
    lv["datastores"][0]["capacity"] = 100
    with pytest.raises(CheckError, match="leave capacity out"):
        check_level(build(lv))
    lv = vsan_level()
    lv["datastores"][0]["hosts"] = ["esx-01", "esx-02", "esx-03"]
    with pytest.raises(CheckError, match="no vsan datastore names it"):
        check_level(build(lv))


def test_level_over_full_counts_the_copies():
    lv = vsan_level(n_hosts=3, disks=[100])
    vm_on_vsan(lv, size=160)  # 160 GiB fits the 300 GiB raw once, not twice
    with pytest.raises(CheckError, match="320 GiB raw"):
        check_level(build(lv))


# --------------------------------------------------------------------------- vm policy


def test_vm_policy_raid5_resyncs_then_takes_one_third_more():
    lv = vsan_level()
    vm_on_vsan(lv)
    sim = Simulation(build(lv))
    v = run(sim, "vm policy db-01 ftt 1 raid5")
    assert v.accepted, v.message
    task = sim.tasks.active("vsan_resync")[0]
    # Four 33.3 GiB components, one per host, written at 400 MB/s in parallel.
    assert task.ends_at == pytest.approx(seconds(100 / 3, 400))
    assert sim.datastore_used("vsan-ds") == pytest.approx(200 + 133.333, abs=0.01)  # both held
    sim.run_until(120)
    o = sim.vsan.objects["db-01@vsan-ds"]
    assert (o.ftt, o.raid, o.pending) == (1, "raid5", None)
    assert len({c.host for c in o.components}) == 4
    assert sim.datastore_used("vsan-ds") == pytest.approx(133.333, abs=0.01)
    assert sim.inv.datastores["vsan-ds"].used == pytest.approx(133.333, abs=0.01)
    assert task.state == "done"


def test_vm_policy_refused_below_the_host_counts():
    lv = vsan_level()
    vm_on_vsan(lv)
    sim = Simulation(build(lv))
    v = run(sim, "vm policy db-01 ftt 2 raid6")
    assert not v.accepted and "FTT 2 RAID-6 needs 6 hosts" in v.message and "only 4" in v.message
    v = run(sim, "vm policy db-01 ftt 2")
    assert not v.accepted and "needs 5 hosts" in v.message
    assert not run(sim, "vm policy db-01 ftt 2 raid5").accepted
    assert not run(sim, "vm policy db-01 ftt 1").accepted  # already its policy


def test_vm_policy_keeps_30_percent_slack_and_warns_above_80():
    lv = vsan_level()
    vm_on_vsan(lv, size=2000)  # 4,000 GiB raw of 8,000 at FTT 1
    sim = Simulation(build(lv))
    v = run(sim, "vm policy db-01 ftt 3")
    assert not v.accepted and "needs 7 hosts" in v.message
    lv2 = vsan_level(n_hosts=5)
    vm_on_vsan(lv2, size=2100)  # 4,200 of 10,000 raw
    sim = Simulation(build(lv2))
    v = run(sim, "vm policy db-01 ftt 2")  # 6,300 = 63 % after, but 10,500 while copying
    assert not v.accepted and "has 5800 GiB free" in v.message and "needs 6300 GiB" in v.message
    lv3 = vsan_level(n_hosts=5, disks=[1000, 1000, 1000])
    vm_on_vsan(lv3, size=2000)  # 4,000 of 15,000 raw
    sim = Simulation(build(lv3))
    v = run(sim, "vm policy db-01 ftt 2")  # 6,000 = 40 % after; 10,000 = 67 % while copying
    assert v.accepted, v.message
    lv4 = vsan_level(n_hosts=5, disks=[1000, 1000, 1000])
    vm_on_vsan(lv4, size=3000)  # 6,000 of 15,000
    sim = Simulation(build(lv4))
    v = run(sim, "vm policy db-01 ftt 2")  # 9,000 = 60 %; 15,000 while copying: 100 %
    assert v.accepted and "100 % full until the old copies are freed" in v.message
    lv5 = vsan_level(n_hosts=5, disks=[1000, 1000, 1000])
    vm_on_vsan(lv5, size=3600)  # 7,200 → 10,800 = 72 %
    sim = Simulation(build(lv5))
    v = run(sim, "vm policy db-01 ftt 2")
    assert not v.accepted and "72 % full" in v.message and "keeps 30 % free" in v.message


def test_vm_policy_needs_the_vsan_licence_and_a_vsan_disk():
    lv = vsan_level(edition="enterprise-plus")
    vm_on_vsan(lv)
    sim = Simulation(build(lv))
    v = run(sim, "vm policy db-01 ftt 1 raid5")
    assert not v.accepted and "does not include vSAN" in v.message and "vcf" in v.message
    lv = vsan_level()
    lv["datastores"].append({"name": "ds-1", "capacity": 2000})
    add_vm(lv, "web-01", power="off")
    sim = Simulation(build(lv))
    v = run(sim, "vm policy web-01 ftt 1")
    assert not v.accepted and "no disk on a vSAN datastore" in v.message


# --------------------------------------------------------------------------- failures


def _replica_hosts(sim: Simulation, vm: str = "db-01") -> list[str]:
    o = sim.vsan.objects[f"{vm}@vsan-ds"]
    return [c.host for c in o.components if c.weight > 0]


def _log(sim: Simulation, kind: str) -> list[tuple[float, str]]:
    return [(e.t, e.detail) for e in sim.log if e.kind == kind]


def failing(n_hosts: int, events: list[dict[str, Any]], *, power: str = "on") -> Simulation:
    lv = vsan_level(n_hosts=n_hosts)
    vm_on_vsan(lv)
    lv["vms"][0]["power"] = power
    lv["vms"][0]["host"] = f"esx-{n_hosts:02d}"
    lv["events"] = events
    return Simulation(build(lv))


def test_host_loss_rebuilds_at_plus_3600_s_on_the_spare_host():
    sim = failing(4, [{"at": 100, "kind": "host_failure", "host": "esx-01"}])
    assert _replica_hosts(sim) == ["esx-01", "esx-02"]
    sim.run_until(101)
    o = sim.vsan.objects["db-01@vsan-ds"]
    assert [c.state for c in o.components] == ["absent", "active", "active"]
    assert sim.inv.datastores["vsan-ds"].capacity == 6000  # esx-01's 2,000 GiB are gone
    assert sim.datastore_used("vsan-ds") == pytest.approx(108)  # one copy of 100 + 8 GiB swap
    sim.run_until(3699)
    assert not _log(sim, "vsan_rebuild_started")
    sim.run_until(3701)
    (t, text), = _log(sim, "vsan_rebuild_started")
    assert t == 3700 and "on esx-04" in text
    task = sim.tasks.active("vsan_resync")[0]
    assert task.ends_at == pytest.approx(3700 + seconds(108, 400))
    sim.run_until(4000)
    assert sorted(c.host for c in o.components) == ["esx-02", "esx-03", "esx-04"]
    assert all(c.state == "active" for c in o.components)
    assert sim.datastore_used("vsan-ds") == pytest.approx(216)


def test_a_quick_return_resyncs_only_the_delta_and_never_rebuilds():
    sim = failing(4, [{"at": 100, "kind": "host_failure", "host": "esx-01", "duration": 600}])
    sim.run_until(700 + 180 + 1)  # back at 700, booted 180 s later
    o = sim.vsan.objects["db-01@vsan-ds"]
    c = o.components[0]
    assert c.host == "esx-01" and c.state in ("resyncing", "active")
    (t, _), = _log(sim, "vsan_resync_started")
    assert t == 880
    sim.run_until(3 * 3600)
    assert not _log(sim, "vsan_rebuild_started")
    assert all(x.state == "active" for x in o.components)
    assert [x.host for x in o.components] == ["esx-01", "esx-02", "esx-03"]


def test_the_delta_is_the_writes_missed_while_away():
    lv = vsan_level()
    vm_on_vsan(lv)
    lv["vms"][0] |= {"power": "on", "host": "esx-04"}
    lv["profiles"][0]["write_mbps"] = 10
    lv["events"] = [{"at": 100, "kind": "host_failure", "host": "esx-01", "duration": 600}]
    sim = Simulation(build(lv))
    sim.run_until(881)
    task = [k for k in sim.tasks.tasks if k.kind == "vsan_resync"][0]
    missed = 10 * 780 / 1073.741824  # 10 MB/s for 780 s, in GiB
    assert task.ends_at - task.started_at == pytest.approx(seconds(missed, 400))


def test_three_hosts_never_rebuild_after_a_host_loss():
    sim = failing(3, [{"at": 100, "kind": "host_failure", "host": "esx-01"}])
    sim.run_until(3 * 3600)
    assert not _log(sim, "vsan_rebuild_started")
    (t, text), = _log(sim, "vsan_rebuild_blocked")
    assert t == 3700 and "no spare host" in text
    o = sim.vsan.objects["db-01@vsan-ds"]
    assert [c.state for c in o.components] == ["absent", "active", "active"]
    assert sim.inv.vms["db-01"].power == "on"  # reduced availability, still running


def test_overlapping_failures_beyond_ftt_make_the_data_inaccessible():
    sim = failing(4, [{"at": 100, "kind": "host_failure", "host": "esx-01"},
                      {"at": 200, "kind": "host_failure", "host": "esx-02"}])
    sim.run_until(201)
    vm = sim.inv.vms["db-01"]
    assert vm.power == "off"  # it ran on esx-04: its data is gone from under it
    (t, text), = _log(sim, "vsan_object_inaccessible")
    assert t == 200 and "data loss" in text
    assert sim.vsan.inaccessible_at == [(200.0, "db-01")]
    v = run(sim, "power on db-01")
    assert not v.accepted and "inaccessible" in v.message
    sim.run_until(3 * 3600)
    assert not _log(sim, "vsan_rebuild_started")  # nothing in sync to copy from


def test_inaccessible_data_comes_back_with_its_host():
    sim = failing(4, [{"at": 100, "kind": "host_failure", "host": "esx-01"},
                      {"at": 200, "kind": "host_failure", "host": "esx-02", "duration": 300}])
    sim.run_until(200 + 300 + 180 + 1)
    assert _log(sim, "vsan_object_accessible")[0][0] == 680
    assert run(sim, "power on db-01").accepted


def test_ha_does_not_restart_a_vm_whose_data_is_inaccessible():
    lv = vsan_level()
    vm_on_vsan(lv)
    lv["clusters"][0]["ha"] = {"enabled": True}
    lv["vms"][0] |= {"power": "on", "host": "esx-02"}
    lv["events"] = [{"at": 100, "kind": "host_failure", "host": "esx-01"},
                    {"at": 200, "kind": "host_failure", "host": "esx-02"}]
    sim = Simulation(build(lv))
    sim.run_until(600)
    assert sim.inv.vms["db-01"].power == "off"
    (_, text), = _log(sim, "ha_restart_failed")
    assert "inaccessible" in text


def test_disk_failure_degrades_and_rebuilds_at_once_even_on_three_hosts():
    lv = vsan_level(n_hosts=3)
    vm_on_vsan(lv)
    lv["events"] = [{"at": 100, "kind": "disk_failure", "host": "esx-01"}]
    sim = Simulation(build(lv))
    o = sim.vsan.objects["db-01@vsan-ds"]
    assert o.components[0].device == 0  # the first device of esx-01
    sim.run_until(101)
    assert sim.inv.datastores["vsan-ds"].capacity == 5000
    assert [c.state for c in o.components][:3] == ["degraded", "active", "active"]
    (t, text), = _log(sim, "vsan_rebuild_started")
    assert t == 100 and "on esx-01" in text  # its other device: no other host is free of a copy
    sim.run_until(100 + seconds(100, 400) + 1)
    assert [(c.host, c.device, c.state) for c in o.components] == [
        ("esx-02", o.components[0].device, "active"), ("esx-03", o.components[1].device, "active"),
        ("esx-01", 1, "active")]


def test_level_refuses_disk_failure_on_a_host_without_vsan_disks():
    lv = vsan_level()
    lv["events"] = [{"at": 100, "kind": "disk_failure", "host": "esx-01", "device": 3}]
    with pytest.raises(CheckError, match="esx-01 has 2 vsan_disks"):
        check_level(build(lv))


def test_config_vsan_data_safe_names_the_data_loss():
    events = [{"at": 100, "kind": "host_failure", "host": "esx-01"},
              {"at": 200, "kind": "host_failure", "host": "esx-02", "duration": 300}]
    lv = vsan_level()
    vm_on_vsan(lv)
    lv["vms"][0] |= {"power": "on", "host": "esx-04"}
    lv["events"] = events
    lv["objectives"] = [{"id": "safe", "kind": "config", "check": "vsan_data_safe"}]
    level = build(lv)
    check_level(level)
    sim = Simulation(level)
    assert sim.assess(level.objectives[0]) == (True, "none lost", "none lost")
    sim.run_until(1000)  # accessible again at 680, but it was lost meanwhile
    assert sim.assess(level.objectives[0]) == (False, "1 VM lost data (db-01)", "none lost")


def test_a_copy_taken_during_a_rebuild_and_any_slicing_give_the_same_digests():
    events = [{"at": 100, "kind": "host_failure", "host": "esx-01"},
              {"at": 5000, "kind": "disk_failure", "host": "esx-02", "device": 2},
              {"at": 6000, "kind": "datastore_apd", "datastore": "vsan-ds", "host": "esx-03",
               "duration": 100}]
    a = failing(4, events)
    a.run_until(3800)
    b = copy.deepcopy(a)
    a.run_until(3 * 3600)
    for t in range(3800, 3 * 3600 + 1, 777):
        b.run_until(t)
    b.run_until(3 * 3600)
    assert a.digests == b.digests
    c = failing(4, events)
    c.run_until(3 * 3600)
    assert c.digests == a.digests


def test_storage_vmotion_to_vsan_needs_the_licence_and_room_for_the_copies():
    lv = vsan_level(n_hosts=3, disks=[100])  # 300 GiB raw
    lv["datastores"].append({"name": "ds-1", "capacity": 2000})
    add_vm(lv, "web-01", power="off", disks=[{"datastore": "ds-1", "size": 120, "thin": False}])
    sim = Simulation(build(lv))
    assert run(sim, "svmotion web-01 vsan-ds").accepted  # 240 GiB raw of 300
    sim.run_until(300)
    assert sim.datastore_used("vsan-ds") == pytest.approx(240)
    o = sim.vsan.objects["web-01@vsan-ds"]  # laid out at the sample after the copy
    assert (o.ftt, o.raid, len(o.components)) == (1, "raid1", 3)
    lv["level"]["edition"] = "enterprise-plus"
    sim = Simulation(build(lv))
    v = run(sim, "svmotion web-01 vsan-ds")
    assert not v.accepted and "does not include vSAN" in v.message
    lv["level"]["edition"] = "vcf"
    lv["vms"][0]["disks"][0]["size"] = 160
    sim = Simulation(build(lv))
    v = run(sim, "svmotion web-01 vsan-ds")
    assert not v.accepted and v.message == "vsan-ds has 300 GiB free, web-01's disks need 320 GiB"


@pytest.mark.parametrize("cid", ["shared-storage", "hci", "vsan", "apd-pdl"])
def test_storage_concept_notes_have_a_number_and_a_command(cid):
    import re

    from vdc.concepts import CONCEPTS

    title, text = CONCEPTS[cid]
    assert title and "\n" not in text and "  " not in text and 250 <= len(text) <= 650
    assert re.search(r"\d", text) and re.search(r"`[a-z]+ [^`]*`", text)


def test_a_device_failure_pauses_the_io_of_its_objects_for_6_s():
    lv = vsan_level(n_hosts=3, sample_interval=2)
    vm_on_vsan(lv, power="on", host="esx-03")
    lv["events"] = [{"at": 100, "kind": "disk_failure", "host": "esx-01"}]
    sim = Simulation(build(lv))
    s = sim.sampler
    sim.run_until(99)
    assert s.vm_healthy[0]
    sim.run_until(105)
    assert not s.vm_healthy[0]  # 100 … 106: paused
    sim.run_until(109)
    assert s.vm_healthy[0]
    assert s.vm_downtime[0] == pytest.approx(6)


def test_alarms_for_reduced_availability_and_inaccessible_data():
    from vdc.session.alarms import active_alarms

    sim = failing(3, [{"at": 100, "kind": "host_failure", "host": "esx-01"},
                      {"at": 5000, "kind": "host_failure", "host": "esx-02"}])
    sim.run_until(1000)
    (alarm,) = [a for a in active_alarms(sim.view()) if a.key.startswith("vsan:")]
    assert alarm.text == "vSAN vsan-ds: 1 object(s) with reduced availability (1 absent) — rebuild in 45 min"
    assert alarm.fix.startswith("bring the host back before the delay ends")  # not "power on a spare"
    sim.run_until(4000)
    (alarm,) = [a for a in active_alarms(sim.view()) if a.key.startswith("vsan:")]
    assert alarm.text.endswith("— cannot rebuild") and "host power on HOST" in alarm.fix
    sim.run_until(5001)
    crit = [a for a in active_alarms(sim.view()) if a.key == "vsan:vsan-ds:inaccessible"]
    assert crit and crit[0].severity == "critical"


def test_disk_failure_incidents_hit_vsan_devices_from_their_own_stream():
    lv = vsan_level(n_hosts=4)
    lv["datastores"].append({"name": "ds-1", "capacity": 2000, "hosts": ["esx-01"]})
    lv["incidents"] = [{"kind": "disk_failure", "rate_per_hour": 2}]
    level = build(lv)
    check_level(level)
    a, b = Simulation(level), Simulation(level)
    hits = [(x.t, x.params["host"], x.params["device"]) for x in a.timeline if x.op == "disk_failure"]
    assert hits and hits == [(x.t, x.params["host"], x.params["device"]) for x in b.timeline
                             if x.op == "disk_failure"]
    assert all(d in (1, 2) for _, _, d in hits)
    a.run_until(3 * 3600)
    assert len(_log(a, "vsan_device_failed")) == len(set((h, d) for _, h, d in hits))


def test_a_rebuild_competes_with_the_guests_io():
    lv = vsan_level()
    lv["datastores"][0]["mbps"] = 1000
    vm_on_vsan(lv, power="on", host="esx-04")
    lv["events"] = [{"at": 100, "kind": "host_failure", "host": "esx-01"}]
    sim = Simulation(build(lv))
    sim.run_until(3650)
    calm = sim.sampler.ds_latency[0]
    sim.run_until(3750)  # esx-04 writes 108 GiB at 400 MB/s: 40 % of the datastore's MB/s
    assert sim.sampler.ds_util[0] == pytest.approx(0.4, abs=0.01)
    assert sim.sampler.ds_latency[0] == pytest.approx(calm / (1 - 0.4), rel=0.05)
    sim.run_until(4100)
    assert sim.sampler.ds_latency[0] == pytest.approx(calm)


def test_the_sandbox_can_be_built_on_vsan():
    from vdc.scenario.sandbox import generate

    vmfs, vsan = generate("small", 3), generate("small", 3, storage="vsan")
    check_level(vsan)
    assert vsan.level.id == "sandbox-small-3-vsan" and vsan.level.edition == "vcf"
    assert [(d.name, d.type) for d in vsan.datastores] == [("vsan-01", "vsan")]
    assert {d.datastore for v in vsan.vms for d in v.disks} == {"vsan-01"}
    assert vsan.incidents[-1].kind == "disk_failure"
    # The rest is the same datacenter, and the same draws.
    assert [(v.name, v.host, v.load) for v in vsan.vms] == [(v.name, v.host, v.load) for v in vmfs.vms]
    sim = Simulation(vsan)
    assert sim.inv.datastores["vsan-01"].capacity == 8 * 4 * 3840
    sim.run_until(600)
    assert all(len(o.components) == 3 for o in sim.vsan.objects.values())
    with pytest.raises(ValueError, match="unknown sandbox storage"):
        generate("small", 1, storage="nfs")


def test_a_vsan_resync_cannot_be_cancelled():
    lv = vsan_level()
    vm_on_vsan(lv)
    sim = Simulation(build(lv))
    assert run(sim, "vm policy db-01 ftt 1 raid5").accepted
    v = run(sim, "task cancel 1")
    assert not v.accepted and "a vSAN resync cannot be cancelled" in v.message


# --------------------------------------------------------------------------- maintenance modes


def test_full_evacuation_copies_off_first_and_keeps_the_object_compliant():
    sim = failing(4, [])
    v = run(sim, "maintenance enter esx-01 --vsan full-evacuation")
    assert v.accepted and "entering maintenance mode" in v.message
    task = sim.tasks.active("vsan_resync")[0]
    assert task.target == "esx-04" and task.ends_at == pytest.approx(seconds(108, 400))
    sim.run_until(280)
    assert sim.inv.hosts["esx-01"].state == "on"  # still copying
    v = next(d.vsan for d in sim.view().datastores if d.vsan is not None)
    assert (v.compliant, v.reduced, v.resyncing) == (1, 0, 1)  # a copy beside a whole layout
    sim.run_until(400)
    assert sim.inv.hosts["esx-01"].state == "maintenance"
    o = sim.vsan.objects["db-01@vsan-ds"]
    assert sorted((c.host, c.state) for c in o.components) == [
        ("esx-02", "active"), ("esx-03", "active"), ("esx-04", "active")]
    assert sim.inv.datastores["vsan-ds"].capacity == 6000


def test_full_evacuation_is_refused_on_three_hosts():
    sim = failing(3, [])
    v = run(sim, "maintenance enter esx-01 --vsan full-evacuation")
    assert not v.accepted and "every other host up already holds a component" in v.message
    assert "3-host clusters allow only that" in v.message


def test_ensure_accessibility_leaves_copies_absent_and_resyncs_on_exit():
    sim = failing(3, [])
    v = run(sim, "maintenance enter esx-01")  # the default on a vSAN host
    assert v.accepted and "1 VM(s)' vSAN data with reduced availability" in v.message
    sim.run_until(20)
    assert sim.inv.hosts["esx-01"].state == "maintenance"
    o = sim.vsan.objects["db-01@vsan-ds"]
    assert [c.state for c in o.components] == ["absent", "active", "active"]
    assert run(sim, "maintenance exit esx-01").accepted
    assert o.components[0].state in ("resyncing", "active")
    sim.run_until(600)
    assert [c.state for c in o.components] == ["active", "active", "active"]


def _ftt0(n_hosts: int = 3) -> Simulation:
    lv = vsan_level(n_hosts=n_hosts)
    lv["datastores"][0]["ftt"] = 0
    vm_on_vsan(lv, power="on", host=f"esx-{n_hosts:02d}")
    return Simulation(build(lv))


def test_ensure_accessibility_moves_an_only_copy_first():
    sim = _ftt0()
    assert [c.host for c in sim.vsan.objects["db-01@vsan-ds"].components] == ["esx-01"]
    assert run(sim, "maintenance enter esx-01 --vsan ensure-accessibility").accepted
    sim.run_until(400)
    o = sim.vsan.objects["db-01@vsan-ds"]
    assert [(c.host, c.state) for c in o.components] == [("esx-02", "active")]
    assert sim.inv.hosts["esx-01"].state == "maintenance" and sim.inv.vms["db-01"].power == "on"


def test_no_data_migration_loses_an_only_copy():
    sim = _ftt0()
    v = run(sim, "maintenance enter esx-01 --vsan no-data-migration")
    assert v.accepted and "data of db-01 inaccessible (no other copy)" in v.message
    sim.run_until(20)
    assert sim.inv.vms["db-01"].power == "off"
    assert _log(sim, "vsan_object_inaccessible")


def test_a_vsan_mode_on_a_host_without_vsan_disks_is_refused():
    lv = vsan_level()
    lv["hosts"].append(copy.deepcopy(lv["hosts"][0]) | {"name": "esx-05", "vsan_disks": []})
    sim = Simulation(build(lv))
    v = run(sim, "maintenance enter esx-05 --vsan full-evacuation")
    assert not v.accepted and "gives no disks to vSAN" in v.message
    assert run(sim, "maintenance enter esx-05").accepted


def test_the_modes_the_maintenance_dialog_offers():
    """Per mode: copies, GiB, time at the targets' rebuild MB/s, what stays at risk, refusals."""
    rows = {r.mode: r for r in maintenance_modes(failing(4, []), "esx-01")}
    full = rows["full-evacuation"]
    assert (full.refusal, full.copies, full.gib, full.risk) == ("", 1, 108, "")
    assert full.duration_s == pytest.approx(seconds(108, 400))
    ensure = rows["ensure-accessibility"]
    assert (ensure.copies, ensure.risk) == (
        0, "1 VM(s)' vSAN data with reduced availability while it is in maintenance")
    rows = {r.mode: r for r in maintenance_modes(failing(3, []), "esx-01")}
    assert "every other host up already holds a component" in rows["full-evacuation"].refusal
    assert rows["ensure-accessibility"].refusal == ""
    # FTT 0: ensure-accessibility copies the only copy (nothing left at risk); no-data-migration loses it.
    rows = {r.mode: r for r in maintenance_modes(_ftt0(), "esx-01")}
    assert (rows["ensure-accessibility"].copies, rows["ensure-accessibility"].risk) == (1, "")
    assert rows["no-data-migration"].risk == (
        "data of db-01 inaccessible (no other copy) while it is in maintenance")


def test_each_vm_policy_refusal_says_why():
    lv = vsan_level()
    vm_on_vsan(lv)
    lv["events"] = [{"at": 100, "kind": "host_failure", "host": "esx-01"},
                    {"at": 200, "kind": "host_failure", "host": "esx-02"}]
    sim = Simulation(build(lv))
    v = run(sim, "vm policy db-01 ftt 1")
    assert v.message == "db-01 already has FTT 1 RAID-1 on vsan-ds"
    assert run(sim, "vm create new-01 esx-03 vsan-ds cpu 2 mem 4 disk 40").accepted
    v = run(sim, "vm policy new-01 ftt 0")  # its object is made at the next sample
    assert v.message == "new-01's new vSAN disks are laid out at the next sample; try again then"
    sim.run_until(30)
    assert run(sim, "vm policy new-01 ftt 0").accepted
    assert run(sim, "vm policy db-01 ftt 1 raid5").accepted
    v = run(sim, "vm policy db-01 ftt 0")
    assert v.message == "db-01 is already being re-laid out as FTT 1 RAID-5"
    sim.run_until(300)  # two hosts gone: more failures than FTT 1 tolerates
    v = run(sim, "vm policy db-01 ftt 0")
    assert v.message == "db-01's data on vsan-ds is inaccessible; no policy can be applied"
    v = run(sim, "power on db-01 esx-03")
    assert not v.accepted
    assert "db-01's data on vsan-ds is inaccessible (too many of its hosts are away)" in v.message


def test_objects_spread_over_many_host_combinations_with_space_balanced():
    """Medium vSAN sandbox (2 clusters of 8 hosts, 400 FTT-1 objects): placement spreads the
    objects over ≥ 100 host triples (a plain most-free-first rule made 12, up to 55 objects
    each), so two hosts failing together share few objects; raw free space stays within 2 %."""
    from collections import Counter

    from vdc.scenario.sandbox import generate
    from vdc.sim.vsan.layout import free_by_host
    from vdc.sim.vsan.state import vsan_datastores

    sim = Simulation(generate("medium", 4, storage="vsan"))
    triples = Counter(tuple(sorted(c.host for c in o.components)) for o in sim.vsan.objects.values())
    assert len(sim.vsan.objects) == 400
    assert len(triples) >= 100 and max(triples.values()) <= 15
    pairs = Counter(p for o in sim.vsan.objects.values()
                    for i, a in enumerate(sorted(c.host for c in o.components if c.weight > 0))
                    for p in [(a, b) for b in sorted(c.host for c in o.components if c.weight > 0)[i + 1:]])
    assert max(pairs.values()) <= 20  # the worst pair of hosts to lose together loses ≤ 20 objects
    for ds in vsan_datastores(sim):
        free = free_by_host(sim, ds).values()
        assert (max(free) - min(free)) / max(free) < 0.02
