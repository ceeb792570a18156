"""DRS: the imbalance and its target, passes in each mode, recommendations, rules (kept by DRS,
HA, vMotion and power on), maintenance evacuation, vCenter and the licence."""

from __future__ import annotations

import copy
import math
import pickle
from typing import Any

import numpy as np
import pytest
from conftest import add_vm, base_level, build

from vdc.scenario.loader import LevelError, level_from_model
from vdc.session.runner import result, run_level
from vdc.session.session import Session
from vdc.sim.drs import plan as drs_plan
from vdc.sim.drs.passes import PERIOD_S
from vdc.sim.engine import Simulation

VMK = {"name": "vmk-vmotion", "vlan": 200, "vmkernel": "vmotion"}


def drs_level(mode: str = "full", threshold: int = 3, hosts: int = 3, vms: int = 6,
              speed: int = 10000, **cluster: Any) -> dict[str, Any]:
    """esx-01 … esx-N (8 × 2,000 MHz, 128 GiB) in cluster prod with DRS on; `vms` VMs of
    8 GiB demanding 2,000 MHz each, all on esx-01 (so the cluster starts imbalanced)."""
    lv = base_level(duration=3600)
    h = lv["hosts"][0]
    h["cluster"] = "prod"
    h["memory"] = 128
    h["nics"] = [{"name": "vmnic0", "speed": speed}, {"name": "vmnic1", "speed": speed}]
    lv["hosts"] += [dict(copy.deepcopy(h), name=f"esx-{i:02d}") for i in range(2, hosts + 1)]
    lv["networks"][0]["portgroups"].append(VMK)
    lv["clusters"] = [{"name": "prod", "drs": {"enabled": True, "mode": mode, "threshold": threshold}} | cluster]
    lv["profiles"][0]["cpu"] = 2000
    for i in range(vms):
        add_vm(lv, f"vm-{i + 1:02d}")
    return lv


def session(lv: dict[str, Any]) -> Session:
    return Session(Simulation(build(lv)))


def hosts_of(s: Session) -> dict[str, str]:
    return {v.name: v.host for v in s.sim.inv.vms.values()}


# --------------------------------------------------------------------------- the numbers


def test_target_follows_the_threshold_and_the_host_count():
    # The UI observations of the fact sheet at threshold 3: 0.200 for 2 hosts, 0.163 for 3.
    assert drs_plan.target(3, 2) == pytest.approx(0.200)
    assert drs_plan.target(3, 3) == pytest.approx(0.163, abs=5e-4)
    assert drs_plan.target(2, 4) == pytest.approx(0.3 * math.sqrt(0.5))
    assert drs_plan.target(5, 8) == 0.0


def test_priority_is_the_lowest_threshold_that_acts_on_the_imbalance():
    for n in (2, 3, 4, 8):
        for imb in np.linspace(0.001, 0.6, 120):
            p = drs_plan.priority(float(imb), n)
            assert 2 <= p <= 5
            for level in range(2, 6):
                assert (p <= level) == (imb > drs_plan.target(level, n)), (n, imb, level)


def test_imbalance_is_the_larger_standard_deviation():
    cpu = np.array([0.75, 0.0, 0.0])
    mem = np.array([0.1, 0.1, 0.1])
    assert drs_plan.imbalance(cpu, mem) == pytest.approx(float(np.std(cpu)))
    assert drs_plan.imbalance(cpu[:1], mem[:1]) == 0.0


def test_std_after_matches_a_direct_computation():
    rng = np.random.default_rng(3)
    load = rng.uniform(0, 1, 5)
    cap = rng.uniform(10, 20, 5)
    ent = rng.uniform(0, 3, 4)
    src = np.array([0, 2, 4, 1])
    got = drs_plan._std_after(load, ent, cap, src)
    for i in range(4):
        for j in range(5):
            if j == src[i]:
                continue
            x = load.copy()
            x[src[i]] -= ent[i] / cap[src[i]]
            x[j] += ent[i] / cap[j]
            assert got[i, j] == pytest.approx(float(x.std()))


# --------------------------------------------------------------------------- passes


