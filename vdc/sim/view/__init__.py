"""The read model: frozen views of the simulation for renderers (the TUI, reports, tests).

`Simulation.view(cache)` builds a `SimView` (`build.build_view`); `types` holds the view types
and `cache` the `ViewCache` a renderer keeps between views. Nothing here changes the model.
"""

from __future__ import annotations

from vdc.sim.view.build import build_view, vm_reason
from vdc.sim.view.cache import ViewCache
from vdc.sim.view.types import (
    ClusterDrsView,
    ClusterHaView,
    DatastoreView,
    DrsRecommendationView,
    DrsRuleView,
    HostView,
    PortGroupView,
    ServiceView,
    SimView,
    SnapshotView,
    TaskView,
    TierView,
    UplinkView,
    VmColumns,
    VsanHostView,
    VsanView,
    VSwitchView,
)

__all__ = [
    "ClusterDrsView",
    "ClusterHaView",
    "DatastoreView",
    "DrsRecommendationView",
    "DrsRuleView",
    "HostView",
    "PortGroupView",
    "ServiceView",
    "SimView",
    "SnapshotView",
    "TaskView",
    "TierView",
    "UplinkView",
    "ViewCache",
    "VmColumns",
    "VSwitchView",
    "VsanHostView",
    "VsanView",
    "build_view",
    "vm_reason",
]
