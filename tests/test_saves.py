"""Saves: written atomically, verified by re-simulation, tampering caught where it happened."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOLUTION = ROOT / "levels" / "solutions" / "01-first-light.txt"
SCRIPT = "0 host power on esx-02\n0 power on intranet-web-01\n61 power on intranet-db-01 esx-02\n400 power off mail-01\n"


def vdc(*args: str, env: dict[str, str] | None = None):
    e = dict(os.environ, PYTHONPATH=str(ROOT))
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "vdc", *args], capture_output=True, text=True,
                          env=e, cwd=ROOT)


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("saves")
    (d / "a.txt").write_text(SCRIPT, encoding="utf-8")
    path = d / "run.vdcsave"
    r = vdc("run", "01", "--actions", str(d / "a.txt"), "--save", str(path))
    assert r.returncode == 0, r.stderr
    return path


def _tampered(saved: Path, tmp_path: Path, change) -> Path:
    data = json.loads(saved.read_text(encoding="utf-8"))
    change(data)
    out = tmp_path / "t.vdcsave"
    out.write_text(json.dumps(data), encoding="utf-8")
    return out


def test_save_holds_level_seed_commands_digests_and_result(saved: Path):
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["schema_version"] == 1 and data["level_id"] == "01-first-light"
    assert data["level"]["level"]["id"] == "01-first-light" and data["seed"] == 1
    assert [c["text"] for c in data["commands"]] == [
        "host power on esx-02", "power on intranet-web-01", "power on intranet-db-01 esx-02",
        "power off mail-01",
    ]
    assert len(data["digests"]) == 1800 // 60 + 1 and data["digests"][1][0] == 60.0
    assert data["result"]["outcome"] == "won"
    assert oct(saved.stat().st_mode & 0o777) != oct(0o600)


def test_verify_passes_under_different_hash_seeds(saved: Path):
    for seed in ("0", "77"):
        r = vdc("replay", str(saved), "--verify", env={"PYTHONHASHSEED": seed})
        assert r.returncode == 0, r.stderr
        assert r.stdout.startswith("verified:")
    out = json.loads(vdc("replay", str(saved), "--verify", "--json").stdout)
    assert out["verified"] is True and out["divergence"] is None and out["outcome"] == "won"


def test_command_time_changed_is_caught_at_the_next_digest(saved: Path, tmp_path: Path):
    def change(d):  # power off mail-01 at 430 s instead of 400 s
        d["commands"][3]["t"] = 430.0
    r = vdc("replay", str(_tampered(saved, tmp_path, change)), "--verify")
    assert r.returncode == 3
    assert "diverged at t=420s" in r.stderr
    assert "last command before it: t=61 power on intranet-db-01 esx-02" in r.stderr


def test_command_removed_is_caught(saved: Path, tmp_path: Path):
    r = vdc("replay", str(_tampered(saved, tmp_path, lambda d: d["commands"].pop(3))), "--verify")
    assert r.returncode == 3 and "diverged at t=420s" in r.stderr
    assert "last command before it: t=61 power on intranet-db-01 esx-02" in r.stderr


def test_digest_changed_is_caught_at_its_time(saved: Path, tmp_path: Path):
    def change(d):
        d["digests"][5][1] = "0" * 64
    r = vdc("replay", str(_tampered(saved, tmp_path, change)), "--verify", "--json")
    assert r.returncode == 3
    out = json.loads(r.stdout)
    assert out["verified"] is False and out["divergence"]["t"] == 300.0
    assert out["divergence"]["expected"] == "000000000000"


def test_level_option_refuses_an_edited_level(saved: Path, tmp_path: Path):
    text = (ROOT / "levels" / "01-first-light.toml").read_text(encoding="utf-8")
    edited = tmp_path / "01-first-light.toml"
    edited.write_text(text.replace("memory = 64", "memory = 128", 1), encoding="utf-8")
    r = vdc("replay", str(saved), "--verify", "--level", str(edited))
    assert r.returncode == 3 and "level differs" in r.stderr
    same = vdc("replay", str(saved), "--verify", "--level", "levels/01-first-light.toml")
    assert same.returncode == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"schema_version": 1, "program": "vdc", "lev', "not a vdc save (broken JSON at line 1"),
        (b"\xff\xfe garbage", "not a vdc save (not UTF-8 text)"),
        (b"[1, 2, 3]", "not a vdc save"),
        (b'{"program": "vdc", "schema_version": 99}', "save format version 99 is not supported"),
        (b'{"program": "vdc", "schema_version": 1, "seed": 1}', "damaged save (missing"),
    ],
)
def test_bad_saves_exit_2_with_one_line(tmp_path: Path, content: bytes, message: str):
    f = tmp_path / "bad.vdcsave"
    f.write_bytes(content)
    r = vdc("replay", str(f), "--verify")
    assert r.returncode == 2
    assert message in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_truncated_save_and_embedded_level_tampering(saved: Path, tmp_path: Path):
    text = saved.read_text(encoding="utf-8")
    cut = tmp_path / "cut.vdcsave"
    cut.write_text(text[: len(text) // 2], encoding="utf-8")
    r = vdc("replay", str(cut), "--verify")
    assert r.returncode == 2 and "broken JSON" in r.stderr

    def change(d):
        d["level"]["hosts"][0]["memory"] = 128
    r = vdc("replay", str(_tampered(saved, tmp_path, change)), "--verify")
    assert r.returncode == 2 and "embedded level does not match its hash" in r.stderr


def test_atomic_write_leaves_the_old_file_when_the_writer_dies(tmp_path: Path):
    """A writer killed mid-write (SIGKILL while writing a large save) leaves the previous
    save intact and loadable."""
    target = tmp_path / "auto.vdcsave"
    target.write_text('{"old": true}', encoding="utf-8")
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from vdc.session import save as s\n"
        "class Slow(str):\n"
        "    pass\n"
        "import os\n"
        "real_fsync = os.fsync\n"
        "def stall(fd):\n"
        "    print('writing', flush=True); time.sleep(30)\n"
        "os.fsync = stall\n"
        f"s.write_atomic(Path({str(target)!r}), 'x' * 1_000_000)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                            env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert proc.stdout.readline().strip() == "writing"
    proc.kill()
    proc.wait()
    assert target.read_text(encoding="utf-8") == '{"old": true}'


def test_a_save_that_embeds_every_key_of_its_level_still_loads_and_matches_its_level():
    """Saves written before levels were embedded without their default keys (and before later
    keys such as `level.vcenter` existed) keep loading, verifying and matching their level
    (level 01 as it was then: it gained scored mail and file services later, issue 11)."""
    data_dir = ROOT / "tests" / "data" / "saves"
    old, level = data_dir / "01-first-light-full-level.vdcsave", data_dir / "first-light-before-issue-11.toml"
    data = json.loads(old.read_text(encoding="utf-8"))
    assert "vcenter" not in data["level"]["level"] and "edition" in data["level"]["level"]
    r = vdc("replay", str(old), "--verify", "--level", str(level))
    assert r.returncode == 0, r.stderr
    from vdc.scenario.loader import load_level
    from vdc.session.save import load

    assert load(old).level_hash == load_level(level).content_hash


def test_a_new_save_embeds_only_the_keys_not_at_their_defaults(saved: Path):
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert "vcenter" not in data["level"]["level"] and "sample_interval" not in data["level"]["level"]
    from vdc.scenario.loader import data_hash

    assert data_hash(data["level"]) == data["level_hash"]


def test_latest_unfinished_save_skips_finished_and_unreadable_ones(saved: Path, tmp_path: Path):
    from vdc.session.paths import latest_save

    finished = json.loads(saved.read_text(encoding="utf-8"))
    assert finished["result"] is not None
    playing = dict(finished, result=None, sim_time=120.0)
    d = tmp_path / "saves"
    d.mkdir()
    assert latest_save(d, unfinished=True) is None
    (d / "a.save.vdcsave").write_text(json.dumps(playing), encoding="utf-8")
    (d / "b.autosave.vdcsave").write_text(json.dumps(finished), encoding="utf-8")
    (d / "c.autosave.vdcsave").write_text(json.dumps(dict(playing, result=None, sim_time=9e9)),
                                          encoding="utf-8")  # at its end, no result: finished
    (d / "d.save.vdcsave").write_text("{broken", encoding="utf-8")
    oldest_first = ["a.save", "b.autosave", "c.autosave", "d.save"]
    for age, name in enumerate(oldest_first):
        os.utime(d / f"{name}.vdcsave", (1000 + age, 1000 + age))
    assert latest_save(d) == d / "d.save.vdcsave"
    assert latest_save(d, unfinished=True) == d / "a.save.vdcsave"
    r = vdc("continue", "--saves-dir", str(tmp_path / "none"))
    assert r.returncode == 2 and "no saved game in" in r.stderr
    (d / "a.save.vdcsave").unlink()
    r = vdc("continue", "--saves-dir", str(d))
    assert r.returncode == 2 and "no saved game to continue in" in r.stderr


def test_every_game_has_save_names_of_its_own(tmp_path: Path):
    from datetime import datetime

    from vdc.session.paths import game_of, new_game, save_name, save_path

    began = datetime(2026, 3, 14, 9, 30, 12)
    game = new_game(tmp_path, "01-first-light", began)
    assert game == "01-first-light.20260314-093012"
    assert save_name(game, "autosave") == "01-first-light.20260314-093012.autosave.vdcsave"
    (tmp_path / save_name(game, "save")).write_text("{}", encoding="utf-8")
    assert new_game(tmp_path, "01-first-light", began) == "01-first-light.20260314-093012-2"
    assert game_of(tmp_path / save_name(game, "save")) == game
    assert game_of(Path("01-first-light.autosave.vdcsave")) == "01-first-light"  # older names
    assert game_of(Path("run.vdcsave")) == "run"
    for hostile in ("../../etc/x", "a/../../b", "..", "/abs"):
        assert save_path(tmp_path, hostile).parent == tmp_path.resolve()
