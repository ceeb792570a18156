"""Provides the debrief: how a level ended, each objective against its target, what happened
when (incidents and the player's commands), and charts of service health, host load and
datastore fill over the run (the data of each section: `vdc.tui.screens.debrief_report`).

The screen gets plain data — the headless result object (`vdc.session.runner.result(...,
events=True)`, fields in docs/cli.md) and the per-minute history series by name
(`service_up:NAME`, `host_cpu:NAME`, `ds_pct:NAME`, `power_kw`) — so it shows a live game's end,
a replay's end and a saved report alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from rich.console import RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult, RenderResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.geometry import Size
from textual.markup import escape
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Footer, Static

from vdc.tui.format import Tones, clock
from vdc.tui.screens.debrief_report import (
    TIMELINE_KINDS,
    datastore_series,
    host_series,
    named,
    num,
    objective_rows,
    service_series,
    timeline_entries,
)
from vdc.tui.widgets.chart import MAX_SERIES, LineChart, Threshold

_BOLD = Style(bold=True)


def _tone(tones: Tones, name: str) -> Style:
    """The tone's Rich style; a muted tone Rich cannot read (it has alpha) becomes dim text."""
    style = tones(name)
    if style.color is None and name == "foreground-muted":
        return Style(dim=True)
    return style

DATASTORE_ALERT_PCT = 85.0
"""The datastore fill line drawn on the chart (the usual vCenter alarm level)."""

OUTCOMES: dict[str, tuple[str, str, str]] = {
    # outcome -> (symbol, word, tone)
    "won": ("✔", "Level won", "success"),
    "lost": ("✘", "Level lost", "error"),
    "incomplete": ("…", "Incomplete", "warning"),
}

# --------------------------------------------------------------------------- the screen


