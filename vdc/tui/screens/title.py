"""Provides the title screen and the two menus under it: the campaign list and the sandbox form."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

LOGO = r"""
 __   __ ___    ___
 \ \ / /|   \  / __|
  \ V / | |) || (__
   \_/  |___/  \___|
"""


@dataclass(frozen=True)
class LevelEntry:
    """What the campaign list shows of a level file."""

    ref: str
    title: str
    concepts: str
    duration: int
    error: str = ""


class TitleScreen(Screen):
    """Continue, Campaign, Sandbox, Replays, Help, Quit."""

    BINDINGS = [Binding("q", "app.quit", "Quit"), Binding("question_mark", "help", "Help", key_display="?")]

    def compose(self) -> ComposeResult:
        from vdc.session.paths import latest_save

        self.latest = latest_save(self.app.saves_directory())  # type: ignore[attr-defined]
        resume = (
            [Option(f"Continue — {self.latest.name}", id="continue")] if self.latest else []
        )
        with Center(id="title-box"):
            yield Static(LOGO, id="logo")
            yield Label("a virtualized-datacenter simulator", id="tagline")
            yield OptionList(
                *resume,
                Option("Campaign — the levels, in order", id="campaign"),
                Option("Sandbox — a generated datacenter with random trouble", id="sandbox"),
                Option("Replays — watch a saved game again", id="replays"),
                Option("Help — keys and how to play", id="help"),
                Option("Quit", id="quit"),
                id="menu",
            )
        yield Footer()

    @on(OptionList.OptionSelected, "#menu")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        choice = event.option.id
        if choice == "continue" and self.latest is not None:
            self.app.continue_game(self.latest)  # type: ignore[attr-defined]
        elif choice == "campaign":
            self.app.push_screen(CampaignScreen())
        elif choice == "sandbox":
            self.app.push_screen(SandboxScreen())
        elif choice == "replays":
            from vdc.tui.screens.replays import ReplaysScreen

            self.app.push_screen(ReplaysScreen())
        elif choice == "help":
            self.action_help()
        else:
            self.app.exit()

    def action_help(self) -> None:
        from vdc.tui.screens.help import KeysScreen

        self.app.push_screen(KeysScreen())


class CampaignScreen(Screen):
    """The shipped levels with what each teaches; Enter opens a level's briefing."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def compose(self) -> ComposeResult:
        with Vertical(id="campaign-box"):
            yield Label("Campaign", classes="screen-title")
            yield DataTable(id="levels", cursor_type="row", zebra_stripes=True)
            yield Label("Enter: briefing   Esc: back", classes="hint-line")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#levels", DataTable)
        table.add_columns("#", "level", "teaches", "length")
        for i, e in enumerate(campaign_entries()):
            title = e.title if not e.error else f"✖ invalid: {e.error}"
            table.add_row(str(i), title, e.concepts, f"{e.duration // 60} min", key=e.ref)
        table.focus()

    @on(DataTable.RowSelected, "#levels")
    def _open(self, event: DataTable.RowSelected) -> None:
        ref = str(event.row_key.value)
        self.app.open_briefing(ref)  # type: ignore[attr-defined]


def campaign_entries() -> list[LevelEntry]:
    """The shipped levels, in file order; a broken file is listed with its error."""
    from vdc.scenario.loader import LevelError, load_level
    from vdc.scenario.paths import list_levels

    out = []
    for path in list_levels():
        try:
            meta = load_level(path).level.level
        except LevelError as e:
            out.append(LevelEntry(str(path), path.stem, "", 0, str(e)))
            continue
        out.append(LevelEntry(meta.id, meta.title, ", ".join(meta.concepts), meta.duration))
    return out


class SandboxScreen(Screen):
    """Choose a size and a seed for a generated datacenter."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def compose(self) -> ComposeResult:
        from vdc.scenario.sandbox import SIZES

        with Vertical(id="sandbox-box"):
            yield Label("Sandbox", classes="screen-title")
            yield Static(
                "A generated datacenter with seeded random incidents: load spikes, host "
                "failures, dead uplinks, filling datastores, bad changes. The same size and "
                "seed always give the same datacenter and the same trouble.",
                classes="prose",
            )
            with Horizontal(classes="form-row"):
                yield Label("Size ", classes="form-label")
                yield Select(
                    [(f"{k} — {h} hosts, {v} VMs", k) for k, (h, v) in SIZES.items()],
                    value="small",
                    allow_blank=False,
                    id="size",
                )
            with Horizontal(classes="form-row"):
                yield Label("Seed ", classes="form-label")
                yield Input("1", id="seed", type="integer")
            yield Button("Start", id="start", variant="primary")
        yield Footer()

    @on(Button.Pressed, "#start")
    @on(Input.Submitted, "#seed")
    def _start(self) -> None:
        size = str(self.query_one("#size", Select).value)
        raw = self.query_one("#seed", Input).value.strip() or "1"
        try:
            seed = int(raw)
        except ValueError:
            self.notify(f"The seed must be a whole number, got '{raw}'", severity="error")
            return
        if seed < 0:
            self.notify("The seed must be 0 or more", severity="error")
            return
        self.app.open_sandbox(size, seed)  # type: ignore[attr-defined]
