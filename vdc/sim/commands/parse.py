"""Provides `Command`, the parser and the formatter of the command language.

`parse(format_command(c)) == c` for every command `parse` produces: the text form is what
saves and action scripts store, and what key bindings and the palette go through.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from vdc.sim.commands.grammar import (
    NAME_KINDS,
    CommandSpec,
    CommandSyntaxError,
    CommandUnavailable,
    Slot,
)
from vdc.sim.commands.table import COMMANDS, FIRST_WORDS, spec_for

# Typed values. ASCII digits only, so what parses is exactly what `format_command` writes back.
_INT_RE = re.compile(r"[+-]?[0-9]+")
_NUM = r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
_GIB_RE = re.compile(rf"({_NUM})(?:g|gb|gib)?", re.IGNORECASE)
_PCT_RE = re.compile(rf"({_NUM})%?")


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

    # Typed access for handlers: the parser made each value the type its slot's kind says.
    def text(self, key: str) -> str:
        """A required name, word or choice."""
        v = self[key]
        if not isinstance(v, str):
            raise TypeError(f"'{self.name}' {key} is {v!r}, not text")
        return v

    def opt_text(self, key: str) -> str | None:
        """An optional name, word or choice (None when not given)."""
        v = self.get(key)
        return None if v is None else self.text(key)

    def integer(self, key: str) -> int:
        """An `int` slot."""
        v = self[key]
        if not isinstance(v, int) or isinstance(v, bool):
            raise TypeError(f"'{self.name}' {key} is {v!r}, not a whole number")
        return v

    def number(self, key: str) -> float:
        """A `gib` or `pct` slot (an int is taken as a number too)."""
        v = self[key]
        if not isinstance(v, int | float) or isinstance(v, bool):
            raise TypeError(f"'{self.name}' {key} is {v!r}, not a number")
        return float(v)

    def flag(self, key: str) -> bool:
        """A `--flag`: whether it was given."""
        return bool(self.get(key))

    def words(self, key: str) -> tuple[str, ...]:
        """A `...` slot: its tokens (empty when an optional one was not given)."""
        v = self.get(key)
        if v is None:
            return ()
        if not isinstance(v, tuple) or not all(isinstance(x, str) for x in v):
            raise TypeError(f"'{self.name}' {key} is {v!r}, not a list of words")
        return v

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
    if kind in NAME_KINDS:
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
    """Pull `--flags` (in any order, anywhere after the command words) out of `tokens`, with
    their values: one token, or for a `...` value every token up to the next flag."""
    by_text = {f.text: f for f in spec.flags}
    rest: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        i += 1
        if not tok.startswith("--"):
            rest.append(tok)
            continue
        flag = by_text.get(tok.lower())
        if flag is None:
            options = ", ".join(by_text)
            raise CommandSyntaxError(f"'{spec.name}' has no option '{tok}' (options: {options})")
        if values.get(flag.name):
            raise CommandSyntaxError(f"'{spec.name}' got {flag.text} twice")
        if flag.arg is None:
            values[flag.name] = True
            continue
        n = 1
        if flag.arg.many:
            while i + n < len(tokens) and not tokens[i + n].startswith("--"):
                n += 1
        take = [t for t in tokens[i : i + n] if not t.startswith("--")]
        if not take:
            raise CommandSyntaxError(f"'{spec.name}' {flag.text} needs {_needs(flag.arg)}")
        converted = tuple(_value(flag.arg, t, spec.name) for t in take)
        values[flag.name] = converted if flag.arg.many else converted[0]
        i += len(take)
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
                close = difflib.get_close_matches(tok or "", FIRST_WORDS, n=1)
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
        # A flag's value typed without its flag (`... esx-01 full-evacuation`): say which flag.
        hint = next((f" (did you mean '{f.text} {rest[0].lower()}'?)" for f in spec.flags
                     if f.arg is not None and rest[0].lower() in f.arg.choices), "")
        raise CommandSyntaxError(
            f"too many words after '{' '.join(said)}': '{' '.join(rest)}'{hint}")
    cmd = Command(
        spec.name,
        tuple((s.name, values.get(s.name, False if s.kind == "flag" and s.arg is None else None))
              for s in spec.args),
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
            if v and slot.arg is not None:
                vals: Sequence[object] = v if isinstance(v, tuple | list) else (v,)
                parts.append(slot.text)
                parts.extend(_format_value(slot.arg, x) for x in vals)
            elif v:
                parts.append(slot.text)
            continue
        if v is None or (slot.many and not v):
            if slot.optional:
                continue
            raise ValueError(f"'{cmd.name}' is missing its {slot.label}")
        many: Sequence[object] = v if slot.many and isinstance(v, tuple | list) else (v,)
        parts.extend(_format_value(slot, x) for x in many)
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
