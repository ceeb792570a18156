"""`vdc levels`, `vdc play`, `vdc progress` with campaign progress, in subprocesses: best and
lock state shown, a locked level refused in one line before the terminal check, `--all`,
reset after asking, a damaged file as one warning line, headless runs recording nothing.

Progress lives in this test's VDC_DATA_DIR (tests/conftest.py). Tests that need a longer
campaign than the shipped one run `vdc` with `levels_dir` pointed at copies of level 01.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import campaign_dir

from vdc.session import progress as prog

ROOT = Path(__file__).resolve().parent.parent
SOLUTION = ROOT / "levels" / "solutions" / "01-first-light.txt"


def report(level: str, outcome: str = "won", score: float = 80.0, stars: int = 2) -> dict:
    return {"level": level, "outcome": outcome, "score": score, "stars": stars, "seed": 1,
            "level_hash": "h"}


def data_file() -> Path:
    return Path(os.environ["VDC_DATA_DIR"]) / "progress.json"

RUNNER = (
    "import runpy, sys\n"
    "from pathlib import Path\n"
    "import vdc.scenario.paths as paths\n"
    "d = Path(sys.argv.pop(1))\n"
    "if d.name: paths.levels_dir = lambda: d\n"
    "sys.argv[0] = 'vdc'\n"
    "runpy.run_module('vdc', run_name='__main__')\n"
)


def vdc(*args: str, levels: Path | None = None, stdin: str | None = None):
    """`vdc ARGS` in a subprocess (its progress in this test's VDC_DATA_DIR)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-c", RUNNER, str(levels or ""), *args], capture_output=True, text=True,
        env=env, cwd=ROOT, input=stdin,
    )


def test_levels_shows_best_and_lock_state(tmp_path: Path):
    prog.record(report("01-first-light", score=97.5, stars=3))
    prog.record(report("02-second-wind", outcome="lost", score=41, stars=0))
    levels = campaign_dir(tmp_path)
    r = vdc("levels", levels=levels)
    assert r.returncode == 0, r.stderr
    rows = {line.split()[1]: line for line in r.stdout.splitlines() if line.startswith("│ 0")}
    assert "✔ won" in rows["01-first-light"] and "97.5 ★★★" in rows["01-first-light"]
    assert "▶ played" in rows["02-second-wind"] and "41.0 ☆☆☆" in rows["02-second-wind"]
    assert "🔒 locked" in rows["03-third-rail"]
    assert "🔒 03-third-rail: win 02-second-wind first" in r.stdout
    assert "● new" in rows["00-sandbox"]
    for args in (("levels", "--all"), ("--all", "levels")):
        r = vdc(*args, levels=levels)
        assert r.returncode == 0 and "locked" not in r.stdout, args


def test_levels_json_is_one_document_for_scripts(tmp_path: Path):
    prog.record(report("01-first-light", score=97.5, stars=3))
    prog.record(report("02-second-wind", outcome="lost", score=41, stars=0))
    levels = campaign_dir(tmp_path)
    r = vdc("levels", "--json", levels=levels)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    doc = json.loads(r.stdout)
    assert doc["program"] == "vdc" and doc["version"]
    by_id = {e["id"]: e for e in doc["levels"]}
    assert list(by_id) == ["00-sandbox", "01-first-light", "02-second-wind", "03-third-rail"]
    first = by_id["01-first-light"]
    assert (first["title"], first["duration"], first["file"]) == ("First light", 1800, "01-first-light.toml")
    assert first["concepts"] == ["hypervisor", "consolidation", "reservations"]
    assert first["stars"] == [50, 75, 90]
    assert first["objectives"] == [
        {"id": "intranet-up", "kind": "service_uptime",
         "description": "Keep intranet up ≥ 90 % of the time", "weight": 5.0, "required": True},
        {"id": "mail-up", "kind": "service_uptime",
         "description": "Keep mail up ≥ 99 % of the time", "weight": 3.0, "required": False},
        {"id": "files-up", "kind": "service_uptime",
         "description": "Keep the file server up ≥ 99 % of the time", "weight": 2.0,
         "required": False},
        {"id": "ready", "kind": "max_cpu_ready",
         "description": "CPU ready of every VM stays under 5 % per vCPU", "weight": 1.0,
         "required": False},
        {"id": "power", "kind": "max_power_kw", "description": "Power draw ≤ 1.2 kW at all times",
         "weight": 1.0, "required": False},
        {"id": "commands", "kind": "max_commands", "description": "Use at most 6 commands",
         "weight": 1.0, "required": False},
    ]
    assert (first["status"], first["unlocked"], first["locked_by"]) == ("won", True, None)
    assert (first["best_score"], first["best_stars"], first["best_outcome"]) == (97.5, 3, "won")
    assert (first["played"], first["won"], first["error"]) == (1, 1, None)
    second = by_id["02-second-wind"]
    assert (second["status"], second["unlocked"], second["best_score"], second["best_stars"]) == (
        "played", True, 41.0, 0)
    third = by_id["03-third-rail"]
    assert (third["status"], third["unlocked"], third["locked_by"]) == ("locked", False, "02-second-wind")
    assert (third["best_score"], third["best_stars"], third["played"]) == (None, None, 0)
    sandbox = by_id["00-sandbox"]
    assert sandbox["free_play"] and sandbox["unlocked"] and not first["free_play"]
    unlocked = json.loads(vdc("levels", "--json", "--all", levels=levels).stdout)
    assert all(e["unlocked"] and e["locked_by"] is None for e in unlocked["levels"])


