"""Provides `vdc new`: a small valid level to start a trainer's own from.

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
    import json

    from vdc.scenario.schema import Level
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
            write_atomic(schema, json.dumps(Level.model_json_schema(), indent=2) + "\n")
            also = f" (and {schema}, for editors)"
    except OSError as e:
        fail(f"{level_file}: cannot write ({e.strerror})")
    click.echo(f"wrote {level_file}{also}; next: vdc check {level_file}")
