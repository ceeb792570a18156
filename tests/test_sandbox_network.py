"""The generated sandbox draws the network faults a NIC team does not fix by itself (issue 14):
a switch dead beyond a port (`upstream_down`), a VLAN pruned from a trunk (`trunk_prune`) and a
flapping link (`uplink_flap`), each mended with a net command a minute after it — small seed
13 has one of each, and each cuts VMs until the fix."""

from __future__ import annotations

from tests.test_sandbox_balance import network_fixes
from vdc.scenario.sandbox import generate
from vdc.session.session import Session
from vdc.sim.engine import Simulation
from vdc.sim.network import faults
from vdc.sim.timeline import Action

KINDS = ("upstream_down", "trunk_prune", "uplink_flap")


def _faults(sim: Simulation) -> dict[str, Action]:
    """The first fault of each network kind in the sandbox's timeline."""
    out: dict[str, Action] = {}
    for a in sim.timeline:
        if a.op in KINDS:
            out.setdefault(a.op, a)
    return out


def _play(fixes: list[str], until: float, skip: str = "") -> Session:
    """Small seed 13 up to `until`, with the net commands of `fixes` (but those containing
    `skip`) given at their times."""
    s = Session(Simulation(generate("small", 13)))
    for line in sorted(fixes, key=lambda x: float(x.split()[0])):
        t, cmd = line.split(None, 1)
        if float(t) > until or (skip and skip in cmd):
            continue
        s.sim.run_until(float(t))
        assert s.submit(cmd).accepted, cmd
    s.sim.run_until(until)
    return s


def _cut(s: Session, host: str) -> list[str]:
    return faults.cut_vms(s.sim, s.sim.inv.hosts[host])


def _up(s: Session, service: str) -> bool:
    return next(x.up for x in s.sim.view().services if x.name == service)


def test_the_sandbox_draws_each_network_fault_kind_from_its_seed():
    level = generate("small", 13)
    kinds = [i.kind for i in level.incidents]
    assert kinds[-3:] == list(KINDS)  # after the older trouble: its draws stay where they were
    assert all(0 < i.rate_per_hour <= 60 for i in level.incidents)
    found = _faults(Simulation(level))
    assert {k: (round(a.t), a.text("host"), a.origin) for k, a in found.items()} == {
        "upstream_down": (4228, "esx-06", "incident"),
        "trunk_prune": (5936, "esx-03", "incident"),
        "uplink_flap": (9596, "esx-03", "incident"),
    }
    assert found["trunk_prune"].params["vlan"] == 101  # the VLAN of a VM placed on esx-03
    assert [a.t for a in Simulation(generate("small", 13)).timeline] == [
        a.t for a in Simulation(level).timeline]


def test_each_network_fault_cuts_vms_until_its_net_command():
    level = generate("small", 13)
    found = _faults(Simulation(level))
    fixes = network_fixes(level, Simulation(level).timeline)
    assert [f.split(None, 1)[1] for f in fixes] == [
        "net teaming esx-06 vSwitch0 policy port-id --detection beacon",
        "net trunk esx-03 vmnic0 add 101",
        "net uplink esx-03 vmnic0 down",
        "net uplink esx-03 vmnic0 up",
    ]

    # Upstream of esx-06 vmnic0: link status keeps sending there, 10 VMs (svc-006's firewall
    # among them) are black-holed and svc-006 is down; beacon probing fails the uplink over.
    t = found["upstream_down"].t + 120
    idle, fixed = _play([], t), _play(fixes, t)
    assert len(_cut(idle, "esx-06")) == 10 and "svc-006-fw1" in _cut(idle, "esx-06")
    assert not _up(idle, "svc-006")
    assert _cut(fixed, "esx-06") == [] and _up(fixed, "svc-006")

    # VLAN 101 pruned from esx-03 vmnic0: svc-002-web2 is cut for good until it is allowed.
    t = found["trunk_prune"].t + 3600
    idle, fixed = _play([], t), _play(fixes, t)
    assert _cut(idle, "esx-03") == ["svc-002-web2"]
    assert _cut(fixed, "esx-03") == []

    # esx-03 vmnic0 flaps: its pinned VMs lose their network a second in every 30 until the
    # link is pulled (the trunk above fixed in both runs).
    start = found["uplink_flap"].t + 61
    flapping, pulled = _play(fixes, start, skip="net uplink"), _play(fixes, start)
    cut_s = {"flapping": 0, "pulled": 0}
    for k in range(1, 601):
        for name, s in (("flapping", flapping), ("pulled", pulled)):
            s.sim.run_until(start + k)
            cut_s[name] += bool(_cut(s, "esx-03"))
    assert cut_s == {"flapping": 20, "pulled": 0}
    assert pulled.sim.inv.hosts["esx-03"].nics["vmnic0"].flapping == 0
