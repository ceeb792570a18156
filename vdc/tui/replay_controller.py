"""Provides `ReplayController`: the game controller of the replay viewer (read-only).

It drives a `Replayer` instead of taking commands: time moves the recording on (each recorded
command given at its time, through the same session code as live play), and transport moves
it anywhere. The game screen reads it exactly as it reads a live game.
"""

from __future__ import annotations

from pathlib import Path

from vdc.session.replayer import Marker, Replayer
from vdc.session.save import Save, SavedCommand
from vdc.session.session import CommandRecord
from vdc.sim.commands import Command
from vdc.tui.controller import TICK_S, GameController

REPLAY_SPEEDS = (1, 2, 4, 8, 16, 32, 64)
"""Sim-seconds per wall-second at each speed step of the viewer."""

SEEK_STEP_S = 60.0
"""What `[` and `]` jump back and forward."""


class ReplayRefused(Exception):
    """A command given to a replay: it shows what was played and takes no commands."""


class ReplayController(GameController):
    """Speed, pause and transport over a save being played back."""

    speeds = REPLAY_SPEEDS
    read_only = True

    def __init__(self, saved: Save, *, path: Path | None = None) -> None:
        self.replayer = Replayer(saved)
        super().__init__(
            saved.level, content_hash=saved.level_hash, hints=False, session=self.replayer.session
        )
        self.path = path
        self.pause_on = ()
        self.follow_recorded = False
        """Play at the speed the player watched at (from the save's speed changes)."""
        self._announced = 0
        """Recorded commands up to here were shown to the viewer (or skipped by a seek)."""
        self.restarts = 0
        """Times the simulation started again (a seek back): what was read before is stale."""

    # ------------------------------------------------------------------ time
    @property
    def ended(self) -> bool:
        return self.replayer.at_end

    @property
    def end(self) -> float:
        return self.replayer.end

    @property
    def markers(self) -> list[Marker]:
        return self.replayer.markers

    def tick(self, wall_s: float = TICK_S) -> bool:
        if self.follow_recorded and not self.paused:
            recorded = self.replayer.speed_at(self.now)
            if recorded in self.speeds:
                self.speed_index = self.speeds.index(recorded)
        return super().tick(wall_s)

    def step(self, sim_s: float) -> None:
        self.replayer.advance_to(self.now + sim_s)
        if self.ended:
            self.paused = True

    def _note_speed(self) -> None:
        """Watching a replay records nothing."""

    # ------------------------------------------------------------------ transport
    def seek(self, t: float) -> bool:
        """Jump to `t`; True if the simulation started again (the screen must redraw all).

        What happens on the way is history: it reaches the log, not the toasts.
        """
        restarted = self.replayer.seek(t)
        self.session = self.replayer.session
        self.sim = self.session.sim
        if restarted:
            self.restarts += 1
            self._log_seen = 0
            self._viewed = None
        self.history_until = self.now
        self._announced = self.replayer.given
        if self.ended:
            self.paused = True
        return restarted

    def new_commands(self) -> list[SavedCommand]:
        """Recorded commands given since the last call (not those a seek jumped over)."""
        given = self.replayer.commands[self._announced:self.replayer.given]
        self._announced = self.replayer.given
        return given

    def seek_by(self, dt: float) -> bool:
        return self.seek(self.now + dt)

    def next_action(self) -> float | None:
        """Go to the next recorded command (it is given on arrival); its time, or None."""
        t = self.replayer.next_action()
        if t is not None:
            self._land_on(t)
        return t

    def previous_action(self) -> float | None:
        """Go back to the previous recorded command (re-simulating from t=0); its time."""
        t = self.replayer.previous_action()
        if t is not None:
            self._land_on(t)
        return t

    def _land_on(self, t: float) -> None:
        """Seek to a command's time, paused, with the commands given there still to tell."""
        self.seek(t)
        self.paused = True
        self._announced = min(self._announced, self.replayer.first_index_at(t))

    # ------------------------------------------------------------------ acting
    def submit(self, command: Command | str) -> CommandRecord:
        raise ReplayRefused(
            "This is a replay: it shows what was played and takes no commands. "
            "To play on from a save, continue it (vdc continue SAVE)."
        )

    def save(self, path: Path) -> None:
        raise ReplayRefused("A replay is not saved: the save it plays is already on disk.")
