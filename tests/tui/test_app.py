"""Pilot tests of the app: navigation, time, acting by key / `:` line / palette, zoom, hints.

The simulation is paused and stepped explicitly (`tick_interval=None`): a live timer would keep
Pilot from ever going idle.
"""

from __future__ import annotations

import pytest
from textual.command import CommandPalette
from textual.content import Content

from tests.tui.conftest import TROUBLE, click, level_app, screen_of, start, toasts, until
from vdc.tui.app import VdcApp
from vdc.tui.screens.briefing import BriefingScreen
from vdc.tui.screens.debrief import DebriefScreen
from vdc.tui.screens.help import ConceptsScreen, KeysScreen
from vdc.tui.screens.title import CampaignScreen, SandboxScreen, TitleScreen
from vdc.tui.widgets.cmdline import CommandLine


async def test_title_to_campaign_to_briefing_to_game():
    app = VdcApp(tick_interval=None)
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.screen, TitleScreen)
        await pilot.press("enter")  # Campaign is the first option
        campaign = await screen_of(pilot, CampaignScreen)
        table = campaign.query_one("#levels")
        assert table.row_count >= 2
        await pilot.press("down", "enter")  # 01-first-light
        briefing = await screen_of(pilot, BriefingScreen)
        assert briefing.loaded.level.level.id == "01-first-light"
        game = await start(pilot)
        assert game.controller.level.level.id == "01-first-light"
        assert game.controller.paused


