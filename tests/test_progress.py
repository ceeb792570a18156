"""Campaign progress (vdc.session.progress): best results only improve, the file is written
atomically, a damaged file is set aside (never overwritten), levels unlock in order, reset, and
only shipped levels played as shipped are recorded. The CLI is in test_progress_cli.py.

Every test's progress lives in a fresh `VDC_DATA_DIR` (tests/conftest.py).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from vdc.scenario.loader import load_level
from vdc.scenario.paths import find_level
from vdc.session import progress as prog
from vdc.session.actions import load_actions
from vdc.session.runner import result, run_level

ROOT = Path(__file__).resolve().parent.parent
SOLUTION = ROOT / "levels" / "solutions" / "01-first-light.txt"


def report(level: str = "01-first-light", outcome: str = "won", score: float = 80.0,
           stars: int = 2, **kw) -> dict:
    return {"level": level, "outcome": outcome, "score": score, "stars": stars, "seed": 1,
            "level_hash": "h"} | kw


def data_file() -> Path:
    return Path(os.environ["VDC_DATA_DIR"]) / "progress.json"


# --------------------------------------------------------------------------- the module


def test_data_dir_follows_the_environment():
    assert prog.progress_path() == data_file()
    assert prog.load().levels == {} and prog.load().warning is None


def test_best_only_improves_and_counts_every_game():
    p = prog.load()
    assert prog.apply(p, report(outcome="won", score=70, stars=2, seed=5))
    assert not prog.apply(p, report(outcome="lost", score=90, stars=0))  # a loss never beats a win
    assert not prog.apply(p, report(outcome="won", score=60, stars=1))
    assert not prog.apply(p, report(outcome="won", score=70, stars=2))  # equal is not better
    lp = p.of("01-first-light")
    assert (lp.best_score, lp.best_stars, lp.best_outcome, lp.best_seed) == (70, 2, "won", 5)
    assert (lp.played, lp.won, lp.last_outcome, lp.last_score) == (4, 3, "won", 70)
    assert prog.apply(p, report(outcome="won", score=95, stars=3, level_hash="new"))
    assert (lp.best_score, lp.best_stars, lp.best_level_hash) == (95, 3, "new")


def test_a_loss_is_a_best_until_something_better():
    p = prog.load()
    assert prog.apply(p, report(outcome="lost", score=20, stars=0))
    assert prog.apply(p, report(outcome="lost", score=35, stars=0))
    assert not prog.apply(p, report(outcome="incomplete", score=10, stars=0))
    lp = p.of("01-first-light")
    assert (lp.best_score, lp.won, lp.played, lp.status) == (35, 0, 3, "played")


def test_record_writes_a_versioned_file_that_loads_back():
    prog.record(report(score=88.25, stars=3))
    data = json.loads(data_file().read_text(encoding="utf-8"))
    assert data["schema_version"] == prog.SCHEMA_VERSION and data["program"] == "vdc"
    assert data["levels"]["01-first-light"]["best_score"] == 88.25
    again = prog.load()
    assert again.warning is None and again.of("01-first-light").best_stars == 3
    assert prog.best_text(again.of("01-first-light")) == "88.2 ★★★"
    assert prog.best_text(again.of("02-anything")) == "—"


def test_a_failed_write_leaves_the_old_file_whole(monkeypatch):
    prog.record(report(score=50, stars=1))
    before = data_file().read_bytes()

    def crash(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(prog.ProgressError, match="cannot write progress .*No space left"):
        prog.record(report(score=99, stars=3))
    assert data_file().read_bytes() == before
    assert [p.name for p in data_file().parent.iterdir()] == ["progress.json"]  # no temp left


def test_an_unwritable_data_dir_is_one_line(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(prog.ProgressError) as e:
        prog.record(report(), blocker / "progress.json")
    assert "\n" not in str(e.value) and "cannot write progress" in str(e.value)


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"{not json", "broken JSON at line 1"),
        (b"\xff\xfe", "not UTF-8"),
        (b"[]", "not a vdc progress file"),
        (b'{"program": "vdc", "schema_version": 99, "levels": {}}', "format version 99"),
        (b'{"program": "vdc", "schema_version": 1, "levels": {"a": {"played": "2"}}}', "bad played"),
        (b'{"program": "vdc", "schema_version": 1, "levels": {"a": {"played": 1, "won": 2}}}',
         "counts do not add up"),
        (b'{"program": "vdc", "schema_version": 1, "levels": {"a": {"cheat": 1}}}', "unexpected"),
    ],
)
def test_a_damaged_file_is_kept_aside_and_progress_starts_fresh(content: bytes, reason: str):
    data_file().parent.mkdir(parents=True, exist_ok=True)
    data_file().write_bytes(content)
    p = prog.load()
    assert p.levels == {} and p.writable
    assert reason in p.warning and "kept it as progress.json.bad-1" in p.warning
    assert "\n" not in p.warning
    assert not data_file().exists()
    assert (data_file().parent / "progress.json.bad-1").read_bytes() == content
    # A second damaged file does not replace the first one set aside.
    data_file().write_bytes(content)
    assert "progress.json.bad-2" in prog.load().warning
    assert (data_file().parent / "progress.json.bad-1").read_bytes() == content
    prog.record(report())  # and the game goes on recording
    assert prog.load().of("01-first-light").played == 1


def test_a_file_that_cannot_be_set_aside_is_never_written(tmp_path: Path, monkeypatch):
    path = tmp_path / "progress.json"
    path.write_text("{oops")
    monkeypatch.setattr(os, "rename", lambda a, b: (_ for _ in ()).throw(OSError(13, "Permission denied")))
    p = prog.load(path)
    assert not p.writable and "could not be set aside (Permission denied)" in p.warning
    with pytest.raises(prog.ProgressError):
        prog.save(p)
    assert path.read_text() == "{oops"


def test_levels_unlock_in_order_and_free_play_is_always_open():
    ids = ["00-sandbox", "01-a", "02-b", "03-c"]
    p = prog.load()
    assert prog.prerequisites(ids, p) == {"02-b": "01-a", "03-c": "02-b"}
    prog.apply(p, report("01-a", outcome="lost", score=40, stars=0))
    assert prog.prerequisites(ids, p) == {"02-b": "01-a", "03-c": "02-b"}  # played is not won
    prog.apply(p, report("01-a"))
    assert prog.prerequisites(ids, p) == {"03-c": "02-b"}
    assert prog.prerequisites(ids, p, unlock_all=True) == {}
    assert [prog.status(i, p, prog.prerequisites(ids, p)) for i in ids] == [
        "new", "won", "new", "locked"]
    assert prog.is_free_play("00-sandbox") and not prog.is_free_play("01-a")
    assert not prog.is_free_play("000x")


def test_reset_removes_the_file():
    assert prog.reset() is False
    prog.record(report())
    assert prog.reset() is True
    assert not data_file().exists() and prog.load().levels == {}


def test_only_shipped_levels_played_as_shipped_are_recorded():
    loaded = load_level(find_level("01"))
    session = run_level(loaded.level, actions=load_actions(SOLUTION))
    won = result(session, content_hash=loaded.content_hash)
    assert won["outcome"] == "won"
    assert prog.record_campaign_result(won) is None
    lp = prog.load().of("01-first-light")
    assert (lp.won, lp.best_stars, lp.best_level_hash) == (1, won["stars"], loaded.content_hash)
    # An edited copy with the same id, and a generated sandbox, do not count.
    assert prog.record_campaign_result(won | {"level_hash": "0" * 64}) is None
    assert prog.record_campaign_result(won | {"level": "sandbox-small-1"}) is None
    assert prog.load().of("01-first-light").played == 1
    assert "sandbox-small-1" not in prog.load().levels
