"""The project's own fuzzing of play (issue 19): random valid and invalid command sequences,
host failures and recoveries, with the simulation's invariants checked after every step, and
one-slice vs many-slice stepping compared by digest.

CI runs 200 sequences (a few seconds); `VDC_LONG_TESTS=1` runs 10,000 (see README, "Tests").
"""

from __future__ import annotations

import os

from conftest import add_vm, build
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from test_vmotion import _level

from vdc.session.session import Session
from vdc.sim.commands import parse
from vdc.sim.engine import Simulation

LONG = os.environ.get("VDC_LONG_TESTS") == "1"
SEQUENCES = 10_000 if LONG else 200
STEPS = 25 if LONG else 16

HOSTS = ("esx-01", "esx-02", "esx-03")
VMS = ("web-01", "web-02", "db-01", "app-01")
DATASTORES = ("ds-1", "ds-2")
EPS = 1e-6


def fuzz_level() -> dict:
    """Three hosts over 1 GbE (vMotions take a minute or more, so they overlap other commands),
    two shared datastores, four VMs of which one is off."""
    lv = _level(speed=1000, hosts=3)
    lv["datastores"] = [{"name": n, "capacity": 600, "iops": 20000, "mbps": 300} for n in DATASTORES]
    add_vm(lv, "web-01", profile="idle", memory=8)
    add_vm(lv, "web-02", host="esx-02", profile="idle", memory=8)
    add_vm(lv, "db-01", host="esx-02", profile="dirty50", memory=16,
           disks=[{"datastore": "ds-2", "size": 100, "thin": True, "used": 20}])
    add_vm(lv, "app-01", host="esx-03", profile="idle", power="off", memory=8)
    return lv


LEVEL = build(fuzz_level())


def commands() -> st.SearchStrategy[str]:
    """Commands a player could type, valid or not for the state they meet."""
    vm, host, ds = st.sampled_from(VMS), st.sampled_from(HOSTS), st.sampled_from(DATASTORES)
    snap = st.sampled_from(("s1", "s2"))
    return st.one_of(
        st.builds(lambda v: f"power on {v}", vm),
        st.builds(lambda v, h: f"power on {v} {h}", vm, host),
        st.builds(lambda v: f"power off {v}", vm),
        st.builds(lambda v: f"power reset {v}", vm),
        st.builds(lambda v, h: f"vmotion {v} {h}", vm, host),
        st.builds(lambda v, d: f"svmotion {v} {d}", vm, ds),
        st.builds(lambda v, s, m: f"snapshot create {v} {s}{' --memory' if m else ''}", vm, snap, st.booleans()),
        st.builds(lambda v, s: f"snapshot revert {v} {s}", vm, snap),
        st.builds(lambda v, s: f"snapshot delete {v} {s}", vm, snap),
        st.builds(lambda h, e: f"maintenance enter {h}{' --evacuate-powered-off' if e else ''}", host, st.booleans()),
        st.builds(lambda h: f"maintenance exit {h}", host),
        st.builds(lambda h: f"host power off {h}", host),
        st.builds(lambda h: f"host power on {h}", host),
        st.builds(lambda h: f"host reboot {h}", host),
        st.builds(lambda v, g: f"vm set {v} mem {g}", vm, st.sampled_from((4, 8, 12))),
        st.builds(lambda x: f"task cancel {x}", st.one_of(vm, host, st.integers(1, 12).map(str))),
    )


