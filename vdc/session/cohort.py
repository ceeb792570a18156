"""Provides the cohort review behind `vdc grade --html`: what a trainer reads about a class.

From the graded rows (each with its save's report, `grade(..., reports=True)`): the score and
star distribution, each objective's pass rate, the mistakes many players made, how long the
players took to recover from each incident, and groups of saves with identical command logs
(a copied answer; one equal to the reference solution's log says so). Statistics count the
saves that replay exactly; the others are listed with their reason but not counted. Plain
data, rendered by `vdc.session.cohort_html`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from statistics import median
from typing import Any

from vdc.session.grade import DIVERGED, VERIFIED, Row

BINS = 10
"""Score distribution bins: 0–10, 10–20, …, 90–100 (100 falls in the last)."""


def anchor(i: int) -> str:
    """The HTML id of the i-th save's section (1-based, in the rows' order)."""
    return f"save-{i}"


def distribution(scores: Sequence[float]) -> list[dict[str, Any]]:
    """Counts of scores per bin of width 100 / BINS."""
    width = 100 / BINS
    counts = [0] * BINS
    for s in scores:
        counts[min(BINS - 1, max(0, int(s // width)))] += 1
    return [{"from": round(i * width, 3), "to": round((i + 1) * width, 3), "count": c}
            for i, c in enumerate(counts)]


def pass_rates(reports: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per (level, objective): how many verified saves met it, in level then objective order."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for r in reports:
        for o in r["objectives"]:
            key = (r["level"]["id"], o["id"])
            row = out.setdefault(key, {"level": key[0], "id": o["id"], "description": o["description"],
                                       "required": o["required"], "met": 0, "of": 0})
            row["of"] += 1
            row["met"] += 1 if o["met"] else 0
    for row in out.values():
        row["rate"] = round(row["met"] / row["of"], 4)
    return list(out.values())


def common_mistakes(reports: Sequence[dict[str, Any]], files: Sequence[str]) -> list[dict[str, Any]]:
    """Mistakes by (kind, subject) over the saves: in how many saves, which, and the median
    duration; the most shared first."""
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for r, f in zip(reports, files, strict=True):
        seen: set[tuple[str, str]] = set()
        for m in r["mistakes"]:
            key = (m["kind"], m["subject"])
            g = groups.setdefault(key, {"kind": key[0], "subject": key[1], "files": [], "durations": []})
            if key not in seen:
                g["files"].append(f)
                seen.add(key)
            g["durations"].append(m["duration_s"])
    out = []
    for g in groups.values():
        durations = [d for d in g.pop("durations") if d > 0]
        out.append(g | {"saves": len(g["files"]), "share": round(len(g["files"]) / len(reports), 4),
                        "median_s": round(median(durations), 3) if durations else None})
    return sorted(out, key=lambda g: (-g["saves"], g["kind"], g["subject"]))


def recovery(reports: Sequence[dict[str, Any]], files: Sequence[str]) -> list[dict[str, Any]]:
    """Per incident (level, time, kind, subject): each save's time to recover, the median,
    fastest and slowest, and how many saves never recovered, in time order."""
    groups: dict[tuple[str, float, str, str], dict[str, Any]] = {}
    for r, f in zip(reports, files, strict=True):
        for inc in r.get("incidents", []):
            key = (r["level"]["id"], inc["t"], inc["kind"], inc["subject"])
            g = groups.setdefault(key, {"level": key[0], "t": key[1], "kind": key[2], "subject": key[3],
                                        "origin": inc["origin"], "times": {}})
            g["times"][f] = inc["recovery_s"]
    out = []
    for key in sorted(groups):
        g = groups[key]
        done = sorted(v for v in g["times"].values() if v is not None)
        out.append(g | {"saves": len(g["times"]), "not_recovered": len(g["times"]) - len(done),
                        "median_s": round(median(done), 3) if done else None,
                        "fastest_s": done[0] if done else None, "slowest_s": done[-1] if done else None})
    return out


def command_log(report: dict[str, Any]) -> tuple[tuple[float, str], ...]:
    """A save's commands as (time, text), accepted or not: what a copied answer repeats."""
    return tuple((float(c["t"]), " ".join(c["text"].split())) for c in report["commands"]["list"])


