"""Provides what every `vdc` command shares: the one-line error, the one level resolver for
`LEVEL` arguments and `--level` options, and the seed option.

Only click is imported at module level (`vdc --help` must stay fast); the loader loads inside.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click
from click.shell_completion import CompletionItem

if TYPE_CHECKING:
    from vdc.scenario.loader import LoadedLevel

F = TypeVar("F", bound=Callable[..., Any])

MAX_SEED = 2**64 - 1
"""A seed is a 64-bit unsigned integer (as saves carry it)."""


def fail(message: str) -> NoReturn:
    """Print a one-line error and exit 2 (bad input)."""
    click.echo(f"vdc: error: {message}", err=True)
    sys.exit(2)


def resolve_level(ref: str) -> LoadedLevel:
    """The level `ref` names — a path, a level id or a unique id prefix — loaded; one line
    and exit 2 if there is none or it is invalid. Every `--level` goes through here."""
    from vdc.scenario.loader import LevelError, load_level
    from vdc.scenario.paths import find_level

    try:
        return load_level(find_level(ref))
    except LevelError as e:
        fail(str(e))


class SeedType(click.IntRange):
    """A master seed: a whole number from 0 to 2^64 − 1 (anything else is a one-line error:
    `'1e3' is not a valid seed`, `-5 is not in the range 0 to 2^64 - 1`)."""

    name = "seed"

    def __init__(self) -> None:
        super().__init__(0, MAX_SEED)

    def _describe_range(self) -> str:
        return "0 to 2^64 - 1"


SEED_TYPE = SeedType()


def add_levels_dir(_ctx: click.Context | None, _param: click.Parameter | None,
                   value: object) -> None:
    """`--levels-dir DIR`: add DIR's levels to the shipped ones for this run (and the games it
    starts), through `VDC_LEVELS_DIR`; one line if DIR holds no level."""
    import os
    from pathlib import Path

    if value is None:
        return
    d = Path(str(value))
    if not d.is_dir():
        fail(f"--levels-dir {d}: no such folder")
    if not any(p.is_file() for p in d.glob("*.toml")):
        fail(f"--levels-dir {d}: no level files (*.toml) in it")
    before = [x for x in os.environ.get("VDC_LEVELS_DIR", "").split(os.pathsep) if x]
    os.environ["VDC_LEVELS_DIR"] = os.pathsep.join(dict.fromkeys([*before, str(d.resolve())]))


LEVELS_DIR_OPTION = click.option(
    "--levels-dir", type=click.Path(file_okay=False), default=None, expose_value=False,
    is_eager=True, callback=add_levels_dir,
    help="Add this folder's levels to the shipped ones (also: $VDC_LEVELS_DIR).")


def seed_option(help_text: str = "Master seed (default: the level's).") -> Callable[[F], F]:
    """`--seed N`, the same range everywhere."""
    return click.option("--seed", type=SEED_TYPE, default=None, help=help_text)


# --------------------------------------------------------------------------- shell completion
# `eval "$(_VDC_COMPLETE=bash_source vdc)"` (docs/cli.md). Completers never fail: a broken
# level folder completes nothing rather than printing a traceback into the shell.


def complete_level(_ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Level ids (shipped and added) and `sandbox` starting with what was typed; a path
    (with a `/` or ending in `.toml`) completes as a file."""
    if "/" in incomplete or incomplete.startswith(".") or incomplete.endswith(".toml"):
        return [CompletionItem(incomplete, type="file")]
    try:
        from vdc.scenario.paths import list_levels

        ids = [p.stem for p in list_levels()]
    except Exception:  # noqa: BLE001 - completion must never break the shell
        ids = []
    words = [*ids, "sandbox"] if _param.name == "level" else ids
    hits = [i for i in words if i.startswith(incomplete)]
    if not hits:  # "first" for "01-first-light", as the resolver allows
        hits = [i for i in ids if i.partition("-")[2].startswith(incomplete)]
    return [CompletionItem(i) for i in hits] or [CompletionItem(incomplete, type="file")]


def complete_save(_ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Saves in the saves directory (newest first) whose path starts with what was typed;
    anything else completes as a file or folder."""
    if "/" not in incomplete or incomplete.startswith("~"):
        try:
            import os
            from pathlib import Path

            from platformdirs import user_data_dir

            d = Path(os.environ.get("VDC_SAVES_DIR") or Path(user_data_dir("vdc", appauthor=False)) / "saves")
            found = sorted(d.glob("**/*.vdcsave"), key=lambda p: p.stat().st_mtime, reverse=True)
        except Exception:  # noqa: BLE001 - completion must never break the shell
            found = []
        hits = [str(p) for p in found if p.name.startswith(incomplete)]
        if hits:
            return [CompletionItem(h) for h in hits[:50]]
    return [CompletionItem(incomplete, type="file")]
