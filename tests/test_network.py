"""Networking (issue 14): NIC teams (failover, detection, policies), trunks and port groups,
the `net …` and `vm nic` commands, the upstream_down and trunk_prune events — in numbers."""

from __future__ import annotations

import re

import pytest
from conftest import add_vm, base_level, build
from pydantic import ValidationError

from vdc.session.session import Session
from vdc.sim import netpath
from vdc.sim.engine import Simulation
from vdc.sim.network import faults


def _level(*, standby: bool = True, detection: str = "link", **net) -> dict:
    """esx-01 and esx-02, each with vmnic0 (active) and vmnic1 (standby, or active too) on
    vSwitch0 with port groups prod (VLAN 100) and dev (VLAN 200); web-01 on prod and dev-01 on
    dev on esx-01, web-02 on prod on esx-02; the shop is web-01 alone."""
    lv = base_level(duration=600)
    lv["hosts"].append(dict(lv["hosts"][0], name="esx-02"))
    vs = lv["networks"][0]
    vs["portgroups"].append({"name": "dev", "vlan": 200})
    if standby:
        vs |= {"active": ["vmnic0"], "standby": ["vmnic1"]}
    vs |= {"detection": detection} | net
    lv["profiles"].append(dict(lv["profiles"][0], name="light", cpu=500))
    add_vm(lv, "web-01", vcpu=1, memory=2, profile="light")
    add_vm(lv, "dev-01", vcpu=1, memory=2, profile="light", nics=[{"portgroup": "dev"}])
    add_vm(lv, "web-02", vcpu=1, memory=2, profile="light", host="esx-02")
    lv["services"] = [{"name": "shop", "tiers": [{"name": "web", "vms": ["web-01"]}]}]
    return lv


def _reach(sim: Simulation, vm: str) -> bool:
    inv = sim.inv
    return netpath.vm_path(inv, inv.vms[vm], list(inv.vms).index(vm))[0]


def _uplink_of(sim: Simulation, vm: str) -> tuple[str, ...]:
    inv = sim.inv
    return netpath.nic_path(inv, inv.vms[vm], 0, list(inv.vms).index(vm)).uplinks


def _event(lv: dict, **e) -> None:
    lv.setdefault("events", []).append(e)


# ------------------------------------------------------------------ failover and detection
def test_a_lost_link_fails_over_to_the_standby_within_a_second():
    lv = _level()
    _event(lv, at=100, kind="uplink_down", host="esx-01", uplink="vmnic0", duration=200)
    sim = Simulation(build(lv))
    sim.run_until(99)
    assert _uplink_of(sim, "web-01") == ("vmnic0",) and _reach(sim, "web-01")
    sim.run_until(100.9)  # the team has not noticed yet: web-01's frames go to a dead port
    assert _uplink_of(sim, "web-01") == ("vmnic0",) and not _reach(sim, "web-01")
    sim.run_until(101.01)
    assert _uplink_of(sim, "web-01") == ("vmnic1",) and _reach(sim, "web-01")
    (ev,) = [e for e in sim.log if e.kind == "team_failover"]
    assert ev.t == pytest.approx(100 + faults.LINK_DETECT_S)
    assert ev.detail == "esx-01 failed over from vmnic0 (link down) to vmnic1"
    sim.run_until(300.5)  # the link is back: failback at once
    assert _uplink_of(sim, "web-01") == ("vmnic0",)
    assert [e.kind for e in sim.log if e.kind.startswith("team_")] == ["team_failover", "team_failback"]


def test_link_status_misses_an_upstream_failure_and_beacon_probing_catches_it_in_3_s():
    def run(detection: str) -> Session:
        lv = _level(detection=detection, uplinks=["vmnic0", "vmnic1"])
        lv["hosts"][0]["nics"].append({"name": "vmnic2", "speed": 10000})
        lv["hosts"][1]["nics"].append({"name": "vmnic2", "speed": 10000})
        lv["networks"][0] |= {"uplinks": ["vmnic0", "vmnic1", "vmnic2"], "standby": ["vmnic1", "vmnic2"]}
        _event(lv, at=102, kind="upstream_down", host="esx-01", uplink="vmnic0")
        return Session(Simulation(build(lv)))

    link, beacon = run("link"), run("beacon")
    for s in (link, beacon):
        s.advance_to(104.9)
        assert not _reach(s.sim, "web-01")  # link up, traffic lost upstream
    beacon.advance_to(105.01)  # 3 missed beacons
    assert _reach(beacon.sim, "web-01") and _uplink_of(beacon.sim, "web-01") == ("vmnic1",)
    link.advance_to(600)
    beacon.advance_to(600)
    assert not _reach(link.sim, "web-01") and _uplink_of(link.sim, "web-01") == ("vmnic0",)
    assert any(e.kind == "traffic_lost" and "web-01" in e.detail for e in link.sim.log)
    # Samples every 5 s: link status loses the shop from t = 105 to the end; beacons one sample.
    link_down = float(link.sim.metrics.service_down[0])
    beacon_down = float(beacon.sim.metrics.service_down[0])
    assert link_down == pytest.approx(600 - 105, abs=5) and beacon_down <= 5.0


