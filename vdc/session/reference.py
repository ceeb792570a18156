"""Provides the shipped sessions in `saves/`: reference solutions and example runs.

`saves/reference/<level-id>.vdcsave` is the reference solution of a level, rebuilt from its
scripted solution `levels/solutions/<level-id>.txt` (a level's naive play,
`levels/solutions/<level-id>.naive.txt`, is for the balance tests and makes no save here);
`saves/examples/<name>.vdcsave` is an
example session rebuilt from `saves/examples/<name>.txt`, whose first lines name the level
(`# level: 01-first-light`). They are generated, never edited by hand, so a change to the
simulation that alters them shows up as a stale save (tests/test_reference_saves.py) instead
of silently drifting. Rebuild them with

    python -m vdc.session.reference          # write every shipped save
    python -m vdc.session.reference --check  # exit 1 and list the stale ones
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import vdc

REGENERATE = "python -m vdc.session.reference"
"""The command that rebuilds the shipped saves (quoted in staleness messages)."""

NAIVE_SUFFIX = ".naive.txt"
"""`levels/solutions/<level-id>.naive.txt`: the obvious but wrong play (no save is made)."""

_LEVEL_LINE = re.compile(r"^#\s*level:\s*(\S+)\s*$", re.MULTILINE)


def saves_root() -> Path:
    """The shipped sessions: `vdc/_saves` in an installed wheel, else the repository's `saves/`."""
    package = Path(vdc.__file__).resolve().parent
    installed = package / "_saves"
    if installed.is_dir():
        return installed
    return package.parent / "saves"


def reference_path(level_id: str, root: Path | None = None) -> Path | None:
    """The reference solution of `level_id`, or None when the level has none."""
    if not re.fullmatch(r"[A-Za-z0-9_-]+", level_id or ""):
        return None  # a level id from a save is data: never let it leave the directory
    path = (root or saves_root()) / "reference" / f"{level_id}.vdcsave"
    return path if path.is_file() else None


@dataclass(frozen=True)
class Source:
    """One shipped save and the script it is generated from."""

    level_id: str
    script: Path
    target: Path


def sources(root: Path | None = None, solutions: Path | None = None) -> list[Source]:
    """Every shipped save that can be generated, by target name (deterministic order)."""
    from vdc.scenario.paths import levels_dir

    root = root or saves_root()
    solutions = solutions or levels_dir() / "solutions"
    out = [
        Source(p.stem, p, root / "reference" / f"{p.stem}.vdcsave")
        for p in sorted(solutions.glob("*.txt"))
        if not p.name.endswith(NAIVE_SUFFIX)
    ]
    for p in sorted((root / "examples").glob("*.txt")):
        m = _LEVEL_LINE.search(p.read_text(encoding="utf-8"))
        if m is None:
            raise ValueError(f"{p}: an example script needs a '# level: LEVEL-ID' line")
        out.append(Source(m.group(1), p, root / "examples" / f"{p.stem}.vdcsave"))
    return out


def build(source: Source) -> dict[str, Any]:
    """Play the script headless on the shipped level and return the save as JSON data."""
    from vdc.scenario.loader import load_level
    from vdc.scenario.paths import find_level
    from vdc.session.actions import load_actions
    from vdc.session.runner import result, run_level
    from vdc.session.save import to_data

    loaded = load_level(find_level(source.level_id))
    session = run_level(loaded.level, actions=load_actions(source.script))
    return to_data(session, result=result(session, content_hash=loaded.content_hash))


def text(data: dict[str, Any]) -> str:
    """A save's file text, exactly as `vdc.session.save.save` writes it."""
    return json.dumps(data, indent=1, ensure_ascii=False)


def comparable(data: dict[str, Any]) -> dict[str, Any]:
    """Save data without what may change without changing the run (the program version)."""
    return {k: v for k, v in data.items() if k != "program_version"}


def stale(source: Source) -> str | None:
    """Why the shipped save of `source` is out of date with its script, or None if it is not."""
    if not source.target.is_file():
        return f"{source.target.name} is missing"
    try:
        shipped = json.loads(source.target.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        return f"{source.target.name} cannot be read ({e})"
    fresh = build(source)
    if comparable(shipped) == comparable(fresh):
        return None
    diff = [k for k in fresh if k != "program_version" and shipped.get(k) != fresh[k]]
    return f"{source.target.name} differs from a fresh run of {source.script.name} in {', '.join(diff)}"


def regenerate(root: Path | None = None, solutions: Path | None = None) -> list[Path]:
    """Rewrite every shipped save whose content changed; return the rewritten paths."""
    from vdc.session.save import write_atomic

    written = []
    for source in sources(root, solutions):
        if stale(source) is None:
            continue
        source.target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(source.target, text(build(source)))
        written.append(source.target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=REGENERATE, description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale saves (exit 1)")
    parser.add_argument("--root", type=Path, default=None, help="the saves directory")
    args = parser.parse_args(argv)
    if args.check:
        reasons = [r for r in (stale(s) for s in sources(args.root)) if r]
        for r in reasons:
            print(f"stale: {r}; run {REGENERATE}", file=sys.stderr)
        return 1 if reasons else 0
    for path in regenerate(args.root):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
