"""Provides the one command language of vdc: its table, parser, formatter, help and completion.

Keys, the command palette, the `:` line, action scripts and save files all produce the same
`Command` objects through this module, so there is exactly one grammar to learn, test and replay.
Every command is one row of `COMMANDS`; verbs of later versions are already reserved there, so
they plug in without grammar changes. Pure standard library: the simulation imports no screen.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

__all__ = [
    "COMMANDS",
    "KINDS",
    "Command",
    "CommandSpec",
    "CommandSyntaxError",
    "CommandUnavailable",
    "Slot",
    "complete",
    "format_command",
    "format_number",
    "help_text",
    "make_command",
    "parse",
    "spec_for",
    "usage",
]

KINDS = frozenset({"vm", "host", "cluster", "datastore", "word", "int", "gib", "pct"})
"""Value kinds a `{name:kind}` slot may have (plus `a|b|c` choices)."""

_NAME_KINDS = frozenset({"vm", "host", "cluster", "datastore", "word"})
_DEFAULT_LIMITS: dict[str, tuple[float, float | None]] = {"int": (0, None), "pct": (0, 100)}

# Pattern tokens. Slot and flag names become argument keys, so they are identifiers.
_WORD_RE = re.compile(r"[a-z][a-z0-9-]*")
_FLAG_RE = re.compile(r"--[a-z][a-z0-9-]*")
_SLOT_RE = re.compile(r"\{(?P<name>[a-z][a-z0-9_]*):(?P<kind>[a-z0-9|-]+?)(?P<many>\.\.\.)?\}")

# Typed values. ASCII digits only, so what parses is exactly what `format_command` writes back.
_INT_RE = re.compile(r"[+-]?[0-9]+")
_NUM = r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
_GIB_RE = re.compile(rf"({_NUM})(?:g|gb|gib)?", re.IGNORECASE)
_PCT_RE = re.compile(rf"({_NUM})%?")

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
            return f"[{self.text}]"
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
            if not optional or not _FLAG_RE.fullmatch(body):
                raise ValueError(f"{pattern!r}: flags are written [--name], got {tok!r}")
            slots.append(Slot("flag", body[2:].replace("-", "_"), text=body, optional=True))
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


_LATER = "(coming in a later version)"

COMMANDS: tuple[CommandSpec, ...] = (
    # ------------------------------------------------------------------ available now
    CommandSpec(
        "power on {vm:vm} [{host:host}]",
        "Power a VM on, on its own host or on a host you name (it moves there while off).",
        "power on app-02",
    ),
    CommandSpec(
        "power off {vm:vm}",
        "Cut a VM's power at once, like pulling the plug.",
        "power off web-01",
    ),
    CommandSpec(
        "power reset {vm:vm}",
        "Hard-reset a running VM: it reboots and is back after its boot time.",
        "power reset db-01",
    ),
    CommandSpec(
        "vm set {vm:vm} cpu {count:int}",
        "Give a VM a new number of vCPUs (to add them while it runs it needs hot add).",
        "vm set app-01 cpu 4",
        limits=(("count", 1, 128),),
    ),
    CommandSpec(
        "vm set {vm:vm} mem {gib:gib}",
        "Give a VM a new amount of memory in GiB (to add it while it runs it needs hot add).",
        "vm set app-01 mem 16",
    ),
    CommandSpec(
        "host power on {host:host}",
        "Power a host on; it can run VMs once it has booted.",
        "host power on esx-03",
    ),
    CommandSpec(
        "host power off {host:host}",
        "Power off a host that runs no VMs (power them off or move them first).",
        "host power off esx-03",
    ),
    CommandSpec(
        "help [{command:word...}]",
        "List the commands, or show how to use one.",
        "help vm set",
        meta=True,
    ),
    # ------------------------------------------------------------------ reserved for later
    CommandSpec(
        "vmotion {vm:vm} {host:host}",
        "Move a running VM to another host without stopping it.",
        "vmotion web-01 esx-02",
    ),
    CommandSpec(
        "svmotion {vm:vm} {datastore:datastore}",
        "Move a VM's disks to another datastore while it keeps running.",
        "svmotion db-01 ds-gold",
    ),
    CommandSpec(
        "snapshot create {vm:vm} {snap:word} [--memory] [--quiesce]",
        "Take a snapshot of a VM, optionally with its memory or with the guest's disks quiesced.",
        "snapshot create db-01 pre-patch --memory",
    ),
    CommandSpec(
        "snapshot revert {vm:vm} {snap:word}",
        "Return a VM to one of its snapshots, losing what changed since.",
        "snapshot revert db-01 pre-patch",
    ),
    CommandSpec(
        "snapshot delete {vm:vm} [{snap:word}] [--all]",
        "Delete a snapshot (or --all of them), merging its changes into the disk below it.",
        "snapshot delete db-01 pre-patch",
    ),
    CommandSpec(
        "snapshot list {vm:vm}",
        "Show a VM's snapshots: the chain, sizes and ages.",
        "snapshot list db-01",
        meta=True,
    ),
    CommandSpec(
        "maintenance enter {host:host} [--evacuate-powered-off]",
        "Put a host into maintenance mode once its running VMs have moved off.",
        "maintenance enter esx-03",
    ),
    CommandSpec(
        "maintenance exit {host:host}",
        "Take a host out of maintenance mode so it can run VMs again.",
        "maintenance exit esx-03",
    ),
    CommandSpec(
        "host reboot {host:host}",
        "Reboot a host that runs no VMs; it is gone until it has booted.",
        "host reboot esx-03",
    ),
    CommandSpec(
        "ha enable {cluster:cluster}",
        "Turn on HA, which restarts the VMs of a failed host on the other hosts.",
        "ha enable prod",
    ),
    CommandSpec(
        "ha disable {cluster:cluster}",
        "Turn off HA for a cluster.",
        "ha disable prod",
    ),
    CommandSpec(
        "ha admission {cluster:cluster} {policy:disabled|slots|percent|failover-hosts}"
        " [{values:word...}]",
        "Choose how HA keeps spare capacity for failures (a host count, CPU and memory "
        "percentages, or host names).",
        "ha admission prod percent 25 25",
    ),
    CommandSpec(
        "ha priority {vm:vm} {priority:disabled|lowest|low|medium|high|highest}",
        "Set how early HA restarts a VM after a failure.",
        "ha priority db-01 high",
    ),
    CommandSpec(
        "ha isolation {cluster:cluster} {response:none|power-off|shutdown}",
        "Choose what a host cut off from the network does with its VMs.",
        "ha isolation prod shutdown",
    ),
    CommandSpec(
        "drs enable {cluster:cluster}",
        "Turn on DRS, which balances load by moving VMs between hosts.",
        "drs enable prod",
    ),
    CommandSpec(
        "drs disable {cluster:cluster}",
        "Turn off DRS for a cluster.",
        "drs disable prod",
    ),
    CommandSpec(
        "drs mode {cluster:cluster} {mode:manual|partial|full}",
        "Choose whether DRS only recommends moves, also places VMs at power-on, or moves them "
        "itself.",
        "drs mode prod full",
    ),
    CommandSpec(
        "drs threshold {cluster:cluster} {level:int}",
        "Set how eagerly DRS moves VMs, from 1 (only when needed) to 5 (for any gain).",
        "drs threshold prod 4",
        limits=(("level", 1, 5),),
    ),
    CommandSpec(
        "drs apply {cluster:cluster} {id:word}",
        "Carry out one of DRS's recommendations (its id, such as r3), or all of them.",
        "drs apply prod r1",
    ),
    CommandSpec(
        "drs rule add {cluster:cluster} {rule:word}"
        " {type:keep-together|keep-apart|must-run-on|should-run-on|must-not-run-on}"
        " {members:word...}",
        "Add a rule that keeps VMs together or apart, or ties a VM group to a host group.",
        "drs rule add prod web-apart keep-apart web-01 web-02",
    ),
    CommandSpec(
        "drs rule remove {cluster:cluster} {rule:word}",
        "Remove a DRS rule.",
        "drs rule remove prod web-apart",
    ),
    CommandSpec(
        "drs group {cluster:cluster} {type:vm|host} {group:word} {members:word...}",
        "Define a group of VMs or hosts for DRS rules to name.",
        "drs group prod vm web-vms web-01 web-02",
    ),
    CommandSpec(
        "net uplink {host:host} {uplink:word} {state:up|down}",
        "Connect or disconnect one of a host's physical network ports.",
        "net uplink esx-01 vmnic1 down",
        available=False,
    ),
    CommandSpec(
        "net portgroup {host:host} {portgroup:word} vlan {vlan:int}",
        "Set the VLAN of a port group on a host.",
        "net portgroup esx-01 prod vlan 100",
        available=False,
        limits=(("vlan", 0, 4095),),
    ),
    CommandSpec(
        "net trunk {host:host} {uplink:word} {action:add|remove} {vlan:int}",
        "Allow or remove a VLAN on the physical switch port behind a host's uplink.",
        "net trunk esx-01 vmnic0 add 200",
        available=False,
        limits=(("vlan", 0, 4095),),
    ),
    CommandSpec(
        "vm nic {vm:vm} {index:int} {portgroup:word}",
        "Connect a VM's network adapter (1 is the first) to a port group.",
        "vm nic web-01 1 prod",
        available=False,
        limits=(("index", 1, 10),),
    ),
    CommandSpec(
        "tools install {vm:vm}",
        "Install VMware Tools in a VM's guest operating system.",
        "tools install web-01",
        available=False,
    ),
    CommandSpec(
        "os install {vm:vm}",
        "Install the guest operating system in a new VM.",
        "os install web-03",
        available=False,
    ),
    CommandSpec(
        "deploy {appliance:word} {name:word} {host:host} {datastore:datastore}",
        "Deploy an appliance as a new VM on a host and a datastore.",
        "deploy firewall fw-01 esx-01 ds-1",
        available=False,
    ),
    CommandSpec(
        "p2v {server:host} {host:host} {datastore:datastore}",
        "Convert a physical server into a VM on a host and a datastore.",
        "p2v phys-01 esx-01 ds-1",
        available=False,
    ),
    CommandSpec(
        "license upgrade {edition:essentials|essentials-plus|standard|enterprise-plus|vvf|vcf}",
        "Buy a higher vSphere edition for every host, from the level's budget.",
        "license upgrade enterprise-plus",
    ),
)


def _check_table(specs: Sequence[CommandSpec]) -> None:
    """Fail at import if two commands could be confused, so `parse` never has to guess.

    Two patterns must share the same elements up to a point where both have a different
    literal word; then the words typed so far always say which commands are still possible.
    """
    names = [s.name for s in specs]
    dupes = sorted({n for n in names if names.count(n) > 1})
    assert not dupes, f"command names must be unique: {dupes}"
    for i, a in enumerate(specs):
        for b in specs[i + 1 :]:
            for x, y in zip(a.positional, b.positional, strict=False):
                if x.kind == "literal" and y.kind == "literal" and x.text != y.text:
                    break
                assert x == y, f"{a.pattern!r} and {b.pattern!r} are ambiguous"
            else:
                raise AssertionError(f"{a.pattern!r} and {b.pattern!r} are ambiguous")


_check_table(COMMANDS)
_BY_NAME: dict[str, CommandSpec] = {s.name: s for s in COMMANDS}
_FIRST_WORDS: tuple[str, ...] = tuple(dict.fromkeys(s.slots[0].text for s in COMMANDS))


def spec_for(name: str) -> CommandSpec:
    """The spec of the command called `name` (e.g. `vm set cpu`); KeyError if there is none."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"no command named {name!r}") from None


