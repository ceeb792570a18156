"""The level schema carries its keys' descriptions (pydantic `use_attribute_docstrings`), for
editors that read `vdc schema` (a `#:schema` line), without changing any level's content hash."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from vdc.scenario.loader import load_level
from vdc.session.save import load

ROOT = Path(__file__).resolve().parent.parent

def described(node: object) -> tuple[int, int]:
    """(properties, properties with a description) anywhere in a JSON Schema."""
    total = done = 0
    if isinstance(node, dict):
        for v in node.get("properties", {}).values():
            total, done = total + 1, done + ("description" in v)
        for v in node.values():
            t, d = described(v)
            total, done = total + t, done + d
    elif isinstance(node, list):
        for v in node:
            t, d = described(v)
            total, done = total + t, done + d
    return total, done


def test_vdc_schema_describes_the_keys():
    r = subprocess.run([sys.executable, "-m", "vdc", "schema"], capture_output=True, text=True,
                       cwd=ROOT, check=True)
    schema = json.loads(r.stdout)
    total, done = described(schema)
    assert done >= 90 and done / total > 0.5, (done, total)
    level_meta = schema["$defs"]["LevelMeta"]["properties"]
    assert level_meta["end_on_fail"]["description"]


def test_descriptions_do_not_change_a_levels_content_hash():
    """Every shipped reference save was made against the shipped level file: equal hashes."""
    for save in sorted((ROOT / "saves" / "reference").glob("*.vdcsave")):
        saved = load(save)
        level = load_level(ROOT / "levels" / f"{saved.level.level.id}.toml")
        assert level.content_hash == saved.level_hash, save.name


def test_schema_output_file_has_schema_and_id(tmp_path: Path):
    from vdc import __version__

    out = tmp_path / "level.schema.json"
    r = subprocess.run([sys.executable, "-m", "vdc", "schema", "-o", str(out)], capture_output=True,
                       text=True, cwd=ROOT)
    assert r.returncode == 0 and r.stdout == f"wrote {out}\n", r.stderr
    stdout = subprocess.run([sys.executable, "-m", "vdc", "schema"], capture_output=True, text=True,
                            cwd=ROOT, check=True).stdout
    assert out.read_text() == stdout
    doc = json.loads(stdout)
    assert list(doc)[:2] == ["$schema", "$id"]
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert doc["$id"] == f"urn:vdc:level-schema:{__version__}"
    # `vdc new` writes the same file beside a new level.
    r = subprocess.run([sys.executable, "-m", "vdc", "new", str(tmp_path / "lab" / "l.toml")],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "lab" / "level.schema.json").read_text() == stdout
    r = subprocess.run([sys.executable, "-m", "vdc", "schema", "-o", str(tmp_path / "no" / "s.json")],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2 and r.stderr.startswith("vdc: error: ") and len(r.stderr.splitlines()) == 1
