"""`vdc grade` shows who played and with which seed, and `--level` enforces the level's seed
(or `--seeds`), so a trainee cannot re-roll the random incidents until they are easy; the CLI's
seeds and `--level` behave the same everywhere (issue 17)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.test_cli import ROOT, SOLUTION, vdc
from vdc.session import grade as g

REFERENCE = ROOT / "saves" / "reference" / "01-first-light.vdcsave"


@pytest.fixture(scope="module")
def rerolled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Level 01's solution played with seed 99 by "eve" (the level's seed is 1)."""
    path = tmp_path_factory.mktemp("cohort") / "eve.vdcsave"
    r = vdc("run", "01", "--actions", str(SOLUTION), "--seed", "99", "--save", str(path),
            "--player", "eve")
    assert r.returncode == 0, r.stderr
    return path


def rows_of(*args: str) -> tuple[int, dict[str, dict]]:
    r = vdc("grade", *args, "--json", "--jobs", "1")
    assert r.returncode in (0, 3), r.stderr
    return r.returncode, {Path(x["file"]).name: x for x in json.loads(r.stdout)}


def test_level_refuses_a_save_played_with_another_seed(rerolled: Path):
    code, rows = rows_of(str(REFERENCE), str(rerolled), "--level", "01")
    assert code == 3
    eve = rows["eve.vdcsave"]
    assert (eve["status"], eve["verified"], eve["player"], eve["seed"], eve["score"]) == (
        "wrong seed", False, "eve", 99, None)
    assert eve["reason"] == "played with seed 99; graded: seed 1 (--any-seed grades it anyway)"
    ref = rows["01-first-light.vdcsave"]
    assert (ref["status"], ref["seed"], ref["score"]) == ("verified", 1, 100.0)


def test_any_seed_and_a_seeds_list_grade_it(rerolled: Path):
    code, rows = rows_of(str(REFERENCE), str(rerolled), "--level", "01", "--any-seed")
    assert code == 0 and rows["eve.vdcsave"]["status"] == "verified"
    assert rows["eve.vdcsave"]["outcome"] == "won"
    code, rows = rows_of(str(REFERENCE), str(rerolled), "--level", "01", "--seeds", "1,99")
    assert code == 0 and {r["status"] for r in rows.values()} == {"verified"}
    code, rows = rows_of(str(REFERENCE), str(rerolled), "--seeds", "7")  # without --level too
    assert code == 3 and rows["eve.vdcsave"]["reason"].startswith("played with seed 99; graded: seed 7 (")


def test_without_level_every_seed_is_graded_and_shown(rerolled: Path):
    code, rows = rows_of(str(rerolled))
    assert code == 0 and (rows["eve.vdcsave"]["seed"], rows["eve.vdcsave"]["player"]) == (99, "eve")


def test_csv_and_table_have_player_and_seed_columns(rerolled: Path):
    r = vdc("grade", str(rerolled), "--csv")
    [row] = list(csv.DictReader(io.StringIO(r.stdout)))
    assert (row["player"], row["seed"]) == ("eve", "99") and list(row) == g.CSV_FIELDS
    r = vdc("grade", str(rerolled), "--level", "01", env={"COLUMNS": "200"})
    assert r.returncode == 3
    header = next(line for line in r.stdout.splitlines() if "verified" in line)
    assert "player" in header and "seed" in header
    assert "✘ wrong seed" in r.stdout and "eve" in r.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--seeds", "1,x"], "--seeds takes seeds separated by commas, not 'x'"),
    (["--seeds", "-3"], "--seeds: -3 is not a seed (0 to 2^64 - 1)"),
    (["--seeds", ","], "--seeds needs at least one seed"),
    (["--seeds", "1", "--any-seed"], "--seeds and --any-seed exclude each other"),
])
def test_bad_seeds_are_one_line(args: list[str], message: str):
    r = vdc("grade", str(REFERENCE), *args)
    assert (r.returncode, r.stderr.strip()) == (2, f"vdc: error: {message}")


@pytest.mark.parametrize("cmd", [["run", "sandbox"], ["run", "01"], ["play", "01"]])
def test_a_negative_seed_is_one_line_everywhere(cmd: list[str]):
    r = vdc(*cmd, "--seed", "-5")
    assert r.returncode == 2 and len(r.stderr.splitlines()) == 1
    assert "invalid value for '--seed': -5 is not in the range 0 to 2^64 - 1" in r.stderr
    assert "Traceback" not in r.stderr


def test_replay_level_takes_an_id_like_grade_does():
    r = vdc("replay", str(REFERENCE), "--verify", "--level", "01")
    assert r.returncode == 0, r.stderr
    r = vdc("replay", str(REFERENCE), "--verify", "--level", "02")
    assert (r.returncode, r.stderr.strip()) == (3, f"vdc: {REFERENCE}: level differs from 02")
    r = vdc("replay", str(REFERENCE), "--verify", "--level", "nope")
    assert r.returncode == 2 and r.stderr.startswith("vdc: error: no level matches 'nope'")
