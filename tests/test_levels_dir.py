"""`--levels-dir` / `VDC_LEVELS_DIR` ADD a trainer's folder of levels to the shipped ones, as an
unlock chain of its own (issue 17)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.test_cli import ROOT, vdc
from vdc.scenario import paths
from vdc.session import progress

SHIPPED = [p.stem for p in sorted((ROOT / "levels").glob("*.toml"))]


@pytest.fixture()
def lab(tmp_path: Path) -> Path:
    """A trainer's folder: two labs made with `vdc new`, and a copy of level 01 (same id)."""
    d = tmp_path / "labs"
    for name in ("50-lab", "51-lab2"):
        r = vdc("new", str(d / f"{name}.toml"))
        assert r.returncode == 0, r.stderr
        f = d / f"{name}.toml"
        f.write_text(f.read_text().replace('id = "50-lab"', f'id = "{name}"'))
    shutil.copy(ROOT / "levels" / "01-first-light.toml", d / "01-first-light.toml")
    return d


def levels_json(*args: str, env: dict[str, str] | None = None) -> list[dict]:
    r = vdc(*args, "--json", env=env)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)["levels"]


def test_levels_dir_adds_after_the_shipped_levels(lab: Path, tmp_path: Path):
    env = {"VDC_DATA_DIR": str(tmp_path / "data")}
    for args, e in [(("levels", "--levels-dir", str(lab)), env),
                    (("--levels-dir", str(lab), "levels"), env),
                    (("levels",), env | {"VDC_LEVELS_DIR": str(lab)})]:
        rows = levels_json(*args, env=e)
        assert [r["id"] for r in rows] == [*SHIPPED, "50-lab", "51-lab2"]
        by = {r["id"]: r for r in rows}
        assert by["01-first-light"]["file"] == "01-first-light.toml" and not by["01-first-light"]["added"]
        # Their own chain: the first lab is open though nothing of the campaign was won.
        assert (by["50-lab"]["added"], by["50-lab"]["unlocked"]) == (True, True)
        assert (by["51-lab2"]["unlocked"], by["51-lab2"]["locked_by"]) == (False, "50-lab")
        assert by["02-flash-sale"]["locked_by"] == "01-first-light"
    assert [r["id"] for r in levels_json("levels", env=env)] == SHIPPED  # without it: shipped only


def test_an_added_level_is_a_level_argument(lab: Path):
    r = vdc("--levels-dir", str(lab), "run", "51", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["level"] == "51-lab2"
    r = vdc("run", "51", "--json")
    assert r.returncode == 2 and "no level matches '51'" in r.stderr


def test_the_shipped_level_keeps_its_id(lab: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("VDC_LEVELS_DIR", str(lab))
    assert paths.find_level("01-first-light") == paths.levels_dir() / "01-first-light.toml"
    assert paths.added_ids() == {"50-lab", "51-lab2"}
    ids = list(progress.campaign_ids())
    assert progress.prerequisites(ids, progress.Progress(Path("none.json")))["51-lab2"] == "50-lab"
    assert "50-lab" not in progress.prerequisites(ids, progress.Progress(Path("none.json")))


def test_several_folders(lab: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    more = tmp_path / "more"
    more.mkdir()
    shutil.copy(lab / "50-lab.toml", more / "60-extra.toml")
    import os

    monkeypatch.setenv("VDC_LEVELS_DIR", os.pathsep.join([str(lab), str(more)]))
    assert [p.stem for p in paths.list_levels()][-3:] == ["50-lab", "51-lab2", "60-extra"]


@pytest.mark.parametrize(("make", "message"), [
    (lambda d: d / "missing", "no such folder"),
    (lambda d: d, "no level files (*.toml) in it"),
])
def test_a_bad_levels_dir_is_one_line(tmp_path: Path, make, message: str):
    d = make(tmp_path)
    r = vdc("levels", "--levels-dir", str(d))
    assert r.returncode == 2 and len(r.stderr.splitlines()) == 1 and message in r.stderr, r.stderr
