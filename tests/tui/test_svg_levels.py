"""SVG snapshots of every campaign level: its briefing, and the debrief of its reference
solution played in the game (a won run, ★★★), at 80×24 and 160×50. A new level gets its
baselines with `pytest tests/tui/test_svg_levels.py --snapshot-update` — look at them first
(tests/tui/README.md)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from tests.tui.conftest import SIZES, level_app, screen_of, start
from vdc.scenario.paths import levels_dir, list_levels
from vdc.session.actions import load_actions
from vdc.tui.screens.debrief import DebriefScreen

CAMPAIGN = [p.stem for p in list_levels() if not p.stem.startswith("00")]
SOLVED = [stem for stem in CAMPAIGN if (levels_dir() / "solutions" / f"{stem}.txt").is_file()]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("level_id", CAMPAIGN)
def test_briefing(snap_compare, level_id: str, size):
    assert snap_compare(level_app(level_id), terminal_size=size)


def _reference_played(level_id: str):
    """Play the level's reference script in the game, command by command, to its debrief."""
    actions = load_actions(levels_dir() / "solutions" / f"{level_id}.txt")

    async def run_before(pilot: Pilot[Any]) -> None:
        game = await start(pilot)
        for a in actions:
            if a.t > game.controller.now:
                game.step(a.t - game.controller.now)
            record = game.submit(str(a.command))
            assert record is not None and record.accepted, record
        game.step(game.controller.sim.duration)
        await screen_of(pilot, DebriefScreen)
        pilot.app.clear_notifications()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("level_id", SOLVED)
def test_won_debrief(snap_compare, level_id: str, size):
    assert snap_compare(level_app(level_id), terminal_size=size,
                        run_before=_reference_played(level_id))
