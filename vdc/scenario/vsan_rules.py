"""Provides the vSAN storage-policy rules: what a policy costs in raw space and needs in hosts.

The ground floor of vSAN (design/sim-facts.md §13): the level loader refuses a vSAN datastore
whose default policy its hosts cannot satisfy, and `vm policy` refuses a policy the same way,
with the same words. What happens to the components is `vdc.sim.vsan`.

- RAID-1 (mirroring) with FTT n keeps n + 1 full replicas and n witnesses, one per host:
  2n + 1 hosts; 100 GiB takes (n + 1) × 100 GiB.
- RAID-5 (erasure coding 3 + 1) tolerates 1 failure: 4 components on 4 hosts, 1.33×.
- RAID-6 (4 + 2) tolerates 2 failures: 6 components on 6 hosts, 1.5×.
"""

from __future__ import annotations

RAID_LEVELS = ("raid1", "raid5", "raid6")
MAX_FTT = 3
DEFAULT_FTT = 1
DEFAULT_RAID = "raid1"


def policy_name(ftt: int, raid: str) -> str:
    """"FTT 1 RAID-1" — how a policy reads in messages."""
    return f"FTT {ftt} {raid.upper().replace('RAID', 'RAID-')}"


def policy_error(ftt: int, raid: str) -> str | None:
    """Why (ftt, raid) is not a policy (None when it is)."""
    if raid not in RAID_LEVELS:
        return f"unknown RAID level '{raid}' (raid1, raid5 or raid6)"
    if not 0 <= ftt <= MAX_FTT:
        return f"FTT {ftt} is out of range (0 to {MAX_FTT})"
    if raid == "raid5" and ftt != 1:
        return f"RAID-5 tolerates exactly 1 failure, not FTT {ftt} (use raid1 or raid6)"
    if raid == "raid6" and ftt != 2:
        return f"RAID-6 tolerates exactly 2 failures, not FTT {ftt} (use raid1 or raid5)"
    return None


def component_weights(ftt: int, raid: str) -> tuple[float, ...]:
    """Raw GiB per GiB of data of each component, one component per host: RAID-1 replicas
    weigh 1 and witnesses 0; RAID-5's four weigh 1/3 each, RAID-6's six 1/4 each."""
    if raid == "raid5":
        return (1 / 3,) * 4
    if raid == "raid6":
        return (0.25,) * 6
    return (1.0,) * (ftt + 1) + (0.0,) * ftt


def factor(ftt: int, raid: str) -> float:
    """Raw space per GiB of data: RAID-1 FTT n takes n + 1, RAID-5 4/3, RAID-6 1.5."""
    return float(sum(component_weights(ftt, raid)))


def hosts_needed(ftt: int, raid: str) -> int:
    """Hosts a policy needs: one per component (RAID-1 2n + 1, RAID-5 4, RAID-6 6)."""
    return len(component_weights(ftt, raid))


def shortage(ftt: int, raid: str, hosts: int) -> str | None:
    """Why `hosts` contributing hosts cannot hold the policy (None when they can)."""
    need = hosts_needed(ftt, raid)
    if hosts >= need:
        return None
    why = {"raid1": f"{ftt + 1} copies and {ftt} witness(es), each on its own host",
           "raid5": "3 data + 1 parity components on separate hosts",
           "raid6": "4 data + 2 parity components on separate hosts"}[raid]
    return f"{policy_name(ftt, raid)} needs {need} hosts ({why}); only {hosts} contribute capacity"


def devices(capacity: float | None, disks: dict[str, list[float]]) -> dict[str, list[float]]:
    """Each host's capacity devices (GiB) of a vsan datastore: its `vsan_disks`, or, when no
    host of the datastore has any (a level written before vSAN was modelled), `capacity`
    spread evenly over its hosts, one device each."""
    if any(disks.values()) or not disks:
        return {h: list(d) for h, d in disks.items()}
    share = float(capacity or 0.0) / len(disks)
    return {h: [share] for h in disks}
