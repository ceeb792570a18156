"""The shipped sessions in saves/: they replay exactly, match their scripts, and travel in the wheel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from vdc.scenario.paths import levels_dir
from vdc.session import reference
from vdc.session.save import load
from vdc.session.verify import verify

ROOT = Path(__file__).resolve().parent.parent
SOURCES = reference.sources()


def test_every_level_solution_has_a_reference_save_and_examples_exist():
    scripts = sorted(p.name for p in (levels_dir() / "solutions").glob("*.txt"))
    refs = [n for n in scripts if not n.endswith(reference.NAIVE_SUFFIX)]
    assert {f"{i}.txt" for i in ("01-first-light", "02-flash-sale", "03-maintenance-window",
                                 "04-host-down", "05-let-drs-drive", "06-patch-tuesday",
                                 "07-vcenter-down", "08-storage-day")} <= set(refs)
    targets = [s.target.name for s in SOURCES]
    # One reference save per reference script (a naive script makes none), then the examples.
    assert targets == [n.removesuffix(".txt") + ".vdcsave" for n in refs] + [
        "01-gave-up.vdcsave", "01-naive.vdcsave",
    ]
    assert reference.reference_path("01-first-light") == ROOT / "saves" / "reference" / "01-first-light.vdcsave"
    assert reference.reference_path("00-sandbox") is None
    assert reference.reference_path("../levels/x") is None  # a save's level id never leaves saves/


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.target.name)
def test_shipped_save_replays_exactly_and_is_up_to_date(source: reference.Source):
    saved = load(source.target)
    _, divergence = verify(saved)
    assert divergence is None, divergence.message()
    why = reference.stale(source)
    assert why is None, f"{why}: the simulation changed; regenerate with `{reference.REGENERATE}`"


def test_shipped_results_are_the_documented_ones():
    ref = json.loads((ROOT / "saves" / "reference" / "01-first-light.vdcsave").read_text(encoding="utf-8"))
    assert (ref["result"]["outcome"], ref["result"]["score"], ref["result"]["stars"]) == ("won", 100.0, 3)
    assert [c["text"] for c in ref["commands"]] == [
        "host power on esx-02", "power on intranet-web-01", "power on intranet-db-01 esx-02",
    ]
    naive = json.loads((ROOT / "saves" / "examples" / "01-naive.vdcsave").read_text(encoding="utf-8"))
    assert (naive["result"]["outcome"], naive["result"]["score"], naive["result"]["stars"]) == ("won", 76.92, 2)
    assert naive["result"]["metrics"]["vm_downtime_s"]["mail-01"] == 1710.0
    gave_up = json.loads((ROOT / "saves" / "examples" / "01-gave-up.vdcsave").read_text(encoding="utf-8"))
    assert (gave_up["result"]["outcome"], gave_up["result"]["score"]) == ("lost", 61.54)


def test_a_stale_save_is_reported_with_the_command_to_regenerate(tmp_path: Path):
    (tmp_path / "examples").mkdir()
    script = tmp_path / "examples" / "x.txt"
    script.write_text("# level: 01-first-light\n0 power on intranet-web-01\n", encoding="utf-8")
    solutions = tmp_path / "solutions"
    solutions.mkdir()
    [src] = reference.sources(tmp_path, solutions)
    assert reference.stale(src) == "x.vdcsave is missing"
    assert reference.regenerate(tmp_path, solutions) == [tmp_path / "examples" / "x.vdcsave"]
    assert reference.stale(src) is None
    assert reference.regenerate(tmp_path, solutions) == []  # nothing changed: nothing rewritten
    script.write_text("# level: 01-first-light\n5 power on intranet-web-01\n", encoding="utf-8")
    assert "differs from a fresh run of x.txt in" in reference.stale(src)
    r = subprocess.run([sys.executable, "-m", "vdc.session.reference", "--check", "--root", str(tmp_path)],
                       capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert r.returncode == 1
    assert "stale: x.vdcsave differs" in r.stderr and reference.REGENERATE in r.stderr


def test_example_script_needs_its_level(tmp_path: Path):
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "y.txt").write_text("0 power on intranet-web-01\n", encoding="utf-8")
    with pytest.raises(ValueError, match="needs a '# level: LEVEL-ID' line"):
        reference.sources(tmp_path, tmp_path)


def test_non_editable_install_finds_the_reference_saves(tmp_path: Path):
    """The wheel carries saves/ as vdc/_saves (hatch force-include), so a report made from any
    directory finds the level's reference solution."""
    target = tmp_path / "site"
    r = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(target), str(ROOT)],
        capture_output=True, text=True,
    )
    assert r.returncode == 0, r.stderr
    shipped = target / "vdc" / "_saves" / "reference" / "01-first-light.vdcsave"
    assert shipped.is_file() and (target / "vdc" / "_saves" / "examples" / "01-naive.vdcsave").is_file()
    r = subprocess.run(
        [sys.executable, "-c",
         "from vdc.session.reference import reference_path, saves_root; "
         "print(saves_root()); print(reference_path('01-first-light'))"],
        capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(target)), cwd=tmp_path,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == [str(target / "vdc" / "_saves"), str(shipped)]


def test_a_naive_script_makes_no_reference_save(tmp_path: Path):
    solutions = tmp_path / "solutions"
    solutions.mkdir()
    (tmp_path / "examples").mkdir()
    for name in ("01-first-light.txt", "01-first-light.naive.txt"):
        (solutions / name).write_text("0 power on intranet-web-01\n", encoding="utf-8")
    [src] = reference.sources(tmp_path, solutions)
    assert (src.level_id, src.script.name, src.target.name) == (
        "01-first-light", "01-first-light.txt", "01-first-light.vdcsave")
