"""`vdc report --reference SAVE`: a trainer's own reference solution for a custom level (the
shipped ones cover only the campaign)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_cli import ROOT, vdc
from vdc.scenario.template import REFERENCE


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("lab")
    assert vdc("new", str(d / "lab.toml")).returncode == 0
    (d / "solution.txt").write_text(REFERENCE, encoding="utf-8")
    for name, extra in (("ref", ["--actions", str(d / "solution.txt")]), ("tom", [])):
        r = vdc("run", str(d / "lab.toml"), *extra, "--save", str(d / f"{name}.vdcsave"))
        assert r.returncode == 0, r.stderr
    return d


def test_report_compares_with_the_trainers_reference(lab: Path):
    r = vdc("report", str(lab / "tom.vdcsave"), "--format", "json")
    assert r.returncode == 0 and json.loads(r.stdout)["reference"] is None  # a custom level
    r = vdc("report", str(lab / "tom.vdcsave"), "--format", "json", "--reference",
            str(lab / "ref.vdcsave"))
    assert r.returncode == 0, r.stderr
    ref = json.loads(r.stdout)["reference"]
    assert ref["comparable"] and ref["file"] == str(lab / "ref.vdcsave")
    assert (ref["player"]["outcome"], ref["reference"]["outcome"]) == ("lost", "won")
    assert ref["reference"]["commands"] == ["60 vmotion web-01 esx-02", "60 vmotion app-01 esx-02"]


def test_a_reference_of_another_level_is_said_not_compared(lab: Path):
    other = ROOT / "saves" / "reference" / "01-first-light.vdcsave"
    r = vdc("report", str(lab / "tom.vdcsave"), "--format", "json", "--reference", str(other))
    ref = json.loads(r.stdout)["reference"]
    assert not ref["comparable"]
    assert ref["note"] == "the reference is a save of another level (01-first-light)"


@pytest.mark.parametrize(("args", "message"), [
    (["--reference", "nope.vdcsave"], "nope.vdcsave: no such file"),
    (["--reference", "x", "--no-reference"], "--reference and --no-reference exclude each other"),
])
def test_bad_reference_options_are_one_line(lab: Path, args: list[str], message: str):
    r = vdc("report", str(lab / "tom.vdcsave"), *args)
    assert (r.returncode, r.stderr.strip()) == (2, f"vdc: error: {message}")
