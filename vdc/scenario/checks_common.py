"""Provides what every cross-check of a level shares: the error, key paths, and name lookups.

A `CheckError` carries the key path of the offending value (`vms[3].host`, 0-based indices,
TOML names) and a sentence that names what does exist (`unknown`, `check_patterns`,
`check_profile`), so the author can fix it without guessing.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Sequence
from fnmatch import fnmatchcase

from vdc.scenario import schema
from vdc.scenario.names import is_glob

BUILTIN_PROFILES: tuple[str, ...] = ("idle", "web", "app", "db", "batch", "appliance", "desktop")
"""Workload profiles the engine defines (numbers in vdc/sim/workload.py); levels may add more."""

Loc = tuple[str | int, ...]

_KNOWN_MAX = 10
"""Longest list of names spelled out in a message; longer lists are cut with their count."""


class CheckError(ValueError):
    """A cross-check failed: `path` is the key path (`vms[3].host`), `message` the sentence."""

    def __init__(self, loc: Loc, message: str) -> None:
        self.loc: Loc = tuple(loc)
        self.path: str = format_loc(self.loc)
        self.message: str = message
        super().__init__(f"{self.path}: {message}" if self.path else message)


# --------------------------------------------------------------------------- helpers


def format_loc(loc: Iterable[str | int]) -> str:
    """A key path from its parts: ("vms", 3, "disks", 0, "size") -> "vms[3].disks[0].size"."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif out:
            out += f".{part}" if _bare(part) else f'."{part}"'
        else:
            out = part if _bare(part) else f'"{part}"'
    return out


def _bare(key: str) -> bool:
    return bool(key) and all(ch.isascii() and (ch.isalnum() or ch in "_-") for ch in key)


def num(x: float) -> str:
    """A number as an author wrote it: 64.0 -> "64", 0.25 -> "0.25"."""
    x = float(x)
    if not math.isfinite(x):
        return str(x)
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.3f}".rstrip("0").rstrip(".")


def names_list(names: Sequence[str], limit: int = _KNOWN_MAX) -> str:
    """ "a, b, c", cut to `limit` names with the total when longer."""
    if len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + f", … ({len(names)} in all)"


def unknown(kind: str, name: str, names: Sequence[str], plural: str | None = None) -> str:
    """ "no host named 'esx-9' (known: esx-01, esx-02)", with a did-you-mean for long lists."""
    plural = plural or kind + "s"
    if not names:
        return f"no {kind} named '{name}' (the level has no {plural})"
    if len(names) <= _KNOWN_MAX:
        return f"no {kind} named '{name}' (known: {names_list(names)})"
    close = difflib.get_close_matches(name, list(names), n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return f"no {kind} named '{name}' ({hint}known: {names_list(names)})"


def no_match(kind: str, pattern: str, names: Sequence[str], plural: str | None = None) -> str:
    if not is_glob(pattern):
        return unknown(kind, pattern, names, plural)
    plural = plural or kind + "s"
    if not names:
        return f"'{pattern}' matches no {kind} (the level has no {plural})"
    return f"'{pattern}' matches no {kind} (known: {names_list(names)})"


def check_patterns(
    loc: Loc,
    patterns: Sequence[str],
    kind: str,
    names: Sequence[str],
    plural: str | None = None,
    name_set: set[str] | None = None,
) -> None:
    """Every entry of `patterns` names an existing object or is a glob matching at least one."""
    for i, p in enumerate(patterns):
        if is_glob(p):
            found = any(fnmatchcase(n, p) for n in names)
        else:
            if name_set is None:
                name_set = set(names)
            found = p in name_set
        if not found:
            raise CheckError((*loc, i), no_match(kind, p, names, plural))


def after_end(t: float, duration: int) -> str:
    return f"{num(t)} s is after the end of the level (level.duration = {duration} s)"


def check_profile(loc: Loc, name: str, level: schema.Level) -> None:
    """`name` is a profile of the level or a built-in one."""
    own = [p.name for p in level.profiles]
    if name in own or name in BUILTIN_PROFILES:
        return
    close = difflib.get_close_matches(name, [*own, *BUILTIN_PROFILES], n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    level_part = f"; level: {', '.join(own)}" if own else ""
    raise CheckError(
        loc,
        f"no profile named '{name}' ({hint}built-in: {', '.join(BUILTIN_PROFILES)}{level_part})",
    )
