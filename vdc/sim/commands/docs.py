"""Provides docs/commands.md, generated from the command table (`COMMANDS`).

    python -m vdc.sim.commands.docs > docs/commands.md

A test checks that the committed page equals `markdown()`, so the page never drifts from the
grammar: change a command's row in `table.py`, then regenerate.
"""

from __future__ import annotations

import sys

from vdc.sim.commands.grammar import CHOICES_SHOWN_MAX, CommandSpec
from vdc.sim.commands.table import COMMANDS

REGENERATE = "python -m vdc.sim.commands.docs > docs/commands.md"

_HEAD = f"""\
# Commands

<!-- Generated from vdc/sim/commands/table.py by `{REGENERATE}`; do not edit. -->

Everything a player can do is one of these commands. The same text works on the game's `:`
command line (Tab completes words and names), in the command palette (`Ctrl+P`), in a headless
action script (`<sim-seconds> <command>` per line, see [cli.md](cli.md)) and in a save. `help`
and `help COMMAND` show this in the game. A command the game refuses says why, in one line.

How to read a usage line: words in lower case are typed as shown; `VM`, `HOST`, `CLUSTER` and
`DATASTORE` are names from the level; `[…]` is optional; `a|b|c` is one of the choices;
`WORD...` takes one or more words; `--flag` is typed as is.
"""


def _extra(spec: CommandSpec) -> str:
    """Long choice lists and number limits, which the usage line does not show."""
    parts = []
    for slot in (s.arg if s.arg is not None else s for s in spec.slots):
        if slot.kind == "choice" and len("|".join(slot.choices)) > CHOICES_SHOWN_MAX:
            parts.append(f"{slot.name.upper()}: {', '.join(f'`{c}`' for c in slot.choices)}.")
        if slot.kind in ("int", "pct") and slot.hi is not None:
            lo = int(slot.lo) if slot.lo is not None and slot.lo == int(slot.lo) else slot.lo
            hi = int(slot.hi) if slot.hi == int(slot.hi) else slot.hi
            parts.append(f"{slot.name.upper()}: {lo} to {hi}.")
    return (" " + " ".join(parts)) if parts else ""


def _table(specs: list[CommandSpec]) -> list[str]:
    rows = ["| command | what it does | example |", "|---|---|---|"]
    for s in specs:
        usage = s.usage.replace("|", "\\|")
        what = (s.help + _extra(s)).replace("|", "\\|")
        rows.append(f"| `{usage}` | {what} | `{s.example}` |")
    return rows


def markdown() -> str:
    """The text of docs/commands.md."""
    now = [s for s in COMMANDS if s.available]
    later = [s for s in COMMANDS if not s.available]
    lines = [_HEAD, f"## Available now ({len(now)})", "", *_table(now), ""]
    lines += [
        f"## Reserved for later versions ({len(later)})",
        "",
        "The grammar already knows these; typing one says it comes in a later version.",
        "",
        *_table(later),
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    sys.stdout.write(markdown())
    return 0


if __name__ == "__main__":
    sys.exit(main())
