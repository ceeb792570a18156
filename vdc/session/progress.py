"""Provides campaign progress: each level's best result, and which levels are unlocked.

Progress is one small JSON file, `progress.json`, in the user data directory (next to `saves/`;
`VDC_DATA_DIR` overrides it, which the tests always do). It is versioned, written atomically,
and only ever improves a level's best. A damaged or unreadable file never stops the game and is
never overwritten: it is renamed aside to `progress.json.bad-N`, one warning line says so, and
progress starts fresh.

The campaign is the shipped levels in file order (`vdc.scenario.paths.list_levels`), then the
levels of a trainer's added folders (`VDC_LEVELS_DIR`, `--levels-dir`). A level whose number is
`00` (the sandbox) is free play: always open, and no step of the chain. Of the others the first
is always open, and each next one opens once the one before it was won; the added levels are a
chain of their own (their first one is open whatever was won of the shipped ones).
Only games played in the terminal UI on a shipped level count; headless `vdc run` (scripts,
grading) records nothing.

No Textual and no Rich here: the CLI and the TUI both read it.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vdc.session import jsonsafe

SCHEMA_VERSION = 1
"""The progress format this vdc writes and reads."""

FILE_NAME = "progress.json"
_FREE_PLAY = re.compile(r"^0+(?:-|$)")
"""Level stems numbered 00: free play, always unlocked, not part of the chain."""


class ProgressError(OSError):
    """Progress that could not be written; its text is one line saying why."""


@dataclass
class LevelProgress:
    """What is kept of one level: how often it was played and won, and its best run."""

    played: int = 0
    won: int = 0
    best_score: float | None = None
    best_stars: int = 0
    best_outcome: str | None = None
    best_seed: int | None = None
    best_level_hash: str | None = None
    """Content hash of the level the best was achieved on (levels change between versions)."""
    best_at: str | None = None
    last_played: str | None = None
    last_outcome: str | None = None
    last_score: float | None = None

    @property
    def status(self) -> str:
        """`won`, `played` or `new`."""
        return "won" if self.won else "played" if self.played else "new"


@dataclass
class Progress:
    """Every level's progress, where it lives, and a warning if the file had to be set aside."""

    path: Path
    levels: dict[str, LevelProgress] = field(default_factory=dict)
    warning: str | None = None
    writable: bool = True
    """False when the old file could be neither read nor set aside: then it is left alone."""

    def of(self, level_id: str) -> LevelProgress:
        return self.levels.get(level_id) or LevelProgress()


# --------------------------------------------------------------------------- where


def data_dir() -> Path:
    """The user data directory (`VDC_DATA_DIR`, else the platform's); not created here."""
    if os.environ.get("VDC_DATA_DIR"):
        return Path(os.environ["VDC_DATA_DIR"])
    from platformdirs import user_data_dir

    return Path(user_data_dir("vdc", appauthor=False))


def progress_path(directory: str | Path | None = None) -> Path:
    return Path(directory if directory is not None else data_dir()) / FILE_NAME


# --------------------------------------------------------------------------- read / write


def load(path: str | Path | None = None) -> Progress:
    """Read progress (empty when there is none); a damaged file is set aside, never raised."""
    p = Path(path) if path is not None else progress_path()
    try:
        raw = p.read_bytes()
    except (FileNotFoundError, NotADirectoryError):  # no file (or no directory): no progress yet
        return Progress(p)
    except OSError as e:
        return _set_aside(p, f"cannot read it ({e.strerror})")
    try:
        data = jsonsafe.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return _set_aside(p, "not UTF-8 text")
    except json.JSONDecodeError as e:
        return _set_aside(p, f"broken JSON at line {e.lineno}: {e.msg}")
    except ValueError as e:  # jsonsafe's limits
        return _set_aside(p, str(e))
    try:
        return Progress(p, _levels_from(data))
    except ValueError as e:
        return _set_aside(p, str(e))


def _levels_from(data: object) -> dict[str, LevelProgress]:
    if not isinstance(data, dict) or data.get("program") != "vdc":
        raise ValueError("not a vdc progress file")
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        raise ValueError(f"format version {version!r}, this vdc reads version {SCHEMA_VERSION}")
    levels = data.get("levels")
    if not isinstance(levels, dict):
        raise ValueError("no 'levels' table")
    out = {}
    kinds = {f.name: f.type for f in fields(LevelProgress)}
    for level_id, entry in levels.items():
        if not isinstance(entry, dict) or set(entry) - set(kinds):
            raise ValueError(f"level {level_id!r}: unexpected content")
        for key, value in entry.items():
            if not _fits(value, str(kinds[key])):
                raise ValueError(f"level {level_id!r}: bad {key} {value!r}")
        lp = LevelProgress(**entry)
        if lp.played < 0 or lp.won < 0 or lp.won > lp.played or not 0 <= lp.best_stars <= 3:
            raise ValueError(f"level {level_id!r}: counts do not add up")
        out[str(level_id)] = lp
    return out


def _fits(value: object, kind: str) -> bool:
    """Does a JSON value fit a field annotated `int`, `float | None`, `str | None`, …?"""
    if value is None:
        return "None" in kind
    if isinstance(value, bool):
        return False
    if kind.startswith("int"):
        return isinstance(value, int)
    if kind.startswith("float"):
        return isinstance(value, int | float)
    return isinstance(value, str)


