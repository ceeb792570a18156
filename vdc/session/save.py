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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vdc import __version__
from vdc.scenario.loader import canonical_data, content_hash, data_hash
from vdc.scenario.schema import Level
from vdc.session.session import Session, SpeedChange

SCHEMA_VERSION = 1
"""The save format this vdc writes and reads."""


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


def to_data(session: Session, *, result: dict[str, Any] | None = None) -> dict[str, Any]:
    """The save of a session as plain JSON data."""
    sim = session.sim
    level = sim.level
    return {
        "schema_version": SCHEMA_VERSION,
        "program": "vdc",
        "program_version": __version__,
        "level_id": level.level.id,
        "level_hash": content_hash(level),
        "level": canonical_data(level),
        "seed": sim.seed,
        "sim_time": round(sim.now, 3),
        "commands": [r.as_dict() for r in session.records],
        "digests": [[t, d] for t, d in sim.digests],
        "speed_changes": [c.as_dict() for c in session.speed_changes],
        "result": result,
    }


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` so that a crash leaves either the old file or the new one."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a save is an ordinary file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save(session: Session, path: Path, *, result: dict[str, Any] | None = None) -> None:
    """Write the session's save to `path` atomically."""
    write_atomic(path, json.dumps(to_data(session, result=result), indent=1, ensure_ascii=False))


def load(path: Path) -> Save:
    """Read a save; SaveError with a one-line reason for anything unreadable."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise SaveError(f"{name}: no such file") from None
    except OSError as e:
        raise SaveError(f"{name}: cannot read ({e.strerror})") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise SaveError(f"{name}: not a vdc save (not UTF-8 text)") from None
    except json.JSONDecodeError as e:
        raise SaveError(f"{name}: not a vdc save (broken JSON at line {e.lineno}: {e.msg})") from None
    return from_data(data, name)


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
        level = Level.model_validate(data["level"])
        commands = [
            SavedCommand(float(c["t"]), str(c["text"]), bool(c["accepted"]), str(c["message"]))
            for c in data["commands"]
        ]
        digests = [(float(t), str(d)) for t, d in data["digests"]]
        save_ = Save(
            level=level,
            level_hash=str(data["level_hash"]),
            seed=int(data["seed"]),
            sim_time=float(data["sim_time"]),
            commands=commands,
            digests=digests,
            result=data.get("result"),
            program_version=str(data.get("program_version", "?")),
            speed_changes=tuple(
                SpeedChange(float(c["t"]), int(c["speed"]), bool(c["paused"]))
                for c in data.get("speed_changes", [])
            ),
        )
    except (KeyError, TypeError, ValueError) as e:
        what = f"missing {e}" if isinstance(e, KeyError) else str(e).splitlines()[0]
        raise SaveError(f"{name}: damaged save ({what})") from None
    # Integrity: the hash was taken of exactly the level data embedded (older saves embed every
    # key, newer ones only those not at their defaults). Identity, for comparing with a level
    # file, is the content hash of the level as this vdc reads it.
    if data_hash(data["level"]) != save_.level_hash:
        raise SaveError(f"{name}: damaged save (the embedded level does not match its hash)")
    return dataclasses.replace(save_, level_hash=content_hash(level))
