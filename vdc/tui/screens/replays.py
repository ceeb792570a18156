"""Provides the Replays list: every save in the saves directory, newest first, to watch again,
each marked won (✔), lost (✖), finished (■) or unfinished (▶)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label

from vdc.session import jsonsafe
from vdc.session.paths import SAVE_SUFFIX, is_finished
from vdc.tui.access import vdc_app
from vdc.tui.format import Tones, clock


@dataclass(frozen=True)
class SaveEntry:
    """What the list shows of a save file (read without re-simulating it)."""

    path: Path
    level: str
    sim_time: float
    commands: int
    outcome: str
    modified: str
    error: str = ""


def save_entries(directory: Path) -> list[SaveEntry]:
    """The saves in `directory`, newest first; an unreadable file is listed with its reason."""
    files = sorted(directory.glob(f"*{SAVE_SUFFIX}"), key=lambda p: (-p.stat().st_mtime, p.name))
    return [_entry(p) for p in files]


def modified_text(path: Path) -> str:
    """When the file was written, in the player's local time."""
    return datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M")


def _entry(path: Path) -> SaveEntry:
    modified = modified_text(path)
    try:
        data: Any = jsonsafe.loads(jsonsafe.read_capped(path).decode("utf-8"))  # untrusted: limits
        result = data.get("result") or {}
        if result:
            stars = int(result.get("stars") or 0)
            outcome = f"{result['outcome']} · {result['score']:.0f} pts {'★' * stars}".rstrip()
        else:
            outcome = "finished" if is_finished(data) else "unfinished"
        return SaveEntry(path, str(data["level_id"]), float(data["sim_time"]),
                         len(data["commands"]), outcome, modified)
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as e:
        why = "not a vdc save" if not isinstance(e, OSError) else "cannot read"
        return SaveEntry(path, "", 0.0, 0, "", modified, why)


OUTCOME_MARKS: dict[str, tuple[str, str]] = {
    "won": ("✔", "success"),
    "lost": ("✖", "error"),
    "finished": ("■", "foreground-muted"),
    "unfinished": ("▶", "primary"),
}
"""The first word of a save's result → its mark and tone (the word says it without colour)."""


def outcome_text(tones: Tones, outcome: str) -> Text:
    """`✔ won · 100 pts ★★★`, `✖ lost · 50 pts`: the result marked, in its tone."""
    symbol, tone = OUTCOME_MARKS.get(outcome.split(" ", 1)[0], ("·", "foreground"))
    return tones.text(f"{symbol} {outcome}", tone)


class ReplaysScreen(Screen):
    """Pick a save to watch again; Enter opens the replay viewer."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    DEFAULT_CSS = """
    ReplaysScreen #saves {
        height: auto;
        max-height: 1fr;
    }
    """

    def compose(self) -> ComposeResult:
        with Vertical(id="replays-box"):
            yield Label("Replays", classes="screen-title")
            yield Label("", id="replays-where", classes="hint-line")
            yield DataTable(id="saves", cursor_type="row", zebra_stripes=True)
            yield Label("Enter: watch   Esc: back", classes="hint-line")
        yield Footer()

    def on_mount(self) -> None:
        tones = Tones.of(self.app)
        directory = vdc_app(self).saves_directory()
        entries = save_entries(directory)
        self.query_one("#replays-where", Label).update(
            f"{len(entries)} save{'s' if len(entries) != 1 else ''} in {directory}"
            if entries else f"No saves yet in {directory}: play a level (Ctrl+S saves it)."
        )
        table = self.query_one("#saves", DataTable)
        table.add_columns("save", "level", "at", "cmds", "result", "saved")
        for e in entries:
            if e.error:
                table.add_row(e.path.name, f"✖ {e.error}", "", "", "", e.modified, key=str(e.path))
            else:
                table.add_row(e.path.name, e.level, clock(e.sim_time), str(e.commands),
                              outcome_text(tones, e.outcome), e.modified, key=str(e.path))
        table.focus()

    @on(DataTable.RowSelected, "#saves")
    def _open(self, event: DataTable.RowSelected) -> None:
        vdc_app(self).open_replay(Path(str(event.row_key.value)))
