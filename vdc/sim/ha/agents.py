"""Provides vSphere HA: per-cluster roles, failure and isolation detection, and VM restarts.

HA runs on the hosts (the FDM agents), so it works while vCenter is down. Per cluster with HA
on, one connected host is the primary — deterministically the first by name among the hosts
that are up and reachable — and the others are secondaries (design/sim-facts.md §1–2):

- a secondary that fails is declared dead 18 s later (15 s when it has no heartbeat datastore);
  a failed primary is declared dead after 50 s, a new primary being elected at 25 s;
- after the declaration HA places the protected VMs (placement takes U(10, 15) s, drawn from
  the stream `ha:placement`), then powers them on in priority groups, highest first, in
  batches of 32; each VM is back after its own `boot_s`;
- a VM goes to a host of its cluster that is up, sees its datastores, LUNs and port groups and
  has the unreserved CPU and memory for its reservations — dedicated failover hosts first,
  then the host with the most unreserved memory (ties: the least configured memory in use,
  then the name); if none fits, `ha_restart_failed` says why and
  HA retries later (and whenever a host comes up); a VM whose disks only the dead host could
  see stays down;
- an isolated host (management network lost, datastore heartbeats still written) is declared
  isolated at 5 s (primary) or 30 s (secondary); its VMs keep running and keep their file
  locks, unless the isolation response powers them off (shutdown: a guest with tools takes
  `GUEST_SHUTDOWN_S`, capped at 300 s; without tools it is a power-off) — then they restart
  elsewhere like a failed host's VMs.

Every callback is a module function scheduled with `sim.after`: the state is plain data and
copies with the simulation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from vdc.sim import affinity

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation
    from vdc.sim.model import HaSettings, Host, Vm
    from vdc.sim.tasks import Task

DEAD_WITH_HBDS_S = 18.0
"""A failed secondary is declared dead this long after it stopped (heartbeat datastores)."""
DEAD_NO_HBDS_S = 15.0
"""… and this long without heartbeat datastores."""
ELECTION_DONE_S = 25.0
"""A new primary is elected this long after the old one was lost."""
OLD_PRIMARY_DEAD_S = 50.0
"""A failed primary is declared dead (restarts begin) this long after it stopped."""
ISO_PRIMARY_S = 5.0
"""An isolated primary declares itself isolated after 5 s …"""
ISO_SECONDARY_S = 30.0
"""… an isolated secondary after 30 s (it first holds an election of one)."""
ISOLATION_POLICY_DELAY_S = 0.0
"""[assumption] Extra wait before the isolation response (the API's 30 s
`fdm.isolationPolicyDelaySec`, folded into the declaration as the fact sheet allows)."""
PLACEMENT_S = (10.0, 15.0)
"""Placement work after a failure is declared: uniform in this range, in seconds."""
BATCH_SIZE = 32
"""Power-ons are issued in batches of 32 VMs."""
BATCH_S = 2.0
"""[assumption] Seconds a batch of power-ons takes before the next batch (or priority group)
starts, so that higher priorities come back first."""
GUEST_SHUTDOWN_S = 60.0
"""[assumption] Seconds a guest with tools takes to shut down for the isolation response."""
SHUTDOWN_TIMEOUT_S = 300.0
"""A guest that has not shut down after 300 s is powered off."""
RETRY_DELAYS_S = (120.0, 240.0, 480.0, 960.0)
"""[assumption] Waits before the 2nd…5th placement try of VMs that did not fit
(the commonly quoted T+2/6/14/30 min schedule); a host coming up always triggers a try."""
PRIORITIES = ("highest", "high", "medium", "low", "lowest")
"""Restart order; "disabled" VMs are not protected."""


@dataclass
class Restart:
    """A VM HA is bringing back."""

    vm: str
    task: int
    """Task id in `sim.tasks`."""
    down_at: float
    eligible_at: float
    """Placement may pick it from this time (declaration + placement delay)."""
    host: str = ""
    """The host it was assigned to (empty while waiting)."""
    up_at: float = 0.0


@dataclass
class ClusterHa:
    """The HA agents' view of one cluster."""

    name: str
    primary: str | None = None
    roles: dict[str, str] = field(default_factory=dict)
    """host → primary | secondary | unreachable | dead | isolated ("" = not in HA: off)."""
    epoch: dict[str, int] = field(default_factory=dict)
    """host → counter bumped by each failure/isolation/return (stale timers do nothing)."""
    lost: dict[str, list[str]] = field(default_factory=dict)
    """host → protected VMs that went down with it, waiting for the declaration."""
    failed_at: dict[str, float] = field(default_factory=dict)
    """host → when it failed (the VMs' downtime starts there)."""
    queue: list[Restart] = field(default_factory=list)
    tries: int = 0
    """Placement tries since the queue last emptied."""


