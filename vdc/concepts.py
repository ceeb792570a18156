"""Provides the concepts the levels teach: an id, a title and a short plain explanation.

Levels list concept ids in `[level] concepts`; F1 in the game shows these texts. Keep each to a
few sentences a newcomer can read in the middle of an incident.
"""

from __future__ import annotations

CONCEPTS: dict[str, tuple[str, str]] = {
    "hypervisor": (
        "Hypervisor",
        "A hypervisor (ESXi, KVM) runs on a physical host and carves its CPU cores, memory, "
        "disks and NICs into virtual machines. Each VM runs its own guest operating system and "
        "believes it has a computer of its own.",
    ),
    "consolidation": (
        "Consolidation",
        "Most servers sit idle most of the time. Running many lightly used VMs on a few hosts "
        "saves hardware, rack space and power — as long as their peaks do not coincide. A host "
        "you do not need can be powered off (`host power off HOST`) once it runs no VMs.",
    ),
    "reservations": (
        "Reservations",
        "A memory or CPU reservation is a promise: the host must be able to give the VM that "
        "much at any time. A VM is refused power-on where its reservation cannot be kept — the "
        "refusal says how much is left. Start it on a host with room: `power on VM HOST`.",
    ),
    "contention": (
        "CPU contention and CPU ready",
        "When the VMs on a host want more CPU than its cores have, each gets a share and its "
        "vCPUs wait: that wait is CPU ready (%RDY). Under 5 % per vCPU is fine, over 10 % hurts. "
        "Spread busy VMs over hosts, or give a capped VM more vCPUs if the host has room.",
    ),
    "overcommit": (
        "Memory overcommit",
        "Hosts may promise VMs more memory than they have. While the VMs' active memory fits, "
        "nobody notices; beyond it the host reclaims memory and VMs slow down and wait on swap.",
    ),
    "storage": (
        "Datastores",
        "VM disks are files on datastores. Thin disks grow as the guest writes; a datastore "
        "over 85 % full is an alert, and a full one stops every VM that needs new blocks there. "
        "A busy datastore answers slowly: latency climbs steeply as it nears its IOPS limit.",
    ),
    "vlans": (
        "VLANs and uplinks",
        "VM NICs plug into port groups on a virtual switch; each port group carries one VLAN. "
        "The host's uplinks connect to the physical switch, whose trunk must allow that VLAN. "
        "A VLAN missing from the trunk, or the last uplink going down, cuts the VMs off.",
    ),
    "incidents": (
        "Incidents",
        "Trouble arrives on its own: load spikes, failing hosts, dead uplinks, a datastore "
        "another team fills, a bad change. Read the alarms, find what the service needs, act.",
    ),
    "services": (
        "Services",
        "A service is a chain of tiers (fw → lb → web → db). A tier is up while one of its VMs "
        "is healthy; the service is up only while every tier is. Redundant VMs in a tier buy "
        "time when one fails.",
    ),
}


def describe(concept_id: str) -> tuple[str, str]:
    """Title and text of a concept; an unknown id gets its own name and a plain note."""
    return CONCEPTS.get(concept_id, (concept_id.replace("-", " ").capitalize(), "No notes yet."))
