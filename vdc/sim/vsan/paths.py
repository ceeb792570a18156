"""Provides storage path faults for every datastore: all paths down (APD) and permanent device
loss (PDL), and HA's VM Component Protection (VMCP) against them (design/sim-facts.md §2, §10).

- APD (`datastore_apd`, on some or all of the hosts that mount it): the I/O of the VMs running
  there on that datastore hangs — they run but serve nothing. After `APD_TIMEOUT_S` (140 s,
  `Misc.APDTimeout`) the host declares the device unreachable; if the cluster has HA on and
  `vmcp`, HA waits `VMCP_APD_DELAY_S` (3 min) more, then (restart conservative) kills each VM
  still hung for which a host that sees the datastore can take it, and restarts it there:
  ≈ 320 s after the paths went down. When the paths come back first, the I/O resumes.
- PDL (`datastore_pdl`): the array said the device is gone for good; the VMs running there on
  it fail at once. With VMCP, HA restarts them at once on a host that still sees it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vdc.sim.ha import agents as ha_agents

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation
    from vdc.sim.model import Vm

APD_TIMEOUT_S = 140.0
"""ESXi's `Misc.APDTimeout`: non-VM I/O retried this long, then the device is unreachable."""
VMCP_APD_DELAY_S = 180.0
"""HA's APD response waits a further 3 min after the APD timeout (VMCP acts ≈ 320 s in)."""


def _hosts(sim: Simulation, ds: str, host: str | None) -> list[str]:
    mounts = sim.inv.datastores[ds].hosts
    return [host] if host is not None else list(mounts)


def _on(sim: Simulation, ds: str, host: str) -> list[Vm]:
    """Running VMs on `host` with a disk on `ds`."""
    return [v for v in sim.inv.vms_on(host)
            if v.power == "on" and any(d.datastore == ds for d in v.disks)]


def lost_on(sim: Simulation, ds: str, host: str) -> str | None:
    """Why `host` cannot use `ds` now (None when it can)."""
    if host in sim.vsan.pdl.get(ds, []):
        return f"{ds} is permanently lost on {host} (PDL)"
    if host in sim.vsan.apd.get(ds, {}):
        return f"{host} has no path to {ds} (all paths down)"
    return None


def refusal(sim: Simulation, vm: Vm, host: str | None) -> str | None:
    """Why `vm` cannot run on `host` (or anywhere: every host lost the datastore for good)."""
    for ds in dict.fromkeys(d.datastore for d in vm.disks if d.datastore is not None):
        if host is not None:
            why = lost_on(sim, ds, host)
            if why is not None:
                return why
        elif all(h in sim.vsan.pdl.get(ds, []) for h in sim.inv.datastores[ds].hosts):
            return f"its datastore {ds} is permanently lost (PDL)"
    return None


def hung(sim: Simulation) -> set[str]:
    """Running VMs whose I/O hangs: a disk on a datastore their host has no path to."""
    out: set[str] = set()
    for ds, hosts in sim.vsan.apd.items():
        for h in hosts:
            out.update(v.name for v in _on(sim, ds, h))
    return out


def apd_start(sim: Simulation, ds: str, host: str | None) -> None:
    now = sim.now
    for h in _hosts(sim, ds, host):
        if h in sim.vsan.apd.get(ds, {}) or h in sim.vsan.pdl.get(ds, []):
            continue
        sim.vsan.apd.setdefault(ds, {})[h] = now
        vms = [v.name for v in _on(sim, ds, h)]
        what = f"the I/O of {', '.join(vms)} hangs" if vms else "no running VM uses it there"
        sim.log.add(now, "datastore_apd", ds,
                    f"{h} lost all paths to {ds} (APD): {what}; APD timeout in {APD_TIMEOUT_S:g} s")
        sim.after(APD_TIMEOUT_S, apd_timeout, sim, ds, h, now)
    sim.vsan.version += 1
    sim.touch("health")


def apd_end(sim: Simulation, ds: str, host: str | None) -> None:
    for h in _hosts(sim, ds, host):
        if sim.vsan.apd.get(ds, {}).pop(h, None) is None:
            continue
        vms = [v.name for v in _on(sim, ds, h)]
        what = f"; I/O of {', '.join(vms)} resumes" if vms else ""
        sim.log.add(sim.now, "datastore_paths_restored", ds, f"{h} sees {ds} again{what}")
    if not sim.vsan.apd.get(ds, True):
        del sim.vsan.apd[ds]
    sim.vsan.version += 1
    sim.touch("health")


