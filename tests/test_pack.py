"""`vdc pack`: a trainer's exam for trainees and the answer key kept apart; `vdc play --exam`
refusals; `vdc report` / `vdc grade --html` take the key's references (issue 17)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from tests.test_cli import ROOT, vdc
from vdc.session import pack as p

SOLUTIONS = ROOT / "levels" / "solutions"


@pytest.fixture(scope="module")
def packed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("pack")
    sol = d / "sol"
    sol.mkdir()
    (sol / "04-host-down.txt").write_text((SOLUTIONS / "04-host-down.txt").read_text())
    # 01's answer as a save made beforehand (the trainer's own run).
    r = vdc("run", "01", "--actions", str(SOLUTIONS / "01-first-light.txt"), "--save",
            str(sol / "01-first-light.vdcsave"), "--player", "trainer")
    assert r.returncode == 0, r.stderr
    r = vdc("pack", "04", "01", "-o", str(d / "exam.vdcpack"), "--reference-solutions", str(sol),
            "--time-limit", "45m", "--max-speed", "8", "--title", "Week 1")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        f"wrote {d / 'exam.vdcpack'} (04-host-down, 01-first-light; no answers in it)",
        f"wrote {d / 'exam.key.vdcpack'} (the answer key: keep it for grading, do not hand it out)",
    ]
    return d


def test_the_trainees_pack_holds_no_answers(packed: Path):
    with zipfile.ZipFile(packed / "exam.vdcpack") as z:
        assert sorted(z.namelist()) == ["levels/01-first-light.toml", "levels/04-host-down.toml", "pack.json"]
        m = json.loads(z.read("pack.json"))
        assert z.read("levels/04-host-down.toml").decode() == (ROOT / "levels" / "04-host-down.toml").read_text()
    assert (m["format"], m["version"], m["title"], m["answer_key"]) == ("vdc-pack", 1, "Week 1", False)
    assert m["exam"] == {"time_limit_s": 2700.0, "max_speed": 8, "seed": None}
    assert [(x["id"], x["seed"]) for x in m["levels"]] == [("04-host-down", 1), ("01-first-light", 1)]
    pack = p.read(packed / "exam.vdcpack")
    assert pack.references == {} and list(pack.levels) == ["04-host-down", "01-first-light"]
    assert (pack.level(None), pack.level("01")) == ("04-host-down", "01-first-light")


def test_the_key_holds_a_reference_that_wins(packed: Path):
    key = p.read(packed / "exam.key.vdcpack")
    assert sorted(key.references) == ["01-first-light", "04-host-down"]
    for lid, (name, raw) in p.reference_saves(packed / "exam.key.vdcpack").items():
        out = packed / f"{lid}.ref.vdcsave"
        out.write_bytes(raw)
        r = vdc("replay", str(out), "--verify", "--level", lid, "--json")
        assert r.returncode == 0, r.stderr
        assert (json.loads(r.stdout)["outcome"], json.loads(r.stdout)["stars"]) == ("won", 3)
        assert name == f"{packed / 'exam.key.vdcpack'}:reference/{lid}.vdcsave"
    # The save given as it was is kept byte for byte.
    assert key.references["01-first-light"] == (packed / "sol" / "01-first-light.vdcsave").read_bytes()


def test_report_and_grade_compare_with_the_key(packed: Path, tmp_path: Path):
    naive = tmp_path / "cy.vdcsave"
    r = vdc("run", "04", "--actions", str(SOLUTIONS / "04-host-down.naive.txt"), "--save", str(naive))
    assert r.returncode == 0, r.stderr
    r = vdc("report", str(naive), "--reference", str(packed / "exam.key.vdcpack"), "--format", "json")
    assert r.returncode == 0, r.stderr
    ref = json.loads(r.stdout)["reference"]
    assert ref["comparable"] and ref["file"].endswith("exam.key.vdcpack:reference/04-host-down.vdcsave")
    assert ref["reference"]["commands"][0] == "10 ha enable prod"
    html = tmp_path / "c.html"
    r = vdc("grade", str(naive), "--html", str(html), "--reference", str(packed / "exam.key.vdcpack"))
    assert r.returncode == 0, r.stderr
    assert "exam.key.vdcpack:reference/04-host-down.vdcsave" in html.read_text()
    # The trainees' pack has no answers to compare with.
    r = vdc("report", str(naive), "--reference", str(packed / "exam.vdcpack"))
    assert r.returncode == 2 and r.stderr.strip() == (
        f"vdc: error: {packed / 'exam.vdcpack'}: this pack holds no reference solutions "
        "(the answer key is exam.key.vdcpack)")


def test_exam_seed(tmp_path: Path):
    sol = tmp_path / "sol"
    sol.mkdir()
    (sol / "01-first-light.txt").write_text((SOLUTIONS / "01-first-light.txt").read_text())
    r = vdc("pack", "01", "-o", str(tmp_path / "e.vdcpack"), "--reference-solutions", str(sol),
            "--seed", "42", "--key", str(tmp_path / "answers.vdcpack"))
    assert r.returncode == 0, r.stderr
    key = p.read(tmp_path / "answers.vdcpack")
    assert key.seeds == {"01-first-light": 42} and key.exam.seed == 42
    out = tmp_path / "ref.vdcsave"
    out.write_bytes(key.references["01-first-light"])
    r = vdc("grade", str(out), "--level", "01", "--seeds", "42", "--json")
    assert r.returncode == 0 and json.loads(r.stdout)[0]["seed"] == 42


@pytest.mark.parametrize(("args", "message"), [
    (["01", "-o", "x.zip"], "x.zip: a pack's file name ends in .vdcpack"),
    (["01", "-o", "x.vdcpack", "--key", "k.vdcpack"], "--key goes with --reference-solutions"),
    (["01", "-o", "x.vdcpack", "--reference-solutions", "nope"], "nope: no such folder"),
    (["01", "-o", "x.vdcpack", "--time-limit", "soon"],
     "--time-limit takes a wall-clock time like 45m, 90s or 1h, not 'soon'"),
    (["01", "01", "-o", "x.vdcpack"], "01: level 01-first-light is in the pack twice"),
    (["sandbox", "-o", "x.vdcpack"], "a pack holds level files"),
    (["zz", "-o", "x.vdcpack"], "no level matches 'zz'"),
    (["01", "-o", "x.vdcpack", "--max-speed", "3"], "'3' is not one of"),
])
def test_bad_pack_input_is_one_line(tmp_path: Path, args: list[str], message: str):
    r = vdc("pack", *args, cwd=tmp_path)
    assert r.returncode == 2 and len(r.stderr.splitlines()) == 1, r.stderr
    assert message in r.stderr and "Traceback" not in r.stderr
    assert not list(tmp_path.glob("*.vdcpack"))


def test_a_missing_reference_writes_nothing(tmp_path: Path):
    (tmp_path / "sol").mkdir()
    r = vdc("pack", "01", "-o", "x.vdcpack", "--reference-solutions", "sol", cwd=tmp_path)
    assert r.returncode == 2 and r.stderr.strip() == (
        "vdc: error: sol: no reference solution for 01-first-light (01-first-light.txt or "
        "01-first-light.vdcsave)")
    assert not list(tmp_path.glob("*.vdcpack"))


def test_play_exam_refusals(packed: Path, tmp_path: Path):
    (tmp_path / "bad.vdcpack").write_text("not a zip")
    for args, message in [
        (["--exam", str(packed / "exam.vdcpack"), "--seed", "3"],
         "an exam plays the pack's seed; --seed does not go with --exam"),
        (["zz", "--exam", str(packed / "exam.vdcpack")], "no level 'zz' in the pack (levels: 04-host-down, 01-first-light)"),
        (["--exam", str(tmp_path / "bad.vdcpack")], "not a readable vdc pack"),
        (["--exam", str(tmp_path / "none.vdcpack")], "none.vdcpack: no such file"),
        ([], "missing argument LEVEL"),
    ]:
        r = vdc("play", *args)
        assert r.returncode == 2 and len(r.stderr.splitlines()) == 1, r.stderr
        assert message in r.stderr, r.stderr
    r = vdc("play", "01", "--exam", str(packed / "exam.vdcpack"))  # a good pack, no terminal
    assert r.returncode == 2 and "the game needs a terminal" in r.stderr


def test_parse_limit():
    from vdc.cli_pack import parse_limit

    assert [parse_limit(x) for x in ("90", "90s", "45m", "1.5h", "2 min")] == [90, 90, 2700, 5400, 120]


def test_the_same_levels_make_the_same_pack_byte_for_byte(tmp_path: Path):
    """No clock in a pack: packing twice (a second apart or not) gives identical files, key too."""
    sol = tmp_path / "sol"
    sol.mkdir()
    (sol / "01-first-light.txt").write_text((SOLUTIONS / "01-first-light.txt").read_text())
    outs = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        out = tmp_path / name / "exam.vdcpack"
        r = vdc("pack", "01", "-o", str(out), "--reference-solutions", str(sol))
        assert r.returncode == 0, r.stderr
        outs.append((out.read_bytes(), p.key_path(out).read_bytes()))
    assert outs[0] == outs[1]
