"""Benchmark: start-up time of the headless `vdc` commands (target: `vdc --help` ≤ 150 ms).

Runs each command 10 times in a fresh interpreter and prints the median and best wall time.

    python bench/bench_cli.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

COMMANDS = (["--help"], ["check", "01"], ["run", "01", "--until", "60", "--json"])


def main() -> None:
    for args in COMMANDS:
        times = []
        for _ in range(10):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "vdc", *args], capture_output=True, check=True)
            times.append((time.perf_counter() - t0) * 1000)
        print(f"vdc {' '.join(args):28} median {statistics.median(times):6.0f} ms  best {min(times):6.0f} ms")


if __name__ == "__main__":
    main()
