"""The snapshot dialog (`n`), the VM table's Snap column and the datastores' snapshot share:
Pilot tests and SVG snapshots at 80×24 and 160×50 (a paused simulation stepped explicitly)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, Switch

from vdc.scenario.loader import load_level
from vdc.sim.snapshots.chain import age_text
from vdc.tui.app import VdcApp
from vdc.tui.screens.game import GameScreen
from vdc.tui.screens.snapshot import SnapshotScreen
from vdc.tui.widgets.datastores import DatastoresPanel
from vdc.tui.widgets.vms import VmTable

TROUBLE = Path(__file__).resolve().parent.parent / "data" / "levels" / "tui-trouble.toml"
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 50), id="160x50")]


def _app() -> VdcApp:
    return VdcApp(level=load_level(TROUBLE), tick_interval=None)


async def _game(pilot) -> GameScreen:
    await pilot.press("enter")
    await pilot.pause()
    game = pilot.app.screen
    assert isinstance(game, GameScreen)
    return game


def _with_snapshots(*keys: str, open_dialog: bool = False):
    """run_before: web-01 gets two snapshots (one with memory) 5 min apart, then t = 600."""

    async def run_before(pilot) -> None:
        game = await _game(pilot)
        game.step(30)
        game.submit("snapshot create web-01 before-patch --memory")
        game.step(300)
        game.submit("snapshot create web-01 after-patch")
        game.step(270)
        game.selected = ("vm", "web-01")
        if keys:
            await pilot.press(*keys)
        if open_dialog:
            await pilot.press("n")
            await pilot.pause()
            pilot.app.screen.query_one(Input).cursor_blink = False  # a steady picture
        await pilot.pause()
        pilot.app.clear_notifications()
        await pilot.pause()

    return run_before


async def test_dialog_creates_reverts_and_deletes_through_the_command_language():
    async with _app().run_test(size=(120, 40), notifications=True) as pilot:
        game = await _game(pilot)
        game.step(30)
        game.selected = ("vm", "db-01")
        await pilot.press("n")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, SnapshotScreen)
        assert not dialog.query_one(OptionList).display  # no snapshots yet
        await pilot.press(*"pre")
        dialog.query_one("#snap-memory", Switch).value = True
        await pilot.click("#create")
        await pilot.pause()
        rec = game.controller.session.records[-1]
        assert rec.text == "snapshot create db-01 pre --memory" and rec.accepted
        game.step(60)
        game.submit("snapshot create db-01 post")
        await pilot.press("n")
        await pilot.pause()
        dialog = pilot.app.screen
        assert [o.id for o in dialog.query_one(OptionList).options] == ["pre", "post"]
        assert dialog.chosen == "post"  # the newest is under the cursor
        dialog.query_one(OptionList).highlighted = 0
        await pilot.click("#revert")
        await pilot.pause()
        assert game.controller.session.records[-1].text == "snapshot revert db-01 pre"
        assert [s.name for s in game.controller.sim.inv.vms["db-01"].snapshots] == ["pre"]
        await pilot.press("n")
        await pilot.pause()
        await pilot.click("#delete-all")
        await pilot.pause()
        assert game.controller.session.records[-1].text == "snapshot delete db-01 --all"
        assert game.controller.sim.tasks.active("consolidate")


async def test_dialog_needs_a_name_and_escape_gives_nothing():
    async with _app().run_test(size=(120, 40), notifications=True) as pilot:
        game = await _game(pilot)
        game.selected = ("vm", "web-01")
        await pilot.press("n")
        await pilot.pause()
        n = len(game.controller.session.records)
        await pilot.click("#create")
        await pilot.pause()
        assert isinstance(pilot.app.screen, SnapshotScreen)
        assert any("one-word name" in x.message for x in pilot.app._notifications)
        pilot.app.screen.query_one(Input).value = "s1"
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.screen is game and len(game.controller.session.records) == n


async def test_vm_table_and_datastores_show_the_snapshots():
    async with _app().run_test(size=(160, 50)) as pilot:
        game = await _game(pilot)
        table = game.query_one(VmTable)
        assert "snap" not in table.columns  # no column until there is a snapshot
        game.step(30)
        game.submit("snapshot create db-01 s1 --memory")
        game.step(300)
        await pilot.pause()
        assert "snap" in table.columns
        view = game.controller.view()
        i = view.vms.names.index("db-01")
        size = float(view.vms.snap_gib[i])
        assert view.vms.snap_count[i] == 1 and size >= 32  # at least its 32 GiB memory file
        ds = next(d for d in view.datastores if d.name == "ds-gold")
        assert ds.snapshots == pytest.approx(size)
        panel = game.query_one(DatastoresPanel)
        assert str(panel.border_subtitle).startswith("of which snapshots: ds-gold ")


def test_age_words():
    assert [age_text(s) for s in (45, 720, 12_600)] == ["45 s", "12 min", "3.5 h"]


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_dialog(snap_compare, size):
    assert snap_compare(_app(), terminal_size=size, run_before=_with_snapshots(open_dialog=True))


@pytest.mark.parametrize("size", SIZES)
def test_game_with_snapshots(snap_compare, size):
    # Small terminals: the datastores panel (2) and the VM table (4).
    assert snap_compare(_app(), terminal_size=size, run_before=_with_snapshots("2", "4"))


def test_alarms_panel_lists_deep_chains():
    from vdc.session.session import Session
    from vdc.sim.engine import Simulation
    from vdc.tui.widgets.alarms import active_alarms

    s = Session(Simulation(load_level(TROUBLE).level))
    s.advance_to(10)
    for k in range(4):
        assert s.submit(f"snapshot create web-01 s{k}").accepted
    s.advance_to(20)
    assert ("warning", "VM web-01 has a chain of 4 snapshots") in active_alarms(s.sim.view())
