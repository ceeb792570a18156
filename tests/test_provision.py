"""Provisioning (issue 16): new VMs without an OS, OS installs, deleting VMs, joining tiers."""

from __future__ import annotations

import copy

import pytest
from conftest import add_vm, base_level, build

from vdc.session.save import from_data, to_data
from vdc.session.session import Session
from vdc.session.verify import verify
from vdc.sim import dispatch, objectives
from vdc.sim.checks import Rejected
from vdc.sim.commands import parse
from vdc.sim.engine import Simulation
from vdc.sim.provision.osinstall import OS_INSTALL_S


def shop_level(duration: int = 3600) -> dict:
    """esx-01 (8 cores, 64 GiB) and bare-metal phys-01; a shop served by web-01 alone; a
    second port group on esx-01 only."""
    lv = base_level(duration=duration)
    lv["hosts"].append({"name": "phys-01", "hypervisor": "none", "cores": 4, "memory": 16})
    lv["networks"][0]["hosts"] = ["esx-01"]
    lv["profiles"].append(dict(lv["profiles"][0], name="light", cpu=400))
    add_vm(lv, "web-01", profile="light", vcpu=2)
    lv["services"] = [{"name": "shop", "tiers": [{"name": "web", "vms": ["web-01"]}]}]
    return lv


def _sim(lv: dict | None = None, t: float = 10) -> Simulation:
    sim = Simulation(build(lv or shop_level()))
    sim.run_until(t)
    return sim


def run(sim: Simulation, text: str) -> str:
    """Run a command; its message, or `Rejected` with the refusal."""
    v = dispatch.execute(sim, parse(text))
    if not v.accepted:
        raise Rejected(v.message)
    return v.message


def healthy(sim: Simulation, vm: str) -> bool:
    s = sim.sampler
    return bool(s.vm_healthy[s.vm_index[vm]])


CREATE = "vm create web-02 esx-01 ds-1 cpu 2 mem 4 disk 40 prod"


def test_a_new_vm_boots_to_nothing_and_serves_once_its_os_is_installed():
    sim = _sim()
    used = sim.datastore_used("ds-1")
    assert "no guest OS yet" in run(sim, CREATE)
    vm = sim.inv.vms["web-02"]
    assert (vm.power, vm.os, vm.tools, vm.vcpu, vm.memory) == ("off", False, False, 2, 4.0)
    assert (vm.nics[0].portgroup, vm.nics[0].adapter, vm.disks[0].controller) == ("prod", "vmxnet3", "pvscsi")
    assert sim.datastore_used("ds-1") == pytest.approx(used + 40)  # a thick disk
    run(sim, "vm service web-02 shop web")
    assert vm.profile == "light"  # it runs the tier's workload
    run(sim, "power on web-02")
    sim.run_until(100)  # booted (45 s) — to nothing
    assert vm.is_running(sim.now) and not healthy(sim, "web-02")
    run(sim, "power off web-01")
    sim.run_until(120)
    assert not sim.metrics.service_up["shop"]  # the new VM serves nothing
    assert "10 min" in run(sim, "os install web-02")
    done = 120 + OS_INSTALL_S["linux"]
    sim.run_until(done - 10)
    assert not healthy(sim, "web-02") and not vm.os
    sim.run_until(done + 1)
    assert vm.os and vm.tools and vm.up_at == pytest.approx(done + 45)
    assert not healthy(sim, "web-02")  # rebooting into its new OS
    sim.run_until(done + 60)
    assert healthy(sim, "web-02")
    # it runs the shop's application, but without a load balancer nothing sends it visitors:
    # web-01's users are gone with web-01 (tests/test_nfv.py has the balancer)
    assert sim.inv.vms["web-02"].load == 0.0 and not sim.metrics.service_up["shop"]
    assert [r.kind for r in sim.log].count("os_installed") == 1
    task = next(t for t in sim.tasks.tasks if t.kind == "os_install")
    assert (task.state, task.target) == ("done", "linux")


