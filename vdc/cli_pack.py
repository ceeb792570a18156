"""Provides `vdc pack`: a trainer's levels in one file for trainees, and the answer key apart.

Only click is imported at module level (`vdc --help` must stay fast). The format is described
in `vdc.session.pack` and docs/cli.md.
"""

from __future__ import annotations

import re
from pathlib import Path

import click

from vdc.cli_common import complete_level, fail, resolve_level, seed_option

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|min|h)?\s*$")


def parse_limit(text: str | None) -> float | None:
    """`--time-limit 45m` → 2700 s (`90`, `90s`, `45m`, `1.5h`); one line if it is not a time."""
    if text is None:
        return None
    m = _DURATION.match(text)
    if not m or float(m.group(1)) <= 0:
        fail(f"--time-limit takes a wall-clock time like 45m, 90s or 1h, not {text!r}")
    return float(m.group(1)) * {"s": 1, None: 1, "m": 60, "min": 60, "h": 3600}[m.group(2)]


def _reference(solutions: Path, lid: str, level, seed: int, content_hash: str) -> bytes:
    """The reference save of `lid` from `solutions`: `<id>.vdcsave` as it is (it must be of
    this level and seed), else `<id>.txt` played headless with the exam's seed."""
    from vdc.session.actions import ActionScriptError, load_actions
    from vdc.session.reference import text
    from vdc.session.runner import result, run_level
    from vdc.session.save import SaveError, loads, to_data

    saved = solutions / f"{lid}.vdcsave"
    script = solutions / f"{lid}.txt"
    if saved.is_file():
        raw = saved.read_bytes()
        try:
            s = loads(raw, str(saved))
        except SaveError as e:
            fail(str(e) if str(e).startswith(str(saved)) else f"{saved}: {e}")
        if s.level_hash != content_hash:
            fail(f"{saved}: the reference is a save of another version of {lid} (content differs)")
        if s.seed != seed:
            fail(f"{saved}: the reference was played with seed {s.seed}; the exam plays seed {seed}")
        return raw
    if not script.is_file():
        fail(f"{solutions}: no reference solution for {lid} ({lid}.txt or {lid}.vdcsave)")
    try:
        actions = load_actions(script)
    except ActionScriptError as e:
        fail(str(e))
    session = run_level(level, seed=seed, actions=actions)
    session.player = "reference"
    return text(to_data(session, result=result(session, content_hash=content_hash))).encode()


@click.command("pack")
@click.argument("levels", nargs=-1, required=True, shell_complete=complete_level)
@click.option("--output", "-o", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The trainees' pack to write (a .vdcpack file): levels and exam settings.")
@click.option("--reference-solutions", "solutions", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="A folder with each level's reference solution (<level-id>.txt "
                                 "action script or <level-id>.vdcsave): also write the answer key.")
@click.option("--key", "key_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where the answer key goes (default: beside the pack, NAME.key.vdcpack).")
@click.option("--title", default=None, help="The pack's title (default: the file name).")
@click.option("--time-limit", "limit_text", default=None, metavar="TIME",
              help="Wall-clock time per attempt in exam mode (45m, 90s, 1h; default: none).")
@click.option("--max-speed", type=click.Choice(["1", "2", "4", "8", "16", "32", "64"]), default="16",
              help="The fastest speed in exam mode (default 16×).")
@seed_option("Play every level with this seed (default: each level's own).")
def pack_cmd(levels: tuple[str, ...], out: Path, solutions: Path | None, key_file: Path | None,
             title: str | None, limit_text: str | None, max_speed: str, seed: int | None) -> None:
    """Pack LEVELS (files, ids or id prefixes) into one file to hand out to trainees.

    With --reference-solutions, the answer key (the same pack plus each level's reference
    save) is written apart, for `vdc grade --html --reference KEY` and `vdc report
    --reference KEY`: trainees get the pack, never the key. `vdc play --exam PACK` plays it.
    """
    from vdc.session.pack import Exam, PackError, key_path, write

    if out.suffix != ".vdcpack":
        fail(f"{out}: a pack's file name ends in .vdcpack")
    if key_file is not None and solutions is None:
        fail("--key goes with --reference-solutions (the answer key holds them)")
    if solutions is not None and not solutions.is_dir():
        fail(f"{solutions}: no such folder")
    key = key_file or key_path(out) if solutions is not None else None
    if key is not None and key.resolve() == out.resolve():
        fail(f"{key}: the answer key cannot be the trainees' pack")
    exam = Exam(time_limit_s=parse_limit(limit_text), max_speed=int(max_speed), seed=seed)
    entries: list[tuple[str, str, int, str]] = []
    refs: dict[str, bytes] = {}
    for ref in levels:
        if ref == "sandbox":
            fail("a pack holds level files; save a sandbox as a level first")
        loaded = resolve_level(ref)
        lid = loaded.level.level.id
        if any(lid == e[0] for e in entries):
            fail(f"{ref}: level {lid} is in the pack twice")
        if loaded.path is None or loaded.source_text is None:
            fail(f"{ref}: not a level file")
        lseed = loaded.level.level.seed if seed is None else seed
        entries.append((lid, loaded.source_text, lseed, loaded.content_hash))
        if solutions is not None:
            refs[lid] = _reference(solutions, lid, loaded.level, lseed, loaded.content_hash)
    try:
        write(out, entries, title=title or out.stem, exam=exam)
        if key is not None:
            write(key, entries, title=title or out.stem, exam=exam, references=refs)
    except (OSError, PackError) as e:
        fail(f"{out}: cannot write the pack ({getattr(e, 'strerror', None) or e})")
    ids = ", ".join(e[0] for e in entries)
    click.echo(f"wrote {out} ({ids}; no answers in it)")
    if key is not None:
        click.echo(f"wrote {key} (the answer key: keep it for grading, do not hand it out)")
