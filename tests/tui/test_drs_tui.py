"""The DRS recommendations panel (key 9) and the DRS settings dialog (`D`): Pilot tests and SVG
snapshots of a paused simulation stepped explicitly. The level: cluster prod of three hosts
with a vMotion network, DRS manual at threshold 3, six VMs all on esx-01; the pass at 300 s
recommends r1..r3."""

from __future__ import annotations

import copy

import pytest
from textual.widgets import Input, OptionList, Select

from tests.conftest import add_vm, base_level, build
from tests.tui.conftest import SIZES, click, game_at, level_app, screen_of, start, toasts, until
from vdc.scenario.schema import Level
from vdc.tui.app import VdcApp
from vdc.tui.screens.drs import DrsScreen
from vdc.tui.widgets.drs import DrsPanel

VMK = {"name": "vmk-vmotion", "vlan": 200, "vmkernel": "vmotion"}


def drs_level(mode: str = "manual", *, vcenter: bool = False) -> Level:
    """The DRS level; `vcenter`: vCenter runs as VM vcsa-01 on esx-03 (to take it down)."""
    lv = base_level(duration=3600, **({"vcenter": "vcsa-01"} if vcenter else {}))
    lv["level"]["title"] = "Balancing act"
    lv["hosts"][0]["cluster"] = "prod"
    lv["hosts"][0]["memory"] = 128
    lv["hosts"] += [dict(copy.deepcopy(lv["hosts"][0]), name=f"esx-0{i}") for i in (2, 3)]
    lv["networks"][0]["portgroups"].append(VMK)
    lv["clusters"] = [{"name": "prod", "drs": {"enabled": True, "mode": mode, "threshold": 3}}]
    lv["profiles"][0]["cpu"] = 2000
    for i in range(6):
        add_vm(lv, f"vm-{i + 1:02d}")
    if vcenter:
        add_vm(lv, "vcsa-01", host="esx-03", profile="steady")
    return build(lv)


def _app() -> VdcApp:
    return level_app(drs_level())


def _rows(panel: DrsPanel) -> list[tuple[str | None, str]]:
    ol = panel.query_one(OptionList)
    return [(o.id, str(o.prompt)) for o in ol.options]


async def test_panel_lists_recommendations_and_enter_applies_one():
    async with _app().run_test(size=(160, 50)) as pilot:
        game = await start(pilot, 310)
        panel = game.query_one(DrsPanel)
        await pilot.press("9")
        await until(pilot, lambda: isinstance(pilot.app.focused, OptionList))
        assert panel.display and not game.query_one("#log").display
        rows = _rows(panel)
        assert [i for i, _ in rows] == ["c:prod", "r:prod:r1", "r:prod:r2", "r:prod:r3"]
        assert "DRS on · manual · threshold 3 moderate" in rows[0][1]
        assert "imbalance 0.354 > target 0.163" in rows[0][1]
        assert rows[1][1].startswith("r1  P2 high      vm-01 esx-01 → esx-02")
        assert "balance load: imbalance 0.354 → 0.270" in rows[1][1]
        assert isinstance(pilot.app.focused, OptionList)
        records = game.controller.session.records
        await pilot.press("enter")
        await until(pilot, lambda: records)
        assert records[-1].text == "drs apply prod r1"
        sim = game.controller.sim
        assert [(t.kind, t.subject, t.target) for t in sim.tasks.tasks] == [
            ("vmotion", "vm-01", "esx-02")]
        assert "r:prod:r1" not in [i for i, _ in _rows(panel)]


async def test_panel_applies_all_of_the_cluster_then_says_why_it_is_idle():
    async with _app().run_test(size=(160, 50)) as pilot:
        game = await start(pilot, 310)
        await pilot.press("9")
        await until(pilot, lambda: isinstance(pilot.app.focused, OptionList))
        records = game.controller.session.records
        await pilot.press("A")
        await until(pilot, lambda: records)
        assert records[-1].text == "drs apply prod all"
        sim = game.controller.sim
        assert sorted(t.subject for t in sim.tasks.tasks if t.kind == "vmotion") == [
            "vm-01", "vm-02", "vm-03"]
        rows = _rows(game.query_one(DrsPanel))
        assert [i for i, _ in rows] == ["c:prod", "i:prod"]
        assert "nothing to move now" in rows[1][1]
        assert "3 DRS migrations done" not in rows[0][1]  # started, not finished yet
        game.step(60)
        await pilot.pause()
        assert "3 DRS migrations done" in _rows(game.query_one(DrsPanel))[0][1]