def test_windows_takes_longer_and_a_guest_going_down_fails_the_install():
    sim = _sim()
    run(sim, CREATE)
    run(sim, "power on web-02")
    sim.run_until(60)
    run(sim, "os install web-02 windows")
    task = sim.tasks.tasks[-1]
    assert task.ends_at == pytest.approx(60 + OS_INSTALL_S["windows"])
    run(sim, "power reset web-02")
    sim.run_until(60 + OS_INSTALL_S["windows"] + 10)
    assert task.state == "failed" and not sim.inv.vms["web-02"].os
    assert any(r.kind == "os_install_failed" for r in sim.log)


def test_a_host_failure_fails_the_install_at_once():
    sim = _sim()
    run(sim, CREATE)
    run(sim, "power on web-02")
    sim.run_until(60)
    run(sim, "os install web-02")
    sim.fail_host("esx-01")
    assert sim.tasks.tasks[-1].state == "failed"
    sim.run_until(60 + OS_INSTALL_S["linux"] + 10)
    assert not sim.inv.vms["web-02"].os


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("vm create web-01 esx-01 ds-1 cpu 2 mem 4 disk 40", "a VM named web-01 exists already"),
        ("vm create web/2 esx-01 ds-1 cpu 2 mem 4 disk 40", "cannot name a VM"),
        ("vm create web-02 esx-01 ds-1 cpu 16 mem 4 disk 40", "16 vCPUs but esx-01 has only 8 cores"),
        ("vm create web-02 esx-01 ds-1 cpu 2 mem 96 disk 40", "need 96 GiB but esx-01 has only 64 GiB"),
        ("vm create web-02 esx-01 ds-1 cpu 2 mem 4 disk 2000", "ds-1 has 1952 GiB free, web-02's disk needs 2000 GiB"),
        ("vm create web-02 esx-01 ds-1 cpu 2 mem 4 disk 40 dmz", "esx-01 has no port group 'dmz' (it has prod)"),
        ("vm create web-02 phys-01 ds-1 cpu 2 mem 4 disk 40", "phys-01 is a bare-metal server"),
        ("vm create web-02 esx-01 ds-2 cpu 2 mem 4 disk 40", "no datastore named 'ds-2'"),
        ("vm create web-02 esx-09 ds-1 cpu 2 mem 4 disk 40", "no host named 'esx-09'"),
    ],
)
def test_vm_create_refusals(text: str, why: str):
    sim = _sim()
    with pytest.raises(Rejected, match=why.replace("(", r"\(").replace(")", r"\)")):
        run(sim, text)
    assert list(sim.inv.vms) == ["web-01"]


def test_vm_create_refuses_a_datastore_the_host_does_not_mount_and_a_host_in_maintenance():
    lv = shop_level()
    lv["datastores"].append({"name": "ds-2", "capacity": 100, "hosts": ["phys-01"]})
    lv["hosts"][0]["state"] = "maintenance"
    lv["vms"][0]["power"] = "off"
    sim = _sim(lv)
    with pytest.raises(Rejected, match="esx-01 is in maintenance mode"):
        run(sim, "vm create web-02 esx-01 ds-1 cpu 2 mem 4 disk 40")
    run(sim, "maintenance exit esx-01")
    with pytest.raises(Rejected, match="esx-01 does not mount ds-2"):
        run(sim, "vm create web-02 esx-01 ds-2 cpu 2 mem 4 disk 40")


def test_os_install_refusals():
    sim = _sim()
    run(sim, CREATE)
    with pytest.raises(Rejected, match="web-02 is powered off; the installer runs in the VM"):
        run(sim, "os install web-02")
    run(sim, "power on web-02")
    with pytest.raises(Rejected, match="still booting"):
        run(sim, "os install web-02")
    sim.run_until(60)
    run(sim, "os install web-02")
    with pytest.raises(Rejected, match="already installing"):
        run(sim, "os install web-02")
    with pytest.raises(Rejected, match="web-01 already has its guest OS"):
        run(sim, "os install web-01")


