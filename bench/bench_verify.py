"""Benchmark: verifying a one-hour medium-sandbox save (target ≤ 1 s).

Plays the medium sandbox (16 hosts, 400 VMs) for one sim-hour with a few commands, saves it,
then times `load` + re-simulation + digest comparison.

    python bench/bench_verify.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from vdc.scenario.sandbox import generate
from vdc.session.actions import parse_actions
from vdc.session.runner import run_level
from vdc.session.save import load, save
from vdc.session.verify import verify

SCRIPT = "60 power off svc-001-web4\n600 power on svc-001-web4\n1200 power reset svc-002-db1\n"


def main() -> None:
    session = run_level(generate("medium", 1), actions=parse_actions(SCRIPT), until=3600)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "medium.vdcsave"
        save(session, path)
        size = path.stat().st_size
        t0 = time.perf_counter()
        _, divergence = verify(load(path))
        wall = time.perf_counter() - t0
    assert divergence is None
    print(f"medium sandbox, 1 sim-hour, save {size / 1024:.0f} KiB: verify {wall:.2f} s (target <= 1 s)")


if __name__ == "__main__":
    main()
