"""Benchmark: `vdc grade` of a cohort of 50 saves at --jobs 1, 2, … (does it scale?).

Makes a cohort like a trainer's: 50 saves of the small sandbox (8 hosts, 100 VMs; `--size
large`: 64 hosts, 2,000 VMs, where one save's verification has a target of ≤ 3 s) played for
one sim-hour, each trainee with their own seed and a few commands at their own times, then
times `vdc.session.grade.grade` (load + re-simulation + digest check + score per save) with
each worker count. Rows must be identical at every --jobs.

    python bench/bench_grade.py                   # 50 saves, --jobs 1 and 2
    python bench/bench_grade.py --saves 20 --jobs 1,2,4 --level 01
    python bench/bench_grade.py --size large --saves 4 --jobs 1   # verify one-hour large saves
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from vdc.session.actions import parse_actions
from vdc.session.grade import grade
from vdc.session.runner import result, run_level
from vdc.session.save import save


def cohort(directory: Path, n: int, level: str, size: str = "small") -> list[Path]:
    """`n` saves, each a different trainee (seed and command times differ)."""
    from vdc.scenario.loader import load_level
    from vdc.scenario.paths import find_level
    from vdc.scenario.sandbox import generate

    paths = []
    for i in range(n):
        if level == "sandbox":
            lv = generate(size, 1)
            script = (f"{60 + 7 * i} power off svc-001-web1\n{600 + 11 * i} power on svc-001-web1\n"
                      f"{1200 + 13 * i} power reset svc-002-db1\n")
            session = run_level(lv, seed=100 + i, actions=parse_actions(script), until=3600)
            stopped = True
        else:
            lv = load_level(find_level(level)).level
            script = f"{i % 5} host power on esx-02\n{i} power on intranet-web-01\n{61 + i} power on intranet-db-01 esx-02\n"
            session = run_level(lv, seed=100 + i, actions=parse_actions(script))
            stopped = False
        path = directory / f"trainee-{i:03d}.vdcsave"
        save(session, path, result=result(session, stopped_early=stopped))
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=50)
    parser.add_argument("--jobs", default="1,2", help="comma-separated worker counts")
    parser.add_argument("--level", default="sandbox", help="sandbox (small, 1 sim-hour) or a level id")
    parser.add_argument("--repeat", type=int, default=3, help="best of N timings per worker count")
    parser.add_argument("--size", default="small", choices=["small", "medium", "large"],
                        help="the sandbox's size (with --level sandbox)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as d:
        t0 = time.perf_counter()
        paths = cohort(Path(d), args.saves, args.level, args.size)
        size = sum(p.stat().st_size for p in paths) / len(paths)
        what = f"{args.level} ({args.size})" if args.level == "sandbox" else args.level
        print(f"{len(paths)} saves of {what} ({size / 1024:.0f} KiB each) made in "
              f"{time.perf_counter() - t0:.1f} s; {os.cpu_count()} CPUs")
        baseline: list | None = None
        first: float | None = None
        for jobs in (int(j) for j in args.jobs.split(",")):
            walls = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                rows = grade(paths, jobs=jobs)
                walls.append(time.perf_counter() - t0)
            assert all(r.verified for r in rows), [r.reason for r in rows if not r.verified][:3]
            if baseline is None:
                baseline = rows
            assert rows == baseline, "rows differ between worker counts"
            wall = min(walls)
            first = first or wall
            print(f"--jobs {jobs}: {wall:.2f} s ({wall / len(paths) * 1000:.0f} ms per save, "
                  f"speed-up {first / wall:.2f}x)")


if __name__ == "__main__":
    main()
