"""Provides the shared vMotion links: a host's vMotion link, each running migration's fair share
of its hosts' links, and the byte bookkeeping that re-plans a copy when its share changes.

A host's vMotion link (its fastest up uplink carrying the vMotion port group) is split evenly
among the migrations running on that host; a migration copies at the smaller of its two hosts'
shares (design/sim-facts.md §5: "B … shared among concurrent migrations on that NIC"). Progress
is kept in bytes sent: when a migration's share changes (one starts or ends beside it), the
bytes it sent at the old rate since its last plan are added up, the pre-copy model is run again
at the new rate for the whole VM (`vmotion.rebalance`), and what that plan sends beyond the bytes
already sent — at least its last round, sent during the switchover — is the remaining copy.
So four migrations started together each take about four times as long as one alone, and a
link is never used more than once over.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from vdc.sim import netpath

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation
    from vdc.sim.model import Host

LINK_EFFICIENCY = 0.94
"""Share of the link speed a vMotion stream gets (protocol overhead) [assumption]."""
STREAM_GBPS = 15.0
"""What one vMotion stream (one helper thread, one core) can move, Gbit/s (§5)."""


class Copy(Protocol):
    """What the bookkeeping needs of a running migration."""

    rate: float
    """Bytes/s it copies at now."""
    sent: float
    """Bytes sent up to `since`."""
    since: float
    copy_from: float
    """When its copy began (after the task overhead and the setup)."""
    disk_bytes: float
    """Disk bytes it sends first (a shared-nothing vMotion; 0 for a vMotion), then the memory."""
    disk_cap: float
    """Bytes/s the datastores at both ends carry: the disk copy runs at min(rate, disk_cap)."""


def bandwidth(link_mbps: float, sharing: int = 1, streams: int = 1) -> float:
    """Effective bytes/s of one migration: min(link × 0.94, streams × 15 Gbit/s) / sharing."""
    raw = min(link_mbps * LINK_EFFICIENCY, streams * STREAM_GBPS * 1000.0) * 1e6 / 8.0
    return raw / max(1, sharing)


def vmotion_link(h: Host) -> float:
    """Mbit/s of the host's vMotion VMkernel port: the fastest uplink its team sends on that
    delivers its VLAN (`netpath`), 0 when it has none."""
    best = 0.0
    for vs in h.vswitches:
        for pg in vs.portgroups.values():
            if pg.vmkernel != "vmotion":
                continue
            for u in netpath.in_use(h, vs, pg):
                nic = h.nics[u]
                if nic.delivers(pg.vlan):
                    best = max(best, float(nic.speed))
    return best


def running_on(sim: Simulation, host: str) -> int:
    """Migrations running now with `host` as their source or destination."""
    return sum(1 for m in sim.migrations.running if host in (m.src, m.dst))


def running_counts(sim: Simulation) -> dict[str, int]:
    """`running_on` of every host with a migration, in one pass (for a pass over them all)."""
    counts: dict[str, int] = {}
    for m in sim.migrations.running:
        counts[m.src] = counts.get(m.src, 0) + 1
        if m.dst != m.src:
            counts[m.dst] = counts.get(m.dst, 0) + 1
    return counts


def share(sim: Simulation, src: Host, dst: Host, *, joining: bool = False,
          counts: dict[str, int] | None = None, speeds: dict[str, float] | None = None) -> float:
    """Bytes/s one migration between `src` and `dst` gets now: the smaller of the two hosts'
    vMotion links, each split evenly among the migrations running on it (and this one, when it
    is `joining` and not running yet). A pass over every migration passes `running_counts` and
    a dict that keeps each host's `vmotion_link` as `speeds` (the same numbers, once each)."""
    extra = 1 if joining else 0
    out = []
    for h in (src, dst):
        if speeds is None:
            link = vmotion_link(h)
        elif h.name in speeds:
            link = speeds[h.name]
        else:
            link = speeds[h.name] = vmotion_link(h)
        n = counts.get(h.name, 0) if counts is not None else running_on(sim, h.name)
        out.append(bandwidth(link, n + extra))
    return min(out)


def progress(c: Copy, now: float) -> None:
    """Add the bytes sent since the last plan: the disks' first (at the rate the datastores
    allow), then the memory at the current rate."""
    copying_since = max(c.since, c.copy_from)
    if now > copying_since:
        dt = now - copying_since
        left = c.disk_bytes - c.sent
        if left > 0.0:
            disk_rate = min(c.rate, c.disk_cap)
            if left >= disk_rate * dt:
                c.sent += disk_rate * dt
                dt = 0.0
            else:
                c.sent = c.disk_bytes
                dt -= left / disk_rate
        if dt > 0.0:
            c.sent += c.rate * dt
    c.since = now


def disk_left_s(c: Copy, now: float) -> float:
    """Seconds of disk copy still ahead of a running copy at `now` (0 once in its memory)."""
    start = max(c.since, c.copy_from)
    left = c.disk_bytes - c.sent
    if left <= 0.0:
        return 0.0
    disk_rate = min(c.rate, c.disk_cap)
    return max(0.0, left / disk_rate - max(0.0, now - start))


def end_of(c: Copy, now: float, plan_bytes: float, last_round: float, device_s: float) -> float:
    """When a copy whose new plan (at `c.rate`) sends `plan_bytes` of memory ends: the disk
    bytes not sent yet, then the memory beyond what was sent (at least the plan's last round),
    then the device state."""
    t = max(now, c.copy_from)
    disk_left = c.disk_bytes - c.sent
    if disk_left > 0.0:
        t += disk_left / min(c.rate, c.disk_cap)
        memory_sent = 0.0
    else:
        memory_sent = c.sent - c.disk_bytes
    remaining = max(plan_bytes - memory_sent, last_round)
    return t + remaining / c.rate + device_s
