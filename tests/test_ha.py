"""vSphere HA: admission math, failure detection, restarts, isolation and the ha commands."""

from __future__ import annotations

import copy
import json
import pickle
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import add_vm, base_level, build
from vdc.session.session import Session
from vdc.sim.dispatch import execute
from vdc.sim.engine import Simulation
from vdc.sim.ha import admission
from vdc.sim.ha import agents as ha

# --------------------------------------------------------------------------- admission math


def test_slot_example_of_the_fact_sheet():
    hosts = [(9000, 9), (9000, 6), (6000, 6)]
    vms = [(2000, 1), (2000, 1), (1000, 2), (1000, 1), (1000, 1)]
    rep = admission.slot_report(hosts, vms, overhead=0.0)
    assert (rep.cpu_slot, rep.mem_slot) == (2000, 2)
    assert rep.slots == (4, 3, 3)
    assert rep.failover_capacity == 1


def test_slots_count_unreserved_vms_at_32_mhz():
    assert admission.slot_size([(0, 0), (0, 0)], overhead=0.0) == (32, 0)
    assert admission.slot_size([(0, 1)], overhead=0.5) == (32, 1.5)
    assert admission.failover_capacity([4, 3, 3], 11) == 0
    assert admission.failover_capacity([4, 3, 3], 3) == 2


def test_percent_for_four_equal_hosts_and_one_failure_is_25():
    hosts = [(16000, 64)] * 4
    rep = admission.percent_report(hosts, [(4000, 16)], failures=1)
    assert rep.reserve_cpu_pct == 25.0 and rep.reserve_mem_pct == 25.0
    assert rep.free_cpu_pct == pytest.approx(93.75) and rep.free_mem_pct == pytest.approx(93.75)
    assert admission.auto_reserve_pct([100, 100, 200], 1) == 50.0


# --------------------------------------------------------------------------- levels


def cluster_level(n_hosts: int = 3, ha_cfg: dict[str, Any] | None = None, **meta: Any) -> dict[str, Any]:
    """esx-01 … esx-N (8 × 2,000 MHz, 64 GiB) in cluster prod with HA on, sharing ds-1."""
    lv = base_level(**meta)
    lv["level"]["duration"] = 1800
    lv["clusters"] = [{"name": "prod", "ha": {"enabled": True} | (ha_cfg or {})}]
    lv["hosts"][0]["cluster"] = "prod"
    for k in range(2, n_hosts + 1):
        h = copy.deepcopy(lv["hosts"][0])
        h["name"] = f"esx-{k:02d}"
        lv["hosts"].append(h)
    lv["profiles"][0]["cpu"] = 500
    return lv


def three_vms_on_esx02(lv: dict[str, Any]) -> None:
    add_vm(lv, "low-01", host="esx-02", ha_priority="low", boot_s=30)
    add_vm(lv, "web-01", host="esx-02", boot_s=30)
    add_vm(lv, "db-01", host="esx-02", ha_priority="high", boot_s=60)


def events(sim: Simulation, *kinds: str) -> list[tuple[float, str, str]]:
    return [(r.t, r.kind, r.subject) for r in sim.log if r.kind in kinds]


def placement_delay(seed: int = 7) -> float:
    from vdc.rng import Streams

    return Streams(seed).py("ha:placement").uniform(*ha.PLACEMENT_S)


# --------------------------------------------------------------------------- failures