@dataclass
class HaState:
    clusters: dict[str, ClusterHa] = field(default_factory=dict)
    restarts: int = 0
    """VMs HA brought back (the `ha_restarts` metric)."""
    active: bool = False
    """Something happened (a detection or a setting changed): the digest then includes HA."""

    def digest_part(self) -> dict[str, object]:
        return {
            "restarts": self.restarts,
            "clusters": {
                c.name: [c.primary or "", [c.roles.get(h, "") for h in sorted(c.roles)],
                         [[r.vm, r.host] for r in c.queue]]
                for c in self.clusters.values()
            },
        }


# --------------------------------------------------------------------- reading


def settings(sim: Simulation, cluster: str) -> HaSettings:
    return sim.inv.clusters[cluster].ha


def enabled(sim: Simulation, cluster: str | None) -> bool:
    return cluster is not None and cluster in sim.inv.clusters and settings(sim, cluster).enabled


def host_role(sim: Simulation, host: str) -> str:
    """The HA state word of a host ("" when its cluster has no HA)."""
    h = sim.inv.hosts[host]
    if not enabled(sim, h.cluster):
        return ""
    return sim.ha.clusters[h.cluster].roles.get(host, "")  # type: ignore[index]


def has_heartbeat_datastore(sim: Simulation, host: str) -> bool:
    """Whether the host writes datastore heartbeats another host can read (a shared datastore)."""
    return any(
        host in d.hosts and len(d.hosts) > 1 and d.type != "local"
        for d in sim.inv.datastores.values()
    )


def _connected(sim: Simulation, cl: ClusterHa) -> list[str]:
    """Hosts up and reachable over the management network, by name."""
    return sorted(h for h in sim.inv.clusters[cl.name].hosts
                  if sim.inv.hosts[h].state == "on" and cl.roles.get(h) != "isolated")


def build(sim: Simulation) -> HaState:
    st = HaState()
    for c in sim.inv.clusters.values():
        st.clusters[c.name] = ClusterHa(c.name)
        if c.ha.enabled:
            configure(sim, st.clusters[c.name])
    return st


def configure(sim: Simulation, cl: ClusterHa) -> None:
    """(Re)start the agents of a cluster: roles from the hosts' states, a primary elected."""
    cl.roles = {}
    for h in sim.inv.clusters[cl.name].hosts:
        state = sim.inv.hosts[h].state
        cl.roles[h] = {"failed": "dead", "isolated": "isolated", "on": "secondary"}.get(state, "")
    cl.primary = None
    _elect_now(sim, cl)


def _elect_now(sim: Simulation, cl: ClusterHa) -> str | None:
    up = _connected(sim, cl)
    if cl.primary in up:
        return cl.primary
    cl.primary = up[0] if up else None
    for h in up:
        cl.roles[h] = "primary" if h == cl.primary else "secondary"
    return cl.primary


def _bump(cl: ClusterHa, host: str) -> int:
    cl.epoch[host] = cl.epoch.get(host, 0) + 1
    return cl.epoch[host]


def _cluster_of(sim: Simulation, host: str) -> ClusterHa | None:
    c = sim.inv.hosts[host].cluster
    return sim.ha.clusters[c] if enabled(sim, c) else None  # type: ignore[index]


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


# --------------------------------------------------------------------- failure


def host_failed(sim: Simulation, host: str, down: list[str]) -> None:
    """Hook: `host` crashed and `down` (its VMs that were on) went down with it."""
    cl = _cluster_of(sim, host)
    if cl is None:
        return
    sim.ha.active = True
    ep = _bump(cl, host)
    cl.lost[host] = [v for v in down if sim.inv.vms[v].ha_priority != "disabled"]
    cl.failed_at[host] = sim.now
    cl.roles[host] = "unreachable"
    if cl.primary == host:
        cl.primary = None
        sim.after(ELECTION_DONE_S, _elect, sim, cl.name)
        delay = OLD_PRIMARY_DEAD_S
    else:
        delay = DEAD_WITH_HBDS_S if has_heartbeat_datastore(sim, host) else DEAD_NO_HBDS_S
    sim.after(delay, _declare_dead, sim, cl.name, host, ep)


