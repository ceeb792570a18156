"""Provides where the shipped levels live and how a level reference resolves to a file.

A reference is a path to an existing file, a level id (the file stem, `01-first-light`), or a
unique prefix of one (`01`, `01-first`); the part after the number also works (`first-light`).
"""

from __future__ import annotations

import os
from pathlib import Path

import vdc
from vdc.scenario.loader import LevelError


def levels_dir() -> Path:
    """The shipped levels: `vdc/_levels` in an installed wheel, else the repository's
    `levels/`."""
    package = Path(vdc.__file__).resolve().parent
    installed = package / "_levels"
    if installed.is_dir():
        return installed
    return package.parent / "levels"


def added_dirs() -> list[Path]:
    """Trainers' folders of levels added to the shipped ones: `VDC_LEVELS_DIR` (several
    separated by the path separator, `:` or `;`), which `--levels-dir` sets."""
    raw = os.environ.get("VDC_LEVELS_DIR", "")
    return [Path(d) for d in raw.split(os.pathsep) if d.strip()]


def _toml_files(d: Path) -> list[Path]:
    if not d.is_dir():
        return []
    return sorted((p for p in d.glob("*.toml") if p.is_file()), key=lambda p: p.name)


def list_levels(directory: str | Path | None = None) -> list[Path]:
    """The level files (`*.toml`) of `directory`, by file name; by default the shipped levels
    and then each added folder's (`added_dirs`). A level id is a file stem: an added file with
    the id of one listed before it is left out (the shipped one stays what its id names)."""
    if directory is not None:
        return _toml_files(Path(directory))
    out: dict[str, Path] = {}
    for d in [levels_dir(), *added_dirs()]:
        for p in _toml_files(d):
            out.setdefault(p.stem, p)
    return list(out.values())


def added_ids() -> set[str]:
    """The ids of the listed levels that come from an added folder (their own unlock chain)."""
    shipped = {p.stem for p in _toml_files(levels_dir())}
    return {p.stem for p in list_levels() if p.stem not in shipped}


def find_level(ref: str, directory: str | Path | None = None) -> Path:
    """The level file `ref` names: a path, an id, or a unique id prefix (see the module doc)."""
    ref = str(ref)
    try:
        p = Path(ref)
        if p.is_file():
            return p
    except (OSError, ValueError):  # a NUL byte or an over-long name is no path
        pass
    if ref.endswith(".toml") or "/" in ref or "\\" in ref:
        raise LevelError("no such file", file=ref)
    levels = list_levels(directory)
    ids = [p.stem for p in levels]
    by_id = dict(zip(ids, levels, strict=True))
    if ref in by_id:
        return by_id[ref]
    matches = [i for i in ids if ref and i.startswith(ref)]
    if not matches:
        # "first-light" for "01-first-light": the name without its number.
        matches = [i for i in ids if ref and i.partition("-")[2].startswith(ref)]
    if len(matches) == 1:
        return by_id[matches[0]]
    shown = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in ref)
    if matches:
        raise LevelError(f"'{shown}' is ambiguous: {', '.join(matches)}")
    if ids:
        where = f"levels: {', '.join(ids)}"
    else:
        where = f"no levels found in {Path(directory) if directory is not None else levels_dir()}"
    raise LevelError(f"no level matches '{shown}' ({where})")
