"""NFV routers (vdc/sim/provision/routing.py): a tier on a VLAN nothing upstream routes
(`gateway = "appliance"`) reaches the tier before it only through a running router appliance
with a NIC that gets through on both VLANs; the router's CPU follows the traffic it routes
(1 MHz per Mbit/s for the shipped router: 2,000 Mbit/s per vCPU at 2,000 MHz), and a starved
router holds back the tier behind it."""

from __future__ import annotations

import pytest
from conftest import add_vm, base_level, build
from conftest import run_ok as run
from conftest import vm_row as row

from vdc.scenario.loader import LevelError, load_level_text
from vdc.sim.engine import Simulation
from vdc.sim.view.build import vm_reason


def router_level(gateway: str = "appliance") -> dict:
    """esx-01 and esx-02 (8 cores × 2,000 MHz each). The shop: web-01 on VLAN 110 (port group
    web) → db-01 on VLAN 130 (port group db), both on esx-02, 2,000 MHz each, 800 and 600 Mbit/s,
    flat; VLANs 110 and 130 routed only by an appliance (`gateway`). The intranet: app-01 →
    app-02, both on VLAN 100 (prod)."""
    lv = base_level(duration=3600)
    lv["hosts"].append(dict(lv["hosts"][0], name="esx-02"))
    lv["networks"][0]["portgroups"] += [{"name": "vMotion", "vlan": 20, "vmkernel": "vmotion"},
                                        {"name": "web", "vlan": 110, "gateway": gateway},
                                        {"name": "db", "vlan": 130, "gateway": gateway}]
    for name, net in (("webnet", 800), ("dbnet", 600)):
        lv["profiles"].append({"name": name, "cpu": 2000, "mem_active": 0.25, "iops": 10,
                               "write_mbps": 0, "net": net, "shape": "flat", "peak": 0, "noise": 0})
    add_vm(lv, "web-01", vcpu=2, profile="webnet", host="esx-02", nics=[{"portgroup": "web"}])
    add_vm(lv, "db-01", vcpu=2, profile="dbnet", host="esx-02", nics=[{"portgroup": "db"}])
    add_vm(lv, "app-01", vcpu=2, host="esx-02", profile="webnet")
    add_vm(lv, "app-02", vcpu=2, host="esx-02", profile="dbnet")
    lv["services"] = [
        {"name": "shop", "tiers": [{"name": "web", "vms": ["web-01"]}, {"name": "db", "vms": ["db-01"]}]},
        {"name": "intranet", "tiers": [{"name": "front", "vms": ["app-01"]},
                                       {"name": "back", "vms": ["app-02"]}]},
    ]
    return lv


def busy(lv: dict) -> dict:
    """esx-01 busy: two 8-vCPU VMs wanting all of its 16,000 MHz each."""
    lv["profiles"][0]["cpu"] = 16000
    for i in (1, 2):
        add_vm(lv, f"batch-0{i}", vcpu=8, profile="steady", host="esx-01")
    return lv




def up(sim: Simulation, service: str) -> bool:
    s = sim.sampler
    return bool(s.service_up[s.service_names.index(service)])


def with_router(lv: dict | None = None, host: str = "esx-02", name: str = "r-01", t: float = 10) -> Simulation:
    """The level with router `name` deployed on `host` at t (NIC 1 on web, NIC 2 on db) and
    booted (60 s)."""
    sim = Simulation(build(lv or router_level()))
    sim.run_until(t)
    deploy(sim, name, host)
    sim.run_until(t + 100)
    return sim


def deploy(sim: Simulation, name: str, host: str) -> None:
    run(sim, f"deploy router {name} {host} ds-1 web")
    assert "web → db" in run(sim, f"vm nic {name} 2 db")


def test_without_a_router_the_tier_on_the_other_vlan_is_cut_off_and_the_same_vlan_service_is_not():
    sim = Simulation(build(router_level()))
    sim.run_until(60)
    s = sim.sampler
    db = row(sim, "db-01")
    assert not up(sim, "shop") and up(sim, "intranet")
    assert s.vm_running[db] and s.vm_reachable[db] and not s.vm_healthy[db] and s.vm_rt_cut[db]
    assert s.vm_healthy[row(sim, "web-01")]  # the first tier is reached from outside
    assert vm_reason(sim, db) == "cut off: no router up for VLAN 130 to tier web on VLAN 110"
    assert sim._why_down(0) == "tier db has no healthy VM"


def test_a_physical_gateway_routes_between_the_vlans_and_a_router_then_routes_nothing():
    sim = with_router(router_level(gateway="physical"))
    s = sim.sampler
    assert up(sim, "shop") and not s.vm_rt_cut.any()
    r = row(sim, "r-01")
    assert s.vm_net[r] == 0 and s.vm_cpu_demand[r] == 0  # idle: nothing passes through it


