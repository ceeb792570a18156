"""Guest Tools and virtual hardware (vdc/sim/guest; sim-facts §14)."""

from __future__ import annotations

import pytest
from conftest import add_vm, base_level, build

from vdc.sim import dispatch
from vdc.sim.checks import Rejected
from vdc.sim.commands import parse
from vdc.sim.engine import Simulation
from vdc.sim.guest.tools import TOOLS_INSTALL_S
from vdc.sim.view.build import vm_reason


def _level(**vm) -> dict:
    lv = base_level(duration=3600)
    lv["profiles"].append(dict(lv["profiles"][0], name="net", cpu=100, net=3000, iops=2000))
    add_vm(lv, "web", vcpu=1, profile="net", **vm)
    return lv


def _sim(lv: dict, t: float = 30) -> Simulation:
    sim = Simulation(build(lv))
    sim.run_until(t)
    return sim


def _v(sim: Simulation, arr: str, name: str = "web") -> float:
    s = sim.sampler
    return float(getattr(s, arr)[s.vm_index[name]])


def _run(sim: Simulation, text: str) -> str:
    """Run a command; its message, or `Rejected` with the refusal."""
    v = dispatch.execute(sim, parse(text))
    if not v.accepted:
        raise Rejected(v.message)
    return v.message


def test_defaults_follow_the_hypervisor():
    lv = _level()
    sim = _sim(lv)
    vm = sim.inv.vms["web"]
    assert (vm.nics[0].adapter, vm.disks[0].controller) == ("vmxnet3", "pvscsi")
    lv["hosts"][0]["hypervisor"] = "kvm"
    vm = _sim(lv).inv.vms["web"]
    assert (vm.nics[0].adapter, vm.disks[0].controller) == ("virtio", "virtio")


def test_e1000_caps_throughput_and_costs_host_cpu():
    # 3,000 Mbit/s wanted through one e1000 (≤ 1,500 Mbit/s): half served; the host pays
    # (1,000 − 300) MHz per Gbit/s carried = 1,050 MHz, on top of the VM's own 100 MHz.
    pv = _sim(_level())
    em = _sim(_level(nics=[{"portgroup": "prod", "adapter": "e1000"}]))
    assert _v(pv, "vm_f_net") == pytest.approx(1.0)
    assert _v(em, "vm_f_net") == pytest.approx(0.5)
    assert _v(em, "vm_served") == pytest.approx(0.5)
    assert pv.sampler.host_overhead_mhz[0] == pytest.approx(0.0)
    assert em.sampler.host_overhead_mhz[0] == pytest.approx(1050.0)
    assert em.sampler.host_cpu_pct[0] == pytest.approx(100 * (100 + 1050) / 16000)
    assert pv.sampler.host_cpu_pct[0] == pytest.approx(100 * 100 / 16000)
    assert _v(em, "vm_healthy") == 0 and "starved: gets 50 %" in vm_reason(em, 0)


def test_emulated_disk_controllers_cost_cpu_and_queue_few_ios():
    # ide: 1 I/O in flight at ~1.1 ms → ≈ 900 IOPS of 2,000; 220 MHz more per 1,000 IOPS.
    ide = _sim(_level(disks=[{"datastore": "ds-1", "size": 40, "thin": False, "controller": "ide"}]))
    lsi = _sim(_level(disks=[{"datastore": "ds-1", "size": 40, "thin": False, "controller": "lsi"}]))
    lat = ide.sampler.ds_latency[0]
    assert _v(ide, "vm_f_io") == pytest.approx(1000 / lat / 2000)
    assert _v(ide, "vm_served") == pytest.approx(1000 / lat / 2000)
    assert ide.sampler.host_overhead_mhz[0] == pytest.approx(2 * 220)
    assert _v(lsi, "vm_f_io") == pytest.approx(1.0)  # 32 in flight: ≈ 29,000 IOPS
    assert lsi.sampler.host_overhead_mhz[0] == pytest.approx(2 * 20)  # pvscsi is 0.8 × lsi


def test_paravirtual_nic_without_tools_is_unreachable():
    sim = _sim(_level(tools=False, disks=[{"datastore": "ds-1", "size": 40, "controller": "lsi"}]))
    assert _v(sim, "vm_reachable") == 0 and _v(sim, "vm_healthy") == 0
    assert vm_reason(sim, 0) == "no network: its paravirtual NIC needs Tools"
    ok = _sim(_level(tools=False, nics=[{"portgroup": "prod", "adapter": "e1000"}],
                     disks=[{"datastore": "ds-1", "size": 40, "controller": "lsi"}]))
    assert _v(ok, "vm_reachable") == 1


