"""Provides the load and contention sampler: one pass over the whole datacenter per sample.

There is no SimPy process per VM. Every `sample_interval` seconds `Sampler.sample` computes every
VM's demand (see `workload.py`) and what contention lets it have, over flat numpy arrays that
cache the inventory (`sampler_arrays.py`; rebuilt only when a command or event changes its
structure). A sample runs in named steps, in this order: demand, CPU, memory, storage latency,
storage space, network, health, services, downtime.

CPU (relaxed or strict co-scheduling, guest saturation, ready and co-stop): the CPU step lives
in `vdc/sim/compute/cpu.py`, with its formulas.

Memory (`vdc/sim/memory`, sim-facts §9): host memory states from free memory against minFree;
page sharing, ballooning (VMs with Tools), compression and swap to the .vswp; each VM's
served factor `mem_factor` and added latency `swap_lat_vm` from what was taken from it.

Guests (`vdc/sim/guest`, §14): emulated adapters cap a VM's traffic (e1000) or I/O (queue
depth / latency) and cost host CPU (`host_overhead_mhz`, extra host demand the CPU step
reads); paravirtual ones without Tools leave the guest without network or disk.

Storage. A VM's IOPS and write MB/s split over its vmdk disks by size. A datastore at
utilisation u = max(IOPS / IOPS capability, MB/s / MB/s capability) answers with latency

    lat(u) = base × 1 / (1 − u)                         for u < 0.9
    lat(u) = base × (10 + 200 × (u − 0.9))              beyond (queues grow without bound)

A VM's latency is the size-weighted mean over its disks (RDMs answer at `RDM_LATENCY_MS`).
Thin disks grow by `NEW_BLOCK_FRACTION` of what is written; a full datastore pauses the VMs
whose thin disks need new blocks there.

Network. Each host's VM traffic shares the total speed of its up uplinks:
f_net = min(1, Σ up uplink Mbit/s / Σ VM Mbit/s). A VM is reachable while every one of its NICs'
port groups has its VLAN trunked on an up uplink of that vSwitch on its host.

A VM is healthy while it runs (on, booted, on a working host), has a guest OS and disk drivers,
has no active bad change, is reachable, is not paused, gets served = min(f_cpu, f_net, f_io) ×
mem_factor ≥ its service's `min_served`, and its latency is ≤ the service's `max_latency_ms`.
f_cpu is the share of the CPU its guest *wants* (`compute/cpu.py`): an undersized VM whose guest
wants more than its vCPUs give is degraded by that alone (wanting 125 % of its vCPUs is below
the default 0.8).
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

import numpy as np

from vdc.gcpause import gc_paused
from vdc.sim import vsan
from vdc.sim.compute.cpu import cpu_step
from vdc.sim.guest import adapters
from vdc.sim.memory import memory_step
from vdc.sim.moves import load as moveload
from vdc.sim.provision import nfv, routing, servers
from vdc.sim.snapshots import chain as snaps
from vdc.sim.units import MB_PER_GIB
from vdc.sim.workload import Noise, Profile, shape_factors

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation
    from vdc.sim.model import Vm

from vdc.sim.sampler_arrays import InventoryArrays

RDM_LATENCY_MS = 0.5
NEW_BLOCK_FRACTION = 0.05


def latency_factor(u: np.ndarray) -> np.ndarray:
    """Queueing-style latency multiplier: 1/(1−u) below 90 % busy, steep and linear above."""
    low = 1.0 / (1.0 - np.minimum(u, 0.9))
    high = 10.0 + 200.0 * (u - 0.9)
    return np.where(u < 0.9, low, high)


class Sampler(InventoryArrays):
    """Flat-array view of the inventory plus the per-sample contention computation."""

    # Set by the memory step (vdc/sim/memory/step.py).
    mem_factor: np.ndarray
    vm_mem_factor: np.ndarray
    swap_lat_vm: np.ndarray
    vm_balloon: np.ndarray
    vm_swapped: np.ndarray
    disk_factor: np.ndarray
    """Raw GiB per GiB of each disk on its datastore (vSAN policy copies; 1 elsewhere)."""
    vm_compressed: np.ndarray
    host_mem_active: np.ndarray
    host_mem_consumed: np.ndarray
    host_mem_free: np.ndarray
    host_mem_pct: np.ndarray
    host_vm_count: np.ndarray
    # Set by the guest's virtual hardware (vdc/sim/guest/adapters.py).
    vm_has_tools: np.ndarray
    vm_nic_driver: np.ndarray
    vm_disk_driver: np.ndarray
    vm_net_cap: np.ndarray
    vm_e1000_share: np.ndarray
    vm_f_io: np.ndarray
    disk_qd: np.ndarray
    disk_extra_mhz: np.ndarray
    net_capped: bool
    guest_emulated: bool
    disk_capped: bool
    # Set by the bare-metal servers' rows (vdc/sim/provision/servers.py).
    server_names: list[str]
    server_host: np.ndarray
    server_prof: np.ndarray
    server_load: np.ndarray
    server_cap: np.ndarray
    server_min_served: np.ndarray
    server_f: np.ndarray
    # Set by the routers (vdc/sim/provision/routing.py).
    rt_stale: bool
    rt_rows: np.ndarray
    rt_rows_version: int
    rt_told: dict[str, str]
    rt_gateways: bool | None
    rt_vm: np.ndarray
    rt_routers: list[np.ndarray]
    rt_need: list[str]
    rt_for: dict[int, str]
    rt_tiers: frozenset[int]
    vm_routed_mbps: np.ndarray
    vm_rt_cut: np.ndarray
    vm_rt_limit: np.ndarray

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        self.built_version = -1
        self.sampled_version = -1
        """The structure (`built_version`) the per-sample results were computed on: a rebuild
        between two samples (a command, a view) makes the structure newer than the results."""
        self.noise = Noise(sim.streams.np("workload-noise"), float(sim.dt))
        self.spike = np.ones(0)
        self.last_t = 0.0
        self.chain_json: dict[str, str] = {}
        """Per VM with a chain, the JSON of its snapshots for the state digest up to its live
        delta's sizes (`snapshots.chain.digest_json`); dropped when its chain's rows reload."""
        self.samples = 0
        """Samples taken so far (0: nothing measured yet, at t = 0 before the first one)."""
        self._init_results()

    # ------------------------------------------------------------------ structure cache
    def _init_results(self) -> None:
        z = np.zeros(0)
        self.vm_cpu_demand = z
        self.vm_cpu_want = z
        self.vm_saturation = z
        self.vm_costop_avg = z
        self.costop_any = False
        self.any_strict = False
        self.vm_cpu_served = z
        self.vm_served = z
        self.vm_ready = z
        self.vm_ready_avg = z
        self.vm_mem_active = z
        self.vm_latency = z
        self.vm_iops = z
        self.vm_net = z
        self.vm_healthy = np.zeros(0, dtype=bool)
        self.vm_running = np.zeros(0, dtype=bool)
        self.vm_paused = np.zeros(0, dtype=bool)
        self.vm_downtime = z
        self.vm_ready_peak = z
        self.snap_any = False
        self._pending = False
        """Thin disks or live deltas grew in a sample since the last `flush`."""
        self.vm_snap_depth = np.zeros(0, dtype=np.int64)
        self.snap_rows_version = 0
        """Bumped at every load of snapshot rows (what the snapshot alarms compare with)."""
        self.vm_snap_oldest = np.zeros(0)
        """When each VM's oldest snapshot was taken (inf without a chain): the age alarm."""
        self.host_min_free = z
        self.host_mem_shown = np.zeros(0, dtype=np.int64)
        """Each host's memory state as shown and logged (0 high … 4 low; with hysteresis)."""
        self.host_overcommitted = np.zeros(0, dtype=bool)
        self.host_swapping = np.zeros(0, dtype=bool)
        self.host_overhead_mhz = z
        """Host CPU (MHz) spent outside the VMs' own demand: emulated devices (`guest`)."""
        for name in ("vm_balloon", "vm_swapped", "vm_compressed", "host_mem_free"):
            setattr(self, name, z)
        # Per-host and per-datastore results exist (empty) before the first sample too: a
        # dialog opened at t = 0 reads them.
        self.paths = {}
        self.server_healthy = np.zeros(0, dtype=bool)
        self.lb_groups: list[tuple[np.ndarray, np.ndarray]] = []
        self.lb_mbps = z
        routing.init(self)
        # What the samples compare with by identity (each is replaced, never changed in place):
        # the all-zero routed traffic and cut flags when nothing is routed, the NICs' caps seen.
        self._zero_routed = self.vm_routed_mbps
        self._zero_cut = self.vm_rt_cut
        self._team_seen: np.ndarray | None = None
        self._team_least = np.inf
        self._mult_d = z
        self._delta_key = (-1, -1)
        self._delta = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), z, z, z)
        self.mem_idle: np.ndarray | None = None
        """Tier members with no users of their own (they keep no tier up), None when none."""
        """Mbit/s each VM carries as a load balancer (0 for the others; `provision/nfv.py`)."""
        self.n_servers = 0
        self.server_index: dict[str, int] = {}
        self.host_cpu_pct = z
        self.host_cpu_demand_pct = z
        self.host_power_w = z
        self.vm_f_cpu = z
        for name in ("host_mem_pct", "host_mem_active",
                     "host_mem_consumed", "host_vm_count", "host_net_demand",
                     "ds_used", "ds_pct", "ds_iops", "ds_latency", "ds_util"):
            setattr(self, name, z)

    def _load_network(
        self, changed: list[str] | None = None, *, rebuilt: bool = False, moved: list[int] | None = None
    ) -> None:
        super()._load_network(changed, rebuilt=rebuilt, moved=moved)
        self.rt_stale = True

    def _load_paths(self, vms: list[Vm], rows: list[int]) -> None:
        super()._load_paths(vms, rows)
        self.rt_stale = True

    def rebuild(self) -> None:
        """Re-derive every cached array from the inventory objects (after a change)."""
        with gc_paused():  # ~10 lasting objects per VM: no collections walking them meanwhile
            self._rebuild()

    def _rebuild(self) -> None:
        sim = self.sim
        self.flush()
        if not sim.reconfigured and self.built_version >= 0 and self.same_shape() and self.same_tools():
            self._rebuild_states()
            return
        sim.reconfigured = False
        self._index_names()
        self._load_hosts()
        pidx = self._load_profiles()
        servers.load(self)
        self._load_vms(pidx)
        self._load_services()
        nfv.load(self)
        self._load_disks()
        vsan.load(self)
        self._resize_state(len(self.vm_names))
        names = json.dumps([self.vm_names, self.host_names, self.ds_names, [p.name for p in self.profiles]])
        self.names_hash = hashlib.sha256(names.encode()).hexdigest()
        """Digest of the inventory's names and order (the state digest includes it)."""
        self._load_network(sim.net_hosts, rebuilt=True)
        self._load_health()
        self._load_datastores()
        adapters.load(self)
        self.load_snapshots()
        self._derive()
        self.built_version = sim.structure_version
        sim.dirty_parts.clear()
        sim.placed = []

    def _rebuild_states(self) -> None:
        """A rebuild after changes of state only (`touch(keeps_hardware=True)`: hosts failing,
        booting or powered off, VMs powered on or off, reset, restarted or cold-moved): the
        hosts, the VMs' power and placement, the paths of the VMs that changed host, health and
        what derives from them are loaded again; the disks, services, guest adapters, snapshot
        rows and names are what they were. The same arrays as a full rebuild."""
        sim = self.sim
        self._load_profiles()
        self._load_hosts()
        servers.load(self)
        moved = self._load_states()
        self._resize_state(len(self.vm_names))
        self._load_network(sim.net_hosts, rebuilt=True, moved=moved)
        self._load_health()
        self._load_datastores()
        self.host_overhead_mhz = np.zeros(len(self.host_names))
        self._derive()
        self.built_version = sim.structure_version
        sim.dirty_parts.clear()
        sim.placed = []

    def _load_profiles(self) -> dict[str, int]:
        """The workload profiles' baselines, one row per profile; return each name's row."""
        profiles: list[Profile] = list(self.sim.profiles.values())
        self.profiles = profiles
        pidx = {p.name: i for i, p in enumerate(profiles)}
        self.p_cpu = np.array([p.cpu for p in profiles], dtype=float)
        self.p_mem = np.array([p.mem_active for p in profiles], dtype=float)
        self.p_iops = np.array([p.iops for p in profiles], dtype=float)
        self.p_write = np.array([p.write_mbps for p in profiles], dtype=float)
        self.p_net = np.array([p.net for p in profiles], dtype=float)
        self.p_noise = np.array([p.noise for p in profiles], dtype=float)
        return pidx

    def _resize_state(self, n: int) -> None:
        """Fit the per-VM state that survives rebuilds to n VMs (indexed by position; VMs are
        only appended, so a new VM starts fresh on a new row)."""
        self.noise.resize(n)
        self.spike = _grow(self.spike, n, 1.0)
        self.vm_downtime = _grow(self.vm_downtime, n, 0.0)
        self.vm_ready_peak = _grow(self.vm_ready_peak, n, 0.0)
        self.vm_ready_avg = _grow(self.vm_ready_avg, n, 0.0)
        self.vm_costop_avg = _grow(self.vm_costop_avg, n, 0.0)
        self.vm_healthy = _grow(self.vm_healthy.astype(float), n, 0.0) > 0

    def drop_row(self, i: int) -> None:
        """Forget VM row `i` (a deleted VM): every per-VM array, kept state and results alike,
        loses that row, so the rows after it stay with their VMs until the rebuild."""
        n = len(self.vm_names)
        for name, value in list(vars(self).items()):
            if isinstance(value, np.ndarray) and value.ndim == 1 and value.size == n and (
                name.startswith("vm_") or name in ("spike", "mem_factor", "swap_lat_vm")
            ):
                setattr(self, name, np.delete(value, i))
        self.noise.drop(i)
        self.snap_rows_version += 1

    def refresh(self, parts: list[str]) -> None:
        """Reload only the parts a small change touched (cheaper than a rebuild)."""
        for part in parts:
            if part == "network":
                self._load_network(self.sim.net_hosts)
                continue
            if part == "placement":
                self._load_placement(self.sim.placed)
                continue
            {"health": self._load_health, "datastores": self._load_datastores}[part]()
        parts.clear()

    def _load_placement(self, named: list[str] | None = None) -> None:
        """Which host each VM is on (a vMotion's switchover): what depends on it, nothing more.
        The same arrays as a rebuild, for a fraction of its cost. `named`: only these VMs can
        have changed host (`Simulation.touch`): the others are not looked at."""
        sim = self.sim
        sim.placed = []
        inv = sim.inv
        vms = list(inv.vms.values())
        same = len(vms) == self.vm_host.size == self.vm_reachable.size == self.vm_team_cap.size
        if named is not None and same and all(n in self.vm_index and n in inv.vms for n in named):
            host = self.vm_host.copy()
            moved = []
            for name in named:
                i, h = self.vm_index[name], self.host_index[inv.vms[name].host]
                if host[i] != h:
                    host[i] = h
                    moved.append(i)
            moved.sort()
            if moved:
                names = list(self.vm_host_names)
                for i in moved:
                    names[i] = vms[i].host
                self.vm_host_names = tuple(names)
            self.vm_host = host
            self._load_paths(vms, moved)
            self._derive()
            return
        host = np.array([self.host_index[v.host] for v in vms], dtype=np.int64)
        moved = np.flatnonzero(host != self.vm_host).tolist() if same else []
        self.vm_host = host
        self.vm_host_names = tuple(v.host for v in vms)
        if same:  # only the VMs that moved have another path (links change with "network")
            self._load_paths(vms, moved)
        else:
            self._load_network()
        self._derive()

    def load_snapshots(self) -> None:
        """Snapshot chains as per-disk arrays: the live delta's size, older deltas' total,
        where they live, the I/O efficiency left; memory files per datastore."""
        sim = self.sim
        vms = [sim.inv.vms[n] for n in self.vm_names]
        depth = [len(v.snapshots) for v in vms]
        self.snap_any = any(depth)
        nd, D = len(self.disks), len(self.ds_names)
        self.vm_snap_depth = np.array(depth, dtype=np.int64)
        self.snap_rows_version += 1
        self.snap_live = np.zeros(nd)
        self.snap_frozen = np.zeros(nd)
        self.snap_has = np.zeros(nd, dtype=bool)
        self.snap_sd = np.zeros(nd, dtype=np.int64)
        self.disk_io_mult = np.ones(nd)
        self.ds_snapfiles = np.zeros(D)
        self.vm_snap_mem = np.zeros(len(vms))
        self.vm_snap_oldest = np.full(len(vms), np.inf)
        self._snap_rows: dict[int, int] = {}  # disk row -> disk index in its VM, rows with a delta
        self.chain_json = {}
        # Disk rows are laid out VM after VM: a VM's first row is where its index starts.
        self._disk_first = np.searchsorted(self.disk_vm, np.arange(len(vms))).tolist()
        # Thin disks' used space is reloaded too: a merge into a thin base grows it.
        self.disk_used = np.array([d.used for d in self.disks], dtype=float)
        self._thin_rows = np.flatnonzero(self.disk_thin).tolist()
        if not self.snap_any:
            return
        merging = snaps.consolidating(sim)
        for i in np.flatnonzero(self.vm_snap_depth).tolist():  # only VMs with a chain
            self._load_chain(i, vms[i], vms[i].name in merging)
        for i in np.flatnonzero(self.vm_snap_depth).tolist():
            home = self.vm_home[i]
            if home >= 0:
                self.ds_snapfiles[home] += self.vm_snap_mem[i]

    def _load_chain(self, i: int, v: Vm, merging: bool) -> None:
        """Fill VM i's rows of the snapshot arrays from its chain (which is not empty)."""
        didx = self.ds_index
        chain = v.snapshots
        mult = 1.0 / snaps.io_efficiency(len(chain), merging)
        self.vm_snap_mem[i] = sum(s.mem_gib for s in chain)
        self.vm_snap_oldest[i] = chain[0].taken_at
        first = self._disk_first[i]
        for j in range(len(v.disks)):
            row = first + j
            where = snaps.delta_datastore(v, j)
            if where is not None:
                self.snap_has[row] = True
                self.snap_sd[row] = didx[where]
                self.snap_live[row] = chain[-1].sizes[j]
                self.snap_frozen[row] = sum(s.sizes[j] for s in chain[:-1])
                self._snap_rows[row] = j
            self.disk_io_mult[row] = mult

    def load_vm_snapshots(self, name: str) -> None:
        """Reload one VM's snapshot rows after its chain changed (its objects are current: the
        change flushed the arrays first). The same numbers `load_snapshots` gives, at the cost
        of one VM instead of all (a batch of snapshot commands reloaded every disk each)."""
        i = self.vm_index[name]
        v = self.sim.inv.vms[name]
        self.chain_json.pop(name, None)
        first = self._disk_first[i]
        rows = range(first, first + len(v.disks))
        for row in rows:
            self._snap_rows.pop(row, None)
        self.snap_has[first:rows.stop] = False
        self.snap_sd[first:rows.stop] = 0
        self.snap_live[first:rows.stop] = 0.0
        self.snap_frozen[first:rows.stop] = 0.0
        self.disk_io_mult[first:rows.stop] = 1.0
        self.disk_used[first:rows.stop] = [d.used for d in v.disks]
        self.vm_snap_mem[i] = 0.0
        self.vm_snap_oldest[i] = np.inf
        self.vm_snap_depth[i] = len(v.snapshots)
        self.snap_rows_version += 1
        if v.snapshots:
            self._load_chain(i, v, bool(self.sim.tasks.active_of(name, "consolidate")))
        self.snap_any = bool(self.vm_snap_depth.any())
        home = int(self.vm_home[i])
        if home >= 0:  # summed in VM order, as `load_snapshots` does, so the sums are the same
            total = 0.0
            for k in np.flatnonzero((self.vm_home == home) & (self.vm_snap_depth > 0)).tolist():
                total += self.vm_snap_mem[k]
            self.ds_snapfiles[home] = total

    def flush(self) -> None:
        """Write array-held state (thin disk growth, live deltas) back to the inventory objects.
        Whatever reads a thin disk's `used` or a live delta's size flushes first (the moves'
        sizes, vSAN's data, a delete, the chains' commands, the views), so when flushes happen
        changes no result; the state digest reads the arrays and flushes nothing."""
        if self.built_version < 0 or not self._pending:
            return  # nothing grew since the last flush: the objects are current
        self._pending = False
        disks = self.disks
        for row, used in zip(self._thin_rows, self.disk_used[self._thin_rows].tolist(), strict=True):
            disks[row].used = used  # only thin disks grow
        if self.snap_any:
            live = self.snap_live.tolist()
            for row, j in self._snap_rows.items():
                vm = self.sim.inv.vms.get(self.vm_names[self.disk_vm[row]])
                chain = vm.snapshots if vm is not None else None  # None: deleted since
                if chain:
                    chain[-1].sizes[j] = live[row]

    # ------------------------------------------------------------------ the sample
    def _derive(self) -> None:
        """Per-VM constants between two rebuilds: baselines, caps, swap files per datastore."""
        prof = self.vm_prof
        self.base_cpu = self.p_cpu[prof] * self.vm_load
        self.base_iops = self.p_iops[prof] * self.vm_load
        self.base_write = self.p_write[prof] * self.vm_load
        self.base_net = self.p_net[prof] * self.vm_load
        self.base_mem = self.p_mem[prof] * self.vm_memory
        self.noise_amp = self.p_noise[prof]
        if self.lb_groups:  # a balancer shares its tier's users out (provision/nfv.py)
            nfv.share(self)
        # A member with no users of its own (joined with `vm service`, no balancer in front)
        # does not keep its tier up: it serves no one.
        base = np.concatenate([self.base_cpu + self.base_net, np.ones(self.n_servers)])
        idle = base[self.mem_vm] <= 0 if self.mem_vm.size else np.zeros(0, dtype=bool)
        self.mem_idle = idle if idle.any() else None
        self.cpu_cap_vm = self.vm_vcpu * self.host_core_mhz[self.vm_host]
        self.on_ok = self.vm_on & self.host_runs[self.vm_host]
        self.last_up_at = float(self.vm_up_at.max()) if self.vm_up_at.size else 0.0
        D = len(self.ds_names)
        self.dds = np.where(self.disk_on_ds, self.disk_ds, 0)
        self.w_on = self.disk_w * self.disk_on_ds
        swap = np.where(self.vm_on & (self.vm_home >= 0), self.vm_swap, 0.0)
        self.ds_swap = np.bincount(np.maximum(self.vm_home, 0), weights=swap, minlength=D)
        self._mem_key: tuple[int, bytes, int] | None = None
        self._no_pause = np.zeros(len(self.vm_names), dtype=bool)
        # Per-disk baselines and per-VM bounds the samples would otherwise gather or clip anew.
        self.disk_base_iops = self.base_iops[self.disk_vm]
        self.disk_base_write = self.base_write[self.disk_vm]
        self.disk_all_on = bool(self.disk_on_ds.all())
        self.cpu_cap_safe = np.maximum(self.cpu_cap_vm, 1e-9)
        self.any_cpu_res = bool(self.vm_cpu_res.any())
        self._min_served_lo = self.vm_min_served - 1e-9
        self._max_lat_hi = self.vm_max_lat + 1e-9

    def current(self) -> Sampler:
        """Bring the arrays up to the inventory now: rebuilt after a structural change,
        refreshed in the parts a small change touched (`Simulation.touch`)."""
        sim = self.sim
        if self.built_version != sim.structure_version:
            self.rebuild()
        elif sim.dirty_parts:
            self.refresh(sim.dirty_parts)
        return self

    def sample(self, t: float, dt: float) -> None:
        """Compute demand, contention and health at time t; account the last `dt` seconds."""
        sim = self.sim
        self.current()
        if self.rt_stale:
            routing.load(self)
        self.sampled_version = self.built_version
        running, run_f, mult = self._demand(t)
        moving = moveload.active(sim)  # migrations in progress cost cores, memory and I/O
        self.host_overhead_mhz = adapters.host_mhz(self, mult)
        extra_mhz = (moveload.host_mhz(sim, self) if moving else 0.0) + self.host_overhead_mhz
        if self.n_servers:  # bare-metal servers' own workloads (provision/servers.py)
            extra_mhz = extra_mhz + servers.step(self, t)
        f_cpu = cpu_step(self, mult, dt, extra_mhz)
        # Memory: depends only on spikes and which VMs run, so it is recomputed only then.
        key = (sim.spike_version, running.tobytes(), sim.migrations.version)
        if key != self._mem_key:
            self._mem_key = key
            H = len(self.host_names)
            incoming = moveload.host_mem(sim, self) if sim.migrations.running else 0.0
            memory_step(self, run_f, H, incoming)
        vm_lat = self._storage_latency(mult, moving)
        paused = self._storage_space(mult, running, dt, moving)
        f_net = self._network(mult)
        healthy = self._health(running, f_cpu, f_net, vm_lat, paused, moving)
        self._services(np.concatenate([healthy, self.server_healthy]) if self.n_servers else healthy)
        self._account(healthy, t, dt)

    def _demand(self, t: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Which VMs run at t, and each one's multiplier of its baselines now (daily shape ×
        noise × spike, 0 when it does not run): (running, running as 0/1, multiplier)."""
        # Running: on, booted, on a host that runs VMs. Past the last boot, `on_ok` is the answer.
        running = self.on_ok if t >= self.last_up_at else self.on_ok & (t >= self.vm_up_at)
        self.vm_running = running
        run_f = running.astype(float)
        shape = shape_factors(self.profiles, t, self.sim.start_hour)[self.vm_prof]
        noise = np.maximum(0.0, 1.0 + self.noise_amp * self.noise.step())
        raw = shape * noise * self.spike
        mult = raw * run_f
        if self.lb_groups:  # load balancers spread their tiers' load (provision/nfv.py)
            mult = nfv.spread(self, mult, raw, running)
        if routing.active(self):  # routers carry what they route (provision/routing.py)
            mult = routing.carry(self, mult, running)
        elif self.vm_routed_mbps is not self._zero_routed or self.vm_routed_mbps.size != mult.size:
            self.vm_routed_mbps = self._zero_routed = np.zeros(mult.size)
        return running, run_f, mult

    def _storage_latency(self, mult: np.ndarray, moving: bool) -> np.ndarray:
        """IOPS and MB/s per datastore, its utilisation and latency; return each VM's latency
        (its disks' size-weighted mean, plus swap latency)."""
        sim = self.sim
        D = len(self.ds_names)
        dvm, dds, w_on = self.disk_vm, self.dds, self.w_on
        self._mult_d = m_d = mult[dvm]  # each disk's VM's multiplier (`_storage_space` too)
        mult_d = m_d * w_on
        snap_any = self.snap_any
        # Snapshots: each guest I/O costs 1 / f(depth) back-end I/Os (snapshots.py).
        iops_d = self.disk_base_iops * mult_d
        if snap_any:
            iops_d = iops_d * self.disk_io_mult
        ds_iops = np.bincount(dds, weights=iops_d, minlength=D)
        ds_mbps = np.bincount(dds, weights=self.disk_base_write * mult_d, minlength=D)
        if moving:
            ds_mbps = ds_mbps + moveload.ds_mbps(sim, self)
        if sim.vsan.busy_until:  # vSAN rebuilds and resyncs write beside the guests
            ds_mbps = ds_mbps + vsan.rebuild_mbps(sim, self.ds_names)
        if D:
            util = np.maximum(ds_iops / self.ds_iops_cap, ds_mbps / self.ds_mbps_cap)
            ds_lat = self.ds_base_lat * latency_factor(util)
            disk_lat = ds_lat[dds] if self.disk_all_on else np.where(self.disk_on_ds, ds_lat[dds], RDM_LATENCY_MS)
            if snap_any:
                disk_lat = disk_lat * self.disk_io_mult
        else:
            util = ds_lat = np.zeros(0)
            disk_lat = np.full(dvm.size, RDM_LATENCY_MS)
        n = len(self.vm_names)
        vm_lat = np.bincount(dvm, weights=self.disk_w * disk_lat, minlength=n) + self.swap_lat_vm
        if self.disk_capped:  # emulated controllers queue few I/Os (guest/adapters.py)
            self.vm_f_io = adapters.io_served(self, iops_d, disk_lat)
        self.ds_iops = ds_iops
        self.ds_latency = ds_lat
        self.ds_util = util
        self.vm_iops = self.base_iops * mult
        self.vm_latency = vm_lat
        return vm_lat

    def _storage_space(
        self, mult: np.ndarray, running: np.ndarray, dt: float, moving: bool
    ) -> np.ndarray:
        """Space used per datastore, thin disks' and live deltas' growth over the last `dt` s;
        return which VMs a full datastore pauses."""
        sim = self.sim
        D = len(self.ds_names)
        dvm, dds = self.disk_vm, self.dds
        snap_any = self.snap_any
        alloc = np.where(self.disk_thin, self.disk_used, self.disk_size) * self.disk_on_ds * self.disk_factor
        ds_used = self.ds_other + np.bincount(dds, weights=alloc, minlength=D) + self.ds_swap
        if moving:
            ds_used = ds_used + moveload.ds_held(sim, self)
        write_d = self.disk_base_write * self._mult_d  # MB/s each disk's VM writes now
        growing = self.disk_thin & self.disk_on_ds & (self.disk_used < self.disk_size)
        if snap_any and D:
            ds_used = self._grow_deltas(ds_used, write_d, dt, D)
            growing &= ~self.snap_has  # a base under a snapshot is read-only
        ds_full = ds_used >= self.ds_cap - 1e-9
        if D and ds_full.any():
            blocked = growing & ds_full[dds]
            if snap_any:
                blocked |= self.snap_has & ds_full[self.snap_sd]
            paused = np.bincount(dvm, weights=blocked, minlength=len(self.vm_names)) > 0
            paused &= running & (self.base_write * mult > 0)
            growing = growing & ~blocked
        else:
            paused = self._no_pause
        self.vm_paused = paused
        if dt > 0 and D:
            grow = write_d * self.disk_w * (dt / MB_PER_GIB * NEW_BLOCK_FRACTION)
            self.disk_used = np.minimum(self.disk_size, self.disk_used + grow * growing)
            self._pending = True
        self.ds_used = ds_used
        self.ds_pct = 100.0 * ds_used / self.ds_cap
        return paused

    def _network(self, mult: np.ndarray) -> np.ndarray:
        """VM traffic sharing each host's up uplinks; return f_net per VM."""
        vm_host = self.vm_host
        net = self.base_net * mult
        sent = np.minimum(net, self.vm_net_cap) if self.net_capped else net  # e1000 NICs
        team = self.vm_team_cap
        if team is not self._team_seen:  # the least any VM's NICs can send (a new array each load)
            self._team_seen, self._team_least = team, float(team.min(initial=np.inf))
        if self.net_capped or float(net.max(initial=0.0)) > self._team_least:
            sent = np.minimum(sent, team)  # a pinned NIC gets one uplink (netpath)
            capped = self.net_capped or bool((sent < net - 1e-9).any())
        else:  # no VM sends what its NICs cap: nothing to clip
            capped = False
        nh = np.bincount(vm_host, weights=sent, minlength=len(self.host_names))
        nf_h = np.minimum(1.0, self.host_net_cap / np.maximum(nh, 1e-9))
        f_net = nf_h[vm_host]
        if capped:
            f_net = f_net * np.where(net > 1e-9, sent / np.maximum(net, 1e-9), 1.0)
        self.host_net_demand = nh
        self.vm_net = net
        self.vm_f_net = f_net
        return f_net

    def _health(
        self,
        running: np.ndarray,
        f_cpu: np.ndarray,
        f_net: np.ndarray,
        vm_lat: np.ndarray,
        paused: np.ndarray,
        moving: bool,
    ) -> np.ndarray:
        """What each VM is served (CPU, network, memory, slowed while it migrates); return
        which VMs are healthy by their thresholds."""
        sim = self.sim
        served = np.minimum(f_cpu, f_net) * self.mem_factor
        if self.disk_capped:
            served = np.minimum(served, self.vm_f_io * self.mem_factor)
        if moving and sim.migrations.running:
            idx, factor = moveload.slowed(sim, self)
            if idx:
                served = served.copy()
                served[idx] *= factor
        n = len(served)
        if self.rt_vm.size:  # routed VMs get what their routers give (provision/routing.py)
            served, cut = routing.throttle(self, served, running)
        else:
            cut = self._no_pause
            if self.vm_rt_cut is not self._zero_cut or self.vm_rt_cut.size != n:
                self.vm_rt_cut, self.vm_rt_limit = np.zeros(n, dtype=bool), np.full(n, np.inf)
                self._zero_cut = self.vm_rt_cut
        self.vm_served = served
        ok = running & self.vm_ok
        ok &= self.vm_reachable
        if cut is not self._no_pause:  # (the all-false flags need no mask)
            ok &= ~cut
        if paused is not self._no_pause:
            ok &= ~paused
        ok &= served >= self._min_served_lo
        ok &= vm_lat <= self._max_lat_hi
        return ok

    def _services(self, healthy: np.ndarray) -> None:
        """Which tiers and services are up: a tier while one of its members that serves users
        is healthy (VMs, then bare-metal servers), a service while all its tiers are."""
        if self.n_tiers:
            ok = healthy[self.mem_vm] if self.mem_idle is None else healthy[self.mem_vm] & ~self.mem_idle
            tier_ok = np.bincount(self.mem_tier, weights=ok, minlength=self.n_tiers) > 0
            down = np.bincount(self.tier_service, weights=~tier_ok, minlength=len(self.service_names))
            self.service_up = down == 0
            self.tier_up = tier_ok
        else:
            self.service_up = np.zeros(0, dtype=bool)
            self.tier_up = np.zeros(0, dtype=bool)

    def _account(self, healthy: np.ndarray, t: float, dt: float) -> None:
        """Add the last `dt` s to the downtime of the VMs unhealthy at the previous sample,
        then keep this sample's health."""
        if dt > 0:
            # The state seen at the previous sample holds until this one (left-point rule,
            # the same as the services' downtime).
            self.vm_downtime += dt * ~self.vm_healthy
        self.vm_healthy = healthy
        self.last_t = t
        self.samples += 1

    def _grow_deltas(self, ds_used: np.ndarray, write_d: np.ndarray, dt: float, D: int) -> np.ndarray:
        """Grow the live deltas by the last `dt` s of writes (never past the free space);
        return the datastores' used space including every delta and memory file. Worked on the
        disk rows with a delta only: the other rows add zeros, in the same order."""
        rows, sd, base, w, frozen = self._delta_rows()
        live = self.snap_live[rows]
        ds_used = ds_used + np.bincount(sd, weights=live + frozen, minlength=D) + self.ds_snapfiles
        if dt > 0:
            dw = write_d[rows] * w * (dt / MB_PER_GIB)
            inc = (base - live) * -np.expm1(-dw / base)
            inc_ds = np.bincount(sd, weights=inc, minlength=D)
            free = np.maximum(self.ds_cap - ds_used, 0.0)
            scale = np.where(inc_ds > free, free / np.maximum(inc_ds, 1e-300), 1.0)
            inc = inc * scale[sd]
            grown = self.snap_live.copy()
            grown[rows] = live + inc
            self.snap_live = grown
            self._pending = True
            ds_used = ds_used + np.bincount(sd, weights=inc, minlength=D)
        return ds_used

    def _delta_rows(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The disk rows with a live delta and, on them, the delta's datastore, the disk's size
        (at least 1e-9), its share of its VM's writes and the frozen deltas under it; kept until
        the snapshot rows or the structure change."""
        key = (self.built_version, self.snap_rows_version)
        if self._delta_key != key:
            rows = np.flatnonzero(self.snap_has)
            self._delta = (rows, self.snap_sd[rows], np.maximum(self.disk_size[rows], 1e-9),
                           self.disk_w[rows], self.snap_frozen[rows])
            self._delta_key = key
        return self._delta


def _grow(a: np.ndarray, n: int, fill: float) -> np.ndarray:
    """`a` extended to length n with `fill` (state of VMs added after the start)."""
    if a.size >= n:
        return a[:n]
    return np.concatenate([a, np.full(n - a.size, fill)])