"""Provides fixed-size ring buffers for histories (sparklines, debrief charts): memory never grows."""

from __future__ import annotations

import numpy as np


class TableRing:
    """A ring of rows: one row of values per sample for a fixed list of named series.

    One numpy write per sample instead of one append per series keeps history cheap at
    thousands of objects. Series added later (a new host) start with zeros.
    """

    def __init__(self, capacity: int, names: list[str]) -> None:
        self._cap = capacity
        self.names = list(names)
        self._col = {n: i for i, n in enumerate(self.names)}
        self._buf = np.zeros((capacity, len(self.names)))
        self._n = 0
        self._head = 0
        self._seen: list[str] | None = None
        """The names list of the last `append` (its columns in `_cols`; None: a prefix)."""
        self._cols: list[int] | None = None

    def _ensure(self, names: list[str]) -> None:
        if names == self.names:
            return
        extra = [n for n in names if n not in self._col]
        if extra:
            self._buf = np.concatenate([self._buf, np.zeros((self._cap, len(extra)))], axis=1)
            for n in extra:
                self._col[n] = len(self.names)
                self.names.append(n)

    def append(self, names: list[str], row) -> None:
        """Append one row; `names` says which series the values of `row` belong to. The same
        list object as the last call (callers keep theirs while the series stay) is not
        compared again."""
        if names is not self._seen:
            self._ensure(names)
            prefix = names == self.names[: len(names)]
            self._cols = None if prefix else [self._col[n] for n in names]
            self._seen = names
        if self._cols is None:
            self._buf[self._head, : len(names)] = row
        else:
            self._buf[self._head, self._cols] = row
        self._head = (self._head + 1) % self._cap
        self._n = min(self._n + 1, self._cap)

    def __len__(self) -> int:
        return self._n

    def series(self, name: str) -> list[float]:
        """The values of one series, oldest first (empty if unknown)."""
        col = self._col.get(name)
        if col is None:
            return []
        if self._n < self._cap:
            return self._buf[: self._n, col].tolist()
        return np.concatenate([self._buf[self._head :, col], self._buf[: self._head, col]]).tolist()

    def series_of(self, names: list[str]) -> list[tuple[float, ...]]:
        """`series` of each name (as tuples), read in one pass over the ring (1,024 hosts'
        sparklines per view)."""
        cols = [self._col.get(n, -1) for n in names]
        if not cols:
            return []
        rows = self._buf[: self._n] if self._n < self._cap \
            else np.concatenate([self._buf[self._head :], self._buf[: self._head]])
        known = [c for c in cols if c >= 0]
        block = iter(map(tuple, rows[:, known].T.tolist()))
        return [next(block) if c >= 0 else () for c in cols]