def test_the_player_pulls_a_black_holed_uplink_and_the_team_fails_over():
    lv = _level()
    _event(lv, at=50, kind="upstream_down", host="esx-01", uplink="vmnic0")
    s = Session(Simulation(build(lv)))
    s.advance_to(60)
    assert not _reach(s.sim, "web-01")
    rec = s.submit("net uplink esx-01 vmnic0 down")
    assert rec.accepted and "fails over within 1 s" in rec.message
    s.advance(1.01)
    assert _reach(s.sim, "web-01") and _uplink_of(s.sim, "web-01") == ("vmnic1",)


def test_switching_to_beacon_probing_finds_a_silent_failure_3_s_later():
    lv = _level(uplinks=["vmnic0", "vmnic1"])
    _event(lv, at=50, kind="upstream_down", host="esx-01", uplink="vmnic0")
    s = Session(Simulation(build(lv)))
    s.advance_to(60)
    rec = s.submit("net teaming esx-01 vSwitch0 policy port-id --detection beacon")
    assert rec.accepted
    assert 'beacon probing with 2 uplinks cannot tell which one failed ("shotgun"' in rec.message
    s.advance(2.9)
    assert not _reach(s.sim, "web-01")
    s.advance(0.2)
    assert _reach(s.sim, "web-01")


# ------------------------------------------------------------------ policies and load
def _heavy(policy_keys: dict) -> Simulation:
    """web-01 sends 15,000 Mbit/s over two 10 GbE uplinks, both active."""
    lv = _level(standby=False, **policy_keys)
    lv["profiles"].append(dict(lv["profiles"][0], name="stream", cpu=500, net=15000))
    lv["vms"][0]["profile"] = "stream"
    sim = Simulation(build(lv))
    sim.run_until(30)
    return sim


def test_port_id_keeps_one_vm_to_one_uplink_and_ip_hash_spreads_it():
    s = _heavy({})
    i = s.sampler.vm_index["web-01"]
    assert float(s.sampler.vm_f_net[i]) == pytest.approx(10000 / 15000)
    assert not s.sampler.vm_healthy[i] and not s.metrics.service_now[0]
    mac = _heavy({"policy": "mac-hash"})
    assert float(mac.sampler.vm_f_net[i]) == pytest.approx(10000 / 15000)
    ip = _heavy({"policy": "ip-hash", "ether_channel": True})
    assert float(ip.sampler.vm_f_net[i]) == pytest.approx(1.0) and ip.sampler.vm_healthy[i]
    # The command does the same when the switch has the EtherChannel.
    s = Session(_heavy({"ether_channel": True}))
    assert s.submit("net teaming esx-01 vSwitch0 policy ip-hash").accepted
    s.advance(10)
    assert float(s.sim.sampler.vm_f_net[i]) == pytest.approx(1.0)


def test_explicit_order_sends_everything_over_the_first_uplink():
    lv = _level(standby=False, policy="explicit")
    lv["profiles"].append(dict(lv["profiles"][0], name="six", cpu=500, net=6000))
    for v in lv["vms"][:2]:
        v["profile"] = "six"
    sim = Simulation(build(lv))
    sim.run_until(30)
    assert _uplink_of(sim, "web-01") == _uplink_of(sim, "dev-01") == ("vmnic0",)
    # 12,000 Mbit/s on esx-01 over one 10 GbE uplink.
    assert float(sim.sampler.host_net_cap[0]) == 10000
    assert float(sim.sampler.vm_f_net[0]) == pytest.approx(10000 / 12000)


def test_port_id_pins_nics_round_robin_over_the_active_uplinks():
    sim = Simulation(build(_level(standby=False)))
    # Port numbers 0 (web-01) and 8 (dev-01) → vmnic0, and 16 (web-02, on esx-02) → vmnic0.
    assert [_uplink_of(sim, v) for v in ("web-01", "dev-01")] == [("vmnic0",), ("vmnic0",)]
    add = _level(standby=False)
    add_vm(add, "x", nics=[{"portgroup": "prod"}, {"portgroup": "prod"}])
    sim = Simulation(build(add))
    inv = sim.inv
    paths = [netpath.nic_path(inv, inv.vms["x"], k, 3).uplinks for k in (0, 1)]
    assert paths == [("vmnic0",), ("vmnic1",)]  # ports 24 and 25