def apd_timeout(sim: Simulation, ds: str, host: str, since: float) -> None:
    """The APD timeout passed: the device is unreachable; VMCP's delay starts."""
    if sim.vsan.apd.get(ds, {}).get(host) != since:
        return
    cluster = sim.inv.hosts[host].cluster
    on = cluster is not None and ha_agents.enabled(sim, cluster) and sim.inv.clusters[cluster].ha.vmcp
    then = (f"VM Component Protection restarts its VMs elsewhere in {VMCP_APD_DELAY_S:g} s"
            if on else "its VMs keep retrying their I/O (VM Component Protection is off)")
    sim.log.add(sim.now, "datastore_apd_timeout", ds,
                f"{host} declared {ds} unreachable after the {APD_TIMEOUT_S:g} s APD timeout; {then}")
    if on:
        sim.after(VMCP_APD_DELAY_S, vmcp_apd, sim, ds, host, since)


def _can_run_elsewhere(sim: Simulation, vm: Vm, cluster: str) -> bool:
    """Restart conservative: another host of the cluster is up and sees the VM's storage."""
    for h in sim.inv.clusters[cluster].hosts:
        if h == vm.host or not sim.inv.hosts[h].accepts_vms:
            continue
        if all(d.datastore is None or d.datastore in sim.inv.mounted(h) for d in vm.disks) \
                and refusal(sim, vm, h) is None:
            return True
    return False


def vmcp_apd(sim: Simulation, ds: str, host: str, since: float) -> None:
    """VMCP's APD response: kill the VMs still hung that can run elsewhere; HA restarts them."""
    if sim.vsan.apd.get(ds, {}).get(host) != since:
        return
    cluster = sim.inv.hosts[host].cluster
    if cluster is None or not ha_agents.enabled(sim, cluster):
        return
    vms = _on(sim, ds, host)
    _restart(sim, cluster, [v for v in vms if _can_run_elsewhere(sim, v, cluster)], ds, host, "APD")
    stuck = [v.name for v in vms if v.power == "on"]
    if stuck:
        sim.log.add(sim.now, "vmcp_restart", ds,
                    f"VM Component Protection leaves {', '.join(stuck)} on {host}: no other host "
                    f"sees {ds} (restart conservative)")


def pdl(sim: Simulation, ds: str, host: str | None) -> None:
    """Permanent device loss: the VMs there on it fail now; with VMCP, HA restarts them."""
    now = sim.now
    for h in _hosts(sim, ds, host):
        if h in sim.vsan.pdl.get(ds, []):
            continue
        sim.vsan.apd.get(ds, {}).pop(h, None)
        sim.vsan.pdl.setdefault(ds, []).append(h)
        vms = _on(sim, ds, h)
        for v in vms:
            v.power = "off"
        what = f": {', '.join(v.name for v in vms)} failed" if vms else ""
        sim.log.add(now, "datastore_pdl", ds, f"{ds} is permanently lost on {h} (PDL){what}")
        cluster = sim.inv.hosts[h].cluster
        if vms and cluster is not None and ha_agents.enabled(sim, cluster) \
                and sim.inv.clusters[cluster].ha.vmcp:
            _restart(sim, cluster, vms, ds, h, "PDL", killed=True)
    if not sim.vsan.apd.get(ds, True):
        del sim.vsan.apd[ds]
    sim.vsan.version += 1
    sim.touch()


def _restart(sim: Simulation, cluster: str, vms: list[Vm], ds: str, host: str, why: str,
             killed: bool = False) -> None:
    if not vms:
        return
    for v in vms:
        v.power = "off"
    sim.touch()
    verb = "restarts" if killed else "terminates and restarts"
    sim.log.add(sim.now, "vmcp_restart", ds,
                f"VM Component Protection ({why} on {host}) {verb} {', '.join(v.name for v in vms)} "
                "on another host")
    sim.ha.active = True
    ha_agents.enqueue(sim, sim.ha.clusters[cluster], [v.name for v in vms], sim.now)
