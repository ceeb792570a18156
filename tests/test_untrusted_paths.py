"""Paths (issue 19): a saves directory that cannot be created is one line (exit 2), long ids
make names under 255 bytes, and temp files of killed writes are removed on the next write."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from vdc.session import paths
from vdc.session.save import write_atomic

ROOT = Path(__file__).resolve().parent.parent


def test_a_saves_dir_under_a_regular_file_is_one_line(tmp_path: Path):
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(paths.SavesDirError, match=r"cannot use .*file/sub as the saves directory \(Not a directory\)"):
        paths.saves_dir(f / "sub")
    with pytest.raises(paths.SavesDirError, match=r"\(File exists\)|\(Not a directory\)"):
        paths.saves_dir(f)


def test_continue_with_a_bad_saves_dir_exits_2_in_one_line(tmp_path: Path):
    f = tmp_path / "file"
    f.write_text("x")
    env = dict(os.environ, PYTHONPATH=str(ROOT), VDC_SAVES_DIR=str(f / "sub"))
    r = subprocess.run([sys.executable, "-m", "vdc", "continue"], capture_output=True, text=True,
                       env=env, cwd=ROOT)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert "as the saves directory (Not a directory)" in r.stderr


def test_long_ids_make_names_under_255_bytes_and_stay_distinct(tmp_path: Path):
    a, b = "a" * 300, "a" * 299 + "b"
    names = [paths.save_name(paths.new_game(tmp_path, i, datetime(2026, 1, 2, 3, 4, 5)), "autosave")
             for i in (a, b)]
    assert all(len(n.encode()) < 255 for n in names) and names[0] != names[1]
    assert names[0].endswith(".20260102-030405.autosave.vdcsave")
    long_game = "é" * 400
    assert len(paths.save_name(long_game).encode()) < 255
    write_atomic(paths.save_path(tmp_path, a + ".20260102-030405"), "{}")  # the file system takes it


def test_orphan_temp_files_are_removed_on_the_next_write(tmp_path: Path):
    old = tmp_path / ".game.autosave.vdcsave.ab12_xyz.tmp"
    fresh = tmp_path / ".game.autosave.vdcsave.cd34_xyz.tmp"  # a write in progress elsewhere
    other = tmp_path / "notes.tmp"  # not vdc's pattern: never touched
    for p in (old, fresh, other):
        p.write_text("partial")
    past = old.stat().st_mtime - 3600
    os.utime(old, (past, past))
    os.utime(other, (past, past))
    write_atomic(tmp_path / "game.autosave.vdcsave", "{}")
    assert not old.exists() and fresh.exists() and other.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [fresh.name, other.name, "game.autosave.vdcsave"])
