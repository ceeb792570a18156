"""Alarms from state (vdc/session/alarms.py): each says the first thing to try."""

from __future__ import annotations

import copy

from tests.conftest import add_vm, base_level, build
from vdc.scenario.loader import load_level
from vdc.scenario.paths import find_level, levels_dir
from vdc.session.actions import load_actions
from vdc.session.alarms import STUCK_S, AlarmWatch, active_alarms, keep_apart_hints
from vdc.session.session import Session
from vdc.sim.commands import parse
from vdc.sim.engine import Simulation


def two_hosts(**events) -> dict:
    lv = base_level()
    second = copy.deepcopy(lv["hosts"][0])
    second["name"] = "esx-02"
    lv["hosts"].append(second)
    lv["profiles"][0]["cpu"] = 1000
    add_vm(lv, "app-01", vcpu=2)
    add_vm(lv, "web-01", vcpu=2, host="esx-02")
    lv["services"] = [{"name": "shop", "tiers": [{"name": "web", "vms": ["web-01"]},
                                                 {"name": "app", "vms": ["app-01"]}]}]
    return lv


def test_a_bad_change_with_a_snapshot_says_revert_it() -> None:
    lv = two_hosts()
    lv["events"] = [{"at": 60, "kind": "bad_change", "vm": "app-01"}]
    s = Session(Simulation(build(lv)))
    s.sim.run_until(10)
    assert s.submit(parse("snapshot create app-01 pre-change")).accepted
    s.sim.run_until(90)
    alarms = {a.key: a for a in active_alarms(s.sim.view())}
    bad = alarms["bad:app-01"]
    assert (bad.severity, bad.text) == ("critical", "bad change on app-01: its application serves nothing")
    assert bad.fix == ("revert it to its snapshot from before the change "
                       "(`snapshot revert app-01 pre-change`) or fix it")
    assert alarms["down:shop"].text == "service shop down: tier app down"
    assert alarms["down:shop"].fix == "app-01 has a bad change: see its alarm"
    # Reverting undoes the change; a snapshot without memory leaves the VM off: power it on.
    assert s.submit(parse("snapshot revert app-01 pre-change")).accepted
    s.sim.run_until(120)
    alarms = {a.key: a for a in active_alarms(s.sim.view())}
    assert "bad:app-01" not in alarms
    assert alarms["down:shop"].fix == "app-01 (powered off): power it on (`power on app-01`)"


def test_a_vm_stuck_unhealthy_is_raised_after_two_minutes_with_its_fix() -> None:
    lv = two_hosts()
    lv["events"] = [{"at": 30, "kind": "host_failure", "host": "esx-02"}]
    sim = Simulation(build(lv))
    watch = AlarmWatch()
    stuck_at = None
    for t in range(0, 400, 5):
        sim.run_until(t)
        watch.update(sim.view())
        if any(a.key == "stuck:web-01" for a in watch.raised):
            stuck_at = t
    assert watch.since["web-01"] <= 35
    assert stuck_at is not None and STUCK_S <= stuck_at - watch.since["web-01"] < STUCK_S + 5
    stuck = next(a for a in watch.alarms if a.key == "stuck:web-01")
    assert stuck.text.startswith("VM web-01 not healthy for ")
    assert stuck.text.endswith(" min: host failed")
    assert stuck.fix == "start it on a running host (`power on web-01 esx-01`)"
    # A raised alarm is raised once; it stays in `alarms` while it lasts.
    sim.run_until(405)
    watch.update(sim.view())
    assert not any(a.key == "stuck:web-01" for a in watch.raised)
    rec = watch.record(stuck, 405.0)
    assert rec.severity == "warning" and rec.subject == stuck.text
    assert rec.detail == "→ try: start it on a running host (power on web-01 esx-01)"


def test_drs_stacking_a_tier_on_one_host_hints_a_keep_apart_rule() -> None:
    """Level 05 played naively: DRS moves db-02 next to db-01 on esx-01."""
    lvl = load_level(find_level("05")).level
    s = Session(Simulation(lvl))
    for a in load_actions(levels_dir() / "solutions/05-let-drs-drive.naive.txt"):
        s.sim.run_until(a.t)
        s.submit(a.command)
    s.sim.run_until(60)
    assert keep_apart_hints(s.sim.view()) == []  # not yet on one host
    s.sim.run_until(120)
    (hint,) = keep_apart_hints(s.sim.view())
    assert hint.text == ("db-01 and db-02 (shop db) all run on esx-01: one host failure takes "
                         "the tier down")
    assert hint.fix == "keep them apart (`drs rule add prod shop-db-apart keep-apart db-01 db-02`)"
    assert s.submit(parse("drs rule add prod shop-db-apart keep-apart db-01 db-02")).accepted
    assert keep_apart_hints(s.sim.view()) == []


def _starved_alarm(lv: dict, t: float = 200):
    s = Session(Simulation(build(lv)))
    s.sim.run_until(t)
    return {a.key: a for a in active_alarms(s.sim.view())}


