"""Provides the level loader: a TOML level file in, a validated and cross-checked `Level` out.

Three steps, each failing with a one-line `LevelError` (`FILE:LINE: KEYPATH: what was expected`):

1. read and parse the TOML (`tomllib`): missing file, not UTF-8, syntax errors with their line;
2. validate against the pydantic models of `vdc.scenario.schema` in strict mode (TOML values are
   typed, so `cores = "4"` or `tools = "no"` is a mistake, not something to coerce); the first
   problem is reported in plain words;
3. cross-check references and capacities (`vdc.scenario.checks`).

tomllib gives no positions for values, so line numbers are found afterwards by scanning the
source text for the table headers and keys of the offending key path (`vdc.scenario.toml_lines`;
best effort: the line of the closest enclosing key or header when the exact key is not written
in the file).

`content_hash` identifies a level by its parsed content, not its text: comments, whitespace and
key order do not change it, any value does. Saves record it to recognise their level.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import threading
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from types import NoneType, UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from vdc.gcpause import gc_paused
from vdc.scenario import checks
from vdc.scenario.checks import CheckError, Loc, format_loc, num
from vdc.scenario.schema import Level
from vdc.scenario.toml_lines import line_for

__all__ = [
    "LevelError",
    "LevelErrors",
    "LoadedLevel",
    "content_hash",
    "level_from_model",
    "load_level",
    "load_level_text",
]

_NUMBERED_STEM = re.compile(r"^\d+-")
"""File names like `01-first-light.toml`: their `[level] id` must equal the stem."""


class LevelError(ValueError):
    """A level cannot be used. Its text is one line: `FILE:LINE: KEYPATH: message`.

    `file`, `line` and `path` (the key path, `vms[3].host`) are each optional; `message` is the
    plain sentence.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        path: str | None = None,
    ) -> None:
        self.message = _one_line(message)
        self.file = _one_line(file) if file is not None else None
        self.line = line
        self.path = _one_line(path) if path else None
        parts: list[str] = []
        if self.file is not None:
            parts.append(self.file if line is None else f"{self.file}:{line}")
        if self.path:
            parts.append(self.path)
        parts.append(self.message)
        super().__init__(": ".join(parts))


class LevelErrors(LevelError):
    """Every problem found in one level (`load_level(..., every=True)`: `vdc check`), in file
    order; its own text is the first one's, so a caller that shows one line still can."""

    def __init__(self, errors: list[LevelError]) -> None:
        self.errors = errors
        first = errors[0]
        super().__init__(first.message, file=first.file, line=first.line, path=first.path)


_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def _one_line(text: str) -> str:
    """`text` with any line break folded into a space (an error is always one line)."""
    return " ".join(text.split()) if any(ch in text for ch in _LINE_BREAKS) else text


@dataclass(frozen=True)
class LoadedLevel:
    """A validated level, where it came from, and its content hash."""

    level: Level
    path: Path | None
    content_hash: str
    source_text: str | None


# --------------------------------------------------------------------------- public API


MAX_LEVEL_BYTES = 4 * 1024 * 1024
"""A level file is refused above 4 MB, before it is parsed (the large sandbox written out is ~0.5 MB)."""


MAX_TOKENS = 150_000
"""Lines, keys (`=`, counted twice: they cost tomllib most), commas, brackets and backslashes
together. tomllib is pure Python (5–12 µs each), so this bounds the parse of any file under the
size cap to about a second. A VM written out takes about 45, so 3,000 VMs fit."""
MAX_KEY_PARTS = 16
"""Dotted parts of one key or table header (`[vms.disks]` has 2); tomllib is quadratic in them."""
_DOTTED = re.compile(
    r"""(?<![A-Za-z0-9_-])(?:(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')[ \t]*\.[ \t]*)"""
    + f"{{{MAX_KEY_PARTS}}}"
)


def _check_shape(text: str, file: str) -> None:
    """Refuse text that would take tomllib (or the line scanner) long, at C speed, before it is
    parsed: too many tokens, or a key of too many dotted parts."""
    tokens = sum(text.count(c) for c in "\n=,[{\\") + text.count("=")
    if tokens > MAX_TOKENS:
        raise LevelError(f"{tokens:,} lines, keys and values (keys count twice); a level file "
                         f"holds at most {MAX_TOKENS:,}",
                         file=file)
    m = _DOTTED.search(text)
    if m is not None:
        raise LevelError(f"a key of more than {MAX_KEY_PARTS} dotted parts", file=file,
                         line=text.count("\n", 0, m.start()) + 1)


