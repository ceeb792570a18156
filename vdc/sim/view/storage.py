"""Provides the vSAN part of a datastore's view: hosts, policy compliance, failed components,
resync progress and the time left of the repair delay (read from `vdc.sim.vsan`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vdc.scenario.vsan_rules import policy_name
from vdc.sim.view.types import VsanHostView, VsanView
from vdc.sim.vsan.state import (
    FAILED,
    REPAIR_DELAY_S,
    contributes,
    host_capacity,
    state_of,
    usage,
)

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation
    from vdc.sim.model import Datastore


def vsan_view(sim: Simulation, ds: Datastore) -> VsanView:
    board = sim.vsan
    now = sim.now
    objs = [o for o in board.objects.values() if o.datastore == ds.name]
    states = [state_of(o) for o in objs]
    comps = [c for o in objs for c in o.current()]
    writing = [c for o in objs for c in o.components if c.state in ("rebuilding", "resyncing")]
    repairs = [c.since + REPAIR_DELAY_S - now for c in comps
               if c.state == "absent" and c.since + REPAIR_DELAY_S > now]
    stuck = 0
    for o in objs:
        for c in o.current():
            due = c.state == "degraded" or c.state == "absent" and c.since + REPAIR_DELAY_S <= now
            if due and not any(r.replaces == c.id for r in o.components) and not o.inaccessible:
                stuck += 1
    tasks = [sim.tasks.tasks[i - 1] for i in dict.fromkeys(c.task for c in writing if c.task)]
    running = [t for t in tasks if t.state == "running" and t.ends_at is not None]
    used = usage(sim, ds)
    return VsanView(
        policy=policy_name(ds.ftt, ds.raid),
        hosts=tuple(
            VsanHostView(h, contributes(sim, h), host_capacity(sim, ds, h),
                         used[h] if contributes(sim, h) else 0.0,
                         len(board.failed_devices.get(h, [])))
            for h in ds.hosts if ds.devices.get(h)
        ),
        objects=len(objs),
        compliant=states.count("compliant"),
        reduced=states.count("reduced"),
        inaccessible=states.count("inaccessible") + states.count("lost"),
        absent=sum(1 for c in comps if c.state == "absent"),
        degraded=sum(1 for c in comps if c.state == "degraded"),
        resyncing=len(writing),
        resync_progress=(sum(t.progress(now) for t in running) / len(running)) if running else None,
        resync_eta_s=max(t.ends_at or now for t in running) - now if running else None,
        repair_in_s=min(repairs) if repairs else None,
        stuck=stuck if any(c.state in FAILED for c in comps) else 0,
    )
