"""Provides `vdc serve`: the game in a browser, one game process per browser tab.

textual-serve (the optional `web` extra) runs a small web server; each browser session that
connects gets its own `vdc served-session` process, which asks the player's name and keeps their
saves (and progress) in their own folder under the server's saves directory. Only click is
imported at module level (`vdc --help` stays fast); textual-serve loads inside the command.
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

import click

from vdc.cli_common import fail

LOCALHOST = "127.0.0.1"
"""Where `vdc serve` listens unless told otherwise: this machine only."""


_fail = fail


def session_command(saves_dir: Path, *, unlock_all: bool = False,
                    exam: tuple[Path, str] | None = None) -> str:
    """The shell command textual-serve starts for each browser session."""
    words = [sys.executable, "-m", "vdc", "served-session", "--saves-dir", str(saves_dir)]
    if unlock_all:
        words.append("--all")
    if exam is not None:
        words += ["--exam", str(exam[0]), "--exam-level", exam[1]]
    return " ".join(shlex.quote(w) for w in words)


def load_exam(pack_file: Path, ref: str | None):
    """The pack's exam settings, the level `ref` names (default its first) and its seed; one
    line and exit 2 for a bad pack or a level not in it."""
    from vdc.scenario.loader import LevelError, load_level_text
    from vdc.session.pack import PackError, read

    try:
        pack = read(pack_file)
        lid = pack.level(ref)
        loaded = load_level_text(pack.levels[lid], f"{pack_file}:levels/{lid}.toml")
    except (PackError, LevelError) as e:
        _fail(str(e))
    return pack.exam, loaded, pack.seeds[lid]


@click.command("serve")
@click.option("--host", default=LOCALHOST, show_default=True,
              help="Address to listen on (another than 127.0.0.1 lets other machines play).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help="TCP port to listen on.")
@click.option("--public-url", default=None,
              help="The URL browsers reach the server at, when it differs from http://HOST:PORT "
                   "(a proxy, a name).")
@click.option("--levels-dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              default=None, help="Add this folder's levels to the shipped ones in the "
                                 "campaign list (their own unlock chain).")
@click.option("--saves-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where every player's folder of saves goes (default: $VDC_SAVES_DIR or the "
                   "user data directory).")
@click.option("--all", "unlock_all", is_flag=True, help="Every level unlocked for every player.")
@click.option("--exam", "exam_pack", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Every player sits this pack's exam (`vdc pack`): its level's briefing "
                   "first, no hints, its seed, speed and time limits.")
@click.option("--exam-level", default=None, help="The pack's level to serve (default: its first).")
def serve_cmd(host: str, port: int, public_url: str | None, levels_dir: Path | None,
              saves_dir: Path | None, unlock_all: bool, exam_pack: Path | None,
              exam_level: str | None) -> None:
    """Serve the game to web browsers (needs the web extra: pip install "vdc-game[web]").

    Each browser tab is its own game: the player gives a name, and their saves go to
    SAVES_DIR/NAME/. F8 downloads the save; F2 saves and F9 opens the command palette
    (the browser keeps Ctrl+S and Ctrl+P). Ctrl+C stops the server.
    """
    try:
        from textual_serve.server import Server
    except ImportError:
        _fail('vdc serve needs the web extra: pip install "vdc-game[web]" (or pip install textual-serve)')
    from vdc.session.paths import SavesDirError
    from vdc.session.paths import saves_dir as find_saves_dir

    try:
        root = find_saves_dir(saves_dir).resolve()
    except SavesDirError as e:
        _fail(str(e))
    if levels_dir is not None:  # the sessions inherit the server's environment
        from vdc.scenario.paths import list_levels

        if not list_levels(levels_dir):
            _fail(f"no level files (*.toml) in {levels_dir}")
        before = [x for x in os.environ.get("VDC_LEVELS_DIR", "").split(os.pathsep) if x]
        os.environ["VDC_LEVELS_DIR"] = os.pathsep.join(dict.fromkeys([*before, str(levels_dir.resolve())]))
    exam = None
    if exam_pack is not None:
        _, loaded, _ = load_exam(exam_pack, exam_level)  # refused here, not in each tab
        exam = (exam_pack.resolve(), loaded.level.level.id)
    elif exam_level is not None:
        _fail("--exam-level goes with --exam")
    server = Server(session_command(root, unlock_all=unlock_all, exam=exam), host=host, port=port,
                    title="vdc", public_url=public_url)
    click.echo(f"vdc: serving on {server.public_url} — saves in {root}", err=True)
    try:
        server.serve()
    except OSError as e:  # the port is taken, the address is not this machine's
        _fail(f"cannot serve on {host}:{port} ({e.strerror or e})")


@click.command("served-session", hidden=True)
@click.option("--saves-dir", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--all", "unlock_all", is_flag=True)
@click.option("--exam", "exam_pack", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--exam-level", default=None)
def served_session_cmd(saves_dir: Path, unlock_all: bool, exam_pack: Path | None,
                       exam_level: str | None) -> None:
    """One browser session of `vdc serve` (started by the server, not by hand)."""
    from vdc.tui.app import ServedApp

    if exam_pack is None:
        ServedApp(saves_dir=saves_dir, unlock_all=unlock_all).run()
        return
    exam, loaded, seed = load_exam(exam_pack, exam_level)
    ServedApp(saves_dir=saves_dir, unlock_all=unlock_all, level=loaded, seed=seed, exam=exam).run()
