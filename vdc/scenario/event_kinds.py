"""Provides the catalogue of event kinds: every kind of record the simulation writes to its log.

Each kind has a severity (how the log and the debrief colour it), whether the game raises a
toast for it, a one-line meaning for players and level authors, and a label: the few words the
game's event log and toasts show for it ("refused", "vMotion queued"; by default the name with
spaces). Saves, `vdc run --json` and levels use the names. Levels name kinds in
`level.pause_on` and in event hints; the loader rejects a kind that is not here, so a typo
cannot silently never fire. The list is exact: tests prove that the simulation emits no kind
missing here and that every kind here is written somewhere in `vdc/sim`. docs/levels.md shows
this table (`markdown_table()`), and a test keeps the two the same.

This module is part of the level format layer: it imports nothing from the simulation, the
session or the TUI.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

Severity = Literal["info", "warning", "critical"]


@dataclass(frozen=True, slots=True)
class EventKindEntry:
    """One kind of event-log record."""

    name: str
    severity: Severity
    toast: bool
    """The game raises a toast (a pop-up notice) when a record of this kind is logged."""
    meaning: str
    """What it means, in one line a player or trainer understands."""
    label: str = ""
    """The kind in a few words, as the event log and toasts show it."""


def _k(
    name: str, severity: Severity, meaning: str, *, toast: bool = False, label: str = ""
) -> EventKindEntry:
    return EventKindEntry(name, severity, toast, meaning, label or name.replace("_", " "))


_ENTRIES: tuple[EventKindEntry, ...] = (
    # The level's script and its end.
    _k("message", "info", "The level tells the player something (a scripted message).", toast=True),
    _k("warning", "warning", "Advance warning that a scripted event or incident is coming.",
       toast=True),
    _k("load_spike", "warning", "Demand on some VMs jumps by a factor (a rush, a batch job)."),
    _k("load_spike_end", "info", "A load spike is over; demand is back to normal.", label="spike over"),
    _k("profile_change", "info", "Some VMs' workload changes to another profile."),
    _k("datastore_fill", "warning", "Another tenant writes data to a datastore, taking its space."),
    _k("bad_change", "critical",
       "A bad change broke a VM's application: the VM runs but serves nothing.", toast=True),
    _k("guest_hang", "critical",
       "A VM's guest OS hung: it stays on and serves nothing until it boots again.", toast=True,
       label="guest hung"),
    _k("ha_vm_reset", "warning",
       "HA VM monitoring reset a VM whose Tools heartbeats stopped.", toast=True, label="HA VM reset"),
    _k("bad_change_fixed", "info", "A bad change was rolled back; the VM's application works.", label="change fixed"),
    _k("bad_change_undone", "info",
       "Reverting a VM to a snapshot from before a bad change made its application work again."),
    _k("objective_failed", "critical",
       "A required objective can no longer be met: the level is lost.", toast=True),
    _k("level_end", "info",
       "The level is over: its time is up or a required objective failed.", toast=True),
    # Services.
    _k("service_down", "critical", "A service is down: one of its tiers has no healthy VM.",
       toast=True),
    _k("service_up", "info", "A service is up again."),
    # Hosts.
    _k("host_failed", "critical", "A host crashed; the VMs it ran went down with it.", toast=True),
    _k("host_recovering", "info", "A failed host comes back by itself and is booting."),
    _k("host_rebooting", "info", "A host is rebooting (the `host reboot` command)."),
    _k("host_on", "info", "A host has booted and can run VMs.", label="host up"),
    _k("host_isolated", "critical",
       "A host lost its management network; its VMs are cut off from the others.", toast=True),
    _k("host_connected", "info", "An isolated host is reachable again."),
    _k("host_cpu_high", "warning", "Alarm: a host's CPU demand reached 90 % of its capacity.", label="host CPU high"),
    # VMs.
    _k("cpu_ready_warning", "warning",
       "Alarm: a VM's CPU ready reached 5 % per vCPU (its vCPUs wait for cores); the detail says why.",
       label="CPU ready"),
    _k("vm_unhealthy", "warning",
       "A running VM stopped serving well enough; the detail says why (ready, saturation, network…).",
       label="VM unhealthy"),
    _k("memory_overcommit", "warning",
       "A host's running VMs are configured with more memory than the host has."),
    _k("memory_state_changed", "info",
       "A host's memory state changed (high, clear, soft, hard, low: free memory against minFree)."),
    _k("balloon", "warning",
       "A host inflates balloons in its VMs' guests (Tools) to take back memory; they page a little."),
    _k("host_swapping", "critical",
       "A host swaps VM memory to .vswp files: the swapped guests slow down a lot.", toast=True),
    _k("maintenance_entering", "info",
       "A host is entering maintenance mode; it waits until its running VMs have moved off."),
    _k("maintenance_entered", "info",
       "A host is in maintenance mode: it runs no VMs and may be serviced.", toast=True),
    _k("maintenance_exited", "info", "A host left maintenance mode and can run VMs again."),
    # Network.
    _k("uplink_down", "warning", "A physical network port (uplink) of a host lost its link."),
    _k("uplink_up", "info", "A host's uplink has its link back."),
    _k("upstream_down", "warning",
       "The network beyond a host uplink's switch port failed; the link stays up, so link-status "
       "detection does not see it."),
    _k("upstream_up", "info", "The network beyond a host uplink's switch port works again."),
    _k("traffic_lost", "critical",
       "A NIC team keeps sending on an uplink whose traffic is lost upstream: the VMs pinned to "
       "it are cut off until the team notices (beacon probing) or the player acts.",
       toast=True, label="Traffic lost"),
    _k("trunk_prune", "critical",
       "A VLAN was removed from a host's physical switch ports (a change-window mistake): VMs on "
       "it that send over those uplinks are cut off.", toast=True, label="VLAN pruned"),
    _k("uplink_flap", "warning",
       "A host uplink starts flapping: its link goes down for 5 s every 30 s, and its team fails "
       "over and back each time; pulling it (`net uplink HOST UPLINK down`) stops it.",
       toast=True, label="uplink flapping"),
    _k("uplink_flap_end", "info", "A flapping uplink is stable again (its link stays up)."),
    _k("team_failover", "warning",
       "A host's NIC team stopped using a failed uplink; a standby or the other active uplinks "
       "carry its traffic."),
    _k("team_failback", "info", "A repaired uplink is back in its host's NIC team."),
    _k("vlan_cut", "critical",
       "No working uplink of a host carries the VLAN that some of its running VMs need.",
       toast=True, label="VLAN cut"),
    # Storage and snapshots.
    _k("datastore_warning", "warning", "Alarm: a datastore is 75 % full."),
    _k("datastore_alert", "critical", "Alarm: a datastore is 85 % full.", toast=True),
    _k("datastore_full", "critical",
       "Alarm: a datastore is full; VMs whose thin disks or snapshots grow there pause.", toast=True),
    _k("snapshot_depth", "warning", "Alarm: a VM has a chain of more than 3 snapshots."),
    _k("snapshot_age", "warning", "Alarm: a VM's oldest snapshot is more than 72 h old."),
    _k("snapshot_deleted", "info",
       "Snapshots of a VM were merged into its disks (consolidated), freeing space."),
    _k("alarm_cleared", "info", "A datastore, host CPU, CPU ready or snapshot alarm is back to normal."),
    # Storage paths (any datastore).
    _k("datastore_apd", "critical",
       "A host lost all paths to a datastore (APD): the I/O of its VMs there hangs.",
       toast=True, label="all paths down"),
    _k("datastore_apd_timeout", "warning",
       "After 140 s of APD the host declares the datastore unreachable (VMCP's delay starts).",
       label="APD timeout"),
    _k("datastore_paths_restored", "info", "A host sees a datastore again after an APD; I/O resumes.",
       label="paths restored"),
    _k("datastore_pdl", "critical",
       "A datastore is permanently lost on a host (PDL): the VMs running there on it fail at once.",
       toast=True, label="device lost"),
    _k("vmcp_restart", "warning",
       "HA's VM Component Protection restarts VMs whose datastore was lost (or says why it cannot).",
       label="VMCP"),
    # vSAN.
    _k("vsan_components_absent", "warning",
       "A vSAN host went away: its components are absent, rebuilt elsewhere after 60 min unless it returns.",
       toast=True, label="vSAN components absent"),
    _k("vsan_device_failed", "critical",
       "A vSAN capacity device failed: its components are degraded and rebuilt at once.",
       toast=True, label="vSAN device failed"),
    _k("vsan_rebuild_started", "info", "A vSAN component is being rebuilt on another host.",
       label="vSAN rebuild"),
    _k("vsan_rebuild_done", "info", "A rebuilt vSAN component is in sync: the object is protected again.",
       label="vSAN rebuilt"),
    _k("vsan_rebuild_blocked", "warning",
       "A vSAN component cannot be rebuilt: no spare host without a copy, or no free space for it.",
       toast=True, label="vSAN cannot rebuild"),
    _k("vsan_resync_started", "info",
       "A vSAN host is back: its components resync the writes they missed.", label="vSAN resync"),
    _k("vsan_resync_done", "info",
       "The vSAN components are in sync again (after a host's return or a policy change).",
       label="vSAN in sync"),
    _k("vsan_object_inaccessible", "critical",
       "More of a VM's vSAN components failed than its policy tolerates: its data is "
       "inaccessible and the VM stops (data loss).", toast=True, label="vSAN data inaccessible"),
    _k("vsan_object_accessible", "info",
       "A VM's vSAN data is accessible again (enough components came back).", label="vSAN data back"),
    # Guests.
    _k("tools_installed", "info", "Tools were installed in a VM; they start when its guest reboots."),
    # Provisioning.
    _k("os_installed", "info", "A guest OS was installed in a new VM; it reboots into it and then serves.",
       toast=True, label="OS installed"),
    _k("os_install_failed", "warning", "A guest OS install failed: the VM went down during it.",
       toast=True, label="OS install failed"),
    _k("conversion_started", "info", "A physical server is being converted to a VM: its disk is copied while it serves.",
       label="P2V started"),
    _k("conversion_cutover", "warning",
       "A P2V cutover began: the server's application stopped for the final sync; its service waits for the VM.",
       label="P2V cutover"),
    _k("conversion_completed", "info", "A converted server runs as a VM now; the old server can be powered off.",
       toast=True, label="P2V done"),
    _k("conversion_failed", "warning", "A P2V conversion failed; the server keeps (or resumes) serving.",
       toast=True, label="P2V failed"),
    # The player's commands.
    _k("command", "info", "The player's command was accepted.", label="you"),
    _k("command_rejected", "warning", "The player's command was refused (the reason follows).", label="refused"),
    # vMotion and Storage vMotion.
    _k("vmotion_queued", "info", "A vMotion waits for a free migration slot.", label="vMotion queued"),
    _k("vmotion_started", "info", "A vMotion started copying a running VM's memory.", label="vMotion started"),
    _k("vmotion_completed", "info", "A running VM now runs on its new host.", toast=True, label="vMotion done"),
    _k("vmotion_failed", "warning", "A vMotion failed; the VM stays where it was.", toast=True, label="vMotion failed"),
    _k("vmotion_cancelled", "info", "The player cancelled a vMotion; the VM stays where it was.",
       toast=True, label="vMotion cancelled"),
    _k("svmotion_started", "info", "A Storage vMotion started copying a VM's disks.", label="Storage vMotion started"),
    _k("svmotion_completed", "info", "A VM's disks are now on their new datastore.", toast=True, label="Storage vMotion done"),
    _k("svmotion_failed", "warning",
       "A Storage vMotion failed; the disks stay where they were.", toast=True, label="Storage vMotion failed"),
    _k("svmotion_cancelled", "info",
       "The player cancelled a Storage vMotion; the disks stay where they were.", toast=True,
       label="svMotion cancelled"),
    _k("task_cancelled", "info", "The player cancelled a task (a Tools install)."),
    # vSphere HA.
    _k("ha_primary_elected", "info", "The HA agents of a cluster elected a new primary host.", label="HA primary elected"),
    _k("ha_failure_detected", "critical",
       "HA declared a host dead and will restart its VMs on the other hosts.", label="HA failure detected"),
    _k("ha_host_isolated", "warning",
       "HA noticed a host cut off from the management network (its isolation response follows).", label="HA host isolated"),
    _k("ha_isolation_response", "warning",
       "An isolated host powers off or shuts down its VMs so HA can restart them elsewhere.", label="HA isolation response"),
    _k("ha_restart_started", "info", "HA is restarting a VM on another host.", label="HA restarting"),
    _k("vm_restarted", "info", "A VM is running again after an HA restart.", label="VM restarted"),
    _k("ha_restart_failed", "critical", "HA could not restart a VM (no host can take it).", label="HA restart failed"),
    _k("ha_admission_refused", "warning",
       "HA admission control refused a command that would eat the failover capacity.", label="HA admission refused"),
    # DRS.
    _k("drs_pass", "info", "DRS looked at a cluster's balance (what it found follows).", label="DRS pass"),
    _k("drs_recommendation", "info", "DRS recommends moving a VM (apply it with `drs apply`).", label="DRS recommends"),
    _k("drs_migration", "info",
       "DRS (or an applied recommendation) moves a VM, or says why it could not.", label="DRS move"),
)

EVENT_KINDS: Mapping[str, EventKindEntry] = MappingProxyType({e.name: e for e in _ENTRIES})
"""Every event kind the simulation logs, by name, in the order of the docs table."""


def label(kind: str) -> str:
    """The kind in a few words for players (the name with spaces for a kind not catalogued)."""
    entry = EVENT_KINDS.get(kind)
    return entry.label if entry is not None else kind.replace("_", " ")


def severity(kind: str) -> Severity:
    """The severity of records of `kind`: info for a kind not in the catalogue."""
    entry = EVENT_KINDS.get(kind)
    return entry.severity if entry is not None else "info"


def unknown_kind(kind: str) -> str:
    """The sentence for a kind that is not in the catalogue, with a did-you-mean."""
    close = difflib.get_close_matches(kind, list(EVENT_KINDS), n=1)
    if close:
        return f"unknown event kind '{kind}' (did you mean '{close[0]}'?)"
    return f"unknown event kind '{kind}' (the event kinds are listed in docs/levels.md)"


def markdown_table() -> str:
    """The catalogue as the Markdown table in docs/levels.md."""
    rows = ["| kind | severity | toast | meaning |", "|---|---|---|---|"]
    for e in EVENT_KINDS.values():
        rows.append(f"| `{e.name}` | {e.severity} | {'yes' if e.toast else ''} | {e.meaning} |")
    return "\n".join(rows) + "\n"
