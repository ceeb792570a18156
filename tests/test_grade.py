"""vdc grade: every save verified and scored, one row each, the same rows however many workers."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from vdc.session import grade as g

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "saves" / "reference" / "01-first-light.vdcsave"
NAIVE = ROOT / "saves" / "examples" / "01-naive.vdcsave"
GAVE_UP = ROOT / "saves" / "examples" / "01-gave-up.vdcsave"
SCRIPT = "0 host power on esx-02\n0 power on intranet-web-01\n61 power on intranet-db-01 esx-02\n400 power off mail-01\n"


def vdc(*args: str, columns: int = 200):
    env = dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS=str(columns))
    return subprocess.run([sys.executable, "-m", "vdc", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT)


@pytest.fixture(scope="module")
def cohort(tmp_path_factory) -> Path:
    """A trainer's folder: the reference, two examples, a run, a tampered run, a broken file."""
    d = tmp_path_factory.mktemp("cohort")
    for p in (REFERENCE, NAIVE, GAVE_UP):
        shutil.copy(p, d / p.name)
    (d / "a.txt").write_text(SCRIPT, encoding="utf-8")
    assert vdc("run", "01", "--actions", str(d / "a.txt"), "--save", str(d / "run.vdcsave")).returncode == 0
    data = json.loads((d / "run.vdcsave").read_text(encoding="utf-8"))
    data["commands"][3]["t"] = 430.0  # power off mail-01 at 430 s instead of 400 s
    (d / "tampered.vdcsave").write_text(json.dumps(data), encoding="utf-8")
    (d / "zz-broken.vdcsave").write_text('{"program": "vdc", "schema_version": 1, "lev', encoding="utf-8")
    return d


def test_reference_grades_as_won_with_the_score_of_vdc_run():
    run = json.loads(vdc("run", "01", "--actions", "levels/solutions/01-first-light.txt", "--json").stdout)
    [row] = g.grade([REFERENCE], jobs=1)
    assert row.status == g.VERIFIED and row.verified and row.reason == "replays exactly"
    assert (row.outcome, row.score, row.stars) == (run["outcome"], run["score"], run["stars"]) == ("won", 100.0, 3)
    assert (row.worst_objective, row.worst_value) == ("intranet-up", 0.947222)


def test_cohort_rows_sorted_by_file_name_with_reasons(cohort: Path):
    rows = g.grade(g.expand([cohort]), jobs=1)
    assert [Path(r.file).name for r in rows] == [
        "01-first-light.vdcsave", "01-gave-up.vdcsave", "01-naive.vdcsave", "run.vdcsave",
        "tampered.vdcsave", "zz-broken.vdcsave",
    ]
    by = {Path(r.file).name: r for r in rows}
    assert (by["01-gave-up.vdcsave"].outcome, by["01-gave-up.vdcsave"].score) == ("lost", 61.54)
    assert (by["01-gave-up.vdcsave"].worst_objective, by["01-gave-up.vdcsave"].worst_attainment) == ("intranet-up", 0.0)
    tampered = by["tampered.vdcsave"]
    assert tampered.status == g.DIVERGED and not tampered.verified
    assert tampered.reason.startswith("diverged at t=420s: expected ")
    assert tampered.reason.endswith("last command before it: t=61 power on intranet-db-01 esx-02")
    broken = by["zz-broken.vdcsave"]
    assert broken.status == g.UNREADABLE and broken.outcome is None
    assert broken.reason.startswith("not a vdc save (broken JSON at line 1")
    assert g.exit_code(rows) == 2


def test_jobs_2_gives_the_same_rows_as_jobs_1(cohort: Path):
    paths = g.expand([cohort])
    done: list[str] = []
    two = g.grade(paths, jobs=2, on_done=lambda r: done.append(r.file))
    assert two == g.grade(paths, jobs=1)
    assert sorted(done) == sorted(str(p) for p in paths)
    one = vdc("grade", str(cohort), "--json", "--jobs", "1")
    par = vdc("grade", str(cohort), "--json", "--jobs", "2")
    assert one.returncode == par.returncode == 2
    assert one.stdout == par.stdout and json.loads(par.stdout)[0]["score"] == 100.0


def test_level_option_refuses_saves_of_another_level(cohort: Path):
    r = vdc("grade", str(cohort / "run.vdcsave"), str(REFERENCE), "--level", "levels/01-first-light.toml")
    assert r.returncode == 0, r.stdout + r.stderr
    text = (ROOT / "levels" / "01-first-light.toml").read_text(encoding="utf-8")
    edited = cohort / "edited.toml"
    edited.write_text(text.replace("memory = 64", "memory = 128", 1), encoding="utf-8")
    r = vdc("grade", str(cohort / "run.vdcsave"), "--level", str(edited), "--json")
    assert r.returncode == 3
    [row] = json.loads(r.stdout)
    assert row["status"] == "level differs" and row["verified"] is False and row["score"] is None