def _elect(sim: Simulation, cluster: str) -> None:
    if not enabled(sim, cluster):
        return
    cl = sim.ha.clusters[cluster]
    old = cl.primary
    new = _elect_now(sim, cl)
    if new is not None and new != old:
        sim.log.add(sim.now, "ha_primary_elected", new,
                    f"HA agents of {cluster} elected {new} as their new primary")


def _declare_dead(sim: Simulation, cluster: str, host: str, ep: int) -> None:
    if not enabled(sim, cluster):
        return
    cl = sim.ha.clusters[cluster]
    if cl.epoch.get(host) != ep or sim.inv.hosts[host].state != "failed":
        return
    cl.roles[host] = "dead"
    vms = cl.lost.pop(host, [])
    why = "no network or datastore heartbeats, no ping"
    what = f"{len(vms)} VM(s) to restart: {', '.join(vms)}" if vms else "no VMs to restart"
    sim.log.add(sim.now, "ha_failure_detected", host, f"HA declared {host} dead ({why}); {what}")
    enqueue(sim, cl, vms, cl.failed_at.get(host, sim.now))


def enqueue(sim: Simulation, cl: ClusterHa, vms: list[str], down_at: float) -> None:
    """Queue VMs for restart: placement picks them after the placement delay."""
    if not vms:
        return
    delay = sim.streams.py("ha:placement").uniform(*PLACEMENT_S)
    at = sim.now + delay
    queued = {r.vm for r in cl.queue}
    new = [Restart(v, 0, down_at, at) for v in dict.fromkeys(vms) if v not in queued]
    for r in _order(sim, new):  # tasks in restart order
        r.task = sim.tasks.add("ha_restart", r.vm, "", sim.now, detail="waiting for placement").id
        cl.queue.append(r)
    cl.tries = 0
    sim.after(delay, place, sim, cl.name)


# --------------------------------------------------------------------- placement


def _task(sim: Simulation, r: Restart) -> Task:
    return sim.tasks.tasks[r.task - 1]


Extra = dict[str, tuple[float, float, float]]
"""host → (CPU MHz reserved, GiB reserved, GiB configured) by VMs placed in this try."""


def _reserved(sim: Simulation, host: str, extra: Extra) -> tuple[float, float, float]:
    """(CPU reserved, memory reserved, memory configured) of the VMs on `host`."""
    cpu = mem = conf = 0.0
    for v in sim.inv.vms_on(host):  # in inventory order, as a scan of every VM: the same sums
        if v.power == "on":
            cpu += v.cpu_reservation
            mem += v.mem_reservation
            conf += v.memory
    e = extra.get(host, (0.0, 0.0, 0.0))
    return cpu + e[0], mem + e[1], conf + e[2]


def _unfit(sim: Simulation, vm: Vm, h: Host, extra: Extra,
           placed: dict[str, list[str]] | None = None) -> str | None:
    """Why `vm` cannot restart on `h` now (None if it can): room, storage, network, and the
    required DRS rules (`placed`: VMs this try already put on hosts)."""
    mounted = sim.inv.mounted(h.name)
    for d in vm.disks:
        if d.datastore is not None and d.datastore not in mounted:
            return f"{h.name} does not mount {d.datastore}"
        if d.lun is not None and d.lun not in h.luns:
            return f"{h.name} cannot see LUN {d.lun}"
    for n in vm.nics:
        if h.portgroup(n.portgroup) is None:
            return f"{h.name} has no port group {n.portgroup}"
    storage = sim.storage_refusal(vm, h.name)
    if storage is not None:
        return storage
    if vm.vcpu > h.cores:
        return f"{h.name} has only {h.cores} cores"
    cpu, mem, _ = _reserved(sim, h.name, extra)
    if vm.mem_reservation > h.memory - mem + 1e-9:
        return f"{h.name} has {_fmt(h.memory - mem)} GiB unreserved memory"
    if vm.cpu_reservation > h.capacity_mhz - cpu + 1e-9:
        return f"{h.name} has {h.capacity_mhz - cpu:.0f} MHz unreserved CPU"
    return affinity.refusal(sim, vm, h, placed=placed)


