"""Provides vSAN's maintenance-mode data modes: what happens to a host's components when it
enters maintenance mode (design/sim-facts.md §13).

- ensure-accessibility (the default): only the components without which an object would be
  inaccessible (more failures than its FTT, e.g. an FTT 0 object's only copy) are copied off
  first; the others are absent while the host is in maintenance — reduced availability,
  rebuilt after the 60-minute repair delay, resynced when it leaves.
- full-evacuation: every component is copied to a host without one of its object first
  (time: GiB / rebuild MB/s); the objects stay compliant. Impossible on a 3-host FTT 1 RAID-1
  cluster (no such host): refused.
- no-data-migration: nothing is copied; objects whose only copy was there become inaccessible,
  and an object whose other copy fails meanwhile is lost.

The host is "in maintenance" only once its copies are written (`pending`); from then on its
devices give no capacity.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from vdc.sim.checks import Rejected, fmt
from vdc.sim.units import seconds
from vdc.sim.vsan.failures import changed, write_task
from vdc.sim.vsan.layout import free_by_host, new_component
from vdc.sim.vsan.state import FAILED, Component, VsanObject, data_gib

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation

MODES = ("ensure-accessibility", "full-evacuation", "no-data-migration")


@dataclass(frozen=True, slots=True)
class ModeRow:
    """One data mode as the maintenance dialog offers it: what it would do, or why not."""

    mode: str
    refusal: str
    """Why vSAN cannot do it ("" when it can)."""
    copies: int = 0
    gib: float = 0.0
    """Components and GiB copied off before the host is in maintenance."""
    duration_s: float = 0.0
    """Until the last copy is written (each target host writes at its rebuild MB/s)."""
    risk: str = ""
    """What stays at risk while the host is in maintenance ("" when nothing)."""


def _on_host(sim: Simulation, host: str) -> list[tuple[VsanObject, Component]]:
    """The live components of the objects' current layouts on `host`."""
    return [(o, c) for o in sim.vsan.objects.values() for c in o.current()
            if c.host == host and c.state not in FAILED]


def _needed(o: VsanObject, host: str) -> bool:
    """Whether `o` would be inaccessible without its components on `host`."""
    cur = o.current()
    failed = sum(1 for c in cur if c.state in FAILED or c.host == host)
    return failed > o.ftt


def plan(sim: Simulation, host: str, mode: str) -> list[tuple[VsanObject, Component, str, float]]:
    """(object, component, target host, GiB) of each copy `mode` makes before `host` enters
    maintenance; `Rejected` with the numbers when one has no host to go to."""
    if mode == "no-data-migration":
        return []
    out = []
    booked: dict[str, float] = {}
    for o, c in _on_host(sim, host):
        if mode == "ensure-accessibility" and not _needed(o, host):
            continue
        ds = sim.inv.datastores[o.datastore]
        gib = c.weight * data_gib(sim, sim.inv.vms[o.vm], o.datastore)
        taken = {x.host for x in o.components if x.state not in FAILED}
        free = free_by_host(sim, ds)
        order = {h: i for i, h in enumerate(ds.hosts)}
        spare = sorted((h for h in free if h not in taken and h != host
                        and sim.maintenance.entering_of(h) is None),
                       key=lambda h: (-(free[h] - booked.get(h, 0.0)), order[h]))
        fit = [h for h in spare if free[h] - booked.get(h, 0.0) >= gib - 1e-9]
        if not fit:
            why = (f"no host has {fmt(gib)} GiB free for it" if spare else
                   f"every other host up already holds a component of it ({len(free)} of "
                   f"{len(ds.hosts)} hosts up)")
            hint = ("; use --vsan ensure-accessibility (3-host clusters allow only that)"
                    if mode == "full-evacuation" else "")
            raise Rejected(f"{mode}: {o.vm}'s component on {host} cannot be moved: {why}{hint}")
        booked[fit[0]] = booked.get(fit[0], 0.0) + gib
        out.append((o, c, fit[0], gib))
    return out


def warning(sim: Simulation, host: str, mode: str) -> str:
    """What the mode leaves at risk: objects inaccessible or with reduced availability."""
    if mode == "full-evacuation":
        return ""
    on = _on_host(sim, host)
    # ensure-accessibility copies what an object needs: those leave nothing at risk here.
    hit = list(dict.fromkeys(o.vm for o, _ in on
                             if mode == "no-data-migration" or not _needed(o, host)))
    if not hit:
        return ""
    lost = list(dict.fromkeys(o.vm for o, _ in on if _needed(o, host))) if mode == "no-data-migration" else []
    reduced = len(hit) - len(lost)
    parts = [f"{reduced} VM(s)' vSAN data with reduced availability"] if reduced else []
    if lost:
        parts.append(f"data of {', '.join(lost[:3])} inaccessible (no other copy)")
    return "; " + " and ".join(parts) + " while it is in maintenance"


def start(sim: Simulation, host: str, mode: str) -> int:
    """Write the copies `mode` needs (checked already); how many."""
    copies = plan(sim, host, mode)
    for o, c, target, gib in copies:
        ds = sim.inv.datastores[o.datastore]
        r = new_component(sim, ds, target, c.weight, "rebuilding")
        r.replaces, r.gen = c.id, o.gen
        o.components.append(r)
        write_task(sim, o, r, gib, f"evacuation of {o.vm}'s component from {host}")
    if copies:
        sim.log.add(sim.now, "vsan_rebuild_started", host,
                    f"vSAN copies {len(copies)} component(s) off {host} before it enters "
                    f"maintenance mode ({mode})")
        changed(sim)
    return len(copies)


def pending(sim: Simulation, host: str) -> int:
    """Components of `host` still being copied off (it waits for them)."""
    ids = {c.id for o, c in _on_host(sim, host)}
    return sum(1 for o in sim.vsan.objects.values() for r in o.components
               if r.state == "rebuilding" and r.replaces in ids)


def modes(sim: Simulation, host: str) -> list[ModeRow]:
    """Each data mode for `host` entering maintenance now: its copies and risk, or refusal."""
    rows = []
    for mode in MODES:
        try:
            copies = plan(sim, host, mode)
        except Rejected as e:
            rows.append(ModeRow(mode, str(e)))
            continue
        per_host: dict[str, float] = {}
        for _, _, target, gib in copies:
            per_host[target] = per_host.get(target, 0.0) + gib
        ends = [max(sim.now, sim.vsan.busy_until.get(h, 0.0))
                + seconds(g, sim.inv.hosts[h].vsan_rebuild_mbps) for h, g in per_host.items()]
        risk = warning(sim, host, mode).removeprefix("; ")
        rows.append(ModeRow(mode, "", len(copies), sum(per_host.values()),
                            max(ends, default=sim.now) - sim.now, risk))
    return rows