def identical_logs(reports: Sequence[dict[str, Any]], files: Sequence[str],
                   references: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Groups of saves of one level with the same non-empty command log, to the second; a log
    equal to that level's reference solution's is flagged even when alone."""
    groups: dict[tuple[str, tuple[tuple[float, str], ...]], list[str]] = {}
    for r, f in zip(reports, files, strict=True):
        log = command_log(r)
        if log:
            groups.setdefault((r["level"]["id"], log), []).append(f)
    out = []
    for (level, log), members in groups.items():
        ref = references.get(level)
        same_as_ref = ref is not None and command_log(ref) == log
        if len(members) > 1 or same_as_ref:
            out.append({"level": level, "files": members, "commands": len(log),
                        "reference": same_as_ref})
    return sorted(out, key=lambda g: (-len(g["files"]), g["files"]))


def comparison(report: dict[str, Any], ref: dict[str, Any] | None) -> dict[str, Any] | None:
    """The side-by-side of `vdc report` against an already built reference report."""
    from vdc.session.report import summary

    if ref is None:
        return None
    base = {"file": ref["file"]}
    if Path(report["file"]).resolve() == Path(ref["file"]).resolve():
        return base | {"note": "this save is the reference solution", "comparable": False}
    if ref["level"]["hash"] != report["level"]["hash"]:
        return base | {"comparable": False, "note": "the reference solution is for another version "
                                                    "of this level; numbers differ in kind"}
    return base | {"note": "", "comparable": True, "player": summary(report), "reference": summary(ref)}


def build(rows: Sequence[Row], references: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """The cohort as plain data. `references` maps a level id to its reference solution's
    report (`report.build(..., reference=False)`); each save's report gets the comparison."""
    references = references or {}
    saves = []
    for i, row in enumerate(rows, 1):
        r = row.report
        if r is not None:
            r = r | {"reference": comparison(r, references.get(r["level"]["id"]))}
        saves.append(row.as_dict() | {"anchor": anchor(i) if r is not None else None, "report": r})
    counted = [s for s in saves if s["status"] == VERIFIED and s["report"] is not None]
    reports = [s["report"] for s in counted]
    files = [s["file"] for s in counted]
    levels = {s["report"]["level"]["id"]: s["report"]["level"]["title"]
              for s in saves if s["report"] is not None}
    scores = [float(r["score"]) for r in reports]
    idents = identical_logs(reports + [s["report"] for s in saves if s["status"] == DIVERGED],
                            files + [s["file"] for s in saves if s["status"] == DIVERGED], references)
    flagged = {f: g for g in idents for f in g["files"]}
    for s in saves:
        g = flagged.get(s["file"])
        s["identical_to"] = [f for f in g["files"] if f != s["file"]] if g else []
        s["same_as_reference"] = bool(g and g["reference"])
    return {
        "levels": [{"id": k, "title": v} for k, v in levels.items()],
        "saves": saves,
        "counts": {status: sum(1 for s in saves if s["status"] == status)
                   for status in dict.fromkeys(s["status"] for s in saves)},
        "counted": len(counted),
        "distribution": distribution(scores),
        "stars": [{"stars": n, "count": sum(1 for r in reports if r["stars"] == n)} for n in range(4)],
        "outcomes": {o: sum(1 for r in reports if r["outcome"] == o) for o in ("won", "lost", "incomplete")},
        "median_score": round(median(scores), 2) if scores else None,
        "objectives": pass_rates(reports),
        "mistakes": common_mistakes(reports, files),
        "recovery": recovery(reports, files),
        "identical": idents,
        "references": {k: {"file": v["file"], "score": v["score"], "stars": v["stars"],
                           "outcome": v["outcome"]} for k, v in references.items()},
    }
