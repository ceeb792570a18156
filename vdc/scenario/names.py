"""Provides name patterns: an inventory reference is an exact name or an fnmatch glob."""

from __future__ import annotations

import re
from collections.abc import Sequence
from fnmatch import translate


def is_glob(pattern: str) -> bool:
    """Whether `pattern` has fnmatch wildcards (`*`, `?`, `[...]`)."""
    return "*" in pattern or "?" in pattern or "[" in pattern


def expand(
    patterns: Sequence[str],
    names: Sequence[str],
    index: dict[str, int] | None = None,
) -> list[str]:
    """The names matching any pattern (exact or glob, case-sensitive), each once, in the order
    of `names`. `index` (name -> position in `names`) makes exact names cheap for big lists."""
    if any(is_glob(p) for p in patterns):
        # One regex for all the patterns (what `fnmatchcase` matches each by), besides the
        # exact names: a pass over 32,000 names, not a Python call per name and pattern.
        exact = set(patterns)
        match = re.compile("|".join(translate(p) for p in patterns)).match
        return [n for n in names if n in exact or match(n)]
    if index is None:
        index = {n: i for i, n in enumerate(names)}
    hits = sorted({index[p] for p in patterns if p in index})
    return [names[i] for i in hits]