def test_paravirtual_disk_without_tools_serves_nothing():
    sim = _sim(_level(tools=False, nics=[{"portgroup": "prod", "adapter": "e1000"}]))
    assert _v(sim, "vm_healthy") == 0
    assert vm_reason(sim, 0) == "no disk: its paravirtual controller needs Tools"


def test_tools_install_takes_effect_after_a_reboot_not_before():
    sim = _sim(_level(tools=False))  # vmxnet3 + pvscsi: no drivers, not healthy
    assert "task" in _run(sim, "tools install web")
    with pytest.raises(Rejected, match="already installing"):
        _run(sim, "tools install web")
    sim.run_until(30 + TOOLS_INSTALL_S + 10)
    vm = sim.inv.vms["web"]
    assert vm.tools_installed_at == pytest.approx(30 + TOOLS_INSTALL_S)
    assert not vm.has_tools and _v(sim, "vm_reachable") == 0  # not before the reboot
    assert [r.kind for r in sim.log].count("tools_installed") == 1
    with pytest.raises(Rejected, match="start when the guest reboots"):
        _run(sim, "tools install web")
    _run(sim, "power reset web")
    sim.run_until(sim.now + 30)
    assert vm.has_tools and _v(sim, "vm_reachable") == 1 and _v(sim, "vm_healthy") == 1
    with pytest.raises(Rejected, match="already runs VMware Tools"):
        _run(sim, "tools install web")


def test_tools_install_fails_when_the_guest_goes_down():
    sim = _sim(_level(tools=False))
    _run(sim, "tools install web")
    _run(sim, "power off web")
    sim.run_until(30 + TOOLS_INSTALL_S + 10)
    assert sim.inv.vms["web"].tools_installed_at is None
    assert sim.tasks.tasks[-1].state == "failed"


def test_tools_install_refusals():
    lv = _level(tools=False, power="off")
    sim = _sim(lv)
    with pytest.raises(Rejected, match="powered off; Tools install into a running guest"):
        _run(sim, "tools install web")
    sim2 = _sim(_level())
    with pytest.raises(Rejected, match="already runs"):
        _run(sim2, "tools install web")


def test_vm_adapter_changes_and_refusals():
    sim = _sim(_level())
    with pytest.raises(Rejected, match=r"powered on; virtual hardware changes only while it is off"):
        _run(sim, "vm adapter web nic 1 e1000")
    _run(sim, "power off web")
    with pytest.raises(Rejected, match="web has 1 network adapter; number 1 to 1"):
        _run(sim, "vm adapter web nic 2 e1000")
    with pytest.raises(Rejected, match="pvscsi is not a NIC type; a network adapter can be e1000, vmxnet3, virtio"):
        _run(sim, "vm adapter web nic 1 pvscsi")
    with pytest.raises(Rejected, match=r"virtio exists on kvm; esx-01 runs esxi \(e1000, vmxnet3\)"):
        _run(sim, "vm adapter web nic 1 virtio")
    with pytest.raises(Rejected, match="already vmxnet3"):
        _run(sim, "vm adapter web nic 1 vmxnet3")
    assert "vmxnet3 → e1000" in _run(sim, "vm adapter web nic 1 e1000")
    assert "pvscsi → lsi" in _run(sim, "vm adapter web disk 1 lsi")
    _run(sim, "power on web")
    sim.run_until(sim.now + 30)
    assert _v(sim, "vm_f_net") == pytest.approx(0.5)
    assert sim.sampler.host_overhead_mhz[0] == pytest.approx(1050 + 2 * 20)


@pytest.mark.parametrize(
    ("hypervisor", "where", "value", "path", "takes"),
    [
        ("esxi", "nic", "virtio", "vms[0].nics[0].adapter", "takes e1000 or vmxnet3"),
        ("kvm", "nic", "vmxnet3", "vms[0].nics[0].adapter", "takes e1000 or virtio"),
        ("kvm", "disk", "pvscsi", "vms[0].disks[0].controller", "takes lsi or ide or virtio"),
    ],
)
def test_a_level_refuses_the_other_hypervisors_paravirtual_adapter(
    hypervisor: str, where: str, value: str, path: str, takes: str
):
    """No key is a label: a virtio NIC on an ESXi host would load and do nothing, so the level
    is refused with the key and what that host takes."""
    from vdc.scenario.checks import CheckError, check_level

    lv = _level()
    lv["hosts"][0]["hypervisor"] = hypervisor
    vm = lv["vms"][0]
    if where == "nic":
        vm["nics"][0]["adapter"] = value
    else:
        vm["disks"][0]["controller"] = value
    with pytest.raises(CheckError) as e:
        check_level(build(lv))
    assert e.value.path == path
    assert takes in e.value.message
    # The hypervisor's own paravirtual adapter and the emulated ones load.
    vm["nics"][0]["adapter"] = "e1000"
    vm["disks"][0]["controller"] = "lsi"
    check_level(build(lv))
