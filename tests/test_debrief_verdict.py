"""The debrief's first line on the shipped saves: why the level was won or lost, with numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from vdc.session.debrief import reference_commands, span, teach
from vdc.session.save import load
from vdc.session.verify import verify

ROOT = Path(__file__).resolve().parents[1]


def taught(name: str) -> dict:
    save = load(ROOT / "saves" / name)
    session, divergence = verify(save)
    assert divergence is None
    return teach(session, stopped_early=save.sim_time < save.level.level.duration)


def test_span_says_durations_as_a_player_does() -> None:
    assert [span(x) for x in (0, 45, 180, 250, 3600, 3900)] == [
        "0 s", "45 s", "3 min", "4 min 10 s", "1 h", "1 h 5 min"]


def test_a_lost_run_says_how_long_the_service_was_down_against_the_allowance() -> None:
    t = taught("examples/01-gave-up.vdcsave")
    assert t["verdict"] == (
        "Lost: the intranet service was down 30 min of the 3 min allowed; intranet-db-01 never "
        "started (refused at 0:00:30: esx-01 has 20 GiB unreserved memory, intranet-db-01 "
        "reserves 32 GiB).")


def test_a_naive_win_names_the_objective_it_missed_and_the_players_command() -> None:
    t = taught("examples/01-naive.vdcsave")
    assert t["verdict"] == ("Won, but the mail service was down 28 min 30 s of the 18 s allowed; "
                            "you powered mail-01 off at 0:01:30 and it stayed off.")


def test_the_reference_win_gives_the_closest_call() -> None:
    t = taught("reference/01-first-light.vdcsave")
    assert t["verdict"].startswith(
        "Won: every objective met; the intranet service was down 1 min 35 s of the 3 min allowed;")
    assert "intranet-db-01 was started at 0:01:01" in t["verdict"]


@pytest.mark.parametrize("level", ["02-flash-sale", "05-let-drs-drive", "08-storage-day"])
def test_every_reference_run_is_won(level: str) -> None:
    assert taught(f"reference/{level}.vdcsave")["verdict"].startswith("Won: every objective met")


def test_better_play_is_the_levels_solution_with_times_and_the_concepts_to_reread() -> None:
    t = taught("examples/01-gave-up.vdcsave")
    assert t["better"]["reference"] == [
        {"t": 0.0, "text": "host power on esx-02"},
        {"t": 0.0, "text": "power on intranet-web-01"},
        {"t": 61.0, "text": "power on intranet-db-01 esx-02"},
    ]
    assert [(c["t"], c["text"], c["accepted"]) for c in t["better"]["yours"]] == [
        (0.0, "power on intranet-web-01", True), (30.0, "power on intranet-db-01", False)]
    assert [c["id"] for c in t["concepts"]] == ["hypervisor", "consolidation", "reservations"]


def test_no_solution_no_reference() -> None:
    assert reference_commands("no-such-level") == []
    assert reference_commands("../../etc/passwd") == []
