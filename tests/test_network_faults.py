"""Network faults (issue 14): a flapping uplink (its link down 5 s in every 30 s, the team
failing over and back each time, stopped by pulling the cable) and the uplink_flap and
trunk_prune incidents — in numbers."""

from __future__ import annotations

from conftest import build
from test_network import _event, _level, _reach, _uplink_of

from vdc.session.session import Session
from vdc.sim.engine import Simulation
from vdc.sim.network import faults


def _flapping(duration: float | None = 200) -> dict:
    lv = _level()
    e = {"at": 100, "kind": "uplink_flap", "host": "esx-01", "uplink": "vmnic0"}
    _event(lv, **(e | ({"duration": duration} if duration else {})))
    return lv


def test_a_flapping_link_drops_5_s_in_30_and_the_team_follows_it():
    sim = Simulation(build(_flapping()))
    nic = sim.inv.hosts["esx-01"].nics["vmnic0"]
    sim.run_until(100.5)  # down; the team has not noticed yet: web-01 is cut
    assert not nic.link_up and not nic.failed and not _reach(sim, "web-01")
    sim.run_until(101.5)  # failed over to the standby
    assert nic.failed and _uplink_of(sim, "web-01") == ("vmnic1",) and _reach(sim, "web-01")
    sim.run_until(105.5)  # up again 5 s in: failed back at once
    assert nic.link_up and not nic.failed and _uplink_of(sim, "web-01") == ("vmnic0",)
    sim.run_until(130.5)  # and down again 30 s after the first drop
    assert not nic.link_up
    sim.run_until(299)
    downs = [t for t in (100 + 30 * k for k in range(7))]
    assert downs[-1] == 280
    sim.run_until(301)  # the flap ends at 300: the link stays up
    assert nic.link_up and nic.flapping == 0 and not nic.failed
    sim.run_until(400)
    assert nic.link_up
    kinds = [e.kind for e in sim.log if e.subject == "esx-01"]
    assert kinds.count("uplink_flap") == 1 and kinds.count("uplink_flap_end") == 1
    assert "team_failover" not in kinds  # the bounces are told once, not 14 times


def test_pulling_a_flapping_uplink_stops_it_and_the_team_stays_on_the_standby():
    s = Session(Simulation(build(_flapping(duration=None))))
    s.sim.run_until(110)  # up again since 105
    assert s.submit("net uplink esx-01 vmnic0 up").message == (
        "esx-01 vmnic0 is flapping (a failing cable or SFP): pull it with "
        "`net uplink esx-01 vmnic0 down` until it is replaced")
    rec = s.submit("net uplink esx-01 vmnic0 down")
    assert rec.accepted and "unplugged: link down; vSwitch0 fails over within 1 s" in rec.message
    nic = s.sim.inv.hosts["esx-01"].nics["vmnic0"]
    s.sim.run_until(500)
    assert nic.flapping == 0 and not nic.link_up and nic.failed
    assert _uplink_of(s.sim, "web-01") == ("vmnic1",) and _reach(s.sim, "web-01")


def test_pulling_it_while_it_is_down_keeps_it_down():
    s = Session(Simulation(build(_flapping(duration=None))))
    s.sim.run_until(102)
    rec = s.submit("net uplink esx-01 vmnic0 down")
    assert rec.accepted and rec.message == (
        "esx-01 vmnic0 unplugged: it no longer flaps; vSwitch0 keeps it failed over")
    s.sim.run_until(400)
    assert not s.sim.inv.hosts["esx-01"].nics["vmnic0"].link_up


def test_flap_and_trunk_prune_incidents_are_drawn():
    lv = _level()
    lv["incidents"] = [
        {"kind": "uplink_flap", "rate_per_hour": 20, "targets": ["esx-01"], "duration": 60},
        {"kind": "trunk_prune", "rate_per_hour": 20, "targets": ["esx-02"]},
    ]
    sim = Simulation(build(lv))
    sim.run_until(600)
    flaps = [e for e in sim.log if e.kind.startswith("uplink_flap")]
    assert flaps and flaps[0].kind == "uplink_flap" and flaps[0].subject == "esx-01"
    assert "uplink_flap_end" in [e.kind for e in flaps]
    prunes = [e for e in sim.log if e.kind == "trunk_prune"]
    assert prunes and all(e.subject == "esx-02" for e in prunes)
    h = sim.inv.hosts["esx-02"]
    pruned = {v for n in h.nics.values() for v in n.pruned}
    assert pruned and pruned <= {100, 200}  # the VM port groups' VLANs, never a VMkernel one
    assert faults.FLAP_DOWN_S + faults.FLAP_UP_S == 30


def test_the_view_and_the_alarms_say_an_uplink_flaps():
    from vdc.session.alarms import active_alarms

    sim = Simulation(build(_flapping(duration=None)))
    sim.run_until(110)
    esx01 = next(h for h in sim.view().hosts if h.name == "esx-01")
    vmnic0 = next(u for u in esx01.uplinks if u.name == "vmnic0")
    assert vmnic0.flapping and vmnic0.up
    alarm = {a.key: a for a in active_alarms(sim.view())}["uplink:esx-01:vmnic0"]
    assert alarm.text == "uplink esx-01/vmnic0 flapping: its team fails over and back"
    assert alarm.fix == "pull it until its cable is replaced (`net uplink esx-01 vmnic0 down`)"
