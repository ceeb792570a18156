"""Provides what the debrief shows, as plain data read from the headless result object: the
objectives against their targets (`objective_rows`), what happened when (`timeline_entries`,
each event in a category of `TIMELINE_KINDS`), and the series of its charts.

Nothing here draws: `vdc.tui.screens.debrief` lays it out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, SupportsFloat

from vdc.scenario.event_kinds import EVENT_KINDS
from vdc.scenario.event_kinds import label as kind_label
from vdc.session.debrief import fold_events
from vdc.tui.widgets.chart import MAX_SERIES, Series, aggregate

# --------------------------------------------------------------------------- objectives

_UNITS: dict[str, str] = {
    "max_vm_downtime": "s",
    "max_cpu_ready": "%",
    "cpu_ready_seconds": "s",
    "mean_cpu_ready": "%",
    "datastore_below": "%",
    "max_power_kw": "kW",
    "max_rack_units": "U",
}
"""Objective kind -> the unit of its value and target (service_uptime is a fraction, shown
as %; counts and costs have no unit)."""


@dataclass(frozen=True)
class ObjectiveRow:
    """One objective as the debrief shows it."""

    id: str
    met: bool
    description: str
    value: str
    """The measured value with its unit, e.g. `94.7 %`, `0.40 kW`, `95 s`."""
    target: str
    """The target with its comparison, e.g. `≥ 90 %`, `≤ 1.2 kW`."""
    weight: str
    required: bool


def num(x: float, decimals: int = 1) -> str:
    """A number without trailing zeros: 90, 1.2, 20,000."""
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    text = f"{x:.{decimals}f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def _with_unit(x: float, unit: str, decimals: int = 1) -> str:
    text = num(x, decimals)
    return f"{text} {unit}" if unit else text


def format_objective_value(kind: str, value: object, *, target: bool = False) -> str:
    """A value (or target) of an objective in its unit: uptime as %, others with s, %, kW."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if not isinstance(value, SupportsFloat):
        return str(value)
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    if kind == "service_uptime":
        return f"{num(100 * x, 1 if target else 2)} %"
    if kind == "max_power_kw":
        return _with_unit(x, "kW", 2)
    return _with_unit(x, _UNITS.get(kind, ""), 1)


def _comparison(kind: str) -> str:
    if kind == "service_uptime":
        return "≥"
    if kind == "host_state_by":
        return "="
    if kind == "config":
        return ""  # its target says it in words: "on", "≥ high", "patched, on"
    return "≤"


def objective_rows(report: Mapping[str, Any]) -> list[ObjectiveRow]:
    """The report's objectives, in order, ready to show."""
    rows = []
    for o in report.get("objectives") or []:
        kind = str(o.get("kind", ""))
        weight = o.get("weight", 1)
        rows.append(
            ObjectiveRow(
                id=str(o.get("id", "")),
                met=bool(o.get("met")),
                description=str(o.get("description", "")),
                value=format_objective_value(kind, o.get("value")),
                target=f"{_comparison(kind)} {format_objective_value(kind, o.get('target'), target=True)}".strip(),
                weight=num(float(weight)) if isinstance(weight, int | float) else str(weight),
                required=bool(o.get("required")),
            )
        )
    return rows


# --------------------------------------------------------------------------- timeline

_RECOVERIES = frozenset(
    {
        "service_up", "host_on", "host_connected", "bad_change_fixed", "load_spike_end",
        "uplink_up", "alarm_cleared",
    }
)
"""Kinds that end trouble (all "info" in the catalogue, which has no such notion)."""
_SPECIAL: dict[str, str] = {
    "command": "command",
    "command_rejected": "rejected",
    "host_recovering": "progress",
    "level_end": "end",
}
"""Kinds with a category of their own."""
TIMELINE_KINDS: dict[str, tuple[str, str, str]] = {
    # category -> (symbol, legend word, tone)
    "command": ("▶", "your command", "primary"),
    "rejected": ("⊘", "refused", "warning"),
    "critical": ("✖", "incident", "error"),
    "warning": ("▲", "warning", "warning"),
    "recovery": ("✔", "recovered", "success"),
    "progress": ("◐", "in progress", "primary"),
    "end": ("■", "end", "accent"),
    "move": ("⇄", "migration", "primary"),
    "info": ("·", "note", "foreground-muted"),
}
"""How each category of event is marked on the timeline (symbol and word, then tone)."""