def test_a_secondary_crash_restarts_its_vms_highest_priority_first():
    lv = cluster_level()
    three_vms_on_esx02(lv)
    lv["events"] = [{"at": 100, "kind": "host_failure", "host": "esx-02"}]
    sim = Simulation(build(lv))
    assert sim.ha.clusters["prod"].primary == "esx-01"
    sim.run_until(1000)
    p = placement_delay()
    assert 10 <= p <= 15
    detected = 100 + ha.DEAD_WITH_HBDS_S
    assert events(sim, "host_failed", "ha_failure_detected") == [
        (100.0, "host_failed", "esx-02"), (detected, "ha_failure_detected", "esx-02")]
    start = round(detected + p, 3)
    started = events(sim, "ha_restart_started")
    # Priority groups one batch apart: high, medium, low.
    assert started == [
        (start, "ha_restart_started", "db-01"),
        (round(start + ha.BATCH_S, 3), "ha_restart_started", "web-01"),
        (round(start + 2 * ha.BATCH_S, 3), "ha_restart_started", "low-01"),
    ]
    back = {s: t for t, _, s in events(sim, "vm_restarted")}
    assert back == {
        "db-01": round(start + 60, 3),
        "web-01": round(start + ha.BATCH_S + 30, 3),
        "low-01": round(start + 2 * ha.BATCH_S + 30, 3),
    }
    assert sim.ha.restarts == 3
    assert all(sim.inv.vms[v].host != "esx-02" and sim.inv.vms[v].power == "on" for v in back)
    tasks = sim.tasks.tasks
    assert [(t.kind, t.subject, t.state) for t in tasks] == [
        ("ha_restart", "db-01", "done"), ("ha_restart", "web-01", "done"), ("ha_restart", "low-01", "done")]
    assert tasks[0].started_at == start and tasks[0].ends_at == pytest.approx(start + 60, abs=1e-3)
    assert ha.host_role(sim, "esx-02") == "dead" and ha.host_role(sim, "esx-03") == "secondary"


def test_without_heartbeat_datastores_a_secondary_is_dead_at_15_s():
    lv = cluster_level()
    lv["datastores"] = [{"name": "ds-1", "capacity": 2000, "iops": 20000, "mbps": 1000,
                         "hosts": ["esx-02"]}]
    add_vm(lv, "x", host="esx-02")
    lv["events"] = [{"at": 100, "kind": "host_failure", "host": "esx-02"}]
    sim = Simulation(build(lv))
    sim.run_until(300)
    assert events(sim, "ha_failure_detected") == [(115.0, "ha_failure_detected", "esx-02")]
    # Its disk lived on a datastore only the dead host mounted: it stays down.
    failed = [r for r in sim.log if r.kind == "ha_restart_failed"]
    assert [r.detail for r in failed] == [
        "HA cannot restart x: its disk is on ds-1, which only esx-02 mounts; it stays down"]
    assert sim.inv.vms["x"].power == "off" and sim.tasks.tasks[0].state == "failed"


def test_the_primary_crash_takes_an_election_and_50_s():
    lv = cluster_level()
    add_vm(lv, "a", host="esx-01")
    lv["events"] = [{"at": 100, "kind": "host_failure", "host": "esx-01"}]
    sim = Simulation(build(lv))
    sim.run_until(400)
    assert events(sim, "ha_primary_elected", "ha_failure_detected") == [
        (125.0, "ha_primary_elected", "esx-02"), (150.0, "ha_failure_detected", "esx-01")]
    assert sim.inv.vms["a"].host in ("esx-02", "esx-03") and sim.ha.restarts == 1
    assert ha.host_role(sim, "esx-02") == "primary"


def test_a_primary_in_maintenance_hands_over_and_joins_again_as_secondary():
    """Issue 12 bug 11: a host in maintenance mode protects nothing and is no primary."""
    from vdc.session.session import Session

    lv = cluster_level()
    add_vm(lv, "a", host="esx-02")
    s = Session(Simulation(build(lv)))
    s.advance_to(10)
    assert ha.host_role(s.sim, "esx-01") == "primary"
    assert s.submit("maintenance enter esx-01").accepted  # no VM on it: in maintenance at once
    assert ha.host_role(s.sim, "esx-01") == "maintenance" and s.sim.ha.clusters["prod"].primary is None
    s.advance_to(10 + ha.ELECTION_DONE_S + 1)
    assert events(s.sim, "ha_primary_elected") == [(10 + ha.ELECTION_DONE_S, "ha_primary_elected", "esx-02")]
    assert ha.host_role(s.sim, "esx-02") == "primary"
    # The slot report counts the hosts that give capacity: esx-01 is not one of them.
    assert "slots 500/500 for 1 VMs" in s.submit("ha admission prod slots 1").message
    assert s.submit("maintenance exit esx-01").accepted
    assert ha.host_role(s.sim, "esx-01") == "secondary" and ha.host_role(s.sim, "esx-02") == "primary"


