"""Provides the parser of headless action scripts: one `<sim-seconds> <command>` per line.

A script is read completely before the run starts, so every mistake in it is reported up front
as one line (`actions.txt:7: ...`) instead of surfacing halfway through a run. Whether a command
is *allowed* at its time is the game's business, decided when it is submitted; here only its
form is checked.

    # comments start with '#', whole-line or trailing
    0     power on app-02
    90.5  vm set app-02 mem 16G
    2m    host power on esx-03      # 2m = 120 s; s, m and h suffixes are allowed
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from vdc.sim.commands import Command, CommandSyntaxError, format_number, parse

__all__ = ["ActionScriptError", "TimedCommand", "load_actions", "parse_actions"]

_TIME_RE = re.compile(r"([0-9]+(?:\.[0-9]*)?|\.[0-9]+)([smh]?)", re.IGNORECASE)
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600}
_TIME_HINT = "a time in sim seconds (like 90, 90.5, 2m or 1h)"


@dataclass(frozen=True, slots=True)
class TimedCommand:
    """One line of an action script: a command and the sim time to give it at."""

    t: float
    """Sim seconds, suffixes already applied (`2m` → 120.0)."""
    command: Command
    text: str
    """The command as written in the script (without time and comment)."""
    line: int
    """1-based line number in the script, for messages."""


class ActionScriptError(ValueError):
    """A script that cannot be run; its text is one line: `FILE:LINE: reason`."""


def _parse_time(tok: str) -> float:
    m = _TIME_RE.fullmatch(tok)
    if m is None:
        if tok.startswith("-") and _TIME_RE.fullmatch(tok[1:]):
            raise ValueError(f"time must not be negative, got '{tok}'")
        raise ValueError(f"expected {_TIME_HINT} before the command, got '{tok}'")
    return float(m[1]) * _UNIT[m[2].lower()]


def parse_actions(text: str, source: str = "<actions>") -> list[TimedCommand]:
    """Parse a whole script; raise ActionScriptError at the first bad line.

    Times must not decrease. Reserved commands of later versions are errors; commands the
    game would refuse (a VM that does not exist, a host that is full) are not.
    """
    out: list[TimedCommand] = []
    prev: float | None = None
    text = text.removeprefix("\ufeff")  # editors on Windows like to add a BOM
    # split("\n"), not splitlines(): line numbers must match what an editor shows.
    for number, raw in enumerate(text.split("\n"), start=1):
        body = raw.split("#", 1)[0].strip()
        if not body:
            continue

        def fail(reason: str, number: int = number) -> ActionScriptError:
            return ActionScriptError(f"{source}:{number}: {reason}")

        # Split on any whitespace, not just a space: tabs line columns up nicely.
        parts = body.split(None, 1)
        time_tok = parts[0]
        command_text = parts[1].strip() if len(parts) > 1 else ""
        try:
            t = _parse_time(time_tok)
        except ValueError as e:
            raise fail(str(e)) from None
        if not command_text:
            raise fail(f"no command after the time {time_tok}")
        if prev is not None and t < prev:
            raise fail(
                f"time {format_number(t)} is earlier than the line before ({format_number(prev)})"
            )
        try:
            command = parse(command_text)
        except CommandSyntaxError as e:  # includes CommandUnavailable
            raise fail(str(e)) from None
        out.append(TimedCommand(t, command, command_text, number))
        prev = t
    return out


def load_actions(path: str | os.PathLike[str]) -> list[TimedCommand]:
    """Read and parse the script at `path`; every failure is an ActionScriptError."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise ActionScriptError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise ActionScriptError(f"{name}: is a directory, not a file") from None
    except PermissionError:
        raise ActionScriptError(f"{name}: permission denied") from None
    except OSError as e:
        raise ActionScriptError(f"{name}: cannot be read ({e.strerror or e})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ActionScriptError(f"{name}: not UTF-8 text") from None
    return parse_actions(text, source=name)