async def test_sandbox_form_starts_a_generated_level():
    app = VdcApp(tick_interval=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("down", "enter")
        sandbox = await screen_of(pilot, SandboxScreen)
        seed = sandbox.query_one("#seed")
        seed.value = "abc"
        await click(pilot, "#start")
        await until(pilot, lambda: toasts(app))
        assert isinstance(app.screen, SandboxScreen)  # refused: not a number
        seed.value = "9"
        seed.focus()
        await pilot.press("enter")  # Enter in the seed field starts too
        briefing = await screen_of(pilot, BriefingScreen)
        assert briefing.loaded.level.level.id == "sandbox-small-9"


async def test_pause_and_speed_keys():
    async with level_app().run_test(size=(100, 30)) as pilot:
        game = await start(pilot)
        c = game.controller
        assert c.paused
        await pilot.press("space")
        await until(pilot, lambda: not c.paused)
        assert not c.paused
        await pilot.press("plus", "plus")
        await until(pilot, lambda: c.speed == 4)
        assert c.speed == 4
        await pilot.press("minus")
        await until(pilot, lambda: c.speed == 2)
        assert c.speed == 2
        assert c.tick() and c.now == pytest.approx(0.5)  # 0.25 wall-s × 2
        await pilot.press("space")
        await until(pilot, lambda: c.paused)
        assert c.paused and not c.tick()
        assert "‖ PAUSED" in str(game.query_one("#topbar").render())


async def test_command_line_runs_commands_and_tells_why_not():
    async with level_app().run_test(size=(100, 30), notifications=True) as pilot:
        game = await start(pilot)
        line = game.query_one(CommandLine)
        await pilot.press("colon")
        await until(pilot, lambda: line.has_class("-open"))
        assert line.has_class("-open")
        records = game.controller.session.records
        await pilot.press(*"power on intranet-db-01", "enter")
        await until(pilot, lambda: records)
        rec = records[-1]
        assert not rec.accepted
        assert rec.message == "esx-01 has 24 GiB unreserved memory, intranet-db-01 reserves 32 GiB"
        assert any(rec.message in t for t in toasts(pilot.app))
        assert not line.has_class("-open")  # Enter runs the command and closes the line
        await pilot.press("colon", *"host power on esx-02", "enter")
        await until(pilot, lambda: len(records) == 2)
        assert records[-1].accepted
        assert game.controller.sim.inv.hosts["esx-02"].state == "booting"
        await pilot.press("colon", *"powr", "enter")
        await until(pilot, lambda: any("unknown command 'powr'" in t for t in toasts(pilot.app)))
        assert any("unknown command 'powr'" in t for t in toasts(pilot.app))
        # History: Up recalls the last commands.
        await pilot.press("colon", "up")
        await until(pilot, lambda: line.input.value == "powr")
        assert line.input.value == "powr"
        await pilot.press("up")
        await until(pilot, lambda: line.input.value == "host power on esx-02")
        assert line.input.value == "host power on esx-02"


async def test_command_line_completion_of_words_and_names():
    async with level_app().run_test(size=(100, 30)) as pilot:
        game = await start(pilot)
        line = game.query_one(CommandLine)
        await pilot.press("colon", "p", "o", "tab")
        await until(pilot, lambda: line.input.value == "power ")
        assert line.input.value == "power "
        await pilot.press(*"on intr", "tab")
        await until(pilot, lambda: line.input.value == "power on intranet-")
        assert line.input.value == "power on intranet-"
        candidates = str(line.query_one("#candidates").render())
        assert "intranet-db-01" in candidates and "intranet-web-01" in candidates
        await pilot.press("w", "tab")
        await until(pilot, lambda: line.input.value == "power on intranet-web-01 ")
        assert line.input.value == "power on intranet-web-01 "
        await pilot.press("escape")
        await until(pilot, lambda: not line.has_class("-open"))
        assert not line.has_class("-open")


async def test_command_line_completes_uplinks_and_port_groups():
    async with level_app().run_test(size=(100, 30)) as pilot:
        game = await start(pilot)
        names = game.controller.completion_names()
        assert names["uplink"] == ["vmnic0", "vmnic1"] and names["vswitch"] == ["vSwitch0"]
        line = game.query_one(CommandLine)
        await pilot.press("colon", *"net uplink esx-01 vmnic", "tab")
        await until(pilot, lambda: "vmnic0" in str(line.query_one("#candidates").render()))
        assert "vmnic1" in str(line.query_one("#candidates").render())


async def test_select_a_host_and_act_with_a_key():
    async with level_app().run_test(size=(120, 40), notifications=True) as pilot:
        game = await start(pilot)
        await pilot.press("1")  # focus the hosts panel
        await pilot.press("down")  # esx-02
        await until(pilot, lambda: game.selected == ("host", "esx-02"))
        assert game.selected == ("host", "esx-02")
        records = game.controller.session.records
        await pilot.press("o")
        await until(pilot, lambda: records)
        assert records[-1].text == "host power on esx-02"
        assert records[-1].accepted


async def test_act_without_selection_says_what_to_do():
    async with level_app().run_test(size=(100, 30), notifications=True) as pilot:
        game = await start(pilot)

        def cleared() -> bool:
            """Clear the selection until it stays clear (a late first highlight may set it)."""
            if game.selected is None:
                return True
            game.selected = None
            return False

        await until(pilot, cleared)
        await until(pilot, cleared)
        await pilot.press("c")
        # Other toasts (the level's opening ones) may come first under load: wait for this one.
        await until(pilot, lambda: any("Select a VM first" in t for t in toasts(pilot.app)))
        assert any("Select a VM first" in t for t in toasts(pilot.app)), toasts(pilot.app)


async def test_vm_keys_open_the_line_for_a_size():
    async with level_app().run_test(size=(100, 30)) as pilot:
        game = await start(pilot)
        target = ("vm", "intranet-web-01")

        def selected() -> bool:
            """Select the VM until it sticks (the table's first highlight may land late)."""
            if game.selected == target:
                return True
            game.selected = target
            return False

        await until(pilot, selected)
        await until(pilot, selected)
        line = game.query_one(CommandLine)
        await pilot.press("c")
        await until(pilot, lambda: line.input.value)
        assert line.input.value == "vm set intranet-web-01 cpu "
        await pilot.press("4", "enter")
        await until(pilot, lambda: game.controller.session.records)
        assert game.controller.sim.inv.vms["intranet-web-01"].vcpu == 4


async def test_palette_runs_game_actions_and_commands():
    async with level_app().run_test(size=(100, 30)) as pilot:
        game = await start(pilot)
        await pilot.press("ctrl+p")
        await screen_of(pilot, CommandPalette)
        await pilot.press(*"Pause")
        await pilot.app.screen.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await until(pilot, lambda: not game.controller.paused)
        assert not game.controller.paused  # "Pause / resume" ran
        game.selected = ("host", "esx-02")
        await pilot.press("ctrl+p")
        await screen_of(pilot, CommandPalette)
        await pilot.press(*"host power on esx-02")
        await pilot.app.screen.workers.wait_for_complete()
        await pilot.pause()
        records = game.controller.session.records
        await pilot.press("enter")
        await until(pilot, lambda: records)
        assert records[-1].text == "host power on esx-02"


async def _palette_lines(pilot, query: str) -> list[str]:
    """Open the palette, type `query`, and read what its list shows (prompt and help lines)."""
    from textual.command import CommandList

    await pilot.press("ctrl+p")
    palette = await screen_of(pilot, CommandPalette)
    await pilot.press(*query)
    await palette.workers.wait_for_complete()
    await until(pilot, lambda: palette.query_one(CommandList).option_count)
    options = palette.query_one(CommandList).options
    return [line for o in options for line in Content.from_markup(o.prompt).plain.splitlines()]


async def test_palette_shows_bracketed_arguments():
    """Ctrl+P: the usage's `[HOST]` and `[SNAP]` are shown, not eaten as markup (issue 12,
    bug 2); so is a help text's bracket."""
    async with level_app().run_test(size=(160, 50)) as pilot:
        await start(pilot)
        assert "power on VM [HOST]" in await _palette_lines(pilot, "power on")
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(pilot.app.screen, CommandPalette))
        lines = await _palette_lines(pilot, "snap")
        assert "snapshot delete VM [SNAP] [--all]" in lines
        assert "snapshot create VM SNAP [--memory] [--quiesce]" in lines


