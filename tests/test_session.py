"""Session: the only way time advances and commands land; determinism with commands."""

from __future__ import annotations

import random

import pytest
from conftest import add_vm, base_level, build

from vdc.scenario.sandbox import SIZES, generate
from vdc.session.actions import parse_actions
from vdc.session.runner import result, run_level
from vdc.session.session import Session
from vdc.sim.engine import Simulation

SCRIPT = """
# a busy operator on the small sandbox
0     power off svc-001-web4
300   power on svc-001-web4
600   power off svc-002-app2
601   vm set svc-002-app2 cpu 8
602   power on svc-002-app2
900   power reset svc-003-db1
1200  host power off esx-08
1800  vm set svc-004-web1 mem 12
"""


def _play_sliced(level, actions, cuts):
    """Advance through random cut points, submitting each command at its own time."""
    session = Session(Simulation(level))
    pending = list(actions)
    for t in sorted(set(cuts) | {a.t for a in actions}):
        session.advance_to(t)
        while pending and pending[0].t <= session.now:
            session.submit(pending.pop(0).command)
    session.advance_to(level.level.duration)
    return session


def test_one_call_and_thousand_slices_with_commands_give_identical_digests():
    level = generate("small", 2)
    actions = parse_actions(SCRIPT)
    whole = run_level(level, actions=actions)
    rng = random.Random(5)
    cuts = [rng.uniform(0, level.level.duration) for _ in range(1000)]
    sliced = _play_sliced(level, actions, cuts)
    assert [r.as_dict() for r in whole.records] == [r.as_dict() for r in sliced.records]
    assert whole.sim.digests == sliced.sim.digests
    assert whole.sim.digest() == sliced.sim.digest()
    accepted = [r.text for r in whole.records if r.accepted]
    assert "vm set svc-002-app2 cpu 8" in accepted


def test_command_at_t_lands_before_the_events_at_t():
    # A spike at t=100 on a VM; a `power off` given at exactly 100 means the spike finds it off.
    lv = base_level()
    add_vm(lv, "a", vcpu=1, load=0.25)
    lv["events"] = [{"at": 100, "kind": "load_spike", "targets": ["a"], "factor": 2, "duration": 50}]
    s = Session(Simulation(build(lv)))
    s.advance_to(100)
    assert [r.kind for r in s.sim.log] == []  # nothing at 100 has happened yet
    s.submit("power off a")
    s.advance_to(101)
    assert [r.kind for r in s.sim.log] == ["command", "load_spike"]
    assert [r.t for r in s.sim.log] == [100.0, 100.0]
    assert s.sim.sampler.vm_cpu_demand[0] == 0.0  # the sample at 100 already saw it off


def test_until_stops_and_result_says_incomplete():
    # (before 0:05:52, when the network beyond esx-03 vmnic0 dies and, left alone, takes three
    # firewalls' services down long enough to lose the run)
    s = run_level(generate("small", 1), until=300)
    out = result(s, stopped_early=True)
    assert out["sim_time"] == 300 and out["outcome"] == "incomplete"


@pytest.mark.parametrize("size", list(SIZES))
def test_sandbox_sizes_and_determinism(size):
    a, b = generate(size, 11), generate(size, 11)
    assert a == b
    assert generate(size, 12) != a
    hosts, vms = SIZES[size]
    assert len(a.hosts) == hosts and len(a.vms) == vms
    assert {v.host for v in a.vms} <= {h.name for h in a.hosts}


def test_profile_change_and_isolation_events():
    lv = base_level()
    lv["profiles"].append(dict(lv["profiles"][0], name="quiet", cpu=1000))
    add_vm(lv, "a", vcpu=4)
    lv["events"] = [
        {"at": 50, "kind": "profile_change", "targets": ["a"], "profile": "quiet"},
        {"at": 100, "kind": "host_isolated", "host": "esx-01", "duration": 60},
    ]
    sim = Simulation(build(lv))
    sim.run_until(45)
    assert sim.sampler.vm_cpu_demand[0] == pytest.approx(8000)
    sim.run_until(55)
    assert sim.sampler.vm_cpu_demand[0] == pytest.approx(1000)
    sim.run_until(105)
    assert sim.inv.hosts["esx-01"].state == "isolated"
    assert not sim.sampler.vm_reachable[0] and sim.sampler.vm_running[0]  # runs, cut off
    sim.run_until(600)
    assert sim.inv.hosts["esx-01"].state == "on"
    assert float(sim.sampler.vm_downtime[0]) == pytest.approx(60.0)
    kinds = [r.kind for r in sim.log]
    assert kinds == ["profile_change", "host_isolated", "host_connected", "level_end"]


def test_host_state_by_objective():
    lv = base_level()
    lv["hosts"].append(dict(lv["hosts"][0], name="esx-02"))
    lv["objectives"] = [
        {"id": "off", "kind": "host_state_by", "host": "esx-02", "state": "off", "by": 300, "required": True},
    ]
    done = Session(Simulation(build(lv)))
    done.advance_to(200)
    done.submit("host power off esx-02")
    done.advance_to(600)
    assert done.sim.outcome() == "won"
    late = Session(Simulation(build(lv)))
    late.advance_to(400)
    st = late.sim.objective_statuses()[0]
    assert st.failed_for_good and st.value == "on"
    assert late.sim.ended and late.sim.ended_at == 300.0  # lost at the deadline
