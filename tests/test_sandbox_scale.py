"""The sandbox at scale (issue 18): xlarge and enterprise validate within the schema's limits,
their services and trouble grow with them, and every VM's port group is on its host."""

from __future__ import annotations

from vdc.scenario import sandbox
from vdc.scenario.sandbox import PORTGROUPS_PER_VSWITCH, generate


def test_enterprise_has_its_size_per_cluster_vswitches_and_rates_under_the_cap():
    lv = generate("enterprise", 1)
    assert (len(lv.hosts), len(lv.vms), len(lv.services), len(lv.clusters)) == (1024, 32000, 3200, 128)
    # 3,202 port groups would not fit one standard vSwitch: one per cluster, 25 services each.
    assert len(lv.networks) == 128
    assert all(len(n.portgroups) == 2 + 25 <= PORTGROUPS_PER_VSWITCH for n in lv.networks)
    on = {h: {pg.name for pg in n.portgroups} for n in lv.networks for h in n.hosts}
    assert all(nic.portgroup in on[v.host] for v in lv.vms for nic in v.nics)
    rates = {i.kind: i.rate_per_hour for i in lv.incidents}
    assert rates["load_spike"] == round(1.5 * 128 ** 0.5, 3) and max(rates.values()) <= 60


def test_large_keeps_one_vswitch_of_every_port_group():
    lv = generate("large", 1)
    assert [n.name for n in lv.networks] == ["vSwitch0"] and len(lv.networks[0].portgroups) == 202


def test_a_rate_over_the_schema_cap_is_split_into_equal_generators():
    rows = sandbox._split([{"kind": "load_spike", "rate_per_hour": 130.0}, {"kind": "x", "rate_per_hour": 60.0}])
    assert [r["rate_per_hour"] for r in rows] == [43.333, 43.333, 43.333, 60.0]
    disks = [i for i in generate("xlarge", 2, storage="vsan").incidents if i.kind == "disk_failure"]
    assert [i.rate_per_hour for i in disks] == [round(0.2 * 32 ** 0.5, 3)]
