"""Benchmark: the game screen's responsiveness on a sandbox (large: 64 hosts, 2,000 VMs;
enterprise: 1,024 hosts, 32,000 VMs).

Headless Textual at 160×50, the level running at 16×, the VM table sorted by CPU. It measures:
- refresh: CPU time of one timer tick (advance 4 sim-seconds + snapshot + every panel's update)
  plus the screen render it causes — target ≤ 50 ms;
- keypress: wall time from pressing Space until the top bar shows the new state — target
  ≤ 100 ms;
- sustained: the same refresh when the speed is put back to 16× before every tick (a critical
  event drops it to 1×, so most ticks of "refresh" advance a quarter of a sim-second and
  redraw nothing; here every tick samples and redraws, through an incident storm), wall ms;
- open: wall time of building the level as `vdc play sandbox` does (generate and check it),
  of the briefing appearing, of Enter until the game screen has drawn its first view, and of
  the first tick after it;
- autosave: wall time the game's autosave holds the screen (the first one of a run and a
  later one), the time until the file is written, and a keypress given while it is written.

    PYTHONPATH=. python bench/bench_tui.py [--ticks 40] [--size enterprise]   # 1,024 hosts, 32,000 VMs

(`PYTHONPATH=.`: the venv's `vdc` may be another checkout.) The ticks measured come after a
warm-up minute; saves go to a temporary directory.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path


async def _key(pilot, bar, t0: float | None = None) -> float:
    """Wall ms from pressing Space (or from `t0`) until the top bar shows it."""
    before = str(bar.render())
    t0 = time.perf_counter() if t0 is None else t0
    await pilot.press("space")
    while str(bar.render()) == before:
        await asyncio.sleep(0.001)
    return (time.perf_counter() - t0) * 1000


async def _autosave(app, pilot, game) -> dict[str, float]:
    """Two autosaves: the wall ms each holds the screen, until its file is written, and a
    keypress given as the first one starts (counted from the save's start)."""
    from vdc.session import save_writer

    out: dict[str, float] = {}
    bar = game.query_one("#topbar")
    for n in (1, 2):
        game.controller.step(4)  # something new to save
        t0 = time.perf_counter()
        game._save("autosave", quiet=True, wait=False)  # noqa: SLF001 - what the game's timer calls
        out[f"save{n}_hold_ms"] = (time.perf_counter() - t0) * 1000
        if n == 1:
            out["key_during_save_ms"] = await _key(pilot, bar, t0)
        save_writer.flush()
        out[f"save{n}_written_ms"] = (time.perf_counter() - t0) * 1000
    return out


async def _run(ticks: int, size: str = "large", sustained: int = 100) -> dict[str, float]:
    from vdc.scenario.loader import level_from_model
    from vdc.scenario.sandbox import generate
    from vdc.tui.app import VdcApp
    from vdc.tui.widgets.vms import VmTable

    r: dict[str, float] = {}
    t0 = time.perf_counter()
    level = level_from_model(generate(size, 1))
    r["open_level_s"] = time.perf_counter() - t0
    saves = tempfile.TemporaryDirectory(prefix="bench-tui-")
    t0 = time.perf_counter()
    app = VdcApp(level=level, tick_interval=None, saves_dir=Path(saves.name))
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        r["open_briefing_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        await pilot.press("enter")
        await pilot.pause()
        r["open_game_s"] = time.perf_counter() - t0
        game = app.screen
        game.controller.paused = False
        t0 = time.perf_counter()
        game._on_tick()  # noqa: SLF001
        await pilot.pause()
        r["open_first_tick_s"] = time.perf_counter() - t0
        game.controller.paused = True
        r.update(await _autosave(app, pilot, game))
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
            keys.append(await _key(pilot, bar))
        held: list[float] = []
        for _ in range(sustained):
            c.speed_index, c.paused = 4, False
            t0 = time.perf_counter()
            game._on_tick()  # noqa: SLF001
            app.screen._refresh_layout()  # noqa: SLF001
            await asyncio.sleep(0)
            held.append((time.perf_counter() - t0) * 1000)
        r["sustained_median_ms"] = statistics.median(held) if held else 0.0
        r["sustained_p95_ms"] = sorted(held)[int(0.95 * (len(held) - 1))] if held else 0.0
        r["sustained_sim_s"] = c.now
    saves.cleanup()
    return r | {
        "refresh_median_ms": statistics.median(cpu),
        "refresh_p95_ms": sorted(cpu)[int(0.95 * (len(cpu) - 1))],
        "key_median_ms": statistics.median(keys),
        "key_max_ms": max(keys),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ticks", type=int, default=40)
    ap.add_argument("--sustained", type=int, default=100, help="ticks held at 16x (default 100)")
    ap.add_argument("--size", default="large", choices=["small", "medium", "large", "xlarge", "enterprise"],
                    help="sandbox size (default large)")
    args = ap.parse_args()
    load = os.getloadavg()[0]
    r = asyncio.run(_run(args.ticks, args.size, args.sustained))
    print(f"{args.size} sandbox, 160x50, 16x, VMs sorted by CPU; load average "
          f"{load:.1f} before, {os.getloadavg()[0]:.1f} after")
    print(f"refresh (tick + render), CPU ms: median {r['refresh_median_ms']:.1f}  p95 {r['refresh_p95_ms']:.1f}  (target <= 50)")
    print(f"keypress to screen, wall ms:     median {r['key_median_ms']:.1f}  max {r['key_max_ms']:.1f}  (target <= 100)")
    print(f"sustained 16x (tick + render), wall ms: median {r['sustained_median_ms']:.0f}  "
          f"p95 {r['sustained_p95_ms']:.0f}  (to sim {r['sustained_sim_s']:.0f} s)")
    print(f"open, wall s: level {r['open_level_s']:.2f}  briefing {r['open_briefing_s']:.2f}  "
          f"Enter to game {r['open_game_s']:.2f}  first tick {r['open_first_tick_s']:.2f}")
    print(f"autosave, wall ms: first holds {r['save1_hold_ms']:.0f} (written {r['save1_written_ms']:.0f}), "
          f"next holds {r['save2_hold_ms']:.0f} (written {r['save2_written_ms']:.0f}); "
          f"keypress during the first {r['key_during_save_ms']:.0f}")


if __name__ == "__main__":
    main()
