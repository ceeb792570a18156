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


def test_network_views_kept_across_versions_equal_views_built_afresh():
    """The view cache works out again only the hosts whose network changed and the VM NICs on
    them or that moved; every 30 s of three busy hours (DRS moving VMs, a trunk pruned and
    allowed, a port group's VLAN changed, a VM NIC moved, an isolation, the sandbox's own
    network faults) that equals a view built from scratch."""
    import numpy as np
    from test_scale_incremental import _busy, _steps

    from vdc.sim.view import ViewCache
    from vdc.sim.view.netload import nic_map

    cache = ViewCache()
    versions = set()
    for sim in _steps(_busy("small", 3), 3 * 3600, 30.0):
        kept, fresh = sim.view(cache), sim.view()
        assert [(h.uplinks, h.vswitches, h.uplink_mbps) for h in kept.hosts] == [
            (h.uplinks, h.vswitches, h.uplink_mbps) for h in fresh.hosts], sim.now
        assert kept.vms.portgroups == fresh.vms.portgroups, sim.now
        m, _ = nic_map(sim)
        assert cache.nics is not None
        for a, b in ((cache.nics.vm, m.vm), (cache.nics.slot, m.slot), (cache.nics.weight, m.weight)):
            assert np.array_equal(a, b), sim.now
        versions.add(sim.network_version)
    assert len(versions) > 20 and sim.log.of_kind("vmotion_completed")


def test_a_vmotion_works_out_only_the_moved_vms_nics_again(monkeypatch):
    from vdc.scenario.sandbox import generate
    from vdc.session.session import Session
    from vdc.sim.engine import Simulation
    from vdc.sim.view import ViewCache

    s = Session(Simulation(generate("small", 1)))
    s.sim.run_until(60)
    cache = ViewCache()
    s.sim.view(cache)
    vm = s.sim.inv.vms["svc-001-web1"]
    dst = next(h for h in s.sim.inv.hosts if h != vm.host)
    assert s.submit(f"vmotion svc-001-web1 {dst}").accepted
    s.sim.run_until(200)
    assert vm.host == dst
    calls: list[str] = []
    real = netpath.nic_path

    def counted(inv, v, k, i, memo=None):
        calls.append(v.name)
        return real(inv, v, k, i, memo)

    monkeypatch.setattr(netpath, "nic_path", counted)
    view = s.sim.view(cache)
    assert calls == ["svc-001-web1"]  # not the other 99 VMs' NICs
    assert view.vms.portgroups == s.sim.view().vms.portgroups
