"""LACP on a distributed switch (issue 14, sim-facts §11): a link aggregation group spreads a
VM's flows over every member like ip-hash, needs a distributed switch (Enterprise Plus), and
removes a member whose partner stops answering after 3 missed LACPDUs — 3 s fast, 90 s slow —
even with its link up; a lost link goes within 1 s."""

from __future__ import annotations

import pytest
from conftest import build
from test_network import _event, _level, _reach, _uplink_of

from vdc.scenario.checks import VDS_EDITIONS, CheckError, check_level
from vdc.session.session import Session
from vdc.sim.engine import Simulation
from vdc.sim.licensing import FEATURES


def _lacp(rate: str = "slow") -> dict:
    return _level(standby=False, distributed=True, policy="lacp", lacp_rate=rate)


@pytest.mark.parametrize(("rate", "seconds"), [("fast", 3.0), ("slow", 90.0)])
def test_a_member_lost_upstream_is_removed_after_3_missed_lacpdus(rate: str, seconds: float):
    lv = _lacp(rate)
    _event(lv, at=100, kind="upstream_down", host="esx-01", uplink="vmnic0")
    sim = Simulation(build(lv))
    sim.run_until(99)
    assert _uplink_of(sim, "web-01") == ("vmnic0", "vmnic1") and _reach(sim, "web-01")
    nic = sim.inv.hosts["esx-01"].nics["vmnic0"]
    sim.run_until(100 + seconds - 0.01)
    assert not nic.failed
    sim.run_until(100 + seconds + 0.01)
    assert nic.failed and _uplink_of(sim, "web-01") == ("vmnic1",)
    failover = [e for e in sim.log if e.kind == "team_failover"]
    assert [e.t for e in failover] == [100 + seconds]
    assert "3 LACPDUs missed" in failover[0].detail


def test_a_lost_link_leaves_the_group_within_a_second():
    lv = _lacp()
    _event(lv, at=100, kind="uplink_down", host="esx-01", uplink="vmnic1")
    sim = Simulation(build(lv))
    sim.run_until(101.01)
    assert sim.inv.hosts["esx-01"].nics["vmnic1"].failed
    assert _uplink_of(sim, "web-01") == ("vmnic0",)


def test_lacp_needs_a_distributed_switch_and_its_licence():
    with pytest.raises(ValueError, match="needs distributed = true"):
        build(_level(standby=False, policy="lacp"))
    lv = _lacp()
    lv["level"]["edition"] = "standard"
    with pytest.raises(CheckError, match="Enterprise Plus"):
        check_level(build(lv))
    assert set(VDS_EDITIONS) == {e for e, f in FEATURES.items() if "vds" in f}


def test_net_teaming_lacp_refusals_and_switch():
    s = Session(Simulation(build(_level(standby=False))))
    s.sim.run_until(10)
    rec = s.submit("net teaming esx-01 vSwitch0 policy lacp")
    assert not rec.accepted and rec.message.endswith(
        "LACP exists only on a distributed switch, and vSwitch0 on esx-01 is a standard vSwitch: "
        "use ip-hash with a static EtherChannel, or port-id")
    s = Session(Simulation(build(_level(standby=False, distributed=True))))
    s.sim.run_until(10)
    assert "cannot be standby" in s.submit(
        "net teaming esx-01 vSwitch0 policy lacp --active vmnic0 --standby vmnic1").message
    assert "LACPDUs" in s.submit("net teaming esx-01 vSwitch0 policy lacp --detection beacon").message
    rec = s.submit("net teaming esx-01 vSwitch0 policy lacp")
    assert rec.accepted and _uplink_of(s.sim, "web-01") == ("vmnic0", "vmnic1")


def test_the_network_panel_names_the_lacp_group_and_its_rate():
    from vdc.tui.widgets.network import team_text

    sim = Simulation(build(_lacp("fast")))
    sim.run_until(10)
    vs = next(h for h in sim.view().hosts if h.name == "esx-01").vswitches[0]
    assert (vs.policy, vs.lacp_rate) == ("lacp", "fast")
    assert team_text(vs) == "team: lacp, fast LACPDUs"