async def test_toasts_show_bracketed_arguments():
    """A toast shows a message as written: `power on` without a VM says the usage with its
    `[HOST]` (a toast reads markup unless told not to)."""
    from textual.widgets._toast import Toast

    async with level_app().run_test(size=(160, 50), notifications=True) as pilot:
        game = await start(pilot)
        game.submit("power on")
        await until(pilot, lambda: pilot.app.screen.query(Toast))
        shown = [t.render().plain for t in pilot.app.screen.query(Toast)]
        assert any("power on VM [HOST]" in t for t in shown), shown


@pytest.mark.parametrize("size", [(160, 50), (80, 24)])
async def test_long_command_output_opens_a_dialog_that_fits_and_stays(size):
    """`:help⏎`: the command list opens in a dialog within the screen, every line of it there
    to scroll to, and it stays until closed; no toast cut off at its top (issue 12, bug 3)."""
    from textual.containers import VerticalScroll

    from vdc.sim.commands import help_text
    from vdc.tui.screens.help import OutputScreen

    async with level_app().run_test(size=size, notifications=True) as pilot:
        game = await start(pilot)
        await pilot.press("colon", *"help", "enter")
        dialog = await screen_of(pilot, OutputScreen)
        await pilot.pause()
        assert not toasts(pilot.app)
        box = dialog.query_one(VerticalScroll)
        assert box.region.y >= 0 and box.region.bottom <= size[1]
        assert box.region.right <= size[0]
        output = dialog.query_one("#output")
        lines = [strip.text for strip in output.render_lines(output.region.reset_offset)]
        assert max(len(line.rstrip()) for line in lines) <= output.region.width
        assert " ".join(" ".join(lines).split()) == " ".join(help_text(None).split())  # all of it
        await pilot.press("end")
        game.step(120)  # time goes on; the answer stays until the player closes it
        await pilot.pause()
        assert pilot.app.screen is dialog
        await pilot.press("escape")
        await until(pilot, lambda: pilot.app.screen is game)
        assert pilot.app.screen is game
        # A short answer is still a toast; `snapshot list` of a VM with snapshots is long.
        game.submit("snapshot create intranet-web-01 s1")
        game.submit("snapshot list intranet-web-01")
        listing = await screen_of(pilot, OutputScreen)
        assert listing.text.startswith("intranet-web-01: 1 snapshot(s)")


