"""Provides verification of a save: re-simulate it headless and compare every digest.

The same level content, seed and timed commands give the same digests on any machine; the
first digest that differs says where a save was tampered with (or where a program change
altered the simulation), together with the last command before it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from vdc.session.save import Save, SaveError
from vdc.session.session import Session
from vdc.sim.commands import Command, CommandSyntaxError, parse
from vdc.sim.engine import Simulation


@dataclass(frozen=True)
class Divergence:
    """Where a re-simulation first disagreed with the save."""

    t: float
    expected: str
    got: str
    last_command: str | None

    def message(self) -> str:
        last = self.last_command or "none"
        return (
            f"diverged at t={self.t:g}s: expected {self.expected}, got {self.got}; "
            f"last command before it: {last}"
        )

    def as_dict(self) -> dict[str, object]:
        return {"t": self.t, "expected": self.expected, "got": self.got,
                "last_command": self.last_command, "message": self.message()}


BeforeCommand = Callable[[Session, Command], None]
"""Called with the session just before each recorded command is given again (to read the state
a command met, as the report does)."""


def replay(save: Save, before_command: BeforeCommand | None = None) -> Session:
    """Re-simulate a save's commands at their times, up to where the save stopped."""
    session = Session(Simulation(save.level, seed=save.seed))
    for c in save.commands:
        if c.t > save.sim_time:
            break
        session.advance_to(c.t)
        if session.ended:
            break
        try:
            cmd = parse(c.text)
        except CommandSyntaxError as e:
            raise SaveError(f"damaged save: command at t={c.t:g} does not parse: {e}") from None
        if before_command is not None:
            before_command(session, cmd)
        session.submit(cmd)
    session.advance_to(save.sim_time)
    if ended_at_end(save):
        session.sim.settle()
    return session


def ended_at_end(save: Save) -> bool:
    """Whether the recorded run ended where the save stops (before the level's time was up).

    A save's last digest is at its own time only if the events at that time were processed,
    which happens only when the sample there ended the level: a game saved (or a headless run
    stopped) at t has not processed them, and neither does its replay.
    """
    return bool(save.digests) and save.digests[-1][0] >= save.sim_time


def verify(
    save: Save, before_command: BeforeCommand | None = None
) -> tuple[Session, Divergence | None]:
    """Replay `save` and return the session and the first divergence (None if it matches)."""
    session = replay(save, before_command)
    return session, compare(save, session)


def compare(save: Save, session: Session) -> Divergence | None:
    """The first place where a re-simulation of `save` disagrees with it (None: it matches)."""
    got = dict(session.sim.digests)
    first: Divergence | None = None
    for t, expected in save.digests:
        actual = got.get(t, "missing")
        if actual != expected:
            first = Divergence(t, _short(expected), _short(actual), _last_before(save, t))
            break
    if first is None and len(session.sim.digests) != len(save.digests):
        extra = session.sim.digests[len(save.digests)] if len(session.sim.digests) > len(save.digests) else None
        t = extra[0] if extra else save.digests[-1][0] if save.digests else 0.0
        first = Divergence(t, "no digest", _short(extra[1]) if extra else "missing", _last_before(save, t))
    if first is None:
        for rec, c in zip(session.records, save.commands, strict=False):
            if rec.accepted != c.accepted:
                first = Divergence(
                    c.t,
                    "accepted" if c.accepted else "rejected",
                    "accepted" if rec.accepted else f"rejected ({rec.message})",
                    c.text,
                )
                break
    return first


def _short(digest: str) -> str:
    return digest[:12] if len(digest) == 64 else digest


def _last_before(save: Save, t: float) -> str | None:
    before = [c for c in save.commands if c.t <= t]
    return f"t={before[-1].t:g} {before[-1].text}" if before else None
