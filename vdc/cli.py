"""Provides the `vdc` command.

Only click is imported at module level: `vdc --help`, `vdc run` and `vdc check` must start fast
and never load Textual. Rich, pydantic, numpy and the simulation are imported inside the
commands that need them. Bad input of any kind exits 2 with one line on stderr, no traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from vdc import __version__
from vdc.cli_author import new_cmd, schema_cmd
from vdc.cli_common import (
    LEVELS_DIR_OPTION,
    complete_level,
    complete_save,
    fail,
    resolve_level,
    seed_option,
)
from vdc.cli_pack import pack_cmd
from vdc.cli_progress import progress_group
from vdc.cli_review import grade_cmd, report_cmd
from vdc.cli_serve import serve_cmd, served_session_cmd

SANDBOX_SIZES = ("small", "medium", "large", "xlarge", "enterprise")


_fail = fail


def _load(ref: str, *, size: str = "small", seed: int | None = None, storage: str = "vmfs"):
    """A `LoadedLevel` from a path, level id, id prefix (`resolve_level`), or `sandbox`."""
    if ref != "sandbox":
        return resolve_level(ref)
    from vdc.scenario.loader import LevelError, level_from_model
    from vdc.scenario.sandbox import generate

    try:
        return level_from_model(generate(size, 1 if seed is None else seed, storage))
    except LevelError as e:
        _fail(str(e))


def _usage_fail(e: click.UsageError) -> NoReturn:
    """Click's usage error (a malformed option, a missing argument) as one line, exit 2."""
    words: list[str] = []
    c = e.ctx
    while c is not None and c.parent is not None:  # the root is "vdc" however it was started
        words.insert(0, c.info_name or "")
        c = c.parent
    message = " ".join(e.format_message().split()).rstrip(".")
    _fail(f"{message[:1].lower()}{message[1:]} (see: {' '.join(['vdc', *words])} --help)")


class OneLineErrors(click.Group):
    """The `vdc` group: every usage error, of it or of any subcommand (parsed inside its
    `invoke`), is `vdc: error: …` on one line instead of click's usage block."""

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as e:
            _usage_fail(e)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as e:
            _usage_fail(e)


