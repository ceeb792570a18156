"""A simulation can be copied mid-run (the replay viewer's checkpoints): the copy goes on
exactly as the original would, commands and incidents included, and shares nothing with it."""

from __future__ import annotations

import copy
import pickle

import pytest

from vdc.scenario.sandbox import generate
from vdc.session.session import Session
from vdc.sim.engine import Simulation


@pytest.mark.parametrize(("size", "seed"), [("small", 2), ("small", 5), ("medium", 3)])
def test_a_pickled_session_goes_on_exactly_like_the_original(size: str, seed: int):
    level = generate(size, seed)
    a = Session(Simulation(level))
    a.advance_to(900)
    vm = next(iter(a.sim.inv.vms))
    a.submit(f"power off {vm}")
    copies = [pickle.loads(pickle.dumps(a)), copy.deepcopy(a)]
    a.advance_to(1500)
    a.submit(f"power on {vm}")
    a.advance_to(level.level.duration)
    for c in copies:
        c.advance_to(1500)
        c.submit(f"power on {vm}")
        c.advance_to(level.level.duration)
        assert c.sim.digests == a.sim.digests
        assert [r.as_dict() for r in c.sim.log] == [r.as_dict() for r in a.sim.log]
        assert [r.as_dict() for r in c.records] == [r.as_dict() for r in a.records]
    straight = Session(Simulation(level))
    straight.advance_to(900)
    straight.submit(f"power off {vm}")
    straight.advance_to(1500)
    straight.submit(f"power on {vm}")
    straight.advance_to(level.level.duration)
    assert straight.sim.digests == a.sim.digests


def test_a_copy_shares_no_state_with_the_original():
    level = generate("small", 2)
    a = Session(Simulation(level))
    a.advance_to(300)
    b = copy.deepcopy(a)
    vm = next(iter(a.sim.inv.vms))
    b.submit(f"power off {vm}")
    b.advance_to(600)
    assert a.now == 300.0 and a.sim.inv.vms[vm].power == "on" and a.records == []
    a.advance_to(600)
    assert a.sim.digest() != b.sim.digest()


def test_load_spikes_end_in_a_copy_too():
    """A spike's end finds its start by the shared params object (not by id())."""
    level = generate("medium", 3)
    a = Session(Simulation(level))
    a.advance_to(1234)
    b = pickle.loads(pickle.dumps(a))
    a.advance_to(3600)
    b.advance_to(3600)
    assert a.sim.digest() == b.sim.digest()
    assert [s[2] for s in a.sim._spikes] == [s[2] for s in b.sim._spikes]


def test_migrations_maintenance_and_reboots_in_flight_copy_and_slice_the_same():
    """A copy taken while vMotions, a Storage vMotion and maintenance are in progress goes on
    identically, and so does the same run sliced into 1-second steps."""
    level = generate("small", 2)
    vms = [v for v in level.vms if v.power == "on"]
    hosts = [h.name for h in level.hosts]
    # Sandbox hosts share storage and networks: move two VMs away from the first one's host.
    src = vms[0].host
    dst = next(h for h in hosts if h != src)
    movers = [v.name for v in vms if v.host == src][:2]
    ds = [d.name for d in level.datastores]

    def play(s: Session, *, sliced: bool = False, copy_at: float | None = None):
        s.advance_to(60)
        for name in movers:
            assert s.submit(f"vmotion {name} {dst}").accepted
        other = next(d for d in ds if d != next(x.datastore for x in level.vms[0].disks if x.datastore))
        s.submit(f"svmotion {level.vms[-1].name} {other}")
        s.submit(f"maintenance enter {src}")
        twin = None
        t = 60.0
        while t < 900:
            t += 1.0 if sliced else 840.0
            if copy_at is not None and twin is None and t >= copy_at:
                s.advance_to(copy_at)
                twin = copy.deepcopy(s)
            s.advance_to(min(t, 900))
        return twin

    a = Session(Simulation(level))
    twin = play(a, copy_at=70)
    assert any(k.kind == "vmotion" and k.state == "done" for k in a.sim.tasks.tasks)
    twin.advance_to(900)
    assert twin.sim.digests == a.sim.digests
    b = Session(Simulation(level))
    play(b, sliced=True)
    assert b.sim.digests == a.sim.digests
    assert [r.as_dict() for r in b.sim.log] == [r.as_dict() for r in a.sim.log]
def test_a_copy_taken_while_snapshots_grow_and_merge_goes_on_identically():
    level = generate("small", 2)
    a = Session(Simulation(level))
    vm = next(iter(a.sim.inv.vms))
    a.advance_to(300)
    a.submit(f"snapshot create {vm} s1 --memory")
    a.advance_to(900)
    a.submit(f"snapshot create {vm} s2")
    a.advance_to(1200)
    a.submit(f"snapshot delete {vm} s1")
    copies = [pickle.loads(pickle.dumps(a)), copy.deepcopy(a)]
    for s in (a, *copies):
        s.advance_to(1500)
        s.submit(f"snapshot revert {vm} s2")
        s.advance_to(level.level.duration)
    assert all(r.accepted for r in a.records)
    assert a.sim.log.of_kind("snapshot_deleted") and a.sim.tasks.tasks[-1].kind == "consolidate"
    for c in copies:
        assert c.sim.digests == a.sim.digests
        assert [r.as_dict() for r in c.sim.log] == [r.as_dict() for r in a.sim.log]


def test_a_copy_taken_while_ha_restarts_goes_on_identically():
    """HA's detection timers, placement draw and restart queue travel with the copy."""
    import tomllib

    from vdc.scenario.paths import find_level
    from vdc.scenario.schema import Level

    data = tomllib.loads(find_level("00").read_text(encoding="utf-8"))
    data["events"] = [*data["events"], {"at": 300, "kind": "host_failure", "host": "esx-02"}]
    a = Session(Simulation(Level.model_validate(data)))
    a.advance_to(325)  # esx-02 declared dead at 318, placement under way
    b = copy.deepcopy(a)
    for s in (a, b):
        s.advance_to(900)
    assert a.sim.ha.restarts == b.sim.ha.restarts == 3
    assert a.sim.digests == b.sim.digests
