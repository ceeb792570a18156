"""DRS: the pass every 5 minutes that balances a cluster by moving VMs, and keeps its rules.

`passes` runs the passes and acts on them by mode (manual, partial, full), `plan` works out
the moves (loads, imbalance, greedy balancing), `commands` holds the handlers of `drs …`.
What the rules allow is `vdc.sim.affinity` (HA, vMotion and power on keep them too). DRS sits
above the moves: its migrations are vMotions. The face the engine and the dispatcher use:
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vdc.sim.drs.commands import HANDLERS

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation

__all__ = ["HANDLERS", "host_down"]


def host_down(sim: Simulation, host: str, vms: list[str]) -> None:
    """A host failed: DRS leaves it to HA; the next pass sees the cluster without it."""
