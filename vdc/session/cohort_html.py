"""Provides the cohort page of `vdc grade --html`: one self-contained HTML file for a class.

Like the single report (`report_html`): inline CSS and SVG, no script, nothing fetched, so it
can be mailed or archived. The tables have ids (`distribution`, `objectives`, `players`,
`mistakes`, `recovery`, `identical`) and each save's report is a `<section id="save-N">`
built from the same pieces as `vdc report --format html`, linked from its row.
"""

from __future__ import annotations

from html import escape
from typing import Any

from vdc.session.grade import DIVERGED, VERIFIED, format_value
from vdc.session.report import OUTCOME_MARK, clock, duration, stars_text
from vdc.session.report_html import CSS, body

EXTRA_CSS = """
.flag{color:#b71c1c;font-weight:600}section.save{border-top:3px solid #888;margin-top:3rem}
.bar{fill:#90caf9}nav a{margin-right:.8rem}
"""

STATUS = {VERIFIED: "✔ verified", DIVERGED: "✘ diverged", "level differs": "✘ level differs",
          "wrong seed": "✘ wrong seed", "unreadable": "✘ unreadable"}


def _table(tid: str, head: list[str], rows: list[list[str]], num: tuple[int, ...] = ()) -> str:
    """A table with an id; cells are already-escaped HTML."""
    th = "".join(f"<th>{h}</th>" for h in head)
    body_rows = "".join(
        "<tr>" + "".join(f'<td class="num">{c}</td>' if i in num else f"<td>{c}</td>"
                         for i, c in enumerate(r)) + "</tr>" for r in rows)
    return f'<table id="{tid}"><thead><tr>{th}</tr></thead><tbody>{body_rows}</tbody></table>'


