"""Provides the top bar: level, sim clock, speed, objectives at a glance, how much of the
level's configuration assessment is done, running score."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.content import Content
from textual.widgets import Static

from vdc.sim.objectives import ObjectiveStatus
from vdc.tui.format import clock


def objectives_glance(statuses: list[ObjectiveStatus]) -> tuple[int, int, int]:
    """(met, at risk, failed): failed = failed for good; at risk = not met yet."""
    failed = sum(1 for s in statuses if s.failed_for_good)
    met = sum(1 for s in statuses if s.met and not s.failed_for_good)
    return met, len(statuses) - met - failed, failed


def setup_done(statuses: list[ObjectiveStatus]) -> str:
    """ "setup 67 %": the share of the level's `config` objectives (assessment items) met now;
    "" when the level has none."""
    items = [s for s in statuses if s.kind == "config"]
    if not items:
        return ""
    return f"setup {100 * sum(1 for s in items if s.met) / len(items):.0f} %"


class TopBar(Static):
    """One line that says where the level stands; updated every tick."""

    _last: Callable[[], None] | None = None
    """Shows the last state again (at a new width)."""
    _markup: str | None = None
    """What the line shows now."""

    DEFAULT_CSS = """
    TopBar {
        height: 1;
        background: $panel;
        color: $foreground;
        padding: 0 1;
    }
    """

    def show(
        self,
        *,
        title: str,
        t: float,
        duration: int,
        paused: bool,
        speed: int,
        statuses: list[ObjectiveStatus],
        score: float,
        ended: bool,
        outcome: str = "running",
        stars: int = 0,
        held: bool = False,
        countdown: str = "",
    ) -> None:
        """`outcome` and `stars`: the standing (`vdc.session.standing`) — won or lost once
        settled, else the stars the score earns if the run is won; `held`: the clock waits
        while the player types or reads a dialog; `countdown`: an exam's wall-clock time left."""
        met, risk, failed = objectives_glance(statuses)
        if ended:
            state = "[$accent]■ ENDED[/]"
        elif held and not paused:
            state = "[$warning]‖ HELD[/]"
        elif paused:
            state = "[$warning]‖ PAUSED[/]"
        else:
            state = f"[$success]▶ {speed}×[/]"
        goals = (
            f"[$success]✔{met}[/] "
            + (f"[$warning]▲{risk}[/] " if risk else "▲0 ")
            + (f"[$error]✖{failed}[/]" if failed else "✖0")
        )
        self._last = partial(
            self.show, title=title, t=t, duration=duration, paused=paused, speed=speed,
            statuses=statuses, score=score, ended=ended, outcome=outcome, stars=stars, held=held,
            countdown=countdown,
        )
        time_ = f"{clock(t)} / {clock(duration)}"
        if countdown:
            state = f"[$warning b]{countdown}[/] │ {state}"
        setup = setup_done(statuses)
        verdict = outcome_markup(outcome, stars)
        tail = (f"{state} │ {time_} │ goals {goals}{f' │ {setup}' if setup else ''} │ "
                f"score [b]{score:.0f}[/] {verdict}")
        width = (self.size.width or 120) - 2
        room = width - len(Content.from_markup(tail).plain) - 3
        if room < 12:  # narrow terminal: shorter words, the title gets what is left
            if countdown:
                state = state.replace(countdown, countdown.removesuffix(" left"))
            short = f" │ ⚙{setup.removeprefix('setup ').replace(' ', '')}" if setup else ""
            tail = f"{state} │ {time_} │ {goals}{short} │ [b]{score:.0f}[/] {verdict}"
            room = width - len(Content.from_markup(tail).plain) - 3
        name = title if len(title) <= room else title[: max(0, room - 1)] + "…"
        markup = f"[b]{_escape(name)}[/] │ {tail}"
        if markup != self._markup:
            self._markup = markup
            # One line whose width comes from the screen: a new text never needs a layout.
            self.update(Content.from_markup(markup), layout=False)


    def on_resize(self) -> None:
        """The layout of the line depends on the width: lay it out again."""
        if self._last is not None:
            self._last()


def outcome_markup(outcome: str, stars: int) -> str:
    """The outcome beside the score: LOST or WON once settled, else the stars it earns."""
    if outcome == "lost":
        return "[$error]✖ LOST[/]"
    shown = "★" * stars + "☆" * (3 - stars)
    if outcome == "won":
        return f"[$success]✔ WON {shown}[/]"
    return shown


def _escape(text: str) -> str:
    return text.replace("[", r"\[")
