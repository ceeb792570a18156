"""Provides `vdc grade` and `vdc report`: reviewing saved sessions headless.

Only click is imported at module level (`vdc --help` must stay fast and never load Textual or
Rich); the simulation, Rich and the renderers load inside the commands. Registered at the end
of `vdc/cli.py`. Bad input exits 2 with one line `vdc: error: …` on stderr, never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from vdc.cli_common import MAX_SEED, complete_level, complete_save, fail, resolve_level

_fail = fail


def _seeds(text: str | None) -> tuple[int, ...] | None:
    """`--seeds 1,2,3` as numbers (one line if one is not a seed)."""
    if text is None:
        return None
    out: list[int] = []
    for word in text.replace(",", " ").split():
        try:
            seed = int(word)
        except ValueError:
            _fail(f"--seeds takes seeds separated by commas, not {word!r}")
        if not 0 <= seed <= MAX_SEED:
            _fail(f"--seeds: {seed} is not a seed (0 to 2^64 - 1)")
        out.append(seed)
    if not out:
        _fail("--seeds needs at least one seed")
    return tuple(dict.fromkeys(out))


@click.command("grade")
@click.argument("saves", nargs=-1, required=True, shell_complete=complete_save)
@click.option("--level", "level_ref", default=None, shell_complete=complete_level,
              help="Refuse saves whose embedded level differs from this level (a file, an id "
                   "or an id prefix), or that were played with another seed than the level's.")
@click.option("--seeds", "seeds_text", default=None, metavar="N,N,...",
              help="The seeds a save may be played with (instead of the level's).")
@click.option("--any-seed", is_flag=True, help="Grade saves whatever seed they were played with.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of rows.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV with a header line.")
@click.option("--jobs", "-j", type=int, default=None,
              help="Worker processes (default: the number of CPUs; 1 = no subprocesses).")
@click.option("--html", "html_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the cohort page to this file: score distribution, pass rates, "
                   "each save's report, common mistakes, recovery times, identical logs.")
@click.option("--reference", "reference_path", type=click.Path(path_type=Path), default=None,
              help="The reference solutions the cohort page compares with: a .vdcsave, a folder "
                   "of them, or an answer-key pack (default: the shipped ones).")
def grade_cmd(saves: tuple[str, ...], level_ref: str | None, seeds_text: str | None,
              any_seed: bool, as_json: bool, as_csv: bool, jobs: int | None,
              html_file: Path | None, reference_path: Path | None) -> None:
    """Verify and score a cohort of saves, one row per save, with who played and the seed.

    SAVES are .vdcsave files or directories (every *.vdcsave below them). With --level, a
    save played with another seed than the level's (or one of --seeds) is a "wrong seed"
    row, not graded, unless --any-seed.

    Exit 0 when every save replays exactly, 3 when any diverged, is for another level or
    has a wrong seed, 2 when any could not be read.
    """
    from vdc.session import grade as g

    if as_json and as_csv:
        _fail("--json and --csv exclude each other")
    if any_seed and seeds_text is not None:
        _fail("--seeds and --any-seed exclude each other")
    if jobs is not None and jobs < 1:
        _fail(f"--jobs must be at least 1, got {jobs}")
    if reference_path is not None and html_file is None:
        _fail("--reference goes with --html (the cohort page compares with it)")
    seeds = _seeds(seeds_text)
    references = _references(reference_path) if reference_path is not None else None
    level_hash = None
    if level_ref is not None:
        loaded = resolve_level(level_ref)
        level_hash = loaded.content_hash
        if seeds is None and not any_seed:
            seeds = (loaded.level.level.seed,)
    paths = g.expand(saves)
    if not paths:
        _fail(f"no .vdcsave files in {', '.join(saves)}")
    if sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        with Progress(TextColumn("grading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=Console(stderr=True), auto_refresh=False, transient=True) as bar:
            task = bar.add_task("grading", total=len(paths))

            def done(_row: g.Row) -> None:
                bar.advance(task)
                bar.refresh()

            rows = g.grade(paths, level_hash=level_hash, seeds=seeds, jobs=jobs, on_done=done,
                           reports=html_file is not None)
    else:
        rows = g.grade(paths, level_hash=level_hash, seeds=seeds, jobs=jobs,
                       reports=html_file is not None)
    if html_file is not None:
        _cohort_page(rows, html_file, references)
    if as_json:
        import json
        click.echo(json.dumps([r.as_dict() for r in rows], indent=2, ensure_ascii=False))
    elif as_csv:
        import csv

        w = csv.DictWriter(sys.stdout, fieldnames=g.CSV_FIELDS, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: ("" if v is None else v) for k, v in r.as_dict().items()})
    else:
        _grade_table(rows)
    sys.exit(g.exit_code(rows))


def _references(path: Path) -> dict[str, tuple[str, bytes]]:
    """`--reference`'s saves by level id (one line if they cannot be read)."""
    from vdc.session.pack import PackError, reference_saves

    if not path.exists():
        _fail(f"{path}: no such file or folder")
    try:
        return reference_saves(path)
    except PackError as e:
        _fail(str(e))


