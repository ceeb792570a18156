"""The snapshot dialog (`n`), the VM table's Snap column and the datastores' snapshot share:
Pilot tests and SVG snapshots at 80×24 and 160×50 (a paused simulation stepped explicitly)."""

from __future__ import annotations

import pytest
from textual.widgets import Input, OptionList, Switch

from tests.tui.conftest import SIZES, TROUBLE, click, level_app, screen_of, start, toasts, until
from vdc.scenario.loader import load_level
from vdc.sim.snapshots.chain import age_text
from vdc.tui.app import VdcApp
from vdc.tui.screens.snapshot import SnapshotScreen
from vdc.tui.widgets.datastores import DatastoresPanel
from vdc.tui.widgets.eventlog import EventLogPanel
from vdc.tui.widgets.vms import VmTable


def _app() -> VdcApp:
    return level_app(TROUBLE)


def _with_snapshots(*keys: str, open_dialog: bool = False):
    """run_before: web-01 gets two snapshots (one with memory) 5 min apart, then t = 600."""

    async def run_before(pilot) -> None:
        game = await start(pilot)
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
            dialog = await screen_of(pilot, SnapshotScreen)
            dialog.query_one(Input).cursor_blink = False  # a steady picture
        await pilot.pause()
        log = game.query_one(EventLogPanel).rich_log
        # A steady picture: the log has scrolled to its newest line (a refresh later under load).
        await until(pilot, lambda: log.max_scroll_y and log.scroll_y >= log.max_scroll_y)
        pilot.app.clear_notifications()
        await pilot.pause()

    return run_before


async def test_dialog_creates_reverts_and_deletes_through_the_command_language():
    async with _app().run_test(size=(120, 40), notifications=True) as pilot:
        game = await start(pilot, 30)
        records = game.controller.session.records
        game.selected = ("vm", "db-01")
        await pilot.press("n")
        dialog = await screen_of(pilot, SnapshotScreen)
        assert not dialog.query_one(OptionList).display  # no snapshots yet
        await pilot.press(*"pre")
        dialog.query_one("#snap-memory", Switch).value = True
        await click(pilot, "#create")
        await until(pilot, lambda: len(records) == 1)
        rec = records[-1]
        assert rec.text == "snapshot create db-01 pre --memory" and rec.accepted
        game.step(60)
        game.submit("snapshot create db-01 post")
        await until(pilot, lambda: pilot.app.screen is game)
        await pilot.press("n")
        dialog = await screen_of(pilot, SnapshotScreen)
        assert [o.id for o in dialog.query_one(OptionList).options] == ["pre", "post"]
        assert dialog.chosen == "post"  # the newest is under the cursor
        dialog.query_one(OptionList).highlighted = 0
        await click(pilot, "#revert")
        await until(pilot, lambda: len(records) == 3 and pilot.app.screen is game)
        assert records[-1].text == "snapshot revert db-01 pre"
        assert [s.name for s in game.controller.sim.inv.vms["db-01"].snapshots] == ["pre"]
        await pilot.press("n")
        await screen_of(pilot, SnapshotScreen)
        await click(pilot, "#delete-all")
        await until(pilot, lambda: len(records) == 4)
        assert records[-1].text == "snapshot delete db-01 --all"
        assert game.controller.sim.tasks.active("consolidate")


async def test_dialog_needs_a_name_and_escape_gives_nothing():
    async with _app().run_test(size=(120, 40), notifications=True) as pilot:
        game = await start(pilot)
        game.selected = ("vm", "web-01")
        await pilot.press("n")
        dialog = await screen_of(pilot, SnapshotScreen)
        n = len(game.controller.session.records)
        await click(pilot, "#create")
        await until(pilot, lambda: any("one-word name" in m for m in toasts(pilot.app, "message")))
        assert pilot.app.screen is dialog
        assert any("one-word name" in m for m in toasts(pilot.app, "message"))
        dialog.query_one(Input).value = "s1"
        await pilot.press("escape")
        await until(pilot, lambda: pilot.app.screen is game)
        assert pilot.app.screen is game and len(game.controller.session.records) == n


async def test_vm_table_and_datastores_show_the_snapshots():
    async with _app().run_test(size=(160, 50)) as pilot:
        game = await start(pilot)
        table = game.query_one(VmTable)
        assert "snap" not in table.columns  # no column until there is a snapshot
        game.step(30)
        game.submit("snapshot create db-01 s1 --memory")
        game.step(300)
        await pilot.pause()
        assert "snap" in table.columns
        # …beside the columns it had, not instead of them (issue 12, bug 12)
        assert {"host", "power", "memory", "service", "health"} <= set(table.columns)
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
    alarms = [(a.severity, a.text) for a in active_alarms(s.sim.view())]
    assert ("warning", "VM web-01 has a chain of 4 snapshots") in alarms