def test_full_mode_at_threshold_3_falls_below_its_target_within_a_few_passes():
    s = session(drs_level("full", 3))
    s.advance_to(299)
    assert set(hosts_of(s).values()) == {"esx-01"}  # nothing before the first pass
    s.advance_to(2 * PERIOD_S + 60)
    passes = s.sim.log.of_kind("drs_pass")
    first = passes[0].detail
    assert first.startswith("prod: imbalance 0.354, target 0.163 at threshold 3")
    cd = s.sim.drs.clusters["prod"]
    assert cd.imbalance is not None and cd.target is not None
    assert cd.imbalance <= cd.target  # balanced after the first pass's moves
    assert "balanced" in passes[-1].detail
    spread = list(hosts_of(s).values())
    assert {h: spread.count(h) for h in set(spread)} == {"esx-01": 3, "esx-02": 2, "esx-03": 1}
    assert len(s.sim.log.of_kind("drs_migration")) == 3
    assert [k.state for k in s.sim.tasks.tasks] == ["done"] * 3


def test_an_applied_recommendation_waiting_for_a_slot_says_so_with_one_colon():
    """`drs apply` of more moves than free vMotion slots: the waiting ones read "applied r5:
    waiting for a free slot", not "applied r5:: …" (issue 12, bug 10)."""
    s = session(drs_level("manual", 5, vms=12, speed=1000))
    s.advance_to(1000)
    assert s.submit("drs apply prod all").accepted
    queued = [t for t in s.sim.tasks.tasks if t.state == "queued"]
    assert queued
    for t in queued:
        assert t.detail.startswith("applied r") and t.detail.endswith(": waiting for a free slot")
        assert "::" not in t.detail


def test_manual_mode_moves_nothing_until_drs_apply():
    s = session(drs_level("manual", 3))
    s.advance_to(1000)
    assert set(hosts_of(s).values()) == {"esx-01"}
    recs = s.sim.drs.clusters["prod"].recommendations
    assert [(r.id, r.vm, r.dst, r.priority) for r in recs] == [
        ("r1", "vm-01", "esx-02", 2), ("r2", "vm-02", "esx-03", 2), ("r3", "vm-03", "esx-02", 3)]
    # The same moves keep their ids from pass to pass: one event each, not one per pass.
    assert len(s.sim.log.of_kind("drs_recommendation")) == 3
    assert not s.sim.tasks.tasks
    rec = s.submit("drs apply prod r2")
    assert rec.accepted and rec.message == "applied r2: vm-02 esx-01 → esx-03"
    assert [r.id for r in s.sim.drs.clusters["prod"].recommendations] == ["r1", "r3"]
    assert s.submit("drs apply prod all").message == "applied 2 recommendations of prod"
    s.advance(120)
    assert hosts_of(s)["vm-02"] == "esx-03"
    assert sorted(hosts_of(s).values()) == ["esx-01"] * 3 + ["esx-02"] * 2 + ["esx-03"]
    out = s.sim.drs
    assert len(out.task_ids) == 3


def test_partial_mode_recommends_migrations_and_places_vms_at_power_on():
    lv = drs_level("partial", 3, vms=4)
    add_vm(lv, "new-01", power="off")
    s = session(lv)
    s.advance_to(310)
    assert set(hosts_of(s).values()) == {"esx-01"}
    assert s.sim.drs.clusters["prod"].recommendations
    rec = s.submit("power on new-01")
    assert rec.accepted and "DRS placed it on esx-02" in rec.message
    assert hosts_of(s)["new-01"] == "esx-02"
    # A host the player names is the player's choice.
    lv2 = drs_level("partial", 3, vms=4)
    add_vm(lv2, "new-01", power="off")
    s2 = session(lv2)
    s2.advance_to(10)
    assert s2.submit("power on new-01 esx-01").accepted
    assert hosts_of(s2)["new-01"] == "esx-01"


def test_manual_mode_does_not_place_at_power_on():
    lv = drs_level("manual", 3, vms=4)
    add_vm(lv, "new-01", power="off")
    s = session(lv)
    s.advance_to(10)
    assert s.submit("power on new-01").accepted
    assert hosts_of(s)["new-01"] == "esx-01"


