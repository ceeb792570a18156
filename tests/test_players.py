"""Saves carry who played and which seed (issue 17): `--player`, else the OS user; a new game's
saves are named `<level>-<player>-<time>` and never write over another attempt's."""

from __future__ import annotations

import getpass
import json
from datetime import datetime
from pathlib import Path

import pytest

from tests.test_cli import SOLUTION, vdc
from vdc.session.paths import game_of, new_game, os_player, player_dir, player_name, save_name
from vdc.session.save import SaveError, load, loads


def test_a_players_game_is_named_after_level_player_and_when_it_began(tmp_path: Path):
    began = datetime(2026, 3, 14, 9, 30, 12)
    game = new_game(tmp_path, "01-first-light", began, "ada")
    assert game == "01-first-light-ada-20260314-093012"
    (tmp_path / save_name(game, "autosave")).write_text("{}", encoding="utf-8")
    again = new_game(tmp_path, "01-first-light", began, "ada")  # same second: a new attempt
    assert again == "01-first-light-ada-20260314-093012-2"
    assert new_game(tmp_path, "01-first-light", began, "bo") == "01-first-light-bo-20260314-093012"
    assert game_of(tmp_path / save_name(game, "autosave")) == game


@pytest.mark.parametrize(("raw", "kept"), [
    ("ada", "ada"), ("Ada Lovelace", "Ada-Lovelace"), ("../../etc", "etc"), ("  ", ""),
    ("é", ""), ("x" * 50, "x" * 32)])
def test_player_names_keep_only_what_a_file_name_can(raw: str, kept: str):
    assert player_name(raw) == kept


def test_a_players_folder_stays_inside_the_server_saves_folder(tmp_path: Path):
    assert player_dir(tmp_path, "../../x") == (tmp_path / "x").resolve()
    assert player_dir(tmp_path, "") == (tmp_path / "player").resolve()


def test_run_writes_the_player_and_the_seed_into_the_save(tmp_path: Path):
    r = vdc("run", "01", "--actions", str(SOLUTION), "--seed", "5", "--save",
            str(tmp_path / "a.vdcsave"), "--player", "ada")
    assert r.returncode == 0, r.stderr
    saved = load(tmp_path / "a.vdcsave")
    assert (saved.player, saved.seed) == ("ada", 5)
    r = vdc("run", "01", "--actions", str(SOLUTION), "--save", str(tmp_path / "b.vdcsave"))
    assert r.returncode == 0, r.stderr
    assert load(tmp_path / "b.vdcsave").player == os_player() == player_name(getpass.getuser())


def test_a_player_name_with_nothing_left_is_one_line():
    r = vdc("run", "01", "--player", "///")
    assert r.returncode == 2 and len(r.stderr.splitlines()) == 1
    assert "a player name needs a letter or a digit" in r.stderr


def test_a_save_with_a_player_that_is_no_name_is_refused(tmp_path: Path):
    r = vdc("run", "01", "--save", str(tmp_path / "a.vdcsave"), "--until", "60")
    assert r.returncode == 0, r.stderr
    data = json.loads((tmp_path / "a.vdcsave").read_text(encoding="utf-8"))
    for bad in (7, "x" * 65, "tab\there"):
        with pytest.raises(SaveError, match="the player must be a name"):
            loads(json.dumps(data | {"player": bad}).encode(), "x")
    assert loads(json.dumps({k: v for k, v in data.items() if k != "player"}).encode()).player is None
