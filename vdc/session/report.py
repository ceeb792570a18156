"""Provides the review report of a save: what happened, what it cost, and what went wrong.

A trainer reviewing a trainee's run wants more than a score: the timeline of incidents and the
player's commands, downtime per service and VM, the biggest mistakes, and how the run compares
with the level's reference solution. Everything here comes from a verified re-simulation of
the save (the same session code as live play), never from the numbers the save claims, so a
report of a tampered save says so at the top.

The report is plain data (`build`), rendered as Markdown (`markdown`, in `report_md`), JSON, or one
self-contained HTML file (`vdc.session.report_html`).

The mistake rules (each one is something a trainer would point at in a debrief):

- **service outage**: a service down for the level's outage threshold (`outage_threshold`: one
  twelfth of the level's length — 5 sim-minutes per hour of level — but at least
  `MIN_OUTAGE_S` and at most `MAX_OUTAGE_S`) or more in one go: in a 10-minute level a
  5-minute outage is half the level, in a 90-minute one users call the help desk after 7½.
  The boot of a service that starts powered off is counted too: a slow start is a slow start.
- **VM downtime**: a VM not healthy for the outage threshold or more in total, for VMs that matter:
  those in a service, or those running when the level began (a VM the player powered off
  still counts — someone was using it). VMs that start off and belong to no service are spare.
- **datastore full**: a datastore reaching 100 % (VMs with growing disks stop there), with how
  long it stayed full.
- **placement onto a busy host**: an accepted `power on` (or `vmotion`) onto a host whose CPU
  demand or active memory was at or over `BUSY_HOST_PCT` (90 %, the game's CPU alarm level)
  at the last sample before the command — adding load where there is no headroom.

They are listed by kind in that order (outages first), then by how long they lasted.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

OUTAGE_SHARE = 1 / 12
"""An outage at least this share of the level's length is a mistake (5 min per hour)."""
MIN_OUTAGE_S = 30.0
"""…but never a shorter one: a VM's boot is about that long."""
MAX_OUTAGE_S = 900.0
"""…and always one of 15 minutes, however long the level."""
BUSY_HOST_PCT = 90.0
"""A host at or over this CPU demand or active memory (%) has no room for another VM."""
PLACING = ("power on", "vmotion")
"""Commands that put a VM's load on a host (named by their `host` argument, else the VM's)."""
MAX_MISTAKES = 10
"""How many mistakes the report lists (the rest are counted)."""

_UNPREFIXED = ("level_end", "message")
"""Event kinds whose subject is not an object of the datacenter (not put before the text)."""
_KIND_RANK = {"service_outage": 0, "vm_downtime": 1, "datastore_full": 2, "busy_host": 3}


@dataclass(frozen=True)
class Mistake:
    kind: str
    t: float
    subject: str
    text: str
    duration_s: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "t": self.t, "subject": self.subject, "text": self.text,
                "duration_s": self.duration_s}


# --------------------------------------------------------------------------- formatting


def duration(seconds: float) -> str:
    """`95` → `1m35s`, `3725` → `1h02m05s`: how long something lasted, for a reader."""
    s = int(round(seconds))
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    if h:
        return f"{h}h{m:02d}m{s:02d}s"
    return f"{m}m{s:02d}s" if m else f"{s}s"


def clock(t: float) -> str:
    """A sim time as `h:mm:ss` from the level's start."""
    s = int(t)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def stars_text(n: int) -> str:
    return "★" * n + "☆" * (3 - n)


OUTCOME_MARK = {"won": "✔ won", "lost": "✘ lost", "incomplete": "… incomplete"}


# --------------------------------------------------------------------------- analysis


def outages(events: list[dict[str, Any]], service: str, down_s: float, end: float) -> list[dict[str, float]]:
    """The intervals a service was down, from its transitions in the event log.

    The log records transitions after the first sample, so a service that is down from the
    start shows up only as a `service_up`; one that never changes state was either up all
    along or (with downtime) down all along.
    """
    changes = [e for e in events if e["subject"] == service and e["kind"] in ("service_up", "service_down")]
    if changes:
        down_since: float | None = 0.0 if changes[0]["kind"] == "service_up" else None
    else:
        down_since = 0.0 if down_s > 0 else None
    out = []
    for e in changes:
        if e["kind"] == "service_down" and down_since is None:
            down_since = float(e["t"])
        elif e["kind"] == "service_up" and down_since is not None:
            out.append(_interval(down_since, float(e["t"])))
            down_since = None
    if down_since is not None and end > down_since:
        out.append(_interval(down_since, end))
    return out


