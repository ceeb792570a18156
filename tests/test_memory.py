"""Memory reclamation numbers (vdc/sim/memory; sim-facts §9 and §17 item 24-25)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import add_vm, base_level, build

from vdc.sim import dispatch
from vdc.sim.commands import parse
from vdc.sim.engine import Simulation
from vdc.sim.memory import STATES, min_free_mb, state_of
from vdc.sim.memory.reclaim import BALLOON_MAX


def _level(n: int, tools: bool | list[bool] = True, memory: float = 16, **kw) -> dict:
    """n VMs of `memory` GiB (a quarter active, 100 MHz) on one 64 GiB host."""
    lv = base_level()
    lv["profiles"].append(dict(lv["profiles"][0], name="mem", cpu=100))
    flags = tools if isinstance(tools, list) else [tools] * n
    for i in range(n):
        add_vm(lv, f"m{i}", vcpu=1, memory=memory, profile="mem", tools=flags[i],
               nics=[{"portgroup": "prod", "adapter": "e1000"}],
               disks=[{"datastore": "ds-1", "size": 40, "thin": False, "controller": "lsi"}], **kw)
    return lv


def _sim(lv) -> Simulation:
    sim = Simulation(build(lv))
    sim.run_until(30)
    return sim


def _col(sim: Simulation, arr: str) -> np.ndarray:
    return np.asarray(getattr(sim.sampler, arr))


def _state(sim: Simulation) -> str:
    return STATES[int(sim.sampler.host_mem_shown[0])]


def test_min_free_for_64_128_512_gib():
    # 899 MB for the first 28 GiB + 1 % of the rest (MB of 1,024 per GiB, as ESXi counts).
    assert min_free_mb(64) == pytest.approx(899 + 0.01 * 36 * 1024)  # 1,267.6 MB
    assert min_free_mb(128) == pytest.approx(1923.0)
    assert min_free_mb(512) == pytest.approx(899 + 0.01 * 484 * 1024)  # 5,855.2 MB
    assert min_free_mb(16) == pytest.approx(899.0)


def test_state_thresholds_on_a_128_gib_host():
    # §17 item 24: soft below ≈ 1,231 MB free, hard below ≈ 615 MB, low below ≈ 308 MB.
    f = 1923.0
    cases = {2 * f: "high", f: "high", 0.99 * f: "clear", 1231: "clear", 1230: "soft",
             616: "soft", 615: "hard", 308: "hard", 307: "low", -100: "low"}
    for free_mb, name in cases.items():
        assert STATES[int(state_of(free_mb, f))] == name, free_mb


def test_no_pressure_is_high_and_costs_nothing():
    sim = _sim(_level(3))  # 48 GiB on 64 GiB
    assert _state(sim) == "high"
    assert _col(sim, "vm_mem_factor") == pytest.approx(1.0)
    assert _col(sim, "vm_balloon").sum() == 0


def test_balloon_only_in_vms_with_tools():
    # 5 × 16 = 80 GiB on 64 GiB: free 16 GiB short; page sharing takes 5 % (4 GiB), the
    # balloons the rest up to 64 % of minFree — only in the three VMs with Tools.
    sim = _sim(_level(5, tools=[True, True, True, False, False]))
    s = sim.sampler
    assert _state(sim) == "soft"
    b = _col(sim, "vm_balloon")
    assert b[3] == b[4] == 0
    f = s.host_min_free[0]
    assert b[:3].sum() == pytest.approx(16 - 4 + 0.64 * f)
    assert b[0] == pytest.approx(b[:3].sum() / 3)
    assert _col(sim, "vm_swapped").sum() == pytest.approx(0.0)
    # Ballooning idle memory costs a little: 1 / (1 + 0.1 × ballooned / 16).
    assert _col(sim, "vm_mem_factor")[0] == pytest.approx(1 / (1 + 0.1 * b[0] / 16))


def test_without_tools_straight_to_swap_and_a_lot_slower():
    with_tools = _sim(_level(5, tools=True))
    without = _sim(_level(5, tools=False))
    assert _state(with_tools) == "soft" and _state(without) == "hard"
    sw = _col(without, "vm_swapped")
    assert _col(without, "vm_balloon").sum() == 0
    assert sw.sum() > 7.0  # 16 GiB short − 4 shared − 4 compressed + 32 % of minFree
    assert _col(without, "vm_compressed")[0] == pytest.approx(0.05 * 16)
    fw, fo = _col(with_tools, "vm_mem_factor")[0], _col(without, "vm_mem_factor")[0]
    assert fw > 0.98 and fo < 0.55  # ballooned guests page a little, swapped ones a lot
    assert _col(without, "vm_healthy").sum() == 0  # below the default 80 % served
    assert _col(with_tools, "vm_healthy").all()


def test_balloon_capped_at_65_percent_then_swap():
    # 16 × 16 = 256 GiB on 64 GiB: the balloons (at most 65 % of each VM) cannot cover it.
    lv = _level(16, tools=True)
    lv["profiles"][-1]["mem_active"] = 0.2  # 51 GiB of working sets: they fit
    sim = _sim(lv)
    b, sw = _col(sim, "vm_balloon"), _col(sim, "vm_swapped")
    assert b == pytest.approx(np.full(16, BALLOON_MAX * 16))
    assert (sw > 0).all()
    assert _state(sim) == "hard"
    assert sim.sampler.vm_mem_factor[0] < 0.9


def test_reserved_memory_is_never_reclaimed():
    lv = _level(5, tools=False)
    lv["vms"][0]["mem_reservation"] = 16
    sim = _sim(lv)
    assert _col(sim, "vm_swapped")[0] == 0 and _col(sim, "vm_mem_factor")[0] == 1.0
    assert _col(sim, "vm_swapped")[1] > 0


def test_low_state_when_active_memory_does_not_fit_and_allocations_stall():
    # Five 64 GiB VMs, 16 GiB active each: 80 GiB of working sets on 64 GiB.
    lv = _level(5, memory=64)
    sim = _sim(lv)
    assert _state(sim) == "low"
    f = _col(sim, "vm_mem_factor")[0]
    b, c, w = (float(_col(sim, a)[0]) for a in ("vm_balloon", "vm_compressed", "vm_swapped"))
    assert f == pytest.approx(0.6 / (1 + (0.1 * b + c + 10 * w) / 64))
    assert sim.sampler.vm_latency[0] > 200 * w / 64


def test_events_say_why_once():
    sim = _sim(_level(5, tools=[True, True, True, False, False]))
    kinds = [r.kind for r in sim.log]
    for k in ("memory_overcommit", "memory_state_changed", "balloon"):
        assert kinds.count(k) == 1, k
    rec = {r.kind: r.detail for r in sim.log}
    assert "80 GiB of running VMs on 64 GiB" in rec["memory_state_changed"]
    assert "m3, m4 have no Tools" in rec["balloon"]
    assert "host_swapping" not in kinds
    sim2 = _sim(_level(5, tools=False))
    swap = [r.detail for r in sim2.log if r.kind == "host_swapping"]
    assert len(swap) == 1 and "have no Tools" in swap[0]
    # Powering one VM off relieves the host (64 on 64 GiB: page sharing is enough).
    dispatch.execute(sim2, parse("power off m4"))
    sim2.run_until(60)
    changes = [r.detail for r in sim2.log if r.kind == "memory_state_changed"]
    assert len(changes) == 2 and changes[-1].startswith("esx-01 memory state clear (was hard)")


def test_hysteresis_small_relief_keeps_the_state():
    # 4 × 16 + 2.6 + 0.3 GiB on 64 GiB: just soft. Powering off the 0.3 GiB VM would be clear
    # by the numbers, but not by half a minFree more: the state stays soft, nothing is logged.
    lv = _level(4, tools=True)
    lv["vms"].append(dict(lv["vms"][0], name="y", memory=2.6))
    lv["vms"].append(dict(lv["vms"][0], name="z", memory=0.3))
    sim = _sim(lv)
    assert _state(sim) == "soft"
    dispatch.execute(sim, parse("power off z"))
    sim.run_until(60)
    assert _state(sim) == "soft"
    assert sum(r.kind == "memory_state_changed" for r in sim.log) == 1
    dispatch.execute(sim, parse("power off y"))  # 64 GiB on 64: page sharing is enough
    sim.run_until(90)
    assert _state(sim) == "clear"