async def test_panel_before_the_first_pass_and_with_drs_off():
    async with _app().run_test(size=(160, 50)) as pilot:
        game = await start(pilot, 10)
        panel = game.query_one(DrsPanel)
        await pilot.press("9")
        await until(pilot, lambda: panel.display)
        rows = _rows(panel)
        assert "next pass 0:05:00 (in 4m50s)" in rows[0][1]
        assert "not passed over this cluster" in rows[1][1]
        game.submit("drs disable prod")
        await pilot.pause()
        rows = _rows(panel)
        assert "DRS off · set to manual · threshold 3 moderate" in rows[0][1]
        assert "no recommendations while DRS is off" in rows[1][1]


async def test_panel_and_dialog_say_why_drs_cannot_act():
    async with level_app(drs_level(vcenter=True)).run_test(size=(160, 50)) as pilot:
        game = await start(pilot, 30)
        game.submit("power off vcsa-01")
        game.step(280)
        panel = game.query_one(DrsPanel)
        await pilot.press("9")
        await until(pilot, lambda: panel.display)
        head = _rows(panel)[0][1]
        assert "⚠ vCenter is unavailable" in head
        await pilot.press("D")
        dialog = await screen_of(pilot, DrsScreen)
        assert "⚠ vCenter is unavailable" in str(dialog.query_one("#drs-status").render())


async def test_dialog_changes_mode_threshold_and_rules_through_commands():
    async with _app().run_test(size=(160, 50), notifications=True) as pilot:
        game = await start(pilot, 310)
        records = game.controller.session.records
        game.selected = ("vm", "vm-04")
        await pilot.press("D")
        dialog = await screen_of(pilot, DrsScreen)
        assert dialog.cluster == "prod"
        status = str(dialog.query_one("#drs-status").render())
        assert "DRS on · manual · threshold 3 moderate" in status
        loads = str(dialog.query_one("#drs-loads").render())
        assert "esx-01     CPU █████████···  75%   mem █▏··········   9%" in loads
        sim = game.controller.sim
        drs = sim.inv.clusters["prod"].drs
        dialog.query_one("#drs-threshold", Select).value = 1
        await until(pilot, lambda: drs.threshold == 1)
        assert drs.threshold == 1
        dialog.query_one("#drs-mode", Select).value = "partial"
        await until(pilot, lambda: drs.mode == "partial")
        assert drs.mode == "partial"
        # A rule typed as the rest of `drs rule add` after the cluster.
        dialog.query_one("#drs-rule", Input).value = "apart keep-apart vm-04 vm-05"
        await click(pilot, "#drs-rule-add")
        await until(pilot, lambda: len(records) == 3)
        rules = sim.inv.clusters["prod"].rules
        assert [(r.name, r.type) for r in rules] == [("apart", "keep-apart")]
        assert dialog.query_one("#drs-rule", Input).value == ""
        text = str(dialog.query_one("#drs-rules").render())
        assert "✖ apart: keep-apart vm-04, vm-05 (required)" in text
        assert "broken: vm-05 shares esx-01 with vm-04" in text
        # A refused one: the reason is told, and the text stays to be fixed.
        dialog.query_one("#drs-rule", Input).value = "bad keep-apart vm-04 nosuch"
        await click(pilot, "#drs-rule-add")
        await until(pilot, lambda: len(records) == 4)
        assert records[-1].accepted is False
        reason = records[-1].message
        assert reason and any(reason in s and "Refused" in s for s in toasts(pilot.app))
        assert dialog.query_one("#drs-rule", Input).value == "bad keep-apart vm-04 nosuch"
        # DRS off and on with e; Esc back to the game.
        dialog.query_one("#drs-rule", Input).blur()
        await pilot.press("e")
        await until(pilot, lambda: not drs.enabled)
        assert not drs.enabled
        assert str(dialog.query_one("#drs-status").render()).startswith("DRS off")
        await pilot.press("e")
        await until(pilot, lambda: drs.enabled)
        assert drs.enabled
        await pilot.press("escape")
        await until(pilot, lambda: pilot.app.screen is game)
        assert pilot.app.screen is game
        assert [r.text for r in records] == [
            "drs threshold prod 1", "drs mode prod partial",
            "drs rule add prod apart keep-apart vm-04 vm-05",
            "drs rule add prod bad keep-apart vm-04 nosuch",
            "drs disable prod", "drs enable prod",
        ]


