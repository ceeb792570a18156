"""Configuration assessment objectives (`kind = "config"`): each check met or not against the
live settings, frozen at `by`, described in plain words, validated with FILE:LINE errors, and
counted by `assessment_progress` (vdc/sim/assessment.py, vdc/sim/objectives.py)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from conftest import add_vm, base_level, build

from vdc.scenario import schema
from vdc.scenario.loader import LevelError, load_level_text
from vdc.session.session import Session
from vdc.sim import assessment
from vdc.sim import objectives as obj
from vdc.sim.engine import Simulation
from vdc.sim.ha import admission


def prod(objectives: list[dict[str, Any]], n_hosts: int = 3, **meta: Any) -> schema.Level:
    """esx-01 … esx-N (8 × 2,000 MHz, 64 GiB) in cluster prod (HA and DRS off); db-01 on
    esx-01, db-02 on esx-02, web-01 on esx-03 (2 vCPUs, 4 GiB, light load)."""
    lv = base_level(**meta)
    lv["clusters"] = [{"name": "prod"}]
    lv["hosts"][0]["cluster"] = "prod"
    for k in range(2, n_hosts + 1):
        h = copy.deepcopy(lv["hosts"][0])
        h["name"] = f"esx-{k:02d}"
        lv["hosts"].append(h)
    for name, host in (("db-01", "esx-01"), ("db-02", "esx-02"), ("web-01", f"esx-{n_hosts:02d}")):
        add_vm(lv, name, host=host, vcpu=2, memory=4, load=0.1)
    lv["objectives"] = objectives
    return build(lv)


def config(oid: str, check: str, **keys: Any) -> dict[str, Any]:
    return {"id": oid, "kind": "config", "check": check} | keys


def play(level: schema.Level, script: list[tuple[float, str]], until: float | None = None) -> Session:
    s = Session(Simulation(level))
    for t, text in script:
        s.advance(t - s.sim.now)
        rec = s.submit(text)
        assert rec.accepted, rec.message
    s.advance((until if until is not None else level.level.duration) - s.sim.now)
    return s


def status(s: Session, oid: str) -> obj.ObjectiveStatus:
    return next(st for st in s.sim.objective_statuses() if st.id == oid)


def triple(st: obj.ObjectiveStatus) -> tuple[bool, object, object]:
    return st.met, st.value, st.target


# --------------------------------------------------------------------------- the checks


def test_ha_enabled_follows_the_cluster_setting():
    level = prod([config("ha", "ha_enabled", cluster="prod")])
    s = play(level, [], until=10)
    st = status(s, "ha")
    assert triple(st) == (False, "off", "on") and st.attainment == 0.0 and not st.failed_for_good
    assert st.description == "HA is on in prod at the end"
    s = play(level, [(30, "ha enable prod")])
    st = status(s, "ha")
    assert triple(st) == (True, "on", "on") and st.attainment == 1.0
    assert obj.score(s.sim.objective_statuses()) == 100.0


def test_admission_counts_the_failures_the_policy_reserves_for():
    want1 = config("a1", "admission", cluster="prod")
    want2 = config("a2", "admission", cluster="prod", failures=2)
    level = prod([want1, want2])
    s = play(level, [(10, "ha admission prod slots 1")], until=20)
    # Admission control set while HA is off reserves nothing.
    assert triple(status(s, "a1")) == (False, "HA off", "≥ 1 failure")
    cases = [
        ("ha admission prod slots 1", (True, "slots: 1 failure"), False),
        ("ha admission prod slots 2", (True, "slots: 2 failures"), True),
        ("ha admission prod percent 1", (True, "percent: 1 failure"), False),
        # Explicit shares: each of the 3 equal hosts is 33.3 % of the cluster.
        ("ha admission prod percent 25 25", (False, "percent: 0 failures"), False),
        ("ha admission prod percent 34 33.3", (False, "percent: 0 failures"), False),
        ("ha admission prod percent 34 34", (True, "percent: 1 failure"), False),
        ("ha admission prod percent 67 70", (True, "percent: 2 failures"), True),
        ("ha admission prod failover-hosts esx-03", None, None),  # esx-03 runs web-01
        ("ha admission prod disabled", (False, "admission control off"), False),
    ]
    for command, one, two in cases:
        s = Session(Simulation(level))
        s.submit("ha enable prod")
        rec = s.submit(command)
        if one is None:
            assert not rec.accepted and "runs VMs" in rec.message
            continue
        assert rec.accepted, rec.message
        s.advance(10)
        assert triple(status(s, "a1"))[:2] == one, command
        assert status(s, "a2").met is two, command
    s = play(level, [(0, "ha enable prod"), (0, "power off web-01"),
                     (5, "ha admission prod failover-hosts esx-03")], until=30)
    assert triple(status(s, "a1")) == (True, "failover-hosts: 1 failure", "≥ 1 failure")
    assert status(s, "a2").target == "≥ 2 failures" and not status(s, "a2").met
    assert status(s, "a2").description == (
        "HA admission control in prod reserves capacity for 2 host failures at the end")


def test_failures_reserved_by_explicit_percentages_use_the_largest_hosts():
    sim = Simulation(prod([], n_hosts=3))
    cl = sim.inv.clusters["prod"]
    cl.ha.enabled, cl.ha.admission = True, "percent"
    sim.inv.hosts["esx-01"].cores = 16  # 32,000 MHz of 64,000: half the cluster's CPU
    for cpu, mem, n in ((34, 34, 0), (50, 34, 1), (75, 67, 2), (100, 100, 2)):
        cl.ha.cpu_pct, cl.ha.mem_pct = cpu, mem
        assert admission.failures_reserved(sim, "prod") == n, (cpu, mem)
    cl.ha.enabled = False
    assert admission.failures_reserved(sim, "prod") == 0


def test_drs_enabled_with_the_least_automation_wanted():
    level = prod([
        config("on", "drs_enabled", cluster="prod"),
        config("partial", "drs_enabled", cluster="prod", mode="partial"),
        config("full", "drs_enabled", cluster="prod", mode="full"),
    ])
    s = play(level, [], until=10)
    assert [triple(status(s, k)) for k in ("on", "partial", "full")] == [
        (False, "off", "on"), (False, "off", "on, partial or full"), (False, "off", "on, full"),
    ]
    s = play(level, [(10, "drs enable prod")], until=20)
    assert [status(s, k).met for k in ("on", "partial", "full")] == [True, False, False]
    assert status(s, "on").value == "on, manual"
    s = play(level, [(10, "drs enable prod"), (20, "drs mode prod partial")], until=30)
    assert [status(s, k).met for k in ("on", "partial", "full")] == [True, True, False]
    s = play(level, [(10, "drs enable prod"), (20, "drs mode prod full")], until=30)
    assert [status(s, k).met for k in ("on", "partial", "full")] == [True, True, True]
    s = play(level, [(10, "drs mode prod full")], until=30)  # full, but DRS off
    assert [status(s, k).met for k in ("on", "partial", "full")] == [False, False, False]
    assert status(s, "partial").description == (
        "DRS is on in prod, partially or fully automated at the end")


def test_rule_covering_the_vms():
    level = prod([
        config("apart", "rule", cluster="prod", vms="db-*", rule_type="keep-apart"),
        config("any", "rule", cluster="prod", vms="db-*"),
    ])
    s = play(level, [], until=10)
    assert triple(status(s, "apart")) == (False, "none", "a keep-apart rule")
    s = play(level, [(10, "drs rule add prod together keep-together db-01 db-02 web-01")], until=20)
    assert triple(status(s, "apart")) == (False, "none", "a keep-apart rule")
    assert triple(status(s, "any")) == (True, "together (keep-together)", "a rule")
    s = play(level, [(10, "drs rule add prod half keep-apart db-01 web-01")], until=20)
    assert not status(s, "apart").met  # covers db-01 only
    s = play(level, [(10, "drs rule add prod db-apart keep-apart db-02 db-01")], until=20)
    assert triple(status(s, "apart")) == (True, "db-apart (keep-apart)", "a keep-apart rule")
    # A VM-host rule covers the members of its VM group.
    s = play(level, [(10, "drs group prod vm dbs db-01 db-02"),
                     (10, "drs group prod host rack esx-01 esx-02"),
                     (10, "drs rule add prod dbs-on-rack should-run-on dbs rack")], until=20)
    assert triple(status(s, "any")) == (True, "dbs-on-rack (should-run-on)", "a rule")
    assert status(s, "apart").description == "A keep-apart rule in prod covers db-* at the end"
    assert status(s, "any").description == "A DRS rule in prod covers db-* at the end"


def test_ha_priority_at_least():
    level = prod([
        config("db", "ha_priority", vms="db-*", priority="high"),
        config("one", "ha_priority", vms="db-01", priority="highest"),
    ])
    s = play(level, [], until=10)
    assert triple(status(s, "db")) == (False, "medium (db-01)", "≥ high")
    assert triple(status(s, "one")) == (False, "medium", "highest")
    s = play(level, [(10, "ha priority db-01 highest")], until=20)
    assert triple(status(s, "db")) == (False, "medium (db-02)", "≥ high")
    assert status(s, "one").met
    s = play(level, [(10, "ha priority db-01 highest"), (10, "ha priority db-02 high")], until=20)
    assert triple(status(s, "db")) == (True, "high (db-02)", "≥ high")
    assert status(s, "db").description == "HA restart priority of db-* is high or higher at the end"
    assert status(s, "one").description == "HA restart priority of db-01 is highest at the end"


def test_no_snapshots_and_no_old_snapshots():
    level = prod([
        config("none", "no_snapshots", vms="db-*"),
        config("hour", "no_snapshots", older_than=3600),
        config("five", "no_snapshots", vms="db-*", older_than=300),
    ], duration=600)
    s = play(level, [(60, "snapshot create db-01 pre-patch"), (120, "snapshot create db-02 b")])
    assert triple(status(s, "none")) == (False, "2 snapshots (db-01)", "none")
    assert triple(status(s, "hour")) == (True, "oldest 9 min (db-01)", "none older than 1 h")
    assert triple(status(s, "five")) == (False, "oldest 9 min (db-01)", "none older than 5 min")
    s = play(level, [(60, "snapshot create db-01 pre-patch"), (400, "snapshot delete db-01 --all")])
    # The delta of 340 s of light writes merges in well under 200 s: gone at the end.
    assert s.sim.inv.vms["db-01"].snapshots == []
    assert triple(status(s, "none")) == (True, "none", "none")
    assert status(s, "none").description == "No snapshots left on db-* at the end"
    assert status(s, "hour").description == "No snapshot of any VM older than 1 h at the end"


def test_a_snapshot_being_merged_still_counts():
    level = prod([config("none", "no_snapshots")], duration=600).model_dump()
    level["profiles"][0]["write_mbps"] = 50  # web-01 (load 1) writes 50 MB/s
    level["vms"][2]["load"] = 1.0
    s = play(schema.Level.model_validate(level),
             [(60, "snapshot create web-01 s1"), (580, "snapshot delete web-01 s1")])
    # ~26 GiB written over 520 s: a delta of ~19 GiB merges at 500 MB/s for ~40 s.
    assert s.sim.inv.vms["web-01"].snapshots and s.sim.tasks.tasks[-1].state == "running"
    assert triple(status(s, "none")) == (False, "1 snapshot (web-01)", "none")


def test_host_patched_needs_a_reboot_in_maintenance_mode_and_the_host_back_in_service():
    level = prod([config("patch", "host_patched", host="esx-03")], duration=900)
    s = play(level, [], until=10)
    st = status(s, "patch")
    assert triple(st) == (False, "not patched, on", "patched, on")
    assert st.description == "esx-03 is patched (rebooted in maintenance mode) and back in service at the end"
    # Rebooted while on (its only VM off): no maintenance mode, no patch.
    s = play(level, [(10, "power off web-01"), (20, "host reboot esx-03")], until=100)
    assert triple(status(s, "patch"))[:2] == (False, "not patched, rebooting")
    s.advance(300)
    assert triple(status(s, "patch"))[:2] == (False, "not patched, on")
    assert "esx-03" not in s.sim.metrics.patched_at
    # Entering, in maintenance, rebooting, rebooted (still in maintenance), back on.
    s = play(level, [(10, "maintenance enter esx-03")], until=12)
    assert triple(status(s, "patch"))[:2] == (False, "not patched, entering maintenance")
    assert s.submit("power off web-01").accepted  # the VM that kept it from maintenance
    s.advance(60)
    assert triple(status(s, "patch"))[:2] == (False, "not patched, maintenance")
    assert s.submit("host reboot esx-03").accepted
    s.advance(179)
    assert triple(status(s, "patch"))[:2] == (False, "not patched, rebooting")
    s.advance(6)  # boot_s 180 s
    assert triple(status(s, "patch"))[:2] == (False, "patched, maintenance")
    assert s.sim.metrics.patched_at["esx-03"] == pytest.approx(252.0)
    assert s.submit("maintenance exit esx-03").accepted
    s.advance(5)
    st = status(s, "patch")
    assert triple(st) == (True, "patched, on", "patched, on") and st.attainment == 1.0
    # Back into maintenance afterwards: patched, but not in service.
    assert s.submit("maintenance enter esx-03").accepted
    assert triple(status(s, "patch"))[:2] == (False, "patched, maintenance")


def test_host_patched_by_a_deadline_is_frozen_then():
    level = prod([config("patch", "host_patched", host="esx-03", by=400)], end_on_fail=False,
                 duration=900)
    ok = [(10, "power off web-01"), (10, "maintenance enter esx-03"), (70, "host reboot esx-03"),
          (260, "maintenance exit esx-03")]
    s = play(level, [*ok, (500, "maintenance enter esx-03")])
    st = status(s, "patch")
    assert triple(st) == (True, "patched, on", "patched, on") and not st.failed_for_good
    assert st.description == "esx-03 is patched (rebooted in maintenance mode) and back in service by t = 400 s"
    late = [(10, "power off web-01"), (10, "maintenance enter esx-03"), (300, "host reboot esx-03"),
            (500, "maintenance exit esx-03")]
    s = play(level, late)
    st = status(s, "patch")
    assert triple(st) == (False, "not patched, rebooting", "patched, on") and st.failed_for_good


# --------------------------------------------------------------------------- deadlines


def test_by_freezes_the_result_at_the_deadline():
    level = prod([config("ha", "ha_enabled", cluster="prod", by=60)], end_on_fail=False)
    s = play(level, [(30, "ha enable prod"), (120, "ha disable prod")])
    st = status(s, "ha")
    assert triple(st) == (True, "on", "on") and not st.failed_for_good
    assert st.description == "HA is on in prod by t = 60 s"
    s = play(level, [(120, "ha enable prod")], until=100)
    st = status(s, "ha")
    assert triple(st) == (False, "off", "on") and st.failed_for_good
    s = play(level, [], until=55)  # before the deadline: live, not failed yet
    assert not status(s, "ha").met and not status(s, "ha").failed_for_good


def test_a_required_item_missed_at_its_deadline_ends_the_level():
    level = prod([config("ha", "ha_enabled", cluster="prod", by=60, required=True)])
    s = play(level, [])
    assert s.sim.ended_at == 60.0 and s.sim.outcome() == "lost"
    assert [r.kind for r in s.sim.log][-2:] == ["objective_failed", "level_end"]
    level = prod([config("ha", "ha_enabled", cluster="prod", required=True)])
    s = play(level, [(590, "ha enable prod")])
    assert s.sim.outcome() == "won"


# --------------------------------------------------------------------------- progress


def test_assessment_progress_counts_the_config_items():
    level = prod([
        {"id": "cmds", "kind": "max_commands", "target": 5},
        config("ha", "ha_enabled", cluster="prod"),
        config("adm", "admission", cluster="prod"),
        config("db", "ha_priority", vms="db-*", priority="high"),
        config("snap", "no_snapshots"),
    ])
    s = play(level, [], until=10)
    assert obj.assessment_progress(s.sim) == (1, 4)  # no snapshots: met from the start
    s = play(level, [(10, "ha enable prod"), (10, "ha admission prod slots 1")], until=20)
    assert obj.assessment_progress(s.sim) == (3, 4)
    assert obj.assessment_progress(s.sim, s.sim.objective_statuses()) == (3, 4)
    assert obj.assessment_progress(Simulation(prod([]))) == (0, 0)


def test_every_check_of_the_schema_is_implemented():
    assert set(assessment._CHECKS) == set(schema.ConfigCheck.__args__)  # type: ignore[attr-defined]
    assert set(schema.CHECK_KEYS) == set(assessment._CHECKS)


# --------------------------------------------------------------------------- validation

BASE = """\
[level]
id = "t-assess"
title = "Assessment"
duration = 600

