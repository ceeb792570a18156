"""Provides workload profiles: what each VM demands over the day.

A VM's demand at time t for each resource is

    demand = profile baseline × vm.load × shape(t) × noise(t) × spike(t)

where `shape(t) = 1 + peak × s(clock hour)` follows a daily curve `s` in [0, 1], the noise is a
smooth AR(1) fluctuation around 1 (relative size `noise`, time constant `NOISE_TAU_S`), and spikes
come from timeline events. CPU demand is then capped by what the vCPUs can use on the VM's host
(vcpu × core MHz). Active memory follows the configured memory, scaled gently by spikes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

NOISE_TAU_S = 300.0
"""Correlation time of the workload noise: demand wanders over minutes, not samples."""

SPIKE_MEMORY_SHARE = 0.25
"""A ×F CPU spike raises active memory by ×(1 + 0.25·(F − 1)): busier apps touch more pages."""


@dataclass(frozen=True, slots=True)
class Profile:
    """Baseline demands of a workload (see `vdc.scenario.schema.Profile` for units)."""

    name: str
    cpu: float
    mem_active: float
    iops: float
    write_mbps: float
    net: float
    shape: str
    peak: float
    noise: float


BUILTIN: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile("idle", cpu=50, mem_active=0.1, iops=5, write_mbps=0.1, net=1, shape="flat", peak=0.0, noise=0.02),
        Profile("web", cpu=800, mem_active=0.35, iops=80, write_mbps=1, net=80, shape="web", peak=0.8, noise=0.08),
        Profile("app", cpu=1200, mem_active=0.5, iops=150, write_mbps=2, net=40, shape="office", peak=0.6, noise=0.06),
        Profile("db", cpu=1600, mem_active=0.7, iops=900, write_mbps=12, net=30, shape="office", peak=0.5, noise=0.05),
        Profile("batch", cpu=2500, mem_active=0.4, iops=400, write_mbps=20, net=10, shape="batch", peak=1.5, noise=0.1),
        Profile("appliance", cpu=400, mem_active=0.5, iops=10, write_mbps=0.2, net=300, shape="web", peak=0.5, noise=0.04),
        Profile("desktop", cpu=300, mem_active=0.5, iops=30, write_mbps=0.5, net=5, shape="office", peak=1.0, noise=0.15),
    )
}


SHAPES = ("flat", "office", "web", "nightly", "batch")


def shape_value(shape: str, hour: float) -> float:
    """The daily curve s(hour) in [0, 1] of a shape; `hour` is the clock hour in [0, 24)."""
    if shape == "flat":
        return 0.0
    if shape == "office":  # ramps up from 08 h, plateau 10–16 h, down by 18 h
        if 8.0 <= hour < 18.0:
            return math.sin(math.pi * (hour - 8.0) / 10.0) ** 0.5
        return 0.0
    if shape == "web":  # daytime hump plus an evening peak at 20 h
        day = 0.5 * math.exp(-(((hour - 13.0) / 3.0) ** 2))
        evening = math.exp(-(((hour - 20.0) / 2.0) ** 2))
        return min(1.0, day + evening)
    if shape == "nightly":  # backup window around 02 h
        d = min(abs(hour - 2.0), 24.0 - abs(hour - 2.0))
        return math.exp(-((d / 1.0) ** 2))
    if shape == "batch":  # the first ten minutes of every hour
        return 1.0 if (hour % 1.0) < (10.0 / 60.0) else 0.0
    raise ValueError(f"unknown shape {shape!r}")


def shape_factors(profiles: list[Profile], t: float, start_hour: float) -> np.ndarray:
    """`1 + peak × s(hour)` for each profile at sim time t."""
    hour = (start_hour + t / 3600.0) % 24.0
    return np.array([1.0 + p.peak * shape_value(p.shape, hour) for p in profiles], dtype=float)


class Noise:
    """Smooth per-VM fluctuation: an AR(1) process, one value per VM, stepped per sample.

    Normal draws come in blocks of `BLOCK` samples (one numpy call instead of 64); the blocks
    fall at fixed sample counts, so the values never depend on how time is sliced.
    """

    BLOCK = 64

    def __init__(self, rng: np.random.Generator, dt: float) -> None:
        self._rng = rng
        self._a = math.exp(-dt / NOISE_TAU_S)
        self._b = math.sqrt(1.0 - self._a * self._a)
        self.state = np.zeros(0)
        self._block = np.zeros((0, 0))
        self._row = 0

    def resize(self, n: int) -> None:
        """Grow for VMs added later (new ones start at the mean); never shrinks order."""
        if n > self.state.size:
            self.state = np.concatenate([self.state, np.zeros(n - self.state.size)])
            self._row = self.BLOCK  # the next step draws a fresh block of the new width

    def drop(self, i: int) -> None:
        """Forget row i (a deleted VM); the next step draws a fresh block of the new width."""
        self.state = np.delete(self.state, i)
        self._row = self.BLOCK

    def step(self) -> np.ndarray:
        if self._row >= self._block.shape[0] or self._block.shape[1] != self.state.size:
            self._block = self._b * self._rng.standard_normal((self.BLOCK, self.state.size))
            self._row = 0
        self.state *= self._a
        self.state += self._block[self._row]
        self._row += 1
        return self.state
