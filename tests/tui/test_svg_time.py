"""SVG snapshots of the game told that its outcome is settled: the lost banner (level 01 idle,
the intranet past its 3 minutes of allowed downtime) and the won offer, at both sizes."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from tests.tui.conftest import SIZES, level_app, start, toasts, until
from vdc.tui.widgets.outcome import OutcomeBanner


def settled_at(t: float, *commands: str) -> Any:
    async def run_before(pilot: Pilot[Any]) -> None:
        game = await start(pilot)
        for c in commands:
            game.submit(c)
        game.step(t)
        await until(pilot, lambda: game.query_one(OutcomeBanner).display)
        await until(pilot, lambda: toasts(pilot.app))
        await pilot.pause()
        pilot.app.clear_notifications()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_game_lost_banner(snap_compare, size):
    assert snap_compare(level_app("01"), terminal_size=size, run_before=settled_at(200))