def test_threshold_1_makes_mandatory_moves_only():
    lv = drs_level("full", 1, vms=4)
    lv["clusters"][0]["rules"] = [{"name": "apart", "type": "keep-apart", "vms": ["vm-01", "vm-02"]}]
    s = session(lv)
    s.advance_to(400)
    assert [m.detail for m in s.sim.log.of_kind("drs_migration")] == [
        "DRS migrates vm-02 esx-01 → esx-02 (rule apart: vm-02 shares esx-01 with vm-01)"]
    assert "mandatory moves only" in s.sim.log.of_kind("drs_pass")[0].detail


def test_threshold_5_balances_further_than_threshold_2():
    def spread(threshold: int) -> float:
        s = session(drs_level("full", threshold, hosts=4, vms=12))
        s.advance_to(1000)
        cd = s.sim.drs.clusters["prod"]
        assert cd.imbalance is not None
        return cd.imbalance

    assert spread(5) < spread(2)


def test_a_big_move_for_a_small_gain_is_not_worth_it_on_1_gbe():
    """Cost-benefit: a 64 GiB VM on a small host would lower the imbalance 0.04 → 0.01 on a big
    one. Worth 0.03 × 300 s = 9 against 0.02 × ~60 s over 10 GbE, not against 0.02 × ~600 s
    over 1 GbE."""
    def moves(speed: int) -> int:
        lv = drs_level("full", 5, hosts=2, vms=0, speed=speed)
        lv["hosts"][1] |= {"cores": 32, "memory": 256}
        lv["profiles"][0] |= {"cpu": 1280, "mem_active": 0.05}
        add_vm(lv, "big-01", memory=64)
        s = session(lv)
        s.advance_to(320)
        cd = s.sim.drs.clusters["prod"]
        assert cd.imbalance == pytest.approx(0.04)
        return len(s.sim.log.of_kind("drs_migration"))

    assert moves(10000) == 1
    assert moves(1000) == 0


def test_a_short_burst_does_not_move_vms():
    """Entitlements are averaged since the last pass: five seconds of load do not count much."""
    lv = drs_level("full", 3, vms=6)
    lv["profiles"][0]["cpu"] = 200  # idle VMs: balanced enough
    lv["events"] = [{"at": 290, "kind": "load_spike", "targets": ["vm-0*"], "factor": 10, "duration": 9}]
    s = session(lv)
    s.advance_to(310)
    assert not s.sim.log.of_kind("drs_migration")


def test_vcenter_down_skips_passes_and_refuses_drs_commands():
    lv = drs_level("full", 3, vms=4)
    lv["level"]["vcenter"] = "vcsa-01"
    add_vm(lv, "vcsa-01", host="esx-02", boot_s=300, profile="steady")
    s = session(lv)
    s.advance_to(10)
    assert s.submit("power off vcsa-01").accepted
    for text in ["drs enable prod", "drs disable prod", "drs mode prod manual", "drs threshold prod 4",
                 "drs apply prod all", "drs rule add prod a keep-apart vm-01 vm-02",
                 "drs rule remove prod a", "drs group prod vm g vm-01"]:
        rec = s.submit(text)
        assert not rec.accepted and rec.message.startswith("vCenter is unavailable"), text
    s.advance_to(700)
    assert not s.sim.log.of_kind("drs_migration")
    skipped = s.sim.log.of_kind("drs_pass")
    assert len(skipped) == 1 and "skipped: vCenter is unavailable" in skipped[0].detail


def test_the_licence_must_include_drs():
    lv = drs_level("manual", 3, vms=1)
    lv["level"]["edition"] = "standard"
    s = session(lv)
    rec = s.submit("drs mode prod full")
    assert not rec.accepted and "enterprise-plus" in rec.message and "DRS" in rec.message


# --------------------------------------------------------------------------- commands