def _stranded(sim: Simulation, vm: Vm, cluster: str) -> str | None:
    """Why no host of the cluster could ever run `vm` (its disks only on lost hosts, its
    vSAN data inaccessible, its datastore lost)."""
    storage = sim.storage_refusal(vm)
    if storage is not None:
        return storage
    hosts = sim.inv.clusters[cluster].hosts
    for d in vm.disks:
        if d.datastore is None:
            continue
        ds = sim.inv.datastores[d.datastore]
        if not any(h in hosts and h != vm.host and sim.inv.hosts[h].state != "failed" for h in ds.hosts):
            only = ", ".join(ds.hosts) or "no host"
            return f"its disk is on {ds.name}, which only {only} mounts"
    return None


def _candidates(sim: Simulation, cl: ClusterHa, extra: Extra) -> list[Host]:
    spare = list(settings(sim, cl.name).failover_hosts)
    hosts = [sim.inv.hosts[h] for h in _connected(sim, cl) if sim.inv.hosts[h].accepts_vms]

    def key(h: Host) -> tuple[int, float, float, str]:
        _, res, conf = _reserved(sim, h.name, extra)
        return (0 if h.name in spare else 1, -(h.memory - res), -(h.memory - conf), h.name)

    return sorted(hosts, key=key)


def _order(sim: Simulation, queue: list[Restart]) -> list[Restart]:
    index = {n: i for i, n in enumerate(sim.inv.vms)}

    def key(r: Restart) -> tuple[int, float, float, int]:
        v = sim.inv.vms[r.vm]
        p = PRIORITIES.index(v.ha_priority) if v.ha_priority in PRIORITIES else len(PRIORITIES)
        return (p, -v.mem_reservation, -v.cpu_reservation, index[r.vm])

    return sorted(queue, key=key)


def place(sim: Simulation, cluster: str, counted: bool = True) -> None:
    """One placement try: assign waiting VMs to hosts, then power them on group by group."""
    if not enabled(sim, cluster):
        return
    cl = sim.ha.clusters[cluster]
    now = sim.now
    waiting = [r for r in cl.queue if not r.host and r.eligible_at <= now + 1e-9]
    if not waiting:
        return
    extra: Extra = {}
    placed: dict[str, list[str]] = {}
    batches: list[list[Restart]] = []
    group = None
    failed: list[tuple[Restart, str, bool]] = []
    for r in _order(sim, waiting):
        vm = sim.inv.vms[r.vm]
        if vm.power == "on":
            _drop(sim, cl, r, ok=True, detail=f"{vm.name} was powered on by hand")
            continue
        if vm.ha_priority == "disabled":
            _drop(sim, cl, r, ok=False, detail="its restart priority is disabled")
            continue
        stranded = _stranded(sim, vm, cluster)
        if stranded is not None:
            failed.append((r, stranded, True))
            continue
        reasons = []
        target = None
        hosts = _candidates(sim, cl, extra)
        # Preferred rules (should-run-on, keep-together) are kept when a host keeps them.
        hosts.sort(key=lambda h: affinity.refusal(sim, vm, h, soft=True, placed=placed) is not None)
        for h in hosts:
            why = _unfit(sim, vm, h, extra, placed)
            if why is None:
                target = h
                break
            reasons.append(why)
        if target is None:
            failed.append((r, "; ".join(reasons) or f"no host of {cluster} is up", False))
            continue
        e = extra.get(target.name, (0.0, 0.0, 0.0))
        extra[target.name] = (e[0] + vm.cpu_reservation, e[1] + vm.mem_reservation, e[2] + vm.memory)
        placed.setdefault(target.name, []).append(vm.name)
        r.host = target.name
        if group != vm.ha_priority or len(batches[-1]) >= BATCH_SIZE:
            batches.append([])
            group = vm.ha_priority
        batches[-1].append(r)
    for k, batch in enumerate(batches):
        names = [r.vm for r in batch]
        if k == 0:
            power_on_batch(sim, cluster, names)
        else:
            sim.after(k * BATCH_S, power_on_batch, sim, cluster, names)
    retry = False
    for r, why, final in failed:
        sim.log.add(now, "ha_restart_failed", r.vm, f"HA cannot restart {r.vm}: {why}"
                    + ("; it stays down" if final else "; HA will try again"))
        if final:
            _drop(sim, cl, r, ok=False, detail=why)
        else:
            _task(sim, r).detail = f"waiting for capacity: {why}"
            sim.tasks.version += 1
            retry = True
    if retry and counted:
        cl.tries += 1
        if cl.tries <= len(RETRY_DELAYS_S):
            sim.after(RETRY_DELAYS_S[cl.tries - 1], place, sim, cluster)