_KIND_WORDS: dict[str, str] = {
    "command": "you",
    "command_rejected": "refused",
    "bad_change_fixed": "change fixed",
    "load_spike_end": "spike over",
    "level_end": "end",
    "host_on": "host up",
    "warning": "heads-up",
}


def event_category(kind: str) -> str:
    """The timeline category of an event kind (see `TIMELINE_KINDS`): the player's commands,
    progress and the end have their own; recoveries are marked as such; every other kind by
    its severity in the catalogue (`vdc.scenario.event_kinds`): critical, warning or info."""
    if kind in _SPECIAL:
        return _SPECIAL[kind]
    if kind in _RECOVERIES:
        return "recovery"
    entry = EVENT_KINDS.get(kind)
    severity = entry.severity if entry is not None else "info"
    return severity if severity in ("critical", "warning") else "info"


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the timeline."""

    t: float
    category: str
    """A key of `TIMELINE_KINDS`."""
    title: str
    """The kind in words (`host failed`), or the command for the player's own entries."""
    detail: str


def timeline_entries(report: Mapping[str, Any]) -> list[TimelineEntry]:
    """The report's events in time order, refused commands with the text the player typed;
    every kind in words, a migration on one line with its duration (queued, started and done
    folded), a moment's DRS recommendations on one line, DRS pass summaries left off — so the
    incidents stand out."""
    rejected: dict[float, list[dict[str, Any]]] = {}
    for r in (report.get("commands") or {}).get("rejected") or []:
        rejected.setdefault(round(float(r.get("t", 0.0)), 3), []).append(r)
    events = sorted(report.get("events") or [], key=lambda e: float(e.get("t", 0.0)))
    out = []
    for t, kind, subject, detail, title in fold_events(events):
        category = "move" if kind == "move" else event_category(kind)
        if title:
            pass
        elif category == "command":
            title = subject
        elif category == "rejected":
            same = rejected.get(round(t, 3)) or []
            typed = same.pop(0).get("text") if same else None
            title = str(typed or subject)
        else:
            title = _KIND_WORDS.get(kind) or kind_label(kind)
        out.append(TimelineEntry(t, category, title, detail))
    # The player's command before what it caused at the same moment (the log writes it after).
    return sorted(out, key=lambda e: (e.t, e.category not in ("command", "rejected")))


# --------------------------------------------------------------------------- charts


def named(series: Mapping[str, Sequence[float]], prefix: str) -> list[tuple[str, Sequence[float]]]:
    return [(k[len(prefix):], v) for k, v in series.items() if k.startswith(prefix)]


def _chart_series(
    items: list[tuple[str, Sequence[float]]],
    *,
    scale: float,
    many: tuple[tuple[str, str], ...],
) -> list[Series]:
    """One series per item while they can be told apart; otherwise the `many` aggregates."""
    if len(items) <= MAX_SERIES:
        return [Series(n, tuple(float(x) * scale for x in v)) for n, v in items]
    columns = [v for _, v in items]
    return [aggregate(label, columns, how, scale=scale) for how, label in many]


def service_series(series: Mapping[str, Sequence[float]]) -> list[Series]:
    """Each service's up-ness in % (100 = up at that minute); mean and worst when many."""
    items = named(series, "service_up:")
    return _chart_series(
        items, scale=100.0,
        many=(("mean", f"all {len(items)} services (mean)"), ("min", "worst service")),
    )


def host_series(series: Mapping[str, Sequence[float]]) -> list[Series]:
    """CPU % per host; the busiest host and the mean when many."""
    items = named(series, "host_cpu:")
    return _chart_series(
        items, scale=1.0, many=(("max", "busiest host"), ("mean", f"mean of {len(items)} hosts"))
    )


def datastore_series(series: Mapping[str, Sequence[float]]) -> list[Series]:
    """Fill % per datastore; the fullest and the mean when many."""
    items = named(series, "ds_pct:")
    return _chart_series(
        items, scale=1.0,
        many=(("max", "fullest datastore"), ("mean", f"mean of {len(items)} datastores")),
    )
