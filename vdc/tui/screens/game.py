"""Provides the game screen: the live datacenter, the controls of time, and every way to act.

It renders read-only snapshots from the `GameController` into one panel per widget module and
turns keys, the `:` line and the palette into command text for the session. It never changes
the model itself.
"""

from __future__ import annotations

from concurrent.futures import Future
from functools import partial
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Container, Horizontal, Vertical
from textual.dom import DOMNode
from textual.notifications import SeverityLevel
from textual.widget import Widget
from textual.widgets import Footer

from vdc.scenario.event_kinds import label as kind_label
from vdc.session import save_writer
from vdc.session.alarms import TOASTED, TOLD, AlarmWatch
from vdc.session.session import CommandRecord
from vdc.sim.commands import CommandSyntaxError
from vdc.sim.events import EventRecord
from vdc.sim.objectives import ObjectiveStatus
from vdc.sim.view import SimView
from vdc.tui import actions
from vdc.tui.access import vdc_app
from vdc.tui.controller import TICK_S, TOAST_KINDS, GameController
from vdc.tui.exam import Countdown
from vdc.tui.format import clock, code_markup
from vdc.tui.screens.game_time import TimeControls
from vdc.tui.widgets.alarms import AlarmsPanel
from vdc.tui.widgets.cmdline import CommandLine
from vdc.tui.widgets.datastores import DatastoresPanel
from vdc.tui.widgets.drs import DrsPanel
from vdc.tui.widgets.eventlog import EventLogPanel
from vdc.tui.widgets.hosts import HostsPanel
from vdc.tui.widgets.network import NetworkPanel
from vdc.tui.widgets.outcome import OutcomeBanner
from vdc.tui.widgets.panel import Panel
from vdc.tui.widgets.services import ServicesPanel
from vdc.tui.widgets.tasks import TasksPanel
from vdc.tui.widgets.topbar import TopBar
from vdc.tui.widgets.vms import VmTable

AUTOSAVE_EVERY_S = 300
"""Sim-seconds between two autosaves (and one at the end of the level)."""

INFRA = ("hosts", "datastores", "network")
"""Panels of the left column; on a small terminal one of them shows at a time."""

BOTTOM = ("log", "tasks", "drs")
"""Panels that share the event log's place (keys 7, 8, 9)."""

WIDE = (120, 36)
"""Terminal size from which every panel is shown at once."""

TOAST_ROWS = 8
"""Rows above the footer that a toast or two take in the bottom right corner."""

_TOAST_SEVERITY: dict[str, SeverityLevel] = {"critical": "error", "warning": "warning"}
"""An event's severity → its toast's (the rest: "information")."""


