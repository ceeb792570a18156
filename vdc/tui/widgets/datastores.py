"""Provides the datastores panel: how full each datastore is, how thin it is provisioned, how
busy and how slow it is."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Self

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from vdc.sim.view import DatastoreView, SimView
from vdc.tui.format import Tones, gib, level_tone
from vdc.tui.widgets.gauges import gauge
from vdc.tui.widgets.panel import Panel
from vdc.tui.widgets.rows import Justify, cursor_key, fit, focus_inside, move_cursor_to, sync_rows
from vdc.tui.widgets.table import InPlaceTable
from vdc.tui.widgets.vsan_lines import vsan_lines

WARN_PCT = 75.0
"""Used % from which a datastore is a warning (the first mark on its bar)."""
ALERT_PCT = 85.0
"""Used % from which it is an alert (the second mark)."""
WARN_MS = 20.0
ALERT_MS = 50.0
MARKS = (WARN_PCT / 100, ALERT_PCT / 100)

PCT_W = 6
"""`✖ FULL`, `✖ 87%`."""
LAT_W = 7
"""`✖ 87 ms`."""
TYPE_W = 5
PROV_W = 11
"""`▲ 5.2 TiB`."""
BAR_MIN = 6
BAR_GOOD = 16
BAR_MAX = 50


def pct_text(tones: Tones, pct: float) -> Text:
    """Used %: plain below 75, `▲ 78%` from 75, `✖ 87%` from 85, `✖ FULL` from 100."""
    if pct >= 100:
        return tones.text("✖ FULL", "error", bold=True)
    if pct >= ALERT_PCT:
        return tones.text(f"✖ {pct:.0f}%", "error", bold=True)
    if pct >= WARN_PCT:
        return tones.text(f"▲ {pct:.0f}%", "warning")
    return Text(f"{pct:.0f}%")


def latency_text(tones: Tones, ms: float) -> Text:
    """Latency: plain below 20 ms, `▲` from 20 (warning), `✖` from 50 (error)."""
    tone = level_tone(ms, WARN_MS, ALERT_MS)
    number = f"{ms:.1f} ms" if ms < 10 else f"{ms:.0f} ms"
    if tone == "success":
        return Text(number)
    symbol = "▲" if tone == "warning" else "✖"
    return tones.text(f"{symbol} {number}", tone, bold=tone == "error")


def count(x: float) -> str:
    """IOPS for people: 505, 2.7k, 40k."""
    if x >= 10_000:
        return f"{x / 1000:.0f}k"
    if x >= 1000:
        return f"{x / 1000:.1f}k"
    return f"{x:.0f}"


def iops_text(tones: Tones, iops: float, capacity: float) -> Text:
    """`2.7k / 40k`; `▲` from 80 % of what the datastore can do, `✖` from 95 %."""
    load = iops / capacity if capacity > 0 else 0.0
    tone = level_tone(load, 0.8, 0.95)
    number = f"{count(iops)} / {count(capacity)}"
    if tone == "success":
        return Text(number)
    return tones.text(("▲ " if tone == "warning" else "✖ ") + number, tone)


def used_of(used: float, capacity: float) -> str:
    """`349 / 900 GiB`, `1.4 / 4.0 TiB`: both in the capacity's unit."""
    if capacity >= 1024:
        return f"{used / 1024:.1f} / {capacity / 1024:.1f} TiB"
    return f"{used:.0f} / {capacity:.0f} GiB"


def provisioned_text(tones: Tones, ds: DatastoreView) -> Text:
    """What the disks could grow to; `▲` when that is more than the datastore holds."""
    if ds.capacity > 0 and ds.provisioned > ds.capacity:
        return tones.text(f"▲ {gib(ds.provisioned)}", "warning")
    return Text(gib(ds.provisioned))


def snapshot_share(stores: tuple[DatastoreView, ...]) -> str:
    """`of which snapshots: ds-1 120 GiB` — the part of the used space in deltas and memory
    files ("" while there are none)."""
    parts = [f"{d.name} {gib(d.snapshots)}" for d in stores if d.snapshots > 0]
    return f"of which snapshots: {', '.join(parts)}" if parts else ""