def test_vm_delete_frees_the_disks_and_the_rows_stay_with_their_vms():
    lv = shop_level()
    add_vm(lv, "app-01", profile="light", vcpu=1)
    sim = _sim(lv, t=300)
    run(sim, CREATE)
    run(sim, "power off web-01")
    sim.run_until(400)
    before = sim.datastore_used("ds-1")
    down_app = sim.sampler.vm_downtime[sim.sampler.vm_index["app-01"]]
    assert sim.sampler.vm_downtime[sim.sampler.vm_index["web-01"]] > 0
    assert "40 GiB of disk freed" in run(sim, "vm delete web-01")
    assert "web-01" not in sim.inv.vms and sim.inv.services["shop"].tiers[0].vms == []
    assert sim.datastore_used("ds-1") == pytest.approx(before - 40)
    s = sim.sampler
    assert s.vm_names == ["app-01", "web-02"]
    assert s.vm_downtime[s.vm_index["app-01"]] == pytest.approx(down_app)
    sim.run_until(500)
    assert healthy(sim, "app-01") and s.vm_downtime.size == 2
    sim.view()  # the view reads the shorter rows


def test_vm_delete_refusals():
    lv = shop_level()
    lv["events"] = [{"at": 900, "kind": "bad_change", "vm": "web-01"}]
    lv["clusters"] = [{"name": "prod", "rules": [
        {"name": "apart", "type": "keep-apart", "vms": ["app-01", "app-02"]}]}]
    lv["hosts"][0]["cluster"] = "prod"
    add_vm(lv, "app-01", power="off")
    add_vm(lv, "app-02", power="off")
    sim = _sim(lv)
    with pytest.raises(Rejected, match="web-01 is powered on; power it off first"):
        run(sim, "vm delete web-01")
    run(sim, "power off web-01")
    with pytest.raises(Rejected, match=r"the level still needs web-01 \(something happens to it at t = 900 s\)"):
        run(sim, "vm delete web-01")
    with pytest.raises(Rejected, match="DRS rule apart names app-01"):
        run(sim, "vm delete app-01")
    run(sim, CREATE)
    run(sim, "power on web-02")
    sim.run_until(60)
    run(sim, "os install web-02")
    run(sim, "power off web-02")
    with pytest.raises(Rejected, match="has a os install task in progress"):
        run(sim, "vm delete web-02")
    with pytest.raises(Rejected, match="no VM named"):
        run(sim, "vm delete nothing")


def test_vm_service_refusals():
    sim = _sim()
    with pytest.raises(Rejected, match="no service named 'shopp'"):
        run(sim, "vm service web-01 shopp web")
    with pytest.raises(Rejected, match="no tier in shop named 'db'"):
        run(sim, "vm service web-01 shop db")
    with pytest.raises(Rejected, match="web-01 already serves tier web of shop"):
        run(sim, "vm service web-01 shop web")


SCRIPT = [
    (0, CREATE),
    (5, "vm service web-02 shop web"),
    (20, "power on web-02"),
    (130, "os install web-02"),
    (900, "power off web-01"),
    (910, "vm delete web-01"),
    (920, "vm create web-03 esx-01 ds-1 cpu 1 mem 2 disk 20"),
    (930, "power on web-03"),
]


def _play(level, step: float) -> Session:
    s = Session(Simulation(level))
    t = 0.0
    for at, text in SCRIPT:
        while t + step < at:
            t += step
            s.advance_to(t)
        s.advance_to(at)
        t = at
        assert s.submit(text).accepted, text
    while t < 1800:
        t = min(1800.0, t + step)
        s.advance_to(t)
    return s


def test_saves_with_these_commands_replay_exactly_however_time_is_sliced():
    level = build(shop_level(duration=1800))
    a = _play(level, 1800.0)
    b = _play(level, 7.0)
    assert a.sim.digests == b.sim.digests
    assert [r.as_dict() for r in a.sim.log] == [r.as_dict() for r in b.sim.log]
    assert a.sim.inv.vms["web-02"].os and "web-01" not in a.sim.inv.vms
    save = from_data(copy.deepcopy(to_data(a)))
    _, divergence = verify(save)
    assert divergence is None
    twin = copy.deepcopy(_play(level, 1800.0))
    assert twin.sim.digests == a.sim.digests


# ------------------------------------------------------------------------------ appliances


