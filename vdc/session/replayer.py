"""Provides `Replayer`: a save played back through a fresh session, with seek and action steps.

The viewer never trusts the save's state: it re-simulates the level from t=0 with the save's
seed, giving each recorded command at its recorded time through the same `Session` as live
play. The opening pass plays the whole recording once — that is the verification (every digest
compared), it finds what the timeline marks (every incident, the first divergence), and on the
way it keeps checkpoints: the session pickled every few sim-minutes. A seek restores the last
checkpoint at or before the target and plays on from there, which gives the same state as
playing from t=0 (the simulation is deterministic however time is sliced; tested), only
faster. Forward within the same stretch it simply plays on.
"""

from __future__ import annotations

import math
import pickle
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from vdc.gcpause import gc_paused
from vdc.scenario.schema import Level
from vdc.session.save import Save, SavedCommand, SaveError
from vdc.session.session import Session
from vdc.session.verify import Divergence, compare, ended_at_end
from vdc.sim.commands import CommandSyntaxError, parse
from vdc.sim.engine import Simulation

INCIDENT_SEVERITY = "critical"
"""Events of this severity are marked on the timeline as incidents."""

EPS = 1e-6

CHECKPOINT_MIN_S = 600.0
"""Sim-seconds between two checkpoints at least: a seek replays at most this much."""
CHECKPOINTS_MAX = 32
"""At most this many checkpoints over a recording (longer ones space them out)."""
CHECKPOINT_BUDGET_BYTES = 128 * 1024 * 1024
"""Memory all checkpoints of one recording may take together (large datacenters space them)."""


@dataclass(frozen=True, slots=True)
class Marker:
    """Something the timeline marks: a player's command or an incident."""

    t: float
    kind: str  # "command" | "rejected" | "incident" | "divergence"
    text: str