@dataclass(frozen=True)
class DatastoresLayout:
    """Which columns the datastores table shows, and how wide."""

    name: int
    bar: int
    """Cells of the capacity bar; 0 hides it."""
    type: bool
    used: int
    """Width of `used / capacity`; 0 hides it."""
    prov: bool
    iops: int
    """Width of `iops / capability`; 0 hides it."""

    def columns(self) -> list[tuple[str, str, int, Justify]]:
        """(key, label, width with gutter, justify) of each shown column, left to right."""
        cols: list[tuple[str, str, int, Justify]] = [("name", "Datastore", self.name, "left")]
        if self.type:
            cols.append(("type", "Type", TYPE_W + 1, "left"))
        if self.bar:
            label = "Capacity (marks at 75 and 85 %)" if self.bar >= 32 else "Capacity"
            cols.append(("bar", label, self.bar + 1, "left"))
        cols.append(("pct", "Full", PCT_W + 1, "right"))
        if self.used:
            cols.append(("used", "Used / size", self.used + 1, "right"))
        if self.prov:
            cols.append(("prov", "Provisioned", PROV_W + 1, "right"))
        if self.iops:
            cols.append(("iops", "IOPS", self.iops + 1, "right"))
        cols.append(("lat", "Latency", LAT_W + 1, "right"))
        return cols

    @property
    def width(self) -> int:
        return sum(width for _, _, width, _ in self.columns())


def choose_layout(width: int, name: int, used: int, iops: int) -> DatastoresLayout:
    """The richest layout that fits `width` cells.

    As the panel narrows, these go in turn (each while the bar still gets 16 cells): the type,
    the IOPS, the provisioned size, the used / size text; then the bar shrinks to 6 cells and
    goes. Name, used % and latency stay.
    """
    drops = [
        DatastoresLayout(name, 0, type=True, used=used, prov=True, iops=iops),
        DatastoresLayout(name, 0, type=False, used=used, prov=True, iops=iops),
        DatastoresLayout(name, 0, type=False, used=used, prov=True, iops=0),
        DatastoresLayout(name, 0, type=False, used=used, prov=False, iops=0),
        DatastoresLayout(name, 0, type=False, used=0, prov=False, iops=0),
    ]
    for i, base in enumerate(drops):
        spare = width - base.width - 1
        # A bar short enough to put its two marks side by side is worth less than a column;
        # only the last layout takes one that short.
        if spare >= (BAR_MIN if i == len(drops) - 1 else BAR_GOOD):
            return replace(base, bar=min(BAR_MAX, spare))
    return drops[-1]


