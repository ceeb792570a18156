"""Provides the sandbox generator: a whole datacenter with seeded incidents, from a size and a seed.

The same (size, seed) always gives the same level. Layout: clusters of 8 hosts, two shared VMFS
datastores per cluster, one vSwitch with management, vMotion and one VM port group per service,
and services of ten VMs (fw → lb → web ×4 → app ×2 → db ×2) spread over each cluster's hosts.

The trouble is tuned to bite when ignored (tests/test_sandbox_balance.py, seeds 1–10 of every
size): hosts are consolidated so that the office peak runs them near full and a spiking database
pushes its host into CPU ready; HA and DRS start off, so a failed host's VMs stay down until
someone acts; bad changes are announced 10 minutes ahead, so a snapshot taken before can be
reverted; other tenants fill a datastore over an hour, past the 85 % alarm; the network fails
in the three ways a team's link-status detection misses or makes worse (upstream, a pruned
trunk, a flapping link), each until the player acts with a net command. Idling loses most
seeds; HA with priorities, DRS and a snapshot before each change win most.
"""

from __future__ import annotations

import math
import random
from typing import Any

from vdc.gcpause import gc_paused
from vdc.rng import Streams
from vdc.scenario import schema

SIZES: dict[str, tuple[int, int]] = {
    "small": (8, 100),
    "medium": (16, 400),
    "large": (64, 2000),
    "xlarge": (256, 8000),
    "enterprise": (1024, 32000),
}
"""size name -> (hosts, VMs). Every size above small keeps about 25–31 VMs per host, so the
services (ten VMs each) and the trouble grow with the estate."""

HOSTS_PER_CLUSTER = 8
SANDBOX_DURATION_S = 8 * 3600
CORES: dict[str, int] = {"small": 12, "medium": 20, "large": 24, "xlarge": 24, "enterprise": 24}
"""Cores per host (2,400 MHz each): dense enough that the office peak runs hosts near full."""

# tier name, VMs per service, profile, vCPU, GiB, disk GiB
_TIERS = (
    ("fw", 1, "appliance", 2, 4, 20),
    ("lb", 1, "appliance", 2, 4, 20),
    ("web", 4, "web", 2, 8, 40),
    ("app", 2, "app", 4, 16, 60),
    ("db", 2, "db", 8, 32, 200),
)
VMS_PER_SERVICE = sum(t[1] for t in _TIERS)

_Rows = list[dict[str, Any]]
"""Entries of one array of tables, as plain data for `schema.Level.model_validate`."""


STORAGE = ("vmfs", "vsan")
"""Storage a sandbox can be built on: shared VMFS datastores, or vSAN (HCI) per cluster."""
VSAN_DISKS = [3840.0] * 4
"""Each host's vSAN capacity devices in the vsan sandbox (4 × 3.75 TiB: 120 TiB raw per
cluster of 8, about what the two VMFS datastores give once FTT 1 keeps two copies)."""