def _too_large(size: int) -> str:
    return f"{size / 1e6:.1f} MB, over the {MAX_LEVEL_BYTES // 2**20} MB limit for a level file"


def _read_head(p: Path) -> bytes:
    """At most one byte over the limit (a device file has no size to check first)."""
    with p.open("rb") as f:
        return f.read(MAX_LEVEL_BYTES + 1)


def load_level(path: str | Path, *, every: bool = False) -> LoadedLevel:
    """Read, parse, validate and cross-check the level file at `path`. `every`: a level that
    validates or cross-checks badly raises `LevelErrors` with each problem found, not just
    the first (a file that cannot be read or parsed has only one)."""
    p = Path(path)
    file = str(path)
    try:
        size = p.stat().st_size
        data = b"" if size > MAX_LEVEL_BYTES else _read_head(p)
    except FileNotFoundError:
        raise LevelError("no such file", file=file) from None
    except IsADirectoryError:
        raise LevelError("is a directory, not a level file", file=file) from None
    except PermissionError:
        raise LevelError("permission denied", file=file) from None
    except (OSError, ValueError) as e:  # ValueError: e.g. a NUL byte in the path
        reason = getattr(e, "strerror", None) or str(e)
        raise LevelError(f"cannot read the file ({reason})", file=file) from None
    if size > MAX_LEVEL_BYTES or len(data) > MAX_LEVEL_BYTES:  # checked before reading it all
        raise LevelError(_too_large(max(size, len(data))), file=file)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise LevelError("not UTF-8 text", file=file) from None
    return _load(text.removeprefix("\ufeff"), file, path=p, every=every)


def load_level_text(text: str, source: str) -> LoadedLevel:
    """The same as `load_level`, from a string; `source` names it in error messages."""
    if not isinstance(text, str):
        raise LevelError("expected level text", file=source)
    if len(text) > MAX_LEVEL_BYTES:  # characters: at least as many bytes
        raise LevelError(_too_large(len(text)), file=source)
    return _load(text.removeprefix("\ufeff"), source, path=None)


def level_from_model(level: Level) -> LoadedLevel:
    """Cross-check a level built in code (e.g. the sandbox generator) and hash it."""
    source = f"<{level.level.id}>"
    # No collections meanwhile: the checks and the hash make hundreds of thousands of
    # short-lived objects at enterprise size, and each collection walked the level again.
    with gc_paused():
        try:
            checks.check_level(level)
        except CheckError as e:
            raise LevelError(e.message, file=source, path=e.path) from None
        digest = content_hash(level)
    return LoadedLevel(level=level, path=None, content_hash=digest, source_text=None)


def canonical_data(level: Level) -> dict:
    """The level as JSON data without the keys left at their defaults.

    A key that a later vdc adds (with a default) is therefore absent from every level that
    does not set it, and changes neither this data nor the content hash of existing levels.
    """
    return level.model_dump(mode="json", exclude_defaults=True)