def _player(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """`--player` as it goes into saves and their names (one line if nothing is left of it)."""
    if value is None:
        return None
    from vdc.session.paths import player_name

    name = player_name(value)
    if not name:
        raise click.BadParameter("a player name needs a letter or a digit")
    return name


PLAYER_OPTION = click.option(
    "--player", default=None, callback=_player,
    help="Your name in the saves and their file names (default: the OS user).")

ALL_OPTION = click.option(
    "--all", "unlock_all", is_flag=True, help="Every campaign level unlocked, whatever was won."
)


@click.group(cls=OneLineErrors, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vdc")
@ALL_OPTION
@PLAYER_OPTION
@LEVELS_DIR_OPTION
@click.pass_context
def main(ctx: click.Context, unlock_all: bool, player: str | None) -> None:
    """vdc — a virtualized-datacenter simulator game for the terminal.

    Keep a company's services up while load spikes, hosts crash, datastores fill and
    uplinks die, with the tools an operator has: power, resources, vMotion, HA, DRS,
    snapshots. Levels are TOML files; `vdc run` plays one headless with a timed action
    script.
    """
    ctx.ensure_object(dict).update(unlock_all=unlock_all, player=player)
    if ctx.invoked_subcommand is None:
        _play(None, unlock_all=unlock_all, player=player)


def _unlock_all(own_flag: bool) -> bool:
    """`--all` given to the subcommand or to `vdc` itself."""
    ctx = click.get_current_context(silent=True)
    return own_flag or bool(ctx and ctx.find_root().obj and ctx.find_root().obj.get("unlock_all"))


def has_screen() -> bool:
    """Whether the game can draw: a terminal, or a browser through `vdc serve` (textual-serve
    runs each session on pipes with Textual's web driver)."""
    import os

    web = os.environ.get("TEXTUAL_DRIVER", "").endswith(":WebDriver")
    return web or sys.stdout.isatty()


def _player_of(own: str | None) -> str | None:
    """`--player` given to the subcommand or to `vdc` itself."""
    ctx = click.get_current_context(silent=True)
    root = ctx.find_root().obj if ctx else None
    return own or (root.get("player") if root else None)


def _play(loaded, seed: int | None = None, *, saves_dir: Path | None = None,
          resume: Path | None = None, unlock_all: bool = False,
          player: str | None = None, exam=None) -> None:
    """Start the terminal UI (Textual is imported only here)."""
    if not has_screen():
        _fail("the game needs a terminal; for headless play use `vdc run LEVEL`")
    from vdc.session.paths import SavesDirError
    from vdc.session.paths import saves_dir as find_saves_dir

    try:
        find_saves_dir(saves_dir)  # one line here, not a traceback in the game
    except SavesDirError as e:
        _fail(str(e))
    from vdc.tui.app import VdcApp

    VdcApp(
        level=loaded, seed=seed, saves_dir=saves_dir, resume=resume, unlock_all=unlock_all,
        player=player, exam=exam,
    ).run()


def _progress(*, quiet: bool = False):
    """Campaign progress, with its one-line warning on stderr if the file had to be set aside."""
    from vdc.session import progress

    loaded = progress.load()
    if loaded.warning and not quiet:
        click.echo(f"vdc: warning: {loaded.warning}", err=True)
    return loaded


SAVES_DIR_OPTION = click.option(
    "--saves-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where saves go (default: $VDC_SAVES_DIR or the user data directory).",
)


@main.command("play")
@click.argument("level", required=False, shell_complete=complete_level)
@seed_option()
@click.option(
    "--size", type=click.Choice(SANDBOX_SIZES), default="small", help="Sandbox size (with LEVEL = sandbox)."
)
@click.option(
    "--storage", type=click.Choice(("vmfs", "vsan")), default="vmfs",
    help="Sandbox storage (with LEVEL = sandbox): shared VMFS, or vSAN per cluster.",
)
@SAVES_DIR_OPTION
@ALL_OPTION
@PLAYER_OPTION
@click.option("--exam", "exam_pack", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Play a level of this pack (`vdc pack`) as an exam: no hints, its seed and "
                   "speed limit, its time limit counting down.")
def play_cmd(level: str | None, seed: int | None, size: str, storage: str, saves_dir: Path | None,
             unlock_all: bool, player: str | None, exam_pack: Path | None) -> None:
    """Play LEVEL in the terminal UI, starting at its briefing (a path, id, prefix or `sandbox`).

    A campaign level opens once the one before it was won (or with --all). With --exam PACK,
    LEVEL is a level of the pack (an id or a prefix; default: its first).
    """
    if exam_pack is not None:
        _play_exam(exam_pack, level, seed=seed, saves_dir=saves_dir, player=_player_of(player))
        return
    if level is None:
        _fail("missing argument LEVEL (see: vdc play --help)")
    unlock_all = _unlock_all(unlock_all)
    loaded = _load(level, size=size, seed=seed, storage=storage)
    if not unlock_all and loaded.path is not None:
        _refuse_if_locked(Path(loaded.path))
    _play(loaded, seed=seed, saves_dir=saves_dir, unlock_all=unlock_all,
          player=_player_of(player))


def _play_exam(pack_file: Path, ref: str | None, *, seed: int | None, saves_dir: Path | None,
               player: str | None) -> None:
    """`vdc play --exam PACK [LEVEL]`: the pack's level, its seed, no hints (one line for a bad
    pack, a level not in it, or a seed of the player's own)."""
    from vdc.cli_serve import load_exam

    if seed is not None:
        _fail("an exam plays the pack's seed; --seed does not go with --exam")
    exam, loaded, pack_seed = load_exam(pack_file, ref)
    _play(loaded, seed=pack_seed, saves_dir=saves_dir, player=player, exam=exam)


def _refuse_if_locked(path: Path) -> None:
    """A locked shipped level is refused in one line, before anything needs a terminal."""
    from vdc.session import progress

    ids = progress.campaign_ids()
    if ids.get(path.stem) is None or ids[path.stem].resolve() != path.resolve():
        return  # not a shipped level (a trainer's file): always playable
    before = progress.prerequisites(list(ids), _progress()).get(path.stem)
    if before is not None:
        _fail(f"{path.stem} is locked: win {before} first (or play it with --all)")


@main.command("continue")
@click.argument("save_file", required=False, type=click.Path(dir_okay=False, path_type=Path),
                shell_complete=complete_save)
@SAVES_DIR_OPTION
@PLAYER_OPTION
def continue_cmd(save_file: Path | None, saves_dir: Path | None, player: str | None) -> None:
    """Continue a saved game (default: the most recent one not finished) in the terminal UI."""
    from vdc.session.paths import latest_save
    from vdc.session.paths import saves_dir as find_saves_dir
    from vdc.session.save import SaveError, load

    if save_file is None:
        try:
            directory = find_saves_dir(saves_dir)
        except ValueError as e:  # SavesDirError
            _fail(str(e))
        save_file = latest_save(directory, unfinished=True)
        if save_file is None:
            _fail(f"no saved game to continue in {directory} (every one there is finished)"
                  if latest_save(directory) else f"no saved game in {directory}")
    try:
        load(save_file)  # a bad save is refused here, in one line, before the UI starts
    except SaveError as e:
        _fail(str(e))
    _play(None, saves_dir=saves_dir, resume=save_file, unlock_all=_unlock_all(False),
          player=_player_of(player))


@main.command("levels")
@ALL_OPTION
@LEVELS_DIR_OPTION
@click.option("--json", "as_json", is_flag=True,
              help="One JSON document: each level's objectives, concepts, best and lock state.")
def levels_cmd(unlock_all: bool, as_json: bool) -> None:
    """List the shipped levels (and any added with --levels-dir), with your best result and
    which are unlocked."""
    if as_json:
        import json

        from vdc.session.catalog import catalogue

        doc = catalogue(_progress(), unlock_all=_unlock_all(unlock_all))
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from vdc.scenario.loader import LevelError, load_level
    from vdc.session import progress

    ids = progress.campaign_ids()
    done = _progress()
    locked = progress.prerequisites(list(ids), done, unlock_all=_unlock_all(unlock_all))
    table = Table(title="vdc levels", title_justify="left")
    table.add_column("id", style="bold", no_wrap=True)
    # The concepts go under the title: six columns do not fit 80 characters next to a long id.
    table.add_column("title · teaches", min_width=17)
    table.add_column("duration", justify="right", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("best", no_wrap=True)
    for stem, path in ids.items():
        symbol, word, _ = progress.STATUS_LABELS[progress.status(stem, done, locked)]
        state = f"{symbol} {word}"
        best = progress.best_text(done.of(stem))
        try:
            lvl = load_level(path).level.level
        except LevelError as e:
            table.add_row(stem, Text.assemble(("invalid: ", "red"), str(e)), "", state, best)
            continue
        about = Text(lvl.title)
        if lvl.concepts:
            about.append("\n" + ", ".join(lvl.concepts), style="dim")
        table.add_row(lvl.id, about, _duration(lvl.duration), state, best)
    console = Console()
    console.print(table)
    for stem, before in locked.items():
        console.print(f"🔒 {stem}: win {before} first (or use --all)", highlight=False)


def _duration(seconds: float) -> str:
    m, s = divmod(int(seconds), 60)
    h, m = divmod(m, 60)
    return f"{h}h{m:02d}m" if h else f"{m}m{s:02d}s"


@main.command("check")
@click.argument("levels", nargs=-1, required=True, shell_complete=complete_level)
def check_cmd(levels: tuple[str, ...]) -> None:
    """Validate level files (paths, ids or id prefixes). Exit 2 if any is bad.

    Every problem found is one line, `FILE:LINE: key: reason` (a file that cannot be read or
    parsed has one; a valid TOML file gets each schema error, and then the first problem of
    each cross-check).
    """
    from vdc.scenario.loader import LevelError, LevelErrors, load_level
    from vdc.scenario.paths import find_level

    bad = 0
    for ref in levels:
        try:
            loaded = load_level(find_level(ref), every=True)
        except LevelError as e:
            for one in e.errors if isinstance(e, LevelErrors) else [e]:
                click.echo(f"vdc: error: {one}", err=True)
            bad += 1
            continue
        lv = loaded.level
        click.echo(
            f"ok  {loaded.path}: {lv.level.id} — {len(lv.hosts)} hosts, {len(lv.vms)} VMs, "
            f"{len(lv.services)} services, {len(lv.events)} events, {len(lv.objectives)} objectives"
        )
    if bad:
        sys.exit(2)


@main.command("run")
@click.argument("level", shell_complete=complete_level)
@seed_option()
@click.option(
    "--actions",
    "actions_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Action script: one '<sim-seconds> <command>' per line.",
)
@click.option("--until", type=float, default=None, help="Stop at this sim time (outcome incomplete).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--events", is_flag=True, help="Include the event log.")
@click.option(
    "--size", type=click.Choice(SANDBOX_SIZES), default="small", help="Sandbox size (with LEVEL = sandbox)."
)
@click.option(
    "--storage", type=click.Choice(("vmfs", "vsan")), default="vmfs",
    help="Sandbox storage (with LEVEL = sandbox): shared VMFS, or vSAN per cluster.",
)
@click.option(
    "--save",
    "save_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the run's save (.vdcsave) to this file.",
)
@PLAYER_OPTION
def run_cmd(
    level: str,
    seed: int | None,
    actions_file: Path | None,
    until: float | None,
    as_json: bool,
    events: bool,
    size: str,
    storage: str,
    save_file: Path | None,
    player: str | None,
) -> None:
    """Play LEVEL headless (a path, an id, an id prefix, or `sandbox`)."""
    from vdc.session.actions import ActionScriptError, load_actions

    if until is not None and until < 0:
        _fail(f"--until must be a time in seconds ≥ 0, got {until:g}")
    loaded = _load(level, size=size, seed=seed, storage=storage)
    actions = []
    if actions_file is not None:
        try:
            actions = load_actions(actions_file)
        except ActionScriptError as e:
            _fail(str(e))
    from vdc.session.runner import result, run_level

    duration = loaded.level.level.duration
    stopped_early = until is not None and until < duration
    session = run_level(loaded.level, seed=seed, actions=actions, until=until)
    if save_file is not None:
        from vdc.session.paths import os_player

        session.player = _player_of(player) or os_player()
    out = result(session, content_hash=loaded.content_hash, stopped_early=stopped_early, events=events)
    if save_file is not None:
        from vdc.session.save import save

        try:
            save(session, save_file, result=result(session, content_hash=loaded.content_hash,
                                                   stopped_early=stopped_early))
        except OSError as e:
            _fail(f"{save_file}: cannot write the save ({e.strerror})")
    if as_json:
        import json
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        _print_summary(out)


def _value(kind: str, v: object) -> str:
    """An objective's value in the unit a player reads it in."""
    from vdc.session.grade import format_value

    if not isinstance(v, int | float):
        return str(v)
    return format_value(kind, v)


def _print_summary(out: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    mark = {"won": "✔ won", "lost": "✘ lost", "incomplete": "… incomplete"}[out["outcome"]]
    stars = "★" * out["stars"] + "☆" * (3 - out["stars"])
    # The outcome first: a script or a person reading one line knows how the run went.
    console.print(f"[bold]{mark}[/]  {out['level']}  score {out['score']:.1f}  {stars}  "
                  f"({out['end_reason'] or 'stopped'})")
    console.print(f"seed {out['seed']}  t = {out['sim_time']:g} / {out['duration']} s")
    table = Table(title="Objectives", title_justify="left")
    for col in ("", "objective", "value", "target", "weight"):
        table.add_column(col)
    for o in out["objectives"]:
        table.add_row(
            "✔" if o["met"] else "✘",
            o["description"] + (" (required)" if o["required"] else ""),
            _value(o["kind"], o["value"]),
            _value(o["kind"], o["target"]),
            f"{o['weight']:g}",
        )
    console.print(table)
    m = out["metrics"]
    worst_vm = max(m["vm_downtime_s"].items(), key=lambda kv: kv[1], default=("-", 0.0))
    console.print(
        "services up: "
        + ", ".join(f"{k} {100 * v:.2f} %" for k, v in m["service_uptime"].items())
        + f"\nmost downtime: {worst_vm[0]} {worst_vm[1]:g} s   peak CPU ready: "
        f"{m['max_cpu_ready_pct']:.1f} %   power: {m['power_kw']:.2f} kW (peak {m['peak_power_kw']:.2f})"
    )
    cmds = out["commands"]
    console.print(f"commands: {cmds['accepted']} accepted, {len(cmds['rejected'])} rejected")
    for r in cmds["rejected"]:
        console.print(f"  t={r['t']:g}  {r['text']}  → {r['reason']}")
    console.print(f"digest {out['digest']}")


@main.command("replay")
@click.argument("save_file", type=click.Path(dir_okay=False, path_type=Path), shell_complete=complete_save)
@click.option("--verify", is_flag=True, help="Re-simulate headless and compare every digest (no UI).")
@click.option("--level", "level_ref", default=None, shell_complete=complete_level,
              help="Refuse the save unless its embedded level equals this level (a file, an id "
                   "or an id prefix).")
@click.option("--json", "as_json", is_flag=True, help="Print the run object plus `verified`.")
def replay_cmd(save_file: Path, verify: bool, level_ref: str | None, as_json: bool) -> None:
    """Watch a saved session again, or verify it headless with --verify.

    The viewer is the game screen, read-only: play/pause, up to 64×, the next or previous
    player command, seek, a timeline of commands and incidents. With --verify: exit 0 when
    the save replays exactly, 3 when it diverges (or --level differs), 2 if it is unreadable.
    """
    from vdc.scenario.loader import content_hash
    from vdc.session.save import SaveError, load

    try:
        saved = load(save_file)
    except SaveError as e:
        _fail(str(e))
    if not verify:
        if level_ref is not None or as_json:
            _fail("--level and --json go with --verify (the headless check)")
        if not has_screen():
            _fail("the replay viewer needs a terminal; to check a save headless use "
                  "`vdc replay SAVE --verify`")
        from vdc.tui.app import VdcApp

        VdcApp(replay=save_file).run()
        return
    from vdc.session.runner import result
    from vdc.session.verify import verify as verify_save
    if level_ref is not None:
        expected = resolve_level(level_ref)
        if content_hash(expected.level) != saved.level_hash:
            click.echo(f"vdc: {save_file}: level differs from {level_ref}", err=True)
            sys.exit(3)
    try:
        session, divergence = verify_save(saved)
    except SaveError as e:
        _fail(f"{save_file}: {e}")
    stopped_early = saved.sim_time < saved.level.level.duration
    if as_json:
        out = result(session, content_hash=saved.level_hash, stopped_early=stopped_early)
        out["verified"] = divergence is None
        out["divergence"] = divergence.as_dict() if divergence else None
        import json
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
    elif divergence is None:
        click.echo(f"verified: {save_file} replays exactly ({len(saved.digests)} digests, "
                   f"{len(saved.commands)} commands, t = {saved.sim_time:g} s)")
    if divergence is not None:
        click.echo(f"vdc: {save_file}: {divergence.message()}", err=True)
        sys.exit(3)


# Groups and commands kept in their own modules.
main.add_command(progress_group)
main.add_command(grade_cmd)
main.add_command(report_cmd)
main.add_command(serve_cmd)
main.add_command(new_cmd)
main.add_command(schema_cmd)
main.add_command(pack_cmd)
main.add_command(served_session_cmd)
