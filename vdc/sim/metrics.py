"""Provides `Metrics`: what a run has measured so far (downtime, power, datastore peaks)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Metrics:
    """Accumulated measurements of the run (the sampler keeps the per-VM arrays).

    Per-service and per-datastore values are arrays in inventory order; the dict properties
    are for readers.
    """

    service_names: list[str] = field(default_factory=list)
    service_down: np.ndarray = field(default_factory=lambda: np.zeros(0))
    service_now: np.ndarray = field(default_factory=lambda: np.ones(0, dtype=bool))
    ds_names: list[str] = field(default_factory=list)
    ds_peak: np.ndarray = field(default_factory=lambda: np.zeros(0))
    power_kw: float = 0.0
    peak_kw: float = 0.0
    energy_kwh: float = 0.0
    state_at_deadline: dict[str, str] = field(default_factory=dict)
    samples: int = 0
    # Objective accounting (`objectives.account`). Not part of the state digest: it only
    # measures the run, so levels that do not use it keep their digests.
    ready_over_s: dict[str, float] = field(default_factory=dict)
    """cpu_ready_seconds: seconds any VM of the objective was over its threshold, by id."""
    ready_over_now: dict[str, bool] = field(default_factory=dict)
    """cpu_ready_seconds: whether one is over at the last sample, by id."""
    mean_ready: bool = False
    """Whether the level has a mean_cpu_ready objective (then the integrals are kept)."""
    ready_integral: np.ndarray = field(default_factory=lambda: np.zeros(0))
    """Per VM (sampler order): ∫ CPU ready % dt so far."""
    ready_prev: np.ndarray = field(default_factory=lambda: np.zeros(0))
    """Per VM: the CPU ready % at the last sample."""
    config_at_deadline: dict[str, tuple[bool, str, str]] = field(default_factory=dict)
    """config objectives with `by`: (met, value, target) frozen at the deadline, by id."""
    patched_at: dict[str, float] = field(default_factory=dict)
    """Host -> when its last reboot in maintenance mode ended (config check host_patched)."""
    vm_rows: dict[str, tuple[int, list[int]]] = field(default_factory=dict)
    """Cache: a `vms` glob -> (sampler version, the rows it matches)."""

    @property
    def service_down_s(self) -> dict[str, float]:
        """Seconds each service has been down so far."""
        return dict(zip(self.service_names, self.service_down.tolist(), strict=True))

    @property
    def service_up(self) -> dict[str, bool]:
        """Whether each service is up at the last sample."""
        return dict(zip(self.service_names, self.service_now.tolist(), strict=True))

    @property
    def ds_peak_pct(self) -> dict[str, float]:
        """Highest fill (%) each datastore has reached."""
        return dict(zip(self.ds_names, self.ds_peak.tolist(), strict=True))
