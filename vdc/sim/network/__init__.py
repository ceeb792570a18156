"""Networking: uplinks, trunks, port groups and NIC teams (failover, detection, policies).

`faults` changes links, upstream networks and trunks and makes each team's detection follow;
`commands` holds the handlers of the `net …` commands and `vm nic`. Where traffic goes is
`vdc.sim.netpath` (read by the sampler and vMotion too). The face the engine and the dispatcher use:
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vdc.sim.network.commands import HANDLERS

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation

__all__ = ["HANDLERS", "host_down"]


def host_down(sim: Simulation, host: str, vms: list[str]) -> None:
    """A host failed: its uplinks and teams keep their settings; nothing to undo."""