def test_with_ha_off_the_vms_stay_down():
    lv = cluster_level(ha_cfg={"enabled": False})
    three_vms_on_esx02(lv)
    lv["events"] = [{"at": 100, "kind": "host_failure", "host": "esx-02"}]
    sim = Simulation(build(lv))
    sim.run_until(1700)
    assert events(sim, "ha_failure_detected", "ha_restart_started", "vm_restarted") == []
    assert all(sim.inv.vms[v].power == "off" for v in ("db-01", "web-01", "low-01"))
    assert ha.host_role(sim, "esx-01") == "" and sim.tasks.tasks == []


def test_no_capacity_fails_then_retries_when_a_host_comes_back():
    lv = cluster_level(n_hosts=2)
    add_vm(lv, "big", host="esx-02", mem_reservation=40, memory=48)
    add_vm(lv, "hog", host="esx-01", mem_reservation=40, memory=48)
    lv["events"] = [{"at": 100, "kind": "host_failure", "host": "esx-02", "duration": 300}]
    sim = Simulation(build(lv))
    sim.run_until(200)
    failed = [r.detail for r in sim.log if r.kind == "ha_restart_failed"]
    assert failed == ["HA cannot restart big: esx-01 has 24 GiB unreserved memory; HA will try again"]
    assert sim.tasks.tasks[0].state == "queued"
    sim.run_until(1000)
    # esx-02 came back at 400 and booted (boot_s 120): HA restarted big at once.
    on = [r for r in sim.log if r.kind == "host_on"]
    assert [r.t for r in on] == [400 + sim.inv.hosts["esx-02"].boot_s]
    assert events(sim, "ha_restart_started")[0][0] == on[0].t
    assert sim.inv.vms["big"].power == "on" and sim.tasks.tasks[0].state == "done"


def test_vcenter_is_restarted_by_ha_while_it_is_down():
    lv = cluster_level(vcenter="vcsa")
    add_vm(lv, "vcsa", host="esx-02", boot_s=300, ha_priority="highest")
    lv["events"] = [{"at": 100, "kind": "host_failure", "host": "esx-02"}]
    s = Session(Simulation(build(lv)))
    s.advance_to(130)
    assert s.submit("ha disable prod").message.startswith("vCenter is unavailable")
    assert s.submit("ha priority vcsa high").message.startswith("vCenter is unavailable")
    s.advance_to(1000)
    start = round(118 + placement_delay(), 3)
    assert events(s.sim, "vm_restarted") == [(round(start + 300, 3), "vm_restarted", "vcsa")]
    assert s.submit("ha isolation prod shutdown").accepted


# --------------------------------------------------------------------------- isolation


def isolation_level(response: str, primary: bool = False, tools: bool = True) -> dict[str, Any]:
    lv = cluster_level(ha_cfg={"isolation_response": response})
    host = "esx-01" if primary else "esx-02"
    add_vm(lv, "app-01", host=host, tools=tools, boot_s=40)
    lv["events"] = [{"at": 100, "kind": "host_isolated", "host": host, "duration": 1200}]
    return lv


def test_isolation_with_heartbeats_restarts_nothing_when_the_response_is_none():
    sim = Simulation(build(isolation_level("none")))
    sim.run_until(1000)
    assert events(sim, "ha_host_isolated") == [(130.0, "ha_host_isolated", "esx-02")]
    assert "keep their file locks" in sim.log.of_kind("ha_host_isolated")[0].detail
    assert sim.inv.vms["app-01"].host == "esx-02" and sim.inv.vms["app-01"].power == "on"
    assert sim.ha.restarts == 0 and ha.host_role(sim, "esx-02") == "isolated"


