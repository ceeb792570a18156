"""Provides the SimPy environment of a run, made copyable, and the callback that runs a step.

The simulation's processes are chains of events with callbacks, not generators: a generator
cannot be copied, and copies of a running simulation are what give the replay viewer its
checkpoints (`Simulation.start` and `Simulation.after` schedule them).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import simpy


class Environment(simpy.Environment):
    """A SimPy environment that can be pickled and deep-copied (checkpoints for replays).

    SimPy binds its event classes to the instance and counts event ids with an
    `itertools.count`; neither copies. Here the classes resolve through the class (bound
    early only on `simpy.Environment` itself), and the counter travels as its next value.
    """

    def __getstate__(self) -> dict[str, object]:
        state = self.__dict__.copy()
        n = next(self._eid)
        self._eid = itertools.count(n)  # put back: this environment goes on from the same id
        state["_eid"] = n
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._eid = itertools.count(int(state["_eid"]))  # type: ignore[call-overload]


def call(fn: Callable[..., None], args: tuple[object, ...], _event: object) -> None:
    """An event callback: SimPy passes the event, the process step wants its own arguments."""
    fn(*args)
