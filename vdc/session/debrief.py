"""Provides what a debrief teaches beyond the numbers: why the level was won or lost, in one
sentence with the numbers (`verdict`); what a better operator did, from the level's reference
solution `levels/solutions/<level-id>.txt` (`reference_commands`), beside the player's own
commands; and the concepts to reread (`concepts`, the level's F1 notes).

The live debrief (`vdc.tui.app.show_debrief`) and `vdc report` both add `teach(session)` to
their result object, so the game and a trainer's report say the same thing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vdc.concepts import describe as describe_concept
from vdc.scenario import schema
from vdc.session.session import Session
from vdc.sim.objectives import ObjectiveStatus


def span(seconds: float) -> str:
    """A duration as a player says it: `45 s`, `3 min`, `4 min 10 s`, `1 h 5 min`."""
    s = int(round(seconds))
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    if h:
        return f"{h} h {m} min" if m else f"{h} h"
    if m:
        return f"{m} min {sec} s" if sec else f"{m} min"
    return f"{sec} s"


def clock(t: float) -> str:
    """A sim time as `h:mm:ss` from the level's start."""
    s = int(t)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


_UNITS = {
    "max_vm_downtime": " s", "max_cpu_ready": " %", "cpu_ready_seconds": " s",
    "mean_cpu_ready": " %", "datastore_below": " %", "max_power_kw": " kW",
}


def _value(kind: str, v: object) -> str:
    if isinstance(v, int | float) and not isinstance(v, bool):
        if kind == "service_uptime":
            return f"{100 * v:.4g} %"
        return f"{v:.4g}{_UNITS.get(kind, '')}"
    return str(v)


# --------------------------------------------------------------------------- why


def _service_story(session: Session, service: str) -> str:
    """What kept `service` down, in a clause: the VMs that never ran (and why), or when it came up."""
    sim = session.sim
    level = sim.level
    svc = next((s for s in level.services if s.name == service), None)
    if svc is None:
        return ""
    view = sim.view()
    vms = view.vms
    row = {n: i for i, n in enumerate(vms.names)}
    sick = []
    for tier in svc.tiers:
        for vm in tier.vms:
            i = row.get(vm)
            if i is not None and not bool(vms.healthy[i]):
                sick.append((vm, vms.reasons[i] or "not healthy"))
    if sick:
        parts = []
        for vm, why in sick[:2]:
            refused = [r for r in session.rejected if r.text.startswith(f"power on {vm}")]
            started = [r for r in session.accepted if r.text.startswith(f"power on {vm}")]
            stopped = [r for r in session.accepted if r.text in (f"power off {vm}", f"power reset {vm}")]
            if refused and not started:
                parts.append(f"{vm} never started (refused at {clock(refused[0].t)}: "
                             f"{refused[0].message})")
            elif stopped and why == "powered off":
                parts.append(f"you powered {vm} off at {clock(stopped[-1].t)} and it stayed off")
            elif why == "powered off" and not started:
                parts.append(f"{vm} was never powered on")
            else:
                parts.append(f"{vm} was {why} at the end")
        return "; ".join(parts)
    ups = [r.t for r in sim.log if r.kind == "service_up" and r.subject == service]
    starts = [r for r in session.accepted
              if r.text.startswith("power on ")
              and r.text.split()[2:3] and r.text.split()[2] in {v for t in svc.tiers for v in t.vms}]
    bits = []
    if starts:
        last = starts[-1]
        bits.append(f"{last.text.split()[2]} was started at {clock(last.t)}")
    if ups:
        bits.append(f"{service} was up from {clock(ups[-1])}")
    return "; ".join(bits)


