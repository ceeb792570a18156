"""Each uplink's load and each VM's port groups in the view (issue 14): a VM's traffic goes on
the uplink its NIC is pinned to; a two-NIC VM's is split between its NICs' uplinks."""

from __future__ import annotations

import pytest
from levelrun import LevelRun

from vdc.sim import netpath


def _traffic(r: LevelRun, vm: str) -> float:
    sp = r.sim.sampler
    i = sp.vm_index[vm]
    return float(sp.vm_net[i] * sp.vm_f_net[i])


def test_uplink_load_adds_up_the_traffic_of_the_vm_nics_pinned_to_it():
    r = LevelRun("13-vlan-trouble").to(300)
    view = r.sim.view()
    load = {h.name: dict(zip([u.name for u in h.uplinks], h.uplink_mbps, strict=True)) for h in view.hosts}
    fw, web = _traffic(r, "fw-01"), _traffic(r, "web-01")
    assert fw > 0 and web > 0
    # esx-01: fw-01's outside NIC on vmnic0, its inside NIC on vmnic1, web-01 on vmnic2.
    assert load["esx-01"]["vmnic0"] == pytest.approx(fw / 2)
    assert load["esx-01"]["vmnic1"] == pytest.approx(fw / 2)
    assert load["esx-01"]["vmnic2"] == pytest.approx(web)
    # esx-02: web-02 on vmnic0, both app servers on vmnic1, nothing on vmnic2.
    assert load["esx-02"]["vmnic1"] == pytest.approx(_traffic(r, "app-01") + _traffic(r, "app-02"))
    assert load["esx-02"]["vmnic2"] == 0.0
    assert sum(map(sum, (h.uplink_mbps for h in view.hosts))) == pytest.approx(
        sum(_traffic(r, v) for v in r.sim.inv.vms))


def test_a_failed_over_uplink_carries_nothing_and_its_vms_move_to_the_others():
    r = LevelRun("13-vlan-trouble", "1830 net teaming esx-01 vSwitch0 policy port-id --detection beacon\n")
    r.to(1900)
    esx01 = next(h for h in r.sim.view().hosts if h.name == "esx-01")
    load = dict(zip([u.name for u in esx01.uplinks], esx01.uplink_mbps, strict=True))
    assert load["vmnic0"] == 0.0
    inv = r.sim.inv
    assert netpath.nic_path(inv, inv.vms["fw-01"], 0, 0).uplinks == ("vmnic1",)
    assert load["vmnic1"] + load["vmnic2"] == pytest.approx(_traffic(r, "fw-01") + _traffic(r, "web-01"))


def test_the_view_lists_each_vms_port_groups():
    view = LevelRun("13-vlan-trouble").to(60).sim.view()
    assert dict(zip(view.vms.names, view.vms.portgroups, strict=True)) == {
        "fw-01": "outside, web", "web-01": "web", "app-01": "app", "web-02": "web",
        "db-01": "db", "app-02": "app"}
