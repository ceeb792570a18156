"""Provides the network panel's summary of a big datacenter: healthy hosts counted in one line
per cluster and vSwitch, and the busiest uplinks in one line, so that 1,024 hosts take a few
dozen lines and the hosts in trouble are listed in full above them."""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rich.text import Text

from vdc.sim.view import HostView, VSwitchView
from vdc.tui.format import Tones

SUMMARISE_ABOVE = 16
"""More hosts than this: healthy hosts are counted per cluster and vSwitch, not listed (a
sandbox of 64 hosts lists 200 port groups on each)."""

STANDALONE = "standalone"
"""The group name of hosts in no cluster."""


def speed(mbit: int) -> str:
    """Link speed for people: 10G, 2.5G, 100M."""
    if mbit >= 1000:
        g = mbit / 1000
        return f"{g:.0f}G" if g == int(g) else f"{g:.1f}G"
    return f"{mbit}M"


def team_text(vs: VSwitchView) -> str:
    """A team that is not the default (all active, port-id, link status), in a few words."""
    parts = [vs.policy]
    if vs.standby:
        parts.append("standby " + ",".join(vs.standby))
    if vs.lacp_rate:
        parts.append(f"{vs.lacp_rate} LACPDUs")
    else:
        parts.append("beacon probing" if vs.detection == "beacon" else "link status")
    return "team: " + ", ".join(parts)


def load_text(pct: int, tones: Tones) -> Text:
    """An uplink's load: muted while light, a warning from 70 %, an error from 90 %."""
    tone = "error" if pct >= 90 else "warning" if pct >= 70 else "foreground-muted"
    return tones.text(f"{pct:>3d} %", tone)


def load_word(pct: int, tones: Tones) -> Text:
    """`load_text` without its padding: "58 %"."""
    return tones.text(f"{pct} %", "error" if pct >= 90 else "warning" if pct >= 70 else "foreground")


@dataclass
class _Group:
    hosts: int = 0
    uplinks: set[tuple[int, ...]] = field(default_factory=set)
    """Each host's uplink speeds (sorted), as seen on this vSwitch."""
    portgroups: set[int] = field(default_factory=set)
    team: str = ""


def _speeds(speeds: tuple[int, ...]) -> str:
    """2 × 10G, or 10G + 1G when they differ."""
    if not speeds:
        return "no uplink"
    if len(set(speeds)) == 1:
        return f"{len(speeds)}×{speed(speeds[0])}"
    return " + ".join(speed(s) for s in speeds)


def group_lines(
    hosts: Sequence[HostView], healthy: dict[str, bool], tones: Tones, width: int
) -> list[Text]:
    """One line per cluster and vSwitch counting its healthy hosts ("✔ cl-01 vSwitch0  8
    hosts · 2×10G up · 27 port groups carried"), warning when some of the cluster's hosts are
    listed above instead."""
    groups: dict[tuple[str, str], _Group] = {}
    listed: dict[str, int] = {}
    for h in hosts:
        cluster = h.cluster or STANDALONE
        if not healthy[h.name]:
            listed[cluster] = listed.get(cluster, 0) + 1
            continue
        speeds = {u.name: u.speed for u in h.uplinks}
        for vs in h.vswitches:
            g = groups.setdefault((cluster, vs.name), _Group())
            g.hosts += 1
            g.uplinks.add(tuple(sorted((speeds[n] for n in vs.uplinks if n in speeds), reverse=True)))
            g.portgroups.add(len(vs.portgroups))
            if not vs.default_team:
                g.team = team_text(vs)
    if not groups:
        return []
    name_w = max(len(f"{c} {v}") for c, v in groups)
    cluster_w = max(len(c) for c, _ in groups)
    # Clusters of one vSwitch: a narrow panel may name only the cluster.
    per_cluster = Counter(c for c, _ in groups)
    alone = {c for c, n in per_cluster.items() if n == 1}
    lines = []
    seen: set[str] = set()
    for (cluster, vswitch), g in groups.items():
        more = listed.get(cluster, 0) if cluster not in seen else 0
        seen.add(cluster)
        uplinks = " or ".join(_speeds(u) for u in sorted(g.uplinks, reverse=True))
        pgs = "–".join(str(n) for n in sorted(g.portgroups)[:: max(1, len(g.portgroups) - 1)])
        count = f"{g.hosts} {'host' if g.hosts == 1 else 'hosts'}"
        tail = f" · {more} above" if more else ""
        line = Text()
        # The words as long as fit in `width`, shorter when they do not (a vSwitch per cluster
        # makes long names: `cl-01 vSwitch0-cl-01`).
        name = f"{cluster + ' ' + vswitch:<{name_w}}"
        short = f"{cluster:<{cluster_w}}" if cluster in alone else name
        for named, words in ((name, f"{count} · {uplinks} up · {pgs} port groups carried"),
                             (name, f"{count} · {uplinks} up · {pgs} port groups"),
                             (name, f"{count} · {uplinks} · {pgs} PGs"),
                             (short, f"{count} · {uplinks} · {pgs} PGs")):
            line = tones.text("▲ " if more else "✔ ", "warning" if more else "success")
            line.append(f"{named}  ", tones("foreground"))
            line.append(words, tones("foreground-muted"))
            if more:
                line.append_text(tones.text(tail, "warning"))
            if line.cell_len <= width:
                break
        if g.team and line.cell_len + 2 + len(g.team) <= width:
            line.append_text(tones.text(f"  {g.team}", "foreground-muted"))
        lines.append(line)
    return lines


def busiest(hosts: Iterable[HostView], n: int = 3) -> tuple[tuple[int, str, str], ...]:
    """The `n` most loaded up uplinks: (load in whole % of the speed, host, uplink)."""
    return tuple(heapq.nlargest(n, (
        (round(100.0 * mbps / u.speed), h.name, u.name)
        for h in hosts
        for u, mbps in zip(h.uplinks, h.uplink_mbps, strict=False)
        if u.up and u.speed
    )))


def busiest_line(top: tuple[tuple[int, str, str], ...], tones: Tones, width: int) -> Text | None:
    """"busiest uplinks: esx-07 vmnic0 34 %, …", as many as fit in `width` (None before any
    traffic was measured)."""
    if not top or top[0][0] <= 0:  # (nothing measured yet, paused at 0:00:00)
        return None
    line = tones.text("busiest uplinks: ", "foreground-muted")
    for k, (pct, host, uplink) in enumerate(top):
        part = Text(f"{', ' if k else ''}{host} {uplink} ", end="")
        part.append_text(load_word(pct, tones))
        if k and line.cell_len + part.cell_len > width:
            break
        line.append_text(part)
    return line