def _why(session: Session, st: ObjectiveStatus, o: schema.Objective | None) -> str:
    """One objective's result as a clause with its numbers."""
    sim = session.sim
    if st.kind == "service_uptime" and o is not None:
        down = sim.metrics.service_down_s
        names = sorted(down) if o.service == "*" else [o.service or ""]
        service = max(names, key=lambda n: (down.get(n, 0.0), n)) if names else ""
        down_s = float(down.get(service, 0.0))
        allowed = (1.0 - float(o.target or 0.0)) * sim.duration
        text = f"the {service} service was down {span(down_s)} of the {span(allowed)} allowed"
        story = _service_story(session, service)
        return f"{text}; {story}" if story else text
    if st.kind in ("host_state_by", "config"):
        return f"“{st.description}” was missed: it was {st.value} (wanted {st.target})"
    return (f"“{st.description}” was missed: {_value(st.kind, st.value)} "
            f"against a target of {_value(st.kind, st.target)}")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def verdict(session: Session, *, stopped_early: bool = False) -> str:
    """Why the level was won or lost, in one sentence with the numbers.

    Lost: the required objective that decided it (failed for good first), e.g. "The intranet
    was down 30 min of the 3 min allowed; intranet-db-01 never started (…)". Won: the stars,
    and the objective that cost one if any. Unfinished: where it stood.
    """
    sim = session.sim
    statuses = sim.objective_statuses()
    by_id = {o.id: o for o in sim.level.objectives}
    outcome = sim.outcome(stopped_early=stopped_early)
    missed = [st for st in statuses if not st.met]
    if outcome == "lost":
        required = [st for st in missed if st.required]
        required.sort(key=lambda st: (not st.failed_for_good, statuses.index(st)))
        if required:
            st = required[0]
            return f"Lost: {_why(session, st, by_id.get(st.id))}."
        return f"Lost: {sim.end_reason or 'a required objective failed'}."
    if outcome == "won":
        if not missed:
            tight = [st for st in statuses if st.kind == "service_uptime"]
            tight.sort(key=lambda st: (not st.required, float(st.value or 0.0)))  # type: ignore[arg-type]
            if tight:
                return f"Won: every objective met; {_why(session, tight[0], by_id.get(tight[0].id))}."
            return "Won: every objective met."
        worst = min(missed, key=lambda st: (st.attainment, statuses.index(st)))
        more = f" (and {len(missed) - 1} more objective{'s' if len(missed) > 2 else ''} missed)" \
            if len(missed) > 1 else ""
        return f"Won, but {_why(session, worst, by_id.get(worst.id))}{more}."
    at = f"Stopped at {clock(sim.now)} of {clock(sim.duration)}"
    if missed:
        worst = min(missed, key=lambda st: (st.attainment, statuses.index(st)))
        return f"{at}; so far {_why(session, worst, by_id.get(worst.id))}."
    return f"{at}; every objective met so far."


# --------------------------------------------------------------------------- the timeline, grouped


_MOVES: dict[str, tuple[str, str]] = {
    # kind -> (what moves, phase)
    "vmotion_queued": ("vMotion", "queued"),
    "vmotion_started": ("vMotion", "started"),
    "vmotion_completed": ("vMotion", "done"),
    "vmotion_failed": ("vMotion", "failed"),
    "vmotion_cancelled": ("vMotion", "cancelled"),
    "svmotion_started": ("Storage vMotion", "started"),
    "svmotion_completed": ("Storage vMotion", "done"),
    "svmotion_failed": ("Storage vMotion", "failed"),
    "svmotion_cancelled": ("Storage vMotion", "cancelled"),
}
"""Migration kinds folded into one line per move: queued, started and its end."""

_FOLDED = frozenset({"drs_pass"})
"""Kinds left off the timeline: a DRS pass's summary repeats its recommendations and moves."""


def _seconds(x: float) -> str:
    return f"{x:.0f} s" if x >= 10 else f"{x:.1f} s"


def _route(detail: str) -> str:
    """"esx-03 → esx-01" (or "→ ds-silver") out of a migration's detail text."""
    for word in (" queued", " started"):
        if word in detail:
            detail = detail.split(word)[0]
    head = detail.split(" of ", 1)[-1]
    parts = head.split(" ", 1)
    return parts[1] if len(parts) > 1 else ""


