"""Provides `TimeControls`: the game screen's side of time that respects the player.

The clock holds while the player types or reads a dialog (`held`), `>` skips to just before
the next scheduled event, `+`/`-` walk the speeds, and a settled outcome is told at once: a
toast and the banner, `e` to end the level now (the rest runs without the player), `r` to retry
a lost one. The controller does the work; this is the keys and what the player is told.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen
from textual.widgets import Input

from vdc.scenario.event_kinds import label as kind_label
from vdc.sim.objectives import ObjectiveStatus
from vdc.tui.access import vdc_app
from vdc.tui.controller import SKIP_LEAD_S
from vdc.tui.format import clock
from vdc.tui.widgets.cmdline import CommandLine
from vdc.tui.widgets.outcome import OutcomeBanner

if TYPE_CHECKING:
    from vdc.tui.controller import GameController


class TimeControls(Screen):
    """The keys of time and the settled outcome (mixed into `GameScreen`)."""

    controller: GameController

    def refresh_view(self) -> None:
        """Redraw everything (the game screen's)."""
        raise NotImplementedError

    def _refresh_topbar(self) -> None:
        """Redraw the top bar (the game screen's)."""
        raise NotImplementedError

    @property
    def held(self) -> bool:
        """The clock waits: the player types on the `:` line, or the palette or a dialog is
        open over the game (the `pause_while_typing` setting, on by default)."""
        c = self.controller
        if c.read_only or not c.pause_while_typing or c.paused or c.ended:
            return False
        return self.app.screen is not self or self.query_one(CommandLine).has_class("-open")

    def _tell_settled(self, statuses: list[ObjectiveStatus]) -> None:
        """The outcome can no longer change: say so at once (a toast and a banner) and offer
        to end the level — or, when lost, to retry it."""
        c = self.controller
        st = c.newly_settled(statuses)
        if st is None:
            return
        if st.outcome == "lost":
            self.notify(f"{st.reason}.", title="This level is lost", severity="error", markup=False)
        else:
            self.notify("Every required objective is met and can no longer fail.",
                        title="The level is won", markup=False)
        if c.speed_index:
            c.speed_index = 0
            c.session.note_speed(c.speed, c.paused)
        self.query_one(OutcomeBanner).tell(st)
        self.refresh_bindings()

    def action_toggle_pause(self) -> None:
        self.controller.toggle_pause()
        self._refresh_topbar()

    def action_faster(self) -> None:
        self.controller.faster()
        self._refresh_topbar()

    def action_slower(self) -> None:
        self.controller.slower()
        self._refresh_topbar()

    def action_skip_event(self) -> None:
        """Run to just before the next scheduled event (or a critical one on the way)."""
        c = self.controller
        skip = c.skip_to_next_event()
        if skip is None:
            self.notify("Nothing is scheduled before the end of the level.", title="Skip",
                        markup=False)
            return
        if skip.stopped_by is not None:
            r = skip.stopped_by
            text = f"Stopped at {clock(r.t)}: {kind_label(r.kind)} — {r.detail}"
        else:
            text = f"{clock(skip.start)} → {clock(skip.end)}: {skip.what} in {SKIP_LEAD_S:g} s"
        self.notify(text, title="Skipped ahead", timeout=4, markup=False)
        self.refresh_view()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`e` (end now) only once the outcome is settled; `r` (retry) only once it is lost."""
        c = self.controller
        if action in ("end_now", "retry") and isinstance(self.focused, Input):
            return False  # typing a command: the letter is the player's
        if action == "end_now":
            return c.settled_told is not None and not c.ended and not c.read_only
        if action == "retry":
            return c.settled_told == "lost" and not c.read_only
        return True

    def action_toggle_typing_pause(self) -> None:
        """Turn the `pause_while_typing` setting over, for this game and the next (saved)."""
        from vdc.session import progress, settings

        c = self.controller
        c.pause_while_typing = not c.pause_while_typing
        chosen = settings.load()
        chosen.pause_while_typing = c.pause_while_typing
        try:
            settings.save(chosen)
        except progress.ProgressError as e:
            self.notify(str(e), title="Setting not saved", severity="warning", markup=False)
        state = "on: the clock waits" if c.pause_while_typing else "off: the clock runs on"
        self.notify(f"Pause while typing is {state} while you type or read a dialog.",
                    title="Setting", markup=False)

    def action_end_now(self) -> None:
        """End a settled level: the rest runs without the player, then the debrief."""
        if self.controller.settled_told is None or self.controller.ended:
            return
        self.controller.finish()
        self.refresh_view()

    def action_retry(self) -> None:
        """Start a lost level again from its beginning."""
        if self.controller.settled_told == "lost":
            vdc_app(self).restart_level()