def test_levels_json_lists_a_broken_level_with_its_error(tmp_path: Path):
    levels = campaign_dir(tmp_path)
    broken = levels / "02-second-wind.toml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("cores = 8", "cores = 0", 1),
                      encoding="utf-8")
    r = vdc("levels", "--json", levels=levels)
    assert r.returncode == 0, r.stderr
    entry = json.loads(r.stdout)["levels"][2]
    assert entry["id"] == "02-second-wind" and entry["title"] is None
    assert entry["error"].endswith("hosts[0].cores: must be greater than 0, got 0")


def test_play_of_a_locked_level_is_refused_before_needing_a_terminal(tmp_path: Path):
    levels = campaign_dir(tmp_path)
    r = vdc("play", "02", levels=levels)
    assert r.returncode == 2
    assert r.stderr == ("vdc: error: 02-second-wind is locked: win 01-first-light first "
                        "(or play it with --all)\n")
    # Open levels (and --all) get as far as the terminal check: stdout is a pipe here.
    for args in (("play", "01"), ("play", "00"), ("play", "02", "--all"), ("--all", "play", "03"),
                 ("play", "sandbox")):
        r = vdc(*args, levels=levels)
        assert r.returncode == 2 and "needs a terminal" in r.stderr, (args, r.stderr)
    prog.record(report("01-first-light"))
    r = vdc("play", "02", levels=levels)
    assert "needs a terminal" in r.stderr


def test_headless_run_records_nothing():
    r = vdc("run", "01", "--actions", str(SOLUTION), "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["outcome"] == "won"
    assert not data_file().exists()


def test_progress_shows_and_resets_after_asking():
    r = vdc("progress", "reset")
    assert r.returncode == 0 and "No progress to reset" in r.stdout
    prog.record(report("01-first-light", score=66.6, stars=2))
    r = vdc("progress")
    assert r.returncode == 0 and "66.6 ★★☆" in r.stdout and "1 / 1" in r.stdout
    assert json.loads(vdc("progress", "--json").stdout)["levels"]["01-first-light"]["won"] == 1
    r = vdc("progress", "reset", stdin="n\n")
    assert r.returncode == 0 and "Reset progress of 1 level? [y/N]" in r.stdout
    assert "Progress kept." in r.stdout and data_file().exists()
    r = vdc("progress", "reset", stdin="")  # no answer at all: nothing happens
    assert r.returncode == 1 and data_file().exists()
    r = vdc("progress", "reset", stdin="y\n")
    assert r.returncode == 0 and "Progress reset" in r.stdout and not data_file().exists()
    prog.record(report("01-first-light"))
    r = vdc("progress", "reset", "--yes")
    assert r.returncode == 0 and "[y/N]" not in r.stdout and not data_file().exists()


def test_a_damaged_file_is_one_warning_line_in_the_cli():
    data_file().parent.mkdir(parents=True, exist_ok=True)
    data_file().write_text("{oops", encoding="utf-8")
    r = vdc("levels")
    assert r.returncode == 0 and "01-first-light" in r.stdout
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("vdc: warning: progress file ")
    assert (data_file().parent / "progress.json.bad-1").read_text() == "{oops"


def test_progress_commands_never_import_textual():
    code = (
        "import sys, runpy\n"
        "sys.argv = ['vdc'] + sys.argv[1:]\n"
        "try:\n"
        "    runpy.run_module('vdc', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "sys.stderr.write('LOADED:' + str('textual' in sys.modules))\n"
    )
    for args in (["--help"], ["progress"], ["progress", "reset", "--yes"], ["levels"],
                 ["levels", "--json"]):
        r = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                           env=dict(os.environ, PYTHONPATH=str(ROOT)), cwd=ROOT)
        assert r.stderr.endswith("LOADED:False"), (args, r.stderr)