def _interval(start: float, end: float) -> dict[str, float]:
    return {"start": start, "end": end, "duration_s": round(end - start, 3)}


def full_spells(events: list[dict[str, Any]], end: float) -> list[tuple[str, float, float]]:
    """(datastore, became full at, stayed full for) for every time a datastore filled up."""
    out = []
    for i, e in enumerate(events):
        if e["kind"] != "datastore_full":
            continue
        until = end
        for later in events[i + 1:]:
            if later["subject"] == e["subject"] and later["kind"] in (
                "alarm_cleared", "datastore_alert", "datastore_warning"
            ):
                until = float(later["t"])
                break
        out.append((e["subject"], float(e["t"]), round(until - float(e["t"]), 3)))
    return out


class PlacementWatch:
    """Reads the load of each placing command's target host just before the command is given
    again (the sampler's last sample), during the one re-simulation the report makes."""

    def __init__(self) -> None:
        self.loads: list[dict[str, Any] | None] = []

    def __call__(self, session, cmd) -> None:
        self.loads.append(_host_load(session.sim, cmd) if cmd.name in PLACING else None)

    def placements(self, session) -> list[dict[str, Any]]:
        """Accepted placing commands with the load their target host had."""
        return [
            {"t": rec.t, "text": rec.text} | load
            for rec, load in zip(session.records, self.loads, strict=False)
            if load is not None and rec.accepted
        ]


def busy_placements(save) -> list[dict[str, Any]]:
    """Accepted placing commands, with the load of their target host just before each one."""
    from vdc.session.verify import replay

    watch = PlacementWatch()
    return watch.placements(replay(save, watch))


def _host_load(sim, cmd) -> dict[str, Any] | None:
    s = sim.sampler
    vm = sim.inv.vms.get(str(cmd.get("vm")))
    host = str(cmd.get("host") or (vm.host if vm else ""))
    if not s.samples or host not in s.host_names:
        return None
    i = s.host_names.index(host)
    if i >= len(s.host_cpu_demand_pct) or i >= len(s.host_mem_pct):
        return None
    return {"host": host, "cpu_pct": round(float(s.host_cpu_demand_pct[i]), 1),
            "mem_pct": round(float(s.host_mem_pct[i]), 1)}


def outage_threshold(duration_s: float) -> float:
    """Seconds of outage (or of a VM's downtime) that make a mistake in a level this long:
    1800 s → 150 s, 3600 s → 300 s, 600 s → 50 s, 240 s → 30 s, 5 h → 900 s."""
    return min(MAX_OUTAGE_S, max(MIN_OUTAGE_S, round(duration_s * OUTAGE_SHARE, 1)))


def mistakes(save, out: dict[str, Any], service_outages: dict[str, list[dict[str, float]]],
             placements: list[dict[str, Any]] | None = None) -> list[Mistake]:
    """Every mistake the rules of the module doc find, biggest first."""
    found: list[Mistake] = []
    long_outage = outage_threshold(float(save.level.level.duration))
    for name, spells in service_outages.items():
        for o in spells:
            if o["duration_s"] >= long_outage:
                found.append(Mistake(
                    "service_outage", o["start"], name,
                    f"service {name} was down for {duration(o['duration_s'])} "
                    f"({clock(o['start'])} – {clock(o['end'])})", o["duration_s"]))
    in_service = {vm for svc in save.level.services for tier in svc.tiers for vm in tier.vms}
    started_on = {v.name for v in save.level.vms if v.power == "on"}
    for vm, down in out["metrics"]["vm_downtime_s"].items():
        if down >= long_outage and (vm in in_service or vm in started_on):
            why = "in service" if vm in in_service else "running at the start"
            found.append(Mistake("vm_downtime", 0.0, vm,
                                 f"VM {vm} ({why}) was not healthy for {duration(down)} in total", down))
    for ds, t, lasted in full_spells(out["events"], float(out["sim_time"])):
        found.append(Mistake("datastore_full", t, ds,
                             f"datastore {ds} was full at {clock(t)} for {duration(lasted)}", lasted))
    if placements is None:
        placements = busy_placements(save)
    if placements:
        for p in placements:
            if p["cpu_pct"] >= BUSY_HOST_PCT or p["mem_pct"] >= BUSY_HOST_PCT:
                found.append(Mistake(
                    "busy_host", p["t"], p["host"],
                    f"`{p['text']}` at {clock(p['t'])} put load on {p['host']} while it was at "
                    f"{p['cpu_pct']:g} % CPU demand and {p['mem_pct']:g} % memory"))
    return sorted(found, key=lambda m: (_KIND_RANK[m.kind], -m.duration_s, m.t, m.subject))


