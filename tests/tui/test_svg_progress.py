"""SVG snapshots of the campaign list with progress (one level won, one played, one locked),
at 80×24 and 160×50. Look at the pictures before accepting new baselines (tests/tui/README.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import campaign_dir

from vdc.scenario import paths
from vdc.session import progress as prog
from vdc.tui.app import VdcApp

ROOT = Path(__file__).resolve().parents[2]
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 50), id="160x50")]


@pytest.fixture
def campaign(tmp_path: Path, monkeypatch) -> None:
    """The sandbox and three copies of level 01; 01 won with 3 stars, 02 lost, 03 locked."""
    d = campaign_dir(tmp_path)
    monkeypatch.setattr(paths, "levels_dir", lambda: d)
    base = {"seed": 1, "level_hash": "h"}
    prog.record(base | {"level": "01-first-light", "outcome": "won", "score": 97.5, "stars": 3})
    prog.record(base | {"level": "02-second-wind", "outcome": "lost", "score": 55.0, "stars": 0})


async def _campaign(pilot) -> None:
    await pilot.press("enter")
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_campaign_with_progress(snap_compare, campaign, size):
    assert snap_compare(VdcApp(tick_interval=None), terminal_size=size, run_before=_campaign)


@pytest.mark.parametrize("size", SIZES)
def test_campaign_all_unlocked(snap_compare, campaign, size):
    app = VdcApp(tick_interval=None, unlock_all=True)
    assert snap_compare(app, terminal_size=size, run_before=_campaign)
