"""Provides `VmTable`: every VM of the datacenter as a sortable, filterable table.

The table is built for 2,000 VMs updated four times a second: each `show(view)` compares what
each cell would display with what it displays now (vectorised over the view's numpy columns)
and tells the `LineTable` which rows changed; it makes cells only for the rows it draws.
Rows are re-ordered only when the order actually changed, and sorting uses the *displayed*
(rounded) values with inventory order breaking ties, so rows do not shuffle while the numbers
on screen stand still.

The columns fit the panel instead of scrolling sideways: when it is narrow, the least useful
columns (latency, memory, service, host) are left out, most useful first kept: name, health,
CPU, ready, power. Sorting works on every column, shown or not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.events import Resize
from textual.widgets import Input

from vdc.sim.view import SimView, VmColumns
from vdc.tui.format import HEALTH, SEVERITY, VM_POWER, Tones, gib
from vdc.tui.widgets.linetable import LineColumn, LineTable
from vdc.tui.widgets.panel import Panel

CellType = str | Text


@dataclass(frozen=True, slots=True)
class _Column:
    key: str
    label: str
    width: int
    numeric: bool
    """Right-aligned, and sorted highest first."""


SORT_COLUMNS: tuple[str, ...] = (
    "name", "host", "power", "cpu", "ready", "memory", "latency", "snap", "service", "health",
)
"""Column keys in display order; also the order `s` cycles through (after "none")."""

_LABELS: dict[str, str] = {
    "name": "VM", "host": "Host", "power": "Power", "cpu": "CPU%", "ready": "Ready%",
    "memory": "Mem GiB", "latency": "Lat ms", "service": "Service", "health": "Health",
    "snap": "Snap",
}
_NUMERIC = frozenset({"cpu", "ready", "memory", "latency", "snap"})
_FIXED_WIDTHS: dict[str, int] = {
    "power": 6, "cpu": 4, "ready": 6, "memory": 7, "latency": 6, "snap": 11,
}
"""Widest text of each fixed-format column (`◐ boot`, `100`, `✖ 12.3`, `100/128`, `1.1`)."""

_KEEP_ORDER: tuple[str, ...] = (
    "name", "health", "cpu", "ready", "power", "snap", "host", "service", "memory", "latency",
)
"""Which columns a narrow panel keeps first ("snap" only once a VM has a snapshot)."""

_HEALTH_MIN, _HEALTH_WANT, _HEALTH_MAX = 6, 20, 26
"""Health cells: `✖ DOWN` at least, room for a short reason if the panel allows."""

_PAD = 2
"""DataTable cell padding: one cell either side of every column."""

_SORT_WORDS: dict[str, tuple[str, str, str]] = {
    # column -> (label, order when not reversed, order when reversed)
    "name": ("name", "A→Z", "Z→A"),
    "host": ("host", "A→Z", "Z→A"),
    "power": ("power", "off first", "on first"),
    "cpu": ("CPU", "high→low", "low→high"),
    "ready": ("ready", "high→low", "low→high"),
    "memory": ("memory", "high→low", "low→high"),
    "latency": ("latency", "high→low", "low→high"),
    "snap": ("snapshots", "largest first", "smallest first"),
    "service": ("service", "A→Z", "Z→A"),
    "health": ("health", "down first", "ok first"),
}

_REBUILD_ABOVE = 64
"""Rows entering or leaving the filter in one show(): above this the cursor and the scroll go
back to the top (the set of rows is a different one)."""

_POWER_RANK = {"off": 0, "booting": 1, "on": 2}
"""Power sort: problems (off, booting) first."""


def short_reason(reason: str) -> str:
    """The view's health reason, shortened to fit a table cell."""
    if reason.startswith("broken by"):
        return "bad change"
    if reason.startswith("network cut"):
        return "VLAN not carried"
    if reason.startswith("paused: "):
        return reason.removeprefix("paused: ")
    if reason.startswith("starved: gets "):
        return "starved " + reason.removeprefix("starved: gets ").split(" of ")[0]
    if reason.startswith("storage latency"):
        return reason.replace("storage latency", "disk latency")
    return reason


