"""Licence editions, `license upgrade` against the budget, vCenter's availability, the task list."""

from __future__ import annotations

import pytest
from conftest import add_vm, base_level, build

from vdc.scenario.checks import CheckError, check_level
from vdc.session.session import Session
from vdc.sim import licensing
from vdc.sim.checks import Rejected, require_feature, require_vcenter
from vdc.sim.engine import Simulation
from vdc.sim.tasks import TaskList
from vdc.sim.vcenter import vcenter_down_reason, vcenter_up


def _session(**meta) -> Session:
    lv = base_level(**meta)
    h = lv["hosts"][0]
    lv["hosts"] += [dict(h, name="esx-02"), dict(h, name="esx-03")]
    add_vm(lv, "vcsa-01", boot_s=300)
    add_vm(lv, "web-01")
    return Session(Simulation(build(lv)))


def test_the_matrix_names_the_cheapest_edition_with_a_feature():
    assert not licensing.allows("essentials", "ha")
    assert licensing.allows("essentials-plus", "ha") and licensing.allows("essentials-plus", "vmotion")
    assert not licensing.allows("essentials-plus", "svmotion")
    assert licensing.allows("standard", "svmotion") and not licensing.allows("standard", "drs")
    assert licensing.allows("enterprise-plus", "drs")
    assert licensing.cheapest_with("drs") == "enterprise-plus"
    assert licensing.refusal("standard", "drs") == (
        "the standard licence does not include DRS; enterprise-plus has it "
        "(license upgrade enterprise-plus)"
    )
    assert licensing.refusal("vcf", "drs") is None
    assert licensing.upgrade_cost("standard", "enterprise-plus", 3) == 3 * (7000 - 3000)


def test_require_feature_refuses_with_the_reason():
    s = _session(edition="essentials")
    with pytest.raises(Rejected, match="essentials licence does not include vMotion; essentials-plus"):
        require_feature(s.sim, "vmotion")
    require_feature(_session(edition="vcf").sim, "drs")


def test_upgrade_spends_the_budget_and_unlocks_features():
    s = _session(edition="essentials-plus", budget=20000.0)
    before = s.sim.cost()
    rec = s.submit("license upgrade standard")
    assert rec.accepted, rec.message
    assert s.sim.edition == "standard" and s.sim.spent == 3 * 1500.0
    assert "now available: Storage vMotion" in rec.message and "15,500 left" in rec.message
    assert s.sim.cost() == before + 4500.0
    require_feature(s.sim, "svmotion")
    rec = s.submit("license upgrade enterprise-plus")  # 3 × 4,000 = 12,000 ≤ 15,500
    assert rec.accepted and s.sim.spent == 16500.0


@pytest.mark.parametrize(("meta", "command", "reason"), [
    ({"edition": "standard", "budget": 5000.0}, "license upgrade enterprise-plus",
     "enterprise-plus for 3 hosts costs 12,000; the budget has 5,000 left"),
    ({"edition": "standard"}, "license upgrade enterprise-plus",
     "this level has no budget to buy licences with"),
    ({"edition": "standard", "budget": 1e6}, "license upgrade standard", "the licence is already standard"),
    ({"edition": "standard", "budget": 1e6}, "license upgrade essentials-plus",
     "essentials-plus is below the current standard licence"),
])
def test_upgrade_refusals(meta, command, reason):
    s = _session(**meta)
    rec = s.submit(command)
    assert not rec.accepted and reason in rec.message
    assert s.sim.spent == 0 and s.sim.edition == meta["edition"]


def test_kits_cover_three_hosts_at_most():
    lv = base_level(edition="essentials", budget=1e6)
    lv["hosts"] += [dict(lv["hosts"][0], name=f"esx-0{i}") for i in range(2, 5)]
    s = Session(Simulation(build(lv)))
    rec = s.submit("license upgrade essentials-plus")
    assert not rec.accepted and "covers at most 3 hosts; this datacenter has 4" in rec.message


def test_an_upgrade_is_part_of_the_digest_only_when_it_happened():
    a, b = _session(edition="standard", budget=1e6), _session(edition="standard", budget=1e6)
    assert a.sim.digest() == b.sim.digest()
    b.submit("license upgrade vcf")
    a.submit("help")  # a meta command changes nothing
    assert a.sim.digest() != b.sim.digest()


def test_vcenter_follows_its_appliance_vm():
    s = _session(vcenter="vcsa-01")
    s.advance_to(10)
    assert vcenter_up(s.sim)
    s.submit("power off vcsa-01")
    assert vcenter_down_reason(s.sim) == "its appliance vcsa-01 is powered off"
    with pytest.raises(Rejected, match="vCenter is unavailable: its appliance vcsa-01 is powered off"):
        require_vcenter(s.sim)
    s.submit("power on vcsa-01")
    assert vcenter_down_reason(s.sim) == "vcsa-01 is still booting (up at t = 310 s)"
    s.advance_to(311)
    assert vcenter_up(s.sim)
    s.sim.fail_host("esx-01")
    assert vcenter_down_reason(s.sim) == "vcsa-01's host esx-01 has failed"


def test_without_a_vcenter_vm_vcenter_is_always_up():
    s = _session()
    s.submit("power off vcsa-01")
    assert vcenter_up(s.sim)


def test_licence_upgrades_need_vcenter():
    s = _session(vcenter="vcsa-01", edition="standard", budget=1e6)
    s.submit("power off vcsa-01")
    rec = s.submit("license upgrade enterprise-plus")
    assert not rec.accepted and rec.message.startswith("vCenter is unavailable")


def test_a_level_naming_a_missing_vcenter_vm_is_refused():
    lv = base_level(vcenter="vc-9")
    add_vm(lv, "web-01")
    with pytest.raises(CheckError, match="no VM named 'vc-9'"):
        check_level(build(lv))


def test_tasks_move_through_their_states_with_progress():
    tasks = TaskList()
    t = tasks.add("vmotion", "web-01", "esx-02", 10.0)
    assert t.id == 1 and t.state == "queued" and t.progress(20) == 0.0 and tasks.active() == [t]
    tasks.start(t, 20.0, ends_at=60.0, detail="pre-copy round 1")
    assert t.progress(30.0) == 0.25 and t.detail == "pre-copy round 1"
    tasks.finish(t, 60.0, detail="done in 40 s")
    assert t.state == "done" and t.progress(61) == 1.0 and tasks.active() == []
    assert tasks.version == 3 and tasks.of("web-01") == [t]