[[clusters]]
name = "prod"

[[hosts]]
name = "esx-01"
cluster = "prod"
cores = 8
memory = 64

[[hosts]]
name = "esx-02"
cluster = "prod"
cores = 8
memory = 64

[[hosts]]
name = "esx-03"
cores = 8
memory = 64

[[vms]]
name = "db-01"
host = "esx-01"

[[vms]]
name = "db-02"
host = "esx-02"

[[vms]]
name = "web-01"
host = "esx-03"

[[objectives]]
id = "x"
"""

BAD = [
    ('kind = "config"\n', 'objectives[0]: a config objective needs check', 38),
    ('kind = "config"\ncheck = "ha_on"\n',
     "objectives[0].check: expected one of 'ha_enabled', 'admission', 'drs_enabled', 'rule', "
     "'ha_priority', 'no_snapshots', 'host_patched', 'vsan_data_safe', got 'ha_on'", 41),
    ('kind = "config"\ncheck = "ha_enabled"\n',
     'objectives[0]: check = "ha_enabled" needs cluster', 38),
    ('kind = "config"\ncheck = "ha_enabled"\ncluster = "prd"\n',
     "objectives[0].cluster: no cluster named 'prd' (known: prod)", 42),
    ('kind = "config"\ncheck = "ha_enabled"\ncluster = "prod"\npriority = "high"\n',
     'objectives[0].priority: check = "ha_enabled" does not use it (it takes cluster, by)', 43),
    ('kind = "config"\ncheck = "ha_enabled"\ncluster = "prod"\nvms = "db-*"\n',
     'objectives[0].vms: check = "ha_enabled" does not use it (it takes cluster, by)', 43),
    ('kind = "config"\ncheck = "ha_enabled"\ncluster = "prod"\ntarget = 1\n',
     "objectives[0].target: a config objective is met or not: it takes none", 43),
    ('kind = "config"\ncheck = "ha_enabled"\ncluster = "prod"\nwhen = "always"\n',
     "objectives[0].when: a config objective is judged at the end, or at `by`", 43),
    ('kind = "config"\ncheck = "ha_enabled"\ncluster = "prod"\nby = 900\n',
     "objectives[0].by: 900 s is after the end of the level (level.duration = 600 s)", 43),
    ('kind = "config"\ncheck = "admission"\ncluster = "prod"\nfailures = 2\n',
     "objectives[0].failures: prod has 2 hosts: admission control can reserve for at most "
     "1 host failure, not 2", 43),
    ('kind = "config"\ncheck = "drs_enabled"\ncluster = "prod"\nmode = "auto"\n',
     "objectives[0].mode: expected one of 'manual', 'partial', 'full', got 'auto'", 43),
    ('kind = "config"\ncheck = "rule"\ncluster = "prod"\nvms = "*"\n',
     "objectives[0].vms: vms = '*' (the default) names every VM, and web-01 is on esx-03, which "
     "is not a host of prod (a rule of prod covers only its VMs)", 43),
    ('kind = "config"\ncheck = "rule"\ncluster = "prod"\nvms = "db-01"\nrule_type = "keep-apart"\n',
     "objectives[0].vms: a keep-apart rule covers two or more VMs; 'db-01' matches only db-01", 43),
    ('kind = "config"\ncheck = "rule"\ncluster = "prod"\nvms = "app-*"\n',
     "objectives[0].vms: 'app-*' matches no VM (known: db-01, db-02, web-01)", 43),
    ('kind = "config"\ncheck = "ha_priority"\npriority = "high"\n',
     "objectives[0].vms: web-01 is on esx-03, which is in no cluster (an HA restart priority "
     "needs an HA cluster)", 38),
    ('kind = "config"\ncheck = "host_patched"\n',
     'objectives[0]: check = "host_patched" needs host', 38),
    ('kind = "config"\ncheck = "host_patched"\nhost = "esx-9"\n',
     "objectives[0].host: no host named 'esx-9' (known: esx-01, esx-02, esx-03)", 42),
    ('kind = "config"\ncheck = "ha_enabled"\ncluster = "prod"\nhost = "esx-01"\n',
     'objectives[0].host: check = "ha_enabled" does not use it (it takes cluster, by)', 43),
    ('kind = "config"\ncheck = "host_patched"\nhost = "esx-01"\nvms = "db-*"\n',
     'objectives[0].vms: check = "host_patched" does not use it (it takes host, by)', 43),
    ('kind = "config"\ncheck = "no_snapshots"\nolder_than = -5\n',
     "objectives[0].older_than: must be at least 0, got -5", 42),
    ('kind = "max_cpu_ready"\ntarget = 5\nthreshold = 10\n',
     "objectives[0].threshold: a max_cpu_ready objective does not use it (it takes vms, target, worst)", 42),
    ('kind = "service_uptime"\nservice = "*"\ntarget = 0.9\ncheck = "ha_enabled"\n',
     "objectives[0].check: is for config objectives, not service_uptime", 43),
    ('kind = "cpu_ready_seconds"\ntarget = 60\nworst = 10\n',
     "objectives[0].worst: for cpu_ready_seconds a lower value is better, so worst (10) must be "
     "above target (60)", 42),
    ('kind = "cpu_ready_seconds"\ntarget = 60\nthreshold = 120\n',
     "objectives[0].threshold: must be at most 100, got 120", 42),
    ('kind = "mean_cpu_ready"\nvms = "app-*"\ntarget = 5\n',
     "objectives[0].vms: 'app-*' matches no VM (known: db-01, db-02, web-01)", 41),
    ('kind = "cpu_ready_seconds"\n', "objectives[0]: a cpu_ready_seconds objective needs target", 38),
]


@pytest.mark.parametrize(("tail", "message", "line"), BAD, ids=[m.split(":")[1][:40] for _, m, _ in BAD])
def test_bad_objectives_give_one_line_with_file_and_line(tail: str, message: str, line: int):
    with pytest.raises(LevelError) as info:
        load_level_text(BASE + tail, "t.toml")
    assert str(info.value) == f"t.toml:{line}: {message}"


def test_good_objectives_load():
    tails = [
        'kind = "config"\ncheck = "rule"\ncluster = "prod"\nvms = "db-*"\nrule_type = "keep-apart"\n',
        'kind = "config"\ncheck = "ha_priority"\nvms = "db-*"\npriority = "high"\nby = 300\n',
        'kind = "config"\ncheck = "no_snapshots"\nolder_than = 3600\n',
        'kind = "config"\ncheck = "admission"\ncluster = "prod"\nfailures = 1\n',
        'kind = "config"\ncheck = "ha_enabled"\ncluster = "prod"\nvms = "*"\nwhen = "end"\n',
        'kind = "cpu_ready_seconds"\nvms = "db-*"\nthreshold = 5\ntarget = 60\n',
        'kind = "mean_cpu_ready"\ntarget = 5\n',
        'kind = "config"\ncheck = "host_patched"\nhost = "esx-02"\nby = 500\n',
    ]
    for tail in tails:
        loaded = load_level_text(BASE + tail, "t.toml")
        assert loaded.level.objectives[0].id == "x"
    # Keys written at their defaults change nothing, not even the content hash.
    a = load_level_text(BASE + 'kind = "config"\ncheck = "ha_enabled"\ncluster = "prod"\n', "a")
    b = load_level_text(BASE + tails[4], "b")
    assert a.content_hash == b.content_hash


# --------------------------------------------------------------------------- review tools


def test_report_and_grade_show_the_words_of_config_items(tmp_path):
    """Config (and host_state_by) values are words: the report and the grade show them as
    they are; the ready kinds get their units."""
    from vdc.session import report as rep
    from vdc.session.grade import format_value, grade_one
    from vdc.session.report_html import render
    from vdc.session.runner import result
    from vdc.session.save import load, save

    level = prod([
        config("db", "ha_priority", vms="db-*", priority="high", weight=3),
        config("ha", "ha_enabled", cluster="prod"),
        {"id": "wait", "kind": "cpu_ready_seconds", "target": 30},
        {"id": "state", "kind": "host_state_by", "host": "esx-02", "state": "maintenance",
         "by": 300},
    ], end_on_fail=False)
    s = play(level, [(10, "ha enable prod")])
    path = tmp_path / "run.vdcsave"
    save(s, path, result=result(s))
    report = rep.build(load(path), str(path), reference=False)
    md = rep.markdown(report)
    assert "| ✘ | HA restart priority of db-* is high or higher at the end | medium (db-01) | ≥ high |" in md
    assert "| ✔ | HA is on in prod at the end | on | on |" in md
    assert "| 0 s | 30 s |" in md
    assert "| on | maintenance |" in md
    assert "medium (db-01)" in render(report)
    row = grade_one(str(path))
    assert (row.worst_objective, row.worst_value) == ("db", "medium (db-01)")
    assert format_value("mean_cpu_ready", 2.5) == "2.5 %"