class FlowLine(Widget):
    """Short items in a row that wraps *between* items only, never inside one."""

    DEFAULT_CSS = """
    FlowLine { height: auto; }
    """

    def __init__(
        self,
        items: Sequence[Content],
        *,
        separator: Content | str = "  ",
        id: str | None = None,  # noqa: A002 - Textual's keyword
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.items = list(items)
        self.separator = Content(separator) if isinstance(separator, str) else separator

    def lines(self, width: int) -> list[Content]:
        """The items laid out in lines of at most `width` cells (a longer item is cut)."""
        out: list[Content] = []
        line: Content | None = None
        for item in self.items:
            gap = self.separator.cell_length
            if line is not None and line.cell_length + gap + item.cell_length > width:
                out.append(line)
                line = None
            line = item if line is None else line + self.separator + item
        if line is not None:
            out.append(line)
        return [c.truncate(width, ellipsis=True) if c.cell_length > width else c for c in out]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(1, len(self.lines(width)))

    def render(self) -> RenderResult:
        return Content("\n").join(self.lines(self.content_size.width))


class DebriefScreen(Screen[str]):
    """The end of a level: outcome, score and stars, objectives, timeline and charts.

    Dismisses with `"retry"`, `"next"` (only offered when there is a next level) or `"menu"`.

    | Key | Action |
    | :- | :- |
    | `r` | Retry the level. |
    | `n` | Next level (when there is one). |
    | `m`, `escape` | Back to the menu. |
    | `f1` | The notes of the level's concepts (to reread). |
    | `up`, `down`, `pageup`, `pagedown` | Scroll the report (the timeline, when side by side). |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "retry", "Retry"),
        Binding("n", "next", "Next level"),
        Binding("m", "menu", "Menu"),
        Binding("f1", "concepts", "Notes"),
        Binding("escape", "menu", "Menu", show=False),
        Binding("up", "scroll(-1)", "Scroll up", show=False),
        Binding("down", "scroll(1)", "Scroll down", show=False),
        Binding("pageup", "scroll(-10)", "Page up", show=False),
        Binding("pagedown", "scroll(10)", "Page down", show=False),
    ]

    HORIZONTAL_BREAKPOINTS = [
        (0, "-narrow"),
        (120, "-wide"),
    ]
    """Side by side (text left, charts right) from 120 columns; one scrolling column below."""

    DEFAULT_CSS = """
    DebriefScreen {
        layout: vertical;
        #debrief-scroll { height: 1fr; }
        #debrief-outcome { padding: 0 1; height: auto; }
        #debrief-facts { padding: 0 1; }
        #debrief-columns { height: auto; }
        #debrief-text, #debrief-charts { height: auto; }
        .debrief-section {
            height: auto;
            border: round $border-blurred;
            border-title-color: $foreground;
            border-title-style: bold;
            padding: 0 1;
        }
        #debrief-timeline { height: auto; }
        LineChart.debrief-chart {
            height: 12;
            border: round $border-blurred;
            border-title-color: $foreground;
            border-title-style: bold;
            padding: 0 1;
        }
        #debrief-buttons {
            height: auto;
            padding: 0 1;
            background: $panel;
            Button { margin-right: 2; }
        }
        &.-wide {
            #debrief-scroll { overflow-y: hidden; }
            #debrief-columns { height: 1fr; layout: horizontal; }
            #debrief-text { width: 1fr; height: 1fr; }
            #debrief-charts { width: 1fr; height: 1fr; }
            #debrief-timeline { height: 1fr; }
            #debrief-timeline-scroll { height: 1fr; }
            LineChart.debrief-chart { height: 1fr; }
        }
        &.-narrow {
            #debrief-columns { layout: vertical; }
            #debrief-timeline-scroll { height: auto; }
        }
    }
    """

    def __init__(
        self,
        report: Mapping[str, Any],
        series: Mapping[str, Sequence[float]],
        *,
        has_next: bool = False,
        can_retry: bool = True,
    ) -> None:
        """Args:
        report: The result object (`vdc.session.runner.result(session, events=True)`).
        series: The per-minute history by name (`service_up:NAME`, `host_cpu:NAME`, …).
        has_next: Whether the campaign has a level after this one (enables `n`).
        can_retry: Whether `r` plays the level again (not after an exam: one attempt).
        """
        super().__init__()
        self.report = report
        self.series = series
        self.has_next = has_next
        self.can_retry = can_retry

    # -- composition --------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="debrief-scroll", can_focus=False):
            yield Static(self._outcome(), id="debrief-outcome")
            yield FlowLine(
                self._facts(), separator=Content.styled(" · ", "$foreground-muted"),
                id="debrief-facts",
            )
            with Horizontal(id="debrief-columns"):
                with Vertical(id="debrief-text"):
                    objectives = Static(self._objectives(), id="debrief-objectives")
                    objectives.add_class("debrief-section")
                    objectives.border_title = "Objectives"
                    yield objectives
                    lessons = [str(x) for x in self.report.get("lessons") or []]
                    better_cmds = (self.report.get("better") or {}).get("reference") or []
                    if lessons or better_cmds:
                        better = Static(self._better(lessons), id="debrief-lessons")
                        better.add_class("debrief-section")
                        better.border_title = "What a better operator did"
                        yield better
                    concepts = self.report.get("concepts") or []
                    if concepts:
                        titles = " · ".join(str(c.get("title", "")) for c in concepts)
                        reread = Static(
                            Content.from_markup(
                                "[b]$titles[/]  [$foreground-muted]— press F1 for the notes[/]",
                                titles=titles,
                            ),
                            id="debrief-concepts",
                        )
                        reread.add_class("debrief-section")
                        reread.border_title = "Concepts to reread"
                        yield reread
                    with Vertical(id="debrief-timeline", classes="debrief-section") as box:
                        box.border_title = "Timeline"
                        yield FlowLine(self._timeline_legend(), id="debrief-timeline-legend")
                        with VerticalScroll(id="debrief-timeline-scroll", can_focus=False):
                            yield Static(self._timeline(), id="debrief-timeline-list")
                with Vertical(id="debrief-charts"):
                    yield from self._charts()
        with Horizontal(id="debrief-buttons"):
            if self.can_retry:
                yield Button("Retry (r)", id="retry", compact=True)
            if self.has_next:
                yield Button("Next level (n)", id="next", variant="primary", compact=True)
            yield Button("Menu (m)", id="menu", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        first = "next" if self.has_next else "retry" if self.can_retry else "menu"
        self.query_one(f"#{first}", Button).focus()

    def _outcome(self) -> Content:
        r = self.report
        outcome = str(r.get("outcome", "incomplete"))
        symbol, word, tone = OUTCOMES.get(outcome, ("?", outcome, "foreground"))
        reason = str(r.get("end_reason") or "")
        t = float(r.get("sim_time", 0.0))
        duration = float(r.get("duration", 0.0))
        stopped_early = not reason and outcome == "incomplete"
        if stopped_early:
            reason = f"stopped at {clock(t)} of {clock(duration)}"
        stars = int(r.get("stars", 0))
        star_text = "★" * stars + "☆" * (3 - stars)
        star_words = (
            f"{stars} of 3 stars" if outcome == "won" else "no stars (stars need a win)"
        )
        score = float(r.get("score", 0.0))
        level = str(r.get("level", ""))
        why = str(r.get("verdict") or "")
        if why:  # the one sentence that says why, with the numbers
            lines = [
                f"[b ${tone}]{symbol}[/] [b]{escape(why)}[/]",
                f"[b ${tone}]{word}[/]"
                + (f" — {escape(reason)}" if reason else "")
                + f"  [$foreground-muted]·[/]  [b]{escape(level)}[/]"
                + f"  [$foreground-muted]·[/]  Score [b]{num(score)}[/] / 100"
                + f"   [b $accent]{star_text}[/] {star_words}",
            ]
        else:
            lines = [
                f"[b ${tone}]{symbol} {word}[/]"
                + (f" — {escape(reason)}" if reason else "")
                + f"  [$foreground-muted]·[/]  [b]{escape(level)}[/]",
                f"Score [b]{num(score)}[/] / 100   [b $accent]{star_text}[/] {star_words}",
            ]
        return Content.from_markup("\n".join(lines))

    def _facts(self) -> list[Content]:
        """The small print under the outcome: seed, time, commands, power."""
        r = self.report
        cmds = r.get("commands") or {}
        metrics = r.get("metrics") or {}
        facts = [f"seed {r.get('seed', '?')}"]
        if r.get("outcome") != "incomplete" or r.get("end_reason"):
            facts.append(
                f"sim time {clock(float(r.get('sim_time', 0.0)))}"
                f" of {clock(float(r.get('duration', 0.0)))}"
            )
        facts.append(
            f"{cmds.get('accepted', 0)} commands, {len(cmds.get('rejected') or [])} refused"
        )
        if "peak_power_kw" in metrics:
            facts.append(f"peak power {num(float(metrics['peak_power_kw']), 2)} kW")
        if "energy_kwh" in metrics:
            facts.append(f"energy {num(float(metrics['energy_kwh']), 2)} kWh")
        return [Content.styled(f, "$foreground-muted") for f in facts]

    def _better(self, lessons: list[str]) -> RenderableType:
        """The level's lessons this run calls for, one bullet each, then the reference
        solution's commands beside the player's own, with their times."""
        tones = Tones.of(self.app)
        text = Text()
        for i, lesson in enumerate(lessons):
            text.append(("\n" if i else "") + "▸ ", style=tones("accent") + _BOLD)
            text.append(lesson)
        better = self.report.get("better") or {}
        ref = list(better.get("reference") or [])
        yours = list(better.get("yours") or [])
        if not ref:
            return text
        muted = _tone(tones, "foreground-muted")
        table = Table(
            box=None, expand=True, padding=(0, 1), pad_edge=False, show_edge=False,
            header_style=muted,
        )
        table.add_column("The reference solution", ratio=1)
        table.add_column("You", ratio=1)
        for i in range(max(len(ref), len(yours))):
            a = ref[i] if i < len(ref) else None
            b = yours[i] if i < len(yours) else None
            theirs, mine = Text(), Text()
            if a is not None:
                theirs.append(clock(float(a["t"])) + " ", style=muted)
                theirs.append(str(a["text"]))
            if b is not None:
                mine.append(clock(float(b["t"])) + " ", style=muted)
                mine.append(str(b.get("text", "")))
                if not b.get("accepted", True):
                    mine.append(" (refused)", style=tones("warning"))
            table.add_row(theirs, mine)
        if not yours:
            table.add_row("", Text("no commands", style=muted))
        from rich.console import Group

        return Group(text, table) if lessons else table

    def _objectives(self) -> RenderableType:
        tones = Tones.of(self.app)
        rows = objective_rows(self.report)
        if not rows:
            return Text("No objectives: free play.", style=_tone(tones, "foreground-muted"))
        table = Table(
            box=None, expand=True, padding=(0, 1), pad_edge=False, show_edge=False,
            header_style=_tone(tones, "foreground-muted"),
        )
        table.add_column("", no_wrap=True)
        table.add_column("Objective", ratio=1)
        table.add_column("Result", justify="right", no_wrap=True)
        table.add_column("Target", justify="right", no_wrap=True)
        table.add_column("Weight", justify="right", no_wrap=True)
        for row in rows:
            mark = (
                tones.text("✔ met", "success") if row.met else tones.text("✘ missed", "error")
            )
            desc = Text(row.description)
            if row.required:
                desc.append(" (required)", style=tones("warning") + _BOLD)
            table.add_row(mark, desc, row.value, row.target, row.weight)
        return table

    def _timeline_legend(self) -> list[Content]:
        used = {e.category for e in timeline_entries(self.report)}
        return [
            Content.from_markup(f"[${tone}]{symbol}[/] [$foreground-muted]{word}[/]")
            for key, (symbol, word, tone) in TIMELINE_KINDS.items()
            if key in used or key in ("command", "critical", "recovery")
        ]

    def _timeline(self) -> RenderableType:
        tones = Tones.of(self.app)
        entries = timeline_entries(self.report)
        if not entries:
            return Text(
                "No events recorded: no incidents, no commands.",
                style=_tone(tones, "foreground-muted"),
            )
        grid = Table.grid(padding=(0, 1), expand=True)
        grid.add_column(no_wrap=True, style=_tone(tones, "foreground-muted"))
        grid.add_column(no_wrap=True)
        grid.add_column(ratio=1)
        for e in entries:
            symbol, _, tone = TIMELINE_KINDS[e.category]
            what = Text()
            if e.category in ("command", "rejected"):
                what.append("you: " if e.category == "command" else "refused: ", style=_BOLD)
                what.append(e.title, style=_tone(tones, tone) + _BOLD)
            else:
                what.append(e.title, style=_tone(tones, tone) + _BOLD)
            if e.detail:
                what.append(" — " + e.detail)
            grid.add_row(clock(e.t), Text(symbol, style=_tone(tones, tone) + _BOLD), what)
        return grid

    def _charts(self) -> ComposeResult:
        n_services = len(named(self.series, "service_up:"))
        n_hosts = len(named(self.series, "host_cpu:"))
        one_each = {"services": n_services <= MAX_SERIES, "hosts": n_hosts <= MAX_SERIES}
        charts = (
            (
                "chart-services",
                "Service health — % up, per service"
                if one_each["services"] else "Service health — % of services up",
                service_series(self.series),
                (),
            ),
            (
                "chart-hosts",
                "Host load — CPU % per host" if one_each["hosts"] else "Host load — CPU %",
                host_series(self.series),
                (),
            ),
            (
                "chart-datastores",
                "Datastore fill — % used",
                datastore_series(self.series),
                (Threshold(DATASTORE_ALERT_PCT, "alert"),),
            ),
        )
        for chart_id, title, data, thresholds in charts:
            chart = LineChart(
                data, unit="%", y_min=0.0, y_max=100.0, thresholds=thresholds,
                id=chart_id, classes="debrief-chart",
            )
            chart.border_title = title
            yield chart

    # -- actions ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`next` exists only when there is a next level, `retry` only outside an exam (each is
        then also hidden)."""
        if (action == "next" and not self.has_next) or (action == "retry" and not self.can_retry):
            return False
        return True

    def action_scroll(self, lines: int) -> None:
        """Scroll what overflows: the whole report in one column, the timeline side by side."""
        target = "#debrief-timeline-scroll" if self.has_class("-wide") else "#debrief-scroll"
        scroll = self.query_one(target, VerticalScroll)
        scroll.scroll_relative(y=lines, animate=False)

    def action_concepts(self) -> None:
        """F1: the notes of the level's concepts, as in the game."""
        from vdc.tui.screens.help import ConceptsScreen

        ids = [str(c.get("id", "")) for c in self.report.get("concepts") or []]
        self.app.push_screen(ConceptsScreen(ids))

    def action_retry(self) -> None:
        """Play the same level again."""
        if self.can_retry:
            self.dismiss("retry")

    def action_next(self) -> None:
        """Go on to the next level."""
        if self.has_next:
            self.dismiss("next")

    def action_menu(self) -> None:
        """Back to the menu."""
        self.dismiss("menu")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        {"retry": self.action_retry, "next": self.action_next, "menu": self.action_menu}.get(
            event.button.id or "", lambda: None
        )()

