"""Provides the state digest: SHA-256 over a canonical form of the simulation's state.

Taken every `DIGEST_EVERY_S` sim-seconds and at the end; a replay that reaches the same digests
ran the same game. Sorted keys and floats rounded to 1e-4, arrays in a fixed dtype and byte
order, so a digest is the same on every platform and under any PYTHONHASHSEED. Parts that a
mechanic adds (licences, tasks, snapshots, HA, DRS) appear only in runs that used it, so older
saves keep their digests.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

import numpy as np

from vdc.sim.snapshots import chain as snapshot_chain
from vdc.sim.vsan.state import vsan_datastores

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation
    from vdc.sim.tasks import TaskList


class DigestCache:
    """What the last digest wrote of the parts that seldom change, so the next one writes only
    what did: each host's JSON by its state and links, each service's downtime as JSON, and the
    rounded bytes of each hashed array by its raw bytes. Every entry is keyed by exactly what it
    was made from, so it is never stale; a copy or a pickle of it (a replay checkpoint) starts
    empty: not model state, and megabytes at enterprise size."""

    __slots__ = ("hosts", "services", "service_json", "arrays")

    def __init__(self) -> None:
        self.hosts: dict[str, tuple[tuple[object, ...], str]] = {}
        self.services = np.zeros(0)
        self.service_json: list[str] = []
        self.arrays: list[tuple[str, bytes, bytes]] = []

    def __reduce__(self) -> tuple[type[DigestCache], tuple[()]]:
        return (DigestCache, ())


def _r(x: float) -> float:
    return round(float(x), 4)


def _hosts_json(sim: Simulation, cache: DigestCache) -> str:
    """The "hosts" part: per host [state, [link_up per NIC]], sorted by name. A host's state
    shows maintenance mode beside "off" or "failed" ("off+maintenance"); "maintenance" alone is
    on in it, and a booting host's mode shows when it is up (older saves keep theirs)."""
    kept = cache.hosts
    parts: dict[str, str] = {}
    for h in sim.inv.hosts.values():
        links = tuple([n.link_up for n in h.nics.values()])
        key = (h.state, h.maintenance, links)
        old = kept.get(h.name)
        if old is None or old[0] != key:
            state = h.state + ("+maintenance" if h.maintenance and h.state in ("off", "failed") else "")
            old = kept[h.name] = (key, _dumps([state, list(links)]))
        parts[h.name] = old[1]
    return "{" + ",".join([f"{json.dumps(k)}:{parts[k]}" for k in sorted(parts)]) + "}"


def _services_json(down: np.ndarray, cache: DigestCache) -> str:
    """The "services" part: each service's downtime rounded; only the changed ones written again."""
    if cache.services.shape != down.shape:
        cache.service_json = [_dumps(_r(x)) for x in down.tolist()]
    else:
        for i in np.flatnonzero(down != cache.services).tolist():
            cache.service_json[i] = _dumps(_r(down[i]))
    cache.services = down.copy()
    return "[" + ",".join(cache.service_json) + "]"


def _array_bytes(arrays: tuple[np.ndarray, ...], cache: DigestCache) -> list[bytes]:
    """Each array rounded to 1e-4 in a fixed dtype and byte order (the same on every platform);
    an array whose raw bytes are what they were is not converted again."""
    kept = cache.arrays
    out: list[bytes] = []
    for k, arr in enumerate(arrays):
        a = np.asarray(arr)
        raw = a.tobytes()
        if k < len(kept) and kept[k][0] == a.dtype.str and kept[k][1] == raw:
            out.append(kept[k][2])
            continue
        rounded = np.round(np.asarray(a, dtype="<f8"), 4).tobytes()
        entry = (a.dtype.str, raw, rounded)
        if k < len(kept):
            kept[k] = entry
        else:
            kept.append(entry)
        out.append(rounded)
    return out


def state_digest(sim: Simulation) -> str:
    """SHA-256 over a canonical form of the state (sorted keys, floats rounded to 1e-4)."""
    s = sim.sampler.current()
    cache = sim.digest_cache
    r = _r
    head: dict[str, object] = {
        "t": r(sim.env.now),
        "names": s.names_hash,
        "ds": {d.name: r(d.other_used) for d in sim.inv.datastores.values()},
        "energy": r(sim.metrics.energy_kwh),
        "commands": sim.accepted_commands,
        "events": len(sim.log),
    }
    if sim.edition != sim.level.level.edition or sim.spent:
        # Only runs that bought something carry these (older saves keep their digests).
        head["licence"] = [sim.edition, r(sim.spent)]
    encoded: dict[str, str] = {
        "hosts": _hosts_json(sim, cache),
        "services": _services_json(sim.metrics.service_down, cache),
    }
    if sim.tasks.tasks:
        # Only runs with migrations, maintenance or reboots carry these.
        encoded["tasks"] = _tasks_json(sim.tasks)
    chains = snapshot_chain.digest_json(sim)
    if chains:  # only runs that took snapshots carry them
        encoded["snapshots"] = chains
    if sim.ha.active:
        head["ha"] = sim.ha.digest_part()  # only runs where HA acted (older saves keep theirs)
    if vsan_datastores(sim):
        head["vsan"] = sim.vsan.digest_part()  # only levels with a vSAN datastore
    if sim.drs.active:
        head["drs"] = sim.drs.digest_part(sim)  # only runs where DRS was on or configured
    h = hashlib.sha256(head_json(head, encoded).encode())
    for b in _array_bytes((
        s.vm_on, s.vm_host, s.vm_vcpu, s.vm_memory, s.vm_prof, s.vm_ok, s.vm_up_at,
        s.disk_used, s.vm_downtime, s.vm_ready_peak,
    ), cache):
        h.update(b)
    return h.hexdigest()


def _dumps(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def head_json(head: dict[str, object], encoded: dict[str, str]) -> str:
    """`_dumps({**head, **decoded(encoded)})`, byte for byte, with the values of `encoded`
    already in JSON (the task rows: thousands at enterprise size, most of them final)."""
    parts = {k: _dumps(v) for k, v in head.items()}
    parts.update(encoded)
    return "{" + ",".join(f"{json.dumps(k)}:{parts[k]}" for k in sorted(parts)) + "}"


def _tasks_json(tasks: TaskList) -> str:
    """The JSON list of every task's [kind, subject, target, state]; the rows of the leading
    finished tasks are kept from the last digest (a finished task changes no more)."""
    rows, every = tasks.digest_rows, tasks.tasks
    n = len(rows)
    while n < len(every) and not every[n].active:
        k = every[n]
        rows.append(_dumps([k.kind, k.subject, k.target, k.state]))
        n += 1
    tail = [_dumps([k.kind, k.subject, k.target, k.state]) for k in every[n:]]
    return "[" + ",".join(rows + tail) + "]"
