"""Provides the CPU step of a sample: demand against cores, relaxed or strict co-scheduling,
ready and co-stop, guest saturation, the hosts' CPU use and power (sim-facts §8).

Relaxed co-scheduling (ESXi since 3.x; KVM always, where each vCPU is a host thread). On a host
of capacity C = cores × core MHz each running VM i wants w_i MHz; its vCPUs can use at most
cap_i = vcpu_i × core MHz, so it demands d_i = min(w_i, cap_i). Reserved demand
r_i = min(d_i, reservation_i) is served first; the rest is shared in proportion to demand:

    g = min(1, (C − Σ r) / Σ (d − r))         served_i = r_i + (d_i − r_i) × g

Strict co-scheduling (ESX 2.x): a VM runs only when as many cores as its vCPUs are free at
once, so its vCPUs run as one gang. A VM of width k_i = min(vcpu_i, cores) that is busy a
share u_i = d_i / cap_i of the time needs k_i cores for u_i of the time. Two VMs whose widths
add up to more than the cores never run together, so the time they want must fit one after
the other. The host serves every VM the same share g_s of what it wants, the largest with

    g_s × D ≤ C                        (cores: the relaxed limit)
    g_s × (u_j + X_j) ≤ 1  for every j  (time: j and the wide VMs it cannot run beside)

where a wide VM is one wider than half the cores (two of them never fit together) and X_j is
the time wanted by the other wide VMs with k_i > cores − k_j. Then g = min(g, g_s). The
primer's case: 4 cores, a busy 4-vCPU VM and a busy 2-vCPU VM never fit together, so
g_s = 1 / (1 + 1) = 0.5: each is served 50 %, waits 50 %, the host is busy
(0.5 × 4 + 0.5 × 2) / 4 = 75 %; relaxed they get 4 / 6 = 66.7 %, wait 33.3 %, host 100 %.

Ready (%RDY per vCPU) = 100 × u_i × (1 − f_i) with f_i = served_i / d_i: all the time a busy
vCPU waits, as the primer counts it. Co-stop (%CSTP) = 100 × u_i × (f_rel_i − f_i) for VMs of
2 vCPUs or more: the part of that wait only the gang rule causes (what relaxed scheduling would
have served). Both are smoothed over a 20 s window, like vCenter's real-time chart.

Guest saturation: demand above cap_i is not served by any host; the VM's work is served
served_i / w_i. `saturation` = w_i / cap_i (above 1: the guest wants more vCPUs than it has).
The health rule (`contention.py`) uses that share, so a VM wanting 4× its vCPUs gets 25 %.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from vdc.sim.contention import Sampler

READY_WINDOW_S = 20.0


def strict_share(
    host: np.ndarray, width: np.ndarray, busy: np.ndarray, cores: np.ndarray, H: int
) -> np.ndarray:
    """Per host, the share g_s ≤ 1 strict co-scheduling can give every VM (see the module
    note; cores = 0 marks a relaxed host, whose share is 1). Linear in VMs but for one sort of
    the wide ones."""
    C = cores[host]
    on = (busy > 0) & (C > 0)
    g = np.ones(H)
    if not on.any():
        return g
    h, k, u, c = host[on], np.minimum(width[on], C[on]), busy[on], C[on]
    wide = 2 * k > c
    tw = np.bincount(h, weights=u * wide, minlength=H)
    x = np.zeros(h.size)
    x[wide] = tw[h[wide]] - u[wide]
    narrow = ~wide
    if wide.any() and narrow.any():
        # Wide VMs sorted by (host, width); a narrow VM j sums those with width > c − k_j.
        m = int(cores.max()) + 1
        keys = h[wide] * m + k[wide]
        order = np.argsort(keys, kind="stable")
        skeys = keys[order]
        cs = np.concatenate([[0.0], np.cumsum(u[wide][order])])
        hn = h[narrow]
        end = np.searchsorted(skeys, (hn + 1) * m, side="left")
        start = np.searchsorted(skeys, hn * m + (c[narrow] - k[narrow]), side="right")
        x[narrow] = cs[end] - cs[np.minimum(start, end)]
    need = u + x
    limit = np.where(need > 1.0, 1.0 / np.maximum(need, 1e-12), 1.0)
    np.minimum.at(g, h, limit)
    return g


def cpu_step(s: Sampler, mult: np.ndarray, dt: float, extra_mhz: np.ndarray | float) -> np.ndarray:
    """CPU for one sample: set the sampler's CPU results; return each VM's served share of the
    work it wants (f_cpu, below 1 under contention or guest saturation)."""
    H = len(s.host_names)
    vm_host = s.vm_host
    cap = s.cpu_cap_vm
    want = s.base_cpu * mult
    d = np.minimum(want, cap)
    dh = np.bincount(vm_host, weights=d, minlength=H)
    if s.any_cpu_res:
        r = np.minimum(d, s.vm_cpu_res)
        rh = np.bincount(vm_host, weights=r, minlength=H)
        spare = np.maximum(0.0, s.host_cap - extra_mhz - rh)
        g_rel = np.minimum(1.0, spare / np.maximum(dh - rh, 1e-9))
    else:  # no reservations: r and its sums are zeros (demand is never negative)
        r = 0.0
        spare = np.maximum(0.0, s.host_cap - extra_mhz)
        g_rel = np.minimum(1.0, spare / np.maximum(dh, 1e-9))
    cap_safe = s.cpu_cap_safe  # max(cap, 1e-9), kept with the caps
    busy = d / cap_safe
    strict = s.any_strict
    if strict:
        g = np.minimum(g_rel, strict_share(vm_host, s.vm_vcpu, busy, s.host_strict_cores, H))
    else:
        g = g_rel
    served = r + (d - r) * g[vm_host] if s.any_cpu_res else d * g[vm_host]
    d_safe = np.maximum(d, 1e-9)
    f = np.where(d <= 1e-9, 1.0, served / d_safe)
    ready = 100.0 * busy * (1.0 - f)
    alpha = min(1.0, dt / READY_WINDOW_S) if dt > 0 else 1.0
    s.vm_ready_avg += alpha * (ready - s.vm_ready_avg)
    np.maximum(s.vm_ready_peak, s.vm_ready_avg, out=s.vm_ready_peak)
    if strict:
        f_rel = np.where(d <= 1e-9, 1.0, (r + (d - r) * g_rel[vm_host]) / d_safe)
        costop = 100.0 * busy * np.maximum(0.0, f_rel - f) * (s.vm_vcpu >= 2)
        s.vm_costop_avg += alpha * (costop - s.vm_costop_avg)
    elif s.costop_any:
        s.vm_costop_avg *= 1.0 - alpha  # a host that was strict fades out its co-stop
    # Co-stop only fades once no host is strict: while it is below 1e-6 it stays there.
    s.costop_any = strict or (s.costop_any and bool(s.vm_costop_avg.max(initial=0.0) > 1e-6))

    host_used = np.bincount(vm_host, weights=served, minlength=H) + extra_mhz
    s.host_cpu_pct = 100.0 * host_used / s.host_cap
    s.host_cpu_demand_pct = 100.0 * (dh + extra_mhz) / s.host_cap
    s.host_power_w = s.host_powered * (
        s.host_idle_w + (s.host_busy_w - s.host_idle_w) * np.minimum(1.0, host_used / s.host_cap)
    )
    s.vm_cpu_want = want
    s.vm_cpu_demand = d
    s.vm_cpu_served = served
    s.vm_saturation = want / cap_safe
    s.vm_ready = ready
    # The guest's work: what it wanted, not what its vCPUs could take.
    f_work = np.where(want <= 1e-9, 1.0, served / np.maximum(want, 1e-9))
    s.vm_f_cpu = f_work
    return f_work
