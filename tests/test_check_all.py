"""`vdc check` lists every problem it finds, one `FILE:LINE: key: reason` line each: every
schema error of a valid TOML file, then the first problem of each cross-check; a level loaded
by the game still stops at the first (issue 17)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_cli import vdc
from vdc.scenario.loader import LevelError, LevelErrors, load_level

DATA = Path(__file__).resolve().parent / "data" / "levels"
SCHEMA = DATA / "many-schema-errors.toml"
CHECKS = DATA / "many-check-errors.toml"


def test_check_lists_every_schema_error_in_file_order():
    r = vdc("check", str(SCHEMA))
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.splitlines() == [
        f"vdc: error: {SCHEMA}:4: level.duration: must be greater than 0, got -5",
        f"vdc: error: {SCHEMA}:8: hosts[0].cores: expected an integer, got '8'",
        f"vdc: error: {SCHEMA}:11: hosts[0].colour: unknown key 'colour' (did you mean 'cluster'?)",
    ]


def test_check_lists_the_first_problem_of_each_cross_check_and_goes_on_to_the_next_file():
    r = vdc("check", str(CHECKS), "01")
    assert r.returncode == 2
    assert r.stderr.splitlines() == [
        f"vdc: error: {CHECKS}:15: datastores[0].hosts[0]: no host named 'esx-7' (known: esx-01)",
        f"vdc: error: {CHECKS}:19: vms[0].host: no host named 'esx-09' (known: esx-01)",
        f"vdc: error: {CHECKS}:26: services[0].tiers[0].vms[0]: 'nope-*' matches no VM (known: web-01)",
    ]
    assert r.stdout.startswith("ok  ") and "01-first-light —" in r.stdout


@pytest.mark.parametrize("path", [SCHEMA, CHECKS])
def test_the_game_still_stops_at_the_first_problem(path: Path):
    with pytest.raises(LevelError) as first:
        load_level(path)
    assert not isinstance(first.value, LevelErrors)
    with pytest.raises(LevelErrors) as every:
        load_level(path, every=True)
    assert len(every.value.errors) == 3 and str(every.value) == str(every.value.errors[0])
    if path == SCHEMA:  # the first in the file is the one the game names
        assert str(first.value) == str(every.value.errors[0])


def test_a_toml_syntax_error_is_still_one_line(tmp_path: Path):
    bad = tmp_path / "x.toml"
    bad.write_text("[level\nid = 1\n", encoding="utf-8")
    r = vdc("check", str(bad))
    assert r.returncode == 2 and len(r.stderr.splitlines()) == 1
    assert r.stderr.startswith(f"vdc: error: {bad}:1: TOML syntax error")