def _drop(sim: Simulation, cl: ClusterHa, r: Restart, *, ok: bool, detail: str) -> None:
    sim.tasks.finish(_task(sim, r), sim.now, ok=ok, detail=detail)
    cl.queue = [q for q in cl.queue if q is not r]


def power_on_batch(sim: Simulation, cluster: str, names: list[str]) -> None:
    """Power on VMs placed on their hosts (each is back after its boot time)."""
    if not enabled(sim, cluster):
        return
    cl = sim.ha.clusters[cluster]
    now = sim.now
    retry = False
    for name in names:
        r = next((q for q in cl.queue if q.vm == name), None)
        if r is None or not r.host:
            continue
        vm = sim.inv.vms[name]
        h = sim.inv.hosts[r.host]
        if vm.power == "on":
            _drop(sim, cl, r, ok=True, detail=f"{vm.name} was powered on by hand")
            continue
        why = None if h.accepts_vms else f"{h.name} is {h.state}"
        why = why or _unfit(sim, vm, h, {})
        if why is not None:  # the host changed since placement: back to the queue
            r.host = ""
            r.eligible_at = now
            retry = True
            continue
        vm.host = h.name
        vm.power = "on"
        vm.up_at = now + vm.boot_s
        r.up_at = vm.up_at
        sim.touch(keeps_network=True, keeps_hardware=True)  # placed and powered on: its paths are worked out again
        sim.tasks.tasks[r.task - 1].target = h.name
        sim.tasks.start(_task(sim, r), now, vm.up_at, detail=f"booting on {h.name}")
        sim.log.add(now, "ha_restart_started", name,
                    f"HA restarts {name} on {h.name} (priority {vm.ha_priority}); "
                    f"up in {_fmt(vm.boot_s)} s")
        sim.after(vm.boot_s, _restarted, sim, cluster, name, vm.up_at)
    if retry:
        sim.start(place, sim, cluster, False)


def _restarted(sim: Simulation, cluster: str, name: str, up_at: float) -> None:
    cl = sim.ha.clusters[cluster]
    r = next((q for q in cl.queue if q.vm == name and q.up_at == up_at), None)
    if r is None:
        return
    vm = sim.inv.vms[name]
    if vm.power == "on" and vm.up_at == up_at and vm.host == r.host:
        sim.ha.restarts += 1
        sim.log.add(sim.now, "vm_restarted", name,
                    f"{name} is back on {vm.host} after an HA restart "
                    f"(down {_fmt(sim.now - r.down_at)} s)")
        _drop(sim, cl, r, ok=True, detail=f"running on {vm.host}")
    else:
        _drop(sim, cl, r, ok=False, detail=f"{name} went down again while booting")


# --------------------------------------------------------------------- isolation, return


def host_isolated(sim: Simulation, host: str) -> None:
    """Hook: `host` lost its management network (its VMs keep running)."""
    cl = _cluster_of(sim, host)
    if cl is None:
        return
    sim.ha.active = True
    ep = _bump(cl, host)
    was_primary = cl.primary == host
    cl.roles[host] = "unreachable"
    if was_primary:
        cl.primary = None
        sim.after(ELECTION_DONE_S, _elect, sim, cl.name)
    delay = ISO_PRIMARY_S if was_primary else ISO_SECONDARY_S
    sim.after(delay, _declare_isolated, sim, cl.name, host, ep)


