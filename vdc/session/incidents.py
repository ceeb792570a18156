"""Provides the incidents of a run and how long the player took to recover from each one.

A trainer comparing a cohort asks "how fast did they get the services back after the host
died?". An incident is the start of a trouble the level throws (a scripted `[[events]]` entry
or a drawn `[[incidents]]` one — host failure, load spike, uplink down, datastore fill, …; not
its warning, its end or a message). The time to recover from it is measured on the services:
from the incident until every service outage that was going on at its moment or began before
the next incident is over. No outage in that window: recovered at once (0 s). An outage still
going on when the run stopped: not recovered (None).
"""

from __future__ import annotations

from typing import Any

TROUBLE = ("load_spike", "profile_change", "host_failure", "host_isolated", "uplink_down",
           "upstream_down", "trunk_prune", "datastore_fill", "bad_change", "guest_hang",
           "disk_failure", "datastore_apd", "datastore_pdl")
"""Timeline operations that start a trouble (their `_end` / `_up` / `_recover` do not)."""


def _subject(params: dict[str, object]) -> str:
    for key in ("host", "vm", "datastore"):
        if params.get(key):
            return str(params[key])
    targets = params.get("targets")
    return ",".join(str(x) for x in targets) if isinstance(targets, list) else ""


def incidents(timeline: list[Any], end: float) -> list[dict[str, Any]]:
    """The incidents of a simulation's timeline (`sim.timeline`) up to `end`, in time order."""
    return [{"t": float(a.t), "kind": a.op, "subject": _subject(a.params), "origin": a.origin}
            for a in timeline if a.op in TROUBLE and a.t <= end]


def recoveries(found: list[dict[str, Any]], services: list[dict[str, Any]],
               end: float) -> list[dict[str, Any]]:
    """Each incident with `recovery_s` (None: not recovered by `end`) and the services that
    were down after it. `services` are the report's `downtime.services` (with `outages`)."""
    out = []
    for i, inc in enumerate(found):
        t = inc["t"]
        until = next((f["t"] for f in found[i + 1:] if f["t"] > t), end)
        hit: dict[str, float] = {}
        for svc in services:
            for o in svc["outages"]:
                if o["end"] > t and (o["start"] <= t or o["start"] < until):
                    hit[svc["name"]] = max(hit.get(svc["name"], t), o["end"])
        last = max(hit.values(), default=t)
        still_down = bool(hit) and last >= end and _down_at_end(services, hit, end)
        out.append(inc | {"services": sorted(hit),
                          "recovery_s": None if still_down else round(last - t, 3)})
    return out


def _down_at_end(services: list[dict[str, Any]], hit: dict[str, float], end: float) -> bool:
    """Whether one of the hit services was still down when the run stopped."""
    return any(o["end"] >= end for s in services if s["name"] in hit for o in s["outages"])