def test_a_deployed_appliance_serves_after_its_boot_with_no_os_install():
    lv = shop_level()
    lv["services"][0]["tiers"].insert(0, {"name": "lb", "vms": ["web-01"]})
    sim = _sim(lv, t=100)
    msg = run(sim, "deploy load-balancer lb-01 esx-01 ds-1 prod")
    assert "serves in 120 s — no OS to install" in msg
    vm = sim.inv.vms["lb-01"]
    assert (vm.power, vm.os, vm.tools, vm.vcpu, vm.memory, len(vm.nics)) == ("on", True, True, 2, 4.0, 2)
    assert (vm.disks[0].thin, vm.disks[0].size, vm.disks[0].used) == (True, 16.0, 4.0)
    assert vm.profile == "appliance-load-balancer"
    assert sim.profiles[vm.profile].cpu == pytest.approx(500 / 1500 * 2000)  # net / per-vCPU × 2 GHz
    run(sim, "vm service lb-01 shop lb")
    assert vm.profile == "appliance-load-balancer"  # it keeps its own workload
    sim.run_until(215)
    assert not healthy(sim, "lb-01")  # still booting
    sim.run_until(225)
    assert healthy(sim, "lb-01")
    task_kinds = [t.kind for t in sim.tasks.tasks]
    assert "os_install" not in task_kinds


def test_throughput_per_vcpu_decides_whether_an_appliance_keeps_up():
    # A level's own firewall: 1 vCPU at 500 Mbit/s per vCPU carrying 1,500 Mbit/s wants 3 vCPUs
    # (6,000 MHz) of its 1 (2,000 MHz): it gets a third of what it wants; the 4-vCPU one keeps up.
    lv = shop_level()
    lv["appliances"] = [
        {"name": "small-fw", "vcpu": 1, "memory": 2, "disk": 8, "mbps_per_vcpu": 500, "net": 1500, "boot_s": 10},
        {"name": "big-fw", "vcpu": 4, "memory": 2, "disk": 8, "mbps_per_vcpu": 500, "net": 1500, "boot_s": 10},
    ]
    lv["level"]["start_hour"] = 3  # the web shape is near its floor at night
    sim = _sim(lv)
    run(sim, "deploy small-fw fw-1 esx-01 ds-1 prod")
    run(sim, "deploy big-fw fw-4 esx-01 ds-1 prod")
    sim.run_until(60)
    s = sim.sampler
    f1, f4 = (float(s.vm_f_cpu[s.vm_index[n]]) for n in ("fw-1", "fw-4"))
    assert f1 == pytest.approx(1 / 3, rel=0.02) and f4 == pytest.approx(1.0)
    assert not healthy(sim, "fw-1") and healthy(sim, "fw-4")


def test_a_level_appliance_replaces_the_shipped_one_of_its_name():
    lv = shop_level()
    lv["appliances"] = [{"name": "router", "vcpu": 1, "memory": 1, "disk": 2, "nics": 1, "boot_s": 5}]
    sim = _sim(lv)
    run(sim, "deploy router r-1 esx-01 ds-1 prod")
    assert (sim.inv.vms["r-1"].vcpu, sim.inv.vms["r-1"].boot_s, len(sim.inv.vms["r-1"].nics)) == (1, 5.0, 1)


def test_deploy_refusals():
    lv = shop_level()
    lv["datastores"][0]["used"] = 1960  # 2 GiB free beside web-01's 40 GiB disk and 8 GiB swap file
    lv["datastores"][0]["capacity"] = 2010
    sim = _sim(lv)
    with pytest.raises(Rejected, match=r"no appliance 'switch' in the catalogue \(router, firewall, load-balancer, vcenter\)"):
        run(sim, "deploy switch sw-1 esx-01 ds-1")
    with pytest.raises(Rejected, match="a VM named web-01 exists already"):
        run(sim, "deploy router web-01 esx-01 ds-1")
    with pytest.raises(Rejected, match="ds-1 has 2 GiB free, vc-01's disk needs 39 GiB"):
        run(sim, "deploy vcenter vc-01 esx-01 ds-1")  # 25 GiB written + 14 GiB swap file
    with pytest.raises(Rejected, match="esx-01 has no port group 'dmz'"):
        run(sim, "deploy router r-1 esx-01 ds-1 dmz")
    with pytest.raises(Rejected, match="phys-01 is a bare-metal server"):
        run(sim, "deploy router r-1 phys-01 ds-1")


