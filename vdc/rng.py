"""Provides named random streams derived from one master seed.

Each subsystem draws from its own stream, so adding a draw in one never shifts another, and a
player's commands never shift the seeded incidents. Seeds come from SHA-256, never `hash()`,
so they are the same under any PYTHONHASHSEED.
"""

from __future__ import annotations

import random
from hashlib import sha256

import numpy as np


def stream_seed(seed: int, name: str) -> int:
    """The integer seed of stream `name` under master `seed`."""
    return int(sha256(f"{seed}:{name}".encode()).hexdigest(), 16)


class Streams:
    """Lazily created named streams: `random.Random` for scalar draws, numpy for vectors."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._py: dict[str, random.Random] = {}
        self._np: dict[str, np.random.Generator] = {}

    def py(self, name: str) -> random.Random:
        """A `random.Random` stream (incidents, placement choices, …)."""
        if name not in self._py:
            self._py[name] = random.Random(stream_seed(self.seed, name))
        return self._py[name]

    def np(self, name: str) -> np.random.Generator:
        """A numpy stream for per-sample vectors (workload noise)."""
        if name not in self._np:
            # PCG64 takes at most 128 bits of seed; fold the 256-bit digest.
            self._np[name] = np.random.Generator(np.random.PCG64(stream_seed(self.seed, name)))
        return self._np[name]
