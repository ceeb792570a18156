"""Provides the vSAN lines under the datastores table: for each vsan datastore, its policy and
hosts, how many objects are compliant, reduced or inaccessible, absent and degraded
components, the resync under way and the time left before absent components are rebuilt."""

from __future__ import annotations

from rich.text import Text

from vdc.sim.view import DatastoreView, VsanView
from vdc.tui.format import Tones, gib

WIDE = 60
"""From this width the full lines; below, one line per vsan datastore."""


def span(seconds: float) -> str:
    """`42:10` (m:ss) under an hour, `1:02:10` beyond."""
    s = max(int(round(seconds)), 0)
    if s >= 3600:
        return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"
    return f"{s // 60}:{s % 60:02d}"


def _cat(*parts: Text | str) -> Text:
    """Pieces one after another, each keeping its own style (no base style leaks on)."""
    out = Text()
    for p in parts:
        out.append_text(p if isinstance(p, Text) else Text(p))
    return out


def _join(parts: list[Text], sep: str = " · ") -> Text:
    out = Text()
    for i, p in enumerate(parts):
        if i:
            out.append(sep)
        out.append_text(p)
    return out


def _health(tones: Tones, v: VsanView) -> list[Text]:
    """Objects and components: `✖ 1 inaccessible`, `▲ 3 reduced`, `3 absent`, `1 degraded`."""
    parts = []
    if v.inaccessible:
        parts.append(tones.text(f"✖ {v.inaccessible} inaccessible", "error", bold=True))
    if v.reduced:
        parts.append(tones.text(f"▲ {v.reduced} reduced", "warning"))
    if v.absent:
        parts.append(tones.text(f"{v.absent} absent", "warning"))
    if v.degraded:
        parts.append(tones.text(f"{v.degraded} degraded", "error"))
    return parts


def _repair(tones: Tones, v: VsanView) -> list[Text]:
    """Resync progress, the repair delay's countdown, rebuilds that cannot start."""
    parts = []
    if v.resync_progress is not None:
        eta = f", {span(v.resync_eta_s)} left" if v.resync_eta_s is not None else ""
        parts.append(tones.text(f"resync {v.resyncing}: {v.resync_progress * 100:.0f}%{eta}", "primary"))
    if v.repair_in_s is not None:
        parts.append(tones.text(f"rebuild in {span(v.repair_in_s)}", "warning"))
    if v.stuck:
        parts.append(tones.text(f"✖ {v.stuck} cannot rebuild", "error", bold=True))
    return parts


def _hosts(tones: Tones, v: VsanView, wide: bool) -> Text:
    """`hosts 3/4 up: esx-01 ✖ away` (narrow) or every host with its used / size (wide)."""
    up = sum(1 for h in v.hosts if h.up)
    parts = []
    for h in v.hosts:
        bad = f" ✖ {h.failed_devices} disk" if h.failed_devices else ""
        if not h.up:
            parts.append(tones.text(f"{h.name} ✖ away", "error"))
        elif wide:
            parts.append(_cat(f"{h.name} {gib(h.used)}/{gib(h.capacity)}", tones.text(bad, "error")))
        elif bad:
            parts.append(tones.text(f"{h.name}{bad}", "error"))
    return _cat(f"hosts {up}/{len(v.hosts)} up" + (": " if parts else ""), _join(parts, ", "))


def _narrow(tones: Tones, name: Text, v: VsanView) -> list[Text]:
    """Up to three short lines (a 40-column panel): policy and hosts up; objects; the repair
    under way, or else the hosts away or with failed disks."""
    up = sum(1 for h in v.hosts if h.up)
    hosts = tones.text(f"{up}/{len(v.hosts)} hosts up", "foreground" if up == len(v.hosts) else "error")
    ok = tones.text(f"✓ {v.compliant}/{v.objects} ok", "success" if v.compliant == v.objects else "foreground")
    out = [_cat(name, f" {v.policy} · ", hosts), _cat("  ", _join([ok, *_health(tones, v)]))]
    repair = _repair(tones, v)
    trouble = [tones.text(f"{h.name} ✖ " + ("away" if not h.up else f"{h.failed_devices} disk"), "error")
               for h in v.hosts if not h.up or h.failed_devices]
    if repair or trouble:
        out.append(_cat("  ", _join(repair or trouble, " · " if repair else ", ")))
    return out


def vsan_lines(tones: Tones, stores: tuple[DatastoreView, ...], width: int) -> Text:
    """The vSAN lines of every vsan datastore (empty Text when there is none). Narrow: three
    short lines for a single vsan datastore, one line each for several."""
    out: list[Text] = []
    several = sum(1 for ds in stores if ds.vsan is not None) > 1
    for ds in stores:
        v = ds.vsan
        if v is None:
            continue
        name = tones.text(ds.name, "foreground", bold=True)
        health = _health(tones, v)
        repair = _repair(tones, v)
        if width < WIDE and not several:
            out.extend(_narrow(tones, name, v))
            continue
        if width < WIDE:
            state = health[:1] + repair[:1] or [tones.text(f"✓ {v.objects} compliant", "success")]
            out.append(_cat(name, " ", _join(state)))
            continue
        ok = tones.text(f"✓ {v.compliant}/{v.objects} compliant", "success" if v.compliant == v.objects else "foreground")
        out.append(_cat(name, f" {v.policy} · ", _hosts(tones, v, width >= 100)))
        out.append(_cat("  objects ", _join([ok, *health])))
        if repair:
            out.append(_cat("  ", _join(repair)))
    return Text("\n").join(out)
