"""Provides the maintenance dialog of a vSAN host: one row per data mode (what vSAN copies off
first, how long, what stays at risk), or why vSAN cannot do it (✖). Enter on a row dismisses
with `maintenance enter HOST --vsan MODE`, which the game screen submits like any other.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from vdc.sim.vsan.evacuate import ModeRow
from vdc.tui.format import gib
from vdc.tui.screens.vmotion import Hanging
from vdc.tui.widgets.tasks import eta

DEFAULT_MODE = "ensure-accessibility"
"""What `maintenance enter HOST` does on a vSAN host when no mode is named."""


def mode_line(r: ModeRow) -> Hanging:
    """`✔ full-evacuation      copies 4 component(s), 180 GiB, about 7m40s; ...`."""
    mark = "✖ " if r.refusal else "✔ "
    head = f"{mark}{r.mode:<21} "
    if r.refusal:
        return Hanging(head, r.refusal.removeprefix(f"{r.mode}: "))
    copies = (f"copies {r.copies} component(s), {gib(r.gib)}, about {eta(r.duration_s)}"
              if r.copies else "copies nothing")
    tail = f"{copies}; " + (r.risk if r.risk else "the data stays whole")
    return Hanging(head, tail + (" (the default)" if r.mode == DEFAULT_MODE else ""))


class MaintenanceDialog(ModalScreen[str | None]):
    """Choose what vSAN does with a host's data as it enters maintenance mode; dismisses with
    the command text, or None on Escape."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    MaintenanceDialog { align: center middle; }
    MaintenanceDialog > Vertical {
        width: 90%; max-width: 110; height: auto; max-height: 90%;
        border: round $border; background: $surface; padding: 0 1;
    }
    MaintenanceDialog OptionList { height: auto; max-height: 14; }
    MaintenanceDialog #legend { width: 100%; }
    """

    def __init__(self, host: str, rows: list[ModeRow]) -> None:
        super().__init__()
        self.host = host
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Maintenance mode for {self.host}: its vSAN data…", classes="screen-title")
            yield Label(f"vSAN keeps copies of VMs' data on {self.host}: copy them off "
                        "before it goes in, or leave them absent?", classes="hint-line", id="legend")
            options = OptionList(*(Option(mode_line(r), id=r.mode, disabled=bool(r.refusal))
                                   for r in self.rows))
            yield options
            yield Label("Enter: enter maintenance   Esc: cancel   ✖: refused (why)")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        ids = [r.mode for r in self.rows if not r.refusal]
        if ids:
            options.highlighted = options.get_option_index(DEFAULT_MODE if DEFAULT_MODE in ids else ids[0])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(f"maintenance enter {self.host} --vsan {event.option.id}")

    def action_cancel(self) -> None:
        self.dismiss(None)
