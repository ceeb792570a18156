"""Provides where saves live: `--saves-dir`, else `VDC_SAVES_DIR`, else the user data directory.

The repository's `saves/` is for shipped reference sessions, never a player's autosaves. File
names are made here from level ids (and when each game began, so that games never share a
file) and checked, so nothing a level or a player types can write outside the saves directory.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from vdc.session import jsonsafe

SAVE_SUFFIX = ".vdcsave"
MAX_NAME_BYTES = 200
"""A game's part of a file name; longer ones are cut and given a hash suffix, so that a save's
name (with `.yyyymmdd-hhmmss-N.autosave.vdcsave`) stays under the 255 bytes file systems allow."""
TEMP_NAME = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")
"""vdc's own temp files (`write_atomic`: `.NAME.XXXXXXXX.tmp`); only these are cleaned up."""
ORPHAN_AGE_S = 600.0
"""A temp file this old is left over from a killed write (a live write takes well under a second)."""


class SavesDirError(ValueError):
    """The saves directory cannot be used; its text is one line saying why."""


def short_name(name: str, most: int = MAX_NAME_BYTES) -> str:
    """`name`, or its first bytes and a hash of the whole when it is longer than `most` bytes
    (different long names stay different)."""
    if len(name.encode("utf-8")) <= most:
        return name
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    head = name.encode("utf-8")[: most - 13].decode("utf-8", "ignore")
    return f"{head}-{digest}"


def remove_orphans(directory: Path, now: float | None = None) -> int:
    """Remove vdc's temp files in `directory` left by writes that were killed (older than
    `ORPHAN_AGE_S`); returns how many. Best effort: an unreadable directory removes nothing."""
    now = time.time() if now is None else now
    gone = 0
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return 0
    for e in entries:
        if not TEMP_NAME.match(e.name):
            continue
        try:
            if e.is_file(follow_symlinks=False) and now - e.stat(follow_symlinks=False).st_mtime > ORPHAN_AGE_S:
                os.unlink(e.path)
                gone += 1
        except OSError:
            continue
    return gone


def saves_dir(override: str | Path | None = None) -> Path:
    """The saves directory (created on first use); SavesDirError when it cannot be."""
    if override:
        path = Path(override)
    elif os.environ.get("VDC_SAVES_DIR"):
        path = Path(os.environ["VDC_SAVES_DIR"])
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir("vdc", appauthor=False)) / "saves"
    try:
        path.mkdir(parents=True, exist_ok=True)
        if not path.is_dir():
            raise NotADirectoryError(20, "Not a directory")
    except OSError as e:
        why = e.strerror or type(e).__name__
        raise SavesDirError(f"cannot use {path} as the saves directory ({why})") from None
    return path


PLAYER_MAX = 32
"""The longest player name kept (characters); a longer one is cut."""


def player_name(name: str | None) -> str:
    """A player's name as it goes into file and folder names: letters, digits, `_` and `-`
    only (other characters become `-`), at most `PLAYER_MAX`; "" when nothing is left."""
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", (name or "").strip()).strip("-")
    return safe[:PLAYER_MAX].strip("-")


def os_player() -> str:
    """The player when none is named: the OS user (`player` if that cannot be found)."""
    import getpass

    try:
        return player_name(getpass.getuser()) or "player"
    except (OSError, KeyError, ImportError):  # no user name in a container without passwd
        return "player"


def player_dir(root: Path, player: str) -> Path:
    """A player's own folder under a server's saves directory (`vdc serve`), created."""
    safe = player_name(player) or "player"
    path = (root / safe).resolve()
    if path.parent != root.resolve():  # belt and braces: never outside the root
        raise SavesDirError(f"refusing a player folder outside {root}: {path}")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise SavesDirError(f"cannot use {path} as a player's saves folder ({e.strerror})") from None
    return path


def save_name(game: str, kind: str = "autosave") -> str:
    """`<game>.<kind>.vdcsave`, from characters that cannot leave the directory. `game` names
    one game (`new_game`: the level id and when it began), so a new game never writes over
    the saves of another."""
    safe = re.sub(r"\.{2,}", ".", re.sub(r"[^A-Za-z0-9_.-]+", "-", game)).strip("-.") or "level"
    safe = short_name(safe)
    return f"{safe}.{re.sub(r'[^a-z]+', '', kind) or 'save'}{SAVE_SUFFIX}"


def new_game(directory: Path, level_id: str, started: datetime, player: str = "") -> str:
    """The name of a new game of `level_id` by `player` begun at `started` (wall clock, when
    the player began: `01-first-light-ada-20260314-093012`), unlike every game that has saves
    in `directory` (`-2`, `-3`… if need be), so no attempt ever writes over another."""
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", level_id).strip("-.") or "level"
    who = player_name(player)
    head = short_name(safe, MAX_NAME_BYTES - 24 - (len(who) + 1 if who else 0))
    base = f"{head}-{who}-{started:%Y%m%d-%H%M%S}" if who else f"{head}.{started:%Y%m%d-%H%M%S}"
    name, n = base, 2
    while any(directory.glob(f"{name}.*{SAVE_SUFFIX}")):
        name, n = f"{base}-{n}", n + 1
    return name


def game_of(path: Path) -> str:
    """The game a save belongs to, from its file name: the name without `.<kind>.vdcsave`
    (a continued game goes on writing its own saves)."""
    stem = Path(path).name.removesuffix(SAVE_SUFFIX)
    return stem.rsplit(".", 1)[0] if "." in stem else stem


def save_path(directory: Path, game: str, kind: str = "autosave") -> Path:
    path = (directory / save_name(game, kind)).resolve()
    if path.parent != directory.resolve():  # belt and braces: never outside the directory
        raise ValueError(f"refusing to write outside {directory}: {path}")
    return path


def latest_save(directory: Path, *, unfinished: bool = False) -> Path | None:
    """The most recently written save in `directory` (None if there is none); `unfinished`:
    the most recent one of a game that is not over (one to continue), skipping unreadable
    files."""
    saves = sorted(directory.glob(f"*{SAVE_SUFFIX}"), key=lambda p: (p.stat().st_mtime, p.name))
    if not unfinished:
        return saves[-1] if saves else None
    for path in reversed(saves):
        try:
            data: Any = jsonsafe.loads(jsonsafe.read_capped(path).decode("utf-8"))
            if not is_finished(data):
                return path
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
            continue
    return None


def is_finished(data: dict[str, Any]) -> bool:
    """Whether a save (its JSON data) is of a game that is over: it carries the result, or its
    clock reached the level's end. KeyError or TypeError for data that is not a save."""
    if data["program"] != "vdc":
        raise TypeError("not a vdc save")
    return bool(data.get("result")) or float(data["sim_time"]) >= float(
        data["level"]["level"]["duration"]
    )
