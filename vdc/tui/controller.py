"""Provides `GameController`: the TUI's only handle on a running level.

It owns the `Session` (so every command and every advance of time goes through the same code as
headless runs and replays), the speed and the pause state, and hands the screens read-only
data: snapshots, new event records, objective statuses, hints that fired. It knows nothing of
Textual: the game screen calls `tick()` from a Textual timer, tests call `step()` explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from vdc.scenario import schema
from vdc.scenario.event_kinds import EVENT_KINDS
from vdc.session.runner import result
from vdc.session.save import Save
from vdc.session.save import save as write_save
from vdc.session.session import CommandRecord, Session
from vdc.session.verify import replay
from vdc.sim.commands import Command
from vdc.sim.engine import Simulation
from vdc.sim.events import EventRecord
from vdc.sim.moves import svmotion, vmotion
from vdc.sim.moves.svmotion import DatastoreRow
from vdc.sim.moves.vmotion import TargetRow
from vdc.sim.objectives import ObjectiveStatus, score
from vdc.sim.view import SimView, ViewCache

SPEEDS = (1, 2, 4, 8, 16)
"""Sim-seconds per wall-second at each speed step."""

TICK_S = 0.25
"""Wall seconds between two timer ticks (4 Hz)."""

TOAST_KINDS = frozenset(k.name for k in EVENT_KINDS.values() if k.toast)
"""Event kinds important enough to raise a toast (marked in the catalogue)."""


@dataclass(frozen=True, slots=True)
class FiredHint:
    t: float
    text: str


class GameController:
    """Speed, pause and the session of one level being played."""

    speeds: tuple[int, ...] = SPEEDS
    """The speed steps `faster` and `slower` walk through."""
    read_only = False
    """A replay shows what was played and takes no commands."""

    def __init__(
        self,
        level: schema.Level,
        *,
        seed: int | None = None,
        content_hash: str = "",
        hints: bool = True,
        session: Session | None = None,
    ) -> None:
        self.level = level
        self.content_hash = content_hash
        self.session = session if session is not None else Session(Simulation(level, seed=seed))
        self.sim = self.session.sim
        self.speed_index = 0
        self.paused = True
        self.hints_on = hints
        self._log_seen = 0
        self._viewed: tuple[int, int, int, int] | None = None
        self._view_cache = ViewCache()
        """The parts of the last views worth keeping (the renderer's, never the model's)."""
        self.history_until = -1.0
        """Events before this sim time are replayed history (a continued game): log only."""
        self._hints_left = list(level.level.hints) if hints else []
        self.pause_on = tuple(level.level.pause_on)
        self.started = datetime.now()
        """When the player began (or continued) this game: it names a new game's saves."""
        self.save_game: str | None = None
        """The game the saves go to (`vdc.session.paths`): a continued game's own, or None
        for a new game (named at its first save)."""
        self.over_when_opened = False
        """The game was already over when it was opened (a finished save continued): looking
        at it again is not another game played, and writes no save."""

    # ------------------------------------------------------------------ time
    @property
    def speed(self) -> int:
        return self.speeds[self.speed_index]

    @property
    def now(self) -> float:
        return self.sim.now

    @property
    def ended(self) -> bool:
        return self.sim.ended

    def toggle_pause(self) -> bool:
        """Pause or resume; returns the new paused state. Commands work while paused."""
        if not self.ended:
            self.paused = not self.paused
            self._note_speed()
        return self.paused

    def faster(self) -> int:
        self.speed_index = min(len(self.speeds) - 1, self.speed_index + 1)
        self._note_speed()
        return self.speed

    def slower(self) -> int:
        self.speed_index = max(0, self.speed_index - 1)
        self._note_speed()
        return self.speed

    def _note_speed(self) -> None:
        """Keep the speed the player watches at in the save (it never changes the run)."""
        self.session.note_speed(self.speed, self.paused)

    def tick(self, wall_s: float = TICK_S) -> bool:
        """One timer tick: advance `wall_s × speed` sim-seconds unless paused. True if moved."""
        if self.paused or self.ended:
            return False
        self.step(wall_s * self.speed)
        return True

    def step(self, sim_s: float) -> None:
        """Advance the simulation by `sim_s` seconds, paused or not (tests, fast-forward)."""
        self.session.advance(sim_s)
        if self.ended:
            self.paused = True

    # ------------------------------------------------------------------ acting
    def submit(self, command: Command | str) -> CommandRecord:
        """Give a command now (CommandSyntaxError if text does not parse)."""
        return self.session.submit(command)

    def vmotion_targets(self, vm: str) -> list[TargetRow]:
        """Every other host for `vm`, with what a vMotion there would do (the vMotion dialog)."""
        return vmotion.targets(self.sim, vm)

    def svmotion_targets(self, vm: str) -> list[DatastoreRow]:
        """Every datastore for `vm`'s disks, with what a Storage vMotion there would do."""
        return svmotion.targets(self.sim, vm)

    # ------------------------------------------------------------------ reading
    def view(self) -> SimView:
        """The state now, to read (a dialog, a key's target); the panels are not redrawn."""
        return self.sim.view(self._view_cache)

    def view_to_draw(self) -> SimView:
        """The state now, for a redraw of every panel: later ticks redraw only after a change."""
        self._viewed = self._state_mark()
        return self.view()

    def completion_names(self) -> dict[str, list[str]]:
        """Inventory names by kind, for completing the command line (vm, host, cluster,
        datastore, snap); read without taking a view, so no redraw is skipped for it."""
        inv = self.sim.inv
        return {
            "vm": list(inv.vms),
            "host": list(inv.hosts),
            "cluster": list(inv.clusters),
            "datastore": list(inv.datastores),
            "snap": [x.name for v in inv.vms.values() for x in v.snapshots],
        }

    def _state_mark(self) -> tuple[int, int, int, int]:
        """What a redraw depends on besides the clock: samples, events, inventory changes."""
        sim = self.sim
        return (sim.sampler.samples, len(sim.log), sim.structure_version, sim.network_version)

    def changed_since_last_view(self) -> bool:
        """Whether anything but the clock moved since the last `view_to_draw()`."""
        return self._state_mark() != self._viewed

    def new_events(self) -> list[EventRecord]:
        """Event records appended since the last call, each command before what it caused
        (the simulation logs the command after its effects; see `Session.caused_from`)."""
        start = self._log_seen
        records = self.sim.log.since(start)
        self._log_seen += len(records)
        return command_first(records, start, self.session.caused_from)

    def objectives(self) -> list[ObjectiveStatus]:
        return self.sim.objective_statuses()

    def score(self) -> float:
        return score(self.objectives())

    def should_pause_for(self, records: list[EventRecord]) -> bool:
        """Whether the level asks to pause on one of these events."""
        return any(r.kind in self.pause_on for r in records)

    def due_hints(self, records: list[EventRecord], view: SimView) -> list[FiredHint]:
        """Hints whose trigger fired (each fires once): time, event kind, or a metric."""
        fired: list[FiredHint] = []
        keep = []
        kinds = {r.kind for r in records}  # membership only
        for h in self._hints_left:
            if h.trigger == "time":
                hit = view.t >= (h.at or 0)
            elif h.trigger == "event":
                hit = h.event in kinds
            else:
                hit = _metric_value(view, h.metric or "") > (h.above or 0)
            if hit:
                fired.append(FiredHint(view.t, h.text))
            else:
                keep.append(h)
        self._hints_left = keep
        return fired

    @classmethod
    def resume(cls, saved: Save, *, hints: bool = True) -> GameController:
        """Continue a saved game: re-simulate its commands headless up to where it stopped."""
        c = cls(saved.level, content_hash=saved.level_hash, hints=hints, session=replay(saved))
        c.session.speed_changes = list(saved.speed_changes)
        # What happened before the save goes to the log, but is history, not news: no toasts,
        # no hints for it.
        c.history_until = c.now
        c.over_when_opened = c.ended
        c._hints_left = [h for h in c._hints_left if h.trigger != "time" or (h.at or 0) > c.now]
        return c

    def save(self, path: Path) -> None:
        """Write this game's save atomically (the result too once the level is over)."""
        out = result(self.session, content_hash=self.content_hash) if self.ended else None
        write_save(self.session, path, result=out)

    def report(self) -> tuple[dict, dict[str, list[float]]]:
        """The debrief's data: the headless result (with events) and per-minute series."""
        out = result(self.session, content_hash=self.content_hash, events=True)
        coarse = self.sim.coarse
        return out, {name: coarse.series(name) for name in coarse.names}


def command_first(records: list[EventRecord], start: int, caused_from: dict[int, int]) -> list[EventRecord]:
    """`records` (the log from index `start` on) with each command's record moved before the
    records it caused (`caused_from`: command's index → its first effect's index)."""
    out = list(records)
    for k, rec in enumerate(records):
        first = caused_from.get(start + k) if rec.kind == "command" else None
        if first is not None and first >= start:
            out.insert(first - start, out.pop(k))
    return out


def _metric_value(view: SimView, metric: str) -> float:
    """The highest value of a hint metric over the objects it applies to."""
    if metric == "host_cpu_pct":
        return max((h.cpu_demand_pct for h in view.hosts), default=0.0)
    if metric == "host_mem_pct":
        return max((h.mem_pct for h in view.hosts), default=0.0)
    if metric == "datastore_pct":
        return max((d.pct for d in view.datastores), default=0.0)
    if metric == "vm_ready_pct":
        return float(view.vms.ready_pct.max()) if len(view.vms) else 0.0
    return 0.0
