"""Provides `EventLogPanel`: the event log as a scrolling list, newest at the bottom.

Each record is one entry: sim time (`h:mm:ss`), a severity symbol, the event kind in words (its
catalogue label: "refused", "vMotion queued"), its subject and its sentence, coloured by
severity through the theme's tones (the symbol says the same thing without colour). A sentence too long for the panel wraps under itself, indented past the
time, so the times stay a clean column. The log follows new records unless the player has
scrolled up to read, and keeps the last 2,000 records.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.events import Resize
from textual.widgets import RichLog

from vdc.scenario.event_kinds import label as kind_label
from vdc.sim.events import EventRecord
from vdc.sim.view import SimView
from vdc.tui.format import SEVERITY, clock
from vdc.tui.widgets.panel import Panel

MAX_RECORDS = 2000
"""Records (and lines) kept; older ones scroll out of memory."""


class EventLogPanel(Panel):
    """The event log: one entry per record, newest at the bottom, following new records.

    Call `add_events(records)` with the records appended since the last call; `show(view)`
    exists for symmetry with the other panels and does nothing. `records` holds what is kept.
    """

    BORDER_TITLE = "Events"

    BINDINGS: ClassVar[list[BindingType]] = []
    """Scrolling keys are the inner RichLog's (up, down, page up/down, home, end)."""

    DEFAULT_CSS = """
    EventLogPanel {
        height: 1fr;
        & > RichLog {
            height: 1fr;
            background: $surface;
            padding: 0 1;
            scrollbar-size-vertical: 1;
            overflow-x: hidden;
            overflow-y: auto;
        }
    }
    """

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's keyword
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.records: deque[EventRecord] = deque(maxlen=MAX_RECORDS)
        """The records shown, oldest first (at most MAX_RECORDS)."""
        self._width = 0
        """Width the lines were wrapped to (re-wrapped when the panel is resized)."""
        self._scroll_pending = False
        """A scroll to the end was requested and has not happened yet."""
        self._total = 0
        self._placeholder = False
        """The log shows "No events yet" instead of records."""

    def compose(self) -> ComposeResult:
        yield RichLog(max_lines=MAX_RECORDS, wrap=False, markup=False, auto_scroll=False)

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._on_theme_changed)
        if not self.records:
            self._write_placeholder()

    def _on_theme_changed(self, _theme: object) -> None:
        self._rewrite()

    def on_resize(self, _event: Resize) -> None:
        if self._text_width() != self._width:
            self._rewrite()

    # ------------------------------------------------------------------ public API
    @property
    def rich_log(self) -> RichLog:
        """The inner RichLog (for focus and tests)."""
        return self.query_one(RichLog)

    @property
    def following(self) -> bool:
        """Whether new records scroll the log to the end (False while the player reads
        further up)."""
        log = self.rich_log
        return self._scroll_pending or log.scroll_y >= log.max_scroll_y - 1

    def add_events(self, records: Iterable[EventRecord]) -> None:
        """Append records (in the order given, which is sim-time order) at the bottom."""
        batch = list(records)
        if not batch:
            return
        follow = self.following
        if self._placeholder:
            self._placeholder = False
            self.rich_log.clear()
        self.records.extend(batch)
        self._total += len(batch)
        width = self._text_width()
        self._width = width
        log = self.rich_log
        for rec in batch[-MAX_RECORDS:]:
            for line in self.entry_lines(rec, width):
                log.write(line, width=width, scroll_end=False)
        if follow:
            self._scroll_to_end()
        self._refresh_subtitle()

    def show(self, view: SimView) -> None:
        """Accepts a snapshot like the other panels; the log is fed by `add_events`."""

    def clear(self) -> None:
        """Forget every record (a replay that went back to t=0 feeds them again)."""
        self.records.clear()
        self._total = 0
        if self.is_mounted:
            self.rich_log.clear()
            self._write_placeholder()
            self._refresh_subtitle()

    def entry_lines(self, rec: EventRecord, width: int) -> list[Text]:
        """One record as lines of at most `width` cells: a head, then the sentence wrapped
        under itself."""
        tones = self._tones_now()
        symbol, tone = SEVERITY.get(rec.severity, SEVERITY["info"])
        style = tones(tone)
        strong = style + Style(bold=True) if rec.severity == "critical" else style
        head = Text(end="", no_wrap=True)
        head.append(clock(rec.t), style=tones("foreground-muted"))
        head.append(" ")
        head.append(symbol, style=style)
        head.append(" ")
        indent = head.cell_len
        body = Text(end="")
        body.append(kind_label(rec.kind), style=strong)
        body.append(" ")
        body.append(rec.subject, style="bold")
        if rec.detail:
            body.append(" ")
            body.append(rec.detail)
        room = max(8, width - indent)
        lines = body.wrap(self.app.console, room, no_wrap=False)
        out = []
        for k, part in enumerate(lines):
            line = head.copy() if k == 0 else Text(" " * indent, end="")
            part.rstrip()
            line.append_text(part)
            out.append(line)
        return out

    # ------------------------------------------------------------------ internals
    def _text_width(self) -> int:
        log = self.rich_log
        width = log.scrollable_content_region.width
        if width <= 0:
            return 78  # not laid out yet: on_resize re-wraps
        if not log.show_vertical_scrollbar:
            # Leave room for the scrollbar that more lines will bring, so a line wrapped now
            # is not cut later.
            width -= log.styles.scrollbar_size_vertical
        return width

    def _scroll_to_end(self) -> None:
        self._scroll_pending = True
        log = self.rich_log

        def done() -> None:
            self._scroll_pending = False

        log.scroll_end(animate=False, immediate=False, x_axis=False)
        log.call_after_refresh(done)

    def _rewrite(self) -> None:
        """Redraw every kept record (new width or new theme)."""
        if not self.is_mounted:
            return
        follow = self.following
        width = self._text_width()
        self._width = width
        log = self.rich_log
        log.clear()
        if not self.records:
            self._write_placeholder()
            return
        for rec in self.records:
            for line in self.entry_lines(rec, width):
                log.write(line, width=width, scroll_end=False)
        if follow:
            self._scroll_to_end()

    def _write_placeholder(self) -> None:
        self._placeholder = True
        self.rich_log.write(self._tones_now().text("No events yet.", "foreground-muted"))

    def _refresh_subtitle(self) -> None:
        dropped = self._total - len(self.records)
        n = len(self.records)
        noun = "event" if n == 1 else "events"
        self.border_subtitle = (
            f"{n:,} {noun}" if not dropped else f"last {n:,} of {self._total:,} events"
        )