# ------------------------------------------------------------------ trunks and port groups
def test_a_pruned_vlan_cuts_exactly_the_vms_on_it_on_that_host():
    lv = _level(standby=False)
    _event(lv, at=50, kind="trunk_prune", host="esx-01", vlan=100)
    s = Session(Simulation(build(lv)))
    s.advance_to(60)
    reach = {v: _reach(s.sim, v) for v in ("web-01", "dev-01", "web-02")}
    assert reach == {"web-01": False, "dev-01": True, "web-02": True}
    (ev,) = [e for e in s.sim.log if e.kind == "trunk_prune"]
    assert ev.detail.endswith("esx-01 vmnic0, vmnic1: web-01 cut off")
    # Allowing it back on vmnic0 only fixes the NICs pinned there.
    rec = s.submit("net trunk esx-01 vmnic0 add 100")
    assert rec.accepted and "cut off" not in rec.message
    assert _reach(s.sim, "web-01")
    assert not s.sim.inv.hosts["esx-01"].nics["vmnic1"].trunks(100)
    s.advance(10)
    assert bool(s.sim.sampler.vm_reachable[0])


def test_net_trunk_remove_cuts_the_pinned_vms_and_port_groups_change_vlan():
    s = Session(Simulation(build(_level())))
    rec = s.submit("net trunk esx-01 vmnic0 remove 200")
    assert rec.accepted and rec.message.endswith("cut off now: dev-01")
    s.advance(5)
    assert not bool(s.sim.sampler.vm_reachable[1]) and bool(s.sim.sampler.vm_reachable[0])
    rec = s.submit("net portgroup esx-01 dev vlan 100")
    assert rec.accepted and "VLAN 200 → 100, trunked on vmnic0, vmnic1" in rec.message
    s.advance(5)
    assert bool(s.sim.sampler.vm_reachable[1])


def test_vm_nic_moves_a_nic_to_another_port_group():
    lv = _level()
    lv["hosts"][0]["nics"][0]["vlans"] = [100]
    lv["hosts"][0]["nics"][1]["vlans"] = [100]
    s = Session(Simulation(build(lv)))
    s.advance(10)
    assert not bool(s.sim.sampler.vm_reachable[1])  # dev (VLAN 200) is not trunked on esx-01
    rec = s.submit("vm nic dev-01 1 prod")
    assert rec.accepted and rec.message == "dev-01's NIC 1: dev → prod; it sends over vmnic0"
    s.advance(5)
    assert bool(s.sim.sampler.vm_reachable[1])


def test_vmotion_follows_the_team_of_its_vmkernel_port():
    lv = _level()
    lv["networks"][0]["portgroups"].append({"name": "vmk", "vlan": 20, "vmkernel": "vmotion"})
    lv["hosts"][0]["nics"][1]["speed"] = 1000
    s = Session(Simulation(build(lv)))
    from vdc.sim.moves.links import vmotion_link
    h = s.sim.inv.hosts["esx-01"]
    assert vmotion_link(h) == 10000
    s.submit("net uplink esx-01 vmnic0 down")
    s.advance(1.01)
    assert vmotion_link(h) == 1000  # failed over to the 1 GbE standby


