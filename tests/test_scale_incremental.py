"""The partial reloads and one-pass sums of issue 18 give what the full ones give: the tasks
still active, every datastore's used space, a network reload of the hosts a change named, a
placement reload of the VMs a vMotion named. Checked at every minute of sandboxes where HA,
DRS (full), snapshots and the seeded incidents (host failures, dead uplinks) all run."""

from __future__ import annotations

import numpy as np
import pytest

from vdc.scenario import schema
from vdc.scenario.sandbox import generate
from vdc.session.actions import parse_actions
from vdc.session.session import Session
from vdc.sim.engine import Simulation


def _busy(size: str, seed: int, storage: str = "vmfs", events: tuple[dict, ...] = ()) -> tuple[Session, list]:
    """The sandbox with HA and DRS full on in every cluster, a snapshot of every fifth VM at
    one minute, deleted (consolidated) at 40 minutes: tasks, vMotions and chains all happen."""
    data = generate(size, seed, storage=storage).model_dump(mode="json")
    for c in data["clusters"]:
        c["ha"] = {"enabled": True, "admission": "percent", "failures": 1}
        c["drs"] = {"enabled": True, "mode": "full", "threshold": 2}
    data["events"] = [*data.get("events", []), {"at": 1200, "kind": "host_isolated", "host": "esx-04", "duration": 300}, *events]
    level = schema.Level.model_validate(data)
    names = [v.name for v in level.vms[::5]]
    script = "".join(f"60 snapshot create {v} s\n" for v in names)
    script += ("900 net trunk esx-02 vmnic0 remove 100\n1000 power off svc-003-web2\n"
               "1100 power on svc-003-web2\n1500 vm nic svc-002-web1 1 pg-svc-001\n"
               "2000 net portgroup esx-03 pg-svc-002 vlan 300\n")
    script += "".join(f"2400 snapshot delete {v} s\n" for v in names)
    script += "2700 net trunk esx-02 vmnic0 add 100\n"
    return Session(Simulation(level)), list(parse_actions(script))


def _steps(busy: tuple[Session, list], until: float, every: float = 60.0):
    session, actions = busy
    t = 0.0
    while t < until:
        t += every
        while actions and actions[0].t <= t:
            a = actions.pop(0)
            session.advance_to(a.t)
            assert session.submit(a.command).accepted, a
        session.advance_to(t)
        yield session.sim


@pytest.mark.parametrize(("size", "seed"), [("small", 3), ("medium", 2)])
def test_partial_network_and_placement_reloads_equal_a_full_network_load(size: str, seed: int):
    """Also across rebuilds that keep the network (host failures, HA restarts, power changes):
    the paths kept are those a load from scratch gives."""
    moved = cut = 0
    for sim in _steps(_busy(size, seed), 3 * 3600):
        s = sim.sampler.current()
        got = (s.vm_reachable.copy(), s.vm_team_cap.copy(), s.vm_host.copy(), s.vm_host_names, s.host_net_cap.copy())
        s.paths = {}
        s._load_network()
        s._load_placement(None)
        assert np.array_equal(got[0], s.vm_reachable) and np.array_equal(got[1], s.vm_team_cap), sim.now
        assert np.array_equal(got[4], s.host_net_cap), sim.now
        assert np.array_equal(got[2], s.vm_host) and got[3] == s.vm_host_names, sim.now
        moved = max(moved, len(sim.log.of_kind("vmotion_completed")))
        cut = max(cut, int((~s.vm_reachable).sum()))
    assert moved > 0 and cut > 0 and sim.log.of_kind("team_failover") and sim.log.of_kind("host_isolated")


def test_the_task_and_placement_indexes_equal_a_scan():
    import json

    from vdc.sim import digest

    for sim in _steps(_busy("small", 3), 2 * 3600, 120.0):
        rows = [[k.kind, k.subject, k.target, k.state] for k in sim.tasks.tasks]
        head = {"t": sim.now, "hosts": {h: [x.state, [1.5, None]] for h, x in sim.inv.hosts.items()}, "zz": "é"}
        assert digest.head_json(head, {"tasks": digest._tasks_json(sim.tasks)}) == json.dumps(
            {**head, "tasks": rows}, sort_keys=True, separators=(",", ":"))
        for h in sim.inv.hosts:
            assert sim.inv.vms_on(h) == [v for v in sim.inv.vms.values() if v.host == h]
        tasks = sim.tasks
        for kind in (None, "vmotion", "consolidate", "ha_restart"):
            scan = [t for t in tasks.tasks if t.active and (kind is None or t.kind == kind)]
            assert tasks.active(kind) == scan
            for v in sim.inv.vms:
                assert tasks.active_of(v, kind) == [t for t in scan if t.subject == v]
    assert len(sim.tasks.tasks) > 20 and not sim.tasks.active()


