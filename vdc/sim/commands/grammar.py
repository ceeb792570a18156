"""Provides the grammar of the command language: slots, patterns and command specs.

A command is one `CommandSpec`: a pattern of literal words, typed `{name:kind}` slots and
`[--flags]`, compiled once into `Slot`s. The rules `_compile` enforces (words first, flags
last, optional slots at the end) are what keep parsing unambiguous.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vdc.sim.commands.parse import Command


KINDS = frozenset({"vm", "host", "cluster", "datastore", "word", "int", "gib", "pct"})
"""Value kinds a `{name:kind}` slot may have (plus `a|b|c` choices)."""

NAME_KINDS = frozenset({"vm", "host", "cluster", "datastore", "word"})
_DEFAULT_LIMITS: dict[str, tuple[float, float | None]] = {"int": (0, None), "pct": (0, 100)}

# Pattern tokens. Slot and flag names become argument keys, so they are identifiers.
_WORD_RE = re.compile(r"[a-z][a-z0-9-]*")
_FLAG_RE = re.compile(r"--[a-z][a-z0-9-]*")
_VALUED_FLAG_RE = re.compile(r"(?P<flag>--[a-z][a-z0-9-]*)=\{(?P<kind>[a-z0-9|-]+?)(?P<many>\.\.\.)?\}")
_SLOT_RE = re.compile(r"\{(?P<name>[a-z][a-z0-9_]*):(?P<kind>[a-z0-9|-]+?)(?P<many>\.\.\.)?\}")

# What a slot is called in messages, when its argument name alone would read oddly.
_LABELS = {
    "vm": "VM",
    "gib": "size",
    "snap": "snapshot name",
    "rule": "rule name",
    "group": "group name",
    "members": "member",
    "values": "value",
    "vlan": "VLAN ID",
    "portgroup": "port group",
    "id": "recommendation ID",
    "server": "physical server",
    "index": "NIC index",
    "active": "active uplink",
    "standby": "standby uplink",
    "task": "task number, VM or host",
    "vsan": "vSAN data mode",
}


class CommandSyntaxError(ValueError):
    """A typed command that does not fit the grammar; its text is one line a player understands."""


class CommandUnavailable(CommandSyntaxError):
    """A well-formed command whose verb belongs to a later version of vdc.

    It is a syntax error for the player, but it carries the parsed `command` so callers (and
    tests) can tell "you mistyped" from "not yet".
    """

    def __init__(self, message: str, command: Command) -> None:
        super().__init__(message)
        self.command = command


@dataclass(frozen=True)
class Slot:
    """One element of a pattern: a literal word, an optional `--flag`, or a typed value."""

    kind: str
    """`literal`, `flag`, `choice`, or one of `KINDS`."""
    name: str
    """The argument key (empty for literals; `--evacuate-powered-off` → `evacuate_powered_off`)."""
    text: str = ""
    """The literal word or the flag as typed (`--memory`)."""
    optional: bool = False
    many: bool = False
    """One or more tokens (the last positional slot only); the value is a tuple of them."""
    choices: tuple[str, ...] = ()
    lo: float | None = None
    """Smallest allowed value of an `int` or `pct` slot."""
    hi: float | None = None
    """Largest allowed value of an `int` or `pct` slot (None: no limit)."""
    arg: Slot | None = None
    """A flag's value (`[--detection={link|beacon}]`, `[--active={word...}]`); None for a flag
    that is just given or not."""

    @property
    def is_value(self) -> bool:
        """True for slots that become an argument read from the player's tokens."""
        return self.kind not in ("literal", "flag")

    @property
    def usage(self) -> str:
        """How this element is shown in a usage line: `VM`, `[HOST]`, `manual|partial|full`."""
        if self.kind == "literal":
            return self.text
        if self.kind == "flag":
            return f"[{self.text} {self.arg.usage}]" if self.arg is not None else f"[{self.text}]"
        shown = "|".join(self.choices) if self.kind == "choice" else self.name.upper()
        if len(shown) > CHOICES_SHOWN_MAX:  # a long list of choices reads as its name
            shown = self.name.upper()
        shown += "..." if self.many else ""
        return f"[{shown}]" if self.optional else shown

    @property
    def label(self) -> str:
        """What the slot is called in a message: `count`, `VM`, `snapshot name`."""
        return _LABELS.get(self.name, self.name.replace("_", " "))


CHOICES_SHOWN_MAX = 32
"""Choices longer than this (joined by |) show in usage lines as the slot's name."""