# ------------------------------------------------------------------------ physical servers


def office_level(duration: int = 3600) -> dict:
    """esx-01 (8 × 2,000 MHz, 64 GiB; 150–450 W, 1 U) and esx-02 (no port group, 8 GiB), and
    phys-01: a 4-core physical server (200–400 W, 2 U, cost 5,000) whose 100 GiB in use serve
    the shop with a steady 1,000 MHz application writing 2 MB/s."""
    lv = base_level(duration=duration, p2v_mbps=100)
    lv["hosts"].append({"name": "esx-02", "cores": 8, "memory": 8})
    lv["hosts"].append({"name": "phys-01", "hypervisor": "none", "cores": 4, "mhz": 2000, "memory": 16,
                        "local_disk": 200, "disk_used": 100, "workload": "srv", "portgroup": "prod",
                        "rack_units": 2, "power_idle": 200, "power_busy": 400, "cost": 5000})
    lv["networks"][0]["hosts"] = ["esx-01"]
    lv["profiles"].append(dict(lv["profiles"][0], name="srv", cpu=1000, write_mbps=2))
    lv["services"] = [{"name": "shop", "tiers": [{"name": "web", "servers": ["phys-01"]}]}]
    return lv


def test_a_physical_server_serves_its_tier_draws_its_power_and_fails_like_a_host():
    sim = _sim(office_level(), t=30)
    s = sim.sampler
    assert sim.metrics.service_up["shop"] and s.server_healthy.tolist() == [True]
    power = dict(zip(s.host_names, s.host_power_w.tolist(), strict=True))
    assert power["phys-01"] == pytest.approx(200 + 200 * 1000 / 8000)  # 1,000 of its 8,000 MHz
    assert power["esx-01"] == pytest.approx(150)
    assert sim.view().services[0].tiers[0].servers == ("phys-01",)
    sim.fail_host("phys-01")
    sim.run_until(40)
    assert not sim.metrics.service_up["shop"] and s.host_power_w[2] == 0
    sim.recover_host("phys-01")
    sim.run_until(40 + 180 + 5)
    assert sim.metrics.service_up["shop"]


def test_an_overloaded_physical_server_stops_serving():
    lv = office_level()
    lv["hosts"][2]["load"] = 10  # wants 10,000 MHz of its 8,000
    sim = _sim(lv, t=30)
    assert sim.sampler.server_f[0] == pytest.approx(0.8)
    lv["hosts"][2]["load"] = 11
    sim = _sim(lv, t=30)
    assert not sim.metrics.service_up["shop"]


def test_p2v_takes_the_used_disk_over_the_network_and_the_service_is_down_only_at_cutover():
    sim = _sim(office_level(), t=100)
    msg = run(sim, "p2v phys-01 esx-01 ds-1")
    # copy 100 GiB at 100 MB/s = 1,024 s; the 2 MB/s written meanwhile = 2 GiB = 20.48 s of
    # final sync; then the 60 s switch and the VM's 45 s boot.
    assert "copying 100 GiB takes 17.1 min, then a cutover of 80.5 s; done at t = 1204.5 s" in msg
    task = sim.tasks.tasks[-1]
    assert (task.kind, task.ends_at) == ("p2v", pytest.approx(100 + 1024 + 20.48 + 60))
    vm = sim.inv.vms["phys-01"]
    assert (vm.power, vm.vcpu, vm.memory, vm.profile, vm.disks[0].used, vm.nics[0].portgroup) == (
        "off", 4, 16.0, "srv", 100.0, "prod")
    with pytest.raises(Rejected, match=r"phys-01 is being converted from its physical server \(\d+ %\)"):
        run(sim, "power on phys-01")
    sim.run_until(1120)
    assert sim.metrics.service_down_s["shop"] == 0  # it served through the whole copy
    sim.run_until(1130)
    assert not sim.metrics.service_up["shop"]  # the cutover
    sim.run_until(1300)
    assert task.state == "done" and vm.power == "on" and sim.metrics.service_up["shop"]
    assert sim.metrics.service_down_s["shop"] == pytest.approx(125)  # 1,125 … 1,250 s
    assert sim.inv.services["shop"].tiers[0].vms == ["phys-01"] and not sim.inv.services["shop"].tiers[0].servers
    kinds = [r.kind for r in sim.log]
    assert kinds.count("conversion_started") == kinds.count("conversion_cutover") == kinds.count("conversion_completed") == 1


