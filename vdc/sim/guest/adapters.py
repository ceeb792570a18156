"""Provides what a VM's virtual hardware does to the simulation (sim-facts §14): emulated
adapters cap throughput and cost host CPU, paravirtual ones need the guest's drivers (Tools).

Network (per NIC; a VM's traffic spreads over its NICs):
- e1000 (emulated Intel 82545EM) carries at most `E1000_MAX_MBPS` = 1,500 Mbit/s (sources:
  ≈ 1–2 Gbit/s) and costs the host `NET_MHZ_PER_GBIT` = 1,000 MHz per Gbit/s it carries;
  vmxnet3 / virtio reach the link speed and cost 0.3 × that (game tuning anchored to §14).
- A paravirtual NIC (vmxnet3, virtio) without Tools in the guest has no driver: no network.

Disk (per disk controller):
- CPU per I/O: lsi `DISK_MHZ_PER_KIOPS` = 100 MHz per 1,000 IOPS, pvscsi / virtio 0.8 × that
  (PVSCSI cuts CPU per I/O by 10–30 %), ide 3 × lsi.
- A disk serves at most queue depth / latency I/Os per second: ide 1 (no command queueing),
  lsi 32, pvscsi 64, virtio 128 (the ESXi and virtio per-device defaults).
- A paravirtual controller (pvscsi, virtio) without Tools: the guest cannot see its disk and
  does not run its application.

The paravirtual cost is part of every profile's CPU already; the host pays only what an emulated
adapter costs beyond it (`host_mhz`), as extra host demand the CPU step reads
(`Sampler.host_overhead_mhz`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from vdc.sim.contention import Sampler

NICS = ("e1000", "vmxnet3", "virtio")
DISKS = ("lsi", "pvscsi", "ide", "virtio")
HYPERVISOR_OF = {"vmxnet3": "esxi", "pvscsi": "esxi", "virtio": "kvm"}
"""Paravirtual adapters exist on one hypervisor only (emulated ones on both)."""

E1000_MAX_MBPS = 1500.0
NET_MHZ_PER_GBIT = {"e1000": 1000.0, "vmxnet3": 300.0, "virtio": 300.0}
DISK_MHZ_PER_KIOPS = {"lsi": 100.0, "pvscsi": 80.0, "virtio": 80.0, "ide": 300.0}
QUEUE_DEPTH = {"ide": 1.0, "lsi": 32.0, "pvscsi": 64.0, "virtio": 128.0}

_NET_EXTRA = NET_MHZ_PER_GBIT["e1000"] - NET_MHZ_PER_GBIT["vmxnet3"]


def load(s: Sampler) -> None:
    """Per-VM and per-disk arrays of the virtual hardware (after a rebuild)."""
    vms = [s.sim.inv.vms[n] for n in s.vm_names]
    s.vm_has_tools = np.array([v.has_tools for v in vms], dtype=bool)
    s.vm_nic_driver = np.array([v.nic_drivers_ok for v in vms], dtype=bool)
    s.vm_disk_driver = np.array([v.disk_drivers_ok for v in vms], dtype=bool)
    # Share of a VM's traffic on e1000 NICs, and the cap of those NICs together.
    e1000 = [sum(n.adapter == "e1000" for n in v.nics) for v in vms]
    total = [len(v.nics) for v in vms]
    s.vm_e1000_share = np.array([e / t if t else 0.0 for e, t in zip(e1000, total, strict=True)])
    s.vm_net_cap = np.array(
        [E1000_MAX_MBPS * t if t and e == t else np.inf for e, t in zip(e1000, total, strict=True)]
    )
    ctrl = [d.controller for v in vms for d in v.disks]
    s.disk_qd = np.array([QUEUE_DEPTH[c] for c in ctrl], dtype=float)
    s.disk_extra_mhz = np.array([DISK_MHZ_PER_KIOPS[c] - DISK_MHZ_PER_KIOPS["pvscsi"] for c in ctrl])
    s.net_capped = bool(np.isfinite(s.vm_net_cap).any())
    s.guest_emulated = bool(any(e1000)) or bool(s.disk_extra_mhz.any())
    s.disk_capped = bool((s.disk_qd < QUEUE_DEPTH["lsi"]).any()) or "lsi" in ctrl
    s.host_overhead_mhz = np.zeros(len(s.host_names))


def host_mhz(s: Sampler, mult: np.ndarray) -> np.ndarray:
    """Host CPU (MHz) the emulated adapters cost now, beyond the paravirtual cost."""
    H = len(s.host_names)
    if not s.guest_emulated:
        return s.host_overhead_mhz if s.host_overhead_mhz.size == H else np.zeros(H)
    net = np.minimum(s.base_net * mult, s.vm_net_cap) * s.vm_e1000_share
    mhz = net * (_NET_EXTRA / 1000.0)
    if s.disk_extra_mhz.size:
        io = s.base_iops[s.disk_vm] * mult[s.disk_vm] * s.disk_w * s.disk_extra_mhz / 1000.0
        mhz = mhz + np.bincount(s.disk_vm, weights=io, minlength=mhz.size)
    return np.bincount(s.vm_host, weights=mhz, minlength=H)


def io_served(s: Sampler, iops_d: np.ndarray, disk_lat: np.ndarray) -> np.ndarray:
    """Each VM's share of its I/O its controllers can queue (1 when none is capped)."""
    n = len(s.vm_names)
    cap = s.disk_qd * 1000.0 / np.maximum(disk_lat, 1e-9)
    got = np.bincount(s.disk_vm, weights=np.minimum(iops_d, cap), minlength=n)
    want = np.bincount(s.disk_vm, weights=iops_d, minlength=n)
    return np.where(want > 1e-9, got / np.maximum(want, 1e-9), 1.0)
