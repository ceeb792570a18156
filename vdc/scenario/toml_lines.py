"""Provides where a key path is written in TOML text: its line, for one-line level errors.

tomllib gives no positions for values, so the loader finds them afterwards: `line_map` walks the
source text (already accepted by tomllib) recording where each table header, key and array
element starts; `line_for` answers with the line of the key path, or of its closest written
ancestor when the exact key is not in the file (a default, a value inside an inline table).
"""

from __future__ import annotations

import json
import re

Loc = tuple[str | int, ...]
"""A key path: ("vms", 3, "disks", 0, "size")."""


SCAN_LIMIT = 256 * 1024
"""Line numbers are looked up in files up to this size (characters); a larger file's errors name
the key path only. The scan is linear but pure Python (about as slow as tomllib), so this keeps
an error in a 4 MB file from costing seconds more."""


def line_for(text: str, loc: Loc) -> int | None:
    """The line of key path `loc` in the TOML source, or of its closest written ancestor."""
    if len(text) > SCAN_LIMIT:
        return None
    lines = line_map(text)
    for k in range(len(loc), 0, -1):
        line = lines.get(tuple(loc[:k]))
        if line is not None:
            return line
    return None


def line_map(text: str) -> dict[Loc, int]:
    """Key path -> 1-based line where it is written (first occurrence), for valid TOML."""
    scanner = _Scanner(text)
    try:
        scanner.document()
    except Exception:  # noqa: BLE001 - best effort: a partial map is still useful
        pass
    return scanner.lines


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
MAX_KEY_PARTS = 16
"""A dotted key or header deeper than any level table ([vms.disks] is 2): the scan stops there,
so that a 50,000-part header costs linear time instead of building 50,000 growing paths."""
MAX_DEPTH = 64
"""Nested arrays and inline tables deeper than any level's: the scan stops there too."""


class _Scanner:
    """Walks TOML text recording where each table, key and array element starts.

    Only used on text tomllib has accepted, so it can be lenient; it never evaluates values.
    """

    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0
        self.line = 1
        self.lines: dict[Loc, int] = {}
        self.arrays: dict[Loc, int] = {}  # array-of-tables path -> entries so far

    # -- low level
    def _peek(self, k: int = 1) -> str:
        return self.s[self.i : self.i + k]

    def _adv(self, n: int = 1) -> None:
        self.line += self.s.count("\n", self.i, self.i + n)
        self.i += n

    def _skip(self, newlines: bool) -> None:
        s = self.s
        while self.i < len(s):
            ch = s[self.i]
            if ch in " \t":
                self.i += 1
            elif newlines and ch in "\r\n":
                self._adv()
            elif newlines and ch == "#":
                end = s.find("\n", self.i)
                self.i = len(s) if end < 0 else end
            else:
                return

    def _skip_line(self) -> None:
        end = self.s.find("\n", self.i)
        self.i = len(self.s) if end < 0 else end

    def _record(self, loc: Loc, line: int) -> None:
        self.lines.setdefault(loc, line)

    # -- grammar
    def document(self) -> None:
        table: Loc = ()
        while True:
            self._skip(newlines=True)
            if self.i >= len(self.s):
                return
            line = self.line
            if self._peek(2) == "[[":
                self._adv(2)
                parts = self._key()
                parent = self._resolve(parts[:-1])
                array = (*parent, parts[-1])
                n = self.arrays.get(array, 0)
                self.arrays[array] = n + 1
                table = (*array, n)
                self._record(array, line)
                self._record(table, line)
                self._skip_line()
            elif self._peek() == "[":
                self._adv()
                table = self._resolve(self._key())
                self._record(table, line)
                self._skip_line()
            else:
                self._keyvalue(table)
                self._skip(newlines=False)
                if self._peek() == "#":
                    self._skip_line()

    def _resolve(self, parts: list[str]) -> Loc:
        """The path of a header's key, with the current index of each array of tables in it;
        every enclosing table it implies is recorded at this line (unless written before)."""
        path: Loc = ()
        for p in parts:
            path = (*path, p)
            if path in self.arrays:
                path = (*path, self.arrays[path] - 1)
            self._record(path, self.line)
        return path

    def _key(self) -> list[str]:
        parts: list[str] = []
        while True:
            self._skip(newlines=False)
            ch = self._peek()
            if ch == '"':
                start = self.i
                self._string_basic()
                raw = self.s[start : self.i]
                try:
                    parts.append(json.loads(raw))
                except ValueError:
                    parts.append(raw[1:-1])
            elif ch == "'":
                end = self.s.index("'", self.i + 1)
                parts.append(self.s[self.i + 1 : end])
                self._adv(end + 1 - self.i)
            else:
                m = _BARE_KEY.match(self.s, self.i)
                if not m:
                    raise ValueError("bad key")
                parts.append(m.group())
                self._adv(m.end() - self.i)
            self._skip(newlines=False)
            if self._peek() == ".":
                if len(parts) >= MAX_KEY_PARTS:
                    raise ValueError("key too deep")
                self._adv()
                continue
            return parts

    def _keyvalue(self, base: Loc) -> None:
        line = self.line
        parts = self._key()
        for k in range(1, len(parts) + 1):
            self._record((*base, *parts[:k]), line)
        self._skip(newlines=False)
        if self._peek() != "=":
            raise ValueError("expected =")
        self._adv()
        self._skip(newlines=False)
        self._value((*base, *parts))

    def _value(self, loc: Loc) -> None:
        if len(loc) > MAX_DEPTH:
            raise ValueError("value too deep")
        ch = self._peek()
        if ch == "[":
            self._adv()
            k = 0
            while True:
                self._skip(newlines=True)
                if self._peek() == "]":
                    self._adv()
                    return
                self._record((*loc, k), self.line)
                self._value((*loc, k))
                self._skip(newlines=True)
                if self._peek() == ",":
                    self._adv()
                    k += 1
                    continue
                if self._peek() == "]":
                    self._adv()
                    return
                raise ValueError("bad array")
        elif ch == "{":
            self._adv()
            while True:
                self._skip(newlines=True)
                if self._peek() == "}":
                    self._adv()
                    return
                self._keyvalue(loc)
                self._skip(newlines=True)
                if self._peek() == ",":
                    self._adv()
                    continue
                if self._peek() == "}":
                    self._adv()
                    return
                raise ValueError("bad inline table")
        elif self._peek(3) in ('"""', "'''"):
            quote = self._peek(3)
            end = self.i + 3
            while True:
                end = self.s.index(quote, end)
                if quote == '"""' and _escaped(self.s, end):
                    end += 1
                    continue
                break
            end += 3
            while end < len(self.s) and self.s[end] == quote[0]:
                end += 1  # up to two quotes may end the content
            self._adv(end - self.i)
        elif ch == '"':
            self._string_basic()
        elif ch == "'":
            end = self.s.index("'", self.i + 1)
            self._adv(end + 1 - self.i)
        else:
            start = self.i
            while self.i < len(self.s) and self.s[self.i] not in ",]}\n#":
                self.i += 1
            if self.i == start:
                raise ValueError("empty value")

    def _string_basic(self) -> None:
        i = self.i + 1
        s = self.s
        while i < len(s) and s[i] != '"':
            i += 2 if s[i] == "\\" else 1
        self._adv(i + 1 - self.i)


def _escaped(s: str, pos: int) -> bool:
    """Whether the character at `pos` is preceded by an odd number of backslashes."""
    n = 0
    while pos - n - 1 >= 0 and s[pos - n - 1] == "\\":
        n += 1
    return n % 2 == 1
