"""Provides `gc_paused`: no cyclic garbage collection while a big structure is built.

Building an enterprise-size datacenter makes a few hundred thousand objects that live on
(pydantic models, the inventory); each automatic collection meanwhile walks every object made so
far, so the build's cost grew with the square of its size (1.6 s of which 1.1 s collecting, for
32,000 VMs). Nothing built there is garbage: pausing changes no result, only when memory of
cycles made meanwhile is reclaimed (at the next collection after it).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Collection off inside the block (restored as it was, also on an exception)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()



FULL_COLLECTIONS_RARER = 10
"""While a game is set aside, full collections wait for this many times more collections of
the middle generation."""


class Lasting:
    """A big level's and game's objects kept out of the collector's sight while it is played.

    A game keeps the level, the simulation and its screens alive for its whole length: at
    enterprise size about a million objects, which each full collection walked again (0.5 to
    0.8 s with the screen frozen: three times while the briefing opened, every minute or two
    of play). So the level is set aside (`gc.freeze`, into the permanent generation) once
    built; the game is built and drawn with no collection at all (`hold`), then set aside
    too; collections then walk only what was made since. What survives a full collection later
    lasts too: `tend` sets it aside after each one, and full collections come ten times less
    often (what is left to walk is small, but each one still walked it: 44 of 24 ms in 100
    ticks at 16×; 7 now). Reference counting still frees those
    objects; only cycles among them wait until `release` (the game left), or until the next
    game is set aside (the earlier one's cycles are collected first).
    """

    def __init__(self) -> None:
        self.frozen = False
        self.game_frozen = False
        """A game's objects are among those set aside (a later game collects them first)."""
        self.held = False
        self.survivors = False
        """A full collection ran since the last `tend`: what is left of it lasts."""
        self.thresholds: tuple[int, int, int] | None = None
        """The collector's thresholds before a game was set aside (put back at `release`)."""

    def _collected(self, phase: str, info: dict[str, int]) -> None:
        if phase == "stop" and info["generation"] == 2:
            self.survivors = True

    def hold(self) -> None:
        """A big game is being built and drawn: no collection until `set_aside`."""
        if gc.isenabled():
            gc.disable()
            self.held = True

    def set_aside(self, *, game: bool) -> None:
        """Every object alive now set aside (a `game`'s: an earlier game's cycles are collected
        first), collection on again."""
        if game and self.game_frozen:
            gc.unfreeze()
            gc.collect()
        gc.freeze()
        self.frozen = True
        self.game_frozen = self.game_frozen or game
        if self.thresholds is None:
            self.thresholds = gc.get_threshold()
            young, middle, old = self.thresholds
            gc.set_threshold(young, middle, old * FULL_COLLECTIONS_RARER)
        self.survivors = False
        if self._collected not in gc.callbacks:
            gc.callbacks.append(self._collected)
        if self.held:
            gc.enable()
            self.held = False

    def tend(self) -> None:
        """Between two ticks: what survived the last full collection is set aside too (the
        game's first samples fill views and tables that then stay; without this, each full
        collection walked them again, up to 0.12 s)."""
        if self.frozen and self.survivors:
            self.survivors = False
            gc.freeze()

    def release(self) -> None:
        """The game was left (or a small one opens): every object collectable again."""
        if self.frozen:
            gc.unfreeze()
            gc.callbacks.remove(self._collected)
            self.frozen = self.game_frozen = False
        if self.thresholds is not None:
            gc.set_threshold(*self.thresholds)
            self.thresholds = None
        if self.held:
            gc.enable()
            self.held = False
