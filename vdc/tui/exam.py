"""Provides exam mode's wall-clock countdown (`vdc play --exam PACK` with a time limit).

The countdown is the terminal UI's alone: the simulation has no wall clock (it is
deterministic, and replays must not depend on how fast a trainee's machine ran). When the time
is up the game screen ends the attempt as `finish` does a settled level: the rest of the level
runs without the player, so the save is a whole run and its score is fair.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from vdc.session.pack import Exam
from vdc.tui.controller import SPEEDS

WallClock = Callable[[], float]
"""Seconds from any fixed point (`time.monotonic`; tests give their own)."""


def exam_speeds(exam: Exam) -> tuple[int, ...]:
    """The speed steps an exam allows (1× always)."""
    return tuple(s for s in SPEEDS if s <= exam.max_speed) or (1,)


class Countdown:
    """The time an exam attempt has left, read from a wall clock."""

    def __init__(self, limit_s: float, clock: WallClock = time.monotonic) -> None:
        self.limit_s = limit_s
        self._clock = clock
        self._deadline = clock() + limit_s

    def left(self) -> float:
        return max(0.0, round(self._deadline - self._clock(), 3))

    @property
    def over(self) -> bool:
        return self.left() <= 0.0

    def text(self) -> str:
        """`exam 44:59 left` (hours when the limit has them: `exam 1:29:59 left`); plain
        characters, the same width in every terminal."""
        s = int(self.left() + 0.999)  # 0.2 s left still shows 0:01
        h, rest = divmod(s, 3600)
        m, sec = divmod(rest, 60)
        return f"exam {h}:{m:02d}:{sec:02d} left" if h else f"exam {m}:{sec:02d} left"
