"""Provides the Markdown of a review report (`vdc report`'s default format), from the plain data
`vdc.session.report.build` returns."""

from __future__ import annotations

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


def _md_cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _objective_value(o: dict[str, Any], key: str = "value") -> str:
    from vdc.session.grade import format_value

    return format_value(o["kind"], o[key])


def markdown(r: dict[str, Any]) -> str:
    """The report as Markdown (what `vdc report` prints by default)."""
    lines: list[str] = []
    add = lines.append
    lvl = r["level"]
    add(f"# Report: {lvl['id']} — {lvl['title']}")
    add("")
    add(f"Save `{r['file']}` · seed {r['seed']} · t = {r['sim_time']:g} / {r['duration']} s · "
        f"written by vdc {r['program_version']}")
    add("")
    if r["verified"]:
        add("**✔ verified** — the save replays exactly; these numbers are the real run's.")
    else:
        add(f"**✘ NOT VERIFIED** — {r['divergence']['message']}. The numbers below are the "
            "re-simulation of its commands, not what the save claims.")
    add("")
    add("## Outcome")
    add("")
    if r.get("verdict"):
        add(f"**{r['verdict']}**")
        add("")
    add(f"**{OUTCOME_MARK[r['outcome']]}** — score **{r['score']:.1f}** — {stars_text(r['stars'])} "
        f"({r['end_reason'] or 'stopped'})")
    add("")
    add("## Objectives")
    add("")
    if not r["objectives"]:
        add("This level has no objectives.")
    else:
        add("| | objective | value | target | attainment | weight |")
        add("|---|---|---|---|---|---|")
    for o in r["objectives"]:
        add(f"| {'✔' if o['met'] else '✘'} | {_md_cell(o['description'])}"
            f"{' (required)' if o['required'] else ''} | {_objective_value(o)} | "
            f"{_objective_value(o, 'target')} | {100 * o['attainment']:.0f} % | {o['weight']:g} |")
    add("")
    if r.get("lessons"):
        add("## What a better operator would have done")
        add("")
        lines.extend(f"- {_md_cell(text)}" for text in r["lessons"])
        add("")
    if r.get("concepts"):
        add("## Concepts to reread")
        add("")
        add(" · ".join(c["title"] for c in r["concepts"]) + " (F1 in the game)")
        add("")
    add("## Biggest mistakes")
    add("")
    if not r["mistakes"]:
        add(none_found(r))
    for i, m in enumerate(r["mistakes"][:MAX_MISTAKES], 1):
        add(f"{i}. **{m['kind'].replace('_', ' ')}** — {m['text']}")
    if len(r["mistakes"]) > MAX_MISTAKES:
        add(f"\n…and {len(r['mistakes']) - MAX_MISTAKES} more (see `--format json`).")
    add("")
    add("## Downtime")
    add("")
    add("| service | down | uptime | outages |")
    add("|---|---|---|---|")
    for s in r["downtime"]["services"]:
        spells = ", ".join(f"{clock(o['start'])}–{clock(o['end'])}" for o in s["outages"]) or "none"
        add(f"| {s['name']} | {duration(s['down_s'])} | {100 * s['uptime']:.2f} % | {spells} |")
    add("")
    hurt = sorted((v for v in r["downtime"]["vms"] if v["down_s"] > 0), key=lambda v: (-v["down_s"], v["name"]))
    if hurt:
        add("| VM | not healthy |")
        add("|---|---|")
    for v in hurt:
        add(f"| {v['name']} | {duration(v['down_s'])} |")
    rest = len(r["downtime"]["vms"]) - len(hurt)
    if rest:
        if hurt:
            add("")
        add(f"{rest} other VM{'' if rest == 1 else 's'} stayed healthy throughout." if hurt
            else f"All {rest} VM{'' if rest == 1 else 's'} stayed healthy throughout.")
    add("")
    if r.get("incidents"):
        add("## Incidents and recovery")
        add("")
        add("| time | incident | services down after it | time to recover |")
        add("|---|---|---|---|")
        for i in r["incidents"]:
            what = f"{i['kind'].replace('_', ' ')} {i['subject']}".strip()
            add(f"| {clock(i['t'])} | {_md_cell(what)}{' (random)' if i['origin'] == 'incident' else ''} | "
                f"{', '.join(i['services']) or 'none'} | "
                f"{'not recovered' if i['recovery_s'] is None else duration(i['recovery_s'])} |")
        add("")
    add("## Timeline")
    add("")
    add("| time | | what |")
    add("|---|---|---|")
    for x in r["timeline"]:
        if x["type"] == "action":
            verdict = "" if x["accepted"] else f" — refused: {x['message']}"
            add(f"| {clock(x['t'])} | {'▶' if x['accepted'] else '✘'} you | "
                f"`{_md_cell(x['text'])}`{_md_cell(verdict)} |")
        else:
            mark = {"critical": "‼", "warning": "!", "info": "·"}[x["severity"]]
            what = x.get("label") or x["kind"].replace("_", " ")
            add(f"| {clock(x['t'])} | {mark} {what} | {_md_cell(x['text'])} |")
    add("")
    ref = r.get("reference")
    if ref:
        lines += _md_reference(ref)
    add(f"Final state digest `{r['digest']}`.")
    return "\n".join(lines) + "\n"


def _md_reference(ref: dict[str, Any]) -> list[str]:
    lines = ["## Compared with the reference solution", ""]
    if ref["note"]:
        lines += [f"`{ref['file']}`: {ref['note']}.", ""]
    if "player" not in ref:
        return lines
    lines += comparison_rows_md(ref["player"], ref["reference"])
    return lines + [""]


def comparison_rows_md(p: dict[str, Any], q: dict[str, Any]) -> list[str]:
    lines = ["| | you | reference |", "|---|---|---|"]
    lines += [f"| {_md_cell(a)} | {_md_cell(b)} | {_md_cell(c)} |" for a, b, c in comparison_rows(p, q)]
    lines += ["", "| # | your commands | the reference's commands |", "|---|---|---|"]
    pc, qc = p["commands"], q["commands"]
    for i in range(max(len(pc), len(qc))):
        a = f"`{_md_cell(pc[i])}`" if i < len(pc) else ""
        b = f"`{_md_cell(qc[i])}`" if i < len(qc) else ""
        lines.append(f"| {i + 1} | {a} | {b} |")
    return lines
