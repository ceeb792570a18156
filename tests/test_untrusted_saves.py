"""Saves are untrusted input (issue 19): every hostile edit is a one-line `SaveError` (exit 2 from
the command line), never a traceback, a hang or a replay that "verifies" at t = inf."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from vdc.scenario.loader import data_hash
from vdc.session.save import SaveError, load

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "saves" / "reference" / "01-first-light.vdcsave"


def _data() -> dict:
    return json.loads(SHIPPED.read_text(encoding="utf-8"))


def _raw(data: dict) -> bytes:
    return json.dumps(data).encode()


def _refused(raw: bytes) -> str:
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"vdc-untrusted-{os.getpid()}.vdcsave"
    path.write_bytes(raw)
    with pytest.raises(SaveError) as e:
        load(path)
    path.unlink()
    msg = str(e.value)
    assert "\n" not in msg and msg.startswith(f"{path}: ")
    return msg


def test_the_shipped_save_loads():
    assert load(SHIPPED).level.level.id == "01-first-light"


def test_an_edited_level_with_its_hash_recomputed_is_cross_checked():
    data = _data()
    data["level"]["datastores"] = []  # the VMs' disks now name a datastore that is not there
    data["level_hash"] = data_hash(data["level"])
    msg = _refused(_raw(data))
    assert "damaged save (its level: " in msg and "datastore" in msg


def test_a_huge_integer_is_refused():
    raw = SHIPPED.read_bytes().replace(b'"seed": 1', b'"seed": ' + b"9" * 5000, 1)
    assert "integer of 5000 digits (at most 30)" in _refused(raw)


def test_deep_nesting_is_refused():
    for depth in (40, 100_000):
        data = _data()
        data["result"] = "@"
        raw = _raw(data).replace(b'"@"', b"[" * depth + b"]" * depth)
        assert "nested too deeply (more than 32 levels)" in _refused(raw)


@pytest.mark.parametrize("field, value, words", [
    ("seed", "Infinity", "Infinity is not a number a save may hold"),
    ("sim_time", "Infinity", "Infinity is not a number a save may hold"),
    ("sim_time", "NaN", "NaN is not a number a save may hold"),
    ("sim_time", "1e400", "the number 1e400 is out of range"),
    ("sim_time", "-5", "sim_time -5 is out of range (0 to 1800)"),
    ("sim_time", "99999", "sim_time 99999 is out of range (0 to 1800)"),
    ("seed", "-1", "the seed -1 is out of range"),
    ("seed", "1.5", "the seed must be a whole number"),
])
def test_numbers_must_be_finite_and_in_range(field, value, words):
    data = _data()
    data[field] = "@"
    raw = _raw(data).replace(b'"@"', value.encode())
    assert words in _refused(raw)


def test_a_speed_of_infinity_is_refused():
    data = _data()
    data["speed_changes"] = [{"t": 0, "speed": "@", "paused": False}]
    assert "Infinity is not a number" in _refused(_raw(data).replace(b'"@"', b"Infinity"))
    data["speed_changes"] = [{"t": 0, "speed": 10**12, "paused": False}]
    assert "a speed 1e+12 is out of range" in _refused(_raw(data))


def test_a_lone_surrogate_is_refused_clearly():
    data = _data()
    data["commands"][0]["message"] = "@"
    raw = _raw(data).replace(b'"@"', b'"bad \\ud800 text"')
    assert "a string holds a lone surrogate (\\ud800), which is not valid Unicode" in _refused(raw)


def test_a_file_over_the_size_cap_is_refused_before_reading(tmp_path: Path, monkeypatch):
    big = tmp_path / "big.vdcsave"
    with big.open("wb") as f:
        f.truncate(64 * 1024 * 1024 + 1)  # sparse: no 64 MB written
    with pytest.raises(SaveError, match="over the 64 MB limit"):
        load(big)


def _vdc(*args: str):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "vdc", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT)


def test_the_command_line_says_one_line_and_exits_2(tmp_path: Path):
    data = _data()
    data["sim_time"] = "@"
    path = tmp_path / "inf.vdcsave"
    path.write_bytes(_raw(data).replace(b'"@"', b"Infinity"))
    for args in (("replay", str(path), "--verify"), ("report", str(path))):
        r = _vdc(*args)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
        assert "Infinity is not a number a save may hold" in r.stderr