async def test_zoom_and_switch_panels():
    async with level_app(TROUBLE).run_test(size=(80, 24)) as pilot:
        game = await start(pilot)
        assert game.compact
        assert game.query_one("#hosts").display and not game.query_one("#network").display
        await pilot.press("3")
        await until(pilot, lambda: game.query_one("#network").display)
        assert game.query_one("#network").display and not game.query_one("#hosts").display
        await pilot.press("z")
        await until(pilot, lambda: game.maximized is not None)
        assert game.maximized is game.query_one("#network")
        await pilot.press("z")
        await until(pilot, lambda: game.maximized is None)
        assert game.maximized is None
        await pilot.press("4")
        await until(pilot, lambda: game.query_one("#vms").display)
        assert game.query_one("#vms").display and not game.query_one("#log").display


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_command_line_shows_while_a_panel_is_zoomed(size):
    """`8`, `z`, `:` then type: the line is on screen with what was typed, and Enter runs it
    (issue 12, bug 4)."""
    async with level_app().run_test(size=size) as pilot:
        game = await start(pilot)
        await pilot.press("8", "z")
        await until(pilot, lambda: game.maximized is not None)
        assert game.maximized is game.query_one("#tasks")
        line = game.query_one(CommandLine)
        await pilot.press("colon", *"host power on esx-02")
        await until(pilot, lambda: line.input.value == "host power on esx-02")
        await pilot.pause()
        assert game.maximized is not None
        box = line.input.region
        assert box.height == 1 and box.bottom <= size[1]
        assert game.get_widget_at(box.x + 1, box.y)[0] is line.input  # on top, not hidden
        assert "host power on esx-02" in line.input.render_line(0).text
        await pilot.press("escape")  # closes the line first, the zoom stays
        await until(pilot, lambda: not line.has_class("-open"))
        assert not line.has_class("-open") and game.maximized is not None
        await pilot.press("colon", *"host power on esx-02")
        await until(pilot, lambda: line.input.value == "host power on esx-02")
        await pilot.press("enter")
        await until(pilot, lambda: game.controller.session.records)
        assert game.controller.session.records[-1].text == "host power on esx-02"


async def test_events_raise_toasts_and_hints_fire_once():
    async with level_app(TROUBLE).run_test(size=(120, 40), notifications=True) as pilot:
        game = await start(pilot)
        game.step(60)
        await pilot.pause()
        assert toasts(pilot.app).count("Hint: Watch the alarms panel.") == 1
        game.step(200)
        await pilot.pause()
        shown = toasts(pilot.app)
        assert any(t.startswith("host failed: esx-03 failed") for t in shown)
        assert any(t.startswith("VLAN cut:") for t in shown)
        assert any("A host failed: power its VMs on elsewhere." in t for t in shown)
        game.step(60)
        await pilot.pause()
        assert toasts(pilot.app).count("Hint: Watch the alarms panel.") == 1


async def test_a_hint_shows_its_commands_highlighted_not_in_backticks():
    """Level 01's first hint names commands in `code` spans: the toast shows them in the
    accent, bold, without the backticks (issue 12, bug 10)."""
    from textual.widgets._toast import Toast

    async with level_app().run_test(size=(160, 50), notifications=True) as pilot:
        game = await start(pilot)
        game.step(30)
        await until(pilot, lambda: pilot.app.screen.query(Toast))
        [hint] = [t.render() for t in pilot.app.screen.query(Toast) if t.render().plain.startswith("Hint")]
        assert "`" not in hint.plain
        assert "Start a VM with power on VM, for example power on intranet-web-01." in hint.plain
        start_at = hint.plain.index("power on intranet-web-01")
        styles = [str(s.style) for s in hint.spans if s.start <= start_at < s.end]
        assert any("$accent" in style and "b" in style.split() for style in styles), hint.spans


async def test_help_screens_and_quit_to_title():
    async with level_app().run_test(size=(100, 30)) as pilot:
        await start(pilot)
        await pilot.press("question_mark")
        await screen_of(pilot, KeysScreen)
        await pilot.press("escape", "f1")
        await screen_of(pilot, ConceptsScreen)
        await pilot.press("escape", "q")
        await screen_of(pilot, TitleScreen)


async def test_help_lists_every_command_whole_even_with_a_bar_in_it():
    """`?` then End: a usage with `|` (`ha isolation CLUSTER none|power-off|shutdown`) is one
    cell of its row, not split at the bar (issue 12, bug 1)."""
    from textual.widgets._markdown import MarkdownTableContent

    from vdc.sim.commands import COMMANDS

    async with level_app().run_test(size=(160, 50)) as pilot:
        await start(pilot)
        await pilot.press("question_mark")
        keys = await screen_of(pilot, KeysScreen)
        await pilot.press("end")
        await until(pilot, lambda: len(keys.query(MarkdownTableContent)) == 2)
        commands = keys.query(MarkdownTableContent).last()
        rows = {row[0].plain: [c.plain for c in row[1:]] for row in commands.rows}
        for spec in COMMANDS:
            if spec.available:
                assert rows[spec.usage] == [spec.help], spec.usage
        assert rows["ha isolation CLUSTER none|power-off|shutdown"]
        assert rows["drs mode CLUSTER manual|partial|full"]
        assert rows["drs group CLUSTER vm|host GROUP MEMBERS..."]