def test_exit_3_for_a_diverged_save_and_table_output(cohort: Path):
    r = vdc("grade", str(cohort / "tampered.vdcsave"), str(cohort / "run.vdcsave"), "--jobs", "1")
    assert r.returncode == 3
    assert "diverged at t=420s" in r.stdout and "✔ yes" in r.stdout and "2 saves" in r.stdout
    assert r.stderr == ""  # no progress bar when stderr is not a terminal


def test_csv_has_a_header_and_one_line_per_save(cohort: Path):
    r = vdc("grade", str(REFERENCE), str(GAVE_UP), "--csv")
    assert r.returncode == 0
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert list(rows[0]) == g.CSV_FIELDS
    assert [(Path(x["file"]).name, x["verified"], x["outcome"], x["score"], x["stars"]) for x in rows] == [
        ("01-first-light.vdcsave", "True", "won", "100.0", "3"),
        ("01-gave-up.vdcsave", "True", "lost", "61.54", "0"),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--json", "--csv"], "--json and --csv exclude each other"),
        (["--jobs", "0"], "--jobs must be at least 1, got 0"),
        (["--level", "nope.toml"], "nope.toml: no such file"),
    ],
)
def test_bad_options_exit_2_with_one_line(args: list[str], message: str):
    r = vdc("grade", str(REFERENCE), *args)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.strip() == f"vdc: error: {message}"


def test_empty_directory_and_missing_file(tmp_path: Path):
    r = vdc("grade", str(tmp_path))
    assert r.returncode == 2 and r.stderr.strip() == f"vdc: error: no .vdcsave files in {tmp_path}"
    r = vdc("grade", str(tmp_path / "nope.vdcsave"), "--json")
    assert r.returncode == 2
    assert json.loads(r.stdout)[0]["reason"] == "no such file" and "Traceback" not in r.stderr


def test_exit_code_precedence_and_worst_objective():
    row = lambda status: g.Row("f", status, "")  # noqa: E731
    assert g.exit_code([row(g.VERIFIED)]) == 0
    assert g.exit_code([row(g.VERIFIED), row(g.LEVEL_DIFFERS)]) == 3
    assert g.exit_code([row(g.DIVERGED), row(g.UNREADABLE)]) == 2
    objs = [{"id": "a", "attainment": 1.0}, {"id": "b", "attainment": 0.4}, {"id": "c", "attainment": 0.4}]
    assert g.worst(objs)["id"] == "b" and g.worst([]) is None


def test_review_commands_load_only_click():
    code = ("import sys; import vdc.cli; "
            "print([m for m in ('textual', 'rich', 'numpy', 'vdc.session.grade') if m in sys.modules])")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert r.stdout.strip() == "[]", r.stderr
    assert "grade" in vdc("--help").stdout and "report" in vdc("--help").stdout


def test_run_that_ended_early_on_a_failed_objective_verifies(tmp_path: Path):
    from conftest import lost_early_level

    from vdc.session.actions import parse_actions
    from vdc.session.runner import result, run_level
    from vdc.session.save import save

    session = run_level(lost_early_level(), actions=parse_actions("10 power off web-01\n"))
    assert session.sim.ended_at == 105.0
    save(session, tmp_path / "ended.vdcsave", result=result(session))
    [row] = g.grade([tmp_path / "ended.vdcsave"], jobs=1)
    assert row.status == g.VERIFIED, row.reason


def test_progress_bar_only_on_a_terminal():
    """With stderr on a terminal a progress bar counts the saves (and is cleared at the end);
    stdout stays the plain result."""
    import pty

    leader, follower = pty.openpty()
    r = subprocess.run([sys.executable, "-m", "vdc", "grade", str(REFERENCE), str(NAIVE), "--json"],
                       stdout=subprocess.PIPE, stderr=follower, text=True, cwd=ROOT,
                       env=dict(os.environ, PYTHONPATH=str(ROOT)))
    os.close(follower)
    err = b""
    try:
        while chunk := os.read(leader, 65536):
            err += chunk
    except OSError:  # the terminal is closed once the child is gone
        pass
    os.close(leader)
    assert r.returncode == 0 and len(json.loads(r.stdout)) == 2
    assert b"grading" in err and b"2/2" in err


@pytest.mark.skipif(sys.platform != "linux", reason="the patched worker is inherited by fork")
def test_a_worker_that_dies_gives_rows_not_a_traceback(monkeypatch):
    import signal

    real = g._grade_star

    def dying(work):
        if "naive" in work[0]:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(work)

    monkeypatch.setattr(g, "_grade_star", dying)
    rows = g.grade([NAIVE, REFERENCE], jobs=2)
    naive = next(r for r in rows if r.file == str(NAIVE))
    assert naive.status == g.UNREADABLE and naive.reason.startswith("cannot grade (the worker died")
    assert g.exit_code(rows) == 2


def test_an_edited_result_field_changes_nothing(tmp_path: Path):
    data = json.loads(GAVE_UP.read_text(encoding="utf-8"))
    data["result"].update(outcome="won", score=100.0, stars=3)
    f = tmp_path / "bragging.vdcsave"
    f.write_text(json.dumps(data), encoding="utf-8")
    [row] = g.grade([f], jobs=1)
    assert (row.status, row.outcome, row.score, row.stars) == (g.VERIFIED, "lost", 61.54, 0)
