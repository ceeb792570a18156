"""Provides the validator and the dispatcher of the command language.

`validate` checks a parsed command against the live state and returns the reason a player would
be told if it cannot run ("esx-02 has 12 GiB unreserved memory, app-02 reserves 16 GiB");
`execute` checks it once, applies it and logs what happened. Keys, palette, the `:` line,
action scripts and saves all reach the model through `execute` only (via the session).

Every command has exactly one handler, in the module of its mechanic; `HANDLERS` joins them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from vdc.sim import (
    cancel,
    drs,
    guest,
    ha,
    meta,
    moves,
    network,
    power,
    snapshots,
    upgrade,
    vmconfig,
    vsan,
)
from vdc.sim.checks import AdmissionRefused, Rejected
from vdc.sim.commands import COMMANDS, Command
from vdc.sim.compute import reserve
from vdc.sim.handler import Apply, Handler

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation


@dataclass(frozen=True, slots=True)
class Verdict:
    """What became of a command: accepted (with what it did) or rejected (with why)."""

    accepted: bool
    message: str
    """On acceptance, what happened; on rejection, the reason."""


HANDLERS: dict[str, Handler] = {
    **power.HANDLERS,
    **vmconfig.HANDLERS,
    **reserve.HANDLERS,
    **moves.HANDLERS,
    **snapshots.HANDLERS,
    **guest.HANDLERS,
    **network.HANDLERS,
    **ha.HANDLERS,
    **drs.HANDLERS,
    **vsan.HANDLERS,
    **upgrade.HANDLERS,
    **cancel.HANDLERS,
    **meta.HANDLERS,
}
"""Every available command's handler, by command name."""


def _check_handlers() -> None:
    """Fail at import unless the available commands and the handlers match one to one."""
    available = {s.name for s in COMMANDS if s.available}
    missing = sorted(available - set(HANDLERS))
    extra = sorted(set(HANDLERS) - available)
    if missing or extra:
        raise AssertionError(f"commands without a handler: {missing}; handlers without a command: {extra}")


_check_handlers()


def _check(sim: Simulation, c: Command) -> Apply:
    """Check `c` against the live state; how to apply it, or `Rejected` with why not."""
    if sim.ended:
        raise Rejected("the level is over")
    handler = HANDLERS.get(c.name)
    if handler is None:
        raise Rejected(f"{c.name} is not available in this version of vdc")
    return handler(sim, c)


def validate(sim: Simulation, c: Command) -> str | None:
    """The reason `c` cannot run now, or None when it can. Changes nothing."""
    try:
        _check(sim, c)
    except Rejected as e:
        return str(e)
    return None


def execute(sim: Simulation, c: Command) -> Verdict:
    """Check `c` once, apply it at the current sim time, and log it either way."""
    t = sim.now
    try:
        apply = _check(sim, c)
    except Rejected as e:
        sim.log.add(t, "command_rejected", c.name, str(e))
        if isinstance(e, AdmissionRefused):
            sim.log.add(t, "ha_admission_refused", c.name, str(e))
        return Verdict(False, str(e))
    message = apply()
    if not c.spec.meta:
        sim.accepted_commands += 1
        sim.log.add(t, "command", c.name, message)
    return Verdict(True, message)