class GameScreen(TimeControls):
    """The datacenter at work. Space pauses, `:` commands, `?` lists the keys."""

    BINDINGS = actions.bindings()
    DEFAULT_CSS = """
    GameScreen.-toasts-top > #textual-toastrack {
        dock: top;
        align: right top;
        margin-bottom: 0;
        margin-top: 1;
    }
    GameScreen.-compact > #textual-toastrack {
        max-height: 10;
        Toast { padding: 0 1; }
    }
    """
    ALLOW_IN_MAXIMIZED_VIEW = "Footer, CommandLine"
    """A zoomed panel (`z`) keeps the footer and the `:` line (hidden until opened)."""
    autosaves = True
    """A live game autosaves; the replay viewer writes nothing."""

    def __init__(self, controller: GameController, *, tick_interval: float | None = TICK_S) -> None:
        super().__init__()
        self.controller = controller
        self.tick_interval = tick_interval
        self.selected: tuple[str, str] | None = None
        """("vm" | "host", name) of the last thing the player selected."""
        self.active_infra = "hosts"
        self.active_right = "vms"
        """What fills the lower row on a small terminal: "vms" (the working list), or what
        shares the event log's place."""
        self.active_bottom = "log"
        """What shares the event log's place: "log", "tasks" (key 8) or "drs" (key 9)."""
        self._ended_shown = False
        self._held_shown = False
        self._next_autosave = float(AUTOSAVE_EVERY_S)
        self._saved_records = 0
        self._writing: list[Future[Path]] = []
        """Autosaves handed to the save writer, not yet seen written."""
        self._autosave_due = False
        """An autosave came due while another was being written (an incident storm makes a
        critical event every tick): it is taken when that one is written, at a later tick."""
        self.shown: SimView | None = None
        """The last view drawn (what the player sees now)."""
        self.alarm_watch = AlarmWatch()
        self.countdown: Countdown | None = None
        """An exam's wall-clock time left (`vdc play --exam` with a time limit); TUI only."""
        self._drawn_once = False
        """The alarms now, since when each VM is unhealthy, and which alarms are new."""

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield TopBar(id="topbar")
        yield OutcomeBanner(id="outcome-banner")
        yield from self.compose_strip()
        # A grid: wide, the infra column on the left spans both rows (status row, then VMs and
        # the log on the right); compact (80×24), the infra panel and the status row share the
        # top row and the VMs (or the log, tasks, DRS) take the whole width below.
        with Container(id="panels"):
            with Vertical(id="left"):
                yield HostsPanel(id="hosts", classes="panel infra").numbered("1")
                yield DatastoresPanel(id="datastores", classes="panel infra").numbered("2")
                yield NetworkPanel(id="network", classes="panel infra").numbered("3")
            with Horizontal(id="status-row"):
                yield ServicesPanel(id="services", classes="panel").numbered("5")
                yield AlarmsPanel(id="alarms", classes="panel").numbered("6")
            with Vertical(id="right"):
                yield VmTable(id="vms", classes="panel swap").numbered("4")
                yield EventLogPanel(id="log", classes="panel swap").numbered("7")
                yield TasksPanel(id="tasks", classes="panel swap").numbered("8")
                yield DrsPanel(id="drs", classes="panel swap").numbered("9")
        yield CommandLine(self._names, id="cmdline")
        yield Footer()

    def compose_strip(self) -> ComposeResult:
        """Widgets between the top bar and the panels (the replay viewer's timeline)."""
        yield from ()

    def on_mount(self) -> None:
        app = vdc_app(self)
        app.show_web_keys(self)
        exam = app.exam
        if exam is not None and exam.time_limit_s and self.autosaves and not self.controller.ended:
            self.countdown = Countdown(exam.time_limit_s, app.wall_clock)
            if self.tick_interval:
                self.set_interval(1.0, self.exam_tick, name="exam-countdown")
        self._apply_layout()
        self.refresh_view()
        self.call_after_refresh(app.opened)
        if self.autosaves and not self.controller.over_when_opened:
            self.call_after_refresh(self.controller.prepare_saves)
        if self.tick_interval:
            self.set_interval(self.tick_interval, self._on_tick, name="sim-tick")
        first = self.controller.level.level.first_panel
        if first:  # the level says where to start: that panel, in view and focused
            self.action_show_panel(first)
        else:
            self._focus_panel(self.query_one(HostsPanel))

    def on_resize(self) -> None:
        self._apply_layout()
        self.call_after_refresh(self.place_toasts)

    def on_descendant_focus(self) -> None:
        self.place_toasts()

    def place_toasts(self) -> None:
        """Toasts go where they do not cover the focused panel: bottom right unless the focused
        panel reaches into that corner (the VMs at 80×24), then top right."""
        panel = self._focused_panel()
        # No panel focused (the `:` line is open or just closed): at 80×24 the lower row is
        # the VM list, so the toasts go up there anyway.
        top = self.compact
        if panel is not None and panel.region:
            r, (w, h) = panel.region, self.size
            corner_x, corner_y = w // 2, h - 1 - TOAST_ROWS
            top = r.right > corner_x and r.bottom > corner_y
        self.set_class(top, "-toasts-top")

    @property
    def compact(self) -> bool:
        return self.size.width < WIDE[0] or self.size.height < WIDE[1]

    def _apply_layout(self) -> None:
        """Wide: every panel. Compact: one infra panel and the status row on top, the VMs (or
        the log, tasks or DRS) the whole width below."""
        compact = self.compact
        self.set_class(compact, "-compact")
        footer = self.query_one(Footer)
        footer.compact = compact  # room for the acting keys (Ctrl+P still opens the palette)
        footer.show_command_palette = not compact
        for name in INFRA:
            self.query_one(f"#{name}").display = (not compact) or name == self.active_infra
        self.query_one("#vms").display = (not compact) or self.active_right == "vms"
        for name in BOTTOM:
            shown = self.active_right == name if compact else self.active_bottom == name
            self.query_one(f"#{name}").display = shown

    # ------------------------------------------------------------------ time
    def _on_tick(self) -> None:
        c = self.controller
        if self.held:
            if not self._held_shown:
                self._held_shown = True
                self._refresh_topbar()
            return
        if self._held_shown:
            self._held_shown = False
            self._refresh_topbar()
        self._check_writes()
        if not c.tick():
            return
        vdc_app(self).lasting.tend()
        if c.changed_since_last_view():
            self.refresh_view()
        else:  # between two samples only the clock moves
            self._refresh_topbar()

    def step(self, sim_s: float) -> None:
        """Advance explicitly (tests, fast-forward) and redraw."""
        self.controller.step(sim_s)
        self.refresh_view()

    def refresh_view(self) -> None:
        """Read a snapshot and the new events; redraw every panel in one batch."""
        c = self.controller
        view = self.shown = c.view_to_draw()
        records = c.new_events()
        statuses = c.objectives()
        with self.app.batch_update():
            self._show_topbar(view, view.t, statuses)
            for panel in (HostsPanel, DatastoresPanel, NetworkPanel, VmTable, ServicesPanel,
                          TasksPanel, DrsPanel):
                self.query_one(panel).show(view)
            watch = self.alarm_watch
            self.query_one(AlarmsPanel).show(view, watch.update(view))
            log = self.query_one(EventLogPanel)
            log.show(view)
            # Alarms already standing when the game opens are in the Alarms panel, not news.
            told = [watch.record(a, view.t) for a in watch.raised
                    if a.key.startswith(TOLD) and self._drawn_once]
            if records or told:
                log.add_events([*records, *told])
        news = [r for r in records if r.t >= c.history_until]
        self._announce(news)
        dropped = c.drop_speed_for(news)
        if dropped is not None:
            self.notify(f"Slowed down for: {kind_label(dropped.kind)} — {dropped.subject}",
                        title="Back to 1×", severity="warning", timeout=4, markup=False)
            self._refresh_topbar()
        self._tell_settled(statuses)
        if self._drawn_once:
            self._announce_alarms()
        self._drawn_once = True
        for hint in c.due_hints(news, view):
            self.notify(code_markup(hint.text), title="Hint", timeout=12)
        if news and not c.paused and c.should_pause_for(news):
            c.paused = True
            self.notify("Paused for you to look: press Space to go on.", title="Paused")
            self._refresh_topbar()
        # A critical event is worth an autosave, unless it only tells how the level began
        # (a service down from the first sample): there is nothing to keep yet.
        important = any(r.severity == "critical" and r.t > 0 for r in news)
        ended = c.ended
        if self.autosaves and not c.over_when_opened and (
            view.t >= self._next_autosave or important or (ended and not self._ended_shown)
        ):
            self._next_autosave = (view.t // AUTOSAVE_EVERY_S + 1) * AUTOSAVE_EVERY_S
            if self._writing and not ended:  # one at a time: this one once that is written
                self._autosave_due = True
            else:
                self._save("autosave", quiet=True, wait=ended)  # the last one before the debrief
        if ended and not self._ended_shown:
            self._ended_shown = True
            self.on_level_end()

    def exam_tick(self) -> None:
        """Once a wall-clock second: redraw the countdown; at zero the attempt ends (the rest of
        the level runs without the player, as `finish` does), saved, then the debrief."""
        cd = self.countdown
        if cd is None or self.controller.ended:
            return
        if not cd.over:
            self._refresh_topbar()
            return
        self.countdown = None
        self.notify("Time is up: the rest of the level runs without you.", title="Exam",
                    severity="warning", markup=False)
        self.controller.finish("the exam's time was up")
        self.refresh_view()  # ended: saved and on to the debrief

    def on_level_end(self) -> None:
        """The level is over: on to the debrief."""
        self.app.call_later(vdc_app(self).show_debrief, self.controller)

    def _refresh_topbar(self) -> None:
        """Redraw the top bar only: the clock moved, or the speed or the pause changed."""
        c = self.controller
        view = self.shown
        if view is None:
            self.refresh_view()
            return
        self._show_topbar(view, c.now, c.objectives())

    def _show_topbar(self, view: SimView, t: float, statuses: list[ObjectiveStatus]) -> None:
        c = self.controller
        st = c.standing(statuses)
        self.query_one(TopBar).show(
            title=view.title, t=t, duration=view.duration, paused=c.paused,
            speed=c.speed, statuses=statuses, score=st.score, ended=c.ended,
            outcome=st.outcome, stars=st.stars, held=self._held_shown,
            countdown=self.countdown.text() if self.countdown is not None else "",
        )


    def _announce(self, records: list[EventRecord]) -> None:
        """Toasts for the events a player must not miss."""
        for r in records:
            if r.kind in TOAST_KINDS:
                severity = _TOAST_SEVERITY.get(r.severity, "information")
                self.notify(r.detail, title=kind_label(r.kind), severity=severity, markup=False)

    def _announce_alarms(self) -> None:
        """Toast the new alarms a player must act on, each with the first thing to try (two at
        most at once; the Alarms panel lists the rest)."""
        raised = [a for a in self.alarm_watch.raised if a.key.startswith(TOASTED)]
        for a in raised[:2]:
            title = "Hint" if a.severity == "info" else "Alarm"
            body = f"{a.text}\n→ {a.fix}" if a.fix else a.text
            self.notify(code_markup(body), title=title,
                        severity=_TOAST_SEVERITY.get(a.severity, "information"), timeout=10)
        if len(raised) > 2:
            self.notify(f"…and {len(raised) - 2} more new alarms: see the Alarms panel.",
                        title="Alarm", severity="warning", markup=False)

    # ------------------------------------------------------------------ acting
    def submit(self, text: str) -> CommandRecord | None:
        """Parse and give a command; a refusal or a typo is told in a toast (and the log), a
        long answer in a dialog.

        Returns the command's record (accepted or refused), or None when the text did not parse.
        """
        try:
            rec = self.controller.submit(text)
        except CommandSyntaxError as e:
            self.notify(str(e), title="Not a command", severity="error", markup=False)
            return None
        if rec.accepted and "\n" in rec.message:
            # A long answer (`help`, `snapshot list`) would not fit a toast, nor stay long
            # enough to be read: it opens in a dialog that scrolls and stays until closed.
            from vdc.tui.screens.help import OutputScreen

            self.app.push_screen(OutputScreen(rec.text, rec.message))
        elif rec.accepted:
            self.notify(rec.message, title=rec.text, timeout=4, markup=False)
        else:
            self.notify(rec.message, title=f"Refused: {rec.text}", severity="error", markup=False)
        self.refresh_view()
        return rec

    @on(CommandLine.Submitted)
    def _command_submitted(self, message: CommandLine.Submitted) -> None:
        self.submit(message.text)

    def action_command_line(self, prefill: str = "") -> None:
        self.query_one(CommandLine).open(prefill)

    def _selection(self, kind: str | None = None) -> tuple[str, str] | None:
        if self.selected is None or (kind is not None and self.selected[0] != kind):
            what = {"vm": "a VM", "host": "a host"}.get(kind or "", "a VM or a host")
            self.notify(
                f"Select {what} first: arrow keys in the Hosts or VMs panel.", severity="warning"
            )
            return None
        return self.selected

    def action_power_on(self) -> None:
        sel = self._selection()
        if sel:
            self.submit(f"power on {sel[1]}" if sel[0] == "vm" else f"host power on {sel[1]}")

    def action_power_off(self) -> None:
        sel = self._selection()
        if sel:
            self.submit(f"power off {sel[1]}" if sel[0] == "vm" else f"host power off {sel[1]}")

    def action_reset(self) -> None:
        sel = self._selection("vm")
        if sel:
            self.submit(f"power reset {sel[1]}")

    def action_set_cpu(self) -> None:
        sel = self._selection("vm")
        if sel:
            self.action_command_line(f"vm set {sel[1]} cpu ")

    def action_set_mem(self) -> None:
        sel = self._selection("vm")
        if sel:
            self.action_command_line(f"vm set {sel[1]} mem ")

    def action_vmotion(self) -> None:
        """The vMotion dialog for the selected VM: targets, what each would do, Enter moves."""
        from vdc.tui.screens.vmotion import vmotion_dialog

        sel = self._selection("vm")
        if sel:
            rows = self.controller.vmotion_targets(sel[1])
            disks_move = [r.host for r in rows if r.disks_move]
            self.app.push_screen(vmotion_dialog(sel[1], rows), partial(self._vmotion_chosen, sel[1], disks_move))

    def _vmotion_chosen(self, vm: str, disks_move: list[str], text: str | None) -> None:
        """A host that does not see the VM's storage: ask where its disks go, then move."""
        from vdc.tui.screens.vmotion import relocate_dialog

        host = text.rsplit(" ", 1)[-1] if text else ""
        if host in disks_move:
            rows = self.controller.relocation_targets(vm, host)
            self.app.push_screen(relocate_dialog(vm, host, rows), self._dialog_done)
        else:
            self._dialog_done(text)

    def action_svmotion(self) -> None:
        from vdc.tui.screens.vmotion import svmotion_dialog

        sel = self._selection("vm")
        if sel:
            dialog = svmotion_dialog(sel[1], self.controller.svmotion_targets(sel[1]))
            self.app.push_screen(dialog, self._dialog_done)

    @on(DrsPanel.Apply)
    def _drs_apply(self, message: DrsPanel.Apply) -> None:
        self.submit(message.text)

    def _dialog_done(self, text: str | None) -> None:
        if text:
            self.submit(text)

    def action_maintenance(self) -> None:
        sel = self._selection("host")
        if sel:
            host = next(h for h in self.controller.view().hosts if h.name == sel[1])
            leave = host.maintenance or host.entering_maintenance
            modes = None if leave else self.controller.maintenance_modes(sel[1])
            if modes is None:
                self.submit(f"maintenance {'exit' if leave else 'enter'} {sel[1]}")
                return
            from vdc.tui.screens.maintenance import MaintenanceDialog

            self.app.push_screen(MaintenanceDialog(sel[1], modes), self._dialog_done)

    def action_snapshots(self) -> None:
        """The snapshot dialog of the selected VM; what it returns is given as a command."""
        sel = self._selection("vm")
        if not sel:
            return
        from vdc.tui.screens.snapshot import SnapshotScreen

        view = self.controller.view()
        screen = SnapshotScreen(
            sel[1], view.snapshots.get(sel[1], ()), view.t, busy=view.snapshot_busy.get(sel[1], "")
        )
        self.app.push_screen(screen, self._dialog_done)

    def action_new_vm(self) -> None:
        """The new VM dialog; the `vm create` it builds is given as a command."""
        from vdc.tui.screens.provision import NewVmScreen

        places, _ = self.controller.provision_choices()
        self.app.push_screen(NewVmScreen(places), self._dialog_done)

    def action_deploy_appliance(self) -> None:
        """The deploy dialog; the `deploy` it builds is given as a command."""
        from vdc.tui.screens.provision import DeployScreen

        places, catalogue = self.controller.provision_choices()
        self.app.push_screen(DeployScreen(places, catalogue), self._dialog_done)

    def action_network_dialog(self) -> None:
        """The network dialog on the selected host (or the selected VM's host); the `net …` or
        `vm nic …` command it builds is given as a command."""
        from vdc.tui.screens.network import NetworkScreen

        view = self.controller.view()
        sel = self.selected
        host = None if sel is None else sel[1] if sel[0] == "host" else dict(
            zip(view.vms.names, view.vms.hosts, strict=False)).get(sel[1])
        self.app.push_screen(NetworkScreen(view, host), self._dialog_done)

    def _selected_cluster(self) -> str | None:
        """The selected host's (or VM's host's) cluster, or the only one; None: told why."""
        view = self.controller.view()
        cluster_of = {h.name: h.cluster for h in view.hosts}
        sel = self.selected
        host = None if sel is None else sel[1] if sel[0] == "host" else dict(
            zip(view.vms.names, view.vms.hosts, strict=False)).get(sel[1])
        cluster = cluster_of.get(host or "")
        if cluster is None and len(view.clusters) == 1:
            cluster = view.clusters[0].name
        if cluster is None:
            self.notify("Select a host of a cluster first: arrow keys in the Hosts panel.",
                        severity="warning")
        return cluster

    def action_ha_settings(self) -> None:
        """The HA dialog of the selection's cluster."""
        from vdc.tui.screens.ha import HaScreen

        cluster = self._selected_cluster()
        if cluster is not None:
            self.app.push_screen(HaScreen(cluster, view=self.controller.view, give=self.submit))

    def action_drs_settings(self) -> None:
        """The DRS dialog of the selection's cluster."""
        from vdc.tui.screens.drs import DrsScreen

        cluster = self._selected_cluster()
        if cluster is not None:
            self.app.push_screen(DrsScreen(cluster, view=self.controller.view, give=self.submit))

    @on(Panel.Selected)
    def _picked(self, message: Panel.Selected) -> None:
        """What the player picked in a panel; hosts and VMs are what the acting keys act on."""
        if message.kind in ("host", "vm"):
            self.selected = (message.kind, message.name)

    def _names(self) -> dict[str, list[str]]:
        """Inventory names for completion, by kind."""
        return self.controller.completion_names()

    # ------------------------------------------------------------------ view
    def action_show_panel(self, name: str) -> None:
        """Focus a panel; on a small terminal, bring it into its slot first."""
        if name in INFRA:
            self.active_infra = name
        elif name in ("vms", *BOTTOM):
            self.active_right = name
            if name != "vms":
                self.active_bottom = name
        self._apply_layout()
        self.call_after_refresh(self._focus_panel, self.query_one(f"#{name}"))

    def _focus_panel(self, panel: Widget) -> None:
        """Focus a panel, or the first thing inside it that takes focus."""
        if panel.focusable:
            panel.focus()
            return
        for child in panel.query(Widget):
            if child.focusable:
                child.focus()
                return

    def action_zoom(self) -> None:
        """Show the focused panel full screen, or go back."""
        if self.maximized is not None:
            self.minimize()
            return
        panel = self._focused_panel()
        if panel is not None:
            # Panels are containers (they do not take focus themselves), so set the
            # screen's maximized widget directly rather than through maximize().
            self.maximized = panel

    def _focused_panel(self) -> Widget | None:
        node: DOMNode | None = self.focused
        while node is not None and not (isinstance(node, Widget) and node.has_class("panel")):
            node = node.parent
        return node if isinstance(node, Widget) else None

    # ------------------------------------------------------------------ help
    def action_keys_help(self) -> None:
        from vdc.tui.screens.help import KeysScreen

        self.app.push_screen(KeysScreen())

    def action_concepts(self) -> None:
        from vdc.tui.screens.help import ConceptsScreen

        self.app.push_screen(ConceptsScreen(list(self.controller.level.level.concepts)))

    def action_save_game(self) -> None:
        self._save("save")

    @property
    def unsaved(self) -> bool:
        """Whether the player gave commands since the last save they made."""
        return len(self.controller.session.records) > self._saved_records

    def save_now(self) -> Path | None:
        """Save the game now (as Ctrl+S does, without the toast); the file, or None (said why)."""
        return self._save("save", quiet=True, counts=True)

    def _save(self, kind: str, *, quiet: bool = False, counts: bool = False,
              wait: bool = True) -> Path | None:
        """Write the game's save into the saves directory; say where (or why not). The file,
        or None when it could not be written. Not `wait`: the save is taken now and written
        on the save writer's thread (an autosave: the screen goes on meanwhile); the file, or
        a failure, is told at a later tick (`_check_writes`)."""
        from vdc.session.paths import new_game, save_path

        c = self.controller
        try:
            directory = vdc_app(self).saves_directory()
            if c.save_game is None:  # a new game: its own name, never another game's file
                c.save_game = new_game(directory, c.level.level.id, c.started,
                                       c.session.player or "")
            path = save_path(directory, c.save_game, kind)
            written = c.save_later(path)
            if wait:
                written.result()
            else:
                self._writing.append(written)
                return path
        except (OSError, ValueError) as e:
            self._save_failed(e)
            return None
        c.last_save = path
        if counts or not quiet:
            self._saved_records = len(self.controller.session.records)
        if not quiet:
            self.notify(f"Saved at {clock(self.controller.now)} to {path}", title="Saved", markup=False)
        return path

    def _save_failed(self, e: BaseException) -> None:
        self.notify(f"Could not save: {e}", title="Save failed", severity="error", markup=False)

    def _check_writes(self) -> None:
        """Autosaves written since: the file is the game's last save; a failure is told; an
        autosave that came due meanwhile is taken now."""
        if not self._writing:
            return
        done = [f for f in self._writing if f.done()]
        self._writing = [f for f in self._writing if not f.done()]
        for f in done:
            e = f.exception()
            if e is None:
                self.controller.last_save = f.result()
            elif isinstance(e, (OSError, ValueError)):
                self._save_failed(e)
            else:
                raise e
        if self._autosave_due and not self._writing and not self.controller.ended:
            self._autosave_due = False
            self._save("autosave", quiet=True, wait=False)

    def finish_writes(self) -> None:
        """Wait until the autosaves handed over are written, and the one due after them."""
        for _ in range(2):  # the second time: the due one, handed over by the first check
            if self._writing or self._autosave_due:
                save_writer.flush()
                self._check_writes()

    def on_unmount(self) -> None:
        """The game is left: its autosaves are written before anything reads the saves
        directory again (the title's Continue)."""
        self.finish_writes()

    def action_quit_level(self) -> None:
        """Leave the level; with commands given since the last save, ask first."""
        if self.controller.ended or not self.unsaved:
            vdc_app(self).leave_level()
            return
        from vdc.tui.screens.help import LeaveScreen

        def chosen(choice: str | None) -> None:
            if choice == "save":
                self._save("save")
            if choice in ("save", "leave"):
                vdc_app(self).leave_level()

        self.app.push_screen(LeaveScreen(), chosen)
