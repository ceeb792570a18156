"""Benchmark: `vdc check` of hostile level files just under the 4 MB cap (issue 19).

Target: each finishes in ≤ 2 s and ≤ 300 MB (peak RSS), with a one-line error (exit 2). Each
file is written to a temporary directory and checked once in a fresh interpreter; wall time and
peak RSS (`resource.getrusage` of the child) are printed.

    python bench/bench_hostile_levels.py
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CAP = 4 * 1024 * 1024 - 256
BASE = (ROOT / "levels" / "01-first-light.toml").read_text(encoding="utf-8")


def _fill(unit: str, head: str = "", tail: str = "") -> str:
    return head + unit * ((CAP - len(head) - len(tail)) // len(unit)) + tail


def hostile() -> dict[str, str]:
    """Name → file text: each shape that was slow or crashed before the limits."""
    return {
        "vms-tables": _fill("\n[[vms]]\n", BASE),
        "array-items": _fill("1,", BASE + "\n[x]\ny = [", "1]\n"),
        "header-parts": _fill("a.", '[level]\nid = "x"\n[', "a]\n"),
        "quoted-header-parts": _fill('"a".', '[level]\nid = "x"\n[', '"a"]\n'),
        "comment-lines": _fill("#\n"),
        "keys-at-budget": "".join(f"k{i} = 1\n" for i in range(49_000)),
        "array-at-budget": "x = [" + ",".join(["1"] * 149_000) + "]\n",
        "escapes": _fill("\\t", 'x = "', '"\n'),
        "one-string": _fill("a", BASE + '\n[x]\ns = "', '"\n'),
        "sentences": _fill("a. ", 'x = "', '"\n'),
        "huge-int": BASE.replace("seed = 1", "seed = " + "9" * 5000),
        "nesting": "x = " + "[" * 50_000 + "]" * 50_000 + "\n",
        "over-cap": "#" * (CAP + 1024),
    }


def main() -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    worst_s = worst_mb = 0.0
    with tempfile.TemporaryDirectory() as d:
        for name, text in hostile().items():
            path = Path(d) / f"{name}.toml"
            path.write_text(text, encoding="utf-8")
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            t0 = time.perf_counter()
            r = subprocess.run([sys.executable, "-m", "vdc", "check", str(path)],
                               capture_output=True, text=True, env=env)
            dt = time.perf_counter() - t0
            peak_mb = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024
            worst_s, worst_mb = max(worst_s, dt), max(worst_mb, peak_mb)
            line = r.stderr.strip().splitlines()
            print(f"{name:22} {len(text) / 1e6:5.2f} MB  {dt:5.2f} s  ≤{peak_mb:5.0f} MB  exit {r.returncode}  "
                  f"{(line[0] if line else r.stdout.strip())[:70]}")
    print(f"worst: {worst_s:.2f} s, {worst_mb:.0f} MB (target ≤ 2 s, ≤ 300 MB)")


if __name__ == "__main__":
    main()
