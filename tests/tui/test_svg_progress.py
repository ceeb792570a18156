"""SVG snapshots of the campaign list with progress (one level won, one played, one locked),
at 80×24 and 160×50. Look at the pictures before accepting new baselines (tests/tui/README.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tui.conftest import SIZES, screen_of
from vdc.session import progress as prog
from vdc.tui.app import VdcApp
from vdc.tui.screens.title import CampaignScreen


@pytest.fixture
def played(campaign: Path) -> None:
    """The sandbox and three copies of level 01; 01 won with 3 stars, 02 lost, 03 locked."""
    base = {"seed": 1, "level_hash": "h"}
    prog.record(base | {"level": "01-first-light", "outcome": "won", "score": 97.5, "stars": 3})
    prog.record(base | {"level": "02-second-wind", "outcome": "lost", "score": 55.0, "stars": 0})


async def _campaign(pilot) -> None:
    await pilot.press("enter")
    await screen_of(pilot, CampaignScreen)


@pytest.mark.parametrize("size", SIZES)
def test_campaign_with_progress(snap_compare, played, size):
    assert snap_compare(VdcApp(tick_interval=None), terminal_size=size, run_before=_campaign)


@pytest.mark.parametrize("size", SIZES)
def test_campaign_all_unlocked(snap_compare, played, size):
    app = VdcApp(tick_interval=None, unlock_all=True)
    assert snap_compare(app, terminal_size=size, run_before=_campaign)
