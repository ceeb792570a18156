"""The Tasks panel (key 8) and the vMotion / Storage vMotion dialogs: Pilot tests and SVG
snapshots at 80×24 and 160×50 of a paused simulation stepped explicitly."""

from __future__ import annotations

import copy

import pytest
from textual.screen import Screen

from tests.tui.conftest import SIZES, level_app, screen_of, start, until
from vdc.scenario.schema import Level
from vdc.tui.app import VdcApp
from vdc.tui.screens.vmotion import MoveDialog
from vdc.tui.widgets.tasks import TasksPanel


def _level() -> Level:
    host = {"name": "esx-01", "cores": 8, "mhz": 2000, "memory": 64, "cpu_generation": 3,
            "nics": [{"name": "vmnic0", "speed": 10000}, {"name": "vmnic1", "speed": 10000}]}
    lv = {
        "level": {"id": "t-vmotion", "title": "Moving day", "duration": 3600, "seed": 7},
        "hosts": [host, dict(host, name="esx-02"), dict(host, name="esx-03", cpu_vendor="amd"),
                  dict(host, name="esx-04", state="maintenance")],
        "datastores": [{"name": "ds-1", "capacity": 2000, "iops": 20000, "mbps": 1000},
                       {"name": "ds-2", "capacity": 1000, "iops": 20000, "mbps": 400}],
        "networks": [{"name": "vSwitch0", "uplinks": ["vmnic0", "vmnic1"], "portgroups": [
            {"name": "prod", "vlan": 100}, {"name": "vmk-vmotion", "vlan": 200, "vmkernel": "vmotion"}]}],
        "profiles": [{"name": "dirty50", "cpu": 1000, "mem_active": 0.78125, "iops": 10,
                      "write_mbps": 0, "net": 1, "shape": "flat", "peak": 0, "noise": 0}],
        "vms": [
            {"name": n, "host": "esx-01", "vcpu": 2, "memory": 16, "profile": "dirty50", "boot_s": 0,
             "nics": [{"portgroup": "prod"}], "disks": [{"datastore": "ds-1", "size": 40, "thin": False}]}
            for n in ("db-01", "db-02", "app-01")
        ],
        "services": [],
    }
    return Level.model_validate(copy.deepcopy(lv))


def _app() -> VdcApp:
    return level_app(_level())


def _with_tasks(*keys: str, shows: type[Screen] | None = None):
    async def run_before(pilot) -> None:
        screen = await start(pilot, 5)
        screen.submit("vmotion db-01 esx-02")
        screen.submit("svmotion app-01 ds-2")
        screen.submit("maintenance enter esx-01")
        screen.step(10)
        screen.selected = ("vm", "db-02")
        if keys:
            await pilot.press(*keys)
        if shows is not None:
            await screen_of(pilot, shows)
        await pilot.pause()
        pilot.app.clear_notifications()
        await pilot.pause()

    return run_before


async def test_tasks_panel_shows_progress_and_the_dialog_submits():
    app = _app()
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await start(pilot, 5)
        screen.submit("vmotion db-01 esx-02")
        screen.step(10)
        panel = screen.query_one(TasksPanel)
        await pilot.press("8")
        await until(pilot, lambda: panel.display)
        assert panel.display and not screen.query_one("#log").display
        text = str(panel.query_one("#task-lines").render())
        assert "▶ running vMotion db-01 → esx-02" in text and "ETA" in text
        screen.selected = ("vm", "db-02")
        await pilot.press("v")
        dialog = await screen_of(pilot, MoveDialog)
        lines = [str(line) for _, line, _ in dialog.rows]
        assert [name for name, _, _ in dialog.rows] == ["esx-02", "esx-03", "esx-04"]
        assert "compatible" in lines[0] and "cannot cross CPU vendors" in lines[1]
        assert "in maintenance mode" in lines[2]
        records = screen.controller.session.records
        await pilot.press("enter")
        await until(pilot, lambda: len(records) == 2)
        assert app.screen is screen
        sim = screen.controller.sim
        assert [t.subject for t in sim.tasks.tasks if t.kind == "vmotion"] == ["db-01", "db-02"]
        screen.step(60)
        assert sim.inv.vms["db-01"].host == "esx-02" and sim.inv.vms["db-02"].host == "esx-02"


async def test_a_cancelled_task_shows_as_aborted_with_where_the_vm_stayed():
    async with _app().run_test(size=(160, 50)) as pilot:
        screen = await start(pilot, 5)
        screen.submit("vmotion db-01 esx-02")
        screen.step(3)
        screen.submit("task cancel db-01")
        screen.step(1)
        panel = screen.query_one(TasksPanel)
        await pilot.press("8")
        await until(pilot, lambda: panel.display)
        text = str(panel.query_one("#task-lines").render())
        assert "⊘ aborted vMotion db-01 → esx-02" in text and "cancelled; db-01 stays on esx-01" in text


