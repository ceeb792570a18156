"""Provides the help text and the completion of the command language (the `:` line's Tab)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence

from vdc.sim.commands.grammar import CHOICES_SHOWN_MAX, NAME_KINDS, CommandSpec, Slot
from vdc.sim.commands.table import COMMANDS, FIRST_WORDS, LATER

# ----------------------------------------------------------------------------------- help

USAGE_COLUMN = 48
"""Usages longer than this are listed on a line of their own in `help`."""


def _reserved_verbs() -> list[str]:
    """The verbs of later versions, by first word unless that word already has commands."""
    now = {s.slots[0].text for s in COMMANDS if s.available}
    verbs: list[str] = []
    for s in COMMANDS:
        if not s.available:
            first = s.slots[0].text
            verb = s.name if first in now else first
            if verb not in verbs:
                verbs.append(verb)
    return verbs


def help_text(words: tuple[str, ...] | None = None) -> str:
    """The help a player sees: all commands, or usage, help and example of the ones named."""
    if not words:
        avail = [s for s in COMMANDS if s.available]
        width = max(len(s.usage) for s in avail if len(s.usage) <= USAGE_COLUMN)
        lines = ["Commands:"]
        for s in avail:
            if len(s.usage) > width:  # a long usage gets its own line, the help goes below
                lines += [f"  {s.usage}", f"      {s.help}"]
            else:
                lines.append(f"  {s.usage.ljust(width)}  {s.help}")
        lines.append("Coming later: " + ", ".join(_reserved_verbs()) + ".")
        lines.append("Type 'help COMMAND' for an example, e.g. 'help power on'.")
        return "\n".join(lines)
    want = [w.lower() for w in words]
    # The longest run of leading words that names commands, so `help power on web-01` works.
    for n in range(len(want), 0, -1):
        found = [s for s in COMMANDS if s.name.split()[:n] == want[:n]]
        if found:
            break
    else:
        close = difflib.get_close_matches(want[0], FIRST_WORDS, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"no command '{' '.join(words)}'{hint}; type 'help' for the list"
    blocks = []
    for s in found:
        later = "" if s.available else f"  {LATER}"
        named = [
            f"\n  {slot.name.upper()}: {', '.join(slot.choices)}"
            for slot in s.slots
            if slot.kind == "choice" and len("|".join(slot.choices)) > CHOICES_SHOWN_MAX
        ]
        blocks.append(f"{s.usage}{later}\n  {s.help}{''.join(named)}\n  example: {s.example}")
    return "\n".join(blocks)


# ----------------------------------------------------------------------------- completion


def _expect(spec: CommandSpec, tokens: Sequence[str]) -> list[Slot] | None:
    """What may come next after `tokens` in `spec`; None if `tokens` cannot start `spec`."""
    pos = spec.positional
    used: set[str] = set()
    k = 0
    value_of: Slot | None = None  # the flag whose value(s) the next token is
    given = 0  # values given to it so far
    for tok in tokens:
        if spec.flags and tok.startswith("--"):
            flag = next((f for f in spec.flags if f.text == tok.lower()), None)
            if flag is None or flag.name in used:
                return None
            used.add(flag.name)
            value_of, given = flag.arg, 0
            continue
        if value_of is not None:
            if value_of.kind == "choice" and tok.lower() not in value_of.choices:
                return None
            given += 1
            if not value_of.many:
                value_of = None
            continue
        if k >= len(pos):
            return None
        slot = pos[k]
        if slot.kind == "literal" and tok.lower() != slot.text:
            return None
        if slot.kind == "choice" and tok.lower() not in slot.choices:
            return None
        if not slot.many:  # a `...` slot stays next: it takes more tokens
            k += 1
    nxt: list[Slot] = []
    if value_of is not None:
        if not given:
            return [value_of]
        nxt.append(value_of)
    elif k < len(pos):
        nxt.append(pos[k])
    required = sum(1 for s in pos if not s.optional)
    if k >= required:
        nxt.extend(f for f in spec.flags if f.name not in used)
    return nxt


def complete(
    text: str,
    names: Mapping[str, Sequence[str]],
    *,
    available_only: bool = True,
) -> list[str]:
    """Whole-token completions for the last (possibly empty) token of `text`.

    Command words at word positions, choices at choice slots, and at name slots the names in
    `names` for the slot's kind (`vm`, `host`, `cluster`, `datastore`) or, for `word` slots,
    for the slot's name (e.g. `snap`). After `help`, command words. Sorted, unique, matched
    by case-insensitive prefix. Reserved commands are skipped unless `available_only=False`.
    """
    tokens = text.split()
    last = tokens.pop() if tokens and not text[-1].isspace() else ""
    found: set[str] = set()
    for spec in COMMANDS:
        if available_only and not spec.available:
            continue
        nxt = _expect(spec, tokens)
        for slot in nxt or ():
            found.update(_candidates(spec, slot, tokens, last, names, available_only))
    low = last.lower()
    return sorted((c for c in found if c.lower().startswith(low)), key=lambda c: (c.lower(), c))


def _candidates(
    spec: CommandSpec,
    slot: Slot,
    tokens: Sequence[str],
    last: str,
    names: Mapping[str, Sequence[str]],
    available_only: bool,
) -> Iterable[str]:
    if slot.kind in ("literal", "flag"):
        return (slot.text,)
    if slot.kind == "choice":
        return slot.choices
    if spec.meta and slot.name == "command":
        lead = sum(1 for s in spec.positional if s.kind == "literal")
        inner = " ".join([*tokens[lead:], last])
        return complete(inner, {}, available_only=available_only)
    if slot.kind == "word":
        return names.get(slot.name, ())
    if slot.kind in NAME_KINDS:
        return names.get(slot.kind, ())
    return ()  # numbers: nothing sensible to offer
