"""The replay viewer: read-only game screen with transport, timeline and divergence banner.

The simulation is stepped explicitly (no live timer), so every check reads a fixed state.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input

from tests.tui.conftest import SIZES, TROUBLE, screen_of, toasts, until
from vdc.scenario.loader import load_level
from vdc.session.actions import parse_actions
from vdc.session.runner import run_level
from vdc.session.save import save, write_atomic
from vdc.tui.app import VdcApp
from vdc.tui.controller import GameController
from vdc.tui.screens.help import KeysScreen
from vdc.tui.screens.replay import GotoScreen, ReplayScreen
from vdc.tui.screens.replays import ReplaysScreen
from vdc.tui.screens.title import TitleScreen
from vdc.tui.widgets.eventlog import EventLogPanel
from vdc.tui.widgets.hosts import HostsPanel
from vdc.tui.widgets.timeline import TimelineBar, column, track_cells

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = "30 power off web-01\n120 power on web-01\n250 power on db-01 esx-01\n400 power on nosuch\n"


def _write_save(directory: Path, name: str = "trouble.vdcsave") -> Path:
    session = run_level(load_level(TROUBLE).level, actions=parse_actions(SCRIPT))
    path = directory / name
    save(session, path)
    return path


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> Path:
    return _write_save(tmp_path_factory.mktemp("replays"))


async def _viewer(pilot) -> ReplayScreen:
    return await screen_of(pilot, ReplayScreen)


def _host_state(screen, name: str) -> str:
    view = screen.query_one(HostsPanel).view
    return next(h.state for h in view.hosts if h.name == name)


async def test_the_viewer_opens_paused_at_zero_with_every_command_on_the_timeline(saved: Path):
    app = VdcApp(replay=saved, tick_interval=None)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await _viewer(pilot)
        c = screen.controller
        assert c.now == 0.0 and c.paused and c.end == 900.0
        bar = screen.query_one(TimelineBar)
        text = bar.render().plain
        assert "REPLAY trouble.vdcsave" in text and "4 commands" in text
        assert "0:00:00" in text and "0:15:00" in text
        assert text.count("▲") == 3 and "✗" in text and "✖" in text


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_a_long_save_name_keeps_the_timeline_on_its_line(saved: Path, tmp_path: Path, size):
    """`vdc replay <long-named save>` at 80×24: the head is one line (the name cut short, the
    counts kept) and the track with its times is the line under it (issue 12, bug 7)."""
    long = tmp_path / ("a-very-long-save-name-from-the-trouble-level-by-trainee-42-" * 2 + ".vdcsave")
    long.write_bytes(saved.read_bytes())
    app = VdcApp(replay=long, tick_interval=None)
    async with app.run_test(size=size) as pilot:
        screen = await _viewer(pilot)
        await pilot.pause()
        bar = screen.query_one(TimelineBar)
        assert bar.region.height == 2
        head, track = (bar.render_line(y).text.rstrip() for y in (0, 1))
        assert head.startswith("▶ REPLAY a-very-long-save-name") and "…" in head
        assert head.endswith(("4 commands, 5 incidents", "g go to")) and len(head) <= size[0] - 2
        assert track.startswith("0:00:00 ●") and track.endswith("0:15:00")


async def test_next_command_steps_to_it_and_shows_its_effect(saved: Path):
    app = VdcApp(replay=saved, tick_interval=None)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        screen = await _viewer(pilot)
        await pilot.press("n")
        await until(pilot, lambda: screen.controller.now == 30.0)
        assert screen.controller.now == 30.0
        vms = screen.controller.view().vms
        assert vms.power[vms.names.index("web-01")] == "off"
        assert "Player at 0:00:30: power off web-01" in toasts(app, "title")
        await pilot.press("n", "n")
        await until(pilot, lambda: screen.controller.now == 250.0)
        assert screen.controller.now == 250.0
        assert _host_state(screen, "esx-03") == "failed"  # the host failure at 200 s is shown
        log = screen.query_one(EventLogPanel)
        assert [r.kind for r in log.records].count("command") == 3
        assert screen.query_one(TimelineBar).now == 250.0


async def test_previous_command_goes_back_by_re_simulating_from_zero(saved: Path):
    app = VdcApp(replay=saved, tick_interval=None)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        screen = await _viewer(pilot)
        screen.seek(260)
        await pilot.pause()
        assert _host_state(screen, "esx-03") == "failed"
        app.clear_notifications()
        c = screen.controller
        await pilot.press("p")
        await until(pilot, lambda: c.now == 250.0)
        assert c.now == 250.0 and c.paused
        await pilot.press("p")
        await until(pilot, lambda: c.now == 120.0)
        assert c.now == 120.0
        assert _host_state(screen, "esx-03") == "on"  # before the failure again
        log = screen.query_one(EventLogPanel)
        assert all(r.t <= 120.0 for r in log.records)  # the log started again too
        assert [r.kind for r in log.records].count("command") == 2
        assert "Player at 0:02:00: power on web-01" in toasts(app, "title")
        assert "Player at 0:00:30: power off web-01" not in toasts(app, "title")


async def test_seek_keys_go_to_and_timeline_click(saved: Path):
    app = VdcApp(replay=saved, tick_interval=None)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await _viewer(pilot)
        c = screen.controller
        await pilot.press("right_square_bracket", "right_square_bracket")
        await until(pilot, lambda: c.now == 120.0)
        assert c.now == 120.0
        await pilot.press("left_square_bracket")
        await until(pilot, lambda: c.now == 60.0)
        assert c.now == 60.0
        await pilot.press("g")
        goto = await screen_of(pilot, GotoScreen)
        error = goto.query_one("#goto-error")
        await pilot.press(*"soon", "enter")
        await until(pilot, lambda: "not a time" in str(error.render()))
        assert "not a time" in str(error.render())
        goto.query_one(Input).value = ""
        await pilot.press(*"0:05", "enter")  # h:mm, as the clock shows it
        await until(pilot, lambda: c.now == 300.0)
        assert app.screen is screen and c.now == 300.0
        bar = screen.query_one(TimelineBar)
        x = 1 + len("0:05:00 ") + column(450, c.end, bar._track_width())  # padding + label
        await pilot.click(TimelineBar, offset=(x, 1))
        await until(pilot, lambda: c.now != 300.0)
        assert abs(c.now - 450) <= c.end / bar._track_width()


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_goto_prompt_is_whole_and_says_how_times_read(saved: Path, size):
    """The go-to dialog's prompt fits (it wraps, never cut) and says that 4:36 is 4 h 36 min;
    the key line says "[ / ] back / on 1 min", not "∓1 min" (issue 12, bug 13)."""
    app = VdcApp(replay=saved, tick_interval=None)
    async with app.run_test(size=size) as pilot:
        screen = await _viewer(pilot)
        keys = screen.query_one(TimelineBar).render().plain
        assert "∓" not in keys
        if size[0] >= 160:
            assert "[ / ] back / on 1 min" in keys
        await pilot.press("g")
        goto = await screen_of(pilot, GotoScreen)
        await pilot.pause()
        prompt = goto.query_one("#goto-prompt")
        lines = [s.text.strip() for s in prompt.render_lines(prompt.region.reset_offset)]
        said = " ".join(" ".join(lines).split())
        assert said == ("Now 0:00:00; the recording runs to 0:15:00. Type h:mm or h:mm:ss (as the "
                        "clock shows it: 4:36 is 4 h 36 min), or 90s, 2m, 1h.")
        assert prompt.region.right <= size[0] and goto.query_one(Input).region.bottom <= size[1]
        await pilot.press(*"0:04:36", "enter")
        await until(pilot, lambda: screen.controller.now == 276.0)
        assert screen.controller.now == 276.0


async def test_play_speed_goes_to_64x_and_stops_at_the_end(saved: Path):
    app = VdcApp(replay=saved, tick_interval=None)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        screen = await _viewer(pilot)
        c = screen.controller
        for _ in range(8):
            await pilot.press("plus")
        await until(pilot, lambda: c.speed == 64)
        assert c.speed == 64
        await pilot.press("space")
        await until(pilot, lambda: not c.paused)
        screen._on_tick()
        await pilot.pause()
        assert c.now == 16.0  # 0.25 s of wall time at 64×
        screen.seek(890)
        screen._on_tick()
        await pilot.pause()
        assert c.now == 900.0 and c.ended and c.paused
        assert "Replay ended" in toasts(app, "title")
        assert "trouble" not in " ".join(p.name for p in Path(os.environ["VDC_SAVES_DIR"]).iterdir())


async def test_a_replay_takes_no_commands(saved: Path):
    app = VdcApp(replay=saved, tick_interval=None)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        screen = await _viewer(pilot)
        for key in ("o", "x", "colon", "ctrl+s"):
            await pilot.press(key)
        await pilot.pause()
        assert screen.controller.session.records == []
        screen.submit("power off web-01")
        await pilot.pause()
        assert screen.controller.session.records == []
        assert "Replay" in toasts(app, "title")
        await pilot.press("question_mark")
        keys = await screen_of(pilot, KeysScreen)
        assert "Replay keys" in keys.query_one("Markdown")._markdown
        await pilot.press("escape", "q")
        await screen_of(pilot, TitleScreen)


async def test_the_palette_offers_transport_and_no_commands(saved: Path):
    from vdc.tui.palette import VdcCommands

    app = VdcApp(replay=saved, tick_interval=None)
    async with app.run_test(size=(160, 50)) as pilot:
        provider = VdcCommands(await _viewer(pilot))
        texts = [t for t, _, _ in provider._candidates()]
        assert "Next player command" in texts and "Go to a time" in texts
        assert not any(t.startswith(("power on", "vm set", "host power")) for t in texts)


async def test_a_diverging_save_shows_the_banner(saved: Path, tmp_path: Path):
    data = json.loads(saved.read_text(encoding="utf-8"))
    data["digests"][5][1] = "f" * 64
    bad = tmp_path / "bad.vdcsave"
    bad.write_text(json.dumps(data), encoding="utf-8")
    app = VdcApp(replay=bad, tick_interval=None)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        screen = await _viewer(pilot)
        banner = str(screen.query_one("#divergence").render())
        assert "Differs from the recording from 0:05:00" in banner and "ffffffffffff" in banner
        assert "Replay diverges" in toasts(app, "title")
        assert "≠" in screen.query_one(TimelineBar).render().plain


async def test_an_unreadable_save_is_told_and_the_title_stays(tmp_path: Path):
    bad = tmp_path / "broken.vdcsave"
    bad.write_text("{not json", encoding="utf-8")
    app = VdcApp(replay=bad, tick_interval=None)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await until(pilot, lambda: toasts(app))
        assert isinstance(app.screen, TitleScreen)
        assert "Cannot replay" in toasts(app, "title")


async def test_replays_list_on_the_title_screen_opens_the_viewer():
    directory = Path(os.environ["VDC_SAVES_DIR"])
    _write_save(directory, "older.vdcsave")
    (directory / "junk.vdcsave").write_text("nope", encoding="utf-8")
    app = VdcApp(tick_interval=None)
    async with app.run_test(size=(120, 36)) as pilot:
        title = await screen_of(pilot, TitleScreen)
        menu_ids = [o.id for o in title.query_one("#menu")._options]
        await pilot.press(*["down"] * menu_ids.index("replays"), "enter")
        replays = await screen_of(pilot, ReplaysScreen)
        table = replays.query_one("#saves", DataTable)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        assert any(r[0] == "older.vdcsave" and r[1] == "tui-trouble" and r[3] == "4" for r in rows)
        assert any(r[0] == "junk.vdcsave" and "not a vdc save" in r[1] for r in rows)
        table.move_cursor(row=[r[0] for r in rows].index("older.vdcsave"))
        await pilot.press("enter")
        await screen_of(pilot, ReplayScreen)


async def test_replays_list_the_latest_first_and_mark_won_and_lost():
    """Replays: newest save first, each result marked (✔ won with its stars, ✖ lost, ▶ a game
    not finished) in words as well as symbols (issue 12, Saves)."""
    import shutil

    directory = Path(os.environ["VDC_SAVES_DIR"])
    shipped = ROOT / "saves"
    shutil.copy(shipped / "reference" / "01-first-light.vdcsave", directory / "won.vdcsave")
    shutil.copy(shipped / "examples" / "01-gave-up.vdcsave", directory / "lost.vdcsave")
    data = json.loads((directory / "won.vdcsave").read_text(encoding="utf-8"))
    data.update(result=None, sim_time=120.0)
    (directory / "playing.vdcsave").write_text(json.dumps(data), encoding="utf-8")
    for age, name in enumerate(["won", "playing", "lost"]):  # oldest first
        os.utime(directory / f"{name}.vdcsave", (1_000_000 + age, 1_000_000 + age))
    app = VdcApp(tick_interval=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await screen_of(pilot, TitleScreen)
        app.push_screen(ReplaysScreen())
        replays = await screen_of(pilot, ReplaysScreen)
        table = replays.query_one("#saves", DataTable)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        assert [r[0] for r in rows] == ["lost.vdcsave", "playing.vdcsave", "won.vdcsave"]
        assert [str(r[4]) for r in rows] == [
            "✖ lost · 62 pts", "▶ unfinished", "✔ won · 100 pts ★★★",
        ]


async def test_speed_changes_of_live_play_are_recorded_for_the_viewer(tmp_path: Path):
    c = GameController(load_level(TROUBLE).level)
    c.toggle_pause()
    c.step(40)
    c.faster()
    c.faster()
    c.step(20)
    c.toggle_pause()
    assert [(x.t, x.speed, x.paused) for x in c.session.speed_changes] == [
        (0.0, 1, False), (40.0, 4, False), (60.0, 4, True),
    ]
    c.save(tmp_path / "s.vdcsave")
    app = VdcApp(replay=tmp_path / "s.vdcsave", tick_interval=None)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        screen = await _viewer(pilot)
        await pilot.press("f", "space")
        await until(pilot, lambda: screen.controller.follow_recorded and not screen.controller.paused)
        screen.seek(45)
        screen._on_tick()
        assert screen.controller.speed == 4 and screen.controller.now == 46.0


def test_vdc_replay_without_a_terminal_points_to_verify(saved: Path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-m", "vdc", "replay", str(saved)], capture_output=True,
                       text=True, env=env)
    assert r.returncode == 2 and "needs a terminal" in r.stderr and "--verify" in r.stderr
    r = subprocess.run([sys.executable, "-m", "vdc", "replay", str(saved), "--json"],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 2 and "go with --verify" in r.stderr


def test_track_cells_put_the_worst_marker_on_a_shared_cell():
    from vdc.session.replayer import Marker

    cells = track_cells([Marker(0, "command", "a"), Marker(1, "incident", "b"),
                         Marker(100, "rejected", "c")], end=100, width=11)
    assert cells[0] == "incident" and cells[10] == "rejected" and cells[5] is None


# ---------------------------------------------------------------------------- snapshots
def _snapshot_save() -> Path:
    """A save at a fixed path (its name is on the screen). Parallel test runs may write it at
    the same time: every write replaces the file whole (same content), never in place."""
    directory = Path("/tmp/vdc-snapshot-replays")
    directory.mkdir(exist_ok=True)
    return _write_save(directory)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_viewer_with_timeline(snap_compare, size):
    async def run_before(pilot) -> None:
        screen = await _viewer(pilot)
        await pilot.press("n", "n", "n")
        await until(pilot, lambda: screen.controller.now == 250.0)
        pilot.app.clear_notifications()
        await pilot.pause()

    app = VdcApp(replay=_snapshot_save(), tick_interval=None)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_viewer_diverged(snap_compare, size):
    path = _snapshot_save()
    data = json.loads(path.read_text(encoding="utf-8"))
    data["digests"][5][1] = "f" * 64
    bad = path.with_name("tampered.vdcsave")
    write_atomic(bad, json.dumps(data))

    async def run_before(pilot) -> None:
        screen = await _viewer(pilot)
        screen.seek(420)
        await pilot.pause()
        pilot.app.clear_notifications()
        await pilot.pause()

    app = VdcApp(replay=bad, tick_interval=None)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_replays_list(snap_compare, size, monkeypatch):
    import vdc.tui.screens.replays as replays

    # The directory is on the screen, so it is a fixed one; parallel runs write the same two
    # files into it, each replaced whole (never emptied or half-written in between).
    directory = Path("/tmp/vdc-snapshot-replays-list")
    directory.mkdir(exist_ok=True)
    for old in directory.glob("*.vdcsave"):
        if old.name not in ("trouble.vdcsave", "broken.vdcsave"):
            old.unlink(missing_ok=True)
    _write_save(directory, "trouble.vdcsave")
    write_atomic(directory / "broken.vdcsave", "{")
    os.utime(directory / "broken.vdcsave", (1_000_000_000, 1_000_000_000))
    monkeypatch.setenv("VDC_SAVES_DIR", str(directory))
    monkeypatch.setattr(replays, "modified_text", lambda path: "2026-12-01 09:30")

    async def run_before(pilot) -> None:
        await screen_of(pilot, TitleScreen)
        pilot.app.push_screen(replays.ReplaysScreen())
        await screen_of(pilot, replays.ReplaysScreen)
        await pilot.pause()

    assert snap_compare(VdcApp(tick_interval=None), terminal_size=size, run_before=run_before)


async def test_after_a_seek_the_network_panel_shows_loads_and_the_view_port_groups():
    """Issue 14's note: after a seek the Network panel showed no uplink load and the VMs no port
    groups. Level 13's reference save, seeks back and forth over its pruned VLAN (0:10) and
    black hole (0:30): each uplink's load is there, as a replay played straight to it shows."""
    import re

    from vdc.session.replayer import Replayer
    from vdc.session.save import load
    from vdc.tui.widgets.network import NetworkPanel

    path = Path("saves/reference/13-vlan-trouble.vdcsave")
    app = VdcApp(replay=path, tick_interval=None)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await _viewer(pilot)
        panel = screen.query_one(NetworkPanel)
        panel.details = True  # every host in full, with its uplinks' loads
        for t, says in ((615.0, "all VLANs but 120"), (300.0, "every VLAN carried"),
                        (1810.0, "black-holed"), (615.0, "all VLANs but 120")):
            screen.seek(t)
            await until(pilot, lambda t=t: panel.view is not None and panel.view.t == t)
            text = panel.text.plain
            loads = [int(x) for x in re.findall(r"● up +(\d+) %", text)]
            straight = Replayer(load(path))
            straight.advance_to(t)
            want = straight.session.sim.view()
            assert says in text, t
            assert len(loads) == sum(1 for h in want.hosts for u in h.uplinks if u.up), t
            assert sum(loads) > 0, t
            assert [h.uplink_mbps for h in panel.view.hosts] == [h.uplink_mbps for h in want.hosts]
            assert screen.controller.view().vms.portgroups == want.vms.portgroups != ()
