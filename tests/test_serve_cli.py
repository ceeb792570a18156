"""`vdc serve` and the classroom's command-line edges, without a browser: bad options are one
line, the per-session command is hidden, and `VDC_LEVELS_DIR` (what `--levels-dir` sets for the
sessions) adds a trainer's folder to the campaign, and `--exam` serves a pack's exam."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_cli import ROOT, vdc
from vdc.cli_serve import session_command


def test_serve_refuses_a_bad_port_and_an_empty_levels_folder_in_one_line(tmp_path: Path):
    r = vdc("serve", "--port", "0")
    assert r.returncode == 2 and len(r.stderr.splitlines()) == 1
    assert "--port" in r.stderr and "Traceback" not in r.stderr
    r = vdc("serve", "--levels-dir", str(tmp_path))
    assert (r.returncode, r.stderr.strip()) == (2, f"vdc: error: no level files (*.toml) in {tmp_path}")


def test_help_lists_serve_but_not_the_per_session_command():
    r = vdc("--help")
    assert "serve" in r.stdout and "served-session" not in r.stdout


def test_each_browser_session_runs_the_served_app_with_the_server_saves_folder(tmp_path: Path):
    cmd = session_command(tmp_path / "my saves", unlock_all=True)
    assert cmd.endswith(f"-m vdc served-session --saves-dir '{tmp_path / 'my saves'}' --all")


def test_vdc_levels_dir_adds_a_trainers_folder_to_the_campaign(tmp_path: Path):
    text = (ROOT / "levels" / "01-first-light.toml").read_text()
    (tmp_path / "90-lab.toml").write_text(text.replace('id = "01-first-light"', 'id = "90-lab"'))
    r = vdc("levels", "--json", env={"VDC_LEVELS_DIR": str(tmp_path)})
    assert r.returncode == 0, r.stderr
    ids = [lv["id"] for lv in json.loads(r.stdout)["levels"]]
    assert ids[0] == "00-sandbox" and ids[-2:] == ["14-hci", "90-lab"]


def test_serve_exam_passes_the_pack_to_each_session(tmp_path: Path):
    pack = tmp_path / "week 1.vdcpack"
    r = vdc("pack", "01", "04", "-o", str(pack))
    assert r.returncode == 0, r.stderr
    cmd = session_command(tmp_path, exam=(pack, "04-host-down"))
    assert cmd.endswith(f"--exam '{pack}' --exam-level 04-host-down")
    for args, message in [
        (["--exam", str(pack), "--exam-level", "zz"],
         f"{pack}: no level 'zz' in the pack (levels: 01-first-light, 04-host-down)"),
        (["--exam", str(tmp_path / "none.vdcpack")], "none.vdcpack: no such file"),
        (["--exam-level", "01"], "--exam-level goes with --exam"),
    ]:
        r = vdc("serve", *args)
        assert r.returncode == 2 and len(r.stderr.splitlines()) == 1, r.stderr
        assert message in r.stderr
    r = vdc("served-session", "--saves-dir", str(tmp_path), "--exam", str(tmp_path / "x.vdcpack"))
    assert r.returncode == 2 and "x.vdcpack: no such file" in r.stderr
