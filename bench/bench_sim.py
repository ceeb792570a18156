"""Benchmark: the simulation core headless on the sandbox sizes, against a bare-loop floor.

For each size it plays 8 simulated hours (1 for `--hours 1`) in a fresh subprocess and prints
wall time, sim-seconds per wall-second and peak RSS. In the same subprocess it runs the floor:
a SimPy process that, every sample, only sums the same VMs' baseline CPU demand per host in a
plain Python loop — the least any per-sample model must do. The ratio model / floor is what the
targets are stated in (docs/performance.md).

    python bench/bench_sim.py                 # small, medium, large; 8 sim-hours
    python bench/bench_sim.py --sizes small --hours 1
    python bench/bench_sim.py --sizes xlarge enterprise --hours 1   # 256 / 1,024 hosts
    python bench/bench_sim.py --profile large # where the time goes (cProfile, top 15)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time


def _with_operations(level, hours: float):
    """The sandbox with vSphere HA on in every cluster (admission: 1 host failure), DRS fully
    automated at threshold 3, and a snapshot on every tenth VM that is deleted (consolidated)
    halfway — the operations of issue 5 running on top of the seeded incidents."""
    from vdc.scenario.schema import Level
    from vdc.session.actions import parse_actions

    data = level.model_dump(mode="json")
    for c in data["clusters"]:
        c["ha"] = {"enabled": True, "admission": "percent", "failures": 1}
        c["drs"] = {"enabled": True, "mode": "full", "threshold": 3}
    level = Level.model_validate(data)
    vms = [v.name for v in level.vms[::10]]
    half = int(hours * 1800)
    lines = [f"60 snapshot create {v} bench" for v in vms]
    lines += [f"{half} snapshot delete {v} bench" for v in vms]
    return level, parse_actions("\n".join(lines) + "\n")


def _child(size: str, hours: float, profile: bool, ops: bool = False) -> dict[str, float]:
    import resource

    import simpy

    from vdc.scenario.sandbox import generate
    from vdc.session.session import Session
    from vdc.sim.engine import Simulation

    level = generate(size, 1)
    actions = []
    if ops:
        level, actions = _with_operations(level, hours)
    until = hours * 3600

    def play() -> tuple[Session, float]:
        t = time.perf_counter()
        sim = Simulation(level)
        built = time.perf_counter() - t
        session = Session(sim)
        session.play(((a.t, a.command) for a in actions), until=until)
        return session, built

    t0 = time.perf_counter()
    if profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.enable()
        session, build = play()
        prof.disable()
        pstats.Stats(prof, stream=sys.stderr).sort_stats("tottime").print_stats(15)
    else:
        session, build = play()
    wall = time.perf_counter() - t0  # the build included, as `run_level` does it
    if ops:
        refused = [r for r in session.records if not r.accepted]
        assert not refused, refused[:3]
        from vdc.sim.drs.passes import migrations_done

        print(f"DRS moves: {migrations_done(session.sim)}, passes: "
              f"{len(session.sim.log.of_kind('drs_pass'))}", file=sys.stderr)

    # The floor: same VMs, same sample interval, only the per-host sums of demand.
    hosts = {h.name: i for i, h in enumerate(level.hosts)}
    vm_host = [hosts[v.host] for v in level.vms]
    prof_cpu = {"web": 800.0, "app": 1200.0, "db": 1600.0, "appliance": 400.0}
    demand = [prof_cpu.get(v.profile, 500.0) * v.load for v in level.vms]
    n_hosts = len(hosts)
    dt = level.level.sample_interval

    def floor_proc(env: simpy.Environment):
        while True:
            sums = [0.0] * n_hosts
            for h, d in zip(vm_host, demand, strict=True):
                sums[h] += d
            yield env.timeout(dt)

    env = simpy.Environment()
    env.process(floor_proc(env))
    t0 = time.perf_counter()
    env.run(until=until)
    floor = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return {"wall_s": wall, "build_s": build, "floor_s": floor, "sim_s": until, "rss_mb": rss}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="*", default=["small", "medium", "large"],
                    help="small, medium, large, xlarge (256 hosts / 8,000 VMs), enterprise (1,024 / 32,000)")
    ap.add_argument("--hours", type=float, default=8.0)
    ap.add_argument("--profile", metavar="SIZE", default=None)
    ap.add_argument("--ops", action="store_true",
                    help="HA and DRS (full) on in every cluster, snapshots taken and consolidated (issue 5)")
    ap.add_argument("--child", nargs=2, metavar=("SIZE", "HOURS"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(_child(args.child[0], float(args.child[1]), False, args.ops)))
        return
    if args.profile:
        _child(args.profile, args.hours, True, args.ops)
        return
    print(f"{'size':10} {'sim-h':>5} {'build s':>8} {'wall s':>8} {'sim-s/wall-s':>13} {'floor s':>8} "
          f"{'ratio':>6} {'peak RSS MB':>12}")
    for size in args.sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--child", size, str(args.hours),
             *(["--ops"] if args.ops else [])],
            check=True, capture_output=True, text=True,
        ).stdout
        r = json.loads(out)
        print(
            f"{size:10} {args.hours:5g} {r['build_s']:8.2f} {r['wall_s']:8.2f} {r['sim_s'] / r['wall_s']:13,.0f} "
            f"{r['floor_s']:8.2f} {r['wall_s'] / r['floor_s']:6.1f} {r['rss_mb']:12.0f}"
        )


if __name__ == "__main__":
    main()