def test_a_strict_host_points_at_its_widest_vm_not_the_starved_one() -> None:
    """Level 12's case: the small VMs starve because the wide one holds every core; moving a
    small one would not help, so the fix names the wide VM and a relaxed host."""
    level = load_level(find_level("12-wide-vms")).level
    s = Session(Simulation(level))
    s.sim.run_until(200)
    fixes = [a.fix for a in active_alarms(s.sim.view()) if a.key == "down:ledger"]
    assert fixes and "): ledger-db needs 4 of esx-legacy's 4 cores free at once (strict" in fixes[0]
    assert "`vmotion ledger-db esx-new`" in fixes[0] and "`vm set ledger-db cpu 2`" in fixes[0]


def test_a_saturated_guest_is_told_to_get_more_vcpus() -> None:
    lv = two_hosts()
    lv["profiles"][0]["cpu"] = 8000  # 2 vCPUs × 2,000 MHz give 4,000
    alarms = _starved_alarm(lv)
    fix = next(a.fix for a in alarms.values() if "app-01" in a.fix or "web-01" in a.fix)
    assert "): its vCPUs, not the host, are short: give it more (`vm set " in fix
    assert "cpu 4`" in fix


def test_a_pruned_vlan_suggests_net_trunk_and_a_black_hole_beacons() -> None:
    from levelrun import LevelRun

    r = LevelRun("13-vlan-trouble").to(620)
    alarms = {a.key: a for a in active_alarms(r.sim.view())}
    vlan = alarms["vlan:esx-02:120"]
    assert (vlan.severity, vlan.text) == (
        "critical", "VLAN 120 (app) not trunked on esx-02/vmnic1: VMs sending there cut off")
    assert vlan.fix == "allow it on the switch port (`net trunk esx-02 vmnic1 add 120`)"
    r.to(1820)
    alarms = {a.key: a for a in active_alarms(r.sim.view())}
    hole = alarms["hole:esx-01:vmnic0"]
    assert hole.text == "uplink esx-01/vmnic0 black-holed: link up, traffic lost beyond the switch"
    assert hole.fix == ("beacon probing (`net teaming esx-01 vSwitch0 policy port-id --detection "
                        "beacon`) or pull it (`net uplink esx-01 vmnic0 down`)")
    assert not [k for k in alarms if k.startswith("vlan:esx-01")]  # the black hole says it


def test_a_cut_vm_in_a_down_tier_is_told_the_network_fix() -> None:
    from levelrun import LevelRun

    r = LevelRun("13-vlan-trouble").to(620)
    down = {a.key: a for a in active_alarms(r.sim.view())}["down:shop"]
    assert down.fix == ("app-01 (network cut (VLAN not carried)): VLAN 120 is not trunked on "
                        "esx-02/vmnic1: allow it (`net trunk esx-02 vmnic1 add 120`)")
    r = LevelRun("13-vlan-trouble", "630 net trunk esx-02 vmnic1 add 120\n").to(1820)
    down = {a.key: a for a in active_alarms(r.sim.view())}["down:shop"]
    assert down.fix.startswith("fw-01 (network cut (VLAN not carried)): its uplink vmnic0 loses "
                               "its traffic beyond the switch: beacon probing (`net teaming esx-01 "
                               "vSwitch0 policy port-id --detection beacon`) or move it (`vmotion fw-01 esx-")


def test_a_service_down_for_a_p2v_cutover_says_wait() -> None:
    s = Simulation(load_level(find_level("09-consolidation")).level)
    s.run_until(5)
    assert dispatch_ok(s, "p2v dns-srv esx-01 ds-shared")
    s.run_until(230)  # 204.8 s of copy, then the cutover
    down = {a.key: a for a in active_alarms(s.view())}["down:dns"]
    assert down.fix == ("dns-srv (being converted (P2V)): wait: the P2V cutover ends with its VM "
                        "booting (the Tasks panel, 8, has the ETA)")


def dispatch_ok(sim: Simulation, text: str) -> bool:
    from vdc.sim import dispatch

    return dispatch.execute(sim, parse(text)).accepted


def _alarms_at(level: str, t: float) -> dict:
    sim = Simulation(load_level(find_level(level)).level)
    sim.run_until(t)
    return {a.key: a for a in active_alarms(sim.view())}


def test_a_busy_host_names_a_vm_that_fits_elsewhere_and_where() -> None:
    """Level 02 at 25 min: esx-01 is at 152 %; shop-web-02 (7,034 MHz) fits on esx-02."""
    cpu = _alarms_at("02-flash-sale", 1500)["cpu:esx-01"]
    assert cpu.fix == ("move shop-web-02 (7,034 MHz wanted) to esx-02, which has room "
                       "(`vmotion shop-web-02 esx-02`), or let DRS balance")


def test_a_busy_host_whose_vms_fit_nowhere_says_moving_one_moves_the_problem() -> None:
    """Level 10: the reports batch wants all of esx-01 (16,000 MHz each); esx-02, where the
    shop runs, would be starved by one: the alarm no longer suggests moving it there."""
    cpu = _alarms_at("10-appliance-day", 1500)["cpu:esx-01"]
    assert "vmotion" not in cpu.fix
    assert cpu.fix.startswith("no other host has room for one of its VMs (reports-0")
    assert "wants 16,000 MHz): moving one moves the problem" in cpu.fix


def test_a_service_down_for_an_empty_tier_says_put_a_vm_in_it() -> None:
    down = _alarms_at("10-appliance-day", 300)["down:shop"]
    assert (down.text, down.fix) == ("service shop down: tier lb down",
                                     "tier lb has no VM: put one in it (`vm service VM shop lb`)")
