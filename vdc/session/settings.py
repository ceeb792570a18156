"""Provides the player's settings: one small JSON file, `settings.json`, in the user data
directory (next to `progress.json`; `VDC_DATA_DIR` overrides it, which the tests always do).

Settings change how the game is played, never what the simulation does: a save replays the
same whatever they are. The file is written atomically; one that cannot be read (damaged, or
from another version) gives the defaults and is left alone until the player changes a setting.

No Textual and no Rich here: the CLI and the TUI both read it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from vdc.session.progress import ProgressError, data_dir

FILE_NAME = "settings.json"


@dataclass
class Settings:
    """What the player chose (every field has a default: a missing file is a fresh player)."""

    pause_while_typing: bool = True
    """The sim clock stops while the `:` line, the command palette or a dialog is open, so
    typing a command never costs sim time. Off: the clock runs on (the harder way)."""


def settings_path(directory: str | Path | None = None) -> Path:
    return Path(directory if directory is not None else data_dir()) / FILE_NAME


def load(path: str | Path | None = None) -> Settings:
    """The settings (the defaults when there is no file, or it cannot be read)."""
    p = Path(path) if path is not None else settings_path()
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return Settings()
    if not isinstance(data, dict):
        return Settings()
    known = {f.name for f in fields(Settings)}
    kept = {k: v for k, v in data.items() if k in known and isinstance(v, bool)}
    return Settings(**kept)


def save(settings: Settings, path: str | Path | None = None) -> None:
    """Write the settings atomically; ProgressError (one line) if they cannot be written."""
    from vdc.session.save import write_atomic

    p = Path(path) if path is not None else settings_path()
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(p, json.dumps(asdict(settings), indent=1))
    except OSError as e:
        raise ProgressError(f"cannot write settings to {p} ({e.strerror})") from None
