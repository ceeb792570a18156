"""Provides level packs (`.vdcpack`): a trainer's exam for trainees, and its answer key.

A pack is one zip file a trainer hands out (or serves):

    pack.json                 {"format": "vdc-pack", "version": 1, "title", "exam": {...},
                               "levels": [{"id", "file", "seed", "hash"}], "answer_key": bool}
    levels/<level-id>.toml    the levels, as written by their author
    reference/<level-id>.vdcsave   the reference solutions — only in the answer key

`vdc pack LEVEL... -o exam.vdcpack` writes the trainees' pack; with `--reference-solutions DIR`
it also writes the answer key beside it (`exam.key.vdcpack`: the same plus `reference/`), which
stays with the trainer: what trainees install never holds the answers. `exam` says how the
levels are played with `vdc play --exam`: no hints, the seed fixed (the level's, or the pack's
`seed`), the highest speed, and an optional wall-clock time limit that only the terminal UI
counts (the simulation has no wall clock).
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FORMAT, VERSION = "vdc-pack", 1
MANIFEST = "pack.json"
KEY_SUFFIX = ".key.vdcpack"
MAX_PACK_BYTES = 64 * 1024 * 1024
"""A pack larger than this is refused (it holds text levels and saves, not media)."""


class PackError(ValueError):
    """A pack that cannot be written or read; the message is one line for the player."""


@dataclass(frozen=True)
class Exam:
    """How a pack's levels are played in exam mode."""

    time_limit_s: float | None = None
    """Wall-clock seconds per attempt (None: no limit); counted by the terminal UI only."""
    max_speed: int = 16
    """The fastest speed step offered (sim-seconds per wall-second)."""
    seed: int | None = None
    """Every level's seed (None: each level's own)."""

    def as_dict(self) -> dict[str, Any]:
        return {"time_limit_s": self.time_limit_s, "max_speed": self.max_speed, "seed": self.seed}


@dataclass
class Pack:
    """A read pack: its levels' texts, the exam settings and (in a key) the references."""

    path: Path
    title: str
    exam: Exam
    levels: dict[str, str] = field(default_factory=dict)
    """level id -> TOML text, in pack order."""
    seeds: dict[str, int] = field(default_factory=dict)
    references: dict[str, bytes] = field(default_factory=dict)
    """level id -> reference save bytes (empty unless this is the answer key)."""

    def level(self, ref: str | None) -> str:
        """The id of the level `ref` names (an id or a unique prefix; None: the first)."""
        ids = list(self.levels)
        if ref is None:
            return ids[0]
        if ref in self.levels:
            return ref
        hits = [i for i in ids if i.startswith(ref)]
        if len(hits) == 1:
            return hits[0]
        raise PackError(f"{self.path}: {'ambiguous' if hits else 'no'} level '{ref}' in the pack "
                        f"(levels: {', '.join(ids)})")


def key_path(out: Path) -> Path:
    """Where the answer key of the pack `out` goes: `exam.vdcpack` → `exam.key.vdcpack`."""
    name = out.name.removesuffix(".vdcpack")
    return out.with_name(name + KEY_SUFFIX)


def write(out: Path, levels: list[tuple[str, str, int, str]], *, title: str, exam: Exam,
          references: dict[str, bytes] | None = None) -> None:
    """Write a pack: `levels` as (id, TOML text, seed, content hash); with `references` it is
    the answer key. Written to a temporary file and renamed (never half a pack)."""
    manifest = {"format": FORMAT, "version": VERSION, "title": title, "exam": exam.as_dict(),
                "answer_key": references is not None,
                "levels": [{"id": lid, "file": f"levels/{lid}.toml", "seed": seed, "hash": h}
                           for lid, _, seed, h in levels]}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        _put(z, MANIFEST, json.dumps(manifest, indent=1) + "\n")
        for lid, text, _, _ in levels:
            _put(z, f"levels/{lid}.toml", text)
        for lid, raw in (references or {}).items():
            _put(z, f"reference/{lid}.vdcsave", raw)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_bytes(buf.getvalue())
    tmp.replace(out)


def _put(z: zipfile.ZipFile, name: str, data: str | bytes) -> None:
    """One entry with a fixed date and mode: the same levels make the same pack, byte for byte
    (a trainer can check a pack by its hash)."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    z.writestr(info, data)


def read(path: Path) -> Pack:
    """Read a pack (one line of `PackError` for anything wrong with it)."""
    try:
        if path.stat().st_size > MAX_PACK_BYTES:
            raise PackError(f"{path}: too large for a pack")
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if MANIFEST not in names:
                raise PackError(f"{path}: not a vdc pack (no {MANIFEST})")
            m = json.loads(z.read(MANIFEST))
            if not isinstance(m, dict) or m.get("format") != FORMAT:
                raise PackError(f"{path}: not a vdc pack")
            if m.get("version") != VERSION:
                raise PackError(f"{path}: pack version {m.get('version')!r}; this vdc reads {VERSION}")
            e = m.get("exam") or {}
            exam = Exam(time_limit_s=_num(e.get("time_limit_s")), max_speed=int(e.get("max_speed", 16)),
                        seed=None if e.get("seed") is None else int(e["seed"]))
            pack = Pack(path, str(m.get("title", path.stem)), exam)
            for entry in m.get("levels", []):
                lid = str(entry["id"])
                pack.levels[lid] = z.read(f"levels/{lid}.toml").decode("utf-8")
                pack.seeds[lid] = int(entry["seed"])
                ref = f"reference/{lid}.vdcsave"
                if ref in names:
                    pack.references[lid] = z.read(ref)
    except PackError:
        raise
    except FileNotFoundError:
        raise PackError(f"{path}: no such file") from None
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, TypeError, UnicodeDecodeError) as ex:
        raise PackError(f"{path}: not a readable vdc pack ({type(ex).__name__}: {ex})".splitlines()[0]) from None
    if not pack.levels:
        raise PackError(f"{path}: the pack holds no level")
    return pack


def _num(v: object) -> float | None:
    return None if v is None else float(v)  # type: ignore[arg-type]


def reference_saves(path: Path) -> dict[str, tuple[str, bytes]]:
    """Reference solutions by level id from `path`: one `.vdcsave`, a folder of
    `<level-id>.vdcsave`, or an answer-key pack; as (name to show, save bytes)."""
    from vdc.session.save import SaveError, loads

    if path.suffix == ".vdcpack":
        pack = read(path)
        if not pack.references:
            raise PackError(f"{path}: this pack holds no reference solutions (the answer key is "
                            f"{key_path(path).name})")
        return {lid: (f"{path}:reference/{lid}.vdcsave", raw) for lid, raw in pack.references.items()}
    files = sorted(path.glob("*.vdcsave")) if path.is_dir() else [path]
    if not files:
        raise PackError(f"{path}: no .vdcsave files")
    out: dict[str, tuple[str, bytes]] = {}
    for f in files:
        try:
            raw = f.read_bytes()
            lid = loads(raw, str(f)).level.level.id
        except OSError as ex:
            raise PackError(f"{f}: cannot read ({ex.strerror})") from None
        except SaveError as ex:
            raise PackError(str(ex) if str(ex).startswith(str(f)) else f"{f}: {ex}") from None
        out.setdefault(lid, (str(f), raw))
    return out