# ------------------------------------------------------------------ net teaming --lacp-rate
def _slow_group_losing_vmnic0_upstream_at_100() -> Session:
    lv = _lacp("slow")
    _event(lv, at=100, kind="upstream_down", host="esx-01", uplink="vmnic0")
    s = Session(Simulation(build(lv)))
    s.sim.run_until(10)
    return s


def _removed_at(s: Session) -> float:
    s.sim.run_until(200)
    return next(e.t for e in s.sim.log if e.kind == "team_failover")


def test_lacp_rate_fast_removes_a_member_after_3_s_instead_of_90():
    s = _slow_group_losing_vmnic0_upstream_at_100()
    assert _removed_at(s) == 190.0  # slow: 3 × 30 s
    s = _slow_group_losing_vmnic0_upstream_at_100()
    rec = s.submit("net teaming esx-01 vSwitch0 policy lacp --lacp-rate fast")
    assert rec.accepted and rec.message == (
        "vSwitch0 on esx-01: lacp, active vmnic0, vmnic1, fast LACPDUs "
        "(a member out after 3 s without them)")
    assert s.sim.inv.hosts["esx-01"].vswitches[0].lacp_rate == "fast"
    assert _removed_at(s) == 103.0


def test_a_rate_change_while_a_member_goes_quiet_counts_at_the_new_rate():
    s = _slow_group_losing_vmnic0_upstream_at_100()
    s.sim.run_until(110)
    assert s.submit("net teaming esx-01 vSwitch0 policy lacp --lacp-rate fast").accepted
    assert _removed_at(s) == 113.0
    lv = _lacp("fast")
    _event(lv, at=100, kind="upstream_down", host="esx-01", uplink="vmnic0")
    s = Session(Simulation(build(lv)))
    s.sim.run_until(101)
    assert s.submit("net teaming esx-01 vSwitch0 policy lacp --lacp-rate slow").accepted
    assert _removed_at(s) == 191.0  # the fast removal due at 103 is void


@pytest.mark.parametrize(("net", "command", "reason"), [
    ({}, "policy port-id --lacp-rate fast",
     "--lacp-rate is for a LACP group on a distributed switch, and vSwitch0 on esx-01 is a "
     "standard vSwitch"),
    ({"ether_channel": True}, "policy ip-hash --lacp-rate fast",
     "--lacp-rate is for a LACP group; ip-hash uses a static EtherChannel, which sends no LACPDUs "
     "(and LACP needs a distributed switch; vSwitch0 on esx-01 is a standard vSwitch)"),
    ({"distributed": True}, "policy port-id --lacp-rate fast",
     "--lacp-rate is for a LACP group: use policy lacp (not port-id)"),
    ({"distributed": True, "policy": "lacp"}, "policy lacp --lacp-rate slow",
     "vSwitch0 on esx-01 already has these teaming settings"),
])
def test_lacp_rate_refusals(net: dict, command: str, reason: str):
    s = Session(Simulation(build(_level(standby=False, **net))))
    s.sim.run_until(10)
    rec = s.submit(f"net teaming esx-01 vSwitch0 {command}")
    assert not rec.accepted and rec.message.endswith(reason)


def test_the_lacp_rate_is_in_the_save_and_its_replay(tmp_path):
    from vdc.session.save import load, save
    from vdc.session.verify import verify

    s = _slow_group_losing_vmnic0_upstream_at_100()
    s.submit("net teaming esx-01 vSwitch0 policy lacp --lacp-rate fast")
    s.sim.run_until(200)
    save(s, tmp_path / "fast.vdcsave")
    saved = load(tmp_path / "fast.vdcsave")
    assert [c.text for c in saved.commands] == ["net teaming esx-01 vSwitch0 policy lacp --lacp-rate fast"]
    again, divergence = verify(saved)
    assert divergence is None
    assert again.sim.inv.hosts["esx-01"].vswitches[0].lacp_rate == "fast"
    assert [e.t for e in again.sim.log if e.kind == "team_failover"] == [103.0]