def _cohort_page(rows, out: Path, given: dict[str, tuple[str, bytes]] | None) -> None:
    """Write `vdc grade --html`: the references' reports built once, then the page."""
    from vdc.session import cohort, cohort_html
    from vdc.session.reference import reference_path
    from vdc.session.report import build
    from vdc.session.save import SaveError, load, loads, write_atomic

    refs = {}
    for lid in dict.fromkeys(r.level for r in rows if r.report is not None and r.level):
        try:
            if given is not None:
                if lid in given:
                    name, raw = given[lid]
                    refs[lid] = build(loads(raw, name), name, reference=False)
            elif (p := reference_path(lid)) is not None:
                refs[lid] = build(load(p), str(p), reference=False)
        except SaveError as e:
            _fail(f"the reference solution of {lid} cannot be read: {e}")
    try:
        write_atomic(out, cohort_html.render(cohort.build(rows, refs)))
    except OSError as e:
        _fail(f"{out}: cannot write the cohort page ({e.strerror})")


def _grade_table(rows) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from vdc.session import grade as g
    from vdc.session.report import OUTCOME_MARK, stars_text

    mark = {g.VERIFIED: "✔ yes", g.DIVERGED: "✘ diverged", g.LEVEL_DIFFERS: "✘ level differs",
            g.WRONG_SEED: "✘ wrong seed", g.UNREADABLE: "✘ unreadable"}
    table = Table(title=f"vdc grade — {len(rows)} save{'' if len(rows) == 1 else 's'}", title_justify="left")
    for col, just in (("file", "left"), ("player", "left"), ("seed", "right"),
                      ("verified", "left"), ("outcome", "left"), ("score", "right"),
                      ("stars", "left"), ("worst objective", "left"), ("note", "left")):
        table.add_column(col, justify=just, overflow="fold")  # type: ignore[arg-type]
    for r in rows:
        status = mark[r.status]
        if r.status == g.DIVERGED:  # the table says where; JSON and CSV carry the whole message
            status += " " + r.reason.removeprefix("diverged ").split(":")[0]
        worst = (f"{r.worst_objective} {g.format_value(r.worst_kind, r.worst_value)}"
                 if r.worst_objective else "")
        table.add_row(
            escape(r.file), escape(r.player or ""), "" if r.seed is None else str(r.seed), status,
            OUTCOME_MARK.get(r.outcome or "", ""),
            "" if r.score is None else f"{r.score:.1f}",
            "" if r.stars is None else stars_text(r.stars),
            escape(worst),
            escape(r.reason) if r.status in (g.UNREADABLE, g.LEVEL_DIFFERS, g.WRONG_SEED) else "",
        )
    Console().print(table)


@click.command("report")
@click.argument("save_file", type=click.Path(dir_okay=False, path_type=Path), shell_complete=complete_save)
@click.option("--format", "fmt", type=click.Choice(["md", "json", "html"]), default="md",
              help="Markdown (default), JSON, or one self-contained HTML file.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report to this file (atomically) instead of stdout.")
@click.option("--no-reference", is_flag=True, help="Leave out the comparison with the reference solution.")
@click.option("--reference", "reference_file", type=click.Path(path_type=Path),
              default=None, help="Compare with this reference solution instead of the shipped "
                                 "one: a save, a folder of <level-id>.vdcsave, or an answer-key "
                                 "pack (`vdc pack`).")
def report_cmd(save_file: Path, fmt: str, output: Path | None, no_reference: bool,
               reference_file: Path | None) -> None:
    """Review one save: timeline, downtime, mistakes, reference.

    The save is re-simulated first; a save that does not replay exactly still gets its report
    (headed NOT VERIFIED) and exits 3. Exit 2 for a save that cannot be read.
    """
    from vdc.session import report as rep
    from vdc.session.save import SaveError, load, write_atomic

    if no_reference and reference_file is not None:
        _fail("--reference and --no-reference exclude each other")
    given: Path | tuple[str, bytes] | None = reference_file
    if reference_file is not None and not reference_file.exists():
        _fail(f"{reference_file}: no such file")
    try:
        saved = load(save_file)
        if reference_file is not None and (reference_file.is_dir() or reference_file.suffix == ".vdcpack"):
            lid = saved.level.level.id
            given = _references(reference_file).get(lid)
            if given is None:
                _fail(f"{reference_file}: no reference solution of {lid} in it")
        data = rep.build(saved, str(save_file), reference=not no_reference,
                         reference_file=given)
    except SaveError as e:
        _fail(str(e) if str(e).startswith(str(save_file)) else f"{save_file}: {e}")
    if fmt == "json":
        import json
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    elif fmt == "html":
        from vdc.session.report_html import render

        text = render(data)
    else:
        text = rep.markdown(data)
    if output is None:
        click.echo(text, nl=False)
    else:
        try:
            write_atomic(output, text)
        except OSError as e:
            _fail(f"{output}: cannot write the report ({e.strerror})")
    if not data["verified"]:
        click.echo(f"vdc: {save_file}: {data['divergence']['message']}", err=True)
        sys.exit(3)