@pytest.mark.parametrize(("text", "reason"), [
    ("drs enable prod", "DRS is already on for prod"),
    ("drs mode prod full", "DRS of prod is already full"),
    ("drs threshold prod 3", "the DRS threshold of prod is already 3"),
    ("drs apply prod r1", "DRS of prod is fully automated: it makes its moves itself"),
    ("drs apply nope r1", "no cluster named 'nope'"),
    ("drs rule add prod a keep-apart vm-01", "a keep-apart rule names two or more VMs"),
    ("drs rule add prod a keep-apart vm-01 vm-01", "vm-01 is named twice"),
    ("drs rule add prod a keep-apart vm-01 ghost", "no VM named 'ghost'"),
    ("drs rule add prod a must-run-on g1", "a must-run-on rule names a VM group and a host group: "
     "drs rule add prod a must-run-on VMGROUP HOSTGROUP"),
    ("drs rule add prod a must-run-on g1 h1", "prod has no VM group g1 (make one: drs group prod vm g1 VM...)"),
    ("drs rule remove prod a", "prod has no rule named a (its rules: none)"),
    ("drs group prod host h1 esx-09", "no host named 'esx-09'"),
    ("drs group prod vm g1 vm-01 vm-01", "vm-01 is named twice"),
])
def test_every_refusal_reason(text: str, reason: str):
    s = session(drs_level("full", 3, vms=2))
    rec = s.submit(text)
    assert not rec.accepted
    assert rec.message.startswith(reason), rec.message


def test_refusals_of_apply_and_rules_in_context():
    s = session(drs_level("manual", 3, vms=6))
    assert s.submit("drs apply prod r1").message == "DRS has no recommendations for prod now"
    s.advance_to(310)
    assert s.submit("drs apply prod r9").message == "no recommendation r9 for prod (it has r1, r2, r3, or all)"
    assert s.submit("power off vm-01").accepted
    assert s.submit("drs apply prod r1").message == "r1 is out of date: vm-01 was powered off since"
    assert s.submit("drs disable prod").accepted
    assert s.submit("drs apply prod r2").message == "DRS is off for prod: drs enable prod"
    assert s.submit("drs rule add prod t keep-together vm-02 vm-03").accepted
    assert s.submit("drs rule add prod t keep-apart vm-02 vm-03").message.startswith(
        "prod already has a rule named t")
    assert s.submit("drs rule add prod u keep-apart vm-03 vm-02").message == (
        "rule u (keep-apart) conflicts with the older rule t (keep-together) over vm-03 and vm-02")
    assert s.submit("drs group prod host one esx-01").accepted
    assert s.submit("drs group prod host two esx-02").accepted
    assert s.submit("drs group prod vm pair vm-02").accepted
    assert s.submit("drs rule add prod on-one must-run-on pair one").accepted
    assert s.submit("drs rule add prod on-two must-run-on pair two").message == (
        "rule on-two would leave vm-02 no host to run on (with the older rule on-one); older rules win")
    assert s.submit("drs group prod host one esx-02").accepted  # still consistent
    assert s.submit("drs rule add prod not-two must-not-run-on pair two").message == (
        "rule not-two would leave vm-02 no host to run on (with the older rule on-one); older rules win")
    assert s.submit("drs rule remove prod on-one").message == "rule on-one removed from prod"


def test_a_rule_broken_when_added_says_so():
    s = session(drs_level("manual", 3, vms=2))
    rec = s.submit("drs rule add prod apart keep-apart vm-01 vm-02")
    assert rec.message == ("rule apart added to prod: keep-apart vm-01, vm-02; broken now: "
                           "vm-02 shares esx-01 with vm-01 — DRS will mend it")
    recs = s.sim.drs.clusters["prod"].recommendations
    assert [(r.vm, r.priority, r.reason) for r in recs][0] == (
        "vm-02", 1, "rule apart: vm-02 shares esx-01 with vm-01")


def test_enable_mode_and_threshold_pass_at_once():
    lv = drs_level("manual", 3, vms=6)
    lv["clusters"][0]["drs"]["enabled"] = False
    s = session(lv)
    s.advance_to(30)
    assert not s.sim.log.of_kind("drs_pass")
    rec = s.submit("drs enable prod")
    assert rec.message == ("DRS is on for prod (manual, threshold 3); imbalance 0.354, target 0.163; "
                           "3 recommendation(s): drs apply prod all")
    rec = s.submit("drs mode prod full")
    assert rec.message.startswith("DRS of prod: manual → full; imbalance 0.354, target 0.163; 3 migration(s) started")
    assert not s.sim.drs.clusters["prod"].recommendations
    assert s.submit("drs threshold prod 5").accepted
    assert s.submit("drs disable prod").message.startswith("DRS is off for prod")


