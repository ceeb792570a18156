"""Provides `AlarmsPanel`: the alarms active right now, derived from a snapshot, worst first.

Alarms are a *state*, not a history (that is the event log): each `show(view)` recomputes
them from the view — failed or isolated hosts, services down, datastores filling, VLANs not
carried, uplinks down, hosts short of CPU, VMs waiting for CPU — so an alarm disappears as
soon as its cause does.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from vdc.sim.snapshots import chain as snapshots
from vdc.sim.view import SimView
from vdc.tui.format import HEALTH, SEVERITY
from vdc.tui.widgets.panel import Panel

HOST_CPU_HIGH_PCT = 90.0
"""Host CPU demand (% of capacity) from which a host is short of CPU."""

DATASTORE_WARN_PCT = 75.0
DATASTORE_ALERT_PCT = 85.0

VM_READY_PCT = 10.0
"""CPU ready (% per vCPU) from which a VM is listed."""

MAX_VM_LINES = 8
"""VMs with high ready listed one by one; beyond this the rest are counted on one line."""

_SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}


def active_alarms(view: SimView) -> list[tuple[str, str]]:
    """Every alarm the view warrants as (severity, text), critical first.

    Within a severity the order is hosts, services, datastores, network, then VMs (worst
    first), so the list reads from cause to effect and does not jump between ticks.
    """
    out: list[tuple[int, int, str, str]] = []  # (severity rank, group, severity, text)

    def add(severity: str, group: int, text: str) -> None:
        out.append((_SEVERITY_ORDER[severity], group, severity, text))

    for h in view.hosts:
        if h.state == "failed":
            add("critical", 0, f"host {h.name} failed")
        elif h.state == "isolated":
            add("critical", 0, f"host {h.name} isolated (management network lost)")
        if h.state in ("on", "isolated", "maintenance") and h.cpu_demand_pct >= HOST_CPU_HIGH_PCT:
            add("warning", 0, f"host {h.name} CPU demand {h.cpu_demand_pct:.0f}%")
    for svc in view.services:
        if not svc.up:
            down = [t.name for t in svc.tiers if not t.up]
            why = f": tier {', '.join(down)} down" if down else ""
            add("critical", 1, f"service {svc.name} down{why}")
    for ds in view.datastores:
        if ds.pct >= 100.0 - 1e-9:
            add("critical", 2, f"datastore {ds.name} FULL: VMs writing to it are paused")
        elif ds.pct >= DATASTORE_ALERT_PCT:
            add("critical", 2, f"datastore {ds.name} {ds.pct:.0f}% full")
        elif ds.pct >= DATASTORE_WARN_PCT:
            add("warning", 2, f"datastore {ds.name} {ds.pct:.0f}% full")
    for h in view.hosts:
        if h.state in ("failed", "off"):
            continue  # a host that is down has no network to speak of
        for up in h.uplinks:
            if not up.up:
                add("warning", 3, f"uplink {h.name}/{up.name} down")
        for vs in h.vswitches:
            for pg in vs.portgroups:
                if not pg.carried:
                    add("critical", 3, f"VLAN {pg.vlan} ({pg.name}) not carried on {h.name}")
    for name, chain in view.snapshots.items():  # snapshot depth and age (sim-facts §7)
        if len(chain) > snapshots.DEPTH_ALARM:
            add("warning", 4, f"VM {name} has a chain of {len(chain)} snapshots")
        if chain and view.t - chain[0].taken_at > snapshots.AGE_ALARM_S:
            add("warning", 4, f"VM {name} snapshot {chain[0].name} is over "
                f"{snapshots.AGE_ALARM_S / 3600:g} h old")
    vms = view.vms
    high = np.flatnonzero(np.asarray(vms.ready_pct) >= VM_READY_PCT)
    waiting = high[np.lexsort((high, -vms.ready_pct[high]))].tolist()  # worst first
    for i in waiting[:MAX_VM_LINES]:
        add("warning", 4, f"VM {vms.names[i]} CPU ready {vms.ready_pct[i]:.1f}%")
    if len(waiting) > MAX_VM_LINES:
        more = len(waiting) - MAX_VM_LINES
        add("warning", 4, f"…and {more} more VM{'s' if more > 1 else ''} with CPU ready ≥ 10%")
    out.sort(key=lambda a: (a[0], a[1]))  # stable: keeps inventory order inside a group
    return [(severity, text) for _rank, _group, severity, text in out]


class AlarmsPanel(Panel):
    """The active alarms, one per line (severity symbol + short text), critical first.

    Call `show(view)` with each new snapshot; `alarms` holds what is shown. The border title
    counts them (`Alarms (3)`); a calm datacenter reads "No active alarms".
    """

    BORDER_TITLE = "Alarms"

    BINDINGS: ClassVar[list[BindingType]] = []
    """Scrolling keys are the inner VerticalScroll's."""

    DEFAULT_CSS = """
    AlarmsPanel {
        height: auto;
        max-height: 100%;
        &.-critical { border: round $error; border-title-color: $error; }
        &.-warning { border: round $warning; border-title-color: $warning; }
        & > VerticalScroll {
            height: auto;
            max-height: 100%;
            background: $surface;
            scrollbar-size-vertical: 1;
        }
        & Static { padding: 0 1; }
    }
    """

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's keyword
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.alarms: list[tuple[str, str]] = []
        """The alarms shown now as (severity, text), critical first."""
        self._drawn: list[tuple[str, str]] | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(can_focus=True):
            yield Static(id="alarms-text")

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._on_theme_changed)
        self._draw()

    def _on_theme_changed(self, _theme: object) -> None:
        self._drawn = None
        self._draw()

    def show(self, view: SimView) -> None:
        """Recompute the alarms from a new snapshot; redraws only if they changed."""
        self.alarms = active_alarms(view)
        self._draw()

    def _draw(self) -> None:
        if self._drawn == self.alarms or not self.is_mounted:
            return
        self._drawn = list(self.alarms)
        tones = self._tones_now()
        n = len(self.alarms)
        self.border_title = f"Alarms ({n})" if n else "Alarms"
        worst = self.alarms[0][0] if self.alarms else None
        self.set_class(worst == "critical", "-critical")
        self.set_class(worst == "warning", "-warning")
        if not self.alarms:
            symbol, _word, tone = HEALTH[True]
            text = tones.text(f"{symbol} No active alarms", tone)
            self.query_one("#alarms-text", Static).update(text)
            return
        # A grid, so a message that wraps stays indented past its symbol.
        grid = Table.grid(padding=(0, 1), expand=True)
        grid.add_column(no_wrap=True, width=1)
        grid.add_column(ratio=1)
        for severity, message in self.alarms:
            symbol, tone = SEVERITY[severity]
            grid.add_row(Text(symbol, style=tones(tone)), Text(message))
        self.query_one("#alarms-text", Static).update(grid)
