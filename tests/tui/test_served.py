"""Pilot tests of a served session (`vdc serve` runs `ServedApp` per browser tab): the player
names themselves first and gets their own folder (saves, progress), the footer shows the keys a
browser lets through (F2, F9, F8), F9 opens the palette, Alt+Backspace deletes a word on the
`:` line, and the keys list says which key stands in for which.

The real browser is tests/test_serve.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import Input

from tests.tui.conftest import screen_of, start, until
from vdc.session.save import load
from vdc.tui.app import ServedApp, VdcApp
from vdc.tui.screens.briefing import BriefingScreen
from vdc.tui.screens.help import KeysScreen
from vdc.tui.screens.player import PlayerScreen
from vdc.tui.screens.title import TitleScreen


def footer_keys(screen) -> dict[str, str]:
    """Footer key → its word, of the bindings shown on `screen` (and the app)."""
    return {b.key: b.description for _, b, enabled, _ in
            (v for v in screen.active_bindings.values()) if b.show and enabled}


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VDC_DATA_DIR", os.environ["VDC_DATA_DIR"])  # the app sets it per player
    return tmp_path / "server-saves"


async def name_and_open_01(pilot, name: str) -> None:
    await screen_of(pilot, PlayerScreen)
    await pilot.press(*name, "enter")
    await screen_of(pilot, TitleScreen)
    await pilot.press("enter", "down", "enter")  # Campaign, 01-first-light
    await screen_of(pilot, BriefingScreen)


async def test_a_served_player_names_themselves_and_saves_into_their_own_folder(root):
    app = ServedApp(saves_dir=root, tick_interval=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await name_and_open_01(pilot, "ada l/../x")
        assert app.player == "ada-l-x"  # only letters, digits, - and _: no way out of the root
        assert os.environ["VDC_DATA_DIR"] == str((root / "ada-l-x").resolve())
        game = await start(pilot)
        await pilot.press("colon", *"host power on esx-02", "enter")
        await pilot.press("f2")  # F2 saves (the browser keeps Ctrl+S)
        await until(pilot, lambda: list((root / "ada-l-x").glob("*.vdcsave")))
        [path] = (root / "ada-l-x").glob("*.vdcsave")
        assert path.name.startswith("01-first-light-ada-l-x-") and path.name.endswith(".save.vdcsave")
        saved = load(path)
        assert (saved.player, saved.seed, [c.text for c in saved.commands]) == (
            "ada-l-x", 1, ["host power on esx-02"])
        assert game.controller.last_save == path


async def test_an_empty_name_is_given_one(root):
    app = ServedApp(saves_dir=root, tick_interval=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await screen_of(pilot, PlayerScreen)
        await pilot.press("enter")
        await screen_of(pilot, TitleScreen)
        assert app.player is not None and app.player.startswith("player-")
        assert (root / app.player).is_dir()


async def test_served_footer_shows_the_keys_a_browser_lets_through(root):
    app = ServedApp(saves_dir=root, tick_interval=None)
    async with app.run_test(size=(160, 50)) as pilot:
        await name_and_open_01(pilot, "bo")
        game = await start(pilot)
        shown = footer_keys(game)
        assert shown["f2"] == "save" and "ctrl+s" not in shown
        assert shown["f8"] == "download"
        await pilot.press("f9")
        await screen_of(pilot, CommandPalette)


async def test_in_a_terminal_the_footer_keeps_ctrl_s_and_hides_the_browser_keys():
    app = VdcApp(tick_interval=None)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("enter", "down", "enter")
        game = await start(pilot)
        shown = footer_keys(game)
        assert shown["ctrl+s"] == "save" and "f2" not in shown and "f8" not in shown


async def test_alt_backspace_deletes_the_word_before_the_cursor_on_the_command_line(root):
    app = ServedApp(saves_dir=root, tick_interval=None, player="cy")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter", "down", "enter")
        await start(pilot)
        await pilot.press("colon", *"power on web", "alt+backspace")
        assert app.screen.query_one("#cmdline Input", Input).value == "power on "


async def test_the_keys_list_says_which_key_stands_in_for_which_when_served(root):
    app = ServedApp(saves_dir=root, tick_interval=None, player="di")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("question_mark")
        keys = await screen_of(pilot, KeysScreen)
        text = "\n".join(str(m.source) for m in keys.query("Markdown"))  # type: ignore[attr-defined]
        assert "`F2` saves (for `Ctrl+S`)" in text and "`F8` downloads the save" in text
