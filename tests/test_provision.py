"""Provisioning (issue 16): new VMs without an OS, OS installs, deleting VMs, joining tiers."""

from __future__ import annotations

import copy

import pytest
from conftest import add_vm, base_level, build

from vdc.session.save import from_data, to_data
from vdc.session.session import Session
from vdc.session.verify import verify
from vdc.sim import dispatch
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
    assert healthy(sim, "web-02") and sim.metrics.service_up["shop"]
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
