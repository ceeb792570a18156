"""Level 04 (Host down): the numbers that make its lesson felt.

esx-02 fails at t = 600 and is back at 1380. The survivors have 60 GiB (esx-01) and 40 GiB
(esx-03) of unreserved memory: room for the database (48 GiB) or the batch job (56 GiB), not
both. Who gets it is the restart order — priority, then the biggest reservation — so with HA on
and every priority at medium the batch job takes esx-01 and the shop's database waits for
esx-02; with db-01 at highest it is back within detection + placement + boot.
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
from vdc.sim.ha import agents

LEVEL = "04-host-down"
FAIL_AT, BACK_AT = 600.0, 1380.0  # esx-02 fails; it is repaired and has booted


@cache
def _run(script: str) -> Session:
    lv = load_level(find_level(LEVEL)).level
    path = levels_dir() / "solutions" / script
    actions = load_actions(path) if path.is_file() else parse_actions(script, "<t>")
    return run_level(lv, actions=actions)


def _events(session: Session, kind: str, subject: str | None = None):
    return [e for e in session.sim.log if e.kind == kind and subject in (None, e.subject)]


def _downtime(session: Session, vm: str) -> float:
    s = session.sim.sampler
    return float(s.vm_downtime[s.vm_index[vm]])


def test_the_cluster_has_room_for_the_database_or_the_batch_job_not_both():
    session = _run("")
    inv = session.sim.inv
    free = {h: inv.hosts[h].memory - sum(v.mem_reservation for v in inv.vms_on(h) if v.power == "on")
            for h in ("esx-01", "esx-03")}
    assert free == {"esx-01": 60, "esx-03": 40}
    db, batch = inv.vms["db-01"].mem_reservation, inv.vms["batch-01"].mem_reservation
    assert (db, batch) == (48, 56) and max(free.values()) >= max(db, batch)
    assert sum(free.values()) < db + batch


def test_idle_esx_02s_vms_stay_down_to_the_end():
    idle = _run("")
    assert _downtime(idle, "db-01") == 1200.0  # from the crash to the end: HA is off
    assert not _events(idle, "ha_failure_detected")


def test_ha_on_alone_restarts_the_batch_job_and_leaves_the_database_waiting_for_esx_02():
    naive = _run(f"{LEVEL}.naive.txt")
    detected = _events(naive, "ha_failure_detected")[0]
    assert detected.t == FAIL_AT + agents.DEAD_WITH_HBDS_S
    first = _events(naive, "ha_restart_started")[0]
    assert (first.subject, "esx-01") == ("batch-01", first.detail.split(" on ")[1].split(" ")[0])
    failed = _events(naive, "ha_restart_failed", "db-01")
    assert failed and failed[0].t == first.t
    assert "esx-01 has 4 GiB unreserved memory" in failed[0].detail
    back = _events(naive, "vm_restarted", "db-01")[0]
    assert back.t == BACK_AT + 45  # only once esx-02 is back, plus its boot
    assert _downtime(naive, "db-01") == 825.0


def test_the_reference_brings_the_database_back_first_within_detection_placement_and_boot():
    ref = _run(f"{LEVEL}.txt")
    starts = _events(ref, "ha_restart_started")
    assert starts[0].subject == "db-01" and "on esx-01 (priority highest)" in starts[0].detail
    back = _events(ref, "vm_restarted", "db-01")[0]
    lo, hi = agents.PLACEMENT_S
    assert FAIL_AT + agents.DEAD_WITH_HBDS_S + lo + 45 <= back.t <= FAIL_AT + agents.DEAD_WITH_HBDS_S + hi + 45
    assert _downtime(ref, "db-01") <= 80.0  # 10× less than with HA on alone
    # The batch job, last in line, waits for esx-02 instead: it can be re-run tonight.
    assert _events(ref, "ha_restart_failed", "batch-01")
    assert _events(ref, "vm_restarted", "batch-01")[0].t == BACK_AT + 60
    assert not _events(ref, "ha_restart_failed", "db-01")


def test_admission_control_shows_the_cluster_is_short_of_its_failover_reserve():
    ref = _run(f"{LEVEL}.txt")
    msg = next(r.message for r in ref.accepted if r.text.startswith("ha admission"))
    assert "28 % memory" in msg and "reserved 33 % / 33 %" in msg


@pytest.mark.parametrize("script, lesson", [
    (f"{LEVEL}.naive.txt", "db-01 could not restart"),
    ("", "HA was off"),
])
def test_the_debrief_says_why(script, lesson):
    path = levels_dir() / "solutions" / script
    run = play(LEVEL, path if script else None)
    assert any(lesson in text for text in run.lessons), run.lessons


def test_scores_idle_naive_reference():
    idle = play(LEVEL)
    naive = play(LEVEL, levels_dir() / "solutions" / f"{LEVEL}.naive.txt")
    ref = play(LEVEL, levels_dir() / "solutions" / f"{LEVEL}.txt")
    assert (idle.outcome, idle.score) == ("lost", 0.0)
    assert naive.outcome == "lost" and 20 <= naive.score <= 35  # HA on is worth something
    assert naive.objectives["shop-up"].value < 0.6
    assert (ref.outcome, ref.score, ref.stars) == ("won", 100.0, 3)
    # Priorities alone (without admission control) lose the last star.
    no_reserve = play(LEVEL, "10 ha enable prod\n30 ha priority db-01 highest\n"
                             "40 ha priority batch-01 lowest\n")
    assert no_reserve.outcome == "won" and no_reserve.stars == 2


def test_making_room_by_hand_after_the_refusal_also_brings_the_database_back():
    """The hint after `ha_restart_failed`: power off the VM that can wait, HA retries 2 min later."""
    run = _run("10 ha enable prod\n700 power off batch-01\n")
    back = _events(run, "vm_restarted", "db-01")[0]
    assert back.t < 800 and _downtime(run, "db-01") <= 200