def data_hash(data: object) -> str:
    """SHA-256 (hex) of JSON data in canonical form (sorted keys, no spaces)."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def content_hash(level: Level) -> str:
    """SHA-256 (hex) of the level's canonical content: independent of comments, key order and
    of keys written out at their default values."""
    return canonical(level)[1]


_CANONICAL: list[Any] = [None, {}, ""]
"""The level last hashed (held, so its identity stands), its canonical data and hash: a save
of the game played on it needs both again (0.3 to 0.5 s at enterprise size)."""
_CANONICAL_LOCK = threading.Lock()


def canonical(level: Level) -> tuple[dict, str]:
    """(canonical data, content hash) of `level`, kept for the level last asked about (levels
    are frozen models). The data is shared: read it, never change it."""
    with _CANONICAL_LOCK:
        if _CANONICAL[0] is not level:
            data = canonical_data(level)
            _CANONICAL[:] = [level, data, data_hash(data)]
        return _CANONICAL[1], _CANONICAL[2]


# --------------------------------------------------------------------------- the steps


def _load(text: str, file: str, *, path: Path | None, every: bool = False) -> LoadedLevel:
    _check_shape(text, file)
    data = _parse(text, file)
    _check_counts(data, file)
    try:
        level = Level.model_validate(data, strict=True)
    except ValidationError as e:
        found = []
        for err in e.errors(include_url=False)[: None if every else 1]:
            loc = tuple(p for p in err["loc"])
            found.append(LevelError(_translate(err), file=file, line=line_for(text, loc),
                                    path=format_loc(loc)))
        raise (LevelErrors(_in_file_order(found)) if every else found[0]) from None
    except RecursionError:
        raise LevelError("the level is nested too deeply", file=file) from None
    found = []
    if path is not None and _NUMBERED_STEM.match(path.stem) and level.level.id != path.stem:
        loc = ("level", "id")
        found.append(LevelError(
            f"'{level.level.id}' does not match the file name '{path.stem}'",
            file=file,
            line=line_for(text, loc),
            path=format_loc(loc),
        ))
        if not every:
            raise found[0]
    try:
        if every:
            found += [LevelError(c.message, file=file, line=line_for(text, c.loc), path=c.path)
                      for c in checks.problems(level)]
        else:
            checks.check_level(level)
    except CheckError as e:
        raise LevelError(e.message, file=file, line=line_for(text, e.loc), path=e.path) from None
    if found:
        raise LevelErrors(_in_file_order(found))
    return LoadedLevel(level=level, path=path, content_hash=content_hash(level), source_text=text)


def _in_file_order(errors: list[LevelError]) -> list[LevelError]:
    """Errors by line (those without one last), otherwise as found."""
    return sorted(errors, key=lambda e: (e.line is None, e.line or 0))


def _check_counts(data: dict[str, Any], file: str) -> None:
    """Refuse a table with more entries than the schema allows before validating any of them
    (validating 500,000 `[[vms]]` would take minutes to say "at most 10,000")."""
    for key, field in Level.model_fields.items():
        most = next((m.max_length for m in field.metadata if getattr(m, "max_length", None)), None)
        value = data.get(key)
        if most is not None and isinstance(value, list) and len(value) > most:
            raise LevelError(f"{len(value):,} entries; a level holds at most {most:,}",
                             file=file, path=key)


_TOML_POS = re.compile(r"\s*\(at (?:line (\d+), column \d+|end of document)\)\s*$")
_TOML_KEYTUPLE = re.compile(r"\(((?:'[^']*'(?:, )?)+),?\)")


def _parse(text: str, file: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        msg = str(e.args[0]) if e.args else str(e)
        m = _TOML_POS.search(msg)
        line: int | None = None
        if m:
            msg = msg[: m.start()]
            if m.group(1):
                line = int(m.group(1))
            else:  # "at end of document": the last line
                line = max(1, len(text.splitlines()))
        # "Cannot declare ('vms', 'disks') twice" -> "Cannot declare [vms.disks] twice"
        msg = _TOML_KEYTUPLE.sub(
            lambda k: "[" + ".".join(re.findall(r"'([^']*)'", k.group(1))) + "]", msg
        )
        raise LevelError(f"TOML syntax error: {msg}", file=file, line=line) from None
    except RecursionError:
        raise LevelError("TOML syntax error: nested too deeply", file=file) from None
    except ValueError as e:  # e.g. an integer of more than 4,300 digits
        msg = str(e).splitlines()[0] if str(e) else "a value cannot be read"
        raise LevelError(f"TOML syntax error: {msg}", file=file) from None


# --------------------------------------------------------------------------- pydantic errors

_PATTERN_WORDS = {
    r"^[A-Za-z0-9][A-Za-z0-9_.-]*$": (
        "is not a valid name (letters, digits, '_', '.' and '-', starting with a letter or "
        "digit; no spaces)"
    ),
    r"^[a-z0-9][a-z0-9-]*$": (
        "is not a valid id (lowercase letters, digits and '-', starting with a letter or digit)"
    ),
    r"^[a-z0-9][a-z0-9_-]*$": (
        "is not a valid id (lowercase letters, digits, '_' and '-', starting with a letter or "
        "digit)"
    ),
}


def _show(value: object) -> str:
    """A TOML value as a message shows it: 'four', 4.5, true, a table, a list."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        digits = str(value)
        return digits if len(digits) <= 20 else f"{digits[:12]}… ({len(digits)} digits)"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        s = value if len(value) <= 40 else value[:40] + "…"
        s = "".join(
            ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii")
            for ch in s
        )
        return f"'{s}'"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, datetime):
        return f"a date-time ({value.isoformat()})"
    if isinstance(value, date):
        return f"a date ({value.isoformat()})"
    if isinstance(value, time):
        return f"a time ({value.isoformat()})"
    return "nothing" if value is None else type(value).__name__


def _plural(n: int, word: str) -> str:
    if n == 1:
        return f"{n} {word}"
    return f"{n} {word[:-1] + 'ies' if word.endswith('y') else word + 's'}"


