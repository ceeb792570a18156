"""Benchmark: seeking in the replay viewer on a one-hour sandbox save (target ≤ 300 ms).

Plays the medium sandbox (16 hosts, 400 VMs; `--size large`: 64 hosts, 2,000 VMs, issue 18's
case) for one sim-hour with a few commands and saves it. Then, with the `Replayer` (the viewer's engine): opening it (the verification pass, which
also keeps a checkpoint every 10 sim-minutes), seeks to just before a checkpoint (the worst
case: restore the one before and re-simulate 599 s), and for comparison a re-simulation of the
whole hour from t=0 without checkpoints. Finally the worst-case seek in the viewer itself,
headless at 160×50, including the redraw of every panel it causes.

    python bench/bench_seek.py [--repeat 5]
    python bench/bench_seek.py --size large --repeat 3
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from vdc.scenario.sandbox import generate
from vdc.session.actions import parse_actions
from vdc.session.replayer import Replayer
from vdc.session.runner import run_level
from vdc.session.save import load, save

SCRIPT = "60 power off svc-001-web4\n600 power on svc-001-web4\n1200 power reset svc-002-db1\n"


def _ms(f) -> float:
    t0 = time.perf_counter()
    f()
    return (time.perf_counter() - t0) * 1000


async def _viewer_seek(path: Path, repeat: int) -> list[float]:
    from vdc.tui.app import VdcApp

    app = VdcApp(replay=path, tick_interval=None)
    out = []
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        screen = app.screen
        for _ in range(repeat):
            screen.seek(0)
            await pilot.pause()
            t0 = time.perf_counter()
            screen.seek(3599)  # the checkpoint at 50:00, 599 s re-simulated, every panel redrawn
            app.screen._refresh_layout()  # noqa: SLF001 - the render the seek causes
            out.append((time.perf_counter() - t0) * 1000)
            await pilot.pause()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--size", default="medium", choices=["medium", "large"])
    ap.add_argument("--no-viewer", action="store_true", help="skip the seek in the viewer itself")
    args = ap.parse_args()
    session = run_level(generate(args.size, 1), actions=parse_actions(SCRIPT), until=3600)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"{args.size}.vdcsave"
        save(session, path)
        kib = path.stat().st_size / 1024
        saved = load(path)
        t0 = time.perf_counter()
        r = Replayer(saved)
        open_ms = (time.perf_counter() - t0) * 1000
        worst, mid = [], []
        for _ in range(args.repeat):
            r.seek(0)
            worst.append(_ms(lambda: r.seek(3599)))
            mid.append(_ms(lambda: r.seek(1799)))
        scratch = [_ms(lambda: run_level(saved.level, actions=parse_actions(SCRIPT), until=3599))
                   for _ in range(max(1, args.repeat // 2))]
        viewer = [] if args.no_viewer else asyncio.run(_viewer_seek(path, args.repeat))
    med = statistics.median
    what = {"medium": "16 hosts, 400 VMs", "large": "64 hosts, 2,000 VMs"}[args.size]
    print(f"{args.size} sandbox ({what}), 1 sim-hour save, {kib:.0f} KiB")
    print(f"open (verification pass + {len(r.checkpoint_times)} checkpoints):  {open_ms:.0f} ms")
    print(f"seek to 0:59:59 (worst case), median:          {med(worst):.0f} ms  (target <= 300)")
    print(f"seek back to 0:29:59, median:                  {med(mid):.0f} ms")
    print(f"re-simulate 0 -> 0:59:59 without checkpoints:  {med(scratch):.0f} ms")
    if viewer:
        print(f"viewer: seek to 0:59:59 + redraw, median:      {med(viewer):.0f} ms  (160x50)")


if __name__ == "__main__":
    main()
