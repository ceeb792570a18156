"""Level 12 (Wide VMs): the numbers that make its lesson felt. On the strict 4-core esx-legacy
the over-wide ledger-db (4 vCPUs, busy 40 %) leaves the other ledger VMs only the time it does
not run: every VM is served 1 / (0.85 + 0.40) = 80 %, below the ledger's 90 %. Moving it to
the relaxed host (or right-sizing it) lets the rest fit side by side; giving the waiting VM
more vCPUs makes a second wide gang and fixes nothing."""

from __future__ import annotations

import pytest
from conftest import play, solutions
from levelrun import LevelRun

LEVEL = "12-wide-vms"
REFERENCE, NAIVE = solutions(LEVEL)
LEDGER = ("ledger-db", "ledger-app", "ledger-web")


def test_the_briefing_states_the_primers_case():
    from vdc.scenario.loader import load_level
    from vdc.scenario.paths import find_level

    briefing = load_level(find_level(LEVEL)).level.level.briefing
    for words in ("4 cores", "4-vCPU", "2-vCPU", "50 %", "75 % busy", "66.7 %", "100 % busy"):
        assert words in briefing, words


def test_the_wide_vm_holds_every_core_of_the_strict_host():
    r = LevelRun(LEVEL).to(15)
    for vm in LEDGER:
        assert r.vm(vm, "vm_served") == pytest.approx(1 / (0.85 + 0.40), rel=0.04)
    assert r.vm("ledger-app", "vm_ready_avg") == pytest.approx(85 * 0.2, rel=0.1)  # 17 %
    # Two cores idle while ledger-db waits its turn: ~74 % busy although 92.5 % is wanted.
    sp = r.sim.sampler
    legacy = sp.host_names.index("esx-legacy")
    assert sp.host_cpu_demand_pct[legacy] == pytest.approx(92.5, rel=0.04)
    assert sp.host_cpu_pct[legacy] == pytest.approx(0.8 * 92.5, rel=0.05)
    assert r.vm("ledger-app", "vm_costop_avg") > 10  # all of it the gang rule's
    assert not r.up("ledger")
    assert "ledger-app" in {x.subject for x in r.sim.log if x.kind == "cpu_ready_warning"}


def test_moving_the_wide_vm_lets_the_rest_fit():
    r = LevelRun(LEVEL, REFERENCE).to(120)
    assert r.sim.inv.vms["ledger-db"].host == "esx-new"
    for vm in LEDGER:
        assert r.vm(vm, "vm_served") == pytest.approx(1.0)
    assert r.up("ledger")


def test_more_vcpus_for_the_waiting_vm_fix_nothing():
    r = LevelRun(LEVEL, NAIVE).to(120)
    assert r.sim.inv.vms["ledger-app"].vcpu == 4
    # Two 4-wide gangs (0.40 + 0.43 of the time) and ledger-web beside neither.
    assert r.vm("ledger-web", "vm_served") == pytest.approx(1 / (0.40 + 5100 / 12000 + 0.40), rel=0.04)
    assert not r.up("ledger")


def test_right_sizing_works_too_with_a_short_outage():
    run = play(LEVEL, "20 power off ledger-db\n21 vm set ledger-db cpu 2\n22 power on ledger-db\n")
    assert run.outcome == "won" and run.stars == 3, run