async def test_end_of_level_shows_the_debrief_and_menu_returns_to_title():
    async with level_app().run_test(size=(100, 30)) as pilot:
        game = await start(pilot)
        game.step(2000)
        await screen_of(pilot, DebriefScreen)
        await pilot.press("m")
        await screen_of(pilot, TitleScreen)


def test_no_color_turns_the_app_monochrome(monkeypatch):
    # State is never told by colour alone (symbols and words everywhere), so NO_COLOR loses
    # nothing: the app draws through Textual's monochrome filter.
    monkeypatch.setenv("NO_COLOR", "1")
    app = VdcApp(tick_interval=None)
    assert app.no_color
    assert "Monochrome" in [type(f).__name__ for f in app._filters]


async def test_metric_hint_fires_when_a_host_runs_hot():
    from vdc.scenario.loader import load_level_text

    text = TROUBLE.read_text(encoding="utf-8").replace(
        '{ trigger = "time", at = 30, text = "Watch the alarms panel." },',
        '{ trigger = "metric", metric = "datastore_pct", above = 85, text = "A datastore is filling up." },',
    )
    app = VdcApp(level=load_level_text(text, "trouble.toml"), tick_interval=None)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        game = await start(pilot)
        game.step(290)
        await pilot.pause()
        assert not any("filling up" in t for t in toasts(pilot.app))
        game.step(20)  # the fill at 300 s takes ds-archive to 88 %
        await pilot.pause()
        assert any(t == "Hint: A datastore is filling up." for t in toasts(pilot.app))


async def test_ticks_between_samples_only_move_the_clock():
    async with level_app().run_test(size=(100, 30)) as pilot:
        game = await start(pilot)
        game.step(11)  # past the sample at 10 s
        calls = []
        real = game.refresh_view
        game.refresh_view = lambda: (calls.append(game.controller.now), real())[1]
        game.controller.paused = False
        for _ in range(4):  # 1×: 11 → 12 s, no sample (samples at 10, 15, …)
            game._on_tick()
        await pilot.pause()
        assert calls == []
        assert "0:00:12" in str(game.query_one("#topbar").render())
        for _ in range(13):  # to 15.25 s: the sample at 15 s redraws everything
            game._on_tick()
        assert calls == [pytest.approx(15.25)]


async def test_hosts_out_of_view_are_brought_up_to_date_when_scrolled_into_view():
    from vdc.scenario.loader import level_from_model
    from vdc.scenario.sandbox import generate
    from vdc.tui.widgets.hosts import HostsPanel

    app = VdcApp(level=level_from_model(generate("medium", 2)), tick_interval=None)
    async with app.run_test(size=(100, 14)) as pilot:
        game = await start(pilot)
        game.step(300)
        await pilot.pause()
        panel = game.query_one(HostsPanel)
        table = panel.table
        assert table.row_count == 18 and table.size.height <= 10  # two cluster rows, 16 hosts: the last out of view
        last = game.controller.view().hosts[-1].name

        def state_cell() -> str:
            return str(table.get_cell(f"host:{last}", table.ordered_columns[0].key))

        game.controller.sim.fail_host(last)  # (a test may poke the model; the TUI never does)
        game.step(60)
        await pilot.pause()
        assert "FAILED" not in state_cell()  # out of view: not rebuilt yet
        table.scroll_end(animate=False)
        await until(pilot, lambda: "FAILED" in state_cell())
        assert "FAILED" in state_cell()


def test_reading_a_view_does_not_skip_the_next_redraw():
    """Only the panels' redraw marks the state as drawn: a dialog or a key that reads the view
    in between must not make the next tick think nothing changed."""
    from vdc.scenario.loader import load_level
    from vdc.tui.controller import GameController

    c = GameController(load_level(TROUBLE).level)
    c.view_to_draw()
    assert not c.changed_since_last_view()
    c.step(30)  # samples and events since the redraw
    c.view()  # e.g. the DRS dialog's own redraw
    assert c.changed_since_last_view()
    c.view_to_draw()
    assert not c.changed_since_last_view()


