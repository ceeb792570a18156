"""Provides grading of a cohort of saves: verify and score each one, in parallel processes.

A trainer collects every trainee's `.vdcsave` and wants one row per save: did it replay exactly
(so the score is the real run's), the outcome, score and stars of the re-simulation, and the
objective the trainee did worst at. Saves are independent, so they are spread over worker
processes; rows come back sorted by file name, so the output never depends on which worker
finished first.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

VERIFIED = "verified"
DIVERGED = "diverged"
LEVEL_DIFFERS = "level differs"
WRONG_SEED = "wrong seed"
UNREADABLE = "unreadable"

EXIT_OK, EXIT_UNREADABLE, EXIT_DIVERGED = 0, 2, 3


@dataclass(frozen=True)
class Row:
    """The grade of one save. Outcome and score are None when the save was not simulated."""

    file: str
    status: str
    """verified | diverged | level differs | wrong seed | unreadable"""
    reason: str
    level: str | None = None
    player: str | None = None
    """Who played (the save's `player`; None in saves from before vdc recorded it)."""
    seed: int | None = None
    """The master seed the save was played with."""
    outcome: str | None = None
    score: float | None = None
    stars: int | None = None
    worst_objective: str | None = None
    worst_value: float | str | None = None
    worst_kind: str | None = None
    worst_attainment: float | None = None
    report: dict[str, Any] | None = field(default=None, repr=False, compare=False)
    """The save's whole report (`vdc.session.report.build`, no reference), when asked for
    (`vdc grade --html`); never in `as_dict`."""

    @property
    def verified(self) -> bool:
        return self.status == VERIFIED

    def as_dict(self) -> dict[str, Any]:
        return {"verified": self.verified} | {
            f.name: getattr(self, f.name) for f in fields(self) if f.name != "report"}


def expand(args: Iterable[str | Path]) -> list[Path]:
    """The save files named by `args`: files as given, directories by their `*.vdcsave`."""
    out: list[Path] = []
    for a in args:
        p = Path(a)
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*.vdcsave") if q.is_file()))
        else:
            out.append(p)
    seen: dict[str, Path] = {}
    for p in out:
        seen.setdefault(str(p), p)
    return sorted(seen.values(), key=lambda p: (p.name, str(p)))


def worst(objectives: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """The objective with the lowest attainment (the first one in level order on a tie)."""
    if not objectives:
        return None
    return min(objectives, key=lambda o: float(o["attainment"]))


def grade_one(path: str, level_hash: str | None = None,
              seeds: tuple[int, ...] | None = None, with_report: bool = False) -> Row:
    """Verify and score one save; never raises (a bad save is a row saying why). With
    `seeds`, a save played with another seed is not simulated: on a level with random
    incidents a trainee could otherwise re-roll until the incidents are easy. With
    `with_report`, the row carries the save's report, from the same one re-simulation."""
    from vdc.session.runner import result
    from vdc.session.save import SaveError, load
    from vdc.session.verify import verify

    try:
        saved = load(Path(path))
        lid = saved.level.level.id
        who: dict[str, Any] = {"level": lid, "player": saved.player, "seed": saved.seed}
        if level_hash is not None and saved.level_hash != level_hash:
            return Row(path, LEVEL_DIFFERS, "level differs from --level", **who)
        if seeds is not None and saved.seed not in seeds:
            allowed = ", ".join(str(x) for x in seeds)
            return Row(path, WRONG_SEED, f"played with seed {saved.seed}; graded: seed"
                       f"{'s' if len(seeds) > 1 else ''} {allowed} (--any-seed grades it anyway)",
                       **who)
        if with_report:
            return _with_report(path, saved, who)
        session, divergence = verify(saved)
    except SaveError as e:
        reason = str(e)
        return Row(path, UNREADABLE, reason.removeprefix(f"{path}: "))
    except Exception as e:  # noqa: BLE001 - one broken save must not sink the cohort
        return Row(path, UNREADABLE, f"cannot grade ({type(e).__name__}: {e})".splitlines()[0])
    stopped_early = saved.sim_time < saved.level.level.duration
    out = result(session, content_hash=saved.level_hash, stopped_early=stopped_early)
    w = worst(out["objectives"])
    return Row(
        path,
        VERIFIED if divergence is None else DIVERGED,
        "replays exactly" if divergence is None else divergence.message(),
        **who,
        outcome=out["outcome"],
        score=out["score"],
        stars=out["stars"],
        worst_objective=w["id"] if w else None,
        worst_value=w["value"] if w else None,
        worst_kind=w["kind"] if w else None,
        worst_attainment=w["attainment"] if w else None,
    )


def _with_report(path: str, saved: Any, who: dict[str, Any]) -> Row:
    """The row of a readable save, from its report (which verifies it)."""
    from vdc.session.report import build

    r = build(saved, path, reference=False)
    w = worst(r["objectives"])
    return Row(
        path, VERIFIED if r["verified"] else DIVERGED,
        "replays exactly" if r["verified"] else r["divergence"]["message"], **who,
        outcome=r["outcome"], score=r["score"], stars=r["stars"],
        worst_objective=w["id"] if w else None, worst_value=w["value"] if w else None,
        worst_kind=w["kind"] if w else None, worst_attainment=w["attainment"] if w else None,
        report=r,
    )


def _grade_star(args: tuple[str, str | None, tuple[int, ...] | None, bool]) -> Row:
    return grade_one(*args)


def grade(
    paths: Sequence[Path],
    *,
    level_hash: str | None = None,
    seeds: tuple[int, ...] | None = None,
    jobs: int | None = None,
    on_done: Callable[[Row], None] | None = None,
    reports: bool = False,
) -> list[Row]:
    """Grade every save (in `jobs` processes; 1 = in this process), rows sorted by file name.

    `on_done` is called in this process once per finished save, in completion order (for a
    progress bar); the returned list does not depend on that order.
    """
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(paths) or 1))
    work = [(str(p), level_hash, seeds, reports) for p in paths]
    rows: list[Row] = []
    if jobs == 1:
        for w in work:
            rows.append(_grade_star(w))
            if on_done:
                on_done(rows[-1])
    else:
        from concurrent.futures import ProcessPoolExecutor, as_completed

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(_grade_star, w): w[0] for w in work}
            for f in as_completed(futures):
                try:
                    rows.append(f.result())
                except Exception as e:  # noqa: BLE001 - a worker killed (out of memory, a signal)
                    rows.append(Row(futures[f], UNREADABLE, f"cannot grade (the worker died: {type(e).__name__})"))
                if on_done:
                    on_done(rows[-1])
    return sorted(rows, key=lambda r: (Path(r.file).name, r.file))