def _declare_isolated(sim: Simulation, cluster: str, host: str, ep: int) -> None:
    if not enabled(sim, cluster):
        return
    cl = sim.ha.clusters[cluster]
    h = sim.inv.hosts[host]
    if cl.epoch.get(host) != ep or h.state != "isolated":
        return
    cl.roles[host] = "isolated"
    response = settings(sim, cluster).isolation_response
    hb = has_heartbeat_datastore(sim, host)
    base = f"{host} declared itself isolated (no management network)"
    if hb:
        base += "; it still writes datastore heartbeats, so its VMs keep running and keep their file locks"
    others = [x for x in _connected(sim, cl) if x != host and sim.inv.hosts[x].accepts_vms]
    if response == "none":
        sim.log.add(sim.now, "ha_host_isolated", host, base + " (isolation response: none)")
        return
    if not others:
        sim.log.add(sim.now, "ha_host_isolated", host,
                    base + f"; no other host could restart them, so the {response} response is not applied")
        return
    sim.log.add(sim.now, "ha_host_isolated", host, base + f"; isolation response: {response}")
    sim.after(ISOLATION_POLICY_DELAY_S, _isolation_response, sim, cluster, host, ep)


def _isolation_response(sim: Simulation, cluster: str, host: str, ep: int) -> None:
    cl = sim.ha.clusters[cluster]
    if cl.epoch.get(host) != ep or sim.inv.hosts[host].state != "isolated" or not enabled(sim, cluster):
        return
    response = settings(sim, cluster).isolation_response
    now_off: list[str] = []
    for v in sim.inv.vms_on(host):
        if v.power != "on" or v.ha_priority == "disabled":
            continue
        if response == "shutdown" and v.has_tools:
            delay = min(GUEST_SHUTDOWN_S, SHUTDOWN_TIMEOUT_S)
            sim.log.add(sim.now, "ha_isolation_response", v.name,
                        f"{host} shuts {v.name} down (isolation response); down in {_fmt(delay)} s")
            sim.after(delay, _guest_down, sim, cluster, host, v.name, ep)
        else:
            now_off.append(v.name)
    if now_off:
        _power_off(sim, cluster, host, now_off, "powered off")


def _guest_down(sim: Simulation, cluster: str, host: str, name: str, ep: int) -> None:
    cl = sim.ha.clusters[cluster]
    vm = sim.inv.vms[name]
    if cl.epoch.get(host) != ep or vm.power != "on" or vm.host != host:
        return
    _power_off(sim, cluster, host, [name], "shut down")


def _power_off(sim: Simulation, cluster: str, host: str, names: list[str], how: str) -> None:
    for n in names:
        sim.inv.vms[n].power = "off"
    sim.touch(keeps_network=True, keeps_hardware=True)
    sim.log.add(sim.now, "ha_isolation_response", host,
                f"{host} {how} {', '.join(names)} (isolation response): their locks are released")
    enqueue(sim, sim.ha.clusters[cluster], names, sim.now)


def host_in_maintenance(sim: Simulation, host: str) -> None:
    """Hook: `host` is in maintenance mode: its agent leaves the cluster's election and
    protects nothing; a primary hands over (the others elect a new one)."""
    cl = _cluster_of(sim, host)
    if cl is None:
        return
    _bump(cl, host)
    cl.roles[host] = "maintenance"
    if cl.primary == host:
        cl.primary = None
        sim.after(ELECTION_DONE_S, _elect, sim, cl.name)


def host_up(sim: Simulation, host: str) -> None:
    """Hook: `host` is up and reachable again (booted, its isolation ended, or it left
    maintenance mode)."""
    cl = _cluster_of(sim, host)
    if cl is None:
        return
    _bump(cl, host)
    cl.roles[host] = "secondary"
    if cl.primary is None:
        _elect(sim, cl.name)
    else:
        cl.roles[cl.primary] = "primary"
    lost = cl.lost.pop(host, [])
    if lost:  # came back before it was declared dead: its VMs restart now
        enqueue(sim, cl, lost, cl.failed_at.get(host, sim.now))
    if any(not r.host for r in cl.queue):
        sim.start(place, sim, cl.name, False)


def disable(sim: Simulation, cluster: str) -> int:
    """HA turned off: queued restarts are dropped (their VMs stay down). Returns how many."""
    cl = sim.ha.clusters[cluster]
    n = len(cl.queue)
    for r in list(cl.queue):
        if r.host and sim.inv.vms[r.vm].power == "on":
            continue  # already powering on: it finishes booting
        _drop(sim, cl, r, ok=False, detail="HA was turned off")
    cl.roles = {}
    cl.primary = None
    cl.lost = {}
    return n