# --------------------------------------------------------------------------- rules


def rules_level(mode: str = "full") -> dict[str, Any]:
    lv = drs_level(mode, 3, vms=0)
    for i, host in enumerate(["esx-01", "esx-01", "esx-02", "esx-03"]):
        add_vm(lv, f"db-{i + 1:02d}", host=host)
    lv["clusters"][0] |= {
        "host_groups": {"lic": ["esx-01", "esx-02"]},
        "vm_groups": {"dbs": ["db-01", "db-02"]},
        "rules": [
            {"name": "on-lic", "type": "must-run-on", "vm_group": "dbs", "host_group": "lic"},
            {"name": "apart", "type": "keep-apart", "vms": ["db-01", "db-03"]},
        ],
    }
    return lv


@pytest.mark.parametrize(("change", "where", "what"), [
    (lambda c: c["rules"].append({"name": "x", "type": "keep-together", "vms": ["db-01", "ghost"]}),
     "rules[2].vms[1]", "'ghost' is not a VM of cluster prod"),
    (lambda c: c["rules"].append({"name": "x", "type": "must-run-on", "vm_group": "dbs", "host_group": "no"}),
     "rules[2].host_group", "no host group named 'no'"),
    (lambda c: c["vm_groups"].update(more=["nobody"]), "vm_groups.more[0]", "'nobody' is not a VM of cluster prod"),
    (lambda c: c["rules"].append({"name": "apart", "type": "keep-apart", "vms": ["db-01", "db-02"]}),
     "rules[2].name", "duplicate rule name 'apart' in prod"),
    (lambda c: c["rules"].append({"name": "x", "type": "keep-together", "vms": ["db-03", "db-01"]}),
     "rules[2]", "rule x (keep-together) conflicts with the older rule apart (keep-apart)"),
])
def test_rules_from_the_level_file_are_checked(change, where: str, what: str):
    lv = rules_level()
    change(lv["clusters"][0])
    with pytest.raises(LevelError) as info:
        level_from_model(build(lv))
    assert where in str(info.value) and what in str(info.value), str(info.value)


def test_a_rule_needs_its_members():
    lv = rules_level()
    lv["clusters"][0]["rules"].append({"name": "x", "type": "keep-apart", "vm_group": "dbs"})
    with pytest.raises(ValueError, match="a keep-apart rule names two or more `vms`"):
        build(lv)


def test_vmotion_refuses_to_break_a_required_rule():
    s = session(rules_level("manual"))
    assert s.submit("vmotion db-01 esx-03").message == (
        "rule on-lic: db-01 must run on the hosts of group lic (esx-01, esx-02)")
    assert s.submit("vmotion db-01 esx-02").message == (
        "rule apart keeps db-01 apart from db-03, which runs on esx-02")
    assert s.submit("vmotion db-04 esx-02").accepted  # no rule names db-04


def test_power_on_refuses_to_break_a_required_rule():
    lv = rules_level("manual")
    lv["vms"][2]["power"] = "off"  # db-03
    s = session(lv)
    assert s.submit("power on db-03 esx-01").message == (
        "db-03 cannot run on esx-01: rule apart keeps db-03 apart from db-01, which runs on esx-01")


def test_drs_balancing_keeps_the_rules():
    """Loaded esx-01 in full mode at threshold 5: DRS moves VMs, never against a required rule."""
    lv = rules_level("full")
    lv["clusters"][0]["drs"]["threshold"] = 5
    for i in range(4):
        add_vm(lv, f"web-{i + 1:02d}")
    s = session(lv)
    s.advance_to(1300)
    assert s.sim.log.of_kind("drs_migration")
    where = hosts_of(s)
    assert where["db-01"] in ("esx-01", "esx-02") and where["db-02"] in ("esx-01", "esx-02")
    assert where["db-01"] != where["db-03"]