def exit_code(rows: Sequence[Row]) -> int:
    """2 if any save was unreadable, else 3 if any diverged, was for another level or played
    with a seed not allowed, else 0."""
    if any(r.status == UNREADABLE for r in rows):
        return EXIT_UNREADABLE
    if any(r.status in (DIVERGED, LEVEL_DIFFERS, WRONG_SEED) for r in rows):
        return EXIT_DIVERGED
    return EXIT_OK


UNITS: dict[str, str] = {
    "max_vm_downtime": " s", "max_cpu_ready": " %", "cpu_ready_seconds": " s",
    "mean_cpu_ready": " %", "datastore_below": " %", "max_power_kw": " kW",
    "max_rack_units": " U",
}
"""Objective kind -> the unit after its value (uptime is shown as %, counts have none)."""


def format_value(kind: str | None, v: float | str | None) -> str:
    """An objective's value in the unit a player reads it in (as `vdc run` prints it); the
    words of a `host_state_by` or `config` objective as they are."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if kind == "service_uptime":
        return f"{100 * v:.2f} %"
    return f"{v:.4g}{UNITS.get(kind or '', '')}"


CSV_FIELDS = ["file", "verified", "status", "level", "player", "seed", "outcome", "score", "stars",
              "worst_objective", "worst_value", "worst_attainment", "reason"]
