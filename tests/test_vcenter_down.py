"""vCenter down: what it coordinates is refused ("vCenter is unavailable: …"), what the hosts
do themselves goes on — HA restarts VMs (vCenter itself included) and single hosts can still
be operated directly (design/sim-facts.md §12)."""

from __future__ import annotations

import pytest
from conftest import add_vm, base_level, build

from vdc.session.session import Session
from vdc.sim.engine import Simulation

VMK = {"name": "vmk-vmotion", "vlan": 200, "vmkernel": "vmotion"}


def _session() -> Session:
    lv = base_level(duration=3600, vcenter="vcsa-01", budget=1e6, edition="standard")
    h = lv["hosts"][0]
    lv["hosts"] += [dict(h, name="esx-02"), dict(h, name="esx-03")]
    lv["clusters"] = [{"name": "prod", "ha": {"enabled": True}}]
    for host in lv["hosts"]:
        host["cluster"] = "prod"
    lv["networks"][0]["portgroups"].append(VMK)
    lv["datastores"].append({"name": "ds-2", "capacity": 2000})
    add_vm(lv, "vcsa-01", host="esx-03", boot_s=300)
    add_vm(lv, "web-01")
    add_vm(lv, "app-01", power="off")
    s = Session(Simulation(build(lv)))
    s.advance_to(30)
    assert s.submit("power off vcsa-01").accepted
    return s


REFUSED = [
    "vmotion web-01 esx-02",
    "svmotion web-01 ds-2",
    "ha enable prod",
    "ha disable prod",
    "ha admission prod percent 1",
    "ha priority web-01 high",
    "ha isolation prod power-off",
    "license upgrade enterprise-plus",
]


@pytest.mark.parametrize("command", REFUSED)
def test_what_vcenter_coordinates_is_refused(command: str):
    s = _session()
    rec = s.submit(command)
    assert not rec.accepted
    assert rec.message == "vCenter is unavailable: its appliance vcsa-01 is powered off"


WORKS = [
    "power on app-01 esx-02",
    "power off web-01",
    "power reset web-01",
    "vm set app-01 cpu 2",
    "snapshot create web-01 before",
    "snapshot list web-01",
    "maintenance enter esx-02",
    "host reboot esx-02",
    "host power off esx-02",
]


@pytest.mark.parametrize("command", WORKS)
def test_what_a_host_does_itself_still_works(command: str):
    s = _session()
    rec = s.submit(command)
    assert rec.accepted, rec.message


def test_maintenance_exit_and_host_power_on_work_too():
    s = _session()
    assert s.submit("maintenance enter esx-02").accepted
    s.advance(5)
    assert s.submit("maintenance exit esx-02").accepted
    assert s.submit("host power off esx-02").accepted
    assert s.submit("host power on esx-02").accepted


def test_ha_restarts_vcenter_itself_with_its_boot_time_and_vcenter_comes_back():
    s = _session()
    assert s.submit("power on vcsa-01").accepted  # back on esx-03, up at 30 + 300 s
    s.advance_to(400)
    assert s.submit("vmotion web-01 esx-02").accepted  # vCenter is up again
    s.sim.fail_host("esx-03")
    rec = s.submit("vmotion web-01 esx-03")
    assert not rec.accepted and rec.message == "vCenter is unavailable: vcsa-01's host esx-03 has failed"
    s.advance_to(1200)
    restarted = [r for r in s.sim.log if r.kind == "vm_restarted" and r.subject == "vcsa-01"]
    assert restarted, [r.as_dict() for r in s.sim.log][-10:]
    vm = s.sim.inv.vms["vcsa-01"]
    assert vm.host != "esx-03" and vm.power == "on"
    started = next(r for r in s.sim.log if r.kind == "ha_restart_started" and "vcsa-01" in r.detail)
    assert 400 + 18 + 10 <= started.t <= 400 + 18 + 15  # detection + placement
    assert vm.up_at == pytest.approx(started.t + 300, abs=0.01)  # then its own boot time
    assert restarted[0].t == pytest.approx(vm.up_at, abs=5.0)
    assert s.submit("ha priority web-01 high").accepted  # vCenter is back for configuration
