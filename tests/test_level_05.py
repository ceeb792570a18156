"""Level 05 (Let DRS drive): the numbers that make its lesson felt.

Four on-sales each push one host past its CPU; esx-01 starts nearly empty and fails at
t = 2400. DRS (bought with the budget) keeps the VMs from waiting, but it balances load and
nothing else: its first pass moves db-02 next to db-01 on the quiet esx-01, and without a
keep-apart rule both database copies die with that host.
"""

from __future__ import annotations

from functools import cache

import pytest
from conftest import play

from vdc.scenario.loader import load_level
from vdc.scenario.paths import find_level, levels_dir
from vdc.session.actions import load_actions, parse_actions
from vdc.session.runner import run_level
from vdc.session.session import Session

LEVEL = "05-let-drs-drive"
SOLUTIONS = levels_dir() / "solutions"
FAIL_AT = 2400.0

HAND = """
300  vmotion fest-01 esx-01
300  vmotion fest-02 esx-02
900  vmotion arena-01 esx-01
900  vmotion arena-02 esx-04
1500 vmotion club-01 esx-03
1500 vmotion club-02 esx-01
2100 vmotion fest-03 esx-01
2100 vmotion fest-04 esx-04
"""
"""Chasing each on-sale by hand, three minutes after it starts: two vMotions each time."""


@cache
def _run(script: str) -> Session:
    lv = load_level(find_level(LEVEL)).level
    path = SOLUTIONS / script
    actions = load_actions(path) if script and path.is_file() else parse_actions(script, "<t>")
    return run_level(lv, actions=actions)


def _events(session: Session, kind: str, subject: str | None = None):
    return [e for e in session.sim.log if e.kind == kind and subject in (None, e.subject)]


def _value(session: Session, objective: str) -> float:
    return next(st.value for st in session.sim.objective_statuses() if st.id == objective)


def test_the_licence_has_no_drs_and_the_budget_buys_exactly_one_upgrade():
    run = _run("10 drs enable prod\n20 license upgrade vvf\n30 license upgrade enterprise-plus\n"
               "40 license upgrade vvf\n")
    reasons = [r.message for r in run.rejected]
    assert "standard licence does not include DRS; enterprise-plus has it" in reasons[0]
    assert "vvf for 4 hosts costs 24,000; the budget has 20,000 left" in reasons[1]
    assert "costs 8,000; the budget has 4,000 left" in reasons[2]
    assert run.sim.edition == "enterprise-plus" and run.sim.spent == 16000


def test_idle_some_vm_waits_for_cpu_almost_all_the_time():
    idle = _run("")
    assert _value(idle, "waiting") >= 2300  # of 2,700 s
    assert _value(idle, "ready-mean") > 15  # the worst portal waits 15 % of the level


def test_drs_without_a_rule_stacks_the_database_copies_and_loses_both_with_esx_01():
    naive = _run(f"{LEVEL}.naive.txt")
    first = _events(naive, "drs_migration")[0]
    assert first.subject == "db-02" and "esx-03 → esx-01" in first.detail
    crash = _events(naive, "host_failed", "esx-01")[0]
    assert crash.t == FAIL_AT and "db-01" in crash.detail and "db-02" in crash.detail
    down = _events(naive, "service_down", "shop")
    assert [e.t for e in down] == [FAIL_AT] and "tier db" in down[0].detail
    up = _events(naive, "service_up", "shop")[0]
    assert 100 <= up.t - FAIL_AT <= 120  # esx-01 was HA's primary: 50 s, placement, boot
    assert _value(naive, "waiting") < 1800  # DRS did keep the VMs from waiting


@pytest.mark.parametrize("at", [0, 120, 240, 400, 700])
def test_whenever_drs_is_switched_on_without_the_rule_both_copies_die_with_esx_01(at: int):
    run = _run(f"{at} license upgrade enterprise-plus\n{at + 10} drs enable prod\n"
               f"{at + 20} drs mode prod full\n")
    crash = _events(run, "host_failed", "esx-01")[0]
    assert "db-01" in crash.detail and "db-02" in crash.detail


def test_with_the_keep_apart_rule_one_copy_survives_and_the_shop_never_goes_down():
    ref = _run(f"{LEVEL}.txt")
    crash = _events(ref, "host_failed", "esx-01")[0]
    assert ("db-01" in crash.detail) != ("db-02" in crash.detail)
    assert not _events(ref, "service_down", "shop")
    moves = _events(ref, "drs_migration")
    assert len(moves) >= 8  # DRS did the chasing: the player gave 5 commands
    assert not any(e.subject == "db-02" and "→ esx-01" in e.detail for e in moves)
    assert _value(ref, "waiting") < 0.4 * _value(_run(""), "waiting")
    assert _value(ref, "ready-mean") < 4


def test_adding_the_rule_after_the_stacking_makes_drs_separate_them_at_once():
    run = _run("30 license upgrade enterprise-plus\n40 drs enable prod\n50 drs mode prod full\n"
               "600 drs rule add prod db-apart keep-apart db-01 db-02\n")
    mend = [e for e in _events(run, "drs_migration") if e.t == 600 and "rule db-apart" in e.detail]
    assert mend and mend[0].subject in ("db-01", "db-02")
    assert not _events(run, "service_down", "shop")


def test_chasing_by_hand_keeps_up_but_scores_less_and_the_debrief_says_why():
    hand = play(LEVEL, HAND)
    ref = play(LEVEL, SOLUTIONS / f"{LEVEL}.txt")
    assert hand.outcome == "won" and hand.stars <= 2 and hand.score < ref.score - 20
    assert hand.objectives["effort"].value == 8
    assert any("You chased the on-sales by hand" in text for text in hand.lessons)


def test_scores_idle_naive_reference():
    idle = play(LEVEL)
    naive = play(LEVEL, SOLUTIONS / f"{LEVEL}.naive.txt")
    ref = play(LEVEL, SOLUTIONS / f"{LEVEL}.txt")
    assert idle.outcome == "lost" and idle.score < 20
    assert naive.outcome == "won" and naive.stars == 1 and naive.score < 60
    assert naive.objectives["shop-up"].value < 0.96
    assert any("moved db-02 onto the quiet esx-01" in text for text in naive.lessons)
    assert (ref.outcome, ref.score, ref.stars) == ("won", 100.0, 3)