# --------------------------------------------------------------------------- the report


def build(save, name: str, *, reference: bool = True, reference_root: Path | None = None,
          reference_file: Path | tuple[str, bytes] | None = None) -> dict[str, Any]:
    """The report of a loaded save as plain data (the JSON format of `vdc report`).
    `reference_file`: a trainer's reference save, a path or (name, bytes) from a pack."""
    from vdc.session.runner import result
    from vdc.session.verify import verify
    from vdc.sim.engine import DIGEST_EVERY_S

    watch = PlacementWatch()
    session, divergence = verify(save, watch)
    stopped_early = save.sim_time < save.level.level.duration
    out = result(session, content_hash=save.level_hash, stopped_early=stopped_early, events=True)
    events = out["events"]
    end = float(out["sim_time"])
    down = session.sim.metrics.service_down_s
    spells = {n: outages(events, n, float(down[n]), end) for n in down}
    found = mistakes(save, out, spells, watch.placements(session))
    coarse = session.sim.coarse
    series = {n: [round(x, 3) for x in coarse.series(n)] for n in coarse.names}
    timeline: list[dict[str, Any]] = [
        {"t": r.t, "type": "action", "text": r.text, "accepted": r.accepted, "message": r.message}
        for r in session.records
    ]
    from vdc.scenario.event_kinds import label
    from vdc.session.debrief import fold_events, teach
    from vdc.sim.events import SEVERITY

    # Each migration one line with its duration, DRS recommendations folded (as the debrief).
    timeline += [
        {"t": t, "type": "event", "kind": kind, "subject": subject,
         "label": title or label(kind),
         "text": detail if kind in _UNPREFIXED or subject in detail else f"{subject}: {detail}",
         "severity": SEVERITY.get(kind, "info")}
        for t, kind, subject, detail, title in fold_events(
            [e for e in events if e["kind"] not in ("command", "command_rejected")])
    ]
    timeline.sort(key=lambda x: (x["t"], 0 if x["type"] == "action" else 1))  # stable: log order
    lvl = save.level.level
    report: dict[str, Any] = {
        "file": name,
        "level": {"id": lvl.id, "title": lvl.title, "hash": save.level_hash},
        "seed": save.seed,
        "program_version": save.program_version,
        "sim_time": end,
        "duration": out["duration"],
        "verified": divergence is None,
        "divergence": divergence.as_dict() if divergence else None,
        "outcome": out["outcome"],
        "end_reason": out["end_reason"],
        "score": out["score"],
        "stars": out["stars"],
        "objectives": out["objectives"],
        "mistakes": [m.as_dict() for m in found],
        "mistake_threshold_s": outage_threshold(float(lvl.duration)),
        "lessons": list(out.get("lessons", [])),
        **teach(session, stopped_early=stopped_early),
        "downtime": {
            "services": [
                {"name": n, "down_s": round(float(down[n]), 3),
                 "uptime": out["metrics"]["service_uptime"].get(n, 1.0), "outages": spells[n]}
                for n in down
            ],
            "vms": [{"name": n, "down_s": d} for n, d in out["metrics"]["vm_downtime_s"].items()],
        },
        "commands": {
            "accepted": out["commands"]["accepted"],
            "rejected": len(out["commands"]["rejected"]),
            "list": [{"t": r.t, "text": r.text, "accepted": r.accepted, "message": r.message}
                     for r in session.records],
        },
        "metrics": out["metrics"],
        "timeline": timeline,
        "series": {"interval_s": DIGEST_EVERY_S, "values": series},
        "digest": out["digest"],
        "reference": None,
    }
    from vdc.session.incidents import incidents, recoveries

    report["incidents"] = recoveries(incidents(session.sim.timeline, end),
                                     report["downtime"]["services"], end)
    if reference:
        report["reference"] = _reference(save, name, report, reference_root, reference_file)
    return report


