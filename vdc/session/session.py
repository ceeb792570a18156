"""Provides `Session`: the only way anything advances a simulation or submits commands.

The headless runner, the TUI and (later) replays all drive the simulation through a session,
so a command given at sim time t has the same effect in all of them. A command submitted at t
is applied after every event before t and before any event at t, and is recorded with its
time and verdict.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from vdc.sim.commands import Command, format_command, parse
from vdc.sim.dispatch import execute
from vdc.sim.engine import Simulation


@dataclass(frozen=True, slots=True)
class CommandRecord:
    """A submitted command: when, its canonical text, and what became of it."""

    t: float
    text: str
    accepted: bool
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"t": self.t, "text": self.text, "accepted": self.accepted, "message": self.message}


@dataclass(frozen=True, slots=True)
class SpeedChange:
    """The player changed the speed or paused at sim time t (kept for faithful viewing only:
    speed never changes what the simulation does)."""

    t: float
    speed: int
    paused: bool

    def as_dict(self) -> dict[str, object]:
        return {"t": self.t, "speed": self.speed, "paused": self.paused}


class Session:
    """Advances one `Simulation` and records every command given to it."""

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        self.records: list[CommandRecord] = []
        self.speed_changes: list[SpeedChange] = []
        self.player: str | None = None
        """Who played (it goes into the save; never into the simulation)."""
        self.caused_from: dict[int, int] = {}
        """Log index of an accepted command's `command` record → log index of the first record
        it caused. The simulation logs what a command does (`vmotion_queued`, …) and then the
        command itself; a reader that wants the command first (the game's event log) moves
        it there. The log itself, saves and `vdc run --json` keep the simulation's order."""

    def note_speed(self, speed: int, paused: bool) -> None:
        """Record the viewing speed (and pause) the player chose now, if it changed."""
        last = self.speed_changes[-1] if self.speed_changes else None
        if last is not None and (last.speed, last.paused) == (speed, paused):
            return
        change = SpeedChange(round(self.sim.now, 3), speed, paused)
        if last is not None and last.t == change.t:
            self.speed_changes[-1] = change  # several key presses at one moment: the last counts
        else:
            self.speed_changes.append(change)

    @property
    def now(self) -> float:
        return self.sim.now

    @property
    def ended(self) -> bool:
        return self.sim.ended

    def advance_to(self, t: float) -> None:
        """Run the simulation up to sim time t (never past the level's end)."""
        self.sim.run_until(t)

    def advance(self, dt: float) -> None:
        self.advance_to(self.sim.env.now + dt)

    def submit(self, command: Command | str) -> CommandRecord:
        """Validate and apply a command now. Text is parsed first (CommandSyntaxError if bad)."""
        cmd = parse(command) if isinstance(command, str) else command
        before = len(self.sim.log)
        verdict = execute(self.sim, cmd)
        last = len(self.sim.log) - 1
        if verdict.accepted and last > before and self.sim.log.since(last)[0].kind == "command":
            self.caused_from[last] = before
        rec = CommandRecord(round(self.sim.now, 3), format_command(cmd), verdict.accepted, verdict.message)
        self.records.append(rec)
        return rec

    def play(self, timed: Iterable[tuple[float, Command]], until: float | None = None) -> None:
        """Submit each command at its time, then advance to `until` (default: the level's end)."""
        end = float(self.sim.duration if until is None else min(until, self.sim.duration))
        for t, cmd in timed:
            if t > end:
                break
            self.advance_to(t)
            if self.sim.ended:
                break
            self.submit(cmd)
        self.advance_to(end)

    @property
    def accepted(self) -> list[CommandRecord]:
        return [r for r in self.records if r.accepted]

    @property
    def rejected(self) -> list[CommandRecord]:
        return [r for r in self.records if not r.accepted]