def test_powering_off_the_old_server_saves_rack_units_power_and_yearly_cost():
    lv = office_level(duration=1800)
    lv["objectives"] = [
        {"id": "rack", "kind": "max_rack_units", "target": 1},
        {"id": "cost", "kind": "max_yearly_cost", "target": 11000},
    ]
    lv["hosts"][1]["state"] = "off"  # esx-02: no power, no rack space, no cost
    sim = _sim(lv, t=100)
    assert objectives.rack_units(sim) == 3
    before_kw = sim.metrics.power_kw
    assert before_kw == pytest.approx(0.375)  # 225 W server + 150 W idle host
    assert objectives.yearly_cost(sim) == pytest.approx(0.375 * 8760 * 0.15 + 15000)
    run(sim, "p2v phys-01 esx-01 ds-1")
    sim.run_until(1300)
    assert sim.sampler.host_power_w[2] == pytest.approx(200)  # idle: its workload left
    with pytest.raises(Rejected, match="phys-01 was converted already"):
        run(sim, "p2v phys-01 esx-01 ds-1")
    run(sim, "host power off phys-01")
    sim.run_until(1310)
    assert objectives.rack_units(sim) == 1
    after_kw = sim.metrics.power_kw
    assert after_kw == pytest.approx((150 + 300 * 1000 / 16000) / 1000)  # the VM on esx-01
    assert objectives.yearly_cost(sim) == pytest.approx(after_kw * 8760 * 0.15 + 10000)
    assert sim.metrics.service_up["shop"]
    st = {o.id: o for o in sim.objective_statuses()}
    assert st["rack"].met and st["rack"].value == 1 and st["cost"].met


def test_p2v_copies_no_faster_than_the_slowest_link_allows():
    lv = office_level()
    lv["level"]["p2v_mbps"] = 200
    lv["hosts"][2]["nics"] = [{"name": "eth0", "speed": 1000}]  # a 1 GbE server: 125 MB/s
    sim = _sim(lv, t=100)
    # 100 GiB at min(200, 1,000 / 8, 20,000 / 8) = 125 MB/s: 819.2 s; the 2 MB/s written
    # meanwhile (1.6 GiB) sync in 13.1 s
    assert "copying 100 GiB takes 13.7 min, then a cutover of 73.1 s" in run(sim, "p2v phys-01 esx-01 ds-1")
    assert sim.tasks.tasks[-1].ends_at == pytest.approx(100 + 819.2 + 13.1072 + 60)
    lv["hosts"][2]["nics"] = [{"name": "eth0", "speed": 1000}, {"name": "eth1", "speed": 10000}]
    sim = _sim(lv, t=100)
    assert "takes 8.5 min" in run(sim, "p2v phys-01 esx-01 ds-1")  # its 10 GbE link: 200 MB/s
    sim = _sim(lv, t=100)
    for nic in ("eth0", "eth1"):
        sim.inv.hosts["phys-01"].nics[nic].link_up = False
    with pytest.raises(Rejected, match="phys-01 has no network link up: the copy has no way to esx-01"):
        run(sim, "p2v phys-01 esx-01 ds-1")


