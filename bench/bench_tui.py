"""Benchmark: the game screen's responsiveness on a sandbox (large: 64 hosts, 2,000 VMs;
enterprise: 1,024 hosts, 32,000 VMs).

Headless Textual at 160×50, the level running at 16×, the VM table sorted by CPU. It measures:
- refresh: CPU time of one timer tick (advance 4 sim-seconds + snapshot + every panel's update)
  plus the screen render it causes — target ≤ 50 ms;
- keypress: wall time from pressing Space until the top bar shows the new state — target
  ≤ 100 ms.

    python bench/bench_tui.py [--ticks 40] [--size enterprise]   # 1,024 hosts, 32,000 VMs

At enterprise size the first refresh after the game opens, and the first autosave (it encodes
the 11 MB level once), take seconds; the ticks measured come after the warm-up minute.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time


async def _run(ticks: int, size: str = "large") -> dict[str, float]:
    from vdc.scenario.loader import level_from_model
    from vdc.scenario.sandbox import generate
    from vdc.tui.app import VdcApp
    from vdc.tui.widgets.vms import VmTable

    app = VdcApp(level=level_from_model(generate(size, 1)), tick_interval=None)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        game = app.screen
        c = game.controller
        for _ in range(4):
            c.faster()
        c.paused = False
        game.query_one(VmTable).sort_by("cpu")
        game.step(60)  # warm up: first fill of every table
        await pilot.pause()
        cpu: list[float] = []
        for _ in range(ticks):
            t0 = time.process_time()
            game._on_tick()
            app.screen._refresh_layout()  # noqa: SLF001 - force the render the tick causes
            await asyncio.sleep(0)
            cpu.append((time.process_time() - t0) * 1000)
        keys: list[float] = []
        bar = game.query_one("#topbar")
        for _ in range(10):
            before = str(bar.render())
            t0 = time.perf_counter()
            await pilot.press("space")
            while str(bar.render()) == before:
                await asyncio.sleep(0.001)
            keys.append((time.perf_counter() - t0) * 1000)
    return {
        "refresh_median_ms": statistics.median(cpu),
        "refresh_p95_ms": sorted(cpu)[int(0.95 * (len(cpu) - 1))],
        "key_median_ms": statistics.median(keys),
        "key_max_ms": max(keys),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ticks", type=int, default=40)
    ap.add_argument("--size", default="large", choices=["small", "medium", "large", "xlarge", "enterprise"],
                    help="sandbox size (default large)")
    args = ap.parse_args()
    r = asyncio.run(_run(args.ticks, args.size))
    print(f"{args.size} sandbox, 160x50, 16x, VMs sorted by CPU")
    print(f"refresh (tick + render), CPU ms: median {r['refresh_median_ms']:.1f}  p95 {r['refresh_p95_ms']:.1f}  (target <= 50)")
    print(f"keypress to screen, wall ms:     median {r['key_median_ms']:.1f}  max {r['key_max_ms']:.1f}  (target <= 100)")


if __name__ == "__main__":
    main()
