"""The validator and dispatcher: every rejection reason, and what accepted commands change."""

from __future__ import annotations

import pytest
from conftest import add_vm, base_level, build

from vdc.session.session import Session
from vdc.sim.commands import make_command
from vdc.sim.engine import Simulation


def _session() -> Session:
    lv = base_level(duration=3600)
    h = lv["hosts"][0]
    lv["hosts"] += [
        dict(h, name="esx-02", state="off", boot_s=120),
        dict(h, name="esx-03", state="maintenance"),
        dict(h, name="esx-04", state="failed"),
        dict(h, name="bare-01", hypervisor="none"),
        dict(h, name="esx-06", state="isolated"),
        dict(h, name="esx-07", cores=4, memory=32),
        dict(h, name="esx-08", luns=["lun-1"]),
    ]
    lv["datastores"] = [
        {"name": "ds-1", "capacity": 2000, "hosts": ["esx-0[1-6]", "esx-08"]},
        {"name": "ds-tiny", "capacity": 30, "hosts": ["esx-0*"]},
    ]
    lv["networks"][0]["hosts"] = ["esx-0[1-68]"]
    lv["networks"].append(
        {"name": "vSwitch7", "hosts": ["esx-07"], "uplinks": ["vmnic0"], "portgroups": [{"name": "other"}]}
    )
    add_vm(lv, "web-01", vcpu=2, memory=8, load=0.5)  # 4,000 MHz: its 2 vCPUs busy
    add_vm(lv, "db-01", vcpu=4, memory=16, power="off", mem_reservation=16, cpu_reservation=4000)
    add_vm(lv, "big-01", vcpu=8, memory=48, power="off", mem_reservation=48)
    add_vm(lv, "rdm-01", vcpu=1, memory=4, power="off",
           disks=[{"kind": "rdm-physical", "lun": "lun-1", "size": 100}], host="esx-08")
    add_vm(lv, "swap-01", vcpu=1, memory=40, power="off",
           disks=[{"datastore": "ds-tiny", "size": 10, "thin": False}])
    add_vm(lv, "hot-01", vcpu=2, memory=8, hot_add=True)
    add_vm(lv, "res-01", vcpu=1, memory=8, power="off", cpu_reservation=15000)
    add_vm(lv, "iso-01", vcpu=1, memory=4, host="esx-06")
    add_vm(lv, "res-02", vcpu=1, memory=24, power="off", mem_reservation=20)
    tiny = [{"datastore": "ds-tiny", "size": 2, "thin": False}]
    add_vm(lv, "hot-02", vcpu=1, memory=4, hot_add=True, disks=tiny)
    other = [{"portgroup": "other"}]
    add_vm(lv, "wide-01", vcpu=8, memory=8, power="off", host="esx-07", nics=other, disks=tiny)
    add_vm(lv, "fat-01", vcpu=1, memory=40, power="off", host="esx-07", nics=other, disks=tiny)
    return Session(Simulation(build(lv)))


REJECTIONS = [
    ("power on wbe-01", "no VM named 'wbe-01' (did you mean web-01?)"),
    ("power on db-01 esx-99", "no host named 'esx-99' (did you mean esx-08?)"),
    ("power on db-01 nothing-like-it", "no host named 'nothing-like-it'"),
    ("power on web-01", "web-01 is already powered on"),
    ("power on db-01 bare-01", "bare-01 is a bare-metal server, not a hypervisor host"),
    ("power on db-01 esx-04", "esx-04 has failed"),
    ("power on db-01 esx-02", "esx-02 is powered off; power it on first: host power on esx-02"),
    ("power on db-01 esx-03", "esx-03 is in maintenance mode"),
    ("power on db-01 esx-06", "esx-06 is cut off from the management network"),
    ("power on db-01 esx-07", "esx-07 does not mount ds-1, where db-01's disk lives"),
    ("power on rdm-01 esx-01", "esx-01 cannot see LUN lun-1, mapped raw into rdm-01"),
    ("power on swap-01 esx-07", "esx-07 has no port group 'prod' for swap-01's NIC"),
    # ds-tiny: 30 GiB − swap-01's 10 − hot-02's 2 + 4 swap − wide-01's 2 − fat-01's 2 = 10 free.
    ("power on swap-01", "ds-tiny has 10 GiB free, swap-01's swap file needs 40 GiB"),
    ("vm set hot-02 mem 20", "ds-tiny has 10 GiB free, hot-02's swap file must grow by 16 GiB"),
    ("power on wide-01", "wide-01 would have 8 vCPUs but esx-07 has only 4 cores"),
    ("power on fat-01", "fat-01 needs 40 GiB but esx-07 has only 32 GiB of memory"),
    ("power off db-01", "db-01 is already powered off"),
    ("power reset db-01", "db-01 is powered off; use power on db-01"),
    ("vm set web-01 cpu 2", "web-01 already has 2 vCPUs"),
    ("vm set web-01 cpu 4", "web-01 is powered on and has no hot add; power it off first"),
    ("vm set hot-01 cpu 1", "hot-01 is powered on; vCPUs can only be removed while it is off"),
    ("vm set hot-01 cpu 16", "hot-01 would have 16 vCPUs but esx-01 has only 8 cores"),
    ("vm set db-01 mem 8", "db-01 reserves 16 GiB; memory cannot go below that"),
    ("vm set db-01 mem 128", "db-01 would need 128 GiB but esx-01 has only 64 GiB of memory"),
    ("vm set hot-01 mem 8", "hot-01 already has 8 GiB"),
    ("host power on esx-01", "esx-01 is already on"),
    ("host power on esx-04", "esx-04 has failed; it cannot be powered on until it is repaired"),
    ("host power off esx-02", "esx-02 is already powered off"),
    ("host power off esx-04", "esx-04 is already down (failed)"),
    ("host power off esx-01", "esx-01 still runs 3 VMs (web-01, hot-01, hot-02); power them off or move them first"),
]