@pytest.mark.parametrize("storage", ["vmfs", "vsan"])
def test_every_datastore_in_one_pass_equals_each_one_alone(storage: str):
    chains = 0
    for sim in _steps(_busy("small", 2, storage), 3600, 300.0):
        assert sim.datastores_used() == [sim.datastore_used(n) for n in sim.inv.datastores]
        chains = max(chains, sum(bool(v.snapshots) for v in sim.inv.vms.values()))
    assert chains == 20


def test_snapshot_alarms_by_rows_equal_the_pass_over_every_chain(monkeypatch):
    """Deep chains on some VMs, old ones on others (the age limit set to 30 min here), chains
    deleted whole or in part, a host failing under some: the same alarms, words and order."""
    from vdc.sim.snapshots import chain

    monkeypatch.setattr(chain, "AGE_ALARM_S", 1800.0)
    level = generate("small", 3)
    names = [v.name for v in level.vms[::7]]
    lines = []
    for k, v in enumerate(names):
        lines += [f"{60 + 30 * k + 5 * j} snapshot create {v} s{j}" for j in range(2 + k % 4)]
        lines += [f"{2400 + 60 * k} snapshot delete {v} {'--all' if k % 2 else 's0'}"]
    lines.sort(key=lambda line: float(line.split()[0]))
    actions = list(parse_actions("\n".join(lines) + "\n"))

    def play() -> list[tuple[float, str, str, str]]:
        session = Session(Simulation(level))
        session.play(((a.t, a.command) for a in actions), until=3 * 3600)
        assert all(r.accepted for r in session.records)
        return [(e.t, e.kind, e.subject, e.detail) for e in session.sim.log]

    fast = play()
    monkeypatch.setattr(chain, "alarms", chain._alarms_every_chain)
    assert fast == play()
    kinds = [e[1] for e in fast]
    assert kinds.count("snapshot_depth") >= 3 and kinds.count("snapshot_age") >= 5
    assert sum(1 for e in fast if e[1] == "alarm_cleared" and "snapshot" in e[3]) >= 5


def _equal_to_a_full_network_load(sim: Simulation) -> None:
    s = sim.sampler.current()
    got = (s.vm_reachable.copy(), s.vm_team_cap.copy(), s.vm_host.copy(), s.host_net_cap.copy())
    s.paths = {}
    s._load_network()
    s._load_placement(None)
    assert np.array_equal(got[0], s.vm_reachable), sim.now
    assert np.array_equal(got[1], s.vm_team_cap), sim.now
    assert np.array_equal(got[2], s.vm_host), sim.now
    assert np.array_equal(got[3], s.host_net_cap), sim.now


@pytest.mark.parametrize("level", ["09-consolidation", "10-appliance-day", "13-vlan-trouble"])
@pytest.mark.parametrize("play", ["", ".naive"])
def test_partial_reloads_equal_a_full_load_in_the_network_and_provisioning_levels(level: str, play: str):
    """The levels whose commands pull cables, prune trunks, switch detection, convert servers
    and deploy appliances: every 30 s of the reference and the naive play."""
    from levelrun import LevelRun

    from vdc.scenario.paths import find_level

    script = find_level(level).parent / "solutions" / f"{level}{play}.txt"
    run = LevelRun(level, script)
    t = 0.0
    while t < run.sim.level.level.duration:
        t += 30
        _equal_to_a_full_network_load(run.to(t).sim)


def test_partial_reloads_equal_a_full_load_under_flaps_and_lacp():
    """A flapping uplink and an LACP group losing a member upstream, on the network test level."""
    from conftest import build
    from test_network import _event, _level

    lv = _level(standby=False, distributed=True, policy="lacp", lacp_rate="fast")
    _event(lv, at=100, kind="uplink_flap", host="esx-01", uplink="vmnic0", duration=200)
    _event(lv, at=400, kind="upstream_down", host="esx-01", uplink="vmnic1")
    sim = Simulation(build(lv))
    for t in range(10, 700, 5):
        sim.run_until(float(t))
        _equal_to_a_full_network_load(sim)
    assert sim.log.of_kind("team_failover")


