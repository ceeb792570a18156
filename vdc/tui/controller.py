"""Provides `GameController`: the TUI's only handle on a running level.

It owns the `Session` (so every command and every advance of time goes through the same code as
headless runs and replays), the speed and the pause state, and hands the screens read-only
data: snapshots, new event records, objective statuses, hints that fired. It knows nothing of
Textual: the game screen calls `tick()` from a Textual timer, tests call `step()` explicitly.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from vdc.scenario import schema
from vdc.scenario.event_kinds import EVENT_KINDS
from vdc.session import save_writer
from vdc.session.runner import result
from vdc.session.save import Save, snapshot
from vdc.session.session import CommandRecord, Session
from vdc.session.standing import Standing, standing
from vdc.session.verify import replay
from vdc.sim.commands import Command, make_command
from vdc.sim.dispatch import validate
from vdc.sim.engine import Simulation
from vdc.sim.events import EventRecord
from vdc.sim.moves import svmotion, targets
from vdc.sim.moves.svmotion import DatastoreRow
from vdc.sim.moves.targets import TargetRow
from vdc.sim.objectives import ObjectiveStatus
from vdc.sim.provision import choices
from vdc.sim.provision.choices import ApplianceChoice, PlaceChoice
from vdc.sim.view import SimView, ViewCache
from vdc.sim.vsan import holds_data, maintenance_modes
from vdc.sim.vsan.evacuate import ModeRow
from vdc.tui.format import clock

SPEEDS = (1, 2, 4, 8, 16, 32, 64)
"""Sim-seconds per wall-second at each speed step (a critical event drops back to 1×)."""

SKIP_LEAD_S = 5.0
"""Skipping to the next event stops this many sim-seconds before it, to watch it happen."""

TICK_S = 0.25
"""Wall seconds between two timer ticks (4 Hz)."""

TOAST_KINDS = frozenset(k.name for k in EVENT_KINDS.values() if k.toast)
"""Event kinds important enough to raise a toast (marked in the catalogue)."""


@dataclass(frozen=True, slots=True)
class FiredHint:
    t: float
    text: str


@dataclass(frozen=True, slots=True)
class Skip:
    """What a skip to the next event did: from and to which time, what comes next, and the
    critical event that stopped it on the way (if one did)."""

    start: float
    end: float
    what: str
    stopped_by: EventRecord | None = None


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
        self.last_save: Path | None = None
        """The file this game was last saved to (what "Download save" hands the player)."""
        self.over_when_opened = False
        """The game was already over when it was opened (a finished save continued): looking
        at it again is not another game played, and writes no save."""
        self.pause_while_typing = True
        """Hold the clock while the `:` line, the palette or a dialog is open (the setting)."""
        self.settled_told: str | None = None
        """The settled outcome ("won" / "lost") the player was already told about."""
        self.ended_early_at: float | None = None
        """When the player ended the settled level (`finish`); None if it ran its course."""
        self.ended_early_why = "the outcome settled"

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

    def drop_speed_for(self, records: list[EventRecord]) -> EventRecord | None:
        """Back to 1× on a critical event (a host failed, a service went down, a datastore
        filled, a required objective failed); the event that did it, or None."""
        if self.speed_index == 0 or self.read_only:
            return None
        critical = next((r for r in records if r.severity == "critical"), None)
        if critical is not None:
            self.speed_index = 0
            self._note_speed()
        return critical

    def next_event(self) -> tuple[float, str] | None:
        """The time of the next scheduled thing worth watching, and what it is: a timeline
        event or incident, a task's end, a host or VM finishing its boot, a timed hint still to
        show (when hints are on); None if nothing is scheduled before the level's end. Only what is more than `SKIP_LEAD_S` away counts."""
        sim = self.sim
        after = sim.now + SKIP_LEAD_S
        found: list[tuple[float, str]] = []
        nxt = next((a for a in sim.timeline if a.t > after), None)
        if nxt is not None:
            found.append((nxt.t, "the next event"))
        for task in sim.tasks.tasks:
            if task.state == "running" and task.ends_at is not None and task.ends_at > after:
                found.append((task.ends_at, f"{task.kind.replace('_', ' ')} of {task.subject} ends"))
        for h in sim.inv.hosts.values():
            if h.state == "booting" and h.ready_at > after:
                found.append((h.ready_at, f"{h.name} finishes booting"))
        for vm in sim.inv.vms.values():
            if vm.power == "on" and vm.up_at > after:
                found.append((vm.up_at, f"{vm.name} finishes booting"))
        # A timed hint still to come is worth stopping for too (after the rest: a tie keeps
        # the other thing's name).
        found.extend((float(h.at), "a hint") for h in self._hints_left
                     if h.trigger == "time" and h.at is not None and h.at > after)
        found = [f for f in found if f[0] < sim.duration]
        return min(found, key=lambda f: f[0]) if found else None

    def skip_to_next_event(self) -> Skip | None:
        """Run the simulation to just before the next scheduled thing (`next_event`), sample
        by sample through the same stepping as play, stopping early at a critical event.
        None if nothing is scheduled (time does not move)."""
        nxt = self.next_event()
        if nxt is None or self.ended:
            return None
        start, (t, what) = self.now, nxt
        target = t - SKIP_LEAD_S
        seen = len(self.sim.log)
        stopped: EventRecord | None = None
        while self.now < target and not self.ended and stopped is None:
            self.step(min(target, self.now + self.sim.dt) - self.now)
            fresh = self.sim.log.since(seen)
            seen += len(fresh)
            # What was already true when the skip began (a service down from the first
            # sample, logged at 0:00:00) does not stop it.
            stopped = next((r for r in fresh if r.severity == "critical" and r.t > start), None)
        return Skip(start, self.now, what, stopped)

    def standing(self, statuses: list[ObjectiveStatus] | None = None) -> Standing:
        """The score now (the debrief's if the run ended now) and the outcome if settled."""
        return standing(self.sim, statuses)

    def newly_settled(self, statuses: list[ObjectiveStatus] | None = None) -> Standing | None:
        """The standing, the first time its outcome is settled (won or lost for good) while
        the level still runs; None otherwise (and for a game opened already over)."""
        if self.ended or self.read_only or self.over_when_opened:
            return None
        now = self.standing(statuses)
        if not now.settled or now.outcome == self.settled_told:
            return None
        self.settled_told = now.outcome
        return now

    def finish(self, why: str = "the outcome settled") -> None:
        """End a settled level now (or an exam whose time is up): the rest of it runs without
        the player (no more commands), exactly as running out the clock would, so the score
        is the same."""
        self.ended_early_at = self.now
        self.ended_early_why = why
        self.session.advance_to(float(self.sim.duration))
        self.paused = True

    # ------------------------------------------------------------------ acting
    def submit(self, command: Command | str) -> CommandRecord:
        """Give a command now (CommandSyntaxError if text does not parse)."""
        return self.session.submit(command)

    def vmotion_targets(self, vm: str) -> list[TargetRow]:
        """Every other host for `vm`, with what a vMotion there would do (the vMotion dialog)."""
        return targets.targets(self.sim, vm)

    def relocation_targets(self, vm: str, host: str) -> list[DatastoreRow]:
        """Every datastore `host` mounts, with what moving `vm` there with its disks would do
        (the second step of the vMotion dialog, for a host that does not see its storage)."""
        return targets.relocation_targets(self.sim, vm, host)

    def svmotion_targets(self, vm: str) -> list[DatastoreRow]:
        """Every datastore for `vm`'s disks, with what a Storage vMotion there would do."""
        return svmotion.targets(self.sim, vm)

    def maintenance_modes(self, host: str) -> list[ModeRow] | None:
        """What each vSAN data mode would do if `host` entered maintenance now (the
        maintenance dialog); None for a host that gives vSAN no disks (no mode to choose) or
        cannot enter maintenance whatever the mode (no-data-migration copies nothing, so its
        refusal is the host's own: the plain command then says it)."""
        if not holds_data(self.sim, host):
            return None
        anyway = make_command("maintenance enter", host=host, vsan="no-data-migration")
        if validate(self.sim, anyway) is not None:
            return None
        return maintenance_modes(self.sim, host)

    def provision_choices(self) -> tuple[list[PlaceChoice], list[ApplianceChoice]]:
        """Where a new VM can go and the appliances there are (the new VM and deploy dialogs)."""
        return choices.places(self.sim), choices.catalogue(self.sim)

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
        datastore, snap, and the network's uplinks, vSwitches and port groups); read without
        taking a view, so no redraw is skipped for it."""
        inv = self.sim.inv
        hosts = list(inv.hosts.values())
        uplinks = sorted({n for h in hosts for n in h.nics})
        return {
            "vm": list(inv.vms),
            "host": list(inv.hosts),
            "cluster": list(inv.clusters),
            "datastore": list(inv.datastores),
            "snap": [x.name for v in inv.vms.values() for x in v.snapshots],
            "uplink": uplinks,
            "active": uplinks,
            "standby": uplinks,
            "vswitch": sorted({vs.name for h in hosts for vs in h.vswitches}),
            "portgroup": sorted({p for h in hosts for vs in h.vswitches for p in vs.portgroups}),
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
        return self.standing().score

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
        """Write this game's save atomically (the result too once the level is over); OSError
        or ValueError if it could not be written."""
        self.save_later(path).result()

    def save_later(self, path: Path) -> Future[Path]:
        """Take this game's save now and have it written on the save writer's thread, after
        the saves handed over before it (`save_writer`); the future tells when it is written."""
        out = result(self.session, content_hash=self.content_hash) if self.ended else None
        return save_writer.write(path, snapshot(self.session, result=out))

    def prepare_saves(self) -> None:
        """Have the level's part of this game's saves encoded now, on the writer's thread (at
        enterprise size 0.6 s the first autosave would otherwise wait for)."""
        save_writer.prepare(self.sim.level)

    def report(self) -> tuple[dict, dict[str, list[float]]]:
        """The debrief's data: the headless result (with events) and per-minute series."""
        out = result(self.session, content_hash=self.content_hash, events=True)
        if self.ended_early_at is not None:
            out["end_reason"] = (f"ended at {clock(self.ended_early_at)}, {self.ended_early_why}; "
                                 "the rest ran without you")
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