def fit_columns(width: int, name: int, host: int, service: int, snap: bool = False) -> list[_Column]:
    """The columns that fit `width` cells, in display order, most useful kept first.

    Args:
        width: Cells available for the table (without its scrollbar).
        name: Widest VM name. host: widest host name. service: widest service name.
    """
    widths = _FIXED_WIDTHS | {"name": name, "host": host, "service": service}

    def keep(health: int) -> tuple[set[str], int]:
        kept = {"name", "health"}
        used = name + health + 2 * _PAD
        for key in _KEEP_ORDER[2:]:
            if key == "snap" and not snap:
                continue
            if used + widths[key] + _PAD <= width:
                kept.add(key)
                used += widths[key] + _PAD
        return kept, used

    kept, used = keep(_HEALTH_WANT)
    health = _HEALTH_WANT
    if not {"cpu", "ready", "power"} <= kept:
        kept, used = keep(_HEALTH_MIN)  # numbers before the health reason when narrow
        health = _HEALTH_MIN
    health = max(health, min(_HEALTH_MAX, health + width - used))
    widths["health"] = health
    return [
        _Column(key, _LABELS[key], widths[key], key in _NUMERIC)
        for key in SORT_COLUMNS
        if key in kept
    ]


def _tenths(values: np.ndarray) -> np.ndarray:
    """A display key: tenths below 10, whole numbers from 10 on (in tenths), as int64."""
    tenths = np.rint(values * 10.0)
    whole = np.rint(values) * 10.0
    return np.where(values < 10.0, tenths, whole).astype(np.int64)


def _tenths_text(key: int) -> str:
    return f"{key / 10:.1f}" if key < 100 else f"{key // 10}"


def _snap_keys(vms: VmColumns) -> np.ndarray:
    """Snap display key: GiB in tenths × 100 + count (−1 without snapshots)."""
    count, size = vms.snap_count, vms.snap_gib
    if count.size != len(vms):
        return np.full(len(vms), -1, dtype=np.int64)
    return np.where(count > 0, np.rint(size * 10.0).astype(np.int64) * 100 + count, -1)


def _snap_text(key: int) -> str:
    """`2 · 14 GiB`."""
    tenths, n = divmod(key, 100)
    return f"{n} · {gib(tenths / 10)}"