class PlayMachine(RuleBasedStateMachine):
    """One game; every rule is a player command, time passing, or a host failing/recovering."""

    def __init__(self) -> None:
        super().__init__()
        self.s = Session(Simulation(LEVEL))
        self.sim = self.s.sim
        self.last_t = 0.0
        self.flags = {h.name: h.maintenance for h in self.sim.inv.hosts.values()}
        self.exited: set[str] = set()

    @rule(text=commands())
    def command(self, text: str) -> None:
        r = self.s.submit(text)
        if r.accepted and text.startswith("maintenance exit "):
            self.exited.add(text.split()[-1])

    @rule(vm=st.sampled_from(VMS), host=st.sampled_from(HOSTS), storage=st.booleans())
    def migrate(self, vm: str, host: str, storage: bool) -> None:
        """Migrations are what the other commands most often conflict with: started often."""
        self.command(f"svmotion {vm} {'ds-2' if self.sim.inv.vms[vm].disks[0].datastore == 'ds-1' else 'ds-1'}"
                     if storage else f"vmotion {vm} {host}")

    @precondition(lambda self: bool(self._busy()))
    @rule(data=st.data(), verbs=st.lists(st.sampled_from((
        "power off {v}", "power on {v} {h}", "power off {v}", "power on {v} {h}", "power reset {v}",
        "vmotion {v} {h}", "svmotion {v} {d}", "snapshot create {v} s1 --memory",
        "snapshot revert {v} s1", "vm set {v} mem 4", "task cancel {v}",
    )), min_size=1, max_size=3))
    def command_a_busy_vm(self, data: st.DataObject, verbs: list[str]) -> None:
        """What a hurried player does to a VM whose migration runs, one to three commands in a
        row (state-aware, so that conflicting commands meet running tasks often)."""
        vm = data.draw(st.sampled_from(self._busy()))
        for verb in verbs:
            h, d = data.draw(st.sampled_from(HOSTS)), data.draw(st.sampled_from(DATASTORES))
            self.command(verb.format(v=vm, h=h, d=d))

    @precondition(lambda self: any(h.maintenance for h in self.sim.inv.hosts.values()))
    @rule(data=st.data(), verb=st.sampled_from(("host power off {h}", "host power on {h}", "host reboot {h}",
                                                 "power on {v} {h}", "vmotion {v} {h}",
                                                 "snapshot revert {v} s1", "snapshot create {v} s1 --memory")))
    def command_a_host_in_maintenance(self, data: st.DataObject, verb: str) -> None:
        hosts = sorted(h.name for h in self.sim.inv.hosts.values() if h.maintenance)
        self.command(verb.format(h=data.draw(st.sampled_from(hosts)), v=data.draw(st.sampled_from(VMS))))

    def _busy(self) -> list[str]:
        return sorted({m.vm for m in self.sim.migrations.running + self.sim.migrations.queued}
                      | {c.vm for c in self.sim.svmotions.running + self.sim.svmotions.queued})

    @precondition(lambda self: not self.sim.ended)
    @rule(dt=st.integers(1, 150))
    def wait(self, dt: int) -> None:
        self.s.advance_to(min(self.sim.duration, self.sim.now + dt))

    @rule(host=st.sampled_from(HOSTS), fails=st.booleans())
    def host_fails_or_recovers(self, host: str, fails: bool) -> None:
        (self.sim.fail_host if fails else self.sim.recover_host)(host)

    # ------------------------------------------------------------------ invariants
    @invariant()
    def time_is_monotone(self) -> None:
        assert self.sim.now >= self.last_t
        self.last_t = self.sim.now

    @invariant()
    def a_vm_is_in_one_place(self) -> None:
        """On one host; in at most one migration, from the host it is on; never both running on
        a destination and counted there as arriving (its memory held twice)."""
        inv = self.sim.inv
        moving = [m.vm for m in self.sim.migrations.running + self.sim.migrations.queued]
        assert len(moving) == len(set(moving)), moving
        copying = [c.vm for c in self.sim.svmotions.running + self.sim.svmotions.queued]
        assert len(copying) == len(set(copying)) and not set(moving) & set(copying)
        for m in self.sim.migrations.running:
            assert inv.vms[m.vm].host == m.src != m.dst
        for v in inv.vms.values():
            assert v.host in inv.hosts

    @invariant()
    def tasks_and_migrations_agree(self) -> None:
        """Every active migration task has its job on a board and every job its active task
        (a cancelled or failed one leaves neither behind)."""
        active = sorted(t.id for t in self.sim.tasks.active() if t.kind in ("vmotion", "svmotion"))
        jobs = sorted(j.task_id for b in (self.sim.migrations, self.sim.svmotions) for j in b.running + b.queued)
        assert active == jobs, (active, jobs)

    @invariant()
    def nothing_runs_where_it_cannot(self) -> None:
        """No running VM on a host that is off, failed or in maintenance mode."""
        for v in self.sim.inv.vms.values():
            if v.power == "on":
                h = self.sim.inv.hosts[v.host]
                assert h.state not in ("off", "failed", "maintenance"), (v.name, h.name, h.state)

    @invariant()
    def maintenance_is_kept_until_exited(self) -> None:
        for h in self.sim.inv.hosts.values():
            if self.flags[h.name] and not h.maintenance:
                assert h.name in self.exited, f"{h.name} left maintenance mode by itself ({h.state})"
            assert h.maintenance or h.state != "maintenance"
        self.flags = {h.name: h.maintenance for h in self.sim.inv.hosts.values()}
        self.exited = set()

    @invariant()
    def accounting_is_never_negative_and_off_vms_use_nothing(self) -> None:
        s = self.sim.sampler
        if s.built_version < 0 or s.vm_on.size != len(self.sim.inv.vms):
            return
        assert (s.vm_cpu_demand >= -EPS).all() and (s.vm_mem_active >= -EPS).all()
        assert (s.host_cpu_pct >= -EPS).all() and (s.host_mem_pct >= -EPS).all()
        off = ~s.vm_on
        assert (abs(s.vm_cpu_demand[off]) <= EPS).all() and (abs(s.vm_mem_active[off]) <= EPS).all()

    @invariant()
    def reservations_fit(self) -> None:
        """The memory reserved by running VMs and vMotions on their way in fits each host."""
        for h in self.sim.inv.hosts.values():
            here = [v for v in self.sim.inv.vms_on(h.name) if v.power == "on"]
            coming = [self.sim.inv.vms[m.vm] for m in self.sim.migrations.incoming(h.name)]
            assert not {v.name for v in here} & {v.name for v in coming}
            assert sum(v.mem_reservation for v in here + coming) <= h.memory + EPS

    @invariant()
    def datastores_are_not_overfilled(self) -> None:
        """Used ≤ capacity; the documented full state stops at capacity (thin growth and
        snapshot deltas pause the VM's writes), and nothing here fills them from outside."""
        for d in self.sim.inv.datastores.values():
            assert self.sim.datastore_used(d.name) <= d.capacity + 1e-3, d.name


