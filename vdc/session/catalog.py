"""Provides the campaign's catalogue as plain data: every shipped level with what it teaches,
how it is scored, and where the player stands (`vdc levels --json`, for trainers' scripts).

No Textual and no Rich here; the levels are loaded (and validated) one by one, so a broken
level file is an entry with its one-line error instead of stopping the listing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vdc.session import progress


def level_entries(
    done: progress.Progress, *, unlock_all: bool = False, directory: str | Path | None = None
) -> list[dict[str, Any]]:
    """One entry per shipped level, in campaign order (see docs/cli.md for the fields)."""
    from vdc.scenario.loader import LevelError, load_level
    from vdc.scenario.paths import added_ids
    from vdc.sim.objectives import describe

    ids = progress.campaign_ids(directory)
    locked = progress.prerequisites(list(ids), done, unlock_all=unlock_all)
    added = added_ids() if directory is None else set()
    out: list[dict[str, Any]] = []
    for stem, path in ids.items():
        lp = done.of(stem)
        entry: dict[str, Any] = {
            "id": stem,
            "file": path.name,
            "added": stem in added,
            "title": None,
            "duration": None,
            "concepts": [],
            "stars": None,
            "objectives": [],
            "free_play": progress.is_free_play(stem),
            "unlocked": stem not in locked,
            "locked_by": locked.get(stem),
            "status": progress.status(stem, done, locked),
            "best_score": lp.best_score,
            "best_stars": lp.best_stars if lp.best_score is not None else None,
            "best_outcome": lp.best_outcome,
            "played": lp.played,
            "won": lp.won,
            "error": None,
        }
        try:
            level = load_level(path).level
        except LevelError as e:
            entry["error"] = str(e)
            out.append(entry)
            continue
        meta = level.level
        entry |= {
            "id": meta.id,
            "title": meta.title,
            "duration": meta.duration,
            "concepts": list(meta.concepts),
            "stars": list(meta.stars),
            "objectives": [
                {"id": o.id, "kind": o.kind, "description": describe(o), "weight": float(o.weight),
                 "required": o.required}
                for o in level.objectives
            ],
        }
        out.append(entry)
    return out


def catalogue(done: progress.Progress, *, unlock_all: bool = False) -> dict[str, Any]:
    """The whole document `vdc levels --json` prints."""
    import vdc

    return {
        "program": "vdc",
        "version": vdc.__version__,
        "levels": level_entries(done, unlock_all=unlock_all),
    }


def concept_table(directory: str | Path | None = None) -> str:
    """The concept → level matrix of docs/levels.md: every concept note (`vdc.concepts`) and
    the shipped levels that name it, then any concept a level names that has no note."""
    from vdc.concepts import CONCEPTS
    from vdc.scenario.loader import load_level

    taught: dict[str, list[str]] = {}
    for path in progress.campaign_ids(directory).values():
        meta = load_level(path).level.level
        for c in meta.concepts:
            taught.setdefault(c, []).append(meta.id)
    rows = ["| concept | note (F1) | taught in |", "|---|---|---|"]
    for cid, (title, _) in CONCEPTS.items():
        levels = ", ".join(taught.get(cid, [])) or "—"
        rows.append(f"| `{cid}` | {title} | {levels} |")
    for cid in sorted(set(taught) - set(CONCEPTS)):
        rows.append(f"| `{cid}` | *no note* | {', '.join(taught[cid])} |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(concept_table())