def _translate(err: Any) -> str:
    """A pydantic error as a plain sentence."""
    kind: str = err.get("type", "")
    ctx: dict[str, Any] = err.get("ctx") or {}
    inp = err.get("input")
    loc: Loc = tuple(err.get("loc", ()))
    got = _show(inp)
    if kind == "missing":
        return "missing (required)"
    if kind == "extra_forbidden":
        key = str(loc[-1]) if loc else "?"
        model = _model_at(loc[:-1])
        fields = list(model.model_fields) if model is not None else []
        close = difflib.get_close_matches(key, fields, n=1)
        if close:
            return f"unknown key '{key}' (did you mean '{close[0]}'?)"
        if fields:
            return f"unknown key '{key}' (valid keys: {', '.join(fields)})"
        return f"unknown key '{key}'"
    if kind in ("int_type", "int_parsing", "int_from_float", "int_parsing_size"):
        return f"expected an integer, got {got}"
    if kind in ("float_type", "float_parsing"):
        if isinstance(inp, int) and not isinstance(inp, bool):
            return f"number too large, got {got}"
        return f"expected a number, got {got}"
    if kind == "finite_number":
        return f"must be a finite number, got {got}"
    if kind in ("string_type", "string_unicode"):
        return f"expected text, got {got}"
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {got}"
    if kind in ("list_type", "tuple_type", "iterable_type"):
        if isinstance(inp, dict) and loc and all(isinstance(p, str) for p in loc):
            header = ".".join(str(p) for p in loc)
            return (
                f"expected a list, got a table (write [[{header}]] for each entry, not [{header}])"
            )
        return f"expected a list, got {got}"
    if kind in ("dict_type", "model_type", "model_attributes_type", "dataclass_type"):
        return f"expected a table, got {got}"
    if kind == "literal_error":
        options = re.findall(r"'((?:[^'\\]|\\.)*)'", str(ctx.get("expected", "")))
        msg = f"expected one of {', '.join(repr(o) for o in options)}, got {got}"
        if isinstance(inp, str):
            close = difflib.get_close_matches(inp, options, n=1)
            if close:
                msg += f" (did you mean '{close[0]}'?)"
        return msg
    if kind == "greater_than":
        return f"must be greater than {num(ctx['gt'])}, got {got}"
    if kind == "greater_than_equal":
        return f"must be at least {num(ctx['ge'])}, got {got}"
    if kind == "less_than":
        return f"must be less than {num(ctx['lt'])}, got {got}"
    if kind == "less_than_equal":
        return f"must be at most {num(ctx['le'])}, got {got}"
    if kind == "string_too_short":
        n = int(ctx.get("min_length", 1))
        return "must not be empty" if n <= 1 else f"must be at least {n} characters, got {got}"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters, got {len(str(inp))}"
    if kind == "string_pattern_mismatch":
        words = _PATTERN_WORDS.get(str(ctx.get("pattern")))
        if words:
            return f"{got} {words}"
        return f"{got} does not match the pattern {ctx.get('pattern')}"
    if kind == "too_short":
        n, actual = int(ctx.get("min_length", 0)), ctx.get("actual_length")
        return f"needs at least {_plural(n, 'entry')}, got {actual}"
    if kind == "too_long":
        n, actual = int(ctx.get("max_length", 0)), ctx.get("actual_length")
        return f"takes at most {_plural(n, 'entry')}, got {actual}"
    msg = str(err.get("msg", "invalid value"))
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    return msg


def _strip(t: Any) -> Any:
    """Unwrap Annotated[X, …] and X | None down to X."""
    while True:
        origin = get_origin(t)
        if origin is Annotated:
            t = get_args(t)[0]
        elif origin is Union or origin is UnionType:
            args = [a for a in get_args(t) if a is not NoneType]
            if len(args) != 1:
                return t
            t = args[0]
        else:
            return t


def _model_at(loc: Loc) -> type[BaseModel] | None:
    """The model class of the table at key path `loc` (for listing its keys)."""
    t: Any = Level
    for part in loc:
        t = _strip(t)
        origin = get_origin(t)
        if isinstance(part, int):
            if origin in (list, tuple):
                t = get_args(t)[0]
                continue
            return None
        if isinstance(t, type) and issubclass(t, BaseModel):
            field = t.model_fields.get(part)
            if field is None:
                return None
            t = field.annotation
        elif origin is dict:
            t = get_args(t)[1]
        else:
            return None
    t = _strip(t)
    return t if isinstance(t, type) and issubclass(t, BaseModel) else None