@dataclass(frozen=True, slots=True)
class Command:
    """A parsed command: what every input path produces and what the dispatcher runs.

    `args` holds every argument of the spec in pattern order; absent optional values are None,
    absent flags False, and `...` slots a tuple of str.
    """

    name: str
    args: tuple[tuple[str, object], ...] = ()

    def get(self, key: str, default: object = None) -> object:
        for k, v in self.args:
            if k == key:
                return v
        return default

    def __getitem__(self, key: str) -> object:
        for k, v in self.args:
            if k == key:
                return v
        raise KeyError(key)

    @property
    def spec(self) -> CommandSpec:
        return spec_for(self.name)

    def __str__(self) -> str:
        return format_command(self)


# ------------------------------------------------------------------------------- parsing


def _alternatives(words: Sequence[str]) -> str:
    """`on, off or reset` — how a list of choices is said in a message."""
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def _needs(slot: Slot) -> str:
    """`a VM`, `an uplink`, `at least one member` — what a missing slot is called."""
    label = slot.label
    if slot.many:
        return f"at least one {label}"
    return ("an " if label[0] in "aeiou" else "a ") + label


def _value(slot: Slot, tok: str, cname: str) -> object:
    """Convert one token for `slot`, or raise the message that says what was expected."""
    kind = slot.kind
    if kind in _NAME_KINDS:
        return tok  # inventory names are kept exactly as typed
    what = f"'{cname}' {slot.label} must be"
    if kind == "choice":
        low = tok.lower()
        if low in slot.choices:
            return low
        raise CommandSyntaxError(f"{what} one of {', '.join(slot.choices)}, got '{tok}'")
    if kind == "int":
        try:
            n = int(tok) if _INT_RE.fullmatch(tok) else None
        except ValueError:  # more digits than Python converts; surely out of range
            n = None
        if n is None:
            raise CommandSyntaxError(f"{what} a whole number, got '{tok}'")
        lo, hi = slot.lo, slot.hi
        if (lo is not None and n < lo) or (hi is not None and n > hi):
            if hi is None:
                raise CommandSyntaxError(f"{what} at least {format_number(lo or 0)}, got {n}")
            raise CommandSyntaxError(
                f"{what} between {format_number(lo or 0)} and {format_number(hi)}, got {n}"
            )
        return n
    if kind == "gib":
        m = _GIB_RE.fullmatch(tok)
        x = float(m[1]) if m else math.nan
        if not (x > 0 and math.isfinite(x)):
            raise CommandSyntaxError(f"{what} a positive number of GiB, got '{tok}'")
        return x
    if kind == "pct":
        m = _PCT_RE.fullmatch(tok)
        x = float(m[1]) if m else math.nan
        lo = 0.0 if slot.lo is None else slot.lo
        hi = 100.0 if slot.hi is None else slot.hi
        if not lo <= x <= hi:
            raise CommandSyntaxError(
                f"{what} a percentage from {format_number(lo)} to {format_number(hi)}, got '{tok}'"
            )
        return x
    raise AssertionError(f"unhandled kind {kind}")  # pragma: no cover - table is checked