def test_a_router_with_a_nic_on_both_vlans_joins_them_and_its_cpu_follows_the_traffic():
    lv = router_level()
    lv["events"] = [{"at": 150, "kind": "load_spike", "targets": ["db-01"], "factor": 3}]
    sim = with_router(lv)
    s = sim.sampler
    r = row(sim, "r-01")
    assert up(sim, "shop") and up(sim, "intranet")
    assert s.vm_routed_mbps[r] == pytest.approx(600)  # db-01's traffic
    assert s.vm_net[r] == pytest.approx(600)
    assert s.vm_cpu_demand[r] == pytest.approx(600 / 2000 * 2000)  # 600 MHz of its 4,000
    assert s.vm_served[row(sim, "db-01")] == pytest.approx(1.0)
    sim.run_until(200)  # db-01's load spike: three times the traffic, three times the CPU
    assert s.vm_cpu_demand[r] == pytest.approx(1800)


def test_a_router_on_one_vlan_only_joins_nothing():
    sim = Simulation(build(router_level()))
    sim.run_until(10)
    run(sim, "deploy router r-01 esx-02 ds-1 web")  # all four NICs on web
    sim.run_until(110)
    assert not up(sim, "shop") and sim.sampler.vm_rt_cut[row(sim, "db-01")]
    run(sim, "vm nic r-01 4 db")
    sim.run_until(120)
    assert up(sim, "shop")


def test_a_router_down_or_stopped_cuts_the_tier_off_again():
    sim = with_router()
    run(sim, "power off r-01")
    sim.run_until(200)
    assert not up(sim, "shop") and up(sim, "intranet")
    run(sim, "power on r-01")
    sim.run_until(230)
    assert not up(sim, "shop")  # booting (60 s)
    sim.run_until(300)
    assert up(sim, "shop")
    sim.fail_host("esx-01")  # the router's host is not esx-01: nothing changes
    sim.run_until(320)
    assert up(sim, "shop")


def test_a_router_cut_from_one_vlan_routes_nothing_between_them():
    sim = with_router(host="esx-01")
    assert up(sim, "shop")
    run(sim, "net trunk esx-01 vmnic0 remove 130")
    run(sim, "net trunk esx-01 vmnic1 remove 130")
    sim.run_until(200)
    s = sim.sampler
    r = row(sim, "r-01")
    assert not s.vm_reachable[r] and s.vm_routed_mbps[r] == 0
    assert not up(sim, "shop") and s.vm_rt_cut[row(sim, "db-01")]
    run(sim, "net trunk esx-01 vmnic0 add 130")
    run(sim, "net trunk esx-01 vmnic1 add 130")
    sim.run_until(220)
    assert up(sim, "shop")


def test_two_routers_share_the_traffic():
    sim = with_router()
    deploy(sim, "r-02", "esx-01")
    sim.run_until(300)
    s = sim.sampler
    assert [s.vm_routed_mbps[row(sim, r)] for r in ("r-01", "r-02")] == pytest.approx([300, 300])
    run(sim, "power off r-01")  # the other carries everything; the shop stays up
    sim.run_until(320)
    assert s.vm_routed_mbps[row(sim, "r-02")] == pytest.approx(600) and up(sim, "shop")


def test_a_router_on_a_busy_host_holds_back_the_tier_behind_it():
    quiet = with_router(busy(router_level()), host="esx-02")
    starved = with_router(busy(router_level()), host="esx-01")
    q, s = quiet.sampler, starved.sampler
    db_q, db_s = row(quiet, "db-01"), row(starved, "db-01")
    r_s = row(starved, "r-01")
    assert s.vm_cpu_want[r_s] == pytest.approx(600)  # the same traffic, the same demand
    assert q.vm_served[db_q] == pytest.approx(1.0) and up(quiet, "shop")
    # On esx-01 (18 vCPUs want its 8 cores) the router waits in ready: it gets half its demand.
    f = float(s.vm_f_cpu[r_s])
    assert f == pytest.approx(0.49, abs=0.01)
    assert s.vm_served[db_s] == pytest.approx(f)  # db-01 itself is on a quiet host
    assert s.vm_f_cpu[db_s] == pytest.approx(1.0)
    assert not s.vm_healthy[db_s] and not up(starved, "shop") and up(starved, "intranet")
    assert vm_reason(starved, db_s) == "starved: gets 49 % of its demand, router"
    from vdc.sim.compute import why
    assert why.running(starved, db_s) == "starved: gets 49 % of its demand: its router r-01 gets 49 % of its demand"


@pytest.mark.parametrize(("entry", "message"), [
    ('name = "edge"\nroutes = true\nnics = 1', "a router (routes = true) needs at least 2 NICs, one on each VLAN it joins; it has 1"),
    ('name = "edge"\nroutes = true\nbalances = true', "an appliance either balances or routes, not both"),
    ('name = "edge"\nroutes = true\nnet = 0', "a router (routes = true) needs net > 0"),
])
def test_bad_router_appliances_get_a_one_line_error(entry: str, message: str):
    text = (LEVEL_HEAD + f"\n[[appliances]]\n{entry}\n")
    with pytest.raises(LevelError) as e:
        load_level_text(text, "t.toml")
    assert message in str(e.value) and "\n" not in str(e.value)