@pytest.mark.parametrize(("text", "reason"), REJECTIONS, ids=[r[0] for r in REJECTIONS])
def test_rejection_reasons(text: str, reason: str):
    s = _session()
    inv = s.sim.inv

    def state():
        return (
            [(v.power, v.host, v.vcpu, v.memory, v.up_at) for v in inv.vms.values()],
            [h.state for h in inv.hosts.values()],
        )

    before = state()
    rec = s.submit(text)
    assert not rec.accepted
    assert rec.message == reason
    assert state() == before  # a rejected command changes nothing
    assert s.sim.accepted_commands == 0
    assert s.sim.log.of_kind("command_rejected")[-1].detail == reason


def test_reservation_rejections_with_numbers():
    s = _session()
    assert s.submit("power on big-01").accepted  # reserves 48 of esx-01's 64 GiB
    rec = s.submit("power on res-02")
    assert rec.message == "esx-01 has 16 GiB unreserved memory, res-02 reserves 20 GiB"
    assert s.submit("power on db-01").accepted  # exactly the 16 GiB left
    s = _session()
    assert s.submit("power on db-01").accepted  # reserves 4,000 of 16,000 MHz
    rec = s.submit("power on res-01")
    assert rec.message == "esx-01 has 12000 MHz unreserved CPU, res-01 reserves 15000 MHz"
    s = _session()
    assert s.submit("power on big-01").accepted
    rec = s.submit("vm set hot-01 mem 80")
    assert rec.message == "hot-01 would need 80 GiB but esx-01 has only 64 GiB of memory"


def test_host_boot_then_power_on_there():
    s = _session()
    rec = s.submit("host power on esx-02")
    assert rec.accepted and rec.message == "esx-02 is powering on; up in 120 s"
    s.advance_to(60)
    assert s.submit("power on db-01 esx-02").message == "esx-02 is still booting (ready at t = 120 s)"
    assert s.submit("host power on esx-02").message == "esx-02 is already booting (ready at t = 120 s)"
    s.advance_to(120)  # the host comes up at 120, after any command given at 120
    assert s.submit("power on db-01 esx-02").message == "esx-02 is still booting (ready at t = 120 s)"
    s.advance_to(121)
    rec = s.submit("power on db-01 esx-02")
    assert rec.accepted
    assert rec.message == "db-01 is powering on (moved to esx-02 while off); up in 0 s"
    assert s.sim.inv.vms["db-01"].host == "esx-02"
    s.advance_to(200)
    view = s.sim.view()
    assert view.vms.hosts[1] == "esx-02" and view.vms.power[1] == "on"
    assert [h.vm_count for h in view.hosts if h.name == "esx-02"] == [1]


def test_power_off_then_host_off_saves_power():
    s = _session()
    s.advance_to(100)
    kw_before = s.sim.metrics.power_kw
    for c in ("power off web-01", "power off hot-01", "power off hot-02", "host power off esx-01"):
        assert s.submit(c).accepted
    s.advance_to(200)
    assert s.sim.inv.hosts["esx-01"].state == "off"
    assert s.sim.metrics.power_kw < kw_before - 0.15  # esx-01's 150 W idle at least
    assert s.sim.cost() < 9 * 10000
    assert s.sim.accepted_commands == 4


def test_reset_takes_vm_down_for_its_boot_time():
    s = _session()
    s.sim.inv.vms["web-01"].boot_s = 30
    s.advance_to(100)
    assert s.submit("power reset web-01").accepted
    s.advance_to(200)
    i = s.sim.sampler.vm_index["web-01"]
    assert float(s.sim.sampler.vm_downtime[i]) == pytest.approx(30.0)


def test_hot_add_grows_a_running_vm():
    s = _session()
    assert s.submit("vm set hot-01 cpu 4").message == "hot-01 vCPUs 2 → 4"
    assert s.submit("vm set hot-01 mem 12").message == "hot-01 memory 8 → 12 GiB"
    s.advance_to(10)
    i = s.sim.sampler.vm_index["hot-01"]
    assert s.sim.sampler.vm_vcpu[i] == 4


def test_help_is_accepted_but_not_counted():
    s = _session()
    rec = s.submit("help power on")
    assert rec.accepted and rec.message.startswith("power on VM [HOST]")
    assert s.sim.accepted_commands == 0


def test_everything_refused_after_the_end():
    s = _session()
    s.advance_to(3600)
    assert s.sim.ended
    assert s.submit("power off web-01").message == "the level is over"



def test_records_keep_time_text_and_verdict():
    s = _session()
    s.advance_to(42.5)
    s.submit(make_command("power off", vm="web-01"))
    s.submit("power off web-01")
    assert [r.as_dict() for r in s.records] == [
        {"t": 42.5, "text": "power off web-01", "accepted": True, "message": "web-01 powered off"},
        {"t": 42.5, "text": "power off web-01", "accepted": False, "message": "web-01 is already powered off"},
    ]


# ------------------------------------------------------------------ one table, check once


def test_every_available_command_has_exactly_one_handler():
    from vdc.sim import dispatch
    from vdc.sim.commands import COMMANDS

    available = [s.name for s in COMMANDS if s.available]
    assert sorted(dispatch.HANDLERS) == sorted(available)
    assert all(s.available for s in COMMANDS)  # nothing is reserved any more (issue 16)

