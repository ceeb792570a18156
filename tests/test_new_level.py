"""`vdc new`: a small valid level with a `#:schema` line, which `vdc check` passes, whose
reference solution (in its header) wins with three stars and which doing nothing loses."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_cli import vdc
from vdc.scenario.template import REFERENCE, level_id_for


def reference_in(text: str) -> str:
    """The action script in a template's header (the lines `#     <t> <command>`)."""
    return "".join(line[6:] + "\n" for line in text.splitlines() if line.startswith("#     "))


def test_new_writes_a_level_that_checks_and_whose_reference_wins(tmp_path: Path):
    level = tmp_path / "labs" / "my-lab.toml"
    r = vdc("new", str(level))
    assert r.returncode == 0, r.stderr
    text = level.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "#:schema ./level.schema.json"
    schema = json.loads((tmp_path / "labs" / "level.schema.json").read_text(encoding="utf-8"))
    assert "LevelMeta" in schema["$defs"]
    r = vdc("check", str(level))
    assert r.returncode == 0 and r.stdout.startswith(f"ok  {level}: my-lab — 2 hosts, 2 VMs")
    assert reference_in(text) == REFERENCE
    (tmp_path / "solution.txt").write_text(reference_in(text), encoding="utf-8")
    won = json.loads(vdc("run", str(level), "--actions", str(tmp_path / "solution.txt"),
                         "--json").stdout)
    assert (won["outcome"], won["stars"], won["commands"]["rejected"]) == ("won", 3, [])
    idle = json.loads(vdc("run", str(level), "--json").stdout)
    assert idle["outcome"] == "lost" and idle["score"] < won["score"]


def test_new_never_writes_over_a_file_unless_forced(tmp_path: Path):
    level = tmp_path / "07-lab.toml"
    level.write_text("mine", encoding="utf-8")
    r = vdc("new", str(level))
    assert (r.returncode, r.stderr.strip()) == (
        2, f"vdc: error: {level}: already exists (--force writes over it)")
    assert level.read_text(encoding="utf-8") == "mine"
    assert vdc("new", str(level), "--force").returncode == 0
    assert vdc("check", str(level)).returncode == 0  # a numbered file: its id is its name
    r = vdc("new", str(tmp_path / "lab.txt"))
    assert r.returncode == 2 and "a level file ends in .toml" in r.stderr


def test_level_ids_from_file_names():
    assert level_id_for("My Lab_2") == "my-lab-2"
    assert level_id_for("07-Fail--over") == "07-fail-over"
    assert level_id_for("___") == "my-level"
