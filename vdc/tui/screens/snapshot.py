"""Provides the snapshot dialog (`n` on a selected VM): its chain with sizes and ages, and
create / revert / delete / delete all.

The dialog changes nothing itself: it is dismissed with the command text (`snapshot create
db-01 pre-patch --memory`), which the game screen gives through its `submit`, like any key.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Switch
from textual.widgets.option_list import Option

from vdc.sim.snapshots.chain import age_text
from vdc.sim.view import SnapshotView
from vdc.tui.format import gib


def tree_lines(chain: tuple[SnapshotView, ...], now: float) -> list[str]:
    """The chain as an indented tree, oldest at the top, ending with "You are here"."""
    lines = []
    for depth, s in enumerate(chain):
        tags = [t for t, on_ in (("memory", s.memory), ("quiesced", s.quiesced)) if on_]
        extra = f" [{', '.join(tags)}]" if tags else ""
        lines.append(f"{'  ' * depth}└ {s.name}{extra}  {gib(s.gib)}, {age_text(now - s.taken_at)} old")
    return lines


class SnapshotScreen(ModalScreen[str | None]):
    """A VM's snapshots; dismissed with a command's text, or None."""

    BINDINGS = [Binding("escape", "dismiss_none", "Close")]

    DEFAULT_CSS = """
    SnapshotScreen {
        align: center middle;
    }
    SnapshotScreen > #snap-dialog {
        width: 76;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        background: $panel;
        border: round $primary;
        padding: 0 1;
        overflow: hidden hidden;
    }
    SnapshotScreen #snap-title { text-style: bold; }
    SnapshotScreen #snap-tree {
        height: auto;
        max-height: 8;
        border: none;
        margin: 0 0 1 0;
    }
    SnapshotScreen .snap-row { height: auto; }
    SnapshotScreen .snap-row Label { padding: 1 1 0 0; }
    SnapshotScreen #snap-name { width: 1fr; }
    SnapshotScreen Button { margin: 0 1 0 0; min-width: 8; }
    SnapshotScreen #snap-note { color: $foreground-muted; }
    """

    def __init__(
        self,
        vm: str,
        chain: tuple[SnapshotView, ...],
        now: float,
        *,
        busy: str = "",
    ) -> None:
        super().__init__()
        self.vm = vm
        self.chain = chain
        self.now = now
        self.busy = busy

    def compose(self) -> ComposeResult:
        total = sum(s.gib for s in self.chain)
        what = f"{len(self.chain)} snapshot(s), {gib(total)}" if self.chain else "no snapshots"
        with Vertical(id="snap-dialog"):
            yield Label(f"Snapshots of {self.vm} — {what}   (Esc closes)", id="snap-title")
            options = [Option(line, id=s.name) for line, s in zip(tree_lines(self.chain, self.now), self.chain, strict=True)]
            tree = OptionList(*options, id="snap-tree")
            tree.display = bool(options)
            yield tree
            if self.busy:
                yield Label(f"◐ {self.busy}", id="snap-note")
            with Horizontal(classes="snap-row"):
                yield Label("Name")
                yield Input(placeholder="e.g. pre-patch", id="snap-name")
            with Horizontal(classes="snap-row"):
                yield Label("Memory")
                yield Switch(id="snap-memory")
                yield Label("Quiesce")
                yield Switch(id="snap-quiesce")
            with Horizontal(classes="snap-row"):
                yield Button("Create", id="create", variant="primary")
                yield Button("Revert", id="revert", disabled=not self.chain)
                yield Button("Delete", id="delete", disabled=not self.chain)
                yield Button("Delete all", id="delete-all", disabled=not self.chain)

    def on_mount(self) -> None:
        tree = self.query_one(OptionList)
        if self.chain:
            tree.highlighted = len(self.chain) - 1  # the newest: what revert usually means
        self.query_one(Input).focus()

    # ------------------------------------------------------------------ the commands
    @property
    def chosen(self) -> str | None:
        """The snapshot under the list's cursor."""
        tree = self.query_one(OptionList)
        i = tree.highlighted
        return self.chain[i].name if self.chain and i is not None else None

    def create_text(self) -> str | None:
        name = self.query_one(Input).value.strip()
        if not name or " " in name:
            self.notify("Give the snapshot a one-word name first.", severity="warning")
            return None
        text = f"snapshot create {self.vm} {name}"
        if self.query_one("#snap-memory", Switch).value:
            text += " --memory"
        if self.query_one("#snap-quiesce", Switch).value:
            text += " --quiesce"
        return text

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        which = event.button.id
        if which == "create":
            text = self.create_text()
        elif which == "delete-all":
            text = f"snapshot delete {self.vm} --all"
        else:
            snap = self.chosen
            text = f"snapshot {which} {self.vm} {snap}" if snap else None
        if text:
            self.dismiss(text)

    @on(Input.Submitted)
    def _name_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = self.create_text()
        if text:
            self.dismiss(text)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