def _set_aside(path: Path, reason: str) -> Progress:
    """Rename a damaged progress file to `progress.json.bad-N` and start fresh."""
    n = 1
    while path.with_name(f"{path.name}.bad-{n}").exists():
        n += 1
    aside = path.with_name(f"{path.name}.bad-{n}")
    try:
        os.rename(path, aside)
    except OSError as e:
        return Progress(
            path,
            warning=f"progress file {path} is damaged ({reason}) and could not be set aside "
            f"({e.strerror}); progress is not saved until it is fixed",
            writable=False,
        )
    return Progress(
        path, warning=f"progress file {path} was damaged ({reason}); kept it as {aside.name} "
        "and started fresh"
    )


def to_data(progress: Progress) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "program": "vdc",
        "levels": {k: asdict(v) for k, v in sorted(progress.levels.items())},
    }


def save(progress: Progress) -> None:
    """Write progress atomically; ProgressError (one line) if it cannot be written."""
    from vdc.session.save import write_atomic

    if not progress.writable:
        raise ProgressError(progress.warning or f"{progress.path}: not writable")
    try:
        progress.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(progress.path, json.dumps(to_data(progress), indent=1, ensure_ascii=False))
    except OSError as e:
        raise ProgressError(f"cannot write progress to {progress.path} ({e.strerror})") from None


def reset(path: str | Path | None = None) -> bool:
    """Remove the progress file (one unlink: it is there or it is gone); False if there was none."""
    p = Path(path) if path is not None else progress_path()
    try:
        p.unlink()
    except FileNotFoundError:
        return False
    except OSError as e:
        raise ProgressError(f"cannot remove {p} ({e.strerror})") from None
    return True


# --------------------------------------------------------------------------- results


def _rank(outcome: str | None, stars: int, score: float | None) -> tuple[bool, int, float]:
    """Better results sort higher: a win beats any loss, then stars, then score."""
    return (outcome == "won", stars, -1.0 if score is None else score)


def apply(progress: Progress, report: dict[str, Any], *, now: datetime | None = None) -> bool:
    """Count one finished game (a `vdc run --json`-style result); True if it is a new best."""
    when = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    level_id = str(report["level"])
    outcome = str(report["outcome"])
    score = round(float(report["score"]), 3)
    stars = int(report["stars"])
    lp = progress.levels.setdefault(level_id, LevelProgress())
    lp.played += 1
    lp.won += outcome == "won"
    lp.last_played, lp.last_outcome, lp.last_score = when, outcome, score
    better = _rank(outcome, stars, score) > _rank(lp.best_outcome, lp.best_stars, lp.best_score)
    if better:
        lp.best_score, lp.best_stars, lp.best_outcome = score, stars, outcome
        lp.best_seed = int(report["seed"]) if report.get("seed") is not None else None
        lp.best_level_hash = str(report.get("level_hash") or "") or None
        lp.best_at = when
    return better


def record(report: dict[str, Any], path: str | Path | None = None) -> Progress:
    """Load, count one finished game, write back. ProgressError if it cannot be written."""
    progress = load(path)
    apply(progress, report)
    save(progress)
    return progress


def record_campaign_result(report: dict[str, Any]) -> str | None:
    """Record a game that ended in the UI if it was a shipped level; a warning line, or None.

    It counts only when the level id is a shipped level and the played level is that file's
    content (so a trainer's edited copy or a generated sandbox does not unlock the campaign).
    """
    from vdc.scenario.loader import LevelError, load_level

    path = campaign_ids().get(str(report.get("level")))
    if path is None:
        return None
    try:
        shipped = load_level(path).content_hash
    except LevelError:
        return None
    if report.get("level_hash") != shipped:
        return None
    progress = load()
    try:
        apply(progress, report)
        save(progress)
    except ProgressError as e:
        return str(e)
    return progress.warning


# --------------------------------------------------------------------------- unlocking


def campaign_ids(directory: str | Path | None = None) -> dict[str, Path]:
    """The shipped level ids (file stems: numbered files must match their id), in order."""
    from vdc.scenario.paths import list_levels

    return {p.stem: p for p in list_levels(directory)}


def is_free_play(level_id: str) -> bool:
    return bool(_FREE_PLAY.match(level_id))


def prerequisites(ids: list[str], progress: Progress, *, unlock_all: bool = False) -> dict[str, str]:
    """Locked levels, each with the level to win first (open levels are absent)."""
    if unlock_all:
        return {}
    from vdc.scenario.paths import added_ids

    added = added_ids()
    locked: dict[str, str] = {}
    # Two chains: the shipped campaign, and a trainer's added levels (their first one open).
    for chain in ([i for i in ids if i not in added], [i for i in ids if i in added]):
        chain = [i for i in chain if not is_free_play(i)]
        locked |= {level: before for before, level in zip(chain, chain[1:], strict=False)
                   if not progress.of(before).won}
    return locked


def status(level_id: str, progress: Progress, locked: dict[str, str]) -> str:
    """`locked`, `won`, `played` or `new`."""
    return "locked" if level_id in locked else progress.of(level_id).status


def stars_text(stars: int) -> str:
    return "★" * stars + "☆" * (3 - stars)


def best_text(lp: LevelProgress) -> str:
    """`87.5 ★★☆`, or `—` when the level was never finished."""
    if lp.best_score is None:
        return "—"
    return f"{lp.best_score:.1f} {stars_text(lp.best_stars)}"


STATUS_LABELS: dict[str, tuple[str, str, str]] = {
    "locked": ("🔒", "locked", "foreground-muted"),
    "won": ("✔", "won", "success"),
    "played": ("▶", "played", "warning"),
    "new": ("●", "new", "primary"),
}
"""status -> (symbol, word, theme tone): a word always goes with the symbol."""