async def test_vmotion_dialog_says_now_and_after_the_move_and_each_hosts_state():
    """The dialog's CPU and memory are the host's now (as the Hosts panel shows them) → after
    the move, and each host says its state: a powered-off host is not listed with only a
    licence reason (issue 12, bug 9)."""
    async with _app().run_test(size=(80, 24)) as pilot:
        screen = await start(pilot, 5)
        screen.submit("vmotion db-01 esx-02")
        screen.step(120)  # db-01 runs on esx-02 now
        screen.selected = ("vm", "db-02")
        await pilot.press("v")
        dialog = await screen_of(pilot, MoveDialog)
        assert "now → after the move, as in the Hosts panel" in str(dialog.query_one("#legend").render())
        hosts = {h.name: h for h in screen.controller.view().hosts}
        rows = {name: str(line) for name, line, _ in dialog.rows}
        esx2 = hosts["esx-02"]
        assert esx2.mem_pct > 0
        assert f"CPU {esx2.cpu_pct:3.0f}→" in rows["esx-02"] and f"mem {esx2.mem_pct:3.0f}→" in rows["esx-02"]
        assert rows["esx-02"].startswith("✔ esx-02     ● on     CPU")
        assert rows["esx-04"].startswith("✖ esx-04     ◆ maint  CPU")
    async with level_app("01").run_test(size=(80, 24)) as pilot:  # essentials: no vMotion
        screen = await start(pilot, 30)
        screen.selected = ("vm", "mail-01")
        await pilot.press("v")
        dialog = await screen_of(pilot, MoveDialog)
        [(name, line, ok)] = dialog.rows
        assert name == "esx-02" and not ok
        assert str(line).startswith("✖ esx-02     ○ off    CPU") and "licen" in str(line)


async def test_the_event_log_shows_a_command_before_what_it_caused():
    """A command's line comes first in the game's event log, then its queued / started
    events; the simulation's log (saves, `vdc run --json`) keeps its own order (issue 12,
    bug 10)."""
    from vdc.tui.widgets.eventlog import EventLogPanel

    async with _app().run_test(size=(160, 50)) as pilot:
        screen = await start(pilot, 5)
        for vm in ("db-01", "db-02", "app-01", "db-01"):  # the last is refused: busy
            screen.submit(f"vmotion {vm} esx-02")
        screen.submit("host power off esx-03")  # logs nothing but the command
        screen.step(1)
        await pilot.pause()
        shown = [(r.kind, r.subject) for r in screen.query_one(EventLogPanel).records]
        assert shown == [
            ("command", "vmotion"), ("vmotion_queued", "db-01"), ("vmotion_started", "db-01"),
            ("command", "vmotion"), ("vmotion_queued", "db-02"), ("vmotion_started", "db-02"),
            ("command", "vmotion"), ("vmotion_queued", "app-01"), ("vmotion_started", "app-01"),
            ("command_rejected", "vmotion"),
            ("command", "host power off"),
        ]
        logged = [r.kind for r in screen.controller.sim.log]
        assert logged[:3] == ["vmotion_queued", "vmotion_started", "command"]


async def test_svmotion_dialog_and_maintenance_key():
    app = _app()
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await start(pilot)
        records = screen.controller.session.records
        screen.selected = ("vm", "app-01")
        await pilot.press("V")
        dialog = await screen_of(pilot, MoveDialog)
        assert "already on ds-1" in str(dialog.rows[0][1]) and "copy about" in str(dialog.rows[1][1])
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        screen.selected = ("host", "esx-04")
        await pilot.press("M")  # in maintenance: M takes it out
        await until(pilot, lambda: len(records) == 1)
        assert records[-1].text == "maintenance exit esx-04"
        assert screen.controller.sim.inv.hosts["esx-04"].state == "on"
        screen.selected = ("host", "esx-01")
        await pilot.press("M")  # running VMs: M starts taking it into maintenance
        await until(pilot, lambda: len(records) == 2)
        assert records[-1].text == "maintenance enter esx-01"
        host = next(h for h in screen.controller.view().hosts if h.name == "esx-01")
        assert host.state != "maintenance" and host.entering_maintenance
        await pilot.press("M")  # on its way in: M calls it off
        await until(pilot, lambda: len(records) == 3)
        assert records[-1].text == "maintenance exit esx-01"


@pytest.mark.parametrize("size", SIZES)
def test_tasks_panel_snapshot(snap_compare, size):
    assert snap_compare(_app(), terminal_size=size, run_before=_with_tasks("8"))


@pytest.mark.parametrize("size", SIZES)
def test_vmotion_dialog_snapshot(snap_compare, size):
    assert snap_compare(_app(), terminal_size=size, run_before=_with_tasks("v", shows=MoveDialog))


@pytest.mark.parametrize("size", SIZES)
def test_svmotion_dialog_snapshot(snap_compare, size):
    assert snap_compare(_app(), terminal_size=size, run_before=_with_tasks("V", shows=MoveDialog))