_KEPT = ("vm_names", "host_names", "ds_names", "vm_host_names", "vm_service_names", "names_hash",
         "n_tiers", "n_servers", "net_capped", "guest_emulated", "disk_capped", "snap_any",
         "_snap_rows", "_disk_first", "_thin_rows", "paths", "server_names")


def _loaded(s) -> dict[str, object]:
    """Every array the sampler holds and the loaded values beside them (copies)."""
    out: dict[str, object] = {k: v.copy() for k, v in vars(s).items() if isinstance(v, np.ndarray)}
    out.update({k: repr(getattr(s, k)) for k in _KEPT})
    out["lb_groups"] = repr([(a.tolist(), b.tolist()) for a, b in s.lb_groups])
    return out


def _equal_to_a_full_rebuild(sim: Simulation) -> None:
    s = sim.sampler.current()
    got = _loaded(s)
    sim.reconfigured = True
    s.rebuild()
    full = _loaded(s)
    assert got.keys() == full.keys()
    for k, v in full.items():
        a = got[k]
        same = np.array_equal(a, v, equal_nan=a.dtype.kind == "f") if isinstance(v, np.ndarray) else a == v
        assert same, (sim.now, k)


@pytest.mark.parametrize(("size", "seed"), [("small", 3), ("medium", 2)])
def test_rebuilds_of_states_only_equal_a_full_rebuild(size: str, seed: int):
    """Host failures and boots, HA restarts, power changes and DRS cold moves reload the hosts,
    the VMs' power and placement and the moved VMs' paths only: every array of the sampler is
    what a full rebuild gives, checked right after each command and at every minute."""
    fails = ({"at": 700, "kind": "host_failure", "host": "esx-05", "duration": 1500},
             {"at": 3000, "kind": "host_failure", "host": "esx-06", "duration": 600})
    busy = _busy(size, seed, events=fails)
    session, actions = busy
    light = 0
    real = type(sim_s := session.sim.sampler)._rebuild_states

    def counting(self) -> None:
        nonlocal light
        light += 1
        real(self)

    type(sim_s)._rebuild_states = counting  # type: ignore[method-assign]
    try:
        for sim in _steps(busy, 3 * 3600):
            _equal_to_a_full_rebuild(sim)
    finally:
        type(sim_s)._rebuild_states = real  # type: ignore[method-assign]
    assert light > 3 and sim.log.of_kind("host_failed") and sim.log.of_kind("ha_restart_started")


def test_the_kept_chain_json_equals_the_chains_encoded_whole():
    """Chains of one to five snapshots taken, reverted, deleted in the middle, at the end and
    whole, a host failing under some: the state digest's snapshot part, kept per chain, is
    byte for byte the JSON of every chain encoded again (and so are the digests)."""
    import json

    from vdc.sim.snapshots import chain

    level = generate("small", 3)
    names = [v.name for v in level.vms[::7]]
    lines = []
    for k, v in enumerate(names):
        lines += [f"{60 + 30 * k + 5 * j} snapshot create {v} s{j}" for j in range(1 + k % 5)]
        lines += [f"{1200 + 60 * k} snapshot revert {v} s0"] if k % 3 == 0 else []
        lines += [f"{2400 + 60 * k} snapshot delete {v} {('--all', 's0', f's{k % 5}')[k % 3]}"]
    lines.sort(key=lambda line: float(line.split()[0]))
    actions = list(parse_actions("\n".join(lines) + "\n"))
    session = Session(Simulation(level))
    seen = 0
    for t in range(30, 4 * 3600, 30):
        while actions and actions[0].t <= t:
            a = actions.pop(0)
            session.advance_to(a.t)
            assert session.submit(a.command).accepted, a
        session.advance_to(t)
        sim = session.sim
        sim.sampler.current()
        whole = chain.digest_part(sim)
        assert chain.digest_json(sim) == (json.dumps(whole, sort_keys=True, separators=(",", ":")) if whole else ""), t
        seen = max(seen, len(whole))
    assert seen == len(names) and sim.log.of_kind("snapshot_deleted")


