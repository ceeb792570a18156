"""The maintenance dialog of a vSAN host (key M): one row per data mode with what vSAN copies
off first and what stays at risk, refused modes with why; Enter gives `maintenance enter HOST
--vsan MODE` (issue 15). Level 14-hci: 3 vSAN hosts on, esx-04 off until powered on."""

from __future__ import annotations

import pytest

from tests.tui.conftest import SIZES, level_app, screen_of, start
from vdc.tui.screens.game import GameScreen
from vdc.tui.screens.maintenance import MaintenanceDialog


def _at(t: float, *, spare: bool):
    """14-hci at `t`, esx-04 powered on at 0 if `spare`, esx-01 selected, M pressed."""
    async def run_before(pilot) -> None:
        game = await start(pilot)
        if spare:
            game.submit("host power on esx-04")
        game.step(t)
        game.selected = ("host", "esx-01")
        await pilot.press("M")
        await screen_of(pilot, MaintenanceDialog)
        pilot.app.clear_notifications()
        await pilot.pause()

    return run_before


async def test_three_hosts_refuse_full_evacuation_and_enter_gives_the_flag():
    app = level_app("14-hci")
    async with app.run_test(size=(160, 50)) as pilot:
        await _at(60, spare=False)(pilot)
        dialog = app.screen
        assert isinstance(dialog, MaintenanceDialog)
        rows = {r.mode: r for r in dialog.rows}
        assert "every other host up already holds a component" in rows["full-evacuation"].refusal
        assert rows["ensure-accessibility"].refusal == "" and rows["ensure-accessibility"].copies == 0
        assert "reduced availability" in rows["no-data-migration"].risk
        await pilot.press("enter")  # the default, ensure-accessibility, is highlighted
        game = await screen_of(pilot, GameScreen)
        records = game.controller.session.records
        assert records[-1].text == "maintenance enter esx-01 --vsan ensure-accessibility"
        assert records[-1].accepted


async def test_four_hosts_offer_full_evacuation_and_escape_gives_nothing():
    app = level_app("14-hci")
    async with app.run_test(size=(160, 50)) as pilot:
        await _at(200, spare=True)(pilot)
        dialog = app.screen
        assert isinstance(dialog, MaintenanceDialog)
        full = next(r for r in dialog.rows if r.mode == "full-evacuation")
        assert full.refusal == "" and full.copies == 4 and full.risk == ""
        await pilot.press("escape")
        game = await screen_of(pilot, GameScreen)
        assert [r.text for r in game.controller.session.records] == ["host power on esx-04"]


@pytest.mark.parametrize("size", SIZES)
def test_maintenance_dialog_three_hosts(snap_compare, size):
    """✖ full-evacuation with why (every other host holds a component; 3-host clusters allow
    only ensure-accessibility), ✔ ensure-accessibility highlighted, ✔ no-data-migration."""
    assert snap_compare(level_app("14-hci"), terminal_size=size, run_before=_at(60, spare=False))


@pytest.mark.parametrize("size", SIZES)
def test_maintenance_dialog_four_hosts(snap_compare, size):
    """✔ full-evacuation: copies 4 components to esx-04 with the time it takes."""
    assert snap_compare(level_app("14-hci"), terminal_size=size, run_before=_at(200, spare=True))


def _evacuating(pilot_t: float = 420):
    """14-hci played as the reference to 0:07:00: esx-04 up, esx-01 fully evacuating (four
    components copied to esx-04 at its 400 MB/s), the Datastores panel in front."""
    async def run_before(pilot) -> None:
        game = await start(pilot)
        game.submit("host power on esx-04")
        game.step(190)
        game.submit("vmotion web-01 esx-03")
        game.step(10)
        game.submit("maintenance enter esx-01 --vsan full-evacuation")
        game.step(pilot_t - 200)
        await pilot.press("2")
        pilot.app.clear_notifications()
        await pilot.pause()

    return run_before


async def test_the_game_shows_the_evacuation_as_a_resync_with_every_object_whole():
    app = level_app("14-hci")
    async with app.run_test(size=(80, 24)) as pilot:
        await _evacuating()(pilot)
        game = app.screen
        assert isinstance(game, GameScreen)
        v = next(d.vsan for d in game.controller.view().datastores if d.vsan is not None)
        assert (v.objects, v.compliant, v.reduced) == (4, 4, 0) and v.resyncing > 0
        text = str(game.query_one("#vsan").render())
        assert "4/4 hosts up" in text and "✓ 4/4 ok" in text and "resync" in text


@pytest.mark.parametrize("size", SIZES)
def test_game_during_the_evacuation(snap_compare, size):
    """The Datastores panel in the game while esx-01's components are copied to esx-04:
    `4/4 hosts up`, `✓ 4/4 ok`, `resync N: x%, m:ss left`; the Tasks show the copies."""
    assert snap_compare(level_app("14-hci"), terminal_size=size, run_before=_evacuating())
