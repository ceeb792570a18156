"""Provides the shared vMotion links: a host's vMotion link, each running migration's fair share
of its hosts' links, and the byte bookkeeping that re-plans a copy when its share changes.

A host's vMotion link (its fastest up uplink carrying the vMotion port group) carries
min(link × 0.94, 15 Gbit/s) (`bandwidth`), shared max-min fairly (water-filling, `fill`) by the
migrations running on that host: each gets an equal share of every link it crosses, except
that one held back elsewhere — by its other host's busier or slower link, or by the datastores
of a shared-nothing vMotion's disk copy — uses only what it can, and the rest of the link goes
to the others (design/sim-facts.md §5: "B … shared among concurrent migrations on that NIC").
Progress is kept in bytes sent: when a migration's share changes (one starts or ends beside
it, or a datastore-held disk copy ends and lets go of the link), the bytes it sent at the old
rate since its last plan are added up, the pre-copy model is run again at the new rate for the
whole VM (`vmotion.rebalance`), and what that plan sends beyond the bytes already sent — at
least its last round, sent during the switchover — is the remaining copy. So four migrations
started together each take about four times as long as one alone, and a link is never used
more than once over.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from vdc.sim import netpath

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation
    from vdc.sim.model import Host

INF = float("inf")
DISK_DONE_S = 1e-6
"""A disk copy with less than this many seconds left counts as done (float noise)."""
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


def running_counts(sim: Simulation) -> dict[str, int]:
    """`running_on` of every host with a migration, in one pass (for a pass over them all)."""
    counts: dict[str, int] = {}
    for m in sim.migrations.running:
        counts[m.src] = counts.get(m.src, 0) + 1
        if m.dst != m.src:
            counts[m.dst] = counts.get(m.dst, 0) + 1
    return counts


def fill(pairs: list[tuple[str, str]], limits: list[float],
         capacity: dict[str, float]) -> tuple[list[float], list[bool]]:
    """Max-min fair rates (progressive filling) of flows between host `pairs` over the hosts'
    link `capacity` (bytes/s), each flow using at most its `limits` entry: raise every flow's
    rate together; a flow that reaches its limit stops there, and every flow on a host whose
    link is full stops at that level; the others go on with what is left. Returns the rates
    and which flows their limit stopped. With no limit reached, the flows on the busiest
    link get exactly capacity / n (as an equal split does)."""
    n = len(pairs)
    rate = [0.0] * n
    by_limit = [False] * n
    left = dict(capacity)
    todo = list(range(n))
    while todo:
        count: dict[str, int] = {}
        for i in todo:
            for h in pairs[i]:
                count[h] = count.get(h, 0) + 1
        levels = {h: max(0.0, left[h]) / k for h, k in count.items()}
        level = min(levels.values())
        stopped = [i for i in todo if limits[i] <= level]
        if stopped:  # their limit first: what they leave is shared by the rest
            for i in stopped:
                rate[i], by_limit[i] = limits[i], True
        else:
            full = [h for h, v in levels.items() if v == level]
            stopped = [i for i in todo if pairs[i][0] in full or pairs[i][1] in full]
            for i in stopped:
                rate[i] = level
        for i in stopped:
            for h in pairs[i]:
                left[h] -= rate[i]
        done = [False] * n
        for i in stopped:
            done[i] = True
        todo = [i for i in todo if not done[i]]
    return rate, by_limit


def limit(c: Copy, now: float) -> float:
    """Bytes/s a running copy can use now: its datastores' while it still copies disks, else
    no limit but the links."""
    if c.disk_bytes > 0.0 and c.disk_cap < INF and disk_left_s(c, now) > DISK_DONE_S:
        return c.disk_cap
    return INF


def capacities(sim: Simulation, pairs: list[tuple[str, str]],
               speeds: dict[str, float] | None = None) -> dict[str, float]:
    """Bytes/s each host of `pairs` carries for vMotion (`bandwidth` of its `vmotion_link`)."""
    speeds = {} if speeds is None else speeds
    out: dict[str, float] = {}
    for pair in pairs:
        for h in pair:
            if h not in out:
                if h not in speeds:
                    speeds[h] = vmotion_link(sim.inv.hosts[h])
                out[h] = bandwidth(speeds[h])
    return out


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


def rates(sim: Simulation, copies: Sequence[Copy], pairs: list[tuple[str, str]],
          joining: tuple[str, str] | None = None, speeds: dict[str, float] | None = None) -> list[float]:
    """The rate of each copy between its host `pairs` (and last of one `joining` them): its
    max-min fair share of the links (`fill`), the others held to what they can use now
    (`limit`), itself with no datastore limit — so its disk copy runs at min(rate, disk_cap)
    and its memory at the rate, once its disks are done and the link is all its share."""
    now = sim.now
    limits = [limit(c, now) for c in copies]
    if joining is not None:
        pairs, limits = [*pairs, joining], [*limits, INF]
    cap = capacities(sim, pairs, speeds)
    out, by_limit = fill(pairs, limits, cap)
    for i, held in enumerate(by_limit):
        if held:  # what it would get with no limit of its own, the others as they are
            out[i] = fill(pairs, limits[:i] + [INF] + limits[i + 1:], cap)[0][i]
    return out


def disks_done_at(c: Copy) -> float:
    """When a copy's disks are all sent, at its disk rate now (its copy start if none are left)."""
    start = max(c.since, c.copy_from)
    left = c.disk_bytes - c.sent
    return start + left / min(c.rate, c.disk_cap) if left > 0.0 else start


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