def generate(size: str = "small", seed: int = 1, storage: str = "vmfs") -> schema.Level:
    """A sandbox level of `size` (small … enterprise, `SIZES`) built from `seed`, on `storage`."""
    if size not in SIZES:
        raise ValueError(f"unknown sandbox size '{size}' (sizes: {', '.join(SIZES)})")
    if storage not in STORAGE:
        raise ValueError(f"unknown sandbox storage '{storage}' (storage: {', '.join(STORAGE)})")
    n_hosts, n_vms = SIZES[size]
    rng = Streams(seed).py("sandbox")
    n_clusters = max(1, n_hosts // HOSTS_PER_CLUSTER)
    n_services = n_vms // VMS_PER_SERVICE

    clusters, hosts, datastores = _clusters(size, n_clusters)
    vms, services = _services(rng, n_services, n_clusters)
    level: dict[str, Any] = {
        "level": _meta(size, seed, n_hosts, len(vms), n_services),
        "clusters": clusters,
        "hosts": hosts,
        "datastores": datastores,
        "networks": _networks(n_services, n_clusters),
        "vms": vms,
        "services": services,
        "incidents": _split(_incidents(n_clusters)),
        "objectives": _objectives(),
    }
    # After the older trouble: each generator draws from a stream named by its place in the
    # list, so a seed's older trouble stays where it was (vSAN's disk failures come after).
    level["incidents"] += _split(_network_incidents(n_clusters))
    if storage == "vsan":
        _on_vsan(level, n_clusters)
    with gc_paused():  # 32,000 VMs' models at enterprise size
        return schema.Level.model_validate(level)


def _on_vsan(level: dict[str, Any], n_clusters: int) -> None:
    """The same datacenter on vSAN: each cluster's hosts pool their local disks into one vsan
    datastore (FTT 1 RAID-1) instead of two VMFS ones; the vcf licence (vSAN); capacity
    devices fail now and then (far more often than their real 2 %/yr). The pool serves
    8,000 MB/s (1,000 per host): a rebuild's 400 MB/s per busy host competes with the guests
    without saturating it (tests/test_sandbox_vsan_balance.py)."""
    meta = level["level"]
    meta["id"] += "-vsan"
    meta["title"] = meta["title"].replace(")", ", vSAN)")
    meta["briefing"] += " Storage is vSAN: each cluster's hosts pool their local disks."
    meta["edition"] = "vcf"
    meta["concepts"] = [*meta["concepts"], "hci", "vsan"]
    for h in level["hosts"]:
        h["vsan_disks"] = list(VSAN_DISKS)
    level["datastores"] = [
        {"name": f"vsan-{c + 1:02d}", "type": "vsan", "used": 2048, "iops": 120000, "mbps": 8000,
         "hosts": _members(c)}
        for c in range(n_clusters)
    ]
    for vm in level["vms"]:
        for d in vm["disks"]:
            d["datastore"] = "vsan-" + d["datastore"].split("-")[1]
    k = math.sqrt(n_clusters)
    level["incidents"] += _split([{"kind": "disk_failure", "rate_per_hour": round(0.2 * k, 3)}])


def _members(c: int) -> list[str]:
    """The host names of cluster number `c` (0-based)."""
    return [f"esx-{c * HOSTS_PER_CLUSTER + i + 1:02d}" for i in range(HOSTS_PER_CLUSTER)]


def _clusters(size: str, n_clusters: int) -> tuple[_Rows, _Rows, _Rows]:
    """The clusters, their hosts, and two shared VMFS datastores per cluster."""
    clusters: _Rows = []
    hosts: _Rows = []
    datastores: _Rows = []
    for c in range(n_clusters):
        cname = f"cl-{c + 1:02d}"
        members = _members(c)
        # HA and DRS start off: turning them on (with priorities, a threshold) is the player's.
        clusters.append({"name": cname})
        for h in members:
            hosts.append(
                {
                    "name": h,
                    "cluster": cname,
                    "cores": CORES[size],
                    "mhz": 2400,
                    "memory": 256 if size == "small" else 768,
                    "cpu_generation": 3,
                    "nics": [{"name": "vmnic0", "speed": 10000}, {"name": "vmnic1", "speed": 10000}],
                    "power_idle": 180,
                    "power_busy": 520,
                    "cost": 18000,
                }
            )
        for k in range(2):
            datastores.append(
                {
                    "name": f"ds-{c + 1:02d}-{k + 1}",
                    "type": "vmfs",
                    "capacity": 40960,
                    "used": 2048,
                    "iops": 60000,
                    "mbps": 2000,
                    "hosts": members,
                }
            )
    return clusters, hosts, datastores


PORTGROUPS_PER_VSWITCH = 512
"""ESXi's ceiling on port groups per standard vSwitch: past it (over 510 services, the xlarge
and enterprise sizes) each cluster gets a vSwitch of its own services' port groups."""


def _networks(n_services: int, n_clusters: int) -> _Rows:
    """One vSwitch: management, vMotion and one VM port group (and VLAN) per service; or, when
    that would be more than a vSwitch holds, one per cluster with the port groups of the
    services placed in it (so each host carries its cluster's, not every service's)."""

    def portgroups(services: range) -> _Rows:
        return [
            {"name": "Management", "vlan": 10, "vmkernel": "management"},
            {"name": "vMotion", "vlan": 20, "vmkernel": "vmotion"},
        ] + [{"name": f"pg-svc-{s + 1:03d}", "vlan": 100 + s} for s in services]

    if n_services + 2 <= PORTGROUPS_PER_VSWITCH:
        return [{"name": "vSwitch0", "uplinks": ["vmnic0", "vmnic1"], "portgroups": portgroups(range(n_services))}]
    return [
        {"name": f"vSwitch0-cl-{c + 1:02d}", "hosts": _members(c), "uplinks": ["vmnic0", "vmnic1"],
         "portgroups": portgroups(range(c, n_services, n_clusters))}
        for c in range(n_clusters)
    ]


def _services(rng: random.Random, n_services: int, n_clusters: int) -> tuple[_Rows, _Rows]:
    """The VMs and the services they form; the only draws of the sandbox stream, in VM order."""
    vms: _Rows = []
    services: _Rows = []
    for s in range(n_services):
        c = s % n_clusters
        members = _members(c)
        svc = f"svc-{s + 1:03d}"
        tiers = []
        for tier, count, profile, vcpu, mem, disk in _TIERS:
            names = []
            for k in range(count):
                name = f"{svc}-{tier}{k + 1}"
                names.append(name)
                vms.append(
                    {
                        "name": name,
                        # Spread a tier's VMs over different hosts; the offset varies per service.
                        "host": members[(s * 3 + k + rng.randrange(HOSTS_PER_CLUSTER)) % HOSTS_PER_CLUSTER],
                        "vcpu": vcpu,
                        "memory": mem,
                        "nics": [{"portgroup": f"pg-svc-{s + 1:03d}"}],
                        "disks": [{"datastore": f"ds-{c + 1:02d}-{1 + (s + k) % 2}", "size": disk}],
                        "profile": profile,
                        "load": round(rng.uniform(0.6, 1.3), 2),
                    }
                )
            tiers.append({"name": tier, "vms": names})
        services.append({"name": svc, "tiers": tiers})
    return vms, services


def _meta(size: str, seed: int, n_hosts: int, n_vms: int, n_services: int) -> dict[str, Any]:
    """The `[level]` table."""
    return {
        "id": f"sandbox-{size}-{seed}",
        "title": f"Sandbox ({size}, seed {seed})",
        "briefing": (
            f"A generated datacenter: {n_hosts} hosts, {n_vms} VMs in {n_services} services. "
            "Random load spikes, host failures, dead uplinks, filling datastores and bad "
            "changes arrive at seeded times, and network faults a NIC team does not see: a "
            "switch dead beyond a port, a VLAN pruned from a trunk, a flapping link. Keep the "
            "services up."
        ),
        "duration": SANDBOX_DURATION_S,
        "seed": seed,
        "concepts": ["consolidation", "contention", "incidents"],
        "end_on_fail": False,
    }


def _incidents(n_clusters: int) -> _Rows:
    """Trouble grows with the estate, but slower than it: the objectives judge the worst
    service and every VM, so rates scale with √(clusters) (per cluster of 8 hosts)."""
    k = math.sqrt(n_clusters)

    def rate(per_cluster: float) -> float:
        return round(per_cluster * k, 3)

    return [
        # A database or app server's load ×5 for 15 min: its host goes into CPU ready.
        {"kind": "load_spike", "rate_per_hour": rate(1.5), "factor": 5.0, "duration": 900,
         "targets": ["*-db*", "*-app*"]},
        {"kind": "host_failure", "rate_per_hour": rate(0.25), "duration": 1800},
        {"kind": "uplink_down", "rate_per_hour": rate(0.2), "duration": 900},
        # 16 TiB written by another tenant over an hour: past the 75 % and 85 % alarms.
        {"kind": "datastore_fill", "rate_per_hour": rate(0.2), "gib": 16384, "duration": 3600},
        # Announced 10 minutes ahead: a snapshot before it can be reverted after it breaks.
        {"kind": "bad_change", "rate_per_hour": rate(0.3), "duration": 1800, "warning": 600},
    ]


def _network_incidents(n_clusters: int) -> _Rows:
    """Faults a team does not fix by itself, each mended with a net command (docs/levels.md):
    the network beyond a switch port dies with the link up (`--detection beacon`, or pull the
    uplink so link status fails over), a change window prunes a service's VLAN from one switch
    port (`net trunk … add`), a cable or SFP fails and the link flaps (pull it). Rarer than a
    dead uplink, which the team survives on its own."""
    k = math.sqrt(n_clusters)
    return [
        {"kind": "upstream_down", "rate_per_hour": round(0.15 * k, 3), "duration": 1800},
        {"kind": "trunk_prune", "rate_per_hour": round(0.1 * k, 3)},
        {"kind": "uplink_flap", "rate_per_hour": round(0.1 * k, 3), "duration": 1800},
    ]


MAX_RATE = 60.0
"""The schema's ceiling on one incident generator's `rate_per_hour`."""


def _split(incidents: _Rows) -> _Rows:
    """Each generator whose rate is over `MAX_RATE` as several equal ones under it: n Poisson
    streams of rate r/n are one of rate r, so the trouble stays what the estate calls for.
    (At √(clusters) scaling this takes over 1,600 clusters: a guard, not today's sizes.)"""
    out: _Rows = []
    for inc in incidents:
        n = math.ceil(inc["rate_per_hour"] / MAX_RATE)
        out += [inc] if n <= 1 else [dict(inc, rate_per_hour=round(inc["rate_per_hour"] / n, 3))] * n
    return out


def _objectives() -> _Rows:
    return [
        {"id": "uptime", "kind": "service_uptime", "service": "*", "target": 0.99, "worst": 0.9,
         "required": True},
        # Time-weighted: minutes of waiting count, the blip of a vMotion does not.
        {"id": "ready", "kind": "cpu_ready_seconds", "threshold": 10, "target": 300, "worst": 3600},
        {"id": "space", "kind": "datastore_below", "datastore": "*", "target": 85, "when": "always"},
    ]
