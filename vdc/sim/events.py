"""Provides the event log: frozen records of everything that happened, in sim-time order."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from vdc.scenario.event_kinds import EVENT_KINDS
from vdc.scenario.event_kinds import severity as kind_severity

SEVERITY: Mapping[str, str] = MappingProxyType({k: e.severity for k, e in EVENT_KINDS.items()})
"""kind -> info | warning | critical, from the catalogue (`vdc.scenario.event_kinds`)."""


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One thing that happened: when, what kind, to what, and a human sentence."""

    t: float
    kind: str
    subject: str
    detail: str

    @property
    def severity(self) -> str:
        return kind_severity(self.kind)

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
