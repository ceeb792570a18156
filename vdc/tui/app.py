"""Provides `VdcApp`: the title screen, briefings, the game and the debrief, wired together.

The app builds a `GameController` per level and hands it to the game screen; everything the
screens show comes from it. Dependencies are injected (`tick_interval=None` for tests: time then
only moves when a test steps it).
"""

from __future__ import annotations

from pathlib import Path

from textual.app import App

from vdc.scenario.loader import LevelError, LoadedLevel, level_from_model, load_level
from vdc.scenario.paths import find_level, list_levels
from vdc.tui.controller import TICK_S, GameController
from vdc.tui.palette import VdcCommands


class VdcApp(App[None]):
    """vdc in the terminal."""

    TITLE = "vdc"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {VdcCommands}
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        *,
        level: LoadedLevel | None = None,
        seed: int | None = None,
        tick_interval: float | None = TICK_S,
        saves_dir: Path | None = None,
        resume: Path | None = None,
        unlock_all: bool = False,
        replay: Path | None = None,
    ) -> None:
        super().__init__()
        self.unlock_all = unlock_all
        """Every campaign level open (`--all`), whatever the progress says."""
        self.initial_level = level
        self.initial_seed = seed
        self._saves_dir = saves_dir
        self.initial_resume = resume
        self.initial_replay = replay
        self.tick_interval = tick_interval
        self.controller: GameController | None = None
        self._current: tuple[LoadedLevel, int | None] | None = None

    def on_mount(self) -> None:
        from vdc.tui.screens.title import TitleScreen

        self.push_screen(TitleScreen())
        if self.initial_replay is not None:
            self.open_replay(self.initial_replay)
        elif self.initial_resume is not None:
            self.continue_game(self.initial_resume)
        elif self.initial_level is not None:
            self.open_loaded(self.initial_level, seed=self.initial_seed)

    @property
    def escape_to_minimize(self) -> bool:
        """Escape unzooms a zoomed panel, but not while the player types in a line (the `:`
        line, the VM filter): there Escape closes the line first."""
        from textual.widgets import Input

        return super().escape_to_minimize and not isinstance(self.focused, Input)

    def saves_directory(self) -> Path:
        """Where saves go (`--saves-dir`, `VDC_SAVES_DIR`, or the user data directory)."""
        from vdc.session.paths import saves_dir

        return saves_dir(self._saves_dir)

    def continue_game(self, path: Path) -> None:
        """Re-simulate a save up to where it stopped and play on from there."""
        from vdc.session.save import SaveError, load
        from vdc.tui.screens.game import GameScreen

        try:
            saved = load(path)
            controller = GameController.resume(saved)
        except SaveError as e:
            self.notify(str(e), title="Cannot continue", severity="error", markup=False)
            return
        from vdc.session import settings
        from vdc.session.paths import game_of

        controller.pause_while_typing = settings.load().pause_while_typing
        controller.save_game = game_of(path)  # the same game: it goes on in its own saves
        loaded = LoadedLevel(saved.level, None, saved.level_hash, None)
        self._current = (loaded, saved.seed)
        self.controller = controller
        self.push_screen(GameScreen(controller, tick_interval=self.tick_interval))

    def open_replay(self, path: Path) -> None:
        """Watch a save again: the game screen, read-only, with transport and a timeline."""
        from vdc.session.save import SaveError, load
        from vdc.tui.replay_controller import ReplayController
        from vdc.tui.screens.replay import ReplayScreen

        try:
            controller = ReplayController(load(path), path=Path(path))
        except SaveError as e:
            self.notify(str(e), title="Cannot replay", severity="error", markup=False)
            return
        self.controller = controller
        self.push_screen(ReplayScreen(controller, tick_interval=self.tick_interval))

    # ------------------------------------------------------------------ navigation
    def open_briefing(self, ref: str) -> None:
        try:
            loaded = load_level(find_level(ref))
        except LevelError as e:
            self.notify(str(e), title="Cannot open level", severity="error", markup=False)
            return
        self.open_loaded(loaded)

    def open_sandbox(self, size: str, seed: int) -> None:
        from vdc.scenario.sandbox import generate

        self.open_loaded(level_from_model(generate(size, seed)))

    def open_loaded(self, loaded: LoadedLevel, *, seed: int | None = None) -> None:
        from vdc.tui.screens.briefing import BriefingScreen

        self.push_screen(BriefingScreen(loaded, seed=seed))

    def start_level(self, loaded: LoadedLevel, *, seed: int | None = None, hints: bool = True) -> None:
        """Leave the briefing for a fresh game of `loaded`."""
        from vdc.tui.screens.game import GameScreen

        self._current = (loaded, seed)
        from vdc.session import settings

        self.controller = GameController(
            loaded.level, seed=seed, content_hash=loaded.content_hash, hints=hints
        )
        self.controller.pause_while_typing = settings.load().pause_while_typing
        self.switch_screen(GameScreen(self.controller, tick_interval=self.tick_interval))

    def restart_level(self) -> None:
        """The same level again from its start (the lost banner's `r`), hints as before."""
        if self._current is None:
            return
        hints = self.controller.hints_on if self.controller is not None else True
        self.start_level(self._current[0], seed=self._current[1], hints=hints)

    def show_debrief(self, controller: GameController) -> None:
        from vdc.session import progress
        from vdc.tui.screens.debrief import DebriefScreen

        report, series = controller.report()
        # A finished game of a shipped level counts towards the campaign (not `vdc run`), once:
        # a finished save opened again is looked at, not played.
        warning = None if controller.over_when_opened else progress.record_campaign_result(report)
        if warning:
            self.notify(warning, title="Progress", severity="warning", timeout=10, markup=False)
        nxt = self._next_level()
        if nxt is not None and nxt.stem in progress.prerequisites(
            list(progress.campaign_ids()), progress.load(), unlock_all=self.unlock_all
        ):
            nxt = None  # not won yet: Next stays hidden until the level opens
        self.push_screen(DebriefScreen(report, series, has_next=nxt is not None), self._after_debrief)

    def _after_debrief(self, choice: str | None) -> None:
        """Retry: the same briefing again. Next: the next level's briefing. Menu: the title."""
        from vdc.tui.screens.briefing import BriefingScreen

        assert self._current is not None
        loaded, seed = self._current
        nxt = self._next_level()
        if choice == "retry":
            self.switch_screen(BriefingScreen(loaded, seed=seed))
        elif choice == "next" and nxt is not None:
            try:
                self.switch_screen(BriefingScreen(load_level(nxt)))
            except LevelError as e:
                self.notify(str(e), title="Cannot open level", severity="error", markup=False)
                self.leave_level()
        else:
            self.leave_level()

    def leave_level(self) -> None:
        """Back to the title screen, dropping the running level."""
        from vdc.tui.screens.title import TitleScreen

        self.controller = None
        while len(self.screen_stack) > 1 and not isinstance(self.screen, TitleScreen):
            self.pop_screen()

    def _next_level(self) -> Path | None:
        if self._current is None or self._current[0].path is None:
            return None
        levels = list_levels()
        path = self._current[0].path.resolve()
        for i, p in enumerate(levels):
            if p.resolve() == path and i + 1 < len(levels):
                return levels[i + 1]
        return None
