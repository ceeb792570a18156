"""Provides `vdc progress`: show campaign progress, or reset it (asking first).

Only click is imported at module level (vdc/cli.py registers this group and must start fast);
the progress module and Rich load inside the commands.
"""

from __future__ import annotations

import sys

import click


@click.group("progress", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print the progress file's content.")
@click.pass_context
def progress_group(ctx: click.Context, as_json: bool) -> None:
    """Your best score and stars per level, and which levels are unlocked.

    Progress counts games finished in the terminal UI on a shipped level; headless `vdc run`
    records nothing. It lives in progress.json in the user data directory ($VDC_DATA_DIR).
    """
    if ctx.invoked_subcommand is not None:
        return
    from vdc.session import progress

    done = progress.load()
    if done.warning:
        click.echo(f"vdc: warning: {done.warning}", err=True)
    if as_json:
        import json
        click.echo(json.dumps(progress.to_data(done), indent=2, ensure_ascii=False))
        return
    _show(done)


def _show(done) -> None:
    from rich.console import Console
    from rich.table import Table

    from vdc.session import progress

    ids = progress.campaign_ids()
    locked = progress.prerequisites(list(ids), done)
    table = Table(title=f"vdc progress  ({done.path})", title_justify="left")
    for col, justify in (("level", "left"), ("status", "left"), ("best", "left"),
                         ("won / played", "right")):
        table.add_column(col, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    table.add_column("last played")  # date above time when a long level id leaves no room
    # Shipped levels in campaign order, then anything recorded for a level no longer shipped.
    for level_id in [*ids, *sorted(set(done.levels) - set(ids))]:
        lp = done.of(level_id)
        symbol, word, _ = progress.STATUS_LABELS[progress.status(level_id, done, locked)]
        if level_id not in ids:
            word += " (not shipped)"
        table.add_row(level_id, f"{symbol} {word}", progress.best_text(lp),
                      f"{lp.won} / {lp.played}", _when(lp.last_played))
    Console().print(table)


def _when(iso: str | None) -> str:
    """`2026-12-01 20:04 UTC` from the stored ISO time (UTC, to the second)."""
    return f"{iso[:16].replace('T', ' ')} UTC" if iso else "—"


@progress_group.command("reset")
@click.option("--yes", "-y", is_flag=True, help="Do not ask.")
def reset_cmd(yes: bool) -> None:
    """Forget every level's best result and lock the campaign again (asks first)."""
    from vdc.session import progress

    path = progress.progress_path()
    if not path.exists():
        click.echo(f"No progress to reset ({path} does not exist).")
        return
    done = progress.load()
    if done.warning:  # a damaged file was set aside just now: nothing readable is left to reset
        click.echo(f"vdc: warning: {done.warning}", err=True)
        if not path.exists():
            return
    n = len(done.levels)
    if not yes and not click.confirm(f"Reset progress of {n} level{'s' * (n != 1)}?", default=False):
        click.echo("Progress kept.")
        return
    try:
        progress.reset(path)
    except progress.ProgressError as e:
        click.echo(f"vdc: error: {e}", err=True)
        sys.exit(2)
    click.echo(f"Progress reset ({n} level{'s' * (n != 1)}; removed {path}).")
