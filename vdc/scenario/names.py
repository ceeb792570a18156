"""Provides name patterns: an inventory reference is an exact name or an fnmatch glob."""

from __future__ import annotations

from collections.abc import Sequence
from fnmatch import fnmatchcase


def is_glob(pattern: str) -> bool:
    """Whether `pattern` has fnmatch wildcards (`*`, `?`, `[...]`)."""
    return any(ch in pattern for ch in "*?[")


def expand(
    patterns: Sequence[str],
    names: Sequence[str],
    index: dict[str, int] | None = None,
) -> list[str]:
    """The names matching any pattern (exact or glob, case-sensitive), each once, in the order
    of `names`. `index` (name -> position in `names`) makes exact names cheap for big lists."""
    if any(is_glob(p) for p in patterns):
        return [n for n in names if any(n == p or fnmatchcase(n, p) for p in patterns)]
    if index is None:
        index = {n: i for i, n in enumerate(names)}
    hits = sorted({index[p] for p in patterns if p in index})
    return [names[i] for i in hits]
