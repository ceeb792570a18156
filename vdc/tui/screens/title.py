"""Provides the title screen and the two menus under it: the campaign list and the sandbox form."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from vdc.tui.access import vdc_app

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
    status: str = "new"
    """`locked`, `won`, `played` or `new` (vdc.session.progress)."""
    best: str = "—"
    requires: str = ""
    """The level to win first, when locked."""


class TitleScreen(Screen):
    """Continue, Campaign, Sandbox, Replays, Help, Quit."""

    BINDINGS = [Binding("q", "app.quit", "Quit"), Binding("question_mark", "help", "Help", key_display="?")]

    latest: Path | None = None
    """The save Continue plays on: the latest of a game that is not over."""

    def compose(self) -> ComposeResult:
        with Center(id="title-box"):
            yield Static(LOGO, id="logo")
            yield Label("a virtualized-datacenter simulator", id="tagline")
            yield OptionList(*self._menu(), id="menu")
        yield Footer()

    def _menu(self) -> list[Option]:
        """The menu, with Continue while there is an unfinished game to play on (looked for
        again each time the title shows: a game since played may have finished or begun)."""
        from vdc.session.paths import latest_save

        self.latest = latest_save(vdc_app(self).saves_directory(), unfinished=True)
        resume = [Option(f"Continue — {self.latest.name}", id="continue")] if self.latest else []
        return [
            *resume,
            Option("Campaign — the levels, in order", id="campaign"),
            Option("Sandbox — a generated datacenter with random trouble", id="sandbox"),
            Option("Replays — watch a saved game again", id="replays"),
            Option("Help — keys and how to play", id="help"),
            Option("Quit", id="quit"),
        ]

    def on_screen_resume(self) -> None:
        menu = self.query_one("#menu", OptionList)
        options = self._menu()
        if [(o.id, str(o.prompt)) for o in options] != [(o.id, str(o.prompt)) for o in menu.options]:
            menu.set_options(options)
            menu.highlighted = 0

    @on(OptionList.OptionSelected, "#menu")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        choice = event.option.id
        if choice == "continue" and self.latest is not None:
            vdc_app(self).continue_game(self.latest)
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
    """The shipped levels with what each teaches, their best result and whether they are open.

    Enter opens a level's briefing; a locked level says which level to win first instead.
    """

    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def compose(self) -> ComposeResult:
        with Vertical(id="campaign-box"):
            yield Label("Campaign", classes="screen-title")
            yield DataTable(id="levels", cursor_type="row", zebra_stripes=True)
            opened = "every level unlocked (--all)" if vdc_app(self).unlock_all else (
                "win a level to open the next"
            )
            yield Label(f"Enter: briefing   Esc: back   {opened}", classes="hint-line")
        yield Footer()

    def on_mount(self) -> None:
        from vdc.session.progress import STATUS_LABELS
        from vdc.tui.format import Tones, state_text

        tones = Tones.of(self.app)
        entries, warning = campaign_entries(unlock_all=vdc_app(self).unlock_all)
        self.entries = {e.ref: e for e in entries}
        table = self.query_one("#levels", DataTable)
        table.add_columns("#", "level", "status", "best", "length", "teaches")
        for i, e in enumerate(entries):
            title = e.title if not e.error else f"✖ invalid: {e.error}"
            table.add_row(
                str(i),
                title,
                state_text(tones, STATUS_LABELS, e.status),
                e.best,
                f"{e.duration // 60} min",
                e.concepts,
                key=e.ref,
            )
        table.focus()
        if warning:
            self.notify(warning, title="Progress", severity="warning", timeout=10, markup=False)

    @on(DataTable.RowSelected, "#levels")
    def _open(self, event: DataTable.RowSelected) -> None:
        ref = str(event.row_key.value)
        entry = self.entries.get(ref)
        if entry is not None and entry.status == "locked":
            before = next((e for e in self.entries.values() if e.ref == entry.requires), None)
            name = f"“{before.title}” ({before.ref})" if before else entry.requires
            self.notify(
                f"Win {name} first to open “{entry.title}”.",
                title="Locked",
                severity="warning",
                markup=False,
            )
            return
        vdc_app(self).open_briefing(ref)


def campaign_entries(*, unlock_all: bool = False) -> tuple[list[LevelEntry], str | None]:
    """The shipped levels in file order with their progress, and a warning about progress.

    A broken file is listed with its error. Levels are keyed by file stem (a numbered level's
    id must equal it), so a broken file still takes its place in the unlock order.
    """
    from vdc.scenario.loader import LevelError, load_level
    from vdc.scenario.paths import list_levels
    from vdc.session import progress as prog

    paths = list_levels()
    progress = prog.load()
    locked = prog.prerequisites([p.stem for p in paths], progress, unlock_all=unlock_all)
    out = []
    for path in paths:
        kept = {
            "status": prog.status(path.stem, progress, locked),
            "best": prog.best_text(progress.of(path.stem)),
            "requires": locked.get(path.stem, ""),
        }
        try:
            meta = load_level(path).level.level
        except LevelError as e:
            out.append(LevelEntry(path.stem, path.stem, "", 0, str(e), **kept))
            continue
        out.append(LevelEntry(meta.id, meta.title, ", ".join(meta.concepts), meta.duration, **kept))
    return out, progress.warning


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
            self.notify(f"The seed must be a whole number, got '{raw}'", severity="error", markup=False)
            return
        if seed < 0:
            self.notify("The seed must be 0 or more", severity="error")
            return
        vdc_app(self).open_sandbox(size, seed)
