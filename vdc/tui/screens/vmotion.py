"""Provides the vMotion and Storage vMotion dialogs: one row per target with what the move
would do, compatible (✔) or the refusal (✖ and why). Enter on a row dismisses with the command
text (`vmotion VM HOST` / `svmotion VM DATASTORE`), which the game screen submits like any other.
A host that does not see the VM's storage but could take it with its disks says so; choosing it
opens the datastore step (`relocate_dialog`), which gives `vmotion VM HOST DATASTORE`.
"""

from __future__ import annotations

import textwrap

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from vdc.sim.moves.svmotion import DatastoreRow
from vdc.sim.moves.targets import TargetRow
from vdc.tui.format import gib, host_state
from vdc.tui.widgets.tasks import eta


class Hanging:
    """A row whose long tail wraps under itself, not under the target's name (OptionList
    wraps every prompt; on a narrow terminal a refusal would else start a line of its own).
    When the head leaves the tail too little room for a readable column (fewer than
    `MIN_ROOM` cells and the tail does not fit), the tail goes under the head, indented."""

    MIN_ROOM = 24
    INDENT = 4

    def __init__(self, head: str, tail: str) -> None:
        self.head = head
        self.tail = tail

    def __str__(self) -> str:
        return self.head + self.tail

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(len(self.head) + 12, len(self.head) + len(self.tail))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        room = options.max_width - len(self.head)
        if room < len(self.tail) and room < self.MIN_ROOM:
            yield Text(self.head.rstrip())
            for line in textwrap.wrap(self.tail, max(12, options.max_width - self.INDENT)):
                yield Text(" " * self.INDENT + line)
            return
        lines = textwrap.wrap(self.tail, room) or [""]
        yield Text(self.head + lines[0])
        for line in lines[1:]:
            yield Text(" " * len(self.head) + line)


def vmotion_line(r: TargetRow) -> Hanging:
    """`✔ esx-02  ● on      CPU  12→ 30%  mem  18→ 24%  compatible, about 20 s`: the host's
    state, its load now → after the move (as the Hosts panel shows it), and what moving does."""
    mark = "✖ " if r.refusal else "✔ "
    symbol, word, _ = host_state(r.state, r.maintenance)
    state = f"{symbol} {word}"
    if r.state in ("on", "maintenance"):
        load = f"CPU {r.cpu_now_pct:3.0f}→{r.cpu_pct:3.0f}%  mem {r.mem_now_pct:3.0f}→{r.mem_pct:3.0f}%"
    else:  # nothing runs there: no load to tell
        load = f"CPU {'—':>8}  mem {'—':>8}"
    head = f"{mark}{r.host:<10} {state:<8} {load}  "
    if r.disks_move:
        return Hanging(head, f"disks move too, from {eta(r.duration_s)}")
    return Hanging(head, r.refusal if r.refusal else f"compatible, about {eta(r.duration_s)}")


def svmotion_line(r: DatastoreRow) -> Hanging:
    mark = "✖ " if r.refusal else "✔ "
    head = f"{mark}{r.datastore:<10} free after {gib(max(r.free_after_gib, 0)):>8}  "
    return Hanging(head, r.refusal if r.refusal else f"copy about {eta(r.duration_s)}")


class MoveDialog(ModalScreen[str | None]):
    """Choose where a VM goes; dismisses with the command text, or None on Escape."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    MoveDialog { align: center middle; }
    MoveDialog > Vertical {
        width: 90%; max-width: 110; height: auto; max-height: 90%;
        border: round $border; background: $surface; padding: 0 1;
    }
    MoveDialog OptionList { height: auto; max-height: 20; }
    """

    def __init__(self, title: str, verb: str, vm: str, rows: list[tuple[str, Hanging, bool]],
                 *, legend: str = "", host: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.legend = legend
        """A line under the title that says what the columns are."""
        self.verb = verb
        self.vm = vm
        self.rows = rows
        """(target name, line, compatible) per row."""
        self.host = host
        """The host a datastore step moves the VM to (its command names it before the datastore)."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="screen-title")
            if self.legend:
                yield Label(self.legend, classes="hint-line", id="legend")
            # Refused targets are listed (with why) but cannot be chosen.
            yield OptionList(*(Option(line, id=name, disabled=not ok) for name, line, ok in self.rows))
            yield Label("Enter: move there   Esc: cancel   ✖: refused (why)")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        host = f" {self.host}" if self.host else ""
        self.dismiss(f"{self.verb} {self.vm}{host} {event.option.id}")

    def action_cancel(self) -> None:
        self.dismiss(None)


def vmotion_dialog(vm: str, rows: list[TargetRow]) -> MoveDialog:
    return MoveDialog(f"vMotion {vm} to…", "vmotion", vm,
                      [(r.host, vmotion_line(r), not r.refusal) for r in rows],
                      legend="CPU and memory: now → after the move, as in the Hosts panel")


def svmotion_dialog(vm: str, rows: list[DatastoreRow]) -> MoveDialog:
    return MoveDialog(f"Storage vMotion {vm}'s disks to…", "svmotion", vm,
                      [(r.datastore, svmotion_line(r), not r.refusal) for r in rows])


def relocate_line(r: DatastoreRow) -> Hanging:
    mark = "✖ " if r.refusal else "✔ "
    head = f"{mark}{r.datastore:<10} free after {gib(max(r.free_after_gib, 0)):>8}  "
    return Hanging(head, r.refusal if r.refusal else f"disks, then memory: about {eta(r.duration_s)}")


def relocate_dialog(vm: str, host: str, rows: list[DatastoreRow]) -> MoveDialog:
    """The datastore step of a vMotion to a host that does not see the VM's storage."""
    return MoveDialog(f"vMotion {vm} to {host} with its disks to…", "vmotion", vm,
                      [(r.datastore, relocate_line(r), not r.refusal) for r in rows],
                      legend=f"{host} does not see {vm}'s disks: they move too, over the network",
                      host=host)