class Replayer:
    """Plays a save back; `session` is replaced on every backward seek."""

    def __init__(self, save: Save) -> None:
        self.save = save
        self.end = float(save.sim_time)
        """The recording stops here: nothing after it was played."""
        self.commands: list[SavedCommand] = [c for c in save.commands if c.t <= self.end]
        self.action_times: list[float] = sorted({c.t for c in self.commands})
        self._ends_here = ended_at_end(save)
        """The recorded run ended at `end` (its last events there were processed)."""
        self.every = max(CHECKPOINT_MIN_S, _whole_minutes(self.end / CHECKPOINTS_MAX))
        """Sim-seconds between checkpoints (widened if they would take too much memory)."""
        self._checkpoints: list[tuple[float, int, bytes]] = []
        """(sim time, commands given, the pickled session), in time order."""
        self.session = Session(_simulation(save))
        self._next = 0
        """Index of the next recorded command to give."""
        self._keep()
        self.advance_to(self.end)  # the opening pass: verification, markers, checkpoints
        self.divergence: Divergence | None = compare(save, self.session)
        self.markers: list[Marker] = self._markers(self.session)
        self._restore(0)

    # ------------------------------------------------------------------ playback
    @property
    def now(self) -> float:
        return self.session.now

    def sim_digest(self) -> str:
        """The state digest now (what a verify compares)."""
        return self.session.sim.digest()

    @property
    def at_end(self) -> bool:
        return self.session.ended or self.now >= self.end - EPS

    def advance_to(self, t: float) -> None:
        """Play on to sim time `t` (never past the end of the recording), giving every
        recorded command on the way at its time and keeping checkpoints as it passes them."""
        t = min(t, self.end)
        last = self._checkpoints[-1][0]
        mark = last + self.every
        while mark <= t + EPS and self.now >= last - EPS:
            self._play_to(mark)
            if self.session.ended:
                return
            self._keep()
            last, mark = mark, mark + self.every
        self._play_to(t)

    def _play_to(self, t: float) -> None:
        while self._next < len(self.commands) and self.commands[self._next].t <= t + EPS:
            c = self.commands[self._next]
            self.session.advance_to(c.t)
            if self.session.ended:
                break
            try:
                self.session.submit(parse(c.text))
            except CommandSyntaxError as e:
                raise SaveError(f"damaged save: command at t={c.t:g} does not parse: {e}") from None
            self._next += 1
        self.session.advance_to(t)
        if t >= self.end - EPS and self._ends_here:
            self.session.sim.settle()

    def seek(self, t: float) -> bool:
        """Jump to sim time `t` (clamped to the recording). True if the session was replaced
        (restored from a checkpoint): whatever was read from the old one is stale."""
        t = max(0.0, min(float(t), self.end))
        i = bisect_right([c[0] for c in self._checkpoints], t + EPS) - 1
        restore = t < self.now - EPS or self._checkpoints[i][0] > self.now + EPS
        if restore:
            self._restore(i)
        self.advance_to(t)
        return restore

    def next_action(self) -> float | None:
        """The time of the first recorded command after now (None if there is none)."""
        i = bisect_right(self.action_times, self.now + EPS)
        # A command exactly at now that has not been given yet also counts as "next".
        if self._next < len(self.commands) and abs(self.commands[self._next].t - self.now) <= EPS:
            return self.commands[self._next].t
        return self.action_times[i] if i < len(self.action_times) else None

    def previous_action(self) -> float | None:
        """The time of the last recorded command before now (None if there is none)."""
        i = bisect_left(self.action_times, self.now - EPS)
        return self.action_times[i - 1] if i > 0 else None

    @property
    def given(self) -> int:
        """How many recorded commands have been given so far."""
        return self._next

    def first_index_at(self, t: float) -> int:
        """Index of the first recorded command at or after sim time `t`."""
        return bisect_left([c.t for c in self.commands], t - EPS)

    def speed_at(self, t: float) -> int | None:
        """The speed the player was watching at sim time `t` (None before any change)."""
        speed = None
        for c in self.save.speed_changes:
            if c.t > t + EPS:
                break
            speed = c.speed
        return speed

    # ------------------------------------------------------------------ checkpoints
    @property
    def checkpoint_times(self) -> list[float]:
        return [c[0] for c in self._checkpoints]

    def _keep(self) -> None:
        """Keep a checkpoint of the session now (once per checkpoint time)."""
        now = self.now
        if self._checkpoints and self._checkpoints[-1][0] >= now - EPS:
            return
        data = _dump(self.session, self.save.level)
        if len(self._checkpoints) == 1:
            # The first real one tells how big they are: widen the spacing to the budget.
            count = max(1, CHECKPOINT_BUDGET_BYTES // max(1, len(data)))
            self.every = max(self.every, _whole_minutes(self.end / count))
        self._checkpoints.append((now, self._next, data))

    def _restore(self, i: int) -> None:
        _, given, data = self._checkpoints[i]
        self.session = _load(data, self.save.level)
        self._next = given

    # ------------------------------------------------------------------ internals

    def _markers(self, full: Session) -> list[Marker]:
        out = [
            Marker(c.t, "command" if c.accepted else "rejected", c.text) for c in self.commands
        ]
        out += [
            Marker(r.t, "incident", f"{r.kind.replace('_', ' ')}: {r.detail}")
            for r in full.sim.log
            if r.severity == INCIDENT_SEVERITY and r.t <= self.end + EPS
        ]
        if self.divergence is not None:
            out.append(Marker(self.divergence.t, "divergence", self.divergence.message()))
        out.sort(key=lambda m: (m.t, m.kind))
        return out


def divergence_text(d: Divergence | None) -> str:
    """The banner's sentence (empty when the replay matches the recording)."""
    if d is None:
        return ""
    return f"This replay does not match the recording: {d.message()}"


POSITION_FORMS = "h:mm or h:mm:ss (as the clock shows it: 4:36 is 4 h 36 min), or 90s, 2m, 1h"
"""The times a viewer may type, in words (prompts and refusals)."""


def parse_position(text: str) -> float:
    """A time a viewer types, read as the clock shows time: `4:36` is 4 h 36 min, `0:04:36`
    4 min 36 s; or a number with a unit: `90` or `90s`, `2m`, `1h` (ValueError if not)."""
    raw = text.strip().lower()
    if not raw:
        raise ValueError(f"type a time: {POSITION_FORMS}")
    try:
        if ":" in raw:
            parts = [float(p) for p in raw.split(":")]
            if len(parts) > 3 or not all(p >= 0 and math.isfinite(p) for p in parts):
                raise ValueError
            if any(p >= 60 for p in parts[1:]):
                raise ValueError
            hours, minutes, seconds = (parts + [0.0])[:3]
            return hours * 3600 + minutes * 60 + seconds
        unit = {"s": 1, "m": 60, "h": 3600}.get(raw[-1], 0)
        value = float(raw[:-1] if unit else raw)
        if not (value >= 0 and math.isfinite(value)):
            raise ValueError
        return value * (unit or 1)
    except ValueError:
        raise ValueError(f"'{text.strip()}' is not a time: type {POSITION_FORMS}") from None


def _simulation(save: Save) -> Simulation:
    return Simulation(save.level, seed=save.seed)


def _whole_minutes(seconds: float) -> float:
    return float(-(-int(seconds) // 60) * 60)


def _dump(session: Session, level: Level) -> bytes:
    """The session pickled without its level (the save holds it; it never changes): the
    simulation's one reference to it is left out while pickling (a `persistent_id` hook for
    it would be a Python call per pickled object, hundreds of thousands at large size)."""
    sim = session.sim
    kept = vars(sim)
    with gc_paused():
        kept["level"] = None
        try:
            return pickle.dumps(session, protocol=pickle.HIGHEST_PROTOCOL)
        finally:
            kept["level"] = level


def _load(data: bytes, level: Level) -> Session:
    # Only ever bytes this process pickled itself a moment ago, never read from a file. No
    # collections while tens of thousands of lasting objects come back (each would walk them).
    with gc_paused():
        session: Session = pickle.loads(data)
    vars(session.sim)["level"] = level
    return session