def test_a_gateway_must_be_physical_or_appliance():
    with pytest.raises(LevelError, match=r"gateway"):
        load_level_text(LEVEL_HEAD.replace('vlan = 100 }', 'vlan = 100, gateway = "router" }'), "t.toml")
    assert load_level_text(LEVEL_HEAD.replace('vlan = 100 }', 'vlan = 100, gateway = "appliance" }'), "t.toml")


LEVEL_HEAD = """
[level]
id = "t-router"
title = "Router"
duration = 600

[[hosts]]
name = "esx-01"
cores = 8
mhz = 2000
memory = 64
nics = [{ name = "vmnic0" }]

[[datastores]]
name = "ds-1"
capacity = 100

[[networks]]
name = "vSwitch0"
uplinks = ["vmnic0"]
portgroups = [{ name = "prod", vlan = 100 }]
"""


def test_routing_is_the_same_however_time_is_sliced_views_taken_or_the_run_copied():
    import copy

    plan = ((10, "deploy router r-01 esx-01 ds-1 web"), (10, "vm nic r-01 2 db"),
            (400, "vmotion r-01 esx-02"), (900, "net trunk esx-02 vmnic0 remove 130"), (1800, ""))

    def play(sim: Simulation, step: float, views: bool, start: int = 0, copy_at: float = -1) -> Simulation | None:
        """Run `plan` from entry `start`; a copy taken at `copy_at` runs the rest the same way."""
        twin = None
        for k in range(start, len(plan)):
            at, cmd = plan[k]
            while sim.now < at:
                sim.run_until(min(at, sim.now + step))
                if views:
                    sim.view()
                if twin is None and sim.now == copy_at:
                    twin = copy.deepcopy(sim)
                    play(twin, step, views, start=k)
            if cmd:
                run(sim, cmd)
        return twin

    whole = Simulation(build(busy(router_level())))
    play(whole, 1000.0, False)
    sliced = Simulation(build(busy(router_level())))
    twin = play(sliced, 7.0, True, copy_at=421)
    assert twin is not None and twin.now == 1800
    for other in (sliced, twin):
        assert other.digests == whole.digests
        assert [r.as_dict() for r in other.log] == [r.as_dict() for r in whole.log]
    s = whole.sampler
    assert s.vm_served[row(whole, "db-01")] == pytest.approx(1.0)  # r-01 moved to the quiet host


def test_a_tier_moved_onto_the_vlan_before_it_needs_no_router_any_more():
    sim = with_router(busy(router_level()), host="esx-01")
    s = sim.sampler
    db = row(sim, "db-01")
    assert s.vm_served[db] == pytest.approx(0.49, abs=0.01) and not up(sim, "shop")
    run(sim, "net portgroup esx-02 db vlan 110")  # db-01 now shares VLAN 110 with web-01
    sim.run_until(200)
    assert s.vm_served[db] == pytest.approx(1.0) and up(sim, "shop")
    assert s.vm_routed_mbps[row(sim, "r-01")] == 0 and s.vm_cpu_demand[row(sim, "r-01")] == 0
    assert not s.rt_vm.size and s.vm_rt_limit[db] == float("inf")


def test_a_change_of_reason_from_cut_off_to_starved_by_its_router_is_logged_once_each_way():
    sim = with_router(busy(router_level()), host="esx-01")  # cut off until r-01 is up, then starved
    sim.run_until(400)
    run(sim, "power off r-01")
    sim.run_until(600)

    def told() -> list[tuple[float, str]]:
        return [(e.t, e.detail) for e in sim.log if e.kind == "vm_unhealthy" and e.subject == "db-01"]

    assert told() == [
        (0.0, "db-01: cut off: no router up for VLAN 130 to tier web on VLAN 110"),
        (70.0, "db-01: starved: gets 49 % of its demand: its router r-01 gets 49 % "
                                   "of its demand (was cut off: no router up)"),
        (400.0, "db-01: cut off: no router up for VLAN 130 to tier web on VLAN 110 "
                                    "(was starved by its router)"),
    ]


def test_a_starved_routers_own_ready_is_its_busy_share_times_what_it_waits():
    # The router wants 600 of its 4,000 MHz (15 % busy per vCPU) and is served 49 % of it:
    # it waits 51 % of its busy time, 7.6 % ready per vCPU (compute/cpu.py's %RDY), while the
    # busy batch VMs beside it (100 % busy) wait 51 % of the time.
    sim = with_router(busy(router_level()), host="esx-01")
    s = sim.sampler
    r = row(sim, "r-01")
    f = float(s.vm_f_cpu[r])
    assert float(s.vm_ready[r]) == pytest.approx(100 * 0.15 * (1 - f)) == pytest.approx(7.6, abs=0.2)
    assert float(s.vm_ready[row(sim, "batch-01")]) == pytest.approx(100 * (1 - f), abs=0.5)