def _take_flags(spec: CommandSpec, tokens: list[str], values: dict[str, object]) -> list[str]:
    """Pull `--flags` (in any order, anywhere after the command words) out of `tokens`."""
    by_text = {f.text: f for f in spec.flags}
    rest: list[str] = []
    for tok in tokens:
        if not tok.startswith("--"):
            rest.append(tok)
            continue
        flag = by_text.get(tok.lower())
        if flag is None:
            options = ", ".join(by_text)
            raise CommandSyntaxError(f"'{spec.name}' has no option '{tok}' (options: {options})")
        if values.get(flag.name):
            raise CommandSyntaxError(f"'{spec.name}' got {flag.text} twice")
        values[flag.name] = True
    return rest


def parse(text: str, *, allow_unavailable: bool = False) -> Command:
    """Parse one typed command. Words are case-insensitive; inventory names are kept as typed.

    Raises CommandSyntaxError with a one-line reason, or CommandUnavailable for a well-formed
    command of a later version (unless `allow_unavailable`, used for reading and testing).
    """
    tokens = text.split()
    if not tokens:
        raise CommandSyntaxError("empty command")
    cands = list(COMMANDS)
    said: list[str] = []  # the tokens consumed so far, for messages
    words: list[str] = []  # the literal words matched so far
    values: dict[str, object] = {}
    rest = tokens
    k = 0
    flags_taken = False
    while True:
        if len(cands) == 1 and not flags_taken:
            # Flags exist only in commands already told apart by their leading words.
            rest = _take_flags(cands[0], rest, values) if cands[0].flags else rest
            flags_taken = True
        # The table check guarantees that candidates end together only when just one is left.
        if k >= len(cands[0].positional):
            break
        heads = [c.positional[k] for c in cands]
        head = heads[0]
        cname = cands[0].name if len(cands) == 1 else " ".join(words)
        if head.kind == "literal":
            options = list(dict.fromkeys(h.text for h in heads))
            tok = rest[0].lower() if rest else None
            if tok is not None and tok in options:
                cands = [c for c, h in zip(cands, heads, strict=True) if h.text == tok]
                said.append(tok)
                words.append(tok)
                rest = rest[1:]
                k += 1
                continue
            if k == 0:
                close = difflib.get_close_matches(tok or "", _FIRST_WORDS, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                raise CommandSyntaxError(f"unknown command '{rest[0]}'{hint}")
            msg = f"'{' '.join(said)}' must be followed by {_alternatives(options)}"
            if rest:
                raise CommandSyntaxError(f"{msg}, got '{rest[0]}'")
            if len(cands) == 1:
                msg += f": {cands[0].usage}"
            raise CommandSyntaxError(msg)
        if not rest:
            if head.optional:
                k += 1
                continue
            usages = " | ".join(c.usage for c in cands)
            raise CommandSyntaxError(f"'{cname}' needs {_needs(head)}: {usages}")
        take = rest if head.many else rest[:1]
        converted = tuple(_value(head, t, cname) for t in take)
        values[head.name] = converted if head.many else converted[0]
        said.extend(take)
        rest = rest[len(take) :]
        k += 1
    spec = cands[0]
    if rest:
        raise CommandSyntaxError(f"too many words after '{' '.join(said)}': '{' '.join(rest)}'")
    cmd = Command(
        spec.name,
        tuple((s.name, values.get(s.name, False if s.kind == "flag" else None)) for s in spec.args),
    )
    if not spec.available and not allow_unavailable:
        raise CommandUnavailable(f"{spec.name} is not available in this version of vdc", cmd)
    return cmd


# ----------------------------------------------------------------------------- formatting


def format_number(x: float) -> str:
    """The shortest text that reads back as `x`, never in exponent form: 16, 16.5, 0.0001."""
    if float(x).is_integer():
        return str(int(x))
    return format(Decimal(repr(float(x))), "f")


def _format_value(slot: Slot, v: object) -> str:
    if slot.kind == "int":
        return str(int(v))  # type: ignore[call-overload]
    if slot.kind in ("gib", "pct"):
        return format_number(float(v))  # type: ignore[arg-type]
    return str(v)


def format_command(cmd: Command) -> str:
    """The canonical text of `cmd`: lower-case words, names as given, flags last, minimal numbers.

    `parse(format_command(c)) == c` for every command `parse` produces.
    """
    spec = spec_for(cmd.name)
    parts: list[str] = []
    for slot in spec.slots:
        if slot.kind == "literal":
            parts.append(slot.text)
            continue
        v = cmd.get(slot.name)
        if slot.kind == "flag":
            if v:
                parts.append(slot.text)
            continue
        if v is None or (slot.many and not v):
            if slot.optional:
                continue
            raise ValueError(f"'{cmd.name}' is missing its {slot.label}")
        many = v if slot.many and not isinstance(v, str) else (v,)
        parts.extend(_format_value(slot, x) for x in many)  # type: ignore[union-attr]
    return " ".join(parts)


def make_command(name: str, **values: object) -> Command:
    """Build a command from Python values, as key bindings and the palette do.

    It goes through the text form, so the result is exactly what typing it would give (and
    bad values raise the same CommandSyntaxError). Reserved commands are allowed here.
    """
    spec = spec_for(name)
    known = {s.name for s in spec.args}
    unknown = sorted(set(values) - known)
    if unknown:
        raise TypeError(f"'{name}' has no argument {unknown[0]!r}")
    draft = Command(name, tuple((s.name, values.get(s.name)) for s in spec.args))
    return parse(format_command(draft), allow_unavailable=True)


def usage(spec: CommandSpec | str) -> str:
    """The usage line of a command (a spec or its name): `power on VM [HOST]`."""
    return (spec_for(spec) if isinstance(spec, str) else spec).usage


# ----------------------------------------------------------------------------------- help


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
        width = max(len(s.usage) for s in avail)
        lines = ["Commands:"]
        lines += [f"  {s.usage.ljust(width)}  {s.help}" for s in avail]
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
        close = difflib.get_close_matches(want[0], _FIRST_WORDS, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"no command '{' '.join(words)}'{hint}; type 'help' for the list"
    blocks = []
    for s in found:
        later = "" if s.available else f"  {_LATER}"
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
    for tok in tokens:
        if spec.flags and tok.startswith("--"):
            flag = next((f for f in spec.flags if f.text == tok.lower()), None)
            if flag is None or flag.name in used:
                return None
            used.add(flag.name)
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
    if k < len(pos):
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
    if slot.kind in _NAME_KINDS:
        return names.get(slot.kind, ())
    return ()  # numbers: nothing sensible to offer