def test_an_isolated_primary_is_declared_at_5_s_and_powered_off_vms_restart():
    sim = Simulation(build(isolation_level("power-off", primary=True)))
    sim.run_until(1000)
    assert events(sim, "ha_host_isolated") == [(105.0, "ha_host_isolated", "esx-01")]
    start = round(105 + placement_delay(), 3)
    assert events(sim, "ha_restart_started", "vm_restarted") == [
        (start, "ha_restart_started", "app-01"), (round(start + 40, 3), "vm_restarted", "app-01")]
    assert sim.inv.vms["app-01"].host == "esx-02"  # esx-02 is elected at 125 and has room
    assert ha.host_role(sim, "esx-02") == "primary"


def test_shutdown_response_waits_for_the_guest_and_powers_off_without_tools():
    sim = Simulation(build(isolation_level("shutdown")))
    sim.run_until(1000)
    down = 130 + ha.GUEST_SHUTDOWN_S
    assert events(sim, "vm_restarted")[0][0] == round(down + placement_delay() + 40, 3)
    sim = Simulation(build(isolation_level("shutdown", tools=False)))
    sim.run_until(1000)
    assert events(sim, "vm_restarted")[0][0] == round(130 + placement_delay() + 40, 3)


# --------------------------------------------------------------------------- admission control


def admission_level(cfg: dict[str, Any], n_hosts: int = 4) -> dict[str, Any]:
    lv = cluster_level(n_hosts=n_hosts, ha_cfg=cfg)
    """db-01 (off, on esx-01) and db-02 … db-N, one per other host, each reserving 52 GiB."""
    add_vm(lv, "db-01", host="esx-01", power="off", memory=52, mem_reservation=52)
    for k in range(2, n_hosts + 1):
        add_vm(lv, f"db-{k:02d}", host=f"esx-{k:02d}", memory=52, mem_reservation=52)
    return lv


def test_percent_admission_refuses_with_the_numbers_and_logs_it():
    sim = Simulation(build(admission_level({"admission": "percent"})))
    v = execute(sim, _cmd("power on db-01"))
    assert not v.accepted
    # 4 × 64 GiB, 4 × 52 GiB reserved: 18.75 % free, 25 % reserved for one failure.
    assert v.message == ("HA admission control: powering on db-01 leaves 19 % of the cluster's memory "
                         "free, 25 % is reserved for 1 host failure")
    sim = Simulation(build(admission_level({"admission": "percent"}, n_hosts=3)))
    v = execute(sim, _cmd("power on db-01"))
    assert v.message == ("HA admission control: powering on db-01 leaves 19 % of the cluster's memory "
                         "free, 33 % is reserved for 1 host failure")
    assert events(sim, "ha_admission_refused") == [(0.0, "ha_admission_refused", "power on")]


def test_percent_with_explicit_cpu_and_memory_percentages():
    sim = Simulation(build(admission_level({}, n_hosts=4)))
    assert execute(sim, _cmd("ha admission prod percent 10 30")).accepted
    v = execute(sim, _cmd("power on db-01"))
    assert v.message == ("HA admission control: powering on db-01 leaves 19 % of the cluster's memory "
                         "free, 30 % is reserved for failures")
    assert execute(sim, _cmd("ha admission prod percent 10 15")).accepted
    assert execute(sim, _cmd("power on db-01")).accepted


def test_slot_admission_refuses_when_failover_capacity_drops():
    sim = Simulation(build(admission_level({"admission": "slots", "failures": 2}, n_hosts=3)))
    v = execute(sim, _cmd("power on db-01"))
    assert v.message == ("HA admission control: powering on db-01 leaves room for 0 host failure(s) "
                         "(3 VMs in slots 1/1/1 of 32 MHz / 52 GiB), 2 required")


def test_failover_hosts_stay_empty_and_take_restarts_first():
    lv = admission_level({"admission": "failover-hosts"}, n_hosts=4)
    sim = Simulation(build(lv))
    assert execute(sim, _cmd("power off db-04")).accepted
    assert execute(sim, _cmd("ha admission prod failover-hosts esx-04")).accepted
    v = execute(sim, _cmd("power on db-01 esx-04"))
    assert v.message == ("HA admission control: esx-04 is a dedicated failover host of prod, "
                         "kept empty for host failures")
    assert execute(sim, _cmd("power on db-01")).accepted
    sim.fail_host("esx-03")
    sim.run_until(200)
    assert sim.inv.vms["db-03"].host == "esx-04"


