"""Provides the event log: frozen records of everything that happened, in sim-time order."""

from __future__ import annotations

from dataclasses import dataclass

SEVERITY: dict[str, str] = {
    # kind -> info | warning | critical; unknown kinds are info.
    "host_failed": "critical",
    "host_isolated": "critical",
    "service_down": "critical",
    "datastore_alert": "critical",
    "datastore_full": "critical",
    "uplink_down": "warning",
    "vlan_cut": "critical",
    "vm_down": "warning",
    "vm_unhealthy": "warning",
    "bad_change": "critical",
    "load_spike": "warning",
    "datastore_warning": "warning",
    "cpu_ready_warning": "warning",
    "host_cpu_high": "warning",
    "alarm_cleared": "info",
    "snapshot_depth": "warning",
    "snapshot_age": "warning",
    "memory_overcommit": "warning",
    "command_rejected": "warning",
    "warning": "warning",
    "objective_failed": "critical",
    "level_lost": "critical",
    "vmotion_failed": "warning",
    "svmotion_failed": "warning",
    "ha_failure_detected": "critical",
    "ha_host_isolated": "warning",
    "ha_restart_started": "info",
    "vm_restarted": "info",
    "ha_restart_failed": "critical",
    "ha_admission_refused": "warning",
    "ha_isolation_response": "warning",
    "ha_primary_elected": "info",
    "drs_pass": "info",
    "drs_recommendation": "info",
    "drs_migration": "info",
}


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One thing that happened: when, what kind, to what, and a human sentence."""

    t: float
    kind: str
    subject: str
    detail: str

    @property
    def severity(self) -> str:
        return SEVERITY.get(self.kind, "info")

    def as_dict(self) -> dict[str, object]:
        return {"t": self.t, "kind": self.kind, "subject": self.subject, "detail": self.detail}


class EventLog:
    """Append-only list of records; renderers read it, only the simulation writes it."""

    def __init__(self) -> None:
        self._records: list[EventRecord] = []

    def add(self, t: float, kind: str, subject: str, detail: str) -> EventRecord:
        rec = EventRecord(round(float(t), 3), kind, subject, detail)
        self._records.append(rec)
        return rec

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self):
        return iter(self._records)

    def since(self, index: int) -> list[EventRecord]:
        """Records appended after the first `index` (for incremental readers)."""
        return self._records[index:]

    def of_kind(self, *kinds: str) -> list[EventRecord]:
        return [r for r in self._records if r.kind in kinds]