def summary(report: dict[str, Any]) -> dict[str, Any]:
    """What the side-by-side comparison shows of one run."""
    return {
        "outcome": report["outcome"],
        "score": report["score"],
        "stars": report["stars"],
        "objectives": {o["id"]: {"kind": o["kind"], "value": o["value"], "met": o["met"],
                                 "attainment": o["attainment"]} for o in report["objectives"]},
        "service_down_s": {s["name"]: s["down_s"] for s in report["downtime"]["services"]},
        "vm_down_s": round(sum(v["down_s"] for v in report["downtime"]["vms"]), 3),
        "commands_accepted": report["commands"]["accepted"],
        "commands_rejected": report["commands"]["rejected"],
        "commands": [f"{c['t']:g} {c['text']}" + ("" if c["accepted"] else " (rejected)")
                     for c in report["commands"]["list"]],
        "mistakes": len(report["mistakes"]),
    }


def _reference(save, name: str, report: dict[str, Any], root: Path | None,
               given: Path | tuple[str, bytes] | None = None) -> dict[str, Any] | None:
    """The side-by-side comparison with the level's reference solution (None without one):
    `given` (a trainer's own, `vdc report --reference`), else the shipped one."""
    from vdc.session.reference import reference_path
    from vdc.session.save import SaveError, load, loads

    raw: bytes | None = None
    path: Path | None
    if isinstance(given, tuple):
        path, raw = Path(given[0]), given[1]
    else:
        path = given if given is not None else reference_path(save.level.level.id, root)
    if path is None:
        return None
    if raw is None and Path(name).resolve() == path.resolve():
        return {"file": str(path), "note": "this save is the reference solution", "comparable": False}
    try:
        ref_save = load(path) if raw is None else loads(raw, str(path))
        if ref_save.level.level.id != save.level.level.id:
            return {"file": str(path), "comparable": False,
                    "note": f"the reference is a save of another level ({ref_save.level.level.id})"}
        if ref_save.level_hash != save.level_hash:
            return {"file": str(path), "comparable": False,
                    "note": "the reference solution is for another version of this level; numbers differ in kind"}
        ref = build(ref_save, str(path), reference=False)
    except SaveError as e:
        return {"file": str(path), "note": f"the reference cannot be read: {e}", "comparable": False}
    note = "" if ref["verified"] else (
        "the reference solution no longer replays exactly (regenerate it): its numbers are "
        "those of its commands today")
    return {"file": str(path), "note": note, "comparable": True,
            "player": summary(report), "reference": summary(ref)}


# --------------------------------------------------------------------------- Markdown


def none_found(r: dict[str, Any]) -> str:
    """What "no mistakes" means for this report (its level's threshold in words)."""
    return (f"None found (no outage or VM downtime of {duration(r['mistake_threshold_s'])} or more "
            f"in this {duration(r['duration'])} level, no full datastore, no VM placed on a host at "
            f"{BUSY_HOST_PCT:g} % or more).")


def markdown(r: dict[str, Any]) -> str:
    """The report as Markdown (what `vdc report` prints by default; `report_md`)."""
    from vdc.session.report_md import markdown as render

    return render(r)


def comparison_rows(p: dict[str, Any], q: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(what, you, reference) rows of the side-by-side comparison."""
    from vdc.session.grade import format_value

    rows = [
        ("outcome", OUTCOME_MARK[p["outcome"]], OUTCOME_MARK[q["outcome"]]),
        ("score", f"{p['score']:.1f}", f"{q['score']:.1f}"),
        ("stars", stars_text(p["stars"]), stars_text(q["stars"])),
    ]
    def cell(o: dict[str, Any] | None) -> str:
        return "—" if o is None else f"{'✔' if o['met'] else '✘'} {format_value(o['kind'], o['value'])}"

    for oid in list(p["objectives"]) + [k for k in q["objectives"] if k not in p["objectives"]]:
        rows.append((f"objective {oid}", cell(p["objectives"].get(oid)), cell(q["objectives"].get(oid))))
    for svc in list(p["service_down_s"]) + [k for k in q["service_down_s"] if k not in p["service_down_s"]]:
        a, b = p["service_down_s"].get(svc), q["service_down_s"].get(svc)
        rows.append((f"{svc} down", "—" if a is None else duration(a), "—" if b is None else duration(b)))
    rows += [
        ("VM downtime (all VMs)", duration(p["vm_down_s"]), duration(q["vm_down_s"])),
        ("commands", f"{p['commands_accepted']} accepted, {p['commands_rejected']} rejected",
         f"{q['commands_accepted']} accepted, {q['commands_rejected']} rejected"),
        ("mistakes found", str(p["mistakes"]), str(q["mistakes"])),
    ]
    return rows
