"""Levels are untrusted input (issue 19): a size cap checked before parsing, tomllib's errors
always caught, shapes that make tomllib or the line scanner slow refused at C speed, and counts
the schema states. Each is a one-line `LevelError`. (Speed is measured in
bench/bench_hostile_levels.py, not here.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vdc.scenario import toml_lines
from vdc.scenario.loader import LevelError, load_level, load_level_text
from vdc.scenario.schema import Level

ROOT = Path(__file__).resolve().parent.parent
BASE = (ROOT / "levels" / "01-first-light.toml").read_text(encoding="utf-8")


def _refused(text: str) -> str:
    with pytest.raises(LevelError) as e:
        load_level_text(text, "t.toml")
    assert "\n" not in str(e.value)
    return str(e.value)


def test_a_5000_digit_integer_is_a_toml_error_not_a_traceback():
    msg = _refused(BASE.replace("seed = 1", "seed = " + "9" * 5000))
    assert msg.startswith("t.toml: TOML syntax error: Exceeds the limit (4300 digits)")


def test_a_seed_must_fit_in_64_bits():
    msg = _refused(BASE.replace("seed = 1", "seed = " + "9" * 30))
    assert "level.seed" in msg


def test_a_table_header_of_many_parts_is_refused_before_parsing():
    msg = _refused('[level]\nid = "x"\n[' + ".".join(["a"] * 2000) + "]\n")
    assert msg == "t.toml:3: a key of more than 16 dotted parts"
    msg = _refused("[" + ".".join(['"a"'] * 40) + "]\n")
    assert msg == "t.toml:1: a key of more than 16 dotted parts"


def test_the_line_scanner_stops_at_deep_keys():
    """It was quadratic: every prefix of a 50,000-part header became a key of its map."""
    lines = toml_lines.line_map("[" + ".".join(["a"] * 5000) + "]\n")
    assert len(lines) <= toml_lines.MAX_KEY_PARTS
    assert toml_lines.line_for("x" * (toml_lines.SCAN_LIMIT + 1), ("x",)) is None


def test_too_many_tokens_are_refused_before_parsing():
    msg = _refused("x = [" + ",".join(["1"] * 150_001) + "]\n")
    assert msg == ("t.toml: 150,004 lines, keys and values (keys count twice); a level file "
                   "holds at most 150,000")


def test_more_hosts_than_the_schema_allows_are_refused_before_validating_them():
    msg = _refused(BASE + "\n[[hosts]]\n" * 1023)
    assert msg == "t.toml: hosts: 1,025 entries; a level holds at most 1,024"


def test_the_schema_states_the_limits():
    props = json.loads(json.dumps(Level.model_json_schema()))["properties"]
    assert props["vms"]["maxItems"] == 32000 and props["hosts"]["maxItems"] == 1024
    assert props["events"]["maxItems"] == 5000
    assert "At most 32,000 VMs" in props["vms"]["description"]


def test_a_file_over_4_mb_is_refused_before_reading(tmp_path: Path):
    big = tmp_path / "big.toml"
    with big.open("wb") as f:
        f.truncate(4 * 1024 * 1024 + 1)  # sparse
    with pytest.raises(LevelError, match=r"big.toml: 4.2 MB, over the 4 MB limit for a level file"):
        load_level(big)
    assert "over the 4 MB limit" in _refused("#" * (4 * 1024 * 1024 + 1))


def test_the_shipped_levels_are_well_inside_the_limits():
    for p in sorted((ROOT / "levels").glob("*.toml")):
        load_level(p)
