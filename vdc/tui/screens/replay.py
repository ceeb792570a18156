"""Provides the replay viewer: the game screen, read-only, with transport and a timeline.

Everything a player saw is here — the same panels, fed by a re-simulation of the save — and
nothing acts on the datacenter: the keys move time instead (play/pause, up to 64×, the next or
previous player command, a minute back or forward, go to a time, a click on the timeline).
The player's commands are announced as the replay reaches them, and a banner says so when
the replay stops matching the recording.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from vdc.session.replayer import POSITION_FORMS, divergence_text, parse_position
from vdc.tui import actions
from vdc.tui.access import vdc_app
from vdc.tui.controller import TICK_S
from vdc.tui.format import clock
from vdc.tui.replay_controller import ReplayController
from vdc.tui.screens.game import GameScreen
from vdc.tui.widgets.eventlog import EventLogPanel
from vdc.tui.widgets.timeline import TimelineBar


class ReplayScreen(GameScreen, inherit_bindings=False):
    """A save played back. Space plays, n/p step through the player's commands, g goes to."""

    # The game's acting keys do not exist here (not merely refused): bindings are not inherited.
    BINDINGS = [
        *actions.bindings(actions.REPLAY_ACTIONS, by_footer=False),
        Binding("tab", "app.focus_next", "Focus Next", show=False),
        Binding("shift+tab", "app.focus_previous", "Focus Previous", show=False),
    ]
    autosaves = False

    DEFAULT_CSS = """
    ReplayScreen #divergence {
        height: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        background: $error-muted;
        color: $foreground;
        text-style: bold;
        padding: 0 1;
    }
    """

    controller: ReplayController

    def __init__(self, controller: ReplayController, *, tick_interval: float | None = TICK_S) -> None:
        super().__init__(controller, tick_interval=tick_interval)
        d = controller.replayer.divergence
        self._banner = (
            f"≠ Differs from the recording from {clock(d.t)} on (digest {d.expected} ≠ {d.got}); "
            f"last command before: {d.last_command or 'none'}" if d is not None else ""
        )

    def compose_strip(self) -> ComposeResult:
        c = self.controller
        name = c.path.name if c.path is not None else c.level.level.id
        yield TimelineBar(title=f"{name} — {c.level.level.title}", markers=c.markers, end=c.end,
                          id="timeline")
        if self._banner:
            yield Static(self._banner, id="divergence")

    def on_mount(self) -> None:
        d = self.controller.replayer.divergence
        if d is not None:
            self.notify(divergence_text(d), title="Replay diverges", severity="error", timeout=15,
                        markup=False)

    # ------------------------------------------------------------------ drawing
    def refresh_view(self) -> None:
        super().refresh_view()
        self._show_position()
        for cmd in self.controller.new_commands():
            verdict = "" if cmd.accepted else ", refused"
            self.notify(cmd.message, title=f"Player at {clock(cmd.t)}{verdict}: {cmd.text}",
                        severity="information" if cmd.accepted else "warning", timeout=5,
                        markup=False)

    def _refresh_topbar(self) -> None:
        super()._refresh_topbar()
        self._show_position()

    def _show_position(self) -> None:
        c = self.controller
        self.query_one(TimelineBar).show(c.now, following=c.follow_recorded)

    def on_level_end(self) -> None:
        self.notify(
            "End of the recording. p or [ goes back, g goes to a time, q leaves.",
            title="Replay ended",
        )

    # ------------------------------------------------------------------ transport
    def seek(self, t: float) -> None:
        """Go to sim time `t` and redraw; backwards the log starts again too."""
        c = self.controller
        restarted = c.seek(t)
        if restarted:
            self.query_one(EventLogPanel).clear()
            self._ended_shown = False
        if not c.ended:
            self._ended_shown = False
        self.refresh_view()

    def action_seek_by(self, dt: float) -> None:
        self.seek(self.controller.now + dt)

    def action_next_action(self) -> None:
        self._step_action(self.controller.next_action, "after")

    def action_previous_action(self) -> None:
        self._step_action(self.controller.previous_action, "before")

    def _step_action(self, move, where: str) -> None:
        c = self.controller
        before = c.restarts
        if move() is None:
            self.notify(f"No player command {where} this point.", severity="warning")
            return
        if c.restarts != before:
            self.query_one(EventLogPanel).clear()
        self._ended_shown = c.ended
        self.refresh_view()

    def action_goto(self) -> None:
        def chosen(value: float | None) -> None:
            if value is not None:
                self.seek(value)

        self.app.push_screen(GotoScreen(self.controller.now, self.controller.end), chosen)

    def action_follow_speed(self) -> None:
        c = self.controller
        c.follow_recorded = not c.follow_recorded
        if c.follow_recorded and not c.replayer.save.speed_changes:
            self.notify("This save recorded no speed changes: it plays at the speed you choose.")
        else:
            self.notify("Speed as the player watched it." if c.follow_recorded
                        else "Speed as you choose it.")
        self._refresh_topbar()

    @on(TimelineBar.Seek)
    def _clicked(self, message: TimelineBar.Seek) -> None:
        self.seek(message.t)

    # ------------------------------------------------------------------ no acting
    def submit(self, text: str) -> None:
        """Refuse: a replay takes no commands (a toast says so)."""
        self.notify(
            "This is a replay: it shows what was played and takes no commands. "
            "To play on from a save, continue it (vdc continue SAVE).",
            title="Replay", severity="warning",
        )

    def action_command_line(self, prefill: str = "") -> None:
        self.submit(prefill)

    def action_keys_help(self) -> None:
        from vdc.tui.screens.help import KeysScreen

        self.app.push_screen(KeysScreen(replay=True))

    def action_quit_level(self) -> None:
        vdc_app(self).leave_level()


class GotoScreen(ModalScreen[float | None]):
    """Ask for a sim time to go to."""

    # The game's acting keys do not exist here (not merely refused): bindings are not inherited.
    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    GotoScreen { align: center middle; }
    GotoScreen .small-dialog { max-width: 90%; }
    GotoScreen #goto-prompt { width: 100%; height: auto; }
    """

    def __init__(self, now: float, end: float) -> None:
        super().__init__()
        self.now = now
        self.end = end

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog small-dialog"):
            yield Label("Go to a time", classes="screen-title")
            yield Static(f"Now {clock(self.now)}; the recording runs to {clock(self.end)}. "
                         f"Type {POSITION_FORMS}.", id="goto-prompt")
            yield Input(placeholder="h:mm:ss", id="goto")
            yield Static("", id="goto-error", classes="hint-line")

    @on(Input.Submitted, "#goto")
    def _submitted(self, event: Input.Submitted) -> None:
        try:
            t = parse_position(event.value)
        except ValueError as e:
            self.query_one("#goto-error", Static).update(str(e))
            return
        self.dismiss(min(t, self.end))

    def action_cancel(self) -> None:
        self.dismiss(None)
