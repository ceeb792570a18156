"""Provides the save writer: saves encoded and written on a thread of their own.

At enterprise size a save is 11 MB of JSON: the level's part is encoded once per game (0.6 s)
and every save is written and synced to disk. The game takes what a save holds between two
steps (`save.snapshot`, cheap) and hands it here, so its screen does not stop meanwhile. One
thread, saves written in the order given (a later save of the same file lands last), each
atomically (temp file, fsync, rename); the thread is joined at exit, so a save handed over is
never lost.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from vdc.scenario.schema import Level
from vdc.session.save import Pending, level_text, write_pending

_POOL: list[ThreadPoolExecutor] = []
_HANDED: list[Future[object]] = []
"""What was handed over and may not be done yet (for `flush`)."""


def _pool() -> ThreadPoolExecutor:
    if not _POOL:
        _POOL.append(ThreadPoolExecutor(max_workers=1, thread_name_prefix="vdc-save"))
    return _POOL[0]


def _hand(future: Future) -> Future:
    _HANDED[:] = [f for f in _HANDED if not f.done()]
    _HANDED.append(future)
    return future


def prepare(level: Level) -> Future[tuple[str, str]]:
    """Encode the level's part of its saves now, before the first save needs it (a game
    about to be played: its first autosave then only writes)."""
    return _hand(_pool().submit(level_text, level))


def write(path: Path, pending: Pending) -> Future[Path]:
    """Write a snapshot to `path` after every save handed over before it; the future's result
    is the path, or the error (OSError, ValueError) that stopped it."""
    return _hand(_pool().submit(write_pending, Path(path), pending))


def flush() -> None:
    """Wait until everything handed over is written (errors are the futures' to tell)."""
    for f in list(_HANDED):
        f.exception()
    _HANDED.clear()
