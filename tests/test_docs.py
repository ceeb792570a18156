"""Generated documentation stays current: docs/commands.md is the command table, the concept
matrix of docs/levels.md is the shipped levels' concepts, and the level format page names
every objective kind and config check."""

from __future__ import annotations

import re
from pathlib import Path

from vdc.scenario import schema
from vdc.session.catalog import concept_table
from vdc.sim.commands import COMMANDS
from vdc.sim.commands import docs as command_docs

ROOT = Path(__file__).resolve().parent.parent


def test_commands_page_is_generated_from_the_table():
    text = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    assert text == command_docs.markdown(), (
        f"docs/commands.md is out of date: run `{command_docs.REGENERATE}`"
    )


def test_commands_page_lists_every_command_once_in_its_section():
    text = command_docs.markdown()
    now, later = text.split("## Reserved for later versions")
    for spec in COMMANDS:
        row = f"| `{spec.usage.replace('|', chr(92) + '|')}` |"
        assert (now if spec.available else later).count(row) == 1, spec.name
        assert f"`{spec.example}`" in text
    assert "EDITION: `essentials`, `essentials-plus`" in now  # long choices spelled out
    assert "LEVEL: 1 to 5." in now  # and number limits


def test_concept_matrix_in_the_level_docs_is_current():
    text = (ROOT / "docs" / "levels.md").read_text(encoding="utf-8")
    m = re.search(r"<!-- concepts:begin -->\n(.*?)<!-- concepts:end -->", text, re.S)
    assert m, "docs/levels.md lost its concepts markers"
    assert m.group(1) == concept_table(), (
        "the concept matrix in docs/levels.md is out of date: paste the output of "
        "`python -m vdc.session.catalog`"
    )


def test_concept_matrix_rows():
    rows = concept_table().splitlines()
    assert "| `vmotion` | vMotion | 00-sandbox, 02-flash-sale |" in rows
    assert "| `reservations` | Reservations | 01-first-light |" in rows
    assert "| `drs` | DRS | 05-let-drs-drive |" in rows
    assert "| `overcommit` | Memory overcommit | — |" in rows  # no level teaches it yet


def test_concept_matrix_flags_a_concept_without_a_note(tmp_path: Path):
    level = (ROOT / "levels" / "01-first-light.toml").read_text(encoding="utf-8")
    (tmp_path / "01-first-light.toml").write_text(
        level.replace('concepts = ["hypervisor", "consolidation", "reservations"]',
                      'concepts = ["hypervisor", "warp-drive"]'), encoding="utf-8")
    rows = concept_table(tmp_path).splitlines()
    assert rows[-1] == "| `warp-drive` | *no note* | 01-first-light |"


def test_level_docs_name_every_objective_kind_and_check():
    text = (ROOT / "docs" / "levels.md").read_text(encoding="utf-8")
    for kind in schema.ObjectiveKind.__args__:  # type: ignore[attr-defined]
        assert f"| `{kind}` |" in text, kind
    for check in schema.ConfigCheck.__args__:  # type: ignore[attr-defined]
        assert f"| `{check}` |" in text, check
    assert "## Test your level" in text