def test_ha_keeps_the_rules_too():
    """esx-01 fails: HA restarts db-01 and db-02 only on lic hosts, db-01 never next to db-03."""
    lv = rules_level("manual")
    lv["clusters"][0]["ha"] = {"enabled": True}
    lv["events"] = [{"at": 100, "kind": "host_failure", "host": "esx-01"}]
    s = session(lv)
    s.advance_to(400)
    where = hosts_of(s)
    vms = s.sim.inv.vms
    # esx-02 is the only lic host left; db-03 runs there, so db-01 (keep-apart) cannot restart.
    assert vms["db-02"].power == "on" and where["db-02"] == "esx-02"
    assert vms["db-01"].power == "off"
    failed = [e.detail for e in s.sim.log.of_kind("ha_restart_failed") if e.subject == "db-01"]
    assert failed and "rule" in failed[0]


def test_ha_prefers_the_host_a_should_rule_names_and_bends_it_when_needed():
    """Without the rule HA would pick esx-02 (less configured memory than esx-03)."""
    def restarted_on(rule: bool, esx03_fails: bool = False) -> str:
        lv = drs_level("manual", 3, vms=0)
        lv["clusters"][0] |= {"ha": {"enabled": True}, "host_groups": {"pref": ["esx-03"]},
                              "vm_groups": {"apps": ["app-01"]}}
        if rule:
            lv["clusters"][0]["rules"] = [
                {"name": "pref", "type": "should-run-on", "vm_group": "apps", "host_group": "pref"}]
        add_vm(lv, "app-01", memory=16)
        add_vm(lv, "other-01", memory=16, host="esx-02")
        add_vm(lv, "filler-01", memory=64, host="esx-03")
        lv["events"] = [{"at": 100, "kind": "host_failure", "host": "esx-01"}]
        if esx03_fails:
            lv["events"].append({"at": 90, "kind": "host_failure", "host": "esx-03"})
        s = session(lv)
        s.advance_to(300)
        assert s.sim.inv.vms["app-01"].power == "on"
        return hosts_of(s)["app-01"]

    assert restarted_on(rule=False) == "esx-02"
    assert restarted_on(rule=True) == "esx-03"
    assert restarted_on(rule=True, esx03_fails=True) == "esx-02"


def test_maintenance_in_full_mode_is_evacuated_within_the_rules():
    s = session(rules_level("full"))
    rec = s.submit("maintenance enter esx-01")
    assert rec.accepted
    s.advance(120)
    where = hosts_of(s)
    # db-01 and db-02 must run on lic = esx-01/esx-02; db-01 must stay apart from db-03 (esx-02).
    assert where["db-02"] == "esx-02"
    assert where["db-01"] == "esx-01"
    task = s.sim.tasks.tasks[0]
    assert task.kind == "maintenance" and task.state == "running"
    assert "DRS cannot move db-01: rule apart keeps db-01 apart from db-03" in task.detail


def test_maintenance_in_manual_mode_recommends_the_evacuation():
    s = session(drs_level("manual", 3, vms=2))
    assert s.submit("maintenance enter esx-01").accepted
    recs = s.sim.drs.clusters["prod"].recommendations
    assert [(r.vm, r.priority, r.reason) for r in recs] == [
        ("vm-01", 1, "esx-01 is entering maintenance mode"), ("vm-02", 1, "esx-01 is entering maintenance mode")]
    assert s.sim.tasks.tasks[0].detail.endswith("DRS recommends moves: drs apply prod all")
    assert s.submit("drs apply prod all").accepted
    s.advance(60)
    assert s.sim.inv.hosts["esx-01"].state == "maintenance"


def test_powered_off_vms_are_moved_cold_when_asked():
    lv = drs_level("full", 3, vms=1)
    add_vm(lv, "off-01", power="off")
    s = session(lv)
    assert s.submit("maintenance enter esx-01 --evacuate-powered-off").accepted
    assert hosts_of(s)["off-01"] != "esx-01"
    s.advance(60)
    assert s.sim.inv.hosts["esx-01"].state == "maintenance"
    assert s.sim.drs.cold_moves == 1


# --------------------------------------------------------------------------- runs and copies


def test_run_json_counts_drs_migrations_and_shows_the_events():
    out = result(run_level(build(drs_level("full", 3))), events=True)
    assert out["metrics"]["drs_migrations"] == 3
    kinds = {e["kind"] for e in out["events"]}
    assert {"drs_pass", "drs_migration"} <= kinds
    manual = result(run_level(build(drs_level("manual", 3))), events=True)
    assert manual["metrics"]["drs_migrations"] == 0
    assert "drs_recommendation" in {e["kind"] for e in manual["events"]}


