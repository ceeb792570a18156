"""HA VM monitoring (sim-facts §2): a hung guest with Tools is reset after 30 s without a
heartbeat (not in its first 120 s of uptime, at most 3 times); a guest without Tools is never
reset — the heartbeat is one of the things Tools bring (issue 13)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError
from test_ha import cluster_level

from tests.conftest import add_vm, build
from vdc.session.alarms import active_alarms
from vdc.session.session import Session
from vdc.sim.engine import Simulation
from vdc.sim.ha.monitoring import FAILURE_INTERVAL_S, MAX_RESETS, MIN_UPTIME_S

BOOT = 60.0


def _session(monitoring: bool = True, tools: bool = True, hangs: tuple[float, ...] = (300,),
             **ha: Any) -> Session:
    lv = cluster_level(2, {"vm_monitoring": monitoring} | ha)
    extra: dict[str, Any] = {} if tools else {
        "nics": [{"portgroup": "prod", "adapter": "e1000"}],
        "disks": [{"datastore": "ds-1", "size": 40, "thin": False, "controller": "lsi"}],
    }
    add_vm(lv, "web-01", boot_s=BOOT, tools=tools, **extra)
    lv["services"] = [{"name": "shop", "tiers": [{"name": "web", "vms": ["web-01"]}]}]
    lv["events"] = [{"at": t, "kind": "guest_hang", "vm": "web-01"} for t in hangs]
    return Session(Simulation(build(lv)))


def _healthy(s: Session, t: float) -> bool:
    s.advance_to(t)
    v = s.sim.view().vms
    return bool(v.healthy[v.names.index("web-01")])


def test_a_hung_guest_with_tools_is_reset_after_the_failure_interval():
    s = _session()
    assert _healthy(s, 299)  # up since its boot at 60 s
    assert not _healthy(s, 301)
    assert s.sim.view().vms.reasons[0] == "guest hung (no heartbeat)"
    s.advance_to(300 + FAILURE_INTERVAL_S + 1)
    [reset] = s.sim.log.of_kind("ha_vm_reset")
    assert reset.t == pytest.approx(300 + FAILURE_INTERVAL_S)
    assert not _healthy(s, 300 + FAILURE_INTERVAL_S + BOOT - 1)  # booting
    assert _healthy(s, 300 + FAILURE_INTERVAL_S + BOOT + 1)
    assert s.sim.inv.vms["web-01"].ha_resets == 1


def test_a_guest_without_tools_sends_no_heartbeat_and_stays_hung_until_the_player_resets_it():
    s = _session(tools=False)
    assert not _healthy(s, 1200)
    assert not s.sim.log.of_kind("ha_vm_reset")
    assert "nothing resets it: it has no Tools" in s.sim.log.of_kind("guest_hang")[0].detail
    fix = next(a.fix for a in active_alarms(s.sim.view()) if "web-01" in a.fix)
    assert "reset it (`power reset web-01`)" in fix
    assert s.submit("power reset web-01").accepted
    assert _healthy(s, 1200 + BOOT + 1)


def test_with_monitoring_off_nothing_resets_it_until_it_is_turned_on():
    s = _session(monitoring=False)
    assert not _healthy(s, 500)
    r = s.submit("ha monitoring prod on")
    assert r.accepted and r.message.startswith("VM monitoring is on in prod")
    s.advance_to(500 + FAILURE_INTERVAL_S + 1)
    assert [e.t for e in s.sim.log.of_kind("ha_vm_reset")] == [pytest.approx(500 + FAILURE_INTERVAL_S)]


def test_not_within_its_minimum_uptime():
    s = _session(hangs=(70,))  # up since the level began; its heartbeats are watched from 120 s
    s.advance_to(400)
    assert [e.t for e in s.sim.log.of_kind("ha_vm_reset")] == [pytest.approx(MIN_UPTIME_S)]


def test_at_most_three_resets():
    hangs = tuple(300.0 + 300 * k for k in range(MAX_RESETS + 1))
    s = _session(hangs=hangs)
    s.advance_to(hangs[-1] + 600)
    assert len(s.sim.log.of_kind("ha_vm_reset")) == MAX_RESETS
    assert not _healthy(s, hangs[-1] + 600)


def test_ha_monitoring_refusals_and_the_level_key():
    s = _session()
    assert s.submit("ha monitoring prod on").message == "VM monitoring is already on in prod"
    assert s.submit("ha disable prod").accepted
    assert s.submit("ha monitoring prod off").accepted
    assert s.submit("ha monitoring prod on").message == (
        "HA is off for prod; VM monitoring is part of HA (ha enable prod)")
    lv = cluster_level(2)
    lv["events"] = [{"at": 10, "kind": "guest_hang", "vm": "web-01", "duration": 60}]
    add_vm(lv, "web-01")
    with pytest.raises(ValidationError, match="guest_hang lasts until the VM boots again"):
        build(lv)
