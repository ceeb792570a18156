"""Provides `AlarmsPanel`: the alarms active right now, worst first, each with the first thing
to try under it (`→ revert it to its snapshot …`).

Alarms are a *state*, not a history (that is the event log): they are computed from the view
by `vdc.session.alarms` — failed or isolated hosts, services down, bad changes, VMs stuck
unhealthy, datastores filling, VLANs not carried, uplinks down, hosts short of CPU, VMs waiting
for CPU, a service tier DRS stacked on one host — so an alarm disappears as soon as its cause
does.
"""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from vdc.session.alarms import Alarm, active_alarms
from vdc.sim.view import SimView
from vdc.tui.format import HEALTH, SEVERITY
from vdc.tui.widgets.panel import Panel

__all__ = ["AlarmsPanel", "active_alarms"]

LIST_MAX = 60
"""Alarms listed at most (worst first); the rest are counted in one line. At enterprise size
a storm raises a thousand, and drawing them all (a grid measured, then drawn) took 0.1 s a
refresh."""


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
        self.fixes: list[str] = []
        """The first thing to try for each alarm ("" when there is no one thing)."""
        self._drawn: list[tuple[str, str, str]] | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(can_focus=True):
            yield Static(id="alarms-text")

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._on_theme_changed)
        self._draw()

    def _on_theme_changed(self, _theme: object) -> None:
        self._drawn = None
        self._draw()

    def show(self, view: SimView, alarms: list[Alarm] | None = None) -> None:
        """Show `alarms` (the game's `AlarmWatch`), or recompute them from the snapshot;
        redraws only if they changed."""
        found = active_alarms(view) if alarms is None else alarms
        self.alarms = [(a.severity, a.text) for a in found]
        self.fixes = [a.fix for a in found]
        self._draw()

    def _draw(self) -> None:
        drawn = [(s, t, f) for (s, t), f in zip(self.alarms[:LIST_MAX], self.fixes, strict=False)]
        rest = [sev for sev, _ in self.alarms[LIST_MAX:]]
        if rest:
            drawn.append(("", f"{len(rest)}", f"{rest.count('critical')}"))
        if self._drawn == drawn or not self.is_mounted:
            return
        self._drawn = drawn
        tones = self._tones_now()
        n = len(self.alarms)
        self.titled(f"Alarms ({n})" if n else "Alarms")
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
        for (severity, message), fix in zip(self.alarms[:LIST_MAX], self.fixes, strict=False):
            symbol, tone = SEVERITY[severity]
            cell = Text(message)
            if fix:
                cell.append("\n→ ", style=tones("accent"))
                for k, part in enumerate(fix.split("`")):  # commands in the accent
                    cell.append(part, style=tones("accent") if k % 2 else tones("foreground-muted"))
            grid.add_row(Text(symbol, style=tones(tone)), cell)
        if rest:
            critical = rest.count("critical")
            worse = f", {critical:,} of them critical" if critical else ""
            grid.add_row(Text("…", style=tones("foreground-muted")),
                         tones.text(f"{len(rest):,} more alarms{worse}: deal with those above first",
                                    "foreground-muted"))
        self.query_one("#alarms-text", Static).update(grid)