def test_ha_restarts_metric_and_events_in_vdc_run_json(tmp_path):
    from vdc.cli import main

    lv = cluster_level()
    three_vms_on_esx02(lv)
    lv["events"] = [{"at": 100, "kind": "host_failure", "host": "esx-02"}]
    lv["level"]["duration"] = 400
    path = tmp_path / "ha.toml"
    path.write_text(_toml(lv))
    out = CliRunner().invoke(main, ["run", str(path), "--json", "--events"])
    assert out.exit_code in (0, 1), out.output
    data = json.loads(out.output)
    assert data["metrics"]["ha_restarts"] == 3
    kinds = {e["kind"] for e in data["events"]}
    assert {"host_failed", "ha_failure_detected", "ha_restart_started", "vm_restarted"} <= kinds


def _value(x: Any) -> str:
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, dict):
        return "{ " + ", ".join(f"{k} = {_value(v)}" for k, v in x.items()) + " }"
    if isinstance(x, list):
        return "[" + ", ".join(_value(v) for v in x) + "]"
    return json.dumps(x)


def _toml(lv: dict[str, Any]) -> str:
    """A level dict as TOML: [level] then arrays of tables with inline values."""
    out = ["[level]"] + [f"{k} = {_value(v)}" for k, v in lv["level"].items()]
    for key, rows in lv.items():
        if key == "level":
            continue
        for row in rows:
            out += ["", f"[[{key}]]"] + [f"{k} = {_value(v)}" for k, v in row.items()]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- commands


def _cmd(text: str):
    from vdc.sim.commands import parse

    return parse(text)


def test_ha_commands_change_the_settings():
    sim = Simulation(build(admission_level({"enabled": False})))
    assert ha.host_role(sim, "esx-01") == ""
    v = execute(sim, _cmd("ha enable prod"))
    assert v.message == "HA is on for prod; primary esx-01"
    assert [ha.host_role(sim, h) for h in ("esx-01", "esx-02")] == ["primary", "secondary"]
    assert execute(sim, _cmd("ha admission prod slots 1")).message == (
        "HA admission control of prod: slots; slot 32 MHz / 52 GiB, slots 1/1/1/1 for 3 VMs, "
        "failover capacity 1 host(s)")
    assert execute(sim, _cmd("ha priority db-01 highest")).message == "db-01 restart priority medium → highest"
    assert sim.inv.vms["db-01"].ha_priority == "highest"
    assert execute(sim, _cmd("ha isolation prod power-off")).accepted
    assert sim.inv.clusters["prod"].ha.isolation_response == "power-off"
    assert execute(sim, _cmd("ha admission prod disabled")).accepted
    v = execute(sim, _cmd("ha disable prod"))
    assert v.message == "HA is off for prod: failed hosts' VMs stay down until you act"


