"""Provides saved sessions (`.vdcsave`): a faithful, compact, versioned record of a run.

A save holds the level's full content (so a replay works after the level file changes), its
content hash, the seed, every submitted command with its sim time and verdict, the state
digests taken every 60 sim-seconds, and the result when the run finished. It is JSON, written
atomically (temp file, fsync, rename), and documented in docs/saves.md.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vdc import __version__
from vdc.scenario.loader import (
    LevelError,
    canonical,
    canonical_data,
    content_hash,
    data_hash,
    level_from_model,
)
from vdc.scenario.schema import Level
from vdc.session import jsonsafe
from vdc.session.paths import remove_orphans
from vdc.session.session import Session, SpeedChange

SCHEMA_VERSION = 1
"""The save format this vdc writes and reads."""
MAX_SEED = 2**64 - 1
"""A seed is a 64-bit unsigned integer."""
MAX_SPEED = 1_000_000
"""The highest viewing speed a save may record (the game offers far less)."""


class SaveError(ValueError):
    """A save that cannot be read; its text is one line saying why."""


@dataclass(frozen=True)
class SavedCommand:
    t: float
    text: str
    accepted: bool
    message: str


@dataclass(frozen=True)
class Save:
    """A loaded save."""

    level: Level
    level_hash: str
    seed: int
    sim_time: float
    commands: list[SavedCommand]
    digests: list[tuple[float, str]]
    result: dict[str, Any] | None
    program_version: str
    speed_changes: tuple[SpeedChange, ...] = ()
    player: str | None = None
    """Who played (`--player`, the browser session's name, or the OS user); None in saves
    written before vdc recorded it."""


def to_data(
    session: Session, *, result: dict[str, Any] | None = None, level_data: object = None
) -> dict[str, Any]:
    """The save of a session as plain JSON data (`level_data`: what to put as the level
    instead of its canonical data, see `save`)."""
    level = session.sim.level
    data = canonical_data(level) if level_data is None else level_data  # (a copy of its own)
    return {**_head(level, canonical(level)[1]), "level": data, **_tail(session, result)}


def _head(level: Level, level_hash: str) -> dict[str, Any]:
    """The save's fields before the level."""
    return {
        "schema_version": SCHEMA_VERSION,
        "program": "vdc",
        "program_version": __version__,
        "level_id": level.level.id,
        "level_hash": level_hash,
    }


def _tail(session: Session, result: dict[str, Any] | None) -> dict[str, Any]:
    """The save's fields after the level: what the run has done so far (new lists and dicts,
    none shared with the simulation)."""
    sim = session.sim
    return {
        "seed": sim.seed,
        **({"player": session.player} if session.player else {}),
        "sim_time": round(sim.now, 3),
        "commands": [r.as_dict() for r in session.records],
        "digests": [[t, d] for t, d in sim.digests],
        "speed_changes": [c.as_dict() for c in session.speed_changes],
        "result": result,
    }


def write_atomic(path: Path, text: str | list[bytes]) -> None:
    """Write `text` (or these UTF-8 parts, one after the other) to `path` so that a crash
    leaves either the old file or the new one."""
    path = Path(path)
    remove_orphans(path.parent or Path("."))  # temp files of writes that were killed
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "wb") as f:
            for part in [text.encode("utf-8")] if isinstance(text, str) else text:
                f.write(part)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a save is an ordinary file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    """The process's umask, read without changing it where the system tells it (Linux): saves
    are written on a thread of their own while the game may create other files."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    umask = os.umask(0)
    os.umask(umask)
    return umask


_LEVEL_TEXT: list[Any] = [None, "", b""]
"""The level last saved (held, so its identity stands) and its canonical data as the save's
JSON text, and that text in UTF-8: a run saves the same level every autosave, and at
enterprise size (32,000 VMs) encoding it took 0.6 s (it is made once, on the save writer's
thread, see `save_writer`), its 11 MB in UTF-8 10 ms more, each holding the interpreter."""
_LEVEL_LOCK = threading.Lock()
_PLACEHOLDER = "\0level\0"


def level_text(level: Level) -> tuple[str, str]:
    """(content hash, the level's JSON text as nested in a save), made once per level."""
    data, digest = canonical(level)
    with _LEVEL_LOCK:
        if _LEVEL_TEXT[0] is not level:  # nested one level deep: each line one space further in
            text = json.dumps(data, indent=1, ensure_ascii=False).replace("\n", "\n ")
            _LEVEL_TEXT[:] = [level, text, text.encode("utf-8")]
        return digest, _LEVEL_TEXT[1]


def _around(pending: Pending) -> tuple[str, str]:
    """The save's text before and after the level's part."""
    level_hash, _ = level_text(pending.level)
    data = {**_head(pending.level, level_hash), "level": _PLACEHOLDER, **pending.tail}
    before, after = json.dumps(data, indent=1, ensure_ascii=False).split(json.dumps(_PLACEHOLDER), 1)
    return before, after


@dataclass(frozen=True)
class Pending:
    """A save's content taken at one moment, between two steps of the simulation, to be
    encoded and written later (on another thread): the level (which does not change) and what
    the run has done so far."""

    level: Level
    tail: dict[str, Any]


def snapshot(session: Session, *, result: dict[str, Any] | None = None) -> Pending:
    """What a save of `session` holds now; cheap (no level encoded), to take between steps."""
    return Pending(session.sim.level, _tail(session, result))


def encode(pending: Pending) -> str:
    """The save's JSON text: the level's part encoded once per level and put in place (the
    same text as `to_data` encoded at once)."""
    before, after = _around(pending)
    return before + level_text(pending.level)[1] + after


def save_text(session: Session, *, result: dict[str, Any] | None = None) -> str:
    """The save's JSON text (see `encode`)."""
    return encode(snapshot(session, result=result))


def write_pending(path: Path, pending: Pending) -> Path:
    """Encode and write a snapshot atomically (its level's part written as kept in UTF-8,
    not encoded again); the path."""
    before, after = _around(pending)
    with _LEVEL_LOCK:
        raw = _LEVEL_TEXT[2] if _LEVEL_TEXT[0] is pending.level else None
    if raw is None:
        raw = level_text(pending.level)[1].encode("utf-8")
    write_atomic(path, [before.encode("utf-8"), raw, after.encode("utf-8")])
    return path


def save(session: Session, path: Path, *, result: dict[str, Any] | None = None) -> None:
    """Write the session's save to `path` atomically."""
    write_atomic(path, save_text(session, result=result))


def load(path: Path) -> Save:
    """Read a save; SaveError with a one-line reason for anything unreadable."""
    name = str(path)
    try:
        raw = jsonsafe.read_capped(Path(path))
    except FileNotFoundError:
        raise SaveError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise SaveError(f"{name}: is a directory, not a save") from None
    except OSError as e:
        raise SaveError(f"{name}: cannot read ({e.strerror})") from None
    except ValueError as e:  # UnsafeJson: too large; ValueError: a NUL byte in the path
        raise SaveError(f"{name}: not a vdc save ({e})") from None
    return loads(raw, name)


def loads(raw: bytes, name: str = "<save>") -> Save:
    """A save from its bytes (see `load`): untrusted input, parsed with limits."""
    if len(raw) > jsonsafe.MAX_BYTES:
        raise SaveError(f"{name}: not a vdc save (over the {jsonsafe.MAX_BYTES // 2**20} MB limit)")
    try:
        data = jsonsafe.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise SaveError(f"{name}: not a vdc save (not UTF-8 text)") from None
    except json.JSONDecodeError as e:
        raise SaveError(f"{name}: not a vdc save (broken JSON at line {e.lineno}: {e.msg})") from None
    except ValueError as e:  # UnsafeJson, or an integer Python will not convert
        raise SaveError(f"{name}: damaged save ({str(e).splitlines()[0]})") from None
    return from_data(data, name)


def _in_range(what: str, x: float, low: float, high: float) -> float:
    if not low <= x <= high:
        raise ValueError(f"{what} {x:g} is out of range ({low:g} to {high:g})")
    return x


MAX_PLAYER = 64
"""The longest player name a save may carry."""


def _player(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_PLAYER or not value.isprintable():
        raise ValueError(f"the player must be a name of at most {MAX_PLAYER} characters")
    return value


def from_data(data: object, name: str = "<save>") -> Save:
    """A `Save` from parsed JSON, checking every field it needs."""
    if not isinstance(data, dict) or data.get("program") != "vdc":
        raise SaveError(f"{name}: not a vdc save")
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        raise SaveError(
            f"{name}: save format version {version!r} is not supported "
            f"(this vdc {__version__} reads version {SCHEMA_VERSION})"
        )
    try:
        jsonsafe.check_tree(data)  # from_data is also given data parsed elsewhere
        level = Level.model_validate(data["level"])
        end = float(level.level.duration)
        commands = [
            SavedCommand(_in_range("a command's time", float(c["t"]), 0, end), str(c["text"]),
                         bool(c["accepted"]), str(c["message"]))
            for c in data["commands"]
        ]
        digests = [(_in_range("a digest's time", float(t), 0, end), str(d)) for t, d in data["digests"]]
        seed = data["seed"]
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ValueError(f"the seed must be a whole number, not {str(seed)[:20]}")
        save_ = Save(
            level=level,
            level_hash=str(data["level_hash"]),
            seed=int(_in_range("the seed", seed, 0, MAX_SEED)),
            sim_time=_in_range("sim_time", float(data["sim_time"]), 0, end),
            commands=commands,
            digests=digests,
            result=data.get("result"),
            program_version=str(data.get("program_version", "?")),
            player=_player(data.get("player")),
            speed_changes=tuple(
                SpeedChange(_in_range("a speed change's time", float(c["t"]), 0, end),
                            int(_in_range("a speed", c["speed"], 0, MAX_SPEED)), bool(c["paused"]))
                for c in data.get("speed_changes", [])
            ),
        )
    except (KeyError, TypeError, ValueError, OverflowError) as e:
        what = f"missing {e}" if isinstance(e, KeyError) else str(e).splitlines()[0]
        raise SaveError(f"{name}: damaged save ({what})") from None
    except RecursionError:
        raise SaveError(f"{name}: damaged save (nested too deeply)") from None
    # Integrity: the hash was taken of exactly the level data embedded (older saves embed every
    # key, newer ones only those not at their defaults). Identity, for comparing with a level
    # file, is the content hash of the level as this vdc reads it.
    if data_hash(data["level"]) != save_.level_hash:
        raise SaveError(f"{name}: damaged save (the embedded level does not match its hash)")
    try:  # the same cross-checks as a level file (a datastore a VM names must exist, …)
        level_from_model(level)
    except LevelError as e:
        where = f"{e.path}: " if e.path else ""
        raise SaveError(f"{name}: damaged save (its level: {where}{e.message})") from None
    return dataclasses.replace(save_, level_hash=content_hash(level))