def test_the_digest_cache_gives_what_a_cold_digest_gives():
    """Hosts failing, isolated and back, links cut, services down and up, snapshots growing:
    at every minute the digest written with what the last one cached is the digest written
    from nothing; and a copy of the cache (a replay checkpoint) starts empty."""
    import pickle

    from vdc.sim.digest import DigestCache, state_digest

    hit = 0
    for sim in _steps(_busy("small", 3), 2 * 3600):
        warm = sim.digest_cache
        kept = (dict(warm.hosts), list(warm.service_json), len(warm.arrays))
        got = state_digest(sim)
        hit += sum(1 for k, (key, js) in warm.hosts.items() if kept[0].get(k) == (key, js))
        sim.digest_cache = DigestCache()
        assert state_digest(sim) == got, sim.now
        sim.digest_cache = warm
    assert hit > 0 and sim.metrics.service_down.any() and sim.log.of_kind("host_isolated")
    copy = pickle.loads(pickle.dumps(sim.digest_cache))
    assert copy.hosts == {} and copy.arrays == [] and copy.service_json == []


def test_globs_matched_by_one_regex_equal_fnmatch_per_pattern():
    """`names.expand` matches globs with one regex over every name: the same names, in the same
    order, as a `fnmatchcase` per name and pattern (odd brackets, escapes and exact names too)."""
    import random
    from fnmatch import fnmatchcase

    from vdc.scenario.names import expand

    rng = random.Random(1)
    alpha = "ab1-[]*?!x^\\."
    names = list(dict.fromkeys("".join(rng.choice(alpha) for _ in range(rng.randint(0, 5))) for _ in range(2000)))
    names += ["svc-001-web1", "svc-010-db2", "esx-01", "a[1]", "a1", "web\n1"]
    for _ in range(1500):
        pats = ["".join(rng.choice(alpha) for _ in range(rng.randint(0, 4))) for _ in range(rng.randint(1, 3))]
        pats.append(rng.choice(["svc-*", "*-web?", "esx-0[1-3]", "a[1]", "*", "[!a]*", "[]]", "a[", "[a-"]))
        assert expand(pats, names) == [n for n in names if any(n == p or fnmatchcase(n, p) for p in pats)], pats


def test_when_the_arrays_are_written_back_changes_no_result():
    """A thin disk growing under a writer, a snapshot elsewhere, then a shared-nothing vMotion
    and a Storage vMotion of the writer: played as the headless runner does, and again with a
    view built every sample (the TUI's refresh writes the sampler's arrays back onto the
    objects), the copies are sized alike and every digest is the same. The state digest
    itself writes nothing back."""
    from conftest import add_vm, build
    from test_vmotion_shared_nothing import _lv

    def play(views: bool) -> tuple[list, list]:
        lv = _lv()
        lv["profiles"].append({"name": "writer", "cpu": 500, "mem_active": 0.0, "iops": 100,
                               "write_mbps": 40, "net": 1, "shape": "flat", "peak": 0, "noise": 0})
        add_vm(lv, "writer", memory=4, profile="writer", disks=[{"datastore": "ds-1", "size": 100, "thin": True, "used": 10}])
        add_vm(lv, "other", memory=4, profile="still", host="esx-02", disks=[{"datastore": "ds-2", "size": 10}])
        s = Session(Simulation(build(lv)))
        for t, cmd in ((30, "snapshot create other s"), (607, "vmotion writer esx-02 ds-2"),
                       (1213, "svmotion writer ds-shared")):
            while s.sim.now < t:
                s.advance(min(5.0, t - s.sim.now))
                if views:
                    s.sim.view()
            assert s.submit(cmd).accepted, cmd
        s.advance(600)
        return s.sim.digests, [(k.kind, k.state, k.detail) for k in s.sim.tasks.tasks]

    plain, viewed = play(False), play(True)
    assert plain == viewed
    assert [k for k, state, _ in plain[1] if state == "done"][-2:] == ["vmotion", "svmotion"]


def test_the_passes_of_a_tick_share_entitlements_worked_out_once(monkeypatch):
    """Every cluster's DRS pass of one tick reads the same entitlements; they are worked out
    once per tick, not once per cluster, and the passes plan what they planned alone."""
    from vdc.sim.drs import passes, plan

    calls = []
    real = plan.entitlements
    monkeypatch.setattr(plan, "entitlements", lambda *a: calls.append(1) or real(*a))
    session, actions = _busy("medium", 2)
    sim = session.sim
    session.advance_to(601)
    ticks = sim.log.of_kind("drs_pass")
    assert len({e.t for e in ticks}) == 2 and len(calls) == 2  # two ticks, one each
    shared = passes.Shared()
    for c in sim.inv.clusters:
        alone = passes.plan_for(sim, c)
        together = passes.plan_for(sim, c, shared)
        assert [(m.vm, m.dst) for m in alone.moves] == [(m.vm, m.dst) for m in together.moves]
    assert len(calls) == 2 + len(sim.inv.clusters) + 1
