"""Where a run stands: the one score (attainment over the whole level), the settled outcome,
the sentence that says why, and the player's settings file."""

from __future__ import annotations

from pathlib import Path

import pytest

from vdc.scenario.loader import load_level
from vdc.scenario.paths import find_level
from vdc.session import settings
from vdc.session.actions import load_actions
from vdc.session.runner import result, run_level
from vdc.session.session import Session
from vdc.session.standing import span, standing
from vdc.sim.engine import Simulation

SOLUTIONS = Path(__file__).resolve().parent.parent / "levels" / "solutions"


def _session(level: str = "01") -> Session:
    return Session(Simulation(load_level(find_level(level)).level))


def test_the_score_starts_at_100_and_drops_only_when_points_are_lost_for_good():
    # Level 01 idle: the intranet (weight 5 of 13, target 90 %, worst 50 % of 1,800 s) is down
    # from the start. Its allowance is 180 s; past it, every 7.2 s down costs 1 % of its scale.
    s = _session()
    scores = []
    for t in (0, 5, 60, 180, 360, 900, 1800):
        s.advance_to(t)
        scores.append(standing(s.sim).score)
    assert scores[:4] == [100.0, 100.0, 100.0, 100.0]
    assert scores == sorted(scores, reverse=True)
    # At 360 s (down 355 s up to the last sample): the intranet kept 1 − 355/1800 of the level
    # → (0.8028 − 0.5) / 0.4 = 0.757 of its weight 5, though its uptime so far is 0.
    kept = (1 - 355 / 1800 - 0.5) / 0.4
    assert scores[4] == pytest.approx(100 * (13 - 5 * (1 - kept)) / 13, abs=0.01)
    assert scores[-1] == result(s)["score"]


def test_the_outcome_is_lost_once_the_allowance_is_spent():
    s = _session()
    s.advance_to(180)
    assert standing(s.sim).outcome == "running"
    s.advance_to(190)
    st = standing(s.sim)
    assert (st.outcome, st.stars) == ("lost", 0)
    assert st.reason == "The intranet was down for 3 min 5 s (3 min allowed)"


def test_the_outcome_is_won_once_nothing_left_can_fail_it():
    s = _session()
    s.play(((a.t, a.command) for a in load_actions(SOLUTIONS / "01-first-light.txt")), until=1600)
    # The intranet was down 95 s (until the database booted): with 200 s left it could still
    # spend its 180 s allowance; with 85 s left it cannot.
    assert standing(s.sim).outcome == "running"
    s.advance_to(1720)
    st = standing(s.sim)
    assert (st.outcome, st.stars) == ("won", 3)


def test_span_reads_like_a_player_says_it():
    assert [span(x) for x in (45, 60, 185, 3600, 3900)] == ["45 s", "1 min", "3 min 5 s", "1 h", "1 h 5 min"]


def test_the_score_at_the_end_is_the_one_vdc_run_gives_for_any_slicing():
    level = load_level(find_level("01")).level
    script = load_actions(SOLUTIONS / "01-first-light.naive.txt")
    whole = result(run_level(level, actions=script))
    s = Session(Simulation(level))
    for a in script:
        while s.now < a.t:
            s.advance(min(3.7, a.t - s.now))
        s.submit(a.command)
    while not s.ended:
        s.advance(61.3)
    assert standing(s.sim).score == whole["score"]
    assert standing(s.sim).outcome == whole["outcome"] == "won"


def test_settings_default_save_and_a_bad_file(tmp_path):
    path = tmp_path / "settings.json"
    assert settings.load(path).pause_while_typing is True  # no file: the defaults
    settings.save(settings.Settings(pause_while_typing=False), path)
    assert settings.load(path).pause_while_typing is False
    path.write_text("{not json", encoding="utf-8")
    assert settings.load(path).pause_while_typing is True
    path.write_text('{"pause_while_typing": "no", "other": 1}', encoding="utf-8")
    assert settings.load(path).pause_while_typing is True  # a value of the wrong type is ignored
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]  # written atomically


def test_a_level_without_required_objectives_is_not_settled_before_its_end():
    from tests.tui.test_drs_tui import drs_level

    s = Session(Simulation(drs_level()))
    s.advance_to(310)
    assert standing(s.sim).outcome == "running"