def histogram(bins: list[dict[str, Any]]) -> str:
    """Score distribution as SVG bars, each with its count written above it."""
    w, h, x0, top_pad, bottom = 860, 180, 40, 20, 30
    peak = max((b["count"] for b in bins), default=0) or 1
    bw = (w - x0 - 10) / len(bins)
    parts = [f'<svg viewBox="0 0 {w} {h}" role="img" aria-label="Score distribution">'
             "<title>Score distribution</title>"]
    for i, b in enumerate(bins):
        bh = (h - top_pad - bottom) * b["count"] / peak
        x = x0 + i * bw
        y = h - bottom - bh
        parts.append(f'<rect class="bar" x="{x + 3:.1f}" y="{y:.1f}" width="{bw - 6:.1f}" height="{bh:.1f}">'
                     f'<title>{b["from"]:g}–{b["to"]:g}: {b["count"]}</title></rect>'
                     f'<text x="{x + bw / 2:.1f}" y="{y - 4:.1f}" font-size="12" text-anchor="middle">'
                     f'{b["count"]}</text>'
                     f'<text x="{x + bw / 2:.1f}" y="{h - 10}" font-size="11" text-anchor="middle">'
                     f'{b["from"]:g}–{b["to"]:g}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _secs(v: float | None) -> str:
    return "—" if v is None else duration(v)


def _who(s: dict[str, Any]) -> str:
    return s["player"] or s["file"].rsplit("/", 1)[-1]


def render(c: dict[str, Any]) -> str:
    """The cohort page as one HTML document."""
    e = escape
    names = ", ".join(f"{lv['id']} — {lv['title']}" for lv in c["levels"]) or "no level"
    n = len(c["saves"])
    counts = ", ".join(f"{v} {k}" for k, v in c["counts"].items())
    out = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>vdc cohort: {e(names)}</title><style>{CSS}{EXTRA_CSS}</style></head><body>",
        f"<h1>Cohort: {e(names)}</h1>",
        f'<p class="muted">{n} save{"" if n == 1 else "s"}: {e(counts)}. The statistics count the '
        f'{c["counted"]} that replay exactly.</p>',
        '<nav><a href="#scores">scores</a><a href="#objectives-h">objectives</a>'
        '<a href="#players-h">players</a><a href="#mistakes-h">mistakes</a>'
        '<a href="#recovery-h">recovery</a><a href="#identical-h">identical logs</a></nav>',
    ]
    for lid, ref in c["references"].items():
        out.append(f'<p>Reference solution of {e(lid)}: <code>{e(ref["file"])}</code> — '
                   f'{e(OUTCOME_MARK[ref["outcome"]])}, score {ref["score"]:.1f}, {stars_text(ref["stars"])}.</p>')
    med = "—" if c["median_score"] is None else f"{c['median_score']:.1f}"
    outcomes = ", ".join(f"{v} {k}" for k, v in c["outcomes"].items())
    out.append(f'<h2 id="scores">Score distribution</h2><p>Median score {med}; {e(outcomes)}.</p>')
    out.append(histogram(c["distribution"]))
    out.append(_table("distribution", ["score", "saves"],
                      [[f"{b['from']:g}–{b['to']:g}", str(b["count"])] for b in c["distribution"]], num=(1,)))
    out.append(_table("stars", ["stars", "saves"],
                      [[stars_text(s["stars"]), str(s["count"])] for s in c["stars"]], num=(1,)))
    out.append('<h2 id="objectives-h">Objectives</h2>' + _table(
        "objectives", ["level", "objective", "met", "pass rate"],
        [[e(o["level"]), e(o["description"]) + (" (required)" if o["required"] else ""),
          f"{o['met']} of {o['of']}", f"{100 * o['rate']:.0f} %"] for o in c["objectives"]], num=(2, 3)))
    rows = []
    for s in c["saves"]:
        name = e(s["file"])
        link = f'<a href="#{s["anchor"]}">{name}</a>' if s["anchor"] else name
        worst = (f"{s['worst_objective']} {format_value(s['worst_kind'], s['worst_value'])}"
                 if s["worst_objective"] else "")
        flags = []
        if s["same_as_reference"]:
            flags.append("same commands as the reference solution")
        if s["identical_to"]:
            flags.append("identical command log: " + ", ".join(s["identical_to"]))
        note = s["reason"] if s["status"] not in (VERIFIED,) else ""
        rows.append([link, e(s["player"] or ""), "" if s["seed"] is None else str(s["seed"]),
                     e(STATUS.get(s["status"], s["status"])), e(OUTCOME_MARK.get(s["outcome"] or "", "")),
                     "" if s["score"] is None else f"{s['score']:.1f}",
                     "" if s["stars"] is None else stars_text(s["stars"]), e(worst),
                     f'<span class="flag">{e("; ".join(flags))}</span>' if flags else "", e(note)])
    out.append('<h2 id="players-h">Players</h2>' + _table(
        "players", ["save", "player", "seed", "verified", "outcome", "score", "stars",
                    "worst objective", "flag", "note"], rows, num=(2, 5)))
    out.append('<h2 id="mistakes-h">Common mistakes</h2>')
    if c["mistakes"]:
        out.append(_table("mistakes", ["mistake", "saves", "share", "median duration"], [
            [e(f"{m['kind'].replace('_', ' ')} {m['subject']}"), str(m["saves"]),
             f"{100 * m['share']:.0f} %", _secs(m["median_s"])] for m in c["mistakes"]], num=(1, 2, 3)))
    else:
        out.append("<p>No save made a mistake the report's rules find.</p>")
    out.append('<h2 id="recovery-h">Time to recover from each incident</h2>'
               '<p class="muted">From the incident until every service that went down after it '
               "(before the next incident) is up again.</p>")
    if c["recovery"]:
        out.append(_table("recovery", ["level", "time", "incident", "median", "fastest", "slowest",
                                       "not recovered", "saves"], [
            [e(r["level"]), clock(r["t"]), e(f"{r['kind'].replace('_', ' ')} {r['subject']}")
             + (" (random)" if r["origin"] == "incident" else ""),
             _secs(r["median_s"]), _secs(r["fastest_s"]), _secs(r["slowest_s"]),
             str(r["not_recovered"]), str(r["saves"])] for r in c["recovery"]], num=(3, 4, 5, 6, 7)))
    else:
        out.append("<p>The level threw no incident.</p>")
    out.append('<h2 id="identical-h">Identical command logs</h2>')
    if c["identical"]:
        out.append(_table("identical", ["level", "saves", "commands", "same as the reference"], [
            [e(g["level"]), ", ".join(e(f) for f in g["files"]), str(g["commands"]),
             "yes" if g["reference"] else "no"] for g in c["identical"]], num=(2,)))
    else:
        out.append("<p>No two saves have the same command log.</p>")
    for s in c["saves"]:
        if s["report"] is None:
            continue
        out.append(f'<section class="save" id="{s["anchor"]}"><h2>{e(_who(s))} — '
                   f'<code>{e(s["file"])}</code></h2><p><a href="#players-h">↑ players</a></p>')
        out.extend(body(s["report"], uid=f"-{s['anchor']}", h=3))
        out.append("</section>")
    out.append("</body></html>")
    return "\n".join(x for x in out if x) + "\n"