class DatastoresPanel(Panel):
    """The datastores as a table: fill against the 75 % and 85 % marks, thin provisioning,
    IOPS against what the datastore can do, and latency.

    Up / Down move the cursor; the datastore under it is posted as `Panel.Selected` (kind
    "datastore") while the panel has focus. Call `show(view)` with each
    new `SimView`; cells change in place.
    """

    BORDER_TITLE = "Datastores"

    DEFAULT_CSS = """
    DatastoresPanel {
        height: 1fr;
        & > DataTable {
            height: 1fr;
            scrollbar-size-vertical: 1;
        }
        & > #vsan {
            height: auto;
            max-height: 50%;
            display: none;
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
        self.view: SimView | None = None
        """The last view shown."""
        self._layout: DatastoresLayout | None = None
        self._announced: str | None = None
        self._tones: tuple[str, Tones] | None = None
        self._row_cache: dict[str, list[Text]] = {}
        self._row_cache_for: object = None

    def compose(self) -> ComposeResult:
        yield InPlaceTable(cursor_type="row", cell_padding=0, show_row_labels=False)
        yield Static(id="vsan")

    def on_mount(self) -> None:
        # (Textual also runs Panel.on_mount, which draws the view.)
        self.watch(self.table, "scroll_y", self._scrolled, init=False)

    def _scrolled(self, _old: float, _new: float) -> None:
        """Rows that come into view get their current cells."""
        if self.view is not None:
            self._draw()

    @property
    def table(self) -> InPlaceTable:
        """The table inside the panel."""
        return self.query_one(InPlaceTable)

    # ------------------------------------------------------------------ public API
    @property
    def selected_datastore(self) -> str | None:
        """The datastore under the cursor."""
        key = cursor_key(self.table) if self.is_mounted else None
        return key[3:] if key else None

    def focus(self, scroll_visible: bool = True) -> Self:
        """Focus the table inside (the panel itself takes no focus)."""
        return focus_inside(self, DataTable, scroll_visible)

    # ------------------------------------------------------------------ drawing
    def _draw(self) -> None:
        view = self.view
        assert view is not None
        table = self.table
        stores = view.datastores
        width = self.content_size.width
        layout = choose_layout(
            (width if width > 0 else 80) - 1,
            max([len(d.name) for d in stores] + [9]),
            max([len(used_of(d.capacity, d.capacity)) for d in stores] + [9]),
            max([len(f"▲ {count(d.iops_capacity)} / {count(d.iops_capacity)}") for d in stores]
                + [4]),
        )
        before = cursor_key(table)
        if layout != self._layout:
            self._layout = layout
            table.clear(columns=True)
            for key, label, col_width, justify in layout.columns():
                table.add_column(fit(label, col_width, justify, gutter=key != "name"),
                                 width=col_width, key=key)
        tones = self._tones_now()
        columns = layout.columns()
        rows = []
        # Rows out of view keep their last cells (256 datastores at enterprise size, about ten
        # in view): they are made again when they scroll into view (see `_scrolled`).
        top = int(table.scroll_y)
        bottom = top + table.size.height
        if self._row_cache_for != (tones, layout):
            self._row_cache, self._row_cache_for = {}, (tones, layout)
        for k, ds in enumerate(stores):
            key = f"ds:{ds.name}"
            row = self._row_cache.get(key)
            if row is None or top <= k <= bottom:
                cells = self._cells(tones, ds, layout)
                row = [fit(cells.get(c, Text("")), w, j, gutter=c != "name") for c, _, w, j in columns]
                self._row_cache[key] = row
            rows.append((key, row))
        sync_rows(table, rows)
        if before is not None:
            move_cursor_to(table, before)
        lines = vsan_lines(tones, stores, width if width > 0 else 80)
        vsan = self.query_one("#vsan", Static)
        vsan.display = bool(lines.plain)
        if lines.plain:
            vsan.update(lines)
        subtitle = snapshot_share(stores)
        if subtitle != self.border_subtitle:
            self.border_subtitle = subtitle

    def _cells(self, tones: Tones, ds: DatastoreView, layout: DatastoresLayout) -> dict[str, Text]:
        tone = level_tone(ds.pct, WARN_PCT, ALERT_PCT)
        alarm = ds.pct >= ALERT_PCT
        return {
            "name": tones.text(ds.name, "error" if alarm else "foreground", bold=alarm),
            "type": tones.text(ds.type, "foreground-muted"),
            "bar": gauge(tones, ds.pct / 100.0, layout.bar, tone, MARKS),
            "pct": pct_text(tones, ds.pct),
            "used": Text(used_of(ds.used, ds.capacity)),
            "prov": provisioned_text(tones, ds),
            "iops": iops_text(tones, ds.iops, ds.iops_capacity),
            "lat": latency_text(tones, ds.latency_ms),
        }

    # ------------------------------------------------------------------ selection
    def _announce(self, *, force: bool = False) -> None:
        key = cursor_key(self.table)
        if key is None or (key == self._announced and not force):
            return
        self._announced = key
        self.post_message(self.Selected(self, "datastore", key[3:]))

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if self.table.has_focus:
            self._announce()

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._announce(force=True)

    def on_descendant_focus(self, _: events.DescendantFocus) -> None:
        self._announce(force=True)