def test_passes_are_the_same_however_time_is_sliced_and_after_a_copy():
    lv = build(drs_level("full", 4, hosts=4, vms=12))
    a = Simulation(lv)
    a.run_until(3600)
    b = Simulation(lv)
    t = 0.0
    while t < 1700:
        t += 37.5
        b.run_until(t)
    c = pickle.loads(pickle.dumps(b))
    c.run_until(3600)
    assert a.digests == c.digests
    assert [e.as_dict() for e in a.log] == [e.as_dict() for e in c.log]


def test_an_evacuation_keeps_a_keep_together_pair_on_one_host():
    lv = drs_level("full", 1, hosts=3, vms=0)
    add_vm(lv, "app-01")
    add_vm(lv, "app-02")
    add_vm(lv, "other-01", host="esx-02")  # without the rule, app-02 would go to esx-03
    lv["clusters"][0]["rules"] = [{"name": "pair", "type": "keep-together", "vms": ["app-01", "app-02"]}]
    s = session(lv)
    s.advance(30)  # loads measured: without the rule app-01 and app-02 would split (tested below)
    assert s.submit("maintenance enter esx-01").accepted
    s.advance(120)
    where = hosts_of(s)
    assert where["app-01"] == where["app-02"] != "esx-01"
    lv["clusters"][0]["rules"] = []
    s = session(lv)
    s.advance(30)
    assert s.submit("maintenance enter esx-01").accepted
    s.advance(120)
    assert hosts_of(s)["app-01"] != hosts_of(s)["app-02"]


def test_each_cluster_counts_its_own_drs_moves():
    lv = drs_level("manual", 3, hosts=4, vms=6)
    lv["clusters"].append({"name": "dev", "drs": {"enabled": True, "mode": "manual"}})
    lv["hosts"][3]["cluster"] = "dev"
    s = session(lv)
    s.advance_to(310)
    assert s.submit("drs apply prod all").accepted
    s.advance(120)
    views = {c.name: c for c in s.sim.view().drs}
    assert views["prod"].migrations == 3 and views["dev"].migrations == 0
    assert all(h != "esx-04" for h in hosts_of(s).values())


def test_a_pass_before_the_first_sample_uses_the_profiles_baselines():
    """Maintenance at t = 0: the evacuation spreads the VMs, it does not pile them on one host."""
    s = session(drs_level("manual", 3, hosts=3, vms=4))
    assert s.sim.sampler.samples == 0
    assert s.submit("maintenance enter esx-01").accepted
    recs = s.sim.drs.clusters["prod"].recommendations
    assert sorted(r.dst for r in recs) == ["esx-02", "esx-02", "esx-03", "esx-03"]


def test_more_refusals_with_groups_and_clusters():
    lv = drs_level("manual", 3, hosts=4, vms=2)
    lv["clusters"].append({"name": "dev"})
    lv["hosts"][3]["cluster"] = "dev"
    add_vm(lv, "dev-01", host="esx-04")
    s = session(lv)
    assert s.submit("drs rule add prod a keep-apart vm-01 dev-01").message == (
        "dev-01 is not a VM of cluster prod (it is on esx-04)")
    assert s.submit("drs group prod host h esx-04").message == "esx-04 is not a host of cluster prod"
    assert s.submit("drs group prod vm g vm-01").accepted
    assert s.submit("drs rule add prod a must-run-on g nowhere").message == (
        "prod has no host group nowhere (make one: drs group prod host nowhere HOST...)")
    assert s.submit("drs group prod host one esx-01").accepted
    assert s.submit("drs group prod host two esx-02").accepted
    assert s.submit("drs rule add prod on-one must-run-on g one").accepted
    assert s.submit("drs rule add prod not-two must-not-run-on g two").accepted
    assert s.submit("drs group prod host two esx-01").message == (
        "group two would make rules conflict: rule not-two would leave vm-01 no host to run on "
        "(with the older rule on-one); older rules win")
    assert s.submit("drs enable dev").message.startswith("DRS is on for dev (manual, threshold 3)")
    assert s.submit("drs apply dev all").message == "DRS has no recommendations for dev now"