PlayMachine.TestCase.settings = settings(
    max_examples=SEQUENCES, stateful_step_count=STEPS, deadline=None, derandomize=not LONG,
    suppress_health_check=[HealthCheck.too_slow],
)
TestPlay = PlayMachine.TestCase


# ------------------------------------------------------------------ slicing never matters
@settings(max_examples=500 if LONG else 25, deadline=None, derandomize=not LONG)
@given(
    script=st.lists(st.tuples(st.integers(0, 900), commands()), max_size=10),
    cuts=st.lists(st.integers(1, 900), max_size=12),
)
def test_one_slice_and_many_slices_give_the_same_digests(script, cuts):
    timed = sorted(((float(t), parse(c)) for t, c in script), key=lambda x: x[0])
    whole = Session(Simulation(LEVEL))
    whole.play(timed, until=900)
    sliced = Session(Simulation(LEVEL))
    stops = sorted(set(cuts) | {t for t, _ in timed} | {900})
    queue = list(timed)
    for stop in stops:
        sliced.advance_to(float(stop))
        while queue and queue[0][0] <= stop:
            sliced.submit(queue.pop(0)[1])
    assert sliced.sim.digests == whole.sim.digests
    assert [r.accepted for r in sliced.records] == [r.accepted for r in whole.records]
