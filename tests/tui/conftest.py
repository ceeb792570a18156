"""Helpers shared by the TUI tests: apps on a paused simulation, starting a level, waiting for
what a key or a click does, reading toasts, and one panel alone in an app.

Time never moves by itself here (`tick_interval=None`): tests step the simulation explicitly.
Under load (`pytest -n 2` on a busy machine) one `pilot.pause()` is not always enough for a
key or a click to have its effect — a click travels from the screen to the button, the button
posts `Pressed`, which bubbles up to the dialog — so a test waits for what it expects with
`until` (a bounded number of pauses, never a blind sleep) and then asserts it.

Import the helpers with `from tests.tui.conftest import …`.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, Literal, TypeVar

import pytest
from textual.app import App, ComposeResult
from textual.message import Message
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button

# The test modules of tests/ import their builders as `from conftest import …`, and "conftest"
# is whichever conftest.py pytest loaded last — this one, when a run names files of both
# directories. So this one offers them too.
from tests.conftest import *  # noqa: F403 - the top-level helpers, for `from conftest import …`
from tests.conftest import campaign_dir
from vdc.scenario.loader import LoadedLevel, level_from_model, load_level
from vdc.scenario.paths import find_level
from vdc.scenario.schema import Level
from vdc.sim.events import EventRecord
from vdc.sim.view import SimView
from vdc.tui.app import VdcApp
from vdc.tui.screens.briefing import BriefingScreen
from vdc.tui.screens.game import GameScreen
from vdc.tui.widgets.panel import Panel

LEVELS = Path(__file__).resolve().parent.parent / "data" / "levels"
"""The test levels (tests/data/levels)."""
TROUBLE = LEVELS / "tui-trouble.toml"
"""A small datacenter in trouble: an uplink dies at 100 s, a host fails at 200 s, a datastore
fills at 300 s."""
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 50), id="160x50")]
"""The two terminal sizes every screen is drawn at: the smallest supported and a roomy one."""

PAUSES = 200
"""Most pauses `until` waits (each lets every widget handle what it was sent; ≥ 20 ms)."""

ScreenT = TypeVar("ScreenT", bound=Screen[Any])
RunBefore = Callable[[Pilot[Any]], Coroutine[Any, Any, None]]


# --------------------------------------------------------------------------- apps


def level_app(level: str | Path | Level | LoadedLevel = "01", **kw: Any) -> VdcApp:
    """The app at the briefing of `level` (a level id or prefix, a file, a model), paused."""
    if isinstance(level, str):
        level = find_level(level)
    if isinstance(level, Path):
        level = load_level(level)
    if isinstance(level, Level):
        level = level_from_model(level)
    return VdcApp(level=level, tick_interval=None, **kw)


@pytest.fixture
def campaign(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The campaign is the sandbox and 01-first-light, 02-second-wind, 03-third-rail (copies of
    level 01), so there is something to unlock; its directory."""
    from vdc.scenario import paths

    d = campaign_dir(tmp_path)
    monkeypatch.setattr(paths, "levels_dir", lambda: d)
    return d


# --------------------------------------------------------------------------- waiting


async def until(pilot: Pilot[Any], condition: Callable[[], object], *, pauses: int = PAUSES) -> None:
    """Pause until `condition()` holds, at most `pauses` times; the caller then asserts it."""
    for _ in range(pauses):
        if condition():
            return
        await pilot.pause()


async def screen_of(pilot: Pilot[Any], kind: type[ScreenT]) -> ScreenT:
    """Wait until the app shows a `kind` screen, composed and mounted; that screen."""
    await until(pilot, lambda: isinstance(pilot.app.screen, kind) and pilot.app.screen.is_mounted)
    screen = pilot.app.screen
    assert isinstance(screen, kind), f"{type(screen).__name__} is shown, not {kind.__name__}"
    return screen


async def click(pilot: Pilot[Any], selector: str) -> None:
    """Click the widget `selector` of the current screen; a button, once it takes clicks again.

    A pressed `Button` ignores clicks while it shows its press (0.2 s, on a timer that runs
    late under load), so a second click on it too soon would do nothing.
    """
    widget = pilot.app.screen.query_one(selector)
    if isinstance(widget, Button):
        await until(pilot, lambda: not widget.has_class("-active"))
    assert await pilot.click(selector), f"the click on {selector} landed on something else"


