"""Provides JSON reading for files a player can hand vdc from anywhere (saves): untrusted input.

A save may have been edited by hand or built to break things. What is refused here, each with a
one-line reason, before any of it reaches the simulation or a printer: files over `MAX_BYTES`
(checked before reading), `NaN` / `Infinity` and numbers that overflow to infinity (1e400),
integers of more than `MAX_INT_DIGITS` digits, nesting deeper than `MAX_DEPTH`, and strings
that are not valid Unicode (a lone surrogate such as "\\ud800", which no file can encode).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

MAX_BYTES = 64 * 1024 * 1024
"""A save is refused above 64 MB (a week-long run with a command every second is ~40 MB)."""
MAX_DEPTH = 32
"""Nesting of arrays and objects (a save needs 6)."""
MAX_INT_DIGITS = 30
"""Digits of an integer (a seed is at most 20)."""


class UnsafeJson(ValueError):
    """The text is not JSON vdc accepts; its text is the reason, one line."""


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise UnsafeJson(f"an integer of {len(text.lstrip('-'))} digits (at most {MAX_INT_DIGITS})")
    return int(text)


def _float(text: str) -> float:
    x = float(text)
    if not math.isfinite(x):
        raise UnsafeJson(f"the number {text[:20]} is out of range")
    return x


def _constant(name: str) -> float:
    raise UnsafeJson(f"{name} is not a number a save may hold")


def read_capped(path: Path, cap: int = MAX_BYTES) -> bytes:
    """The file's bytes; UnsafeJson when it is larger than `cap` (checked before reading).
    OSError passes through for the caller to word."""
    size = path.stat().st_size
    if size > cap:
        raise UnsafeJson(f"{size / 1e6:.0f} MB, over the {cap // (1024 * 1024)} MB limit")
    with path.open("rb") as f:
        raw = f.read(cap + 1)
    if len(raw) > cap:  # grew while we looked, or a device file
        raise UnsafeJson(f"over the {cap // (1024 * 1024)} MB limit")
    return raw


def loads(text: str) -> object:
    """Parse JSON text with the limits above; UnsafeJson (or json.JSONDecodeError) if not."""
    try:
        data = json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except RecursionError:
        raise UnsafeJson(f"nested too deeply (more than {MAX_DEPTH} levels)") from None
    check_tree(data)
    return data


def check_tree(data: object) -> None:
    """Raise UnsafeJson if `data` nests too deeply, holds a non-finite number or a string that
    is not valid Unicode. Iterative, linear in the size of the data."""
    stack: list[tuple[object, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            _check_text(node)
        elif isinstance(node, float):
            if not math.isfinite(node):
                raise UnsafeJson(f"the number {node} is out of range")
        elif isinstance(node, (list, dict)):
            if depth > MAX_DEPTH:
                raise UnsafeJson(f"nested too deeply (more than {MAX_DEPTH} levels)")
            if isinstance(node, dict):
                for k, v in node.items():
                    _check_text(str(k))
                    stack.append((v, depth + 1))
            else:
                stack.extend((v, depth + 1) for v in node)


def _check_text(s: str) -> None:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError as e:
        bad = s[e.start]
        raise UnsafeJson(
            f"a string holds a lone surrogate (\\u{ord(bad):04x}), which is not valid Unicode"
        ) from None