class VmTable(Panel):
    """The VM inventory: name, host, power, CPU, ready, memory, latency, service, health.

    Call `show(view)` with each new snapshot. Sort with `sort_by()`, the keys below or a click
    on a column header; filter with `set_filter()` or `/`. Enter or a click on a row posts
    `Panel.Selected` (kind "vm"). `selected_vm` is the VM under the cursor. Once the player has put
    the cursor on a VM (moved it off the top row, or pressed Enter), the cursor stays on that
    VM when the rows re-order; until then it stays on the top row, so a table sorted by CPU
    keeps showing the busiest VMs.
    """

    BORDER_TITLE = "VMs"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "cycle_sort", "Sort", tooltip="Sort by the next column"),
        Binding("r", "reverse_sort", "Reverse", tooltip="Reverse the sort order"),
        Binding("slash", "open_filter", "Filter", tooltip="Filter by name, host, service, reason"),
        Binding("escape", "close_filter", "Clear filter", show=False),
    ]
    """
    | Key(s) | Description |
    | :- | :- |
    | s | Sort by the next column (none → name → host → … → health → none). |
    | r | Reverse the sort order. |
    | / | Open the filter box (name, host, service or health reason). |
    | escape | Clear the filter and close its box. |
    """

    DEFAULT_CSS = """
    VmTable {
        height: 1fr;
        & > LineTable {
            height: 1fr;
            background: $surface;
            overflow-x: hidden;
            scrollbar-size-vertical: 1;
        }
        & > #vm-filter {
            display: none;
            height: 1;
            border: none;
            padding: 0 1;
            background: $boost;
        }
        &.-filtering > #vm-filter { display: block; }
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
        self._sort: str | None = None
        self._reverse = False
        self._filter = ""
        self._view: SimView | None = None
        self._names: tuple[str, ...] = ()
        self._index: dict[str, int] = {}
        self._text_widths = (4, 4, 7)
        """Widest VM, host and service name (capped)."""
        self._has_snaps = False
        self._columns: list[_Column] = []
        self._keys: dict[str, object] = {}
        """Per column, the display key of every VM as last shown ({} = redraw all)."""
        self._shown = np.zeros(0, dtype=bool)
        """Which VMs have a row now."""
        self._order: list[int] = []
        """VM indices in the order their rows stand in the table."""
        self._chosen: str | None = None
        """The VM the player put the cursor on (the cursor follows it), or None."""
        self._tones = Tones({})
        self._fmt: dict[str, Callable[[object], CellType]] | None = None
        self._words: tuple | None = None
        """(power, reasons, healthy, off mask, health keys) of the last view (see _display_keys)."""
        """Per shown column, display key → cell (None: make them again)."""

    # ------------------------------------------------------------------ compose / mount
    def compose(self) -> ComposeResult:
        yield LineTable(self._cells_of, zebra_stripes=True, id="vm-data")
        yield Input(placeholder="filter: name, host, service or reason", id="vm-filter")

    def on_mount(self) -> None:
        self._tones = Tones.of(self.app)
        self.app.theme_changed_signal.subscribe(self, self._on_theme_changed)

    def _on_theme_changed(self, _theme: object) -> None:
        self._tones = Tones.of(self.app)
        self._fmt = None
        self._keys = {}  # every cell is redrawn with the new tones
        if self._view is not None:
            self.show(self._view)

    def on_resize(self, _event: Resize) -> None:
        if self._view is not None and self._fit() != self._columns:
            self._relayout(self._view.vms)

    @property
    def table(self) -> LineTable:
        """The inner LineTable (for focus and tests; its rows belong to this widget)."""
        return self.query_one("#vm-data", LineTable)

    # ------------------------------------------------------------------ public API
    @property
    def sort_column(self) -> str | None:
        """The column the rows are sorted by, or None for inventory order."""
        return self._sort

    @property
    def sort_reverse(self) -> bool:
        return self._reverse

    @property
    def filter_text(self) -> str:
        return self._filter

    @property
    def columns(self) -> list[str]:
        """Keys of the columns shown (a narrow panel leaves some out)."""
        return [c.key for c in self._columns]

    @property
    def selected_vm(self) -> str | None:
        """The VM under the cursor, or None while the table is empty."""
        table = self.table
        if table.row_count == 0:
            return None
        return table.row_key_at(min(table.cursor_row, table.row_count - 1))

    @property
    def visible_vms(self) -> list[str]:
        """Names of the VMs with a row, top to bottom."""
        return [self._names[i] for i in self._order]

    def sort_by(self, column: str | None, reverse: bool = False) -> None:
        """Sort the rows by `column` (one of SORT_COLUMNS; None or "none": inventory order).

        Numbers (CPU, ready, memory, latency) sort highest first, words A→Z, health DOWN first,
        power off first; `reverse` turns that round. Ties keep inventory order.

        Raises:
            ValueError: For a column that does not exist.
        """
        if column == "none":
            column = None
        if column is not None and column not in SORT_COLUMNS:
            raise ValueError(f"cannot sort by {column!r}: choose one of {', '.join(SORT_COLUMNS)}")
        self._sort = column
        self._reverse = reverse
        self._refresh_subtitle()
        if self._view is not None:
            self._place_rows(self._view.vms)

    def set_filter(self, text: str) -> None:
        """Keep only VMs whose name, host, service or health reason contains `text`
        (case-insensitive); an empty text shows every VM."""
        self._filter = text.strip().lower()
        self._refresh_subtitle()
        if self._view is not None:
            self._place_rows(self._view.vms)

    def show(self, view: SimView) -> None:
        """Bring the table up to date with a new snapshot (cheap when little changed)."""
        self._view = view
        vms = view.vms
        has_snaps = bool(vms.snap_count.any())
        if vms.names != self._names or has_snaps != self._has_snaps:
            if vms.names != self._names:
                self._new_inventory(view)
            self._has_snaps = has_snaps  # the Snap column comes with the first snapshot
            self._keys = self._display_keys(vms)
            self._relayout(vms)
            return
        self._update_cells(vms)
        self._place_rows(vms)

    # ------------------------------------------------------------------ bindings
    def action_cycle_sort(self) -> None:
        """Sort by the next column; after the last, back to inventory order."""
        order: list[str | None] = [None, *(c for c in SORT_COLUMNS if c != "snap" or self._has_snaps)]
        self.sort_by(order[(order.index(self._sort) + 1) % len(order)], False)

    def action_reverse_sort(self) -> None:
        """Reverse the current sort order."""
        self.sort_by(self._sort, not self._reverse)

    def action_open_filter(self) -> None:
        """Show the filter box and focus it."""
        self.add_class("-filtering")
        box = self.query_one("#vm-filter", Input)
        box.value = self._filter
        box.focus()

    def action_close_filter(self) -> None:
        """Clear the filter, hide its box, focus the table."""
        self.remove_class("-filtering")
        self.query_one("#vm-filter", Input).value = ""
        self.set_filter("")
        self.table.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "close_filter":
            # Let Escape reach the screen when there is nothing to close.
            return bool(self._filter) or self.has_class("-filtering")
        return True

    @on(Input.Changed, "#vm-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.set_filter(event.value)

    @on(Input.Submitted, "#vm-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self._filter:
            self.remove_class("-filtering")
        self.table.focus()

    @on(LineTable.RowSelected, "#vm-data")
    def _row_selected(self, event: LineTable.RowSelected) -> None:
        event.stop()
        self._chosen = event.row_key
        self.post_message(self.Selected(self, "vm", event.row_key))

    @on(LineTable.RowHighlighted, "#vm-data")
    def _row_highlighted(self, event: LineTable.RowHighlighted) -> None:
        """The player moved the cursor: follow that VM from now on."""
        event.stop()
        vm = event.row_key
        if vm != self.selected_vm:
            return  # stale: the rows moved under the cursor since this was posted
        if self._chosen is None and self.table.cursor_row == 0:
            return  # still the top row (also where clear() and the first row put it)
        self._chosen = vm
        if self.table.has_focus:  # like the Hosts panel: the selection follows the cursor
            self.post_message(self.Selected(self, "vm", vm))

    def on_descendant_focus(self, _: events.DescendantFocus) -> None:
        """Coming into the table selects the VM under the cursor (keys act on what is shown)."""
        vm = self.selected_vm
        if vm is not None:
            self.post_message(self.Selected(self, "vm", vm))

    @on(LineTable.HeaderSelected, "#vm-data")
    def _header_selected(self, event: LineTable.HeaderSelected) -> None:
        event.stop()
        column = event.column_key
        self.sort_by(column, not self._reverse if column == self._sort else False)

    # ------------------------------------------------------------------ columns
    def _new_inventory(self, view: SimView) -> None:
        vms = view.vms
        self._names = vms.names
        self._index = {name: i for i, name in enumerate(vms.names)}
        if self._chosen not in self._index:
            self._chosen = None

        def widest(values: object, label: str, cap: int) -> int:
            return min(cap, max([len(label), *map(len, values)]))  # type: ignore[call-overload]

        self._text_widths = (
            widest(vms.names, _LABELS["name"], 24),
            widest([h.name for h in view.hosts] + list(vms.hosts), _LABELS["host"], 16),
            widest(vms.services, _LABELS["service"], 16),
        )

    def _fit(self) -> list[_Column]:
        width = self.table.size.width
        # Without a size yet, lay out for a wide panel; on_resize re-fits.
        room = width - 1 if width > 0 else 200  # always leave the scrollbar its cell
        return fit_columns(room, *self._text_widths, snap=self._has_snaps)

    def _relayout(self, vms: VmColumns) -> None:
        """Re-create the columns (first show, new inventory, new width) and re-add the rows."""
        self._columns = self._fit()
        self._fmt = None
        table = self.table
        table.clear()
        table.set_columns(
            LineColumn(col.key, Text(col.label, justify="right" if col.numeric else "left"), col.width)
            for col in self._columns
        )
        self._shown = np.zeros(len(vms), dtype=bool)
        self._order = []
        self._place_rows(vms)

    # ------------------------------------------------------------------ cells
    def _display_keys(self, vms: VmColumns) -> dict[str, object]:
        """Per column, a value per VM that changes exactly when the cell's text changes."""
        words = self._words
        if words is None or words[0] != vms.power or words[1] != vms.reasons or not np.array_equal(
            words[2], vms.healthy
        ):  # power and health words change rarely: worked out again only when they do
            off = np.fromiter((p == "off" for p in vms.power), dtype=bool, count=len(vms))
            health = tuple(
                "" if ok else reason or "unhealthy"
                for ok, reason in zip(vms.healthy.tolist(), vms.reasons, strict=True)
            )
            words = self._words = (vms.power, vms.reasons, vms.healthy.copy(), off, health)
        off, health = words[3], words[4]
        mem_cfg = np.rint(vms.memory * 10.0).astype(np.int64)
        return {
            "host": vms.hosts,
            "power": vms.power,
            "cpu": np.where(off, -1, np.rint(vms.cpu_pct).astype(np.int64)),
            "ready": np.where(off, -1, np.rint(vms.ready_pct * 10.0).astype(np.int64)),
            "memory": np.where(off, -1, _tenths(vms.mem_active) * 100_000 + mem_cfg),
            "latency": np.where(off, -1, _tenths(vms.latency_ms)),
            "snap": _snap_keys(vms),
            "service": vms.services,
            "health": health,
        }

    def _formatters(self) -> dict[str, Callable[[object], CellType]]:
        """Per shown column, display key → cell."""
        tones = self._tones
        widths = {c.key: c.width for c in self._columns}

        def number(col: str, text: Callable[[int], str]) -> Callable[[object], CellType]:
            width = widths.get(col, 0)
            return lambda k: ("–" if k == -1 else text(int(k))).rjust(width)  # type: ignore[call-overload]

        def power(p: object) -> CellType:
            symbol, word, tone = VM_POWER.get(str(p), ("?", str(p), "warning"))
            return tones.text(f"{symbol} {word}", tone)

        def ready(k: object) -> CellType:
            key = int(k)  # type: ignore[call-overload]
            width = widths.get("ready", 0)
            if key == -1:
                return "–".rjust(width)
            if key < 50:
                return f"{key / 10:.1f}".rjust(width)
            severity, tone = ("critical", "error") if key >= 100 else ("warning", "warning")
            return tones.text(f"{SEVERITY[severity][0]} {key / 10:.1f}".rjust(width), tone)

        def memory(key: int) -> str:
            active, cfg = divmod(key, 100_000)
            return f"{_tenths_text(active)}/{cfg / 10:g}"

        def health(reason: object) -> CellType:
            symbol, word, tone = HEALTH[not reason]
            out = tones.text(f"{symbol} {word}", tone, bold=bool(reason))
            width = widths.get("health", 0)
            if reason:
                why = short_reason(str(reason))
                room = width - out.cell_len - 1
                if len(why) <= room or room >= 8:  # a reason cut to 2–3 letters says nothing
                    out.append(f" {why}", tones(tone))
            out.truncate(width, overflow="ellipsis")
            return out

        return {
            "host": str,
            "power": power,
            "cpu": number("cpu", str),
            "ready": ready,
            "memory": number("memory", memory),
            "latency": number("latency", _tenths_text),
            "snap": number("snap", _snap_text),
            "service": str,
            "health": health,
        }

    def _update_cells(self, vms: VmColumns) -> None:
        """Tell the table which rows show other text now (it re-makes those it draws)."""
        new = self._display_keys(vms)
        old = self._keys
        self._keys = new
        if any(old.get(col.key) is None for col in self._columns[1:]):
            self.table.invalidate_all()
            return
        changed = np.zeros(len(vms), dtype=bool)
        for col in self._columns[1:]:
            keys, before = new[col.key], old[col.key]
            if isinstance(keys, np.ndarray):
                changed |= keys != before
            elif keys is before or keys == before:  # (words: mostly the same every tick)
                continue
            else:
                changed |= np.fromiter(
                    (a != b for a, b in zip(keys, before, strict=True)),  # type: ignore[call-overload]
                    dtype=bool,
                    count=len(vms),
                )
        names = self._names
        self.table.invalidate([names[i] for i in np.flatnonzero(changed).tolist()])

    def _cells_of(self, vm: str) -> list[CellType]:
        """The cells of `vm`'s row, as shown now (the table asks only for rows it draws)."""
        if self._fmt is None:
            self._fmt = self._formatters()
        return self._row_cells(self._index[vm], self._fmt)

    def _row_cells(self, i: int, fmt: dict[str, Callable[[object], CellType]]) -> list[CellType]:
        keys = self._keys
        cells: list[CellType] = [self._names[i]]
        for col in self._columns[1:]:
            cells.append(fmt[col.key](keys[col.key][i]))  # type: ignore[index]
        return cells

    # ------------------------------------------------------------------ rows
    def _wanted(self, vms: VmColumns) -> np.ndarray:
        """Which VMs pass the filter."""
        if not self._filter:
            return np.ones(len(vms), dtype=bool)
        f = self._filter
        return np.fromiter(
            (
                f in name.lower() or f in host.lower() or f in svc.lower() or f in reason.lower()
                for name, host, svc, reason in zip(
                    vms.names, vms.hosts, vms.services, vms.reasons, strict=True
                )
            ),
            dtype=bool,
            count=len(vms),
        )

    def _sort_order(self, vms: VmColumns) -> np.ndarray:
        """All VM indices in the wanted display order."""
        n = len(vms)
        index = np.arange(n)
        col = self._sort
        if col is None:
            return index[::-1] if self._reverse else index
        keys = self._keys
        if col in _NUMERIC:
            rank = -np.asarray(keys[col])  # highest first
        elif col == "power":
            rank = np.array([_POWER_RANK.get(p, 3) for p in vms.power])
        elif col == "health":
            reasons = np.array([r or "~" for r in keys["health"]])  # type: ignore[union-attr]
            rank = np.unique(reasons, return_inverse=True)[1].reshape(-1)
            rank = np.where(vms.healthy, n + rank, rank)  # DOWN first
        else:
            values = {"name": vms.names, "host": vms.hosts, "service": vms.services}[col]
            rank = np.unique(np.array(values, dtype=str), return_inverse=True)[1].reshape(-1)
        if self._reverse:
            rank = -rank
        return np.lexsort((index, rank))

    def _place_rows(self, vms: VmColumns) -> None:
        """Show the rows that pass the filter, in the wanted order (if that changed)."""
        table = self.table
        cursor_in_view = self._cursor_in_view()
        wanted = self._wanted(vms)
        order = self._sort_order(vms)
        want_order: list[int] = order[wanted[order]].tolist()
        moved = int(np.count_nonzero(self._shown != wanted))
        names = self._names
        if moved > _REBUILD_ABOVE:
            table.clear()
        if moved or want_order != self._order or table.row_count != len(want_order):
            table.set_rows([names[i] for i in want_order])
        self._order = want_order
        self._shown = wanted
        self._refresh_title()
        chosen = self._chosen
        at = self._index.get(chosen) if chosen is not None else None
        if chosen is not None and at is not None and wanted[at]:
            self._follow(chosen, cursor_in_view)

    def _follow(self, vm: str, scroll: bool) -> None:
        """Put the cursor back on `vm`; scroll to it only if it was on screen before."""
        table = self.table
        row = table.get_row_index(vm)
        if row != table.cursor_row:
            table.move_cursor(row=row, scroll=scroll)

    def _cursor_in_view(self) -> bool:
        table = self.table
        if table.row_count == 0:
            return True
        top = int(table.scroll_y)
        rows_visible = max(1, table.scrollable_content_region.height - 1)  # minus the header
        return top <= table.cursor_row < top + rows_visible

    def _refresh_title(self) -> None:
        total = len(self._names)
        shown = len(self._order)
        title = f"VMs ({total:,})" if shown == total else f"VMs ({shown:,} of {total:,})"
        if title != self.border_title:  # setting it repaints the whole panel
            self.border_title = title

    def _refresh_subtitle(self) -> None:
        parts = []
        if self._sort is not None:
            label, ahead, back = _SORT_WORDS[self._sort]
            parts.append(f"sort {label} {back if self._reverse else ahead}")
        elif self._reverse:
            parts.append("inventory order, reversed")
        if self._filter:
            parts.append(f"filter “{self._filter}”")
        subtitle = " · ".join(parts)
        if subtitle != self.border_subtitle:
            self.border_subtitle = subtitle