async def start(pilot: Pilot[Any], t: float = 0.0) -> GameScreen:
    """From the briefing, press Enter to start the level; step to sim time `t`; the game."""
    await screen_of(pilot, BriefingScreen)
    await pilot.press("enter")
    game = await screen_of(pilot, GameScreen)
    if t:
        game.step(t)
        await pilot.pause()
    return game


def game_at(
    t: float,
    *keys: str,
    select: tuple[str, str] | None = None,
    shows: type[Screen[Any]] | None = None,
) -> RunBefore:
    """An SVG test's `run_before`: start the level, step to `t`, select `select`, press `keys`,
    wait for a `shows` screen (a dialog the keys open), then drop the toasts."""

    async def run_before(pilot: Pilot[Any]) -> None:
        game = await start(pilot, t)
        if select is not None:
            game.selected = select
        if keys:
            await pilot.press(*keys)
            await pilot.pause()
        if shows is not None:
            await screen_of(pilot, shows)
        pilot.app.clear_notifications()
        await pilot.pause()

    return run_before


# --------------------------------------------------------------------------- toasts


def toasts(app: App[Any], part: Literal["both", "title", "message"] = "both") -> list[str]:
    """The toasts showing now, oldest first, as "title: message" (or only their titles, or
    only their messages)."""
    shown = list(app._notifications)
    if part == "title":
        return [n.title for n in shown]
    if part == "message":
        return [n.message for n in shown]
    return [f"{n.title}: {n.message}" for n in shown]


# --------------------------------------------------------------------------- one panel


class PanelApp(App[None]):
    """Composes one panel, shows it a view (and events), and records what it posts.

    `focus`: "auto" lets Textual focus the first widget that takes focus (before the view is
    shown); "panel" focuses the panel once it shows the view; "none" leaves focus alone.
    """

    CSS = """
    Screen { background: $background; }
    """
    AUTO_FOCUS = None

    def __init__(
        self,
        panel: Widget,
        view: SimView | None = None,
        *,
        events: list[EventRecord] | None = None,
        sort: str | None = None,
        box: tuple[int, int] | None = None,
        setup: Callable[[Any], None] | None = None,
        focus: Literal["auto", "panel", "none"] = "auto",
    ) -> None:
        super().__init__()
        self.panel = panel
        self.view = view
        self.events = events
        self.sort = sort
        self.box = box
        """(width, height) of the panel, as in the game's grid on a small terminal."""
        self.setup = setup
        self.focus_panel = focus == "panel"
        if focus == "auto":
            self.AUTO_FOCUS = "*"
        self.posted: list[tuple[str, str]] = []
        """(kind, name) of each `Panel.Selected`; ("leaked", type) of a table's own message."""
        self.senders: list[object] = []
        """The `control` of each `Panel.Selected`."""

    @property
    def picked(self) -> list[str]:
        """The names the panel posted as selected, in order."""
        return [name for kind, name in self.posted if kind != "leaked"]

    def compose(self) -> ComposeResult:
        yield self.panel

    def on_mount(self) -> None:
        from vdc.tui.widgets.eventlog import EventLogPanel
        from vdc.tui.widgets.vms import VmTable

        if self.box is not None:
            self.panel.styles.width, self.panel.styles.height = self.box
        if self.sort is not None and isinstance(self.panel, VmTable):
            self.panel.sort_by(self.sort)
        if self.view is not None and isinstance(self.panel, Panel):
            self.panel.show(self.view)
        if self.events is not None and isinstance(self.panel, EventLogPanel):
            self.panel.add_events(self.events)
        if self.setup is not None:
            self.setup(self.panel)
        if self.focus_panel:
            self.panel.focus()

    def on_panel_selected(self, message: Panel.Selected) -> None:
        self.posted.append((message.kind, message.name))
        self.senders.append(message.control)

    def on_data_table_row_highlighted(self, message: Message) -> None:
        self.posted.append(("leaked", type(message).__name__))
