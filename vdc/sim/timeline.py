"""Provides the level's timeline: scripted events and seeded random incidents, fixed up front.

Everything the level will throw at the player is expanded here, before the first sample, into
one sorted list of `Action`s (start and end of every effect, advance warnings). Random incidents
are drawn from their own RNG stream per `[[incidents]]` entry, so nothing the player does can
shift them, and adding one entry does not change the draws of another.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vdc.rng import Streams
from vdc.scenario import schema
from vdc.scenario.names import expand


@dataclass(frozen=True, slots=True)
class Action:
    """One timeline step: at time t, do `op` with `params` (applied by the engine)."""

    t: float
    op: str
    params: dict[str, object] = field(default_factory=dict, hash=False, compare=False)
    origin: str = "event"  # "event" (scripted) or "incident" (random)

    # Typed access for the engine: the timeline put each value in with the type its key says.
    def text(self, key: str) -> str:
        return str(self.params[key])

    def number(self, key: str) -> float:
        v = self.params[key]
        if not isinstance(v, int | float):
            raise TypeError(f"{self.op} {key} is {v!r}, not a number")
        return float(v)

    def names(self, key: str) -> list[str]:
        v = self.params[key]
        if not isinstance(v, list):
            raise TypeError(f"{self.op} {key} is {v!r}, not a list of names")
        return [str(x) for x in v]


def _describe(e: schema.Event) -> str:
    """Default warning text for an event with advance warning."""
    targets = ", ".join(e.targets or [])
    k = e.kind
    if k == "load_spike":
        return f"a load spike ×{e.factor or 1:g} on {targets}"
    if k == "profile_change":
        return f"workload change to '{e.profile}' on {targets}"
    if k == "datastore_fill":
        return f"{e.datastore} gets {e.gib or 0:g} GiB of other data"
    return {
        "host_failure": f"{e.host} is expected to fail",
        "host_recover": f"{e.host} comes back",
        "host_isolated": f"{e.host} loses its management network",
        "uplink_down": f"{e.host} {e.uplink} goes down",
        "uplink_up": f"{e.host} {e.uplink} comes back",
        "upstream_down": f"the switch upstream of {e.host} {e.uplink} fails",
        "upstream_up": f"the switch upstream of {e.host} {e.uplink} is repaired",
        "trunk_prune": f"VLAN {e.vlan} is removed from {e.host}'s switch ports",
        "uplink_flap": f"{e.host} {e.uplink} starts flapping",
        "bad_change": f"a risky change is applied to {e.vm}",
        "disk_failure": f"a vSAN capacity device of {e.host} is failing",
        "datastore_apd": f"{e.datastore} is about to lose all its paths",
        "datastore_pdl": f"{e.datastore} is about to be lost for good",
        "guest_hang": f"{e.vm}'s guest OS is likely to hang",
    }.get(k, e.text or "")


def _event_actions(e: schema.Event, origin: str = "event") -> list[Action]:
    """The actions of one event: an optional warning, the start, and the end of its effect."""
    out: list[Action] = []
    p = e.model_dump(exclude_none=True)
    if e.warning:
        text = e.warning_text or f"in {e.warning:g} s: {_describe(e)}"
        out.append(Action(e.at - e.warning, "warning", {"text": text, "subject": _subject(e)}, origin))
    out.append(Action(e.at, e.kind, p, origin))
    if e.duration is not None:
        end = {
            "load_spike": "load_spike_end",
            "host_isolated": "host_isolated_end",
            "bad_change": "bad_change_end",
            "host_failure": "host_recover",
            "uplink_down": "uplink_up",
            "upstream_down": "upstream_up",
            "uplink_flap": "uplink_flap_end",
            "datastore_apd": "datastore_apd_end",
        }.get(e.kind)
        if end is not None:
            out.append(Action(e.at + e.duration, end, p, origin))
    return out


def _subject(e: schema.Event) -> str:
    return e.host or e.vm or e.datastore or ",".join(e.targets or []) or "level"


def build(level: schema.Level, streams: Streams) -> list[Action]:
    """All actions of the level, sorted by time (stable: file order breaks ties)."""
    actions: list[Action] = []
    for e in level.events:
        actions.extend(_event_actions(e))
    actions.extend(draw_incidents(level, streams))
    duration = float(level.level.duration)
    actions = [a for a in actions if a.t <= duration]
    actions.sort(key=lambda a: a.t)  # sort is stable
    return actions


def draw_incidents(level: schema.Level, streams: Streams) -> list[Action]:
    """Poisson arrivals per `[[incidents]]` entry, each from its own stream."""
    vms = [v.name for v in level.vms]
    hosts = [h.name for h in level.hosts if h.hypervisor != "none"]
    datastores = [d.name for d in level.datastores]
    host_nics = {h.name: [n.name for n in h.nics] for h in level.hosts}
    host_disks = {h.name: len(h.vsan_disks) for h in level.hosts}
    vlans = sorted({pg.vlan for n in level.networks for pg in n.portgroups if pg.vmkernel is None})
    host_vlans: dict[str, list[int]] = {}

    def vlans_on(host: str) -> list[int]:
        """The VLANs a change window would be pruning for a reason: those of the VMs the level
        places on `host`, else those of the VM port groups of its vSwitches, else any."""
        if host not in host_vlans:
            pgs = {pg.name: pg.vlan for n in level.networks if expand(n.hosts, [host])
                   for pg in n.portgroups if pg.vmkernel is None}
            used = {pgs[c.portgroup] for v in level.vms if v.host == host for c in v.nics
                    if c.portgroup in pgs}
            host_vlans[host] = sorted(used or set(pgs.values()))
        return host_vlans[host] or vlans

    out: list[Action] = []
    for i, inc in enumerate(level.incidents):
        rng = streams.py(f"incident:{i}:{inc.kind}")
        pool = {
            "load_spike": vms,
            "bad_change": vms,
            "host_failure": hosts,
            "uplink_down": [h for h in hosts if host_nics[h]],
            "upstream_down": [h for h in hosts if host_nics[h]],
            "uplink_flap": [h for h in hosts if host_nics[h]],
            "trunk_prune": [h for h in hosts if host_nics[h]] if vlans else [],
            "datastore_fill": datastores,
            "disk_failure": [h for h in hosts if host_disks[h]],
        }[inc.kind]
        targets = expand(inc.targets, pool)
        if not targets:
            continue
        end = float(inc.end if inc.end is not None else level.level.duration)
        t = float(inc.start)
        rate = inc.rate_per_hour / 3600.0
        while True:
            t += rng.expovariate(rate)
            if t >= end:
                break
            target = targets[rng.randrange(len(targets))]
            at = round(t, 1)
            kw: dict[str, object] = {"at": at, "kind": inc.kind, "warning": inc.warning}
            if inc.kind == "load_spike":
                kw |= {"targets": [target], "factor": inc.factor, "duration": inc.duration}
            elif inc.kind == "bad_change":
                kw |= {"vm": target, "duration": inc.duration}
            elif inc.kind == "host_failure":
                kw |= {"host": target, "duration": inc.duration}
            elif inc.kind == "disk_failure":
                kw |= {"host": target, "device": rng.randrange(host_disks[target]) + 1}
            elif inc.kind in ("uplink_down", "upstream_down", "uplink_flap"):
                nics = host_nics[target]
                kw |= {"host": target, "uplink": nics[rng.randrange(len(nics))], "duration": inc.duration}
            elif inc.kind == "trunk_prune":  # one switch port loses one VM VLAN, until fixed
                nics = host_nics[target]
                on = vlans_on(target)
                kw |= {"host": target, "uplink": nics[rng.randrange(len(nics))],
                       "vlan": on[rng.randrange(len(on))]}
            else:
                kw |= {"datastore": target, "gib": inc.gib}
                if "duration" in inc.model_fields_set:  # spread over it; else all at once
                    kw["duration"] = inc.duration
            if inc.warning is not None and inc.warning > at:
                kw["warning"] = None
            out.extend(_event_actions(schema.Event.model_validate(kw), origin="incident"))
    return out
