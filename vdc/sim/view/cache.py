"""Provides `ViewCache`: the parts of a view worth keeping between two views of one run.

Building a view every frame would rebuild the network, task, HA and DRS views although they
change rarely; each is kept here with the version numbers it was built from and reused while
they match. The cache belongs to the renderer (the TUI controller keeps one), not to the
simulation, so it is never copied into a replay checkpoint or a save. It serves one run: given
another simulation, it starts over (a checkpoint copy of the same run is another object, but
its versions describe the same states, so the parts stay valid; starting over is only safe).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

from vdc.sim.view.types import (
    ClusterDrsView,
    ClusterHaView,
    ServiceView,
    TaskView,
    TierView,
    UplinkView,
    VSwitchView,
)

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation
    from vdc.sim.view.netload import HostKey, NicMap, NicRows


@dataclass
class ViewCache:
    """What the last views built, by the versions it was built from."""

    owner: weakref.ref[Simulation] | None = None
    net_key: tuple[int, int] | None = None
    vswitches: dict[str, tuple[VSwitchView, ...]] = field(default_factory=dict)
    uplinks: dict[str, tuple[UplinkView, ...]] = field(default_factory=dict)
    nics: NicMap | None = None
    """Where every VM NIC sends, and each VM's port groups (same key as the network views)."""
    nic_rows: NicRows | None = None
    """What `nics` was worked out from, per VM (a new version redoes only what changed)."""
    host_keys: dict[str, HostKey] = field(default_factory=dict)
    """Each host's network as its views were built from (`netload.host_key`)."""
    tiers_version: int | None = None
    tiers: dict[tuple[int, tuple[bool, ...], tuple[bool, ...]], tuple[TierView, ...]] = field(default_factory=dict)
    """Per service and pattern of tiers up, their views (members change with the structure)."""
    services: dict[int, ServiceView] = field(default_factory=dict)
    """Per service position, its last view (reused while nothing in it changed)."""
    tasks_key: tuple[int, float | None] | None = None
    tasks: tuple[TaskView, ...] = ()
    ha_key: tuple[int, int, int] | None = None
    ha: tuple[ClusterHaView, ...] = ()
    drs_key: tuple[int, int, int, int] | None = None
    drs: tuple[ClusterDrsView, ...] = ()
    guest_key: tuple[int, int] | None = None
    guest: tuple[str, ...] = ()
    """Each VM's Tools and NIC type (they change with a reboot or a finished install)."""

    def serve(self, sim: Simulation) -> None:
        """Start over unless the cache already serves `sim`."""
        if self.owner is not None and self.owner() is sim:
            return
        fresh = ViewCache()
        for f in fields(self):
            setattr(self, f.name, getattr(fresh, f.name))
        self.owner = weakref.ref(sim)
