"""Provides the player screen: a served session (`vdc serve`) asks who plays before the title.

The name goes into the saves and their file names and picks the player's own folder under the
server's saves directory, so classmates on one server never write over each other's attempts.
Left empty, the player is given a name (`player-` and four random letters), shown before
the title opens.
"""

from __future__ import annotations

import secrets

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Label

from vdc.session.paths import PLAYER_MAX, player_name


def given_name() -> str:
    """A name for a player who gave none (not part of any simulation: wall-clock randomness
    is fine here)."""
    return f"player-{secrets.token_hex(2)}"


class PlayerScreen(Screen[str]):
    """Who is playing? Enter takes the name (letters, digits, `-`, `_`; others become `-`)."""

    BINDINGS = [Binding("enter", "done", "Play", priority=True)]

    def compose(self) -> ComposeResult:
        with Vertical(id="player-box"):
            yield Label("vdc — who is playing?", classes="screen-title")
            yield Label("Your name goes into your saves, which are kept in a folder of your own "
                        "on this server. F8 downloads the save of your game.", classes="hint-line")
            yield Input(placeholder="your name", max_length=PLAYER_MAX, id="player")
            yield Label("Enter: play (left empty: you get a name)", classes="hint-line")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#player", Input).focus()

    @on(Input.Submitted, "#player")
    def action_done(self) -> None:
        name = player_name(self.query_one("#player", Input).value) or given_name()
        self.notify(f"Playing as {name}", title="Player", markup=False)
        self.dismiss(name)