async def test_the_top_bar_shows_how_much_of_the_configuration_assessment_is_done():
    """Issue 11: a level with `config` objectives shows their share met, live."""
    async with level_app("04").run_test(size=(160, 50)) as pilot:
        game = await start(pilot)
        bar = game.query_one("#topbar")
        assert "setup 0 %" in str(bar.render())
        game.submit("ha enable prod")
        await until(pilot, lambda: "setup 0 %" not in str(bar.render()))
        text = str(bar.render())
        assert "setup" in text and "setup 0 %" not in text, text
    async with level_app("04").run_test(size=(80, 24)) as pilot:
        game = await start(pilot)
        assert "⚙0%" in str(game.query_one("#topbar").render())
    async with level_app("01").run_test(size=(160, 50)) as pilot:  # no assessment items
        game = await start(pilot)
        assert "setup" not in str(game.query_one("#topbar").render())


async def test_a_vm_stuck_unhealthy_raises_an_alarm_toast_and_a_log_line_with_its_fix():
    """Issue 12, Surfacing: esx-03 fails at 200 s; two minutes later each of its VMs that
    should run is an alarm saying what to try, in a toast, the event log and the Alarms panel."""
    from vdc.tui.widgets.alarms import AlarmsPanel
    from vdc.tui.widgets.eventlog import EventLogPanel

    async with level_app(TROUBLE).run_test(size=(160, 50), notifications=True) as pilot:
        game = await start(pilot)
        game.step(210)
        await pilot.pause()
        assert not any(t.startswith("Alarm") for t in toasts(pilot.app))
        game.step(125)
        await pilot.pause()
        alarms = [t for t in toasts(pilot.app) if t.startswith("Alarm")]
        failed = [t for t in alarms if "not healthy for 2 min: host failed" in t]
        assert failed and "→ start it on a running host ([b $accent]power on " in failed[0]
        told = [r for r in game.query_one(EventLogPanel).records if r.kind == "alarm"]
        assert any(r.detail.startswith("→ try: start it on a running host") for r in told)
        assert {r.severity for r in told if "not healthy for" in r.subject} == {"warning"}
        panel = game.query_one(AlarmsPanel)
        stuck = [i for i, (_s, text) in enumerate(panel.alarms) if "min: host failed" in text]
        assert stuck and panel.fixes[stuck[0]].startswith("start it on a running host")


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_the_levels_first_panel_is_named_in_the_briefing_and_focused_at_start(size):
    """Level 01 says `first_panel = "vms"`: the briefing names the VMs panel and the game
    opens with it in view and focused (at 80×24 too); a level without it opens on Hosts."""
    from textual.widgets import Label

    from vdc.tui.screens.briefing import BriefingScreen
    from vdc.tui.widgets.hosts import HostsPanel
    from vdc.tui.widgets.vms import VmTable

    async with level_app("01").run_test(size=size) as pilot:
        briefing = await screen_of(pilot, BriefingScreen)
        line = str(briefing.query_one("#first-panel", Label).render())
        assert line == "Start in the VMs panel (key 4): it opens there."
        game = await start(pilot)
        vms = game.query_one(VmTable)
        await until(pilot, lambda: game._focused_panel() is vms)
        assert vms.display and vms.region.height > 5
        assert vms.border_title == "4 VMs (4)"
    async with level_app(TROUBLE).run_test(size=size) as pilot:
        game = await start(pilot)
        await until(pilot, lambda: game._focused_panel() is not None)
        assert isinstance(game._focused_panel(), HostsPanel)


def test_first_panel_must_name_a_panel():
    from vdc.scenario.loader import LevelError, load_level_text
    from vdc.scenario.paths import find_level

    text = find_level("01").read_text(encoding="utf-8")
    bad = text.replace('first_panel = "vms"', 'first_panel = "vm"')
    with pytest.raises(LevelError) as e:
        load_level_text(bad, "bad.toml")
    assert "first_panel" in str(e.value) and "\n" not in str(e.value).strip()


async def test_toasts_do_not_cover_the_vm_list_at_80x24_after_a_command():
    """Issue 12, 80×24: a refusal toast after a `:` command goes to the top row, above the VM
    list (which fills the lower row); at 160×50 with Hosts focused they stay bottom right."""
    async with level_app("01").run_test(size=(80, 24), notifications=True) as pilot:
        game = await start(pilot)
        await pilot.press("colon", *"power on intranet-db-01", "enter")
        await until(pilot, lambda: game.controller.session.records)
        await pilot.pause()
        assert game.has_class("-toasts-top")
    async with level_app(TROUBLE).run_test(size=(160, 50), notifications=True) as pilot:
        game = await start(pilot)
        await pilot.pause()
        assert not game.has_class("-toasts-top")
