"""Provides VM snapshots (sim-facts §7): copy-on-write delta chains, memory files, revert and
consolidation, the space they take and the I/O they cost.

Each VM holds a linear chain `vm.snapshots` (oldest first). Snapshot k owns, per disk, the
delta that holds the changes made since it was taken; the newest snapshot's delta is live and
takes the VM's writes. A delta of a base disk of B GiB that has taken w GiB of uniformly random
writes holds

    size = B × (1 − e^(−w / B))          (rewrites of a block add nothing; never past B)

which, sample by sample, is `size ← B − (B − size) × e^(−Δw / B)` (the sampler does it for all
disks at once, see `contention.py`). Joining two deltas of sizes a and b gives the union of
their blocks, a + b − a·b/B — the same curve with the writes added up.

Reverting to snapshot k discards the newer snapshots and every delta from k on (their space is
freed at once) and starts k's delta empty; deleting snapshot k merges its delta into its parent
(the delta before it, or the base disk) over `size / consolidate bandwidth`. A thick base
absorbs a delta without growing; a thin base's used space grows by the delta's blocks it did
not have: used + size × (1 − used / disk size).
Physical-mode RDMs cannot be snapshotted; a virtual-mode RDM's delta lives on the VM's home
datastore (the one of its first vmdk). The chain is linear: a revert drops the branch above
the snapshot instead of keeping it as a side branch of a tree.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from vdc.sim import checks, units
from vdc.sim.slotstate import quick_pickle

if TYPE_CHECKING:
    from vdc.sim.engine import Simulation
    from vdc.sim.model import Vm

MAX_CHAIN = 32
"""Most snapshots in one chain (KB 1025279); a 33rd is refused."""

DEPTH_ALARM = 3
"""A chain deeper than this raises a `snapshot_depth` alarm (VMware: use only 2–3)."""

AGE_ALARM_S = 72 * 3600.0
"""A snapshot older than this (sim seconds) raises a `snapshot_age` alarm [assumption: 72 h,
KB 1025279's guidance]."""

CONSOLIDATE_SHARE = 0.5
"""Consolidation copies at this share of the datastore's MB/s [assumption: 0.5]."""

CONSOLIDATE_IO_FACTOR = 0.6
"""While a VM's deltas are merged its I/O efficiency is multiplied by this [game tuning]."""

IO_EFFICIENCY = (1.0, 0.5, 0.35, 0.25)
"""f(depth): the share of a disk's I/O capability left with 0, 1, 2 and ≥ 3 deltas
(iops_eff = iops × f) [game tuning; sources show 12–85 % drops]."""


@quick_pickle
@dataclass(slots=True)
class Snapshot:
    """One point in a VM's chain and the delta (per disk) of the changes made since it."""

    name: str
    taken_at: float
    memory: bool
    quiesced: bool
    broken: bool
    """Whether the VM's application was broken (a bad change) when it was taken."""
    power_on: bool
    sizes: list[float]
    """GiB per disk of the delta holding the changes since this snapshot."""
    mem_gib: float = 0.0
    """Size of the memory file (the VM's RAM for a memory snapshot)."""
    ready_at: float = 0.0
    """When its memory file is written (a memory snapshot takes RAM / write bandwidth)."""


def io_efficiency(depth: int, consolidating: bool = False) -> float:
    """f(depth), × `CONSOLIDATE_IO_FACTOR` while a merge runs."""
    f = IO_EFFICIENCY[min(depth, len(IO_EFFICIENCY) - 1)]
    return f * (CONSOLIDATE_IO_FACTOR if consolidating else 1.0)


def delta_size(base: float, written: float) -> float:
    """GiB a fresh delta of a `base` GiB disk holds after `written` GiB of random writes."""
    return base * (1.0 - math.exp(-written / base)) if base > 0 else 0.0


def join(base: float, a: float, b: float) -> float:
    """Size of the union of two deltas (or a thin disk's used space and a delta) on `base`."""
    return min(base, a + b - a * b / base) if base > 0 else 0.0


def delta_datastore(vm: Vm, disk_index: int) -> str | None:
    """Where disk `disk_index`'s deltas live: its datastore, or the VM's home for an RDM."""
    d = vm.disks[disk_index]
    return d.datastore if d.datastore is not None else vm.home_datastore


def space_on(sim: Simulation, ds: str) -> float:
    """GiB of deltas and memory files on datastore `ds` (as the objects hold them)."""
    used = 0.0
    for v in sim.inv.vms.values():
        if not v.snapshots:
            continue
        home = v.home_datastore
        for s in v.snapshots:
            if home == ds:
                used += s.mem_gib
            for j, size in enumerate(s.sizes):
                if j < len(v.disks) and delta_datastore(v, j) == ds:
                    used += size
    return used


def space_by_datastore(sim: Simulation) -> dict[str, float]:
    """`space_on` of every datastore holding a delta or memory file, in one pass over the VMs
    (each datastore's sum in the same order as `space_on` takes it)."""
    used: dict[str, float] = {}
    for v in sim.inv.vms.values():
        if not v.snapshots:
            continue
        home = v.home_datastore
        where = [delta_datastore(v, j) for j in range(len(v.disks))]
        for s in v.snapshots:
            if home is not None:
                used[home] = used.get(home, 0.0) + s.mem_gib
            for j, size in enumerate(s.sizes):
                ds = where[j] if j < len(where) else None
                if ds is not None:
                    used[ds] = used.get(ds, 0.0) + size
    return used


def vm_space(vm: Vm) -> float:
    """GiB all of a VM's snapshots take (deltas and memory files)."""
    return sum(sum(s.sizes) + s.mem_gib for s in vm.snapshots)


def busy(sim: Simulation, vm: Vm) -> str:
    """Why the VM's snapshots cannot be changed now ("" when they can)."""
    for t in sim.tasks.active_of(vm.name):
        if t.kind in ("snapshot", "consolidate"):
            what = "writing a memory snapshot" if t.kind == "snapshot" else "consolidating snapshots"
            return f"{vm.name} is {what} (done at t = {t.ends_at:.0f} s)"
    return ""


def consolidating(sim: Simulation) -> set[str]:
    """Names of VMs whose deltas are being merged now."""
    return {t.subject for t in sim.tasks.active("consolidate")}


def sync(sim: Simulation) -> None:
    """Write the sampler's live delta sizes back to the snapshots (before changing them)."""
    if sim.sampler.built_version >= 0:
        sim.sampler.flush()


def reload(sim: Simulation, vm: Vm) -> None:
    """Reload the sampler's snapshot rows of `vm` after its chain changed."""
    s = sim.sampler
    if s.built_version == sim.structure_version and vm.name in s.vm_index:
        s.load_vm_snapshots(vm.name)
    elif s.built_version >= 0:  # a rebuild is due; until then `flush` must see the new chains
        s.load_snapshots()
    sim.touch("datastores")


def mb_per_s(sim: Simulation, vm: Vm) -> float:
    """Write bandwidth of the VM's home datastore (MB/s)."""
    home = vm.home_datastore
    return sim.inv.datastores[home].mbps if home is not None else 1000.0


# --------------------------------------------------------------------- changes


def create(sim: Simulation, vm: Vm, name: str, memory: bool, quiesce: bool) -> str:
    """Take a snapshot now: freeze the live deltas, start new ones; a memory file if asked."""
    sync(sim)
    now = sim.now
    mem = vm.memory if memory else 0.0
    dur = units.seconds(mem, mb_per_s(sim, vm)) if memory else 0.0
    snap = Snapshot(
        name, round(now, 3), memory, quiesce, vm.broken, vm.power == "on",
        [0.0] * len(vm.disks), mem, now + dur,
    )
    vm.snapshots.append(snap)
    reload(sim, vm)
    if not memory:
        what = "quiesced snapshot" if quiesce else "snapshot"
        return f"{what} {name} of {vm.name} taken; its writes now go to a new delta"
    task = sim.tasks.add("snapshot", vm.name, vm.home_datastore or "", now, f"memory of {vm.name}")
    sim.tasks.start(task, now, now + dur, f"writing {mem:g} GiB of memory")
    sim.after(dur, _memory_written, sim, vm.name, task.id)
    return (f"snapshot {name} of {vm.name} taken; writing its {mem:g} GiB of memory "
            f"(about {dur:.0f} s)")


def _memory_written(sim: Simulation, vm_name: str, task_id: int) -> None:
    task = sim.tasks.tasks[task_id - 1]
    if task.active:
        sim.tasks.finish(task, sim.now, detail="memory written")


def revert(sim: Simulation, vm: Vm, k: int) -> str:
    """Go back to snapshot k: newer snapshots and deltas go; a bad change since is undone."""
    sync(sim)
    now = sim.now
    snap = vm.snapshots[k]
    freed = vm_space(vm)
    dropped = vm.snapshots[k + 1 :]
    del vm.snapshots[k + 1 :]
    snap.sizes = [0.0] * len(vm.disks)
    freed -= vm_space(vm)
    words = [f"{vm.name} reverted to {snap.name}"]
    if dropped:
        words.append(f"dropped {', '.join(s.name for s in dropped)}")
    words.append(f"freed {freed:.1f} GiB")
    if vm.broken and not snap.broken:
        vm.broken = False
        sim.log.add(now, "bad_change_undone", vm.name,
                    f"{vm.name}'s application works again: the bad change came after {snap.name}")
        sim.touch("health")
        words.append("the bad change since is undone")
    host = sim.inv.hosts[vm.host]
    # A VM that is off comes back running only where a VM may power on (not on a host in
    # maintenance mode, entering it, cut off, booting, off or failed).
    kept_off = None if vm.power == "on" else checks.host_refusal(sim, host, "place")
    if snap.memory and snap.power_on and kept_off is None:
        if vm.power != "on":
            vm.power = "on"
            vm.up_at = now
            sim.touch()
        words.append("running from its saved memory")
    elif snap.memory and snap.power_on:
        words.append(f"it stays off: {kept_off}")
    elif vm.power == "on":
        vm.power = "off"
        sim.touch()
        words.append("powered off (the snapshot has no memory)")
    reload(sim, vm)
    return "; ".join(words)


def delete(sim: Simulation, vm: Vm, k: int | None) -> str:
    """Start merging snapshot k's delta into its parent (all of them when k is None)."""
    sync(sim)
    now = sim.now
    chain = vm.snapshots
    which = chain if k is None else [chain[k]]
    gib = sum(sum(s.sizes) for s in which)
    bw = CONSOLIDATE_SHARE * mb_per_s(sim, vm)
    dur = units.seconds(gib, bw)
    label = "all snapshots" if k is None else chain[k].name
    task = sim.tasks.add("consolidate", vm.name, label, now, f"merging {gib:.1f} GiB")
    sim.tasks.start(task, now, now + dur, f"merging {gib:.1f} GiB at {bw:g} MB/s")
    names = [s.name for s in which]
    reload(sim, vm)  # the I/O penalty of consolidation starts now
    sim.after(dur, _merged, sim, vm.name, names, task.id)
    return (f"deleting {label} of {vm.name}: merging {gib:.1f} GiB takes about {dur:.0f} s; "
            "the space is freed when it is done")


def _merged(sim: Simulation, vm_name: str, names: list[str], task_id: int) -> None:
    """End of a consolidation: join the deltas, free their space and the memory files."""
    sync(sim)
    now = sim.now
    vm = sim.inv.vms[vm_name]
    task = sim.tasks.tasks[task_id - 1]
    before = vm_space(vm)
    for name in reversed(names):  # newest first, so each merges into a parent still there
        k = next((i for i, s in enumerate(vm.snapshots) if s.name == name), None)
        if k is None:
            continue
        snap = vm.snapshots.pop(k)
        if k > 0:
            parent = vm.snapshots[k - 1]
            parent.sizes = [
                join(vm.disks[j].size, parent.sizes[j], snap.sizes[j]) for j in range(len(snap.sizes))
            ]
        else:
            for j, size in enumerate(snap.sizes):
                d = vm.disks[j]
                if d.thin:
                    d.used = join(d.size, d.used, size)
    freed = before - vm_space(vm)
    if task.active:
        sim.tasks.finish(task, now, detail=f"freed {freed:.1f} GiB")
    reload(sim, vm)  # also reloads thin disks' used space, which a merge into the base grew
    sim.log.add(now, "snapshot_deleted", vm.name,
                f"{', '.join(names)} of {vm.name} consolidated; {freed:.1f} GiB freed")


# --------------------------------------------------------------------- reading


def describe(sim: Simulation, vm: Vm) -> str:
    """`snapshot list`: the chain as an indented tree, with sizes and ages."""
    sync(sim)
    if not vm.snapshots:
        return f"{vm.name} has no snapshots"
    now = sim.now
    lines = [f"{vm.name}: {len(vm.snapshots)} snapshot(s), {vm_space(vm):.1f} GiB"]
    for i, s in enumerate(vm.snapshots):
        tags = [t for t, on in (("memory", s.memory), ("quiesced", s.quiesced)) if on]
        extra = f" [{', '.join(tags)}]" if tags else ""
        age = age_text(now - s.taken_at)
        lines.append(f"{'  ' * i}└ {s.name}{extra}  {sum(s.sizes) + s.mem_gib:.1f} GiB, {age} old")
    lines.append(f"{'  ' * len(vm.snapshots)}└ You are here")
    why = busy(sim, vm)
    if why:
        lines.append(why)
    return "\n".join(lines)


def age_text(seconds: float) -> str:
    """A snapshot's age as players read it: `45 s`, `12 min`, `3.5 h`."""
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def alarms(sim: Simulation, t: float) -> None:
    """Depth and age alarms per VM (checked every sample, only for VMs with snapshots).

    The levels wanted per VM row are numpy comparisons of the sampler's chain arrays; only
    rows whose level differs from the one raised last time are looked at, in the order the
    full pass (`_alarms_every_chain`, used after a rebuild) takes them, with its words. While
    no chain changed and none comes of age (a second's margin), the levels are the same."""
    s = sim.sampler
    prev = sim.snapshot_alarm_rows
    key = (s.built_version, s.snap_rows_version)
    if prev is not None and prev[0] == key and t < prev[3]:
        return
    depth = s.vm_snap_depth
    deep = depth > DEPTH_ALARM
    old = (depth > 0) & (t - s.vm_snap_oldest > AGE_ALARM_S)
    if prev is None or prev[0][0] != s.built_version or prev[1].size != depth.size:
        _alarms_every_chain(sim, t)
    else:
        changed = np.flatnonzero((deep != prev[1]) | (old != prev[2])).tolist()
        if changed:
            gone = [i for i in changed if depth[i] == 0]
            for i in changed:
                if depth[i] > 0:
                    _alarm_vm(sim, t, s.vm_names[i])
            if gone:  # chains gone with an alarm raised: in the order the alarms were raised
                left = {s.vm_names[i] for i in gone}
                order = [k[1] for k, lv in sim.alarm_levels.items()
                         if k[0] in ("snapdepth", "snapage") and lv != "ok" and k[1] in left]
                for name in dict.fromkeys(order):
                    _alarm_vm(sim, t, name)
            sim.snapshot_alarmed = [s.vm_names[i] for i in np.flatnonzero(deep | old).tolist()]
    young = s.vm_snap_oldest[(depth > 0) & ~old]
    sim.snapshot_alarm_rows = (key, deep, old, float(young.min(initial=np.inf)) + AGE_ALARM_S - 1.0)


def _alarm_vm(sim: Simulation, t: float, name: str) -> None:
    """Raise or clear `name`'s depth and age alarms by its chain now (words only for a change)."""
    current = sim.alarm_levels
    vm = sim.inv.vms[name]
    depth = len(vm.snapshots)
    level = "snap_deep" if depth > DEPTH_ALARM else "ok"
    if current.get(("snapdepth", name), "ok") != level:
        sim.alarm_transition(t, ("snapdepth", name), level,
                             f"{name} has a chain of {depth} snapshots")
    oldest = vm.snapshots[0].taken_at if vm.snapshots else t
    level = "snap_old" if t - oldest > AGE_ALARM_S else "ok"
    if current.get(("snapage", name), "ok") != level:
        sim.alarm_transition(t, ("snapage", name), level,
                             f"{name}'s oldest snapshot is {age_text(t - oldest)} old")


def _alarms_every_chain(sim: Simulation, t: float) -> None:
    """The alarms of every VM with a chain, and of those whose chain went with an alarm up."""
    s = sim.sampler
    idx = s.vm_snap_depth.nonzero()[0].tolist() if s.snap_any else []
    names = [s.vm_names[i] for i in idx]
    seen = set(names)
    if any(n not in seen for n in sim.snapshot_alarmed):
        # A VM whose chain is gone with an alarm raised: cleared here, in the order the alarms
        # were first raised (a rare sample; the others skip scanning every alarm).
        for key in [k for k, lv in sim.alarm_levels.items() if k[0] in ("snapdepth", "snapage") and lv != "ok"]:
            if key[1] not in seen:
                seen.add(key[1])
                names.append(key[1])
    for name in names:
        _alarm_vm(sim, t, name)
    current = sim.alarm_levels
    sim.snapshot_alarmed = [n for n in names if current.get(("snapdepth", n), "ok") != "ok"
                            or current.get(("snapage", n), "ok") != "ok"]


def digest_json(sim: Simulation) -> str:
    """`digest_part` as the state digest's JSON writes it ("" when no VM has a snapshot), byte
    for byte, at the cost of the live deltas: each chain's older snapshots and its newest one's
    name, time and memory file are kept as JSON (`Sampler.chain_json`, dropped when the
    sampler reloads that chain's rows, as every change to a chain does). The sampler is
    current (the digest brought it up to date). The live deltas' sizes are read from the
    sampler's rows, what a flush would write on the chains: the digest writes nothing back."""
    s = sim.sampler
    if not s.snap_any:
        return ""
    vms = sim.inv.vms
    live = s.snap_live.tolist()
    rows = s._snap_rows
    first = s._disk_first
    vidx = s.vm_index
    kept = s.chain_json
    parts = []
    for name in sorted([s.vm_names[i] for i in np.flatnonzero(s.vm_snap_depth).tolist()]):
        chain = vms[name].snapshots
        head = kept.get(name)
        if head is None:
            last = chain[-1]
            head = kept[name] = "".join(
                [json.dumps(name), ":["]
                + [_dumps(_entry(x)) + "," for x in chain[:-1]]
                + [_dumps([last.name, last.taken_at, last.mem_gib])[:-1], ",["]
            )
        # The live delta's sizes, rounded: a finite float's (or an int's) repr is its JSON.
        raw = list(chain[-1].sizes)
        at = first[vidx[name]]
        for j in range(len(raw)):
            if rows.get(at + j) == j:
                raw[j] = live[at + j]
        sizes = [round(x, 4) for x in raw]
        if not all(type(x) is int or (type(x) is float and math.isfinite(x)) for x in sizes):
            parts.append(head[:-1] + _dumps(sizes) + "]]")
            continue
        parts.append(head + ",".join([repr(x) for x in sizes]) + "]]]")
    return "{" + ",".join(parts) + "}"


def _entry(x: Snapshot) -> list[object]:
    return [x.name, x.taken_at, x.mem_gib, [round(v, 4) for v in x.sizes]]


def _dumps(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def digest_part(sim: Simulation) -> dict[str, list[object]]:
    """The chains for the state digest ({} when no VM has a snapshot): what `digest_json`
    writes, as objects."""
    out: dict[str, list[object]] = {}
    if not any(v.snapshots for v in sim.inv.vms.values()):
        return out
    sync(sim)
    for v in sim.inv.vms.values():
        if v.snapshots:
            out[v.name] = [
                [s.name, s.taken_at, s.mem_gib, [round(x, 4) for x in s.sizes]] for s in v.snapshots
            ]
    return out
