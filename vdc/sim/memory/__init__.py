"""Memory: host memory states and reclamation (page sharing, ballooning, compression,
hypervisor swap, allocation stalls) and the events that explain them (sim-facts §9).

`reclaim` is the model (minFree, states, what each technique takes and what it costs a guest),
`step` the sampler's memory step, `alerts` the events. The face the sampler uses:
"""

from __future__ import annotations

from vdc.sim.memory.reclaim import STATES, min_free_gib, min_free_mb, state_of
from vdc.sim.memory.step import memory_step

__all__ = ["STATES", "memory_step", "min_free_gib", "min_free_mb", "state_of"]
