"""Provides the sampler's cache of the inventory: flat numpy arrays, one row per host, VM,
datastore and disk, that the per-sample model (`contention.py`) computes over.

`Sampler.rebuild` runs these steps after a command or event changes the inventory's structure
(VMs, hosts, disks, services); a small change reloads only its part (`Sampler.refresh`: the
network, the guests' health, the datastores' other contents). Rows follow the inventory's order:
VMs are only ever appended, so per-VM state kept across rebuilds stays on its row.

Disks are laid out VM after VM (a VM's rows are contiguous, in the order of its disks), with
datastore index −1 for raw device mappings. A VM's thresholds of health are the strictest of the
services it belongs to (`min_served` the highest, `max_latency_ms` the lowest), the defaults when
it belongs to none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from vdc.sim import netpath

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation
    from vdc.sim.model import Vm

DEFAULT_MIN_SERVED = 0.8
DEFAULT_MAX_LATENCY_MS = 50.0


class InventoryArrays:
    """The loading steps of the `Sampler` (a mixin): inventory objects in, flat arrays out."""

    sim: Simulation
    server_index: dict[str, int]
    vm_reachable: np.ndarray
    vm_team_cap: np.ndarray
    host_net_cap: np.ndarray
    vm_host_names: tuple[str, ...]
    """Each VM's host by name, in row order (for renderers)."""
    vm_has_tools: np.ndarray
    paths: dict[str, tuple[tuple[object, ...], bool, float]]
    """Each VM's last worked-out path: (what it was worked out from, reachable, cap)."""

    def _index_names(self) -> None:
        """Names of hosts, VMs and datastores in row order, and the row of each name."""
        inv = self.sim.inv
        self.host_names = list(inv.hosts)
        self.vm_names = list(inv.vms)
        self.ds_names = list(inv.datastores)
        self.vm_index = {n: i for i, n in enumerate(self.vm_names)}
        self.host_index = {n: i for i, n in enumerate(self.host_names)}
        self.ds_index = {n: i for i, n in enumerate(self.ds_names)}

    def _load_hosts(self) -> None:
        """Each host's CPU, memory and power figures, and whether it runs VMs or draws power."""
        hosts = list(self.sim.inv.hosts.values())
        self.host_cap = np.array([h.capacity_mhz for h in hosts], dtype=float)
        self.host_core_mhz = np.array([h.mhz for h in hosts], dtype=float)
        # Strict co-scheduling hosts by their cores (0 = relaxed), `compute/cpu.py`.
        self.host_strict_cores = np.array(
            [h.cores if h.co_scheduling == "strict" else 0 for h in hosts], dtype=float
        )
        self.any_strict = bool(self.host_strict_cores.any())
        self.host_mem = np.array([h.memory for h in hosts], dtype=float)
        self.host_runs = np.array([h.runs_vms for h in hosts], dtype=bool)
        self.host_idle_w = np.array([h.power_idle for h in hosts], dtype=float)
        self.host_busy_w = np.array([h.power_busy for h in hosts], dtype=float)
        self.host_powered = np.array(
            [h.state in ("on", "maintenance", "isolated", "booting") for h in hosts], dtype=bool
        )

    def _load_vms(self, pidx: dict[str, int]) -> None:
        """Each VM's host, profile (its row in `pidx`), power, boot time, size and reservations."""
        hidx = self.host_index
        vms = list(self.sim.inv.vms.values())
        self.vm_host = np.array([hidx[v.host] for v in vms], dtype=np.int64)
        self.vm_prof = np.array([pidx[v.profile] for v in vms], dtype=np.int64)
        self.vm_on = np.array([v.power == "on" for v in vms], dtype=bool)
        self.vm_up_at = np.array([v.up_at for v in vms], dtype=float)
        self.vm_vcpu = np.array([v.vcpu for v in vms], dtype=float)
        self.vm_memory = np.array([v.memory for v in vms], dtype=float)
        self.vm_cpu_res = np.array([v.cpu_reservation for v in vms], dtype=float)
        self.vm_mem_res = np.array([v.mem_reservation for v in vms], dtype=float)
        self.vm_load = np.array([v.load for v in vms], dtype=float)

    def same_shape(self) -> bool:
        """Whether the inventory still has the hosts, VMs and datastores the arrays were built
        on, in that order (what a rebuild of states only needs), and no vSAN datastore (whose
        space factors follow host states)."""
        inv = self.sim.inv
        return (
            len(inv.vms) == len(self.vm_names) and len(inv.hosts) == len(self.host_names)
            and len(inv.datastores) == len(self.ds_names)
            and all(d.type != "vsan" for d in inv.datastores.values())
            and list(inv.vms) == self.vm_names and list(inv.hosts) == self.host_names
            and list(inv.datastores) == self.ds_names
        )

    def same_tools(self) -> bool:
        """Whether every guest has Tools as when the arrays were loaded: a Tools install takes
        effect at the next boot, a change of state (a reset, a power-on) that a rebuild of
        states only does not follow (its drivers, paths and adapters change)."""
        loaded = self.vm_has_tools.tolist()
        return all(v.has_tools == loaded[i] for i, v in enumerate(self.sim.inv.vms.values())
                   if v.tools_installed_at is not None)

    def _load_states(self) -> list[int]:
        """Each VM's host, power and boot time (a change of state only); return the rows of the
        VMs whose host changed."""
        hidx = self.host_index
        vms = list(self.sim.inv.vms.values())
        names = tuple(v.host for v in vms)
        old = self.vm_host_names
        moved = [i for i, (a, b) in enumerate(zip(names, old, strict=True)) if a != b] if names != old else []
        if moved:
            host = self.vm_host.copy()
            for i in moved:
                host[i] = hidx[names[i]]
            self.vm_host = host
            self.vm_host_names = names
        self.vm_on = np.array([v.power == "on" for v in vms], dtype=bool)
        self.vm_up_at = np.array([v.up_at for v in vms], dtype=float)
        return moved

    def _load_services(self) -> None:
        """Tier membership (which VMs serve which tier of which service), each VM's thresholds
        of health, and the names renderers show for each VM (its host and first service)."""
        inv = self.sim.inv
        vidx = self.vm_index
        n = len(self.vm_names)
        # Thresholds of health: the strictest of the services a VM belongs to.
        min_served = np.full(n, DEFAULT_MIN_SERVED)
        max_lat = np.full(n, DEFAULT_MAX_LATENCY_MS)
        assigned = np.zeros(n, dtype=bool)
        mem_vm: list[int] = []
        mem_tier: list[int] = []
        tier_service: list[int] = []
        for si, svc in enumerate(inv.services.values()):
            for tier in svc.tiers:
                ti = len(tier_service)
                tier_service.append(si)
                for name in tier.servers:  # a server's row follows the VMs' (`servers.py`)
                    j = self.server_index.get(name)
                    if j is not None:
                        mem_vm.append(n + j)
                        mem_tier.append(ti)
                for name in tier.vms:
                    if name in vidx:
                        i = vidx[name]
                        mem_vm.append(i)
                        mem_tier.append(ti)
                        if assigned[i]:
                            min_served[i] = max(min_served[i], svc.min_served)
                            max_lat[i] = min(max_lat[i], svc.max_latency_ms)
                        else:
                            min_served[i], max_lat[i] = svc.min_served, svc.max_latency_ms
                            assigned[i] = True
        self.vm_min_served = min_served
        self.vm_max_lat = max_lat
        self.mem_vm = np.array(mem_vm, dtype=np.int64)
        self.mem_tier = np.array(mem_tier, dtype=np.int64)
        self.tier_service = np.array(tier_service, dtype=np.int64)
        self.n_tiers = len(tier_service)
        self.service_names = list(inv.services)
        # Names for renderers, derived once per rebuild: each VM's host and first service.
        self.vm_host_names = tuple(v.host for v in inv.vms.values())
        first_service = [""] * n
        for vi, ti in zip(mem_vm, mem_tier, strict=True):
            if vi < n and not first_service[vi]:
                first_service[vi] = self.service_names[tier_service[ti]]
        self.vm_service_names = tuple(first_service)

    def _load_disks(self) -> None:
        """Disk rows (VM, datastore, share of the VM's I/O, thin, size, used), the datastores'
        capabilities, and each VM's swap file and home datastore."""
        inv = self.sim.inv
        didx = {n: i for i, n in enumerate(self.ds_names)}
        vms = list(inv.vms.values())
        # Disks: one row per disk; datastore index −1 for raw device mappings.
        self.disks = [d for v in vms for d in v.disks]
        disk_vm: list[int] = []
        disk_ds: list[int] = []
        disk_w: list[float] = []
        for i, v in enumerate(vms):
            total = sum(d.size for d in v.disks) or 1.0
            for d in v.disks:
                disk_vm.append(i)
                disk_ds.append(didx[d.datastore] if d.datastore is not None else -1)
                disk_w.append(d.size / total)
        self.disk_vm = np.array(disk_vm, dtype=np.int64)
        self.disk_ds = np.array(disk_ds, dtype=np.int64)
        self.disk_w = np.array(disk_w, dtype=float)
        self.disk_thin = np.array([d.thin for d in self.disks], dtype=bool)
        self.disk_size = np.array([d.size for d in self.disks], dtype=float)
        self.disk_used = np.array([d.used for d in self.disks], dtype=float)
        self.disk_on_ds = self.disk_ds >= 0
        dsl = list(inv.datastores.values())
        self.ds_cap = np.array([d.capacity for d in dsl], dtype=float)
        self.ds_iops_cap = np.array([d.iops for d in dsl], dtype=float)
        self.ds_mbps_cap = np.array([d.mbps for d in dsl], dtype=float)
        self.ds_base_lat = np.array([d.latency_ms for d in dsl], dtype=float)
        self.vm_swap = np.array([v.swap_gib for v in vms], dtype=float)
        self.vm_home = np.array(
            [didx[v.home_datastore] if v.home_datastore is not None else -1 for v in vms],
            dtype=np.int64,
        )

    def _load_network(
        self, changed: list[str] | None = None, *, rebuilt: bool = False, moved: list[int] | None = None
    ) -> None:
        """Uplink capacity per host, reachability per VM and the most each VM can send (links,
        trunks, upstream failures, isolation and NIC teams: `vdc.sim.netpath`). `changed`: only
        these hosts' network changed (`Simulation.touch`), so only their VMs' paths are worked
        out again — what a full load gives them, at their cost. `rebuilt`: the VMs may have
        changed too (a rebuild): each VM whose host, place, NICs' port groups and drivers are
        what they were at its last path, on a host not in `changed`, keeps that path. `moved`:
        after a change of state only, the rows of the VMs that changed host — with the places,
        NICs and drivers as they were, only those and the VMs on `changed` hosts can differ."""
        sim = self.sim
        inv = sim.inv
        n = len(inv.vms)
        partial = changed is not None and (not rebuilt or moved is not None) and self.vm_reachable.size == n == self.vm_team_cap.size
        if partial and not rebuilt and self.host_net_cap.size == len(inv.hosts) and all(h in self.host_index for h in changed or ()):
            host_cap = self.host_net_cap.copy()  # only the named hosts' network changed
            for name in changed or ():
                h = inv.hosts[name]
                host_cap[self.host_index[name]] = 0.0 if h.state == "isolated" else netpath.host_capacity(h)
            self.host_net_cap = host_cap
        else:
            self.host_net_cap = np.array(
                [0.0 if h.state == "isolated" else netpath.host_capacity(h) for h in inv.hosts.values()], dtype=float
            )
        sim.net_hosts = []
        if partial:
            vms = list(inv.vms.values())
            on = np.zeros(len(self.host_names), dtype=bool)  # the named hosts' rows
            on[[self.host_index[h] for h in changed or () if h in self.host_index]] = True
            # The VMs on them by the arrays' placement: a VM that moved since is in the
            # placement reload this one is part of (`moved`, or a "placement" part after it).
            rows = np.flatnonzero(on[self.vm_host]).tolist()
            if moved:
                rows = sorted(set(rows).union(moved))
            self._load_paths(vms, rows)
            return
        prev = self.paths if changed is not None else {}
        paths: dict[str, tuple[tuple[object, ...], bool, float]] = {}
        reach: list[bool] = []
        cap: list[float] = []
        memo: netpath.Memo = {}
        for i, v in enumerate(inv.vms.values()):
            key = _path_key(v, i)
            old = prev.get(v.name)
            if old is not None and old[0] == key and v.host not in changed:  # type: ignore[operator]
                _, ok_v, mbps_v = old
            else:
                ok, mbps = netpath.vm_path(inv, v, i, memo)
                ok_v = ok and v.nic_drivers_ok  # a paravirtual NIC without Tools has no driver
                mbps_v = mbps if ok else np.inf  # a cut VM is unreachable, not slow
            paths[v.name] = (key, ok_v, mbps_v)
            reach.append(ok_v)
            cap.append(mbps_v)
        self.paths = paths
        self.vm_reachable = np.array(reach, dtype=bool)
        self.vm_team_cap = np.array(cap, dtype=float)
        """The most each VM can send over its NICs' uplinks (one uplink each when pinned)."""

    def _load_paths(self, vms: list[Vm], rows: list[int]) -> None:
        """Reachability and the most each VM can send, again for VMs `rows` only (they changed
        host; nothing about the links did): what `_load_network` gives them, at their cost."""
        if not rows:
            return
        inv = self.sim.inv
        reach, cap = self.vm_reachable.copy(), self.vm_team_cap.copy()
        memo: netpath.Memo = {}
        for i in rows:
            v = vms[i]
            ok, mbps = netpath.vm_path(inv, v, i, memo)
            reach[i] = ok_v = ok and v.nic_drivers_ok
            cap[i] = mbps_v = mbps if ok else np.inf
            self.paths[v.name] = (_path_key(v, i), ok_v, mbps_v)
        self.vm_reachable, self.vm_team_cap = reach, cap

    def _load_health(self) -> None:
        """Whether each VM's guest can serve at all (OS installed, no active bad change, a driver
        for its disk controller, its storage I/O not hanging in an all-paths-down)."""
        hung = self.sim.storage_hung()
        self.vm_ok = np.array(
            [v.os and not v.broken and not v.hung and v.disk_drivers_ok and v.name not in hung
             for v in self.sim.inv.vms.values()], dtype=bool
        )

    def _load_datastores(self) -> None:
        """Space used on each datastore by things other than the VMs."""
        self.ds_other = np.array(
            [d.other_used for d in self.sim.inv.datastores.values()], dtype=float
        )


def _path_key(v: Vm, ordinal: int) -> tuple[object, ...]:
    """What a VM's path depends on besides its host's network: host, place, NICs, drivers."""
    return (v.host, ordinal, tuple(nic.portgroup for nic in v.nics), v.nic_drivers_ok)
