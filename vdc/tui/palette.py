"""Provides the command palette (Ctrl+P): every command and game action, fuzzy-searched.

Hits come from the same catalogs as everything else: `vdc.sim.commands.COMMANDS` for the
command language and `vdc.tui.actions.GAME_ACTIONS` for keys. A template (`power on VM`) opens
the `:` line ready to complete; a concrete command for the selection runs at once.

Every text here is plain, never markup: the palette would read a usage's `[HOST]` or
`[SNAP]` as a style tag and drop it, so hits carry `Content` made from the text itself.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content
from textual.types import IgnoreReturnCallbackType

from vdc.sim.commands import COMMANDS
from vdc.tui.actions import GAME_ACTIONS, REPLAY_ACTIONS, key_label

if TYPE_CHECKING:
    from vdc.tui.screens.game import GameScreen


class VdcCommands(Provider):
    """Commands of the game screen (transport only in a replay); outside a game nothing."""

    def _game(self) -> GameScreen | None:
        from vdc.tui.screens.game import GameScreen

        screen = self.screen
        return screen if isinstance(screen, GameScreen) else None

    def _candidates(self) -> list[tuple[str, IgnoreReturnCallbackType, str]]:
        game = self._game()
        if game is None:
            return []
        out: list[tuple[str, IgnoreReturnCallbackType, str]] = []
        read_only = game.controller.read_only
        for a in REPLAY_ACTIONS if read_only else GAME_ACTIONS:
            out.append((a.description, partial(game.run_action, a.action), f"key {key_label(a)}"))
        if read_only:  # a replay offers its transport and views, no commands
            return out
        on = "on" if game.controller.pause_while_typing else "off"
        out.append((f"Pause while typing (now {on})", game.action_toggle_typing_pause,
                    "the clock waits while the : line, the palette or a dialog is open"))
        for spec in COMMANDS:
            if spec.available:
                prefix = " ".join(s.text for s in spec.slots if s.kind == "literal") + " "
                if spec.name.startswith("vm set"):
                    prefix = "vm set "
                out.append((spec.usage, partial(game.action_command_line, prefix), spec.help))
        sel = game.selected
        if sel is not None:
            kind, name = sel
            verbs = (
                ("power on", "power off", "power reset") if kind == "vm"
                else ("host power on", "host power off")
            )
            for verb in verbs:
                out.append((f"{verb} {name}", partial(game.submit, f"{verb} {name}"), "the selection"))
        return out

    async def discover(self) -> Hits:
        for text, action, help_text in self._candidates():
            yield DiscoveryHit(Content(text), action, text=text, help=_plain(help_text))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, action, help_text in self._candidates():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, highlight(matcher, text), action, text=text, help=_plain(help_text))


def highlight(matcher: Matcher, text: str) -> Content:
    """`text` as plain content, its letters that match the query highlighted (what
    `Matcher.highlight` does, without reading the text as markup)."""
    content = Content(text)
    score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    if not score:
        return content
    for offset in offsets:
        if not text[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


def _plain(text: str) -> str:
    """Help text for the palette, which reads it as markup: brackets escaped."""
    return text.replace("[", "\\[")
