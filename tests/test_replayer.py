"""The replayer behind the viewer: seeking lands on the state of the real run, the action
steps find the player's commands, the timeline knows every incident and the divergence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vdc.scenario.loader import load_level
from vdc.session.actions import parse_actions
from vdc.session.replayer import Replayer, parse_position
from vdc.session.runner import run_level
from vdc.session.save import load, save
from vdc.session.session import Session
from vdc.sim.engine import Simulation

TROUBLE = Path(__file__).resolve().parent / "data" / "levels" / "tui-trouble.toml"
SCRIPT = "30 power off web-01\n120 power on web-01\n250 power on db-01 esx-01\n400 power on nosuch\n"


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> Path:
    session = run_level(load_level(TROUBLE).level, actions=parse_actions(SCRIPT))
    path = tmp_path_factory.mktemp("replay") / "trouble.vdcsave"
    save(session, path)
    return path


def _digest_of_run_until(t: float) -> str:
    return run_level(load_level(TROUBLE).level, actions=parse_actions(SCRIPT), until=t).sim.digest()


def test_seek_forward_and_back_land_on_the_real_runs_state(saved: Path):
    r = Replayer(load(saved))
    assert r.end == 900.0 and r.now == 0.0
    r.seek(260)
    assert r.now == 260.0 and r.sim_digest() == _digest_of_run_until(260)
    first = r.session
    assert r.seek(125) is True  # backwards: restored from the checkpoint at t=0
    assert r.session is not first
    assert r.now == 125.0 and r.sim_digest() == _digest_of_run_until(125)
    assert [c.text for c in r.session.records] == ["power off web-01", "power on web-01"]
    assert r.seek(130) is False  # forward in the same stretch: plays on
    r.seek(10_000)
    assert r.now == 900.0 and r.at_end and r.sim_digest() == _digest_of_run_until(900)
    assert r.seek(-5) is True and r.now == 0.0


def test_checkpoints_are_kept_and_a_seek_through_one_lands_on_the_same_state(saved: Path):
    r = Replayer(load(saved))
    assert r.every == 600.0 and r.checkpoint_times == [0.0, 600.0]
    assert r.seek(700) is True  # forward past a checkpoint: restored from it
    assert r.now == 700.0 and r.sim_digest() == _digest_of_run_until(700)
    assert [c.text for c in r.session.records] == [c.text for c in load(saved).commands]
    r.seek(650)
    assert r.sim_digest() == _digest_of_run_until(650)


def test_seek_gives_the_same_state_however_the_way_is_sliced(saved: Path):
    a, b = Replayer(load(saved)), Replayer(load(saved))
    a.seek(700)
    for t in range(0, 701, 7):
        b.advance_to(t)
    b.advance_to(700)
    assert a.sim_digest() == b.sim_digest()
    assert [x.as_dict() for x in a.session.records] == [x.as_dict() for x in b.session.records]


def test_next_and_previous_action_walk_the_recorded_commands(saved: Path):
    r = Replayer(load(saved))
    assert r.action_times == [30.0, 120.0, 250.0, 400.0]
    assert r.next_action() == 30.0 and r.previous_action() is None
    r.seek(30)
    assert r.given == 1 and r.next_action() == 120.0
    r.seek(250)
    assert r.given == 3 and r.previous_action() == 120.0 and r.next_action() == 400.0
    r.seek(900)
    assert r.next_action() is None and r.previous_action() == 400.0


def test_markers_hold_commands_refusals_and_incidents(saved: Path):
    r = Replayer(load(saved))
    kinds = [(m.t, m.kind) for m in r.markers]
    assert (30.0, "command") in kinds and (400.0, "rejected") in kinds
    incidents = [m for m in r.markers if m.kind == "incident"]
    assert any(m.t == 200.0 and "host failed" in m.text for m in incidents)
    assert all(m.t <= r.end for m in r.markers)
    assert r.divergence is None


def test_a_changed_digest_is_marked_where_it_diverged(saved: Path, tmp_path: Path):
    data = json.loads(saved.read_text(encoding="utf-8"))
    data["digests"][5][1] = "f" * 64  # t = 300 s
    bad = tmp_path / "bad.vdcsave"
    bad.write_text(json.dumps(data), encoding="utf-8")
    r = Replayer(load(bad))
    assert r.divergence is not None and r.divergence.t == 300.0
    assert r.markers[-1].kind == "divergence" or any(m.kind == "divergence" for m in r.markers)


def test_a_save_that_stopped_early_replays_only_to_where_it_stopped(tmp_path: Path):
    session = Session(Simulation(load_level(TROUBLE).level))
    session.advance_to(30)
    session.submit("power off build-01")
    session.advance_to(95)
    path = tmp_path / "early.vdcsave"
    save(session, path)
    r = Replayer(load(path))
    assert r.end == 95.0
    r.advance_to(500)
    assert r.now == 95.0 and r.at_end


def test_speed_changes_are_saved_and_read_back(tmp_path: Path):
    session = Session(Simulation(load_level(TROUBLE).level))
    session.note_speed(1, False)
    session.advance_to(40)
    session.note_speed(4, False)
    session.note_speed(8, False)  # same moment: the last one counts
    session.note_speed(8, False)  # no change: nothing recorded
    session.advance_to(90)
    session.note_speed(8, True)
    path = tmp_path / "speed.vdcsave"
    save(session, path)
    saved = load(path)
    assert [(c.t, c.speed, c.paused) for c in saved.speed_changes] == [
        (0.0, 1, False), (40.0, 8, False), (90.0, 8, True),
    ]
    r = Replayer(saved)
    assert r.speed_at(10) == 1 and r.speed_at(40) == 8 and r.speed_at(89) == 8


@pytest.mark.parametrize(("text", "seconds"), [
    ("90", 90.0), ("90s", 90.0), ("2m", 120.0), ("1h", 3600.0), ("0:01:30", 90.0),
    (" 2.5m ", 150.0),
    # As the clock shows time: h:mm, h:mm:ss — "4:36" in an 8-hour replay is 4 h 36 min
    # (issue 12, bug 13).
    ("4:36", 4 * 3600 + 36 * 60.0), ("1:30", 5400.0), ("0:04:36", 276.0), ("8:00:00", 28800.0),
])
def test_positions_a_viewer_types(text: str, seconds: float):
    assert parse_position(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "-5", "1:2:3:4", "inf", "nan", "1:-3", "0:90", "1:00:75"])
def test_positions_that_are_not_times_say_so(text: str):
    with pytest.raises(ValueError, match="time"):
        parse_position(text)


def test_a_run_that_ended_early_replays_to_its_end(tmp_path: Path):
    """The sample that ended the level (a required objective failed) is replayed too."""
    from conftest import lost_early_level

    session = run_level(lost_early_level(), actions=parse_actions("10 power off web-01\n"))
    assert session.sim.ended_at == 105.0
    save(session, tmp_path / "ended.vdcsave")
    r = Replayer(load(tmp_path / "ended.vdcsave"))
    assert r.divergence is None and r.end == 105.0
    r.seek(50)
    assert not r.session.ended
    r.seek(105)
    assert r.session.ended and r.session.sim.digests == session.sim.digests


def test_after_a_seek_one_view_cache_shows_uplink_loads_and_port_groups():
    """Issue 14's note: the replay viewer showed no uplink load and no port groups after a seek.
    One `ViewCache` (the viewer keeps one) across seeks of level 13's reference save, forward
    and back over checkpoints and its faults, gives what a fresh replay to that time gives."""
    from vdc.sim.view import ViewCache

    saved = load(Path("saves/reference/13-vlan-trouble.vdcsave"))
    r = Replayer(saved)
    cache = ViewCache()
    for t in (615.0, 1810.0, 300.0, 615.0, 2400.0, 1200.5):
        r.seek(t)
        v = r.session.sim.view(cache)
        fresh = Replayer(saved)
        fresh.advance_to(t)
        w = fresh.session.sim.view()
        assert [h.uplink_mbps for h in v.hosts] == [h.uplink_mbps for h in w.hosts], t
        assert v.vms.portgroups == w.vms.portgroups == (
            "outside, web", "web", "app", "web", "db", "app"), t
        assert sum(sum(h.uplink_mbps) for h in v.hosts) > 500, t  # the shop's traffic