def test_p2v_refusals():
    lv = office_level()
    lv["hosts"].append({"name": "phys-02", "hypervisor": "none", "cores": 2, "memory": 4})
    lv["hosts"].append({"name": "phys-03", "hypervisor": "none", "cores": 2, "memory": 4, "state": "off",
                        "workload": "srv", "local_disk": 10})
    lv["datastores"].append({"name": "ds-small", "capacity": 50})
    sim = _sim(lv)
    for text, why in [
        ("p2v esx-01 esx-02 ds-1", "esx-01 is a hypervisor host, not a physical server"),
        ("p2v phys-02 esx-01 ds-1", "phys-02 runs no workload to convert"),
        ("p2v phys-03 esx-01 ds-1", "phys-03 is off; P2V converts a running server"),
        ("p2v phys-01 esx-02 ds-1", "phys-01 would need 16 GiB but esx-02 has only 8 GiB"),
        ("p2v phys-01 phys-02 ds-1", "phys-02 is a bare-metal server"),
        ("p2v phys-01 esx-01 ds-small", r"ds-small has 50 GiB free, phys-01's disk needs 116 GiB"),
    ]:
        with pytest.raises(Rejected, match=why):
            run(sim, text)
    lv["hosts"][1]["memory"] = 32
    sim = _sim(lv)
    with pytest.raises(Rejected, match=r"esx-02 has no port group 'prod' \(it has none\)"):
        run(sim, "p2v phys-01 esx-02 ds-1")
    run(sim, "p2v phys-01 esx-01 ds-1")
    with pytest.raises(Rejected, match="phys-01 is already being converted"):
        run(sim, "p2v phys-01 esx-01 ds-1")
    with pytest.raises(Rejected, match="phys-01 has a p2v task in progress"):
        run(sim, "vm delete phys-01")


def test_a_target_failing_during_the_copy_fails_the_conversion_and_the_server_serves_on():
    sim = _sim(office_level(), t=100)
    run(sim, "p2v phys-01 esx-01 ds-1")
    sim.run_until(500)
    sim.fail_host("esx-01")
    assert sim.tasks.tasks[-1].state == "failed" and "phys-01" not in sim.inv.vms
    sim.run_until(1400)
    assert sim.metrics.service_up["shop"] and sim.metrics.service_down_s["shop"] == 0
    assert sim.inv.hosts["phys-01"].workload == "srv"


def test_a_target_failing_during_the_cutover_gives_the_service_back_to_the_server():
    sim = _sim(office_level(), t=100)
    run(sim, "p2v phys-01 esx-01 ds-1")
    sim.run_until(1150)  # in the final sync
    sim.fail_host("esx-01")
    assert sim.tasks.tasks[-1].state == "failed" and "phys-01" not in sim.inv.vms
    sim.run_until(1200)
    assert sim.metrics.service_up["shop"] and sim.inv.services["shop"].tiers[0].servers == ["phys-01"]


P2V_SCRIPT = [
    (50, "p2v phys-01 esx-01 ds-1"),
    (1300, "host power off phys-01"),
    (1310, "deploy firewall fw-01 esx-01 ds-1 prod"),
]


def test_a_save_with_p2v_replays_exactly_however_time_is_sliced():
    level = build(office_level(duration=1800))

    def play(step: float) -> Session:
        s = Session(Simulation(level))
        t = 0.0
        for at, text in P2V_SCRIPT:
            while t + step < at:
                t += step
                s.advance_to(t)
            s.advance_to(at)
            t = at
            assert s.submit(text).accepted, text
        s.advance_to(1800)
        return s

    a, b = play(1800.0), play(3.0)
    assert a.sim.digests == b.sim.digests
    assert [r.as_dict() for r in a.sim.log] == [r.as_dict() for r in b.sim.log]
    _, divergence = verify(from_data(copy.deepcopy(to_data(a))))
    assert divergence is None


