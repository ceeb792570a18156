"""Provides `VdcApp`: the title screen, briefings, the game and the debrief, wired together.

The app builds a `GameController` per level and hands it to the game screen; everything the
screens show comes from it. Dependencies are injected (`tick_interval=None` for tests: time then
only moves when a test steps it).
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode

from vdc.gcpause import Lasting
from vdc.scenario.loader import LevelError, LoadedLevel, level_from_model, load_level
from vdc.scenario.paths import find_level, list_levels
from vdc.session import save_writer
from vdc.session.pack import Exam
from vdc.tui.actions import WEB_DOWNLOAD_KEY, WEB_PALETTE_KEY, show_web_keys
from vdc.tui.controller import TICK_S, GameController
from vdc.tui.exam import WallClock, exam_speeds
from vdc.tui.palette import VdcCommands


class VdcApp(App[None]):
    """vdc in the terminal."""

    TITLE = "vdc"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {VdcCommands}
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [Binding(WEB_DOWNLOAD_KEY, "download_save", "download", show=False,
                        key_display=WEB_DOWNLOAD_KEY.upper(),
                        tooltip="Download the game's save (to keep it, or hand it in)")]

    big_game_vms = 5_000
    """From this many VMs a game's objects are kept out of the collector's sight while it is
    played (`Lasting`): below it a full collection takes a few ms and nothing is gained."""
    served = False
    """Played in a browser (`vdc serve`, `ServedApp`): the player names themselves first,
    saves go to their own folder, and keys the browser keeps for itself have alternatives."""

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
        player: str | None = None,
        exam: Exam | None = None,
        wall_clock: WallClock = time.monotonic,
    ) -> None:
        super().__init__()
        self.exam = exam
        """Exam mode (`vdc play --exam PACK`): no hints, the pack's speed and time limits."""
        self.wall_clock = wall_clock
        """What the exam's countdown reads (tests give their own; the simulation never)."""
        if self.served:
            keys = self._bindings.key_to_bindings
            keys[WEB_DOWNLOAD_KEY] = [dataclasses.replace(b, show=True) for b in keys[WEB_DOWNLOAD_KEY]]
        self.player = player
        """Who plays (`--player`, the browser session's name, else the OS user); it goes into
        the saves and their names. None while a served session has not asked yet."""
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
        self.lasting = Lasting()
        """The collector's view of the big level and game being played (see `opening`)."""
        if level is not None:
            self._level_lasts(level)

    def on_mount(self) -> None:
        if self.served and self.player is None:
            from vdc.tui.screens.player import PlayerScreen

            self.push_screen(PlayerScreen(), self._named)
            return
        self._open()

    def _named(self, name: str | None) -> None:
        """A served session's player has named themselves: their own folder, then the title."""
        import os

        from vdc.session.paths import SavesDirError, player_dir, saves_dir

        self.player = name or "player"
        try:  # progress and settings per player too (this process serves this one player)
            os.environ["VDC_DATA_DIR"] = str(player_dir(saves_dir(self._saves_dir), self.player))
        except SavesDirError as e:
            self.notify(str(e), title="Saves", severity="error", markup=False)
        self._open()

    def on_unmount(self) -> None:
        """The app ends: the autosaves handed over are written before it is gone."""
        save_writer.flush()
        self.lasting.release()

    def _level_lasts(self, loaded: LoadedLevel) -> None:
        """A big level was built (its briefing comes next): its objects are set aside."""
        if len(loaded.level.vms) >= self.big_game_vms:
            self.lasting.set_aside(game=False)

    def opening(self, controller: GameController) -> None:
        """A game was built for `controller` and its screen comes next: a big one is held out
        of collections until its first screen is drawn, then set aside (`Lasting`; the game
        screen calls `opened`)."""
        if len(controller.sim.inv.vms) >= self.big_game_vms:
            self.lasting.hold()
        else:
            self.lasting.release()

    def opened(self) -> None:
        """The game screen has drawn its first view: a held game's objects are set aside."""
        if self.lasting.held:
            self.lasting.set_aside(game=True)

    def _open(self) -> None:
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
        """Where saves go (`--saves-dir`, `VDC_SAVES_DIR`, or the user data directory); served,
        the player's own folder in it."""
        from vdc.session.paths import player_dir, saves_dir

        root = saves_dir(self._saves_dir)
        return player_dir(root, self.player) if self.served and self.player else root

    def player_name(self) -> str:
        """Who plays: the name given, else the OS user."""
        from vdc.session.paths import os_player, player_name

        return player_name(self.player) or os_player()

    def show_web_keys(self, node: DOMNode) -> None:
        """Served: `node`'s footer keys are the ones a browser lets through."""
        if self.served:
            show_web_keys(node._bindings)

    def action_download_save(self) -> None:
        """Hand the player the game's save: in a browser a download, in a terminal a copy in
        the downloads folder. In a game it is saved first, so the file is up to date."""
        from vdc.tui.screens.game import GameScreen

        screen = self.screen
        path = None
        if isinstance(screen, GameScreen) and screen.autosaves:
            path = screen.save_now()
        elif self.controller is not None:
            path = getattr(self.controller, "last_save", None)
        if path is None or not Path(path).is_file():
            self.notify("No save yet: play a level first.", title="Download", markup=False)
            return
        self.deliver_binary(Path(path), save_filename=Path(path).name,
                            mime_type="application/octet-stream")
        self.notify(f"Downloading {Path(path).name}", title="Download", markup=False)

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
        controller.session.player = saved.player or self.player_name()
        loaded = LoadedLevel(saved.level, None, saved.level_hash, None)
        self._current = (loaded, saved.seed)
        self.controller = controller
        self.opening(controller)
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
        self.opening(controller)
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

        self._level_lasts(loaded)
        self.push_screen(BriefingScreen(loaded, seed=seed))

    def start_level(self, loaded: LoadedLevel, *, seed: int | None = None, hints: bool = True) -> None:
        """Leave the briefing for a fresh game of `loaded`."""
        from vdc.tui.screens.game import GameScreen

        self._current = (loaded, seed)
        from vdc.session import settings

        self.controller = GameController(
            loaded.level, seed=seed, content_hash=loaded.content_hash,
            hints=hints and self.exam is None,
        )
        if self.exam is not None:
            self.controller.speeds = exam_speeds(self.exam)
        self.controller.pause_while_typing = settings.load().pause_while_typing
        self.controller.session.player = self.player_name()
        self.opening(self.controller)
        self.switch_screen(GameScreen(self.controller, tick_interval=self.tick_interval))

    def restart_level(self) -> None:
        """The same level again from its start (the lost banner's `r`), hints as before."""
        if self._current is None:
            return
        hints = self.controller.hints_on if self.controller is not None else True
        self.start_level(self._current[0], seed=self._current[1], hints=hints)

    def show_debrief(self, controller: GameController) -> None:
        from vdc.session import progress
        from vdc.session.debrief import teach
        from vdc.tui.screens.debrief import DebriefScreen

        report, series = controller.report()
        report = {**report, **teach(controller.session)}
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
        self.push_screen(DebriefScreen(report, series, has_next=nxt is not None,
                                       can_retry=self.exam is None), self._after_debrief)

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
        from vdc.tui.screens.game import GameScreen
        from vdc.tui.screens.title import TitleScreen

        for screen in self.screen_stack:  # the autosaves are there when the title looks
            if isinstance(screen, GameScreen):
                screen.finish_writes()
        save_writer.flush()
        self.controller = None
        self.lasting.release()
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


class ServedApp(VdcApp):
    """vdc in a browser tab (`vdc serve`): one player, their own folder, browser-safe keys."""

    served = True
    COMMAND_PALETTE_BINDING = WEB_PALETTE_KEY  # the browser keeps Ctrl+P for printing
    COMMAND_PALETTE_DISPLAY = WEB_PALETTE_KEY.upper()
