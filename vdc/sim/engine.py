"""Provides `Simulation`: the SimPy environment, the inventory, the timeline and the sampler.

Time only moves through `run_until` (called by `vdc.session.Session`), in slices of any size:
SimPy's `run(until=t)` stops before every ordinary event at t, so a command applied between two
slices at time t lands after everything before t and before anything at t. Two processes run:
the timeline (level events and incidents, fixed up front) and the sampler (load, contention,
health, metrics and digests every `sample_interval` seconds). Both are created in a fixed order,
so simultaneous events always resolve the same way, however the time is sliced.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np
import simpy

from vdc.gcpause import gc_paused
from vdc.rng import Streams
from vdc.scenario import schema
from vdc.scenario.names import expand
from vdc.sim import assessment, drs, guest, ha, moves, network, provision, snapshots, space, vsan
from vdc.sim import objectives as obj
from vdc.sim.clock import Environment, call
from vdc.sim.compute.alarms import CpuAlarms
from vdc.sim.contention import Sampler
from vdc.sim.digest import DigestCache, state_digest
from vdc.sim.drs import passes as drs_passes
from vdc.sim.events import EventLog
from vdc.sim.ha import agents as ha_agents
from vdc.sim.ha import monitoring as ha_monitoring
from vdc.sim.handler import Mechanic
from vdc.sim.metrics import Metrics
from vdc.sim.model import Inventory, Vm, build_inventory
from vdc.sim.moves import maintenance, svmotion, vmotion
from vdc.sim.network import faults as net_faults
from vdc.sim.ring import TableRing
from vdc.sim.snapshots import chain as snapshot_chain
from vdc.sim.tasks import TaskList
from vdc.sim.timeline import Action
from vdc.sim.timeline import build as build_timeline
from vdc.sim.view import SimView, ViewCache, build_view
from vdc.sim.workload import BUILTIN, Profile

DIGEST_EVERY_S = 60
"""State digests are taken every 60 sim-seconds (and at the end)."""

FINE_HISTORY = 240
"""Samples kept for sparklines (20 min at 5 s)."""

MECHANICS: tuple[Mechanic, ...] = (moves, snapshots, ha, drs, guest, network, vsan, provision)
"""The mechanic packages, in the order they hear of a failed host (`host_down`)."""

DATASTORE_WARN_PCT = 75.0
DATASTORE_ALERT_PCT = 85.0
HOST_CPU_HIGH_PCT = 90.0


class Simulation:
    """One run of one level with one seed. Mutated only by the timeline and by commands."""

    def __init__(self, level: schema.Level, *, seed: int | None = None) -> None:
        with gc_paused():  # hundreds of thousands of lasting objects at enterprise size
            self._build(level, seed)

    def _build(self, level: schema.Level, seed: int | None) -> None:
        self.level = level
        meta = level.level
        self.seed = meta.seed if seed is None else seed
        self.duration = int(meta.duration)
        self.dt = int(meta.sample_interval)
        self.start_hour = float(meta.start_hour)
        self.env = Environment()
        self.streams = Streams(self.seed)
        self.log = EventLog()
        self.inv: Inventory = build_inventory(level)
        self.profiles: dict[str, Profile] = dict(BUILTIN)
        for p in level.profiles:
            self.profiles[p.name] = Profile(**p.model_dump())
        self.structure_version = 0
        self.dirty_parts: list[str] = []
        self.network_version = 0
        """Bumped by every change to links, trunks, isolation or host states."""
        self.placed: list[str] | None = []
        """The VMs a placement change named since the sampler last loaded placement
        (`touch("placement", vm=…)`); None when one named none (every VM is compared)."""
        self.net_hosts: list[str] | None = []
        """The hosts whose network changed since the sampler last loaded it (`touch("network",
        host)`); None when a change named no host (everything is reloaded)."""
        self.reconfigured = True
        """A change since the sampler's last rebuild may have touched more than states
        (`touch(keeps_hardware=True)`): the next rebuild loads everything."""
        self.spike_version = 0
        self.accepted_commands = 0
        self.edition = str(meta.edition)
        """The licence edition now (`license upgrade` raises it)."""
        self.spent = 0.0
        """Money spent from the level's budget (licence upgrades)."""
        self.tasks = TaskList()
        self.migrations = vmotion.new_board()
        self.flaps = 0
        """Flapping uplinks so far (each flap's number stops its own bounces)."""
        self.svmotions = svmotion.new_board()
        self.maintenance = maintenance.new_board()
        self.ha = ha_agents.build(self)
        """vSphere HA agents per cluster (`vdc.sim.ha`)."""
        self.drs = drs_passes.build(self)
        """DRS passes, recommendations and moves per cluster (`vdc.sim.drs`)."""
        self.metrics = Metrics()
        self.ended_at: float | None = None
        self.end_reason = ""
        self.digests: list[tuple[float, str]] = []
        self._spikes: list[tuple[dict[str, object], list[int], float]] = []
        self._indices: dict[tuple[str, ...], list[int]] = {}
        self._indices_at = (-1, -1)
        self._fills: list[tuple[str, float, float, float]] = []  # ds, gib/s, until, last
        self.alarm_levels: dict[tuple[str, str], str] = {}
        """The level of each alarm now ("ok" when absent), by (kind, subject)."""
        self.snapshot_alarmed: list[str] = []
        """VMs with a snapshot depth or age alarm raised (checked until it clears)."""
        self.snapshot_alarm_rows: tuple[tuple[int, int], np.ndarray, np.ndarray, float] | None = None
        """The sampler structure and chain rows, per VM row whether its depth and age alarms are
        raised, and the time before which no chain comes of age (`snapshots.chain.alarms`
        compares with it instead of every chain per sample)."""
        self._ds_level = np.zeros(0, dtype=int)
        self._cpu_high = np.zeros(0, dtype=bool)
        self.cpu_alarms = CpuAlarms()
        self.vsan = vsan.build(self)
        """vSAN objects, rebuilds and storage path faults (`vdc.sim.vsan`)."""
        self.timeline: list[Action] = build_timeline(level, self.streams)
        self.sampler = Sampler(self)
        self.digest_cache = DigestCache()
        """What the last state digest wrote of its seldom-changing parts (`vdc.sim.digest`)."""
        self.history = TableRing(FINE_HISTORY, [])
        """Per-sample series: `host_cpu:NAME`, `ds_pct:NAME`."""
        self.coarse = TableRing(self.duration // DIGEST_EVERY_S + 2, [])
        """Per-minute series for the debrief: also `service_up:NAME` and `power_kw`."""
        self._series_version = -1
        self._fine_names: list[str] = []
        self._coarse_names: list[str] = []
        self.metrics.service_names = list(self.inv.services)
        self.metrics.service_down = np.zeros(len(self.inv.services))
        self.metrics.service_now = np.ones(len(self.inv.services), dtype=bool)
        self.metrics.mean_ready = any(o.kind == "mean_cpu_ready" for o in level.objectives)
        for ds, used in zip(self.inv.datastores.values(), self.datastores_used(), strict=True):
            ds.used = used
        self._timeline_i = 0
        self._sample_k = 0
        self._sample_last = 0.0
        self.start(self._timeline_step)
        self.start(self._sample_step)
        if self.drs.active:  # a level that starts with DRS on: its first pass at t = 300
            drs_passes.ensure_clock(self)

    # ------------------------------------------------------------------ time
    @property
    def now(self) -> float:
        t = float(self.env.now)
        return min(t, self.ended_at) if self.ended_at is not None else t

    @property
    def ended(self) -> bool:
        return self.ended_at is not None

    def run_until(self, t: float) -> None:
        """Advance to sim time t (clamped to the level's end); idempotent for t ≤ now."""
        t = min(float(t), float(self.duration))
        if t > self.env.now and not self.ended:
            self.env.run(until=t)
        if t >= self.duration and not self.ended:
            # run(until) stops before the events at `until`; at the very end nothing can come
            # after them, so process the final sample (which ends the level) now.
            while not self.ended and self.env.peek() <= self.duration:
                self.env.step()

    def settle(self) -> None:
        """Process the events due at the current time too, until the level ends.

        `run_until(t)` stops before the events at t (so that a command given at t comes
        first). A run that ended at t had processed them — the sample that ended the level —
        and a replay of it must as well, or the last digest would be missing.
        """
        now = self.env.now
        while not self.ended and self.env.peek() <= now:
            self.env.step()

    def touch(self, part: str = "all", host: str | None = None, vm: str | None = None,
              *, keeps_network: bool = False, keeps_hardware: bool = False) -> None:
        """Mark the inventory changed so the sampler reloads its arrays before the next sample.

        `part` narrows a small change to what it affects: "network" (links, trunks, isolation),
        "health" (guest OS, bad changes), "datastores" (space used by others) or "placement"
        (a running VM changed host: a vMotion); anything else rebuilds everything. A network
        change that affects only the VMs of one `host` (its links, trunks, teams, isolation, a
        NIC of a VM on it) names it: only those VMs' paths are worked out again; a placement
        change names its `vm` (a vMotion's): only that VM's host is looked at. A structural
        change that `keeps_network` (a host failing or booting, VMs powered on or off or placed
        anew: no link, trunk, team or VM NIC changed) lets the rebuild keep the network paths
        of the VMs whose host, place and NICs stayed the same. One that also `keeps_hardware`
        (only hosts' states and VMs' power, boot times or hosts changed: no VM, disk, NIC,
        adapter, service, size or profile) lets it keep the disks, services and guest adapters.
        """
        if part == "all" and not keeps_hardware:
            self.reconfigured = True
        if part in ("all", "network", "placement"):
            self.network_version += 1
        if part == "all" and not keeps_network:
            self.net_hosts = None
        if part == "network":
            if host is None:
                self.net_hosts = None
            elif self.net_hosts is not None and host not in self.net_hosts:
                self.net_hosts.append(host)
        if part == "placement":
            if vm is None:
                self.placed = None
            elif self.placed is not None and vm not in self.placed:
                self.placed.append(vm)
        if part == "all":
            self.structure_version += 1
        elif part not in self.dirty_parts:
            self.dirty_parts.append(part)

    # ------------------------------------------------------------------ scheduling
    # The simulation's processes are chains of SimPy events with callbacks, not generators: a
    # generator cannot be copied, and `copy.deepcopy(simulation)` is what gives the replay
    # viewer its checkpoints. They schedule exactly what a generator process would (a start is
    # an urgent event, a wait a timeout), so the order of events is the same. Every mechanic
    # schedules its work through these two, with a module-level function (or a bound method of
    # the simulation) and plain arguments, so the pending events copy with the state.
    def start(self, fn: Callable[..., None], *args: object) -> None:
        """Run `fn(*args)` now, after the event being handled (how a SimPy process starts)."""
        ev = simpy.Event(self.env)
        ev._ok = True  # noqa: SLF001 - a triggered event, as simpy's Initialize makes it
        ev._value = None  # noqa: SLF001
        ev.callbacks.append(partial(call, fn, args))
        self.env.schedule(ev, simpy.core.URGENT)

    def after(self, delay: float, fn: Callable[..., None], *args: object) -> None:
        """Run `fn(*args)` `delay` sim-seconds from now (after the events already due then)."""
        self.env.timeout(delay).callbacks.append(partial(call, fn, args))

    def _timeline_step(self, resumed: bool = False) -> None:
        """Apply the timeline's actions that are due; wait for the next one."""
        while self._timeline_i < len(self.timeline):
            action = self.timeline[self._timeline_i]
            if not resumed and action.t > self.env.now:
                self.after(action.t - self.env.now, self._timeline_step, True)
                return
            resumed = False
            if self.ended:
                return
            self.apply_action(action)
            self._timeline_i += 1

    def _sample_step(self) -> None:
        """Sample now; wait for the next sample time (the last one is at the level's end)."""
        t = float(self.env.now)
        self._sample(t, t - self._sample_last)
        self._sample_last = t
        if self.ended or t >= self.duration:
            return
        self._sample_k += 1
        nxt = min(float(self._sample_k * self.dt), float(self.duration))
        self.after(nxt - t, self._sample_step)

    def _sample(self, t: float, dt: float) -> None:
        self._apply_fills(t)
        vsan.sample(self)
        s = self.sampler
        s.sample(t, dt)
        if self.drs.clock_at is not None:
            drs_passes.observe(self)
        m = self.metrics
        m.samples += 1
        # Services: downtime (left-point rule, like the VMs') and transitions.
        up = s.service_up
        if dt > 0:
            m.service_down += dt * ~m.service_now
        # The first sample tells every service that starts down (nothing to compare it with).
        changed = up != m.service_now if m.samples > 1 else ~up
        if changed.any():
            for i in np.flatnonzero(changed).tolist():
                name = s.service_names[i]
                if up[i]:
                    self.log.add(t, "service_up", name, f"service {name} is up again")
                else:
                    self.log.add(t, "service_down", name, f"service {name} is down: {self._why_down(i)}")
        m.service_now = up.copy()
        # Power.
        kw = float(s.host_power_w.sum()) / 1000.0
        m.power_kw = kw
        m.peak_kw = max(m.peak_kw, kw)
        m.energy_kwh += kw * dt / 3600.0
        # Datastores: used space back on the objects, alarms at 75 / 85 / 100 %.
        pct = s.ds_pct
        for ds, used in zip(self.inv.datastores.values(), s.ds_used.tolist(), strict=True):
            ds.used = used
        if m.ds_peak.size != pct.size:
            m.ds_names = list(s.ds_names)
            m.ds_peak = np.concatenate([m.ds_peak, np.zeros(pct.size - m.ds_peak.size)])
        m.ds_peak = np.maximum(m.ds_peak, pct)
        ds_level = (
            (pct >= DATASTORE_WARN_PCT).astype(int)
            + (pct >= DATASTORE_ALERT_PCT)
            + (pct >= 100.0 - 1e-9)
        )
        for i in np.flatnonzero(ds_level != self._ds_level[: ds_level.size]).tolist() if ds_level.size == self._ds_level.size else range(ds_level.size):
            name = s.ds_names[i]
            self.alarm_transition(
                t, ("ds", name), ("ok", "warning", "alert", "full")[int(ds_level[i])],
                f"{name} is {pct[i]:.1f} % full",
            )
        self._ds_level = ds_level
        snapshot_chain.alarms(self, t)
        # Hosts: CPU demand alarm.
        high = (s.host_cpu_demand_pct >= HOST_CPU_HIGH_PCT) & s.host_runs
        changed = range(high.size) if high.size != self._cpu_high.size else np.flatnonzero(high != self._cpu_high).tolist()
        for i in changed:
            h = s.host_names[i]
            self.alarm_transition(
                t, ("cpu", h), "cpu_high" if high[i] else "ok",
                f"{h} CPU demand at {s.host_cpu_demand_pct[i]:.0f} % of capacity",
            )
        self._cpu_high = high
        self.cpu_alarms.observe(self, t)  # ready warnings, VMs turning unhealthy
        self._record_history(t)
        if self.maintenance.entering:
            maintenance.poll(self)
        # Objectives: time-weighted CPU ready, results frozen at deadlines; early loss.
        obj.account(self, t, dt)
        if self.level.level.end_on_fail and t < self.duration:
            for st in self.objective_statuses():
                if st.required and st.failed_for_good:
                    self.log.add(t, "objective_failed", st.id, f"required objective failed: {st.description}")
                    self._end(t, f"required objective failed: {st.description}")
                    break
        if t >= self.duration and not self.ended:
            self._end(t, "the level's time is up")
        if t % DIGEST_EVERY_S == 0 or self.ended:
            self.digests.append((t, self.digest()))

    def _end(self, t: float, reason: str) -> None:
        self.ended_at = t
        self.end_reason = reason
        self.log.add(t, "level_end", self.level.level.id, reason)

    def alarm_transition(self, t: float, key: tuple[str, str], level: str, detail: str) -> None:
        """Set alarm `key` to `level`; log the change (a new alarm, or "alarm cleared")."""
        prev = self.alarm_levels.get(key, "ok")
        if prev == level:
            return
        self.alarm_levels[key] = level
        kind = {
            "full": "datastore_full", "alert": "datastore_alert", "warning": "datastore_warning",
            "cpu_high": "host_cpu_high",
            "snap_deep": "snapshot_depth", "snap_old": "snapshot_age",
        }.get(level)
        if kind is not None:
            self.log.add(t, kind, key[1], detail)
        else:
            self.log.add(t, "alarm_cleared", key[1], f"{detail} (alarm cleared)")

    def _record_history(self, t: float) -> None:
        """Fine history every sample (sparklines), coarse every minute (debrief charts)."""
        s = self.sampler
        if self._series_version != s.built_version:
            hosts = [f"host_cpu:{h}" for h in s.host_names]
            dss = [f"ds_pct:{d}" for d in s.ds_names]
            svcs = [f"service_up:{n}" for n in s.service_names]
            self._fine_names = hosts + dss
            self._coarse_names = svcs + hosts + dss + ["power_kw"]
            self._series_version = s.built_version
        self.history.append(self._fine_names, np.concatenate([s.host_cpu_pct, s.ds_pct]))
        if t % DIGEST_EVERY_S == 0:
            self.coarse.append(
                self._coarse_names,
                np.concatenate(
                    [s.service_up.astype(float), s.host_cpu_pct, s.ds_pct, [self.metrics.power_kw]]
                ),
            )

    def _why_down(self, service_index: int) -> str:
        s = self.sampler
        down = [
            self.inv.services[s.service_names[service_index]].tiers[j - self._tier_offset(service_index)].name
            for j in range(len(s.tier_up))
            if s.tier_service[j] == service_index and not s.tier_up[j]
        ]
        if not down:
            return "no healthy VM"
        if len(down) == 1:
            return f"tier {down[0]} has no healthy VM"
        return f"tiers {', '.join(down[:-1])} and {down[-1]} have no healthy VM"

    def _tier_offset(self, service_index: int) -> int:
        return int(np.searchsorted(self.sampler.tier_service, service_index))

    # ------------------------------------------------------------------ timeline effects
    def apply_action(self, a: Action) -> None:
        """Apply one timeline step to the inventory and log it."""
        t = float(self.env.now)
        p = a.params
        op = a.op
        log = self.log.add
        if op == "warning":
            log(t, "warning", str(p.get("subject", "")), str(p["text"]))
        elif op == "message":
            log(t, "message", "level", str(p["text"]))
        elif op in ("load_spike", "load_spike_end"):
            targets = a.names("targets")
            idx = self._vm_indices(targets)
            # A spike's start and end share one params dict: the spike is found by that object
            # (not by id(), which a copied simulation would not share).
            if op == "load_spike":
                factor = a.number("factor")
                self._spikes.append((p, idx, factor))
                log(t, "load_spike", ",".join(targets), f"load ×{factor:g} on {len(idx)} VM(s)")
            else:
                self._spikes = [s for s in self._spikes if s[0] is not p]
                log(t, "load_spike_end", ",".join(targets), "load back to normal")
            self._recompute_spikes()
        elif op == "profile_change":
            targets = a.names("targets")
            for name in expand(targets, list(self.inv.vms)):
                self.inv.vms[name].profile = a.text("profile")
            log(t, "profile_change", ",".join(targets), f"workload is now '{a.text('profile')}'")
            self.touch()
        elif op == "host_failure":
            self.fail_host(str(p["host"]))
        elif op == "host_recover":
            self.recover_host(str(p["host"]))
        elif op == "host_isolated":
            h = self.inv.hosts[str(p["host"])]
            if h.state == "on":
                h.state = "isolated"
                log(t, "host_isolated", h.name, f"{h.name} lost its management network; its VMs are cut off")
                self.touch("network", h.name)
                ha_agents.host_isolated(self, h.name)
        elif op == "host_isolated_end":
            h = self.inv.hosts[str(p["host"])]
            if h.state == "isolated":
                h.state = "on"
                log(t, "host_connected", h.name, f"{h.name} is reachable again")
                self.touch("network", h.name)
                ha_agents.host_up(self, h.name)
        elif op in ("uplink_down", "uplink_up"):
            h = self.inv.hosts[str(p["host"])]
            nic = h.nics[str(p["uplink"])]
            log(t, op, h.name, f"{h.name} {nic.name} link {'up' if op == 'uplink_up' else 'down'}")
            net_faults.set_link(self, h, nic, op == "uplink_up")
            self._log_cut_vms(t, h.name)
        elif op in ("upstream_down", "upstream_up", "trunk_prune", "uplink_flap", "uplink_flap_end"):
            net_faults.apply_event(self, op, str(p["host"]), p.get("uplink"), p.get("vlan"))
        elif op == "datastore_fill":
            ds = self.inv.datastores[str(p["datastore"])]
            gib = a.number("gib")
            if p.get("duration"):
                dur = a.number("duration")
                self._fills.append((ds.name, gib / dur, t + dur, t))
                log(t, "datastore_fill", ds.name, f"another tenant starts writing {gib:g} GiB to {ds.name} over {dur:g} s")
            else:
                ds.other_used += gib
                log(t, "datastore_fill", ds.name, f"another tenant put {gib:g} GiB on {ds.name}")
                self.touch("datastores")
        elif op in vsan.OPS:
            vsan.apply(self, op, p)
        elif op == "bad_change":
            vm = self.inv.vms[str(p["vm"])]
            vm.broken = True
            log(t, "bad_change", vm.name, f"a bad change broke {vm.name}'s application")
            self.touch("health")
        elif op == "guest_hang":
            ha_monitoring.hang(self, str(p["vm"]))
        elif op == "bad_change_end":
            vm = self.inv.vms[str(p["vm"])]
            if vm.broken:
                vm.broken = False
                log(t, "bad_change_fixed", vm.name, f"{vm.name}'s application works again")
                self.touch("health")
        else:  # pragma: no cover - timeline only produces the ops above
            raise ValueError(op)

    def _apply_fills(self, t: float) -> None:
        """Advance gradual datastore fills up to time t."""
        if not self._fills:
            return
        keep = []
        changed = False
        for ds, rate, until, last in self._fills:
            upto = min(t, until)
            if upto > last:
                self.inv.datastores[ds].other_used += rate * (upto - last)
                changed = True
            if t < until:
                keep.append((ds, rate, until, upto))
        self._fills = keep
        if changed:
            self.touch("datastores")

    def _vm_indices(self, patterns: list[str]) -> list[int]:
        """The rows of the VMs `patterns` name (kept while the VMs stay the same: a load spike's
        targets, often a glob over every VM, are matched once, not at every spike)."""
        at = (self.structure_version, len(self.inv.vms))
        if at != self._indices_at:
            self._indices, self._indices_at = {}, at
        key = tuple(patterns)
        hit = self._indices.get(key)
        if hit is None:
            names = list(self.inv.vms)
            pos = {n: i for i, n in enumerate(names)}
            hit = self._indices[key] = [pos[n] for n in expand(patterns, names, pos)]
        return list(hit)

    def _recompute_spikes(self) -> None:
        s = self.sampler
        if s.built_version != self.structure_version:
            s.rebuild()
        spike = np.ones(len(self.inv.vms))
        for _, idx, factor in self._spikes:
            spike[idx] *= factor
        s.spike = spike
        self.spike_version += 1

    def _log_cut_vms(self, t: float, host: str) -> None:
        cut = [
            v.name for v in self.inv.vms_on(host)
            if v.power == "on" and not all(self.inv.hosts[host].carries(n.portgroup) for n in v.nics)
        ]
        if cut:
            self.log.add(t, "vlan_cut", host, f"no working uplink carries the VLAN of {', '.join(cut)}")

    # ------------------------------------------------------------------ state changes
    def fail_host(self, name: str) -> None:
        t = float(self.env.now)
        h = self.inv.hosts[name]
        if h.state in ("failed", "off"):
            return
        h.state = "failed"
        down = []
        for v in self.inv.vms_on(name):
            if v.power == "on":
                v.power = "off"
                down.append(v.name)
        what = f"its {len(down)} VMs went down" if len(down) != 1 else "its VM went down"
        self.log.add(
            t, "host_failed", name,
            f"{name} failed; {what}: {', '.join(down)}" if down else f"{name} failed (it ran no VMs)",
        )
        self.touch(keeps_network=True, keeps_hardware=True)
        for mechanic in MECHANICS:
            mechanic.host_down(self, name, down)

    def host_entering_maintenance(self, name: str) -> None:
        """A host began entering maintenance mode: in a DRS cluster, a pass plans its evacuation."""
        drs_passes.host_entering(self, name)

    def evacuation_note(self, name: str) -> str:
        """What DRS does about a host entering maintenance ("" when nothing), for its task."""
        return drs_passes.evacuation_note(self, name)

    def recover_host(self, name: str) -> None:
        t = float(self.env.now)
        h = self.inv.hosts[name]
        if h.state != "failed":
            return
        h.state = "booting"
        h.ready_at = t + h.boot_s
        self.log.add(t, "host_recovering", name, f"{name} is rebooting ({h.boot_s:g} s)")
        self.touch(keeps_network=True, keeps_hardware=True)
        self.start(self._wait_boot, h.name, h.ready_at)

    def boot_host(self, name: str) -> None:
        t = float(self.env.now)
        h = self.inv.hosts[name]
        h.state = "booting"
        h.ready_at = t + h.boot_s
        self.touch(keeps_network=True, keeps_hardware=True)
        self.start(self._wait_boot, name, h.ready_at)

    def _wait_boot(self, name: str, at: float) -> None:
        self.after(at - self.env.now, self._finish_boot, name, at)

    def _finish_boot(self, name: str, at: float) -> None:
        h = self.inv.hosts[name]
        if h.state == "booting" and h.ready_at == at:
            h.come_up()  # back in maintenance mode if it was in it (powered off or failed there)
            where = " (in maintenance mode)" if h.maintenance else ""
            self.log.add(at, "host_on", name, f"{name} is up{where}")
            self.touch(keeps_network=True, keeps_hardware=True)
            if h.maintenance:
                ha_agents.host_in_maintenance(self, name)
            else:
                ha_agents.host_up(self, name)
            vsan.host_up(self, name)

    def drop_vm_row(self, row: int) -> None:
        """A VM was deleted: its sampler row goes from every per-VM array (sampler, alarms,
        objective integrals, load spikes), so the rows after it stay with their VMs."""
        self.sampler.drop_row(row)
        self.cpu_alarms.drop(row)
        m = self.metrics
        if row < m.ready_integral.size:
            m.ready_integral = np.delete(m.ready_integral, row)
            m.ready_prev = np.delete(m.ready_prev, row)
        self._spikes = [(p, [j - (j > row) for j in idx if j != row], f) for p, idx, f in self._spikes]

    def datastore_used(self, name: str) -> float:
        """GiB used on a datastore right now: other data, VM disks and running VMs' swap files."""
        return space.datastore_used(self, name)

    def datastores_used(self) -> list[float]:
        """`datastore_used` of every datastore, in inventory order (`vdc.sim.space`)."""
        return space.datastores_used(self)

    def storage_refusal(self, vm: Vm, host: str | None = None) -> str | None:
        """Why `vm` cannot run (on `host`, or anywhere) because of its storage: vSAN data
        inaccessible, a datastore lost or without paths there (None when it can)."""
        return vsan.refusal(self, vm, host)

    def storage_hung(self) -> set[str]:
        """Running VMs whose I/O hangs (all paths down to a datastore of theirs on their host):
        the sampler counts them unhealthy."""
        return vsan.hung(self)

    def cost(self) -> float:
        """Cost of the hosts in service (a host powered off counts as retired), of what was
        bought (licence upgrades) and of the deployed appliances' licences."""
        hosts = float(sum(h.cost for h in self.inv.hosts.values() if h.state != "off"))
        return hosts + self.spent + provision.appliance_cost(self)

    # ------------------------------------------------------------------ reading
    def view(self, cache: ViewCache | None = None) -> SimView:
        """A frozen, read-only view of the state for renderers.

        A renderer that reads views often keeps one `ViewCache` and passes it each time: parts
        that have not changed (by their version numbers) are reused instead of rebuilt.
        """
        return build_view(self, cache if cache is not None else ViewCache())

    def service_names(self) -> list[str]:
        return list(self.inv.services)

    def assess(self, o: schema.Objective) -> tuple[bool, str, str]:
        """A `config` objective now: (met, what is there, what is wanted) — see `assessment`."""
        return assessment.check(self, o)

    def objective_statuses(self) -> list[obj.ObjectiveStatus]:
        return [obj.evaluate(self, o) for o in self.level.objectives]

    def outcome(self, *, stopped_early: bool = False) -> str:
        statuses = self.objective_statuses()
        if any(s.required and s.failed_for_good for s in statuses):
            return "lost"
        if stopped_early and not self.ended:
            return "incomplete"
        if not self.ended:
            return "running"
        return "won" if all(s.met for s in statuses if s.required) else "lost"

    def flush_disks(self) -> None:
        """The sampler's thin-disk and live-delta growth written back onto the objects, for
        whatever reads them next (nothing to write while it is not built)."""
        sampler: Sampler | None = getattr(self, "sampler", None)  # not yet while building
        if sampler is not None:
            sampler.flush()

    def digest(self) -> str:
        """SHA-256 over a canonical form of the state (see `vdc.sim.digest`)."""
        return state_digest(self)