@pytest.mark.parametrize(
    ("setup", "text", "reason"),
    [
        ([], "ha enable prod", "HA is already on for prod"),
        (["ha disable prod"], "ha disable prod", "HA is already off for prod"),
        ([], "ha enable nope", "no cluster named 'nope'"),
        ([], "ha isolation prod none", "prod's isolation response is already none"),
        ([], "ha priority db-02 medium", "db-02's restart priority is already medium"),
        ([], "ha admission prod disabled 3", "ha admission CLUSTER disabled takes no values"),
        ([], "ha admission prod slots", "ha admission CLUSTER slots takes the number of host failures to tolerate"),
        ([], "ha admission prod slots 9", "host failures to tolerate must be between 1 and 3, got 9"),
        ([], "ha admission prod slots 1.5", "host failures to tolerate must be a whole number, got 1.5"),
        ([], "ha admission prod slots x", "host failures to tolerate must be a number, got 'x'"),
        ([], "ha admission prod percent 1 2 3", "ha admission CLUSTER percent takes FAILURES, or CPU% and MEM%"),
        ([], "ha admission prod percent 10 120", "the memory percentage must be between 0 and 100, got 120"),
        ([], "ha admission prod failover-hosts", "ha admission CLUSTER failover-hosts takes one or more host names"),
        ([], "ha admission prod failover-hosts esx-09", "no host named 'esx-09' (did you mean esx-04?)"),
        ([], "ha admission prod failover-hosts solo", "solo is not a host of prod"),
        ([], "ha admission prod failover-hosts esx-02", "esx-02 runs VMs; a failover host must be empty (move them first)"),
        ([], "ha admission prod failover-hosts esx-01 esx-02 esx-03 esx-04",
         "prod has 4 hosts; at least one must stay for the VMs"),
        ([], "ha priority lone medium", "lone runs on solo, which is in no cluster, so HA does not protect it"),
    ],
)
def test_every_ha_rejection(setup: list[str], text: str, reason: str):
    lv = admission_level({}, n_hosts=4)
    solo = copy.deepcopy(lv["hosts"][0])
    solo["name"] = "solo"
    del solo["cluster"]
    lv["hosts"].append(solo)
    add_vm(lv, "lone", host="solo")
    sim = Simulation(build(lv))
    for s in setup:
        assert execute(sim, _cmd(s)).accepted
    v = execute(sim, _cmd(text))
    assert (v.accepted, v.message) == (False, reason)


def test_ha_commands_need_the_licence():
    sim = Simulation(build(admission_level({}, n_hosts=3) | {}))
    sim.edition = "essentials"
    v = execute(sim, _cmd("ha enable prod"))
    assert v.message.startswith("the essentials licence does not include vSphere HA")


# --------------------------------------------------------------------------- copies


def test_a_copied_simulation_restarts_the_same_way():
    lv = cluster_level()
    three_vms_on_esx02(lv)
    lv["events"] = [{"at": 100, "kind": "host_failure", "host": "esx-02"},
                    {"at": 500, "kind": "host_isolated", "host": "esx-01", "duration": 300}]
    lv["clusters"][0]["ha"]["isolation_response"] = "power-off"
    a = Session(Simulation(build(lv)))
    a.advance_to(125)  # detected, placement pending
    copies = [pickle.loads(pickle.dumps(a)), copy.deepcopy(a)]
    a.advance_to(1800)
    for c in copies:
        c.advance_to(1800)
        assert c.sim.digests == a.sim.digests
        assert [r.as_dict() for r in c.sim.log] == [r.as_dict() for r in a.sim.log]
    assert a.sim.ha.restarts >= 3


@pytest.mark.parametrize(
    "text",
    ["ha enable prod", "ha disable prod", "ha admission prod slots 1", "ha priority db-02 high",
     "ha isolation prod shutdown"],
)
def test_cluster_configuration_is_refused_while_vcenter_is_down(text: str):
    lv = admission_level({"enabled": "disable" in text}, n_hosts=3)
    lv["level"]["vcenter"] = "vcsa"
    add_vm(lv, "vcsa", host="esx-01", power="off")
    sim = Simulation(build(lv))
    v = execute(sim, _cmd(text))
    assert (v.accepted, v.message) == (False, "vCenter is unavailable: its appliance vcsa is powered off")


def test_ha_runs_the_same_however_time_is_sliced():
    lv = cluster_level()
    three_vms_on_esx02(lv)
    lv["events"] = [{"at": 100, "kind": "host_failure", "host": "esx-02", "duration": 200},
                    {"at": 600, "kind": "host_isolated", "host": "esx-01", "duration": 300}]
    lv["clusters"][0]["ha"]["isolation_response"] = "shutdown"
    one = Simulation(build(lv))
    one.run_until(1800)
    sliced = Simulation(build(lv))
    t = 0.0
    while t < 1800:
        t += 7.3
        sliced.run_until(t)
    assert one.digests == sliced.digests and one.ha.restarts == sliced.ha.restarts >= 3
    assert [r.as_dict() for r in one.log] == [r.as_dict() for r in sliced.log]
