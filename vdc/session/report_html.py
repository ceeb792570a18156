"""Provides the HTML report: one self-contained file a trainer opens in a browser.

Inline CSS, charts drawn here as inline SVG from the report's per-minute series: no script, no
web font, no external file or URL, so it can be mailed or archived and still opens offline.
State is never told by colour alone: lines carry their names, down spells are hatched and
labelled, marks come with words.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

from vdc.session.report import (
    MAX_MISTAKES,
    OUTCOME_MARK,
    clock,
    comparison_rows,
    duration,
    none_found,
    stars_text,
)

W, H = 860, 200
"""Chart size (SVG user units)."""
PAD_L, PAD_R, PAD_T, PAD_B = 64, 210, 24, 28
PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]
DASHES = ["", "6 3", "2 2", "8 3 2 3"]
MAX_LINES = 8
"""Lines per chart (the busiest ones); more would not be readable."""

CSS = """
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:980px;color:#222;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.25rem .55rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}.num{text-align:right;font-variant-numeric:tabular-nums}
.banner{padding:.6rem .9rem;border-radius:4px;font-weight:600}.ok{background:#e6f4ea;border:1px solid #2e7d32}
.bad{background:#fdecea;border:1px solid #c62828}.muted{color:#666}code{background:#f5f5f5;padding:0 .2rem}
.critical{color:#b71c1c}.warning{color:#8a5a00}svg{max-width:100%;height:auto;display:block;margin:.4rem 0 1rem}
"""


def _x(i: int, n: int) -> float:
    return PAD_L + (W - PAD_L - PAD_R) * (i / max(n - 1, 1))


def _y(v: float, top: float) -> float:
    return PAD_T + (H - PAD_T - PAD_B) * (1 - min(max(v / top, 0.0), 1.0))


def tick_step(points: int, most: int = 7) -> int:
    """Samples between x ticks: a round number (1, 2, 5, 10, 15, 30, 60 …) giving ≤ `most` ticks."""
    for step in (1, 2, 5, 10, 15, 30, 60, 120, 240, 480):
        if points // step < most:
            return step
    return max(1, points // most + 1)


def _axes(title: str, n: int, interval: float, top: float, unit: str) -> list[str]:
    """Frame, title, y gridlines at 0/50/100 % of `top`, x ticks in minutes."""
    parts = [f'<svg viewBox="0 0 {W} {H}" role="img" '
             f'aria-label="{escape(title)}"><title>{escape(title)}</title>',
             f'<text x="{PAD_L}" y="14" font-size="13" font-weight="600">{escape(title)}</text>']
    for frac in (0.0, 0.5, 1.0):
        y = _y(top * frac, top)
        parts.append(f'<line x1="{PAD_L}" y1="{y:.1f}" x2="{W - PAD_R}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{PAD_L - 4}" y="{y + 4:.1f}" font-size="11" text-anchor="end">'
                     f'{top * frac:.3g}{escape(unit)}</text>')
    ticks = tick_step(n - 1)
    for i in range(0, n, ticks):
        x = _x(i, n)
        parts.append(f'<text x="{x:.1f}" y="{H - 8}" font-size="11" text-anchor="middle">'
                     f'{clock(i * interval)[:-3]}</text>')
    return parts


def nice_top(peak: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^k at or above `peak` (a y axis that reads well)."""
    if peak <= 0:
        return 1.0
    k = math.floor(math.log10(peak))
    for m in (1.0, 2.0, 2.5, 5.0, 10.0):
        if m * 10**k >= peak - 1e-12:
            return m * 10**k
    return 10.0 ** (k + 1)


def line_chart(title: str, series: dict[str, list[float]], interval: float, *, top: float | None = None,
               unit: str = "", thresholds: tuple[float, ...] = ()) -> str:
    """Lines over time, each named at its right end and drawn with its own dash pattern."""
    if not series or not any(series.values()):
        return ""
    n = max(len(v) for v in series.values())
    peak = max((max(v) for v in series.values() if v), default=0.0)
    top = top if top is not None else nice_top(peak)
    parts = _axes(title, n, interval, top, unit)
    for th in thresholds:
        y = _y(th, top)
        parts.append(f'<line x1="{PAD_L}" y1="{y:.1f}" x2="{W - PAD_R}" y2="{y:.1f}" stroke="#999" '
                     f'stroke-dasharray="3 3"/><text x="{W - PAD_R - 2}" y="{y - 3:.1f}" font-size="10" '
                     f'text-anchor="end" fill="#555">{th:g}{escape(unit)}</text>')
    busiest = sorted(series, key=lambda k: (-max(series[k], default=0.0), k))[:MAX_LINES]
    for k, name in enumerate(sorted(busiest, key=list(series).index)):
        values = series[name]
        colour, dash = PALETTE[k % len(PALETTE)], DASHES[k % len(DASHES)]
        pts = " ".join(f"{_x(i, n):.1f},{_y(v, top):.1f}" for i, v in enumerate(values))
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2"{dash_attr} points="{pts}">'
                     f'<title>{escape(name)}</title></polyline>')
        if values:
            label_y = PAD_T + 14 * k + 6
            parts.append(f'<line x1="{W - PAD_R + 8}" y1="{label_y - 4}" x2="{W - PAD_R + 30}" '
                         f'y2="{label_y - 4}" stroke="{colour}" stroke-width="2"{dash_attr}/>')
            parts.append(f'<text x="{W - PAD_R + 34}" y="{label_y}" font-size="11">{escape(name[:22])} '
                         f'(max {max(values):.3g}{escape(unit)})</text>')
    if len(series) > MAX_LINES:
        parts.append(f'<text x="{W - PAD_R + 8}" y="{H - 8}" font-size="10" fill="#555">'
                     f'{len(series) - MAX_LINES} more not shown</text>')
    parts.append("</svg>")
    return "".join(parts)


def service_chart(services: list[dict[str, Any]], end: float, actions: list[dict[str, Any]],
                  uid: str = "") -> str:
    """One lane per service: solid when up, hatched and labelled "down" for each outage (exact
    times from the event log); ▼ marks each of the player's commands."""
    if not services or end <= 0:
        return ""
    lane = 26
    height = PAD_T + lane * len(services) + PAD_B + 10
    x0, x1 = PAD_L + 70, W - 20

    def x(t: float) -> float:
        return x0 + (x1 - x0) * min(max(t / end, 0.0), 1.0)

    parts = [f'<svg viewBox="0 0 {W} {height}" role="img" '
             'aria-label="Service health"><title>Service health</title>',
             '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
             'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fbe3e3"/>'
             '<line x1="0" y1="0" x2="0" y2="6" stroke="#c62828" stroke-width="3"/></pattern></defs>',
             f'<text x="{PAD_L}" y="14" font-size="13" font-weight="600">Service health '
             '(solid = up, hatched = down; ▼ = your command)</text>']
    for k, svc in enumerate(services):
        y = PAD_T + 8 + lane * k
        name = svc["name"]
        parts.append(f'<text x="{x0 - 6}" y="{y + 14}" font-size="11" text-anchor="end">{escape(name)}</text>'
                     f'<rect x="{x0}" y="{y}" width="{x1 - x0}" height="{lane - 8}" fill="#a5d6a7">'
                     f'<title>{escape(name)} up</title></rect>')
        for o in svc["outages"]:
            a, b = x(o["start"]), x(o["end"])
            parts.append(f'<rect x="{a:.1f}" y="{y}" width="{max(b - a, 1.0):.1f}" height="{lane - 8}" '
                         f'fill="url(#hatch{uid})" stroke="#c62828"><title>{escape(name)} down '
                         f'{clock(o["start"])}–{clock(o["end"])} ({duration(o["duration_s"])})</title></rect>')
            if b - a > 40:
                parts.append(f'<text x="{(a + b) / 2:.1f}" y="{y + 13}" font-size="11" text-anchor="middle" '
                             f'font-weight="600" fill="#7f0000">down</text>')
    for act in actions:
        ax = x(act["t"])
        parts.append(f'<text x="{ax:.1f}" y="{PAD_T + 4}" font-size="10" text-anchor="middle" '
                     f'fill="{"#333" if act["accepted"] else "#c62828"}">▼<title>{clock(act["t"])} '
                     f'{escape(act["text"])}{"" if act["accepted"] else " (refused)"}</title></text>')
    step = 60.0 * tick_step(int(end // 60))
    for i in range(int(end // step) + 1):
        t = i * step
        parts.append(f'<text x="{x(t):.1f}" y="{height - 8}" font-size="11" '
                     f'text-anchor="middle">{clock(t)[:-3]}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(title: str, values: dict[str, float]) -> str:
    """Horizontal bars of seconds (downtime), each with its value written next to it."""
    if not values:
        return ""
    shown = list(values.items())[:24]
    row = 20
    height = PAD_T + row * len(shown) + 12
    top = max(max(values.values()), 1.0)
    x0, x1 = 170, W - 90
    parts = [f'<svg viewBox="0 0 {W} {height}" role="img" '
             f'aria-label="{escape(title)}"><title>{escape(title)}</title>',
             f'<text x="{PAD_L}" y="14" font-size="13" font-weight="600">{escape(title)}</text>']
    for k, (name, v) in enumerate(shown):
        y = PAD_T + row * k
        w = (x1 - x0) * v / top
        parts.append(f'<text x="{x0 - 6}" y="{y + 13}" font-size="11" text-anchor="end">{escape(name)}</text>'
                     f'<rect x="{x0}" y="{y + 2}" width="{w:.1f}" height="{row - 6}" fill="#ef9a9a"/>'
                     f'<text x="{x0 + w + 4:.1f}" y="{y + 13}" font-size="11">{duration(v)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _table(head: list[str], rows: list[list[str]], num: tuple[int, ...] = ()) -> str:
    """An HTML table; cells are already-escaped HTML."""
    th = "".join(f"<th>{h}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f'<td class="num">{c}</td>' if i in num else f"<td>{c}</td>" for i, c in enumerate(r))
        + "</tr>" for r in rows
    )
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def render(r: dict[str, Any]) -> str:
    """The report as one HTML document."""
    lvl = r["level"]
    out = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>vdc report: {escape(lvl['id'])}</title><style>{CSS}</style></head><body>",
        f"<h1>{escape(lvl['id'])} — {escape(lvl['title'])}</h1>",
        *body(r),
        "</body></html>",
    ]
    return "\n".join(x for x in out if x) + "\n"


def incidents_table(incidents: list[dict[str, Any]]) -> str:
    """Each incident of the run and how long the services took to recover from it."""
    if not incidents:
        return "<p>The level threw no incident.</p>"
    return _table(["time", "incident", "services down after it", "time to recover"], [
        [clock(i["t"]), escape(f"{i['kind'].replace('_', ' ')} {i['subject']}".strip())
         + (" (random)" if i["origin"] == "incident" else ""),
         escape(", ".join(i["services"])) or "none",
         "not recovered" if i["recovery_s"] is None else duration(i["recovery_s"])]
        for i in incidents], num=(3,))


def body(r: dict[str, Any], *, uid: str = "", h: int = 2) -> list[str]:
    """The report's sections (everything under the title), headed `<h{h}>`; `uid` keeps the
    ids of its SVG patterns apart when several reports share a page (`vdc grade --html`)."""
    from vdc.session.grade import format_value

    e = escape
    out: list[str] = [
        f'<p class="muted">Save <code>{e(r["file"])}</code> · seed {r["seed"]} · t = {r["sim_time"]:g} / '
        f'{r["duration"]} s · written by vdc {e(r["program_version"])}</p>',
    ]
    if r["verified"]:
        out.append('<p class="banner ok">✔ verified — the save replays exactly; these numbers are the real run\'s.</p>')
    else:
        out.append(f'<p class="banner bad">✘ NOT VERIFIED — {e(r["divergence"]["message"])}. The numbers '
                   "below are the re-simulation of its commands, not what the save claims.</p>")
    if r.get("verdict"):
        out.append(f"<h2>Outcome</h2><p><strong>{e(r['verdict'])}</strong></p>")
    out.append(f"{'' if r.get('verdict') else '<h2>Outcome</h2>'}<p><strong>{e(OUTCOME_MARK[r['outcome']])}</strong> — score "
               f"<strong>{r['score']:.1f}</strong> — {stars_text(r['stars'])} "
               f"({e(r['end_reason'] or 'stopped')})</p>")
    out.append("<h2>Objectives</h2>" + _table(
        ["", "objective", "value", "target", "attainment", "weight"],
        [[("✔ met" if o["met"] else "✘ missed"),
          e(o["description"]) + (" (required)" if o["required"] else ""),
          e(format_value(o["kind"], o["value"])), e(format_value(o["kind"], o["target"])),
          f"{100 * o['attainment']:.0f} %", f"{o['weight']:g}"] for o in r["objectives"]],
        num=(2, 3, 4, 5)))
    if r.get("lessons"):
        out.append("<h2>What a better operator would have done</h2>")
        out.append("<ul>" + "".join(f"<li>{e(text)}</li>" for text in r["lessons"]) + "</ul>")
    if r.get("concepts"):
        out.append("<h2>Concepts to reread</h2><p>" + " · ".join(e(c["title"]) for c in r["concepts"])
                   + " <span class=\"muted\">(F1 in the game)</span></p>")
    out.append("<h2>Biggest mistakes</h2>")
    if r["mistakes"]:
        items = "".join(f"<li><strong>{e(m['kind'].replace('_', ' '))}</strong> — {e(m['text'])}</li>"
                        for m in r["mistakes"][:MAX_MISTAKES])
        more = len(r["mistakes"]) - MAX_MISTAKES
        out.append(f"<ol>{items}</ol>" + (f"<p>…and {more} more.</p>" if more > 0 else ""))
    else:
        out.append(f"<p>{e(none_found(r))}</p>")
    values = r["series"]["values"]
    interval = float(r["series"]["interval_s"])

    def pick(prefix: str) -> dict[str, list[float]]:
        return {k[len(prefix):]: v for k, v in values.items() if k.startswith(prefix)}

    actions = [x for x in r["timeline"] if x["type"] == "action"]
    out.append("<h2>Charts</h2>")
    out.append(service_chart(r["downtime"]["services"], float(r["sim_time"]), actions, uid))
    out.append(line_chart("Host CPU used (%)", pick("host_cpu:"), interval, top=100.0, unit=" %",
                          thresholds=(90.0,)))
    out.append(line_chart("Datastores full (%)", pick("ds_pct:"), interval, top=100.0, unit=" %",
                          thresholds=(75.0, 85.0)))
    if "power_kw" in values:
        out.append(line_chart("Power draw (kW)", {"all hosts": values["power_kw"]}, interval, unit=" kW"))
    down = r["downtime"]
    vm_down = {v["name"]: v["down_s"] for v in sorted(down["vms"], key=lambda v: -v["down_s"]) if v["down_s"] > 0}
    out.append("<h2>Downtime</h2>" + _table(
        ["service", "down", "uptime", "outages"],
        [[e(s["name"]), duration(s["down_s"]), f"{100 * s['uptime']:.2f} %",
          ", ".join(f"{clock(o['start'])}–{clock(o['end'])}" for o in s["outages"]) or "none"]
         for s in down["services"]], num=(1, 2)))
    out.append(bar_chart("VM time not healthy", vm_down) if vm_down else "<p>No VM was ever unhealthy.</p>")
    if "incidents" in r:
        out.append("<h2>Incidents and recovery</h2>" + incidents_table(r["incidents"]))
    rows = []
    for x in r["timeline"]:
        if x["type"] == "action":
            verdict = "" if x["accepted"] else f" — refused: {e(x['message'])}"
            rows.append([clock(x["t"]), "▶ you" if x["accepted"] else "✘ you (refused)",
                         f"<code>{e(x['text'])}</code>{verdict}"])
        else:
            rows.append([clock(x["t"]), f'<span class="{x["severity"]}">{e(x.get("label") or x["kind"].replace("_", " "))}</span>',
                         e(x["text"])])
    out.append("<h2>Timeline</h2>" + _table(["time", "", "what"], rows))
    ref = r.get("reference")
    if ref:
        out.append("<h2>Compared with the reference solution</h2>")
        if ref["note"]:
            out.append(f"<p><code>{e(ref['file'])}</code>: {e(ref['note'])}.</p>")
        if "player" in ref:
            p, q = ref["player"], ref["reference"]
            out.append(_table(["", "you", "reference"], [[e(a), e(b), e(c)] for a, b, c in comparison_rows(p, q)]))
            pc, qc = p["commands"], q["commands"]
            out.append(_table(["#", "your commands", "the reference's commands"], [
                [str(i + 1), f"<code>{e(pc[i])}</code>" if i < len(pc) else "",
                 f"<code>{e(qc[i])}</code>" if i < len(qc) else ""] for i in range(max(len(pc), len(qc)))]))
    out.append(f'<p class="muted">Final state digest <code>{e(r["digest"])}</code>.</p>')
    return [x.replace("<h2>", f"<h{h}>").replace("</h2>", f"</h{h}>") for x in out if x]