def test_level_keys_of_physical_servers_are_checked():
    from pydantic import ValidationError

    from vdc.scenario.checks import check_level
    from vdc.scenario.checks_common import CheckError

    lv = office_level()
    lv["hosts"][0]["workload"] = "srv"
    with pytest.raises(ValidationError, match=r"workload is for a bare-metal server"):
        build(lv)
    lv = office_level()
    lv["hosts"][2]["disk_used"] = 300
    with pytest.raises(ValidationError, match=r"disk_used \(300 GiB\) is larger than local_disk \(200 GiB\)"):
        build(lv)
    lv = office_level()
    lv["services"][0]["tiers"] = [{"name": "web"}]
    with pytest.raises(ValidationError, match="a tier needs members"):
        build(lv)
    lv = office_level()
    lv["services"][0]["tiers"][0]["servers"] = ["esx-01"]
    with pytest.raises(CheckError, match="esx-01 is not a bare-metal server with a workload"):
        check_level(build(lv))
    lv = office_level()
    lv["hosts"][2]["workload"] = "nosuch"
    with pytest.raises(CheckError, match="no profile named 'nosuch'"):
        check_level(build(lv))
    lv = office_level()
    lv["hosts"][2]["portgroup"] = "dmz"
    with pytest.raises(CheckError, match="dmz"):
        check_level(build(lv))
    check_level(build(office_level()))


def test_deleting_a_vm_with_snapshots_frees_their_space_too():
    sim = _sim()
    run(sim, CREATE)
    run(sim, "snapshot create web-02 s1")
    sim.run_until(60)
    before = sim.datastore_used("ds-1")
    run(sim, "vm delete web-02")
    sim.run_until(120)
    assert sim.datastore_used("ds-1") == pytest.approx(before - 40, abs=0.5)


def test_the_view_reads_a_vm_made_since_the_last_sample():
    sim = _sim()
    run(sim, "deploy router r-1 esx-01 ds-1 prod")
    run(sim, CREATE)
    view = sim.view()
    i = view.vms.names.index("r-1")
    assert view.vms.reasons[i] == "booting" and view.vms.reasons[-1] == "powered off"


def test_task_cancel_stops_an_os_install_and_a_p2v_copy_but_not_its_cutover():
    sim = _sim(office_level(), t=100)
    run(sim, "vm create web-02 esx-01 ds-1 cpu 2 mem 4 disk 40 prod")
    run(sim, "power on web-02")
    sim.run_until(150)
    run(sim, "os install web-02")
    assert "OS install in web-02 cancelled" in run(sim, "task cancel web-02")
    sim.run_until(150 + OS_INSTALL_S["linux"] + 10)
    assert not sim.inv.vms["web-02"].os and sim.tasks.tasks[-1].state == "cancelled"
    run(sim, "p2v phys-01 esx-01 ds-1")
    sim.run_until(1000)
    assert "the copy is deleted" in run(sim, "task cancel phys-01")
    assert "phys-01" not in sim.inv.vms and sim.inv.hosts["phys-01"].workload == "srv"
    t = sim.now
    run(sim, "p2v phys-01 esx-01 ds-1")
    sim.run_until(t + 1024 + 10)  # in the cutover
    with pytest.raises(Rejected, match="in its cutover: the server's application is already stopped"):
        run(sim, f"task cancel {sim.tasks.tasks[-1].id}")
    sim.run_until(t + 1024 + 200)
    assert sim.tasks.tasks[-1].state == "done" and sim.metrics.service_up["shop"]


def test_the_view_says_a_vm_is_installing_or_being_converted():
    sim = _sim(office_level(), t=100)
    run(sim, CREATE)
    run(sim, "power on web-02")
    run(sim, "p2v phys-01 esx-01 ds-1")
    sim.run_until(200)
    run(sim, "os install web-02")
    sim.run_until(210)
    view = sim.view()
    why = dict(zip(view.vms.names, view.vms.reasons, strict=True))
    assert why == {"web-02": "installing its guest OS", "phys-01": "being converted (P2V)"}


def test_vm_delete_waits_for_ha_to_restart_the_vm():
    lv = shop_level()
    lv["hosts"][1] = {"name": "esx-02", "cores": 8, "memory": 64, "cluster": "prod"}
    lv["hosts"][0]["cluster"] = "prod"
    lv["networks"][0]["hosts"] = ["*"]
    lv["clusters"] = [{"name": "prod", "ha": {"enabled": True}}]
    sim = _sim(lv, t=60)
    sim.fail_host("esx-01")
    with pytest.raises(Rejected, match="HA of prod is about to restart web-01"):
        run(sim, "vm delete web-01")