async def test_dialog_applies_recommendations_and_removes_a_rule():
    async with _app().run_test(size=(160, 50)) as pilot:
        game = await start(pilot, 310)
        records = game.controller.session.records
        await pilot.press("D")  # nothing selected: the only cluster
        dialog = await screen_of(pilot, DrsScreen)
        recs = dialog.query_one("#drs-recs", OptionList)
        assert [o.id for o in recs.options] == ["r1", "r2", "r3"]
        await click(pilot, "#drs-apply-one")
        await until(pilot, lambda: len(records) == 1)
        assert [o.id for o in recs.options] == ["r2", "r3"]
        await click(pilot, "#drs-apply-all")
        await until(pilot, lambda: len(records) == 2)
        assert not recs.display
        sim = game.controller.sim
        assert len([t for t in sim.tasks.tasks if t.kind == "vmotion"]) == 3
        game.submit("drs rule add prod apart keep-apart vm-04 vm-05")
        dialog.redraw()
        await pilot.pause()
        dialog.query_one("#drs-rule-name", Select).value = "apart"
        game.step(5)  # the dialog redraws as time goes on; the choice stays
        dialog.redraw()
        await pilot.pause()
        assert dialog.query_one("#drs-rule-name", Select).value == "apart"
        await click(pilot, "#drs-rule-remove")
        await until(pilot, lambda: len(records) == 4)
        assert sim.inv.clusters["prod"].rules == []
        assert records[-1].text == "drs rule remove prod apart"


async def test_dialog_gives_commands_through_what_it_is_handed():
    """The dialog knows no game screen: any `view` and `give` will do (here, a bare app)."""
    from textual.app import App

    from vdc.tui.controller import GameController

    controller = GameController(drs_level())
    controller.step(310)
    given: list[str] = []

    def give(text: str):
        given.append(text)
        return controller.submit(text)

    class Bare(App[None]):
        def on_mount(self) -> None:
            self.push_screen(DrsScreen("prod", view=controller.view, give=give))

    async with Bare().run_test(size=(120, 40)) as pilot:
        dialog = await screen_of(pilot, DrsScreen)
        await pilot.press("e")
        await until(pilot, lambda: given)
        assert given == ["drs disable prod"] and not controller.sim.inv.clusters["prod"].drs.enabled
        assert str(dialog.query_one("#drs-status").render()).startswith("DRS off")
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(pilot.app.screen, DrsScreen))
        assert not isinstance(pilot.app.screen, DrsScreen)


async def test_replay_viewer_shows_the_panel_read_only_and_has_no_dialog_key(tmp_path):
    from vdc.session.runner import run_level
    from vdc.session.save import save
    from vdc.tui.actions import REPLAY_ACTIONS
    from vdc.tui.screens.replay import ReplayScreen

    ids = {a.id for a in REPLAY_ACTIONS}
    assert "drs-panel" in ids and "drs" not in ids
    path = tmp_path / "drs.vdcsave"
    save(run_level(drs_level(), until=600), path)
    app = VdcApp(replay=path, tick_interval=None)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        screen = await screen_of(pilot, ReplayScreen)
        screen.seek(310)
        panel = screen.query_one(DrsPanel)
        await pilot.press("9")
        await until(pilot, lambda: panel.display)
        assert panel.display and "r:prod:r1" in [i for i, _ in _rows(panel)]
        refusal = ("Replay: This is a replay: it shows what was played and takes no commands. "
                   "To play on from a save, continue it (vdc continue SAVE).")
        await pilot.press("enter", "A", "D")
        await until(pilot, lambda: toasts(app).count(refusal) == 2)
        assert app.screen is screen  # no dialog
        assert "r:prod:r1" in [i for i, _ in _rows(panel)]
        assert not [t for t in screen.controller.sim.tasks.tasks if t.kind == "vmotion"]
        assert toasts(app).count(refusal) == 2


@pytest.mark.parametrize("size", SIZES)
def test_drs_panel_snapshot(snap_compare, size):
    assert snap_compare(_app(), terminal_size=size, run_before=game_at(310, "9"))


@pytest.mark.parametrize("size", SIZES)
def test_drs_dialog_snapshot(snap_compare, size):
    async def with_rule(pilot) -> None:
        game = await start(pilot, 310)
        game.submit("drs rule add prod apart keep-apart vm-04 vm-05")
        game.submit("drs group prod vm lic vm-06")
        game.step(10)
        await pilot.press("D")
        await screen_of(pilot, DrsScreen)
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(_app(), terminal_size=size, run_before=with_rule)