def fold_events(events: list[dict[str, Any]]) -> list[tuple[float, str, str, str, str]]:
    """Events as (t, kind, subject, detail, title), each migration one line at its start with
    its duration, each time's DRS recommendations one line, DRS passes left off."""
    out: list[tuple[float, str, str, str, str]] = []
    open_moves: dict[tuple[str, str], int] = {}  # (what, vm) -> index in out
    by_drs: set[tuple[float, str]] = set()  # (t, vm) moved by DRS
    recs: dict[float, int] = {}
    for e in events:
        kind, t = str(e.get("kind", "")), float(e.get("t", 0.0))
        subject, detail = str(e.get("subject", "")), str(e.get("detail", ""))
        if kind in _FOLDED:
            continue
        if kind == "drs_migration" and (t, subject) in by_drs:
            continue
        if kind == "drs_recommendation":
            target = detail.split("move ", 1)[-1].split(";")[0] if "move " in detail else subject
            if t in recs:
                i = recs[t]
                pt, pk, ps, pd, _ = out[i]
                n = int(pd.split(" ", 1)[0]) + 1 if pd[:1].isdigit() else 2
                items = pd.split(": ", 1)[-1] if pd[:1].isdigit() else pd
                out[i] = (pt, pk, ps, f"{n} moves: {items}, {target}", "DRS recommends")
            else:
                recs[t] = len(out)
                out.append((t, kind, subject, target, "DRS recommends"))
            continue
        move = _MOVES.get(kind)
        if move is None:
            out.append((t, kind, subject, detail, ""))
            continue
        what, phase = move
        key = (what, subject)
        if phase in ("queued", "started"):
            if key in open_moves:
                continue
            open_moves[key] = len(out)
            route = _route(detail)
            drs = any(
                x.get("kind") == "drs_migration" and x.get("subject") == subject
                and float(x.get("t", -1)) == t for x in events
            )
            if drs:
                by_drs.add((t, subject))
            who = "DRS: " if drs else ""
            line = f"{who}{subject} {route}".strip() + " — still moving at the end"
            out.append((t, "move", subject, line, what))
            continue
        i = open_moves.pop(key, -1)
        if i < 0:  # its start is not in the log (a save cut short): a line of its own
            out.append((t, kind, subject, detail, ""))
            continue
        st, _k, _s, line, title = out[i]
        took = _seconds(t - st)
        base = line.rsplit(" — ", 1)[0]
        if phase == "done":
            out[i] = (st, "move", subject, f"{base} in {took}", title)
        elif phase == "cancelled":
            out[i] = (st, kind, subject, f"{base} cancelled after {took}", f"{title} cancelled")
        else:
            why = detail.split(": ", 1)[-1] if ": " in detail else detail
            out[i] = (st, kind, subject, f"{base} failed after {took}: {why}", f"{title} failed")
    return out


# --------------------------------------------------------------------------- better play


def solution_path(level_id: str, directory: Path | None = None) -> Path | None:
    """The level's reference solution script, or None (a generated level has none)."""
    from vdc.scenario.paths import levels_dir

    if not level_id.replace("-", "").replace("_", "").isalnum():
        return None  # a level id from a save is data: never let it leave the directory
    path = (directory or levels_dir() / "solutions") / f"{level_id}.txt"
    return path if path.is_file() else None


def reference_commands(level_id: str, directory: Path | None = None) -> list[dict[str, Any]]:
    """The reference solution's commands as [{"t", "text"}] (empty without one)."""
    from vdc.session.actions import ActionScriptError, load_actions

    path = solution_path(level_id, directory)
    if path is None:
        return []
    try:
        return [{"t": a.t, "text": a.text} for a in load_actions(path)]
    except ActionScriptError:
        return []


def concepts(level: schema.Level) -> list[dict[str, str]]:
    """The level's concepts as [{"id", "title"}]: what to reread (F1 in the game)."""
    return [{"id": c, "title": describe_concept(c)[0]} for c in level.level.concepts]


def teach(session: Session, *, stopped_early: bool = False) -> dict[str, Any]:
    """What the debrief and the report add to a result: `verdict`, `better` (the reference's
    commands and the player's own) and `concepts`."""
    sim = session.sim
    return {
        "verdict": verdict(session, stopped_early=stopped_early),
        "better": {
            "reference": reference_commands(sim.level.level.id),
            "yours": [{"t": r.t, "text": r.text, "accepted": r.accepted} for r in session.records],
        },
        "concepts": concepts(sim.level),
    }
