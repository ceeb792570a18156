"""Provides the one unit convention of the simulation.

Sizes are in GiB (2^30 bytes): memory, disks, snapshot deltas, swap files, datastores. Rates
are in MB/s (10^6 bytes per second) for storage and memory copies, Mbit/s (10^6 bits per
second) for networks — as vendors state them. Every conversion between the two goes through
`MB_PER_GIB`, so snapshots, thin disks, vMotion and Storage vMotion agree: 1 GiB at 1,000 MB/s
takes 1.074 s, not 1.024 s.
"""

from __future__ import annotations

GIB = 2**30
"""Bytes in a GiB (sizes)."""
MB = 10**6
"""Bytes in an MB (rates: MB/s)."""
MB_PER_GIB = GIB / MB
"""1073.741824: MB in one GiB."""


def gib(mb: float) -> float:
    """GiB in `mb` MB (what `mb` MB/s writes in one second)."""
    return mb / MB_PER_GIB


def seconds(gib_: float, mb_per_s: float) -> float:
    """Seconds to move `gib_` GiB at `mb_per_s` MB/s."""
    return gib_ * MB_PER_GIB / mb_per_s