def _compile(pattern: str, limits: Mapping[str, tuple[float, float | None]]) -> tuple[Slot, ...]:
    """Turn a pattern string into slots, enforcing the rules that keep parsing unambiguous."""
    slots: list[Slot] = []
    for tok in pattern.split():
        optional = tok.startswith("[") and tok.endswith("]")
        body = tok[1:-1] if optional else tok
        if body.startswith("--"):
            valued = _VALUED_FLAG_RE.fullmatch(body)
            if not optional or not (_FLAG_RE.fullmatch(body) or valued):
                raise ValueError(
                    f"{pattern!r}: flags are written [--name] or [--name={{kind}}], got {tok!r}")
            text = valued["flag"] if valued else body
            name = text[2:].replace("-", "_")
            arg = _flag_value(pattern, name, valued["kind"], bool(valued["many"])) if valued else None
            slots.append(Slot("flag", name, text=text, optional=True, arg=arg))
            continue
        m = _SLOT_RE.fullmatch(body)
        if m is None:
            if optional or not _WORD_RE.fullmatch(body):
                raise ValueError(f"{pattern!r}: bad pattern element {tok!r}")
            slots.append(Slot("literal", "", text=body))
            continue
        name, kind, many = m["name"], m["kind"], bool(m["many"])
        choices: tuple[str, ...] = ()
        if "|" in kind:
            choices, kind = tuple(kind.split("|")), "choice"
            if not all(_WORD_RE.fullmatch(c) for c in choices) or len(set(choices)) != len(choices):
                raise ValueError(f"{pattern!r}: bad choices in {tok!r}")
        elif kind not in KINDS:
            raise ValueError(f"{pattern!r}: unknown kind {kind!r}")
        lo, hi = limits.get(name, _DEFAULT_LIMITS.get(kind, (None, None)))
        slots.append(Slot(kind, name, optional=optional, many=many, choices=choices, lo=lo, hi=hi))

    positional = [s for s in slots if s.kind != "flag"]
    if not positional or positional[0].kind != "literal":
        raise ValueError(f"{pattern!r}: a command starts with a word")
    first_flag = next((i for i, s in enumerate(slots) if s.kind == "flag"), len(slots))
    if any(s.kind != "flag" for s in slots[first_flag:]):
        raise ValueError(f"{pattern!r}: flags come last")
    for i, s in enumerate(positional):
        if i and positional[i - 1].optional and not s.optional:
            raise ValueError(f"{pattern!r}: optional slots only at the end")
        if s.many and i != len(positional) - 1:
            raise ValueError(f"{pattern!r}: a '...' slot must be the last one")
    keys = [s.name for s in slots if s.kind != "literal"]
    if len(set(keys)) != len(keys):
        raise ValueError(f"{pattern!r}: argument names must be unique")
    bad = set(limits) - {s.name for s in slots if s.kind in ("int", "pct")}
    if bad:
        raise ValueError(f"{pattern!r}: limits for unknown number slots {sorted(bad)}")
    return tuple(slots)


def _flag_value(pattern: str, name: str, kind: str, many: bool) -> Slot:
    """The value slot of a flag that takes one (a word, words, or one of some choices)."""
    if "|" in kind:
        choices = tuple(kind.split("|"))
        if not all(_WORD_RE.fullmatch(c) for c in choices) or len(set(choices)) != len(choices):
            raise ValueError(f"{pattern!r}: bad choices for --{name}")
        return Slot("choice", name, many=many, choices=choices)
    if kind != "word":
        raise ValueError(f"{pattern!r}: a flag takes a word or choices, not {kind!r}")
    return Slot("word", name, many=many)


@dataclass(frozen=True)
class CommandSpec:
    """One command of the language: its grammar, what it does, and whether this version has it."""

    pattern: str
    """Literal words and typed slots, e.g. `power on {vm:vm} [{host:host}]`."""
    help: str
    """One sentence a player understands."""
    example: str
    available: bool = True
    """False for a verb of a later version: reserved in the grammar, refused by `parse`."""
    meta: bool = False
    """True for commands that change nothing in the simulation (`help`)."""
    limits: tuple[tuple[str, float, float | None], ...] = ()
    """(slot, lowest, highest) bounds for `int`/`pct` slots; ints default to ≥ 0."""
    slots: tuple[Slot, ...] = field(init=False, repr=False, compare=False)
    name: str = field(init=False, compare=False)
    """The literal words joined, e.g. `vm set cpu`: the command's identity."""
    usage: str = field(init=False, repr=False, compare=False)
    positional: tuple[Slot, ...] = field(init=False, repr=False, compare=False)
    flags: tuple[Slot, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        slots = _compile(self.pattern, {n: (lo, hi) for n, lo, hi in self.limits})
        set_ = object.__setattr__  # frozen: derived fields are filled in once, here
        set_(self, "slots", slots)
        set_(self, "name", " ".join(s.text for s in slots if s.kind == "literal"))
        set_(self, "usage", " ".join(s.usage for s in slots))
        set_(self, "positional", tuple(s for s in slots if s.kind != "flag"))
        set_(self, "flags", tuple(s for s in slots if s.kind == "flag"))

    @property
    def args(self) -> tuple[Slot, ...]:
        """The slots that become arguments, in pattern order (values and flags)."""
        return tuple(s for s in self.slots if s.kind != "literal")