# ------------------------------------------------------------------ refusals and level keys
@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("net uplink esx-01 vmnic9 down", "esx-01 has no uplink 'vmnic9' (it has vmnic0, vmnic1)"),
        ("net uplink esx-01 vmnic0 up", "esx-01 vmnic0 is already up"),
        ("net uplink esx-9 vmnic0 up", "no host named 'esx-9' (did you mean esx-02?)"),
        ("net portgroup esx-01 test vlan 5", "esx-01 has no port group 'test' (it has prod, dev)"),
        ("net portgroup esx-01 prod vlan 100", "port group prod on esx-01 is already on VLAN 100"),
        ("net portgroup esx-01 prod vlan 4095",
         "VLAN 4095 (guest tagging) is not simulated; use a VLAN from 0 to 4094"),
        ("net trunk esx-01 vmnic0 add 100", "the switch port of esx-01 vmnic0 already allows VLAN 100"),
        ("net teaming esx-01 vs9 policy port-id", "esx-01 has no vSwitch 'vs9' (it has vSwitch0)"),
        ("net teaming esx-01 vSwitch0 policy port-id --active vmnic7",
         "vmnic7 is not an uplink of vSwitch0 on esx-01 (its uplinks: vmnic0, vmnic1)"),
        ("net teaming esx-01 vSwitch0 policy port-id --active vmnic0 --standby vmnic0",
         "vmnic0 cannot be both active and standby"),
        ("net teaming esx-01 vSwitch0 policy port-id --standby vmnic0 vmnic1",
         "vSwitch0 on esx-01 needs at least one active uplink"),
        ("net teaming esx-01 vSwitch0 policy ip-hash --active vmnic0 vmnic1",
         "ip-hash needs a static EtherChannel on the physical switch ports of vSwitch0's uplinks "
         "(vmnic0, vmnic1), and esx-01's switch has none: use port-id or mac-hash"),
        ("net teaming esx-01 vSwitch0 policy port-id", "vSwitch0 on esx-01 already has these teaming settings"),
        ("vm nic web-01 2 prod", "web-01 has 1 network adapter; NIC 2 does not exist"),
        ("vm nic web-01 1 lab", "esx-01, where web-01 is, has no port group 'lab' (it has prod, dev)"),
        ("vm nic web-01 1 prod", "web-01's NIC 1 is already on prod"),
    ],
)
def test_network_refusals(text, reason):
    s = Session(Simulation(build(_level())))
    rec = s.submit(text)
    assert not rec.accepted and rec.message == reason


def test_a_trunk_change_that_changes_nothing_is_refused():
    s = Session(Simulation(build(_level())))
    assert s.submit("net trunk esx-01 vmnic0 remove 7").accepted  # from "every VLAN"
    rec = s.submit("net trunk esx-01 vmnic0 remove 7")
    assert rec.message == "the switch port of esx-01 vmnic0 does not allow VLAN 7"
    assert s.submit("net trunk esx-01 vmnic0 add 7").accepted
    assert s.sim.inv.hosts["esx-01"].nics["vmnic0"].pruned == ()


def test_ip_hash_refusals_with_an_ether_channel():
    s = Session(Simulation(build(_level(ether_channel=True))))
    rec = s.submit("net teaming esx-01 vSwitch0 policy ip-hash")
    assert rec.message == "ip-hash sends on every uplink of the EtherChannel: vmnic1 cannot be standby"
    rec = s.submit("net teaming esx-01 vSwitch0 policy ip-hash --active vmnic0 vmnic1 --detection beacon")
    assert rec.message == "ip-hash does not work with beacon probing: use --detection link"


@pytest.mark.parametrize(
    ("keys", "error"),
    [
        ({"active": ["vmnic5"]}, "active names vmnic5, not among uplinks (vmnic0, vmnic1)"),
        ({"active": ["vmnic0"], "standby": ["vmnic0"]}, "vmnic0 cannot be both active and standby"),
        ({"policy": "ip-hash"}, 'policy = "ip-hash" needs ether_channel = true'),
        ({"policy": "ip-hash", "ether_channel": True, "standby": ["vmnic1"]}, "takes no standby"),
        ({"policy": "ip-hash", "ether_channel": True, "detection": "beacon"}, "does not work with"),
    ],
)
def test_team_level_keys_are_checked(keys, error):
    lv = _level(standby=False)
    lv["networks"][0] |= keys
    with pytest.raises(ValidationError, match=re.escape(error)):
        build(lv)


def test_default_team_is_every_uplink_active_and_keeps_vlans_on_their_trunks():
    lv = base_level()
    lv["hosts"][0]["nics"] = [{"name": "vmnic0", "vlans": [10]}, {"name": "vmnic1", "vlans": [100]}]
    add_vm(lv, "a")
    sim = Simulation(build(lv))
    vs = sim.inv.hosts["esx-01"].vswitches[0]
    assert (vs.policy, vs.active, vs.standby, vs.detection) == ("port-id", ["vmnic0", "vmnic1"], [], "link")
    assert vs.portgroups["prod"].uplinks == ("vmnic1",)  # VLAN 100 is trunked on vmnic1 only
    assert _uplink_of(sim, "a") == ("vmnic1",) and _reach(sim, "a")


def test_upstream_incidents_are_drawn_and_recover():
    lv = _level()
    lv["incidents"] = [{"kind": "upstream_down", "rate_per_hour": 30, "targets": ["esx-01"], "duration": 60}]
    sim = Simulation(build(lv))
    sim.run_until(600)
    kinds = [e.kind for e in sim.log if e.kind.startswith("upstream")]
    assert kinds and kinds[0] == "upstream_down" and "upstream_up" in kinds
