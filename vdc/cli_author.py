"""Provides `vdc new` (a small valid level to start a trainer's own from) and `vdc schema`
(the level format as a JSON Schema, for editors).

Only click is imported at module level (`vdc --help` must stay fast).
"""

from __future__ import annotations

from pathlib import Path

import click

from vdc.cli_common import fail


@click.command("new")
@click.argument("level_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Write over LEVEL_FILE if it exists.")
def new_cmd(level_file: Path, force: bool) -> None:
    """Write a small valid level to LEVEL_FILE (a .toml) to start your own from.

    Two hosts with vMotion ports on a shared datastore, a two-tier service, a host failure
    with warning, two objectives; its reference solution is in the header. The first line,
    `#:schema ./level.schema.json`, gives editors with Taplo completion and hover help; the
    schema file is written beside the level when it is missing.
    """
    from vdc.scenario.template import SCHEMA_FILE, level_text
    from vdc.session.save import write_atomic

    if level_file.suffix != ".toml":
        fail(f"{level_file}: a level file ends in .toml")
    if level_file.exists() and not force:
        fail(f"{level_file}: already exists (--force writes over it)")
    schema = level_file.parent / SCHEMA_FILE
    also = ""
    try:
        level_file.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(level_file, level_text(level_file.name))
        if not schema.exists():
            write_atomic(schema, schema_text())
            also = f" (and {schema}, for editors)"
    except OSError as e:
        fail(f"{level_file}: cannot write ({e.strerror})")
    click.echo(f"wrote {level_file}{also}; next: vdc check {level_file}")


SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
"""The JSON Schema dialect pydantic writes."""


def schema_id() -> str:
    """The schema's `$id`: a URN naming the format and the vdc version that wrote it (no web
    address is needed: editors read the file the `#:schema` line names)."""
    from vdc import __version__

    return f"urn:vdc:level-schema:{__version__}"


def schema_text() -> str:
    """The level format's JSON Schema with `$schema` and `$id` first, as `vdc schema` writes it."""
    import json

    from vdc.scenario.schema import Level

    doc = {"$schema": SCHEMA_DIALECT, "$id": schema_id(), **Level.model_json_schema()}
    return json.dumps(doc, indent=2) + "\n"


@click.command("schema")
@click.option("--output", "-o", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the schema to this file (atomically) instead of stdout.")
def schema_cmd(out: Path | None) -> None:
    """Print the JSON Schema of the level format, with each key's description.

    Save it beside your levels (`vdc schema -o level.schema.json`) and start a level with
    `#:schema ./level.schema.json` for completion and hover help in editors with Taplo.
    """
    text = schema_text()
    if out is None:
        click.echo(text, nl=False)
        return
    from vdc.session.save import write_atomic

    try:
        write_atomic(out, text)
    except OSError as e:
        fail(f"{out}: cannot write the schema ({e.strerror})")
    click.echo(f"wrote {out}")
