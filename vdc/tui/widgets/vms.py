"""Provides `VmTable`: every VM of the datacenter as a sortable, filterable table.

The table is built for 2,000 VMs updated four times a second: each `show(view)` compares what
each cell would display with what it displays now (vectorised over the view's numpy columns)
and tells the `LineTable` which rows changed; it makes cells only for the rows it draws.
Rows are re-ordered only when the order actually changed, and sorting uses the *displayed*
(rounded) values with inventory order breaking ties, so rows do not shuffle while the numbers
on screen stand still.

The columns fit the panel instead of scrolling sideways: when it is narrow, a column first
takes its short form and room from the health reason, and only then are the least useful ones
left out (latency, snapshots, memory, service, host), most useful first kept: name, health,
CPU, ready, power. Sorting works on every column, shown or not.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

import numpy as np
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.events import Resize
from textual.widgets import Input

from vdc.sim.view import SimView, VmColumns
from vdc.tui.widgets.linetable import LineColumn, LineTable
from vdc.tui.widgets.panel import Panel
from vdc.tui.widgets.vm_cells import (
    LABELS,
    SORT_COLUMNS,
    Cell,
    Column,
    Formatter,
    Keys,
    Words,
    changed_rows,
    display_keys,
    filter_mask,
    fit_columns,
    formatters,
    odd_guests,
    sort_order,
)

_SORT_WORDS: dict[str, tuple[str, str, str]] = {
    # column -> (label, order when not reversed, order when reversed)
    "name": ("name", "A→Z", "Z→A"),
    "host": ("host", "A→Z", "Z→A"),
    "power": ("power", "off first", "on first"),
    "cpu": ("CPU", "high→low", "low→high"),
    "ready": ("ready", "high→low", "low→high"),
    "costop": ("co-stop", "high→low", "low→high"),
    "memory": ("memory", "high→low", "low→high"),
    "latency": ("latency", "high→low", "low→high"),
    "snap": ("snapshots", "largest first", "smallest first"),
    "reclaim": ("swapped, ballooned", "most first", "least first"),
    "guest": ("Tools and NIC", "A→Z", "Z→A"),
    "net": ("port group", "A→Z", "Z→A"),
    "service": ("service", "A→Z", "Z→A"),
    "health": ("health", "down first", "ok first"),
}

_REBUILD_ABOVE = 64
"""Rows entering or leaving the filter in one show(): above this the cursor and the scroll go
back to the top (the set of rows is a different one)."""


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
        # Not in the footer: the game's acting keys need its room (listed under `?`).
        Binding("s", "cycle_sort", "Sort", tooltip="Sort by the next column", show=False),
        Binding("r", "reverse_sort", "Reverse", tooltip="Reverse the sort order", show=False),
        Binding("slash", "open_filter", "Filter", tooltip="Filter by name, host, service, reason",
                show=False),
        Binding("escape", "close_filter", "Clear filter", show=False),
        Binding("P", "toggle_portgroups", "Port groups", tooltip="Show or hide the VMs' port groups",
                show=False),
    ]
    """
    | Key(s) | Description |
    | :- | :- |
    | s | Sort by the next column (none → name → host → … → health → none). |
    | r | Reverse the sort order. |
    | / | Open the filter box (name, host, service, health reason or port group). |
    | escape | Clear the filter and close its box. |
    | P | Show or hide the Net column, the port groups of each VM (it shows by itself while a VM's network is cut). |
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
        self._names_arr = np.zeros(0, dtype=object)
        """`_names` as an array: rows by position in one step (32,000 VMs)."""
        self._index: dict[str, int] = {}
        self._text_widths = (4, 4, 7)
        """Widest VM, host and service name (capped)."""
        self._has_snaps = False
        self._has_costop = False
        self._has_guest = False
        self._guest_src: tuple[str, ...] | None = None
        self._services_src: tuple[str, ...] | None = None
        self._service_width = 7
        """Width of the widest Service cell (a router's role and traffic changes it)."""
        self._guest_odd = False
        """A host co-schedules strictly: the CoStp% column is shown."""
        self._has_reclaim = False
        self._net_asked = False
        """The player asked for the Port group column (`P`)."""
        self._net_width = 0
        """Width of the Port group column, 0 while it is not shown."""
        self._net_src: tuple[str, ...] | None = None
        self._net_widest = 0
        self._columns: list[Column] = []
        self._keys: Keys = {}
        """Per column, the display key of every VM as last shown ({} = redraw all)."""
        self._shown = np.zeros(0, dtype=np.bool_)
        """Which VMs have a row now."""
        self._order = np.zeros(0, dtype=np.int64)
        """VM indices in the order their rows stand in the table."""
        self._chosen: str | None = None
        """The VM the player put the cursor on (the cursor follows it), or None."""
        self._fmt: dict[str, Formatter] | None = None
        """Per shown column, display key → cell (None: make them again)."""
        self._words: Words | None = None
        """The power and health words of the last view (see `display_keys`)."""

    # ------------------------------------------------------------------ compose / mount
    def compose(self) -> ComposeResult:
        yield LineTable(self._cells_of, zebra_stripes=True, id="vm-data")
        yield Input(placeholder="filter: name, host, service or reason", id="vm-filter")

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._on_theme_changed)

    def _on_theme_changed(self, _theme: object) -> None:
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
        return self._names_arr[self._order].tolist()

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
        has_reclaim = bool((vms.balloon >= 0.05).any() or (vms.swapped >= 0.05).any())
        has_costop = any(h.co_scheduling == "strict" for h in view.hosts)
        if vms.guest is not self._guest_src:  # the view hands the same tuple until it changes
            self._guest_src, self._guest_odd = vms.guest, odd_guests(vms.guest)
        has_guest = self._guest_odd
        net_width = self._portgroup_width(vms)
        if vms.services is not self._services_src:  # the same tuple until a router's cell changes
            self._services_src = vms.services
            self._service_width = _widest(vms.services, LABELS["service"], 16)
        if (vms.names != self._names or self._service_width != self._text_widths[2]
                or has_snaps != self._has_snaps
                or has_reclaim != self._has_reclaim or has_costop != self._has_costop
                or has_guest != self._has_guest or net_width != self._net_width):
            if vms.names != self._names:
                self._new_inventory(view)
            self._text_widths = (*self._text_widths[:2], self._service_width)
            self._has_snaps = has_snaps  # the Snap column comes with the first snapshot
            self._has_reclaim = has_reclaim  # Bal/Swap while a host balloons or swaps
            self._has_costop = has_costop  # CoStp% while a host co-schedules strictly
            self._has_guest = has_guest  # Tools NIC while a VM lacks Tools or has an emulated NIC
            self._net_width = net_width  # Port group while a VM is cut off, or asked for
            self._keys, self._words = display_keys(vms, self._words)
            self._relayout(vms)
            return
        self._update_cells(vms)
        self._place_rows(vms)

    # ------------------------------------------------------------------ bindings
    def action_cycle_sort(self) -> None:
        """Sort by the next column; after the last, back to inventory order."""
        order: list[str | None] = [None, *(
            c for c in SORT_COLUMNS
            if (c != "snap" or self._has_snaps) and (c != "reclaim" or self._has_reclaim)
            and (c != "costop" or self._has_costop) and (c != "guest" or self._has_guest)
            and (c != "net" or self._net_width)
        )]
        self.sort_by(order[(order.index(self._sort) + 1) % len(order)], False)

    def action_toggle_portgroups(self) -> None:
        """Show the VMs' port groups, or hide them again (unless a VM is cut off)."""
        self._net_asked = not self._net_asked
        if self._view is not None:
            self.show(self._view)
        shown = any(c.key == "net" for c in self._columns)
        if self._net_asked and not shown:
            self.notify("No room for the Net column here: zoom the VMs panel (z) or widen "
                        "the terminal.", title="Port groups", severity="warning", timeout=4)
        elif not self._net_asked and shown:
            self.notify("The Net column stays while a VM's network is cut.", title="Port groups",
                        timeout=4)

    def _portgroup_width(self, vms: VmColumns) -> int:
        """Width of the Port group column: shown while a VM's network is cut (where it plugs
        in is then the question) or when asked for; 0 = left out."""
        cut = any(r.startswith("network cut") for r in vms.reasons if r)
        if not (self._net_asked or cut) or len(vms.portgroups) != len(vms):
            return 0
        if vms.portgroups is not self._net_src:  # the same tuple until the network changes
            self._net_src = vms.portgroups
            self._net_widest = min(24, max([len(LABELS["net"]), *map(len, vms.portgroups)]))
        return self._net_widest

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
        self._names_arr = np.array(vms.names, dtype=object)
        self._index = {name: i for i, name in enumerate(vms.names)}
        if self._chosen not in self._index:
            self._chosen = None
        self._text_widths = (
            _widest(vms.names, LABELS["name"], 24),
            _widest([h.name for h in view.hosts] + list(vms.hosts), LABELS["host"], 16),
            _widest(vms.services, LABELS["service"], 16),
        )

    def _fit(self) -> list[Column]:
        width = self.table.size.width
        # Without a size yet, lay out for a wide panel; on_resize re-fits.
        room = width - 1 if width > 0 else 200  # always leave the scrollbar its cell
        return fit_columns(room, *self._text_widths, snap=self._has_snaps, reclaim=self._has_reclaim,
                           costop=self._has_costop, guest=self._has_guest, net=self._net_width,
                           net_first=self._net_asked)

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
        self._shown = np.zeros(len(vms), dtype=np.bool_)
        self._order = np.zeros(0, dtype=np.int64)
        self._place_rows(vms)

    # ------------------------------------------------------------------ cells
    def _update_cells(self, vms: VmColumns) -> None:
        """Tell the table which rows show other text now (it re-makes those it draws)."""
        new, self._words = display_keys(vms, self._words)
        old = self._keys
        self._keys = new
        changed = changed_rows(new, old, self._columns[1:], len(vms))
        if changed is None:
            self.table.invalidate_all()
            return
        # Only rows with cells made (about those drawn) have anything to drop: 32,000 VMs
        # change numbers every tick, a few dozen are on screen.
        index = self._index
        self.table.invalidate([key for key in self.table.cached_rows
                               if key in index and changed[index[key]]])

    def _cells_of(self, vm: str) -> list[Cell]:
        """The cells of `vm`'s row, as shown now (the table asks only for rows it draws)."""
        if self._fmt is None:
            self._fmt = formatters(self._tones_now(), self._columns)
        return self._row_cells(self._index[vm], self._fmt)

    def _row_cells(self, i: int, fmt: dict[str, Formatter]) -> list[Cell]:
        keys = self._keys
        cells: list[Cell] = [self._names[i]]
        for col in self._columns[1:]:
            cells.append(fmt[col.key](keys[col.key][i]))
        return cells

    # ------------------------------------------------------------------ rows
    def _place_rows(self, vms: VmColumns) -> None:
        """Show the rows that pass the filter, in the wanted order (if that changed)."""
        table = self.table
        cursor_in_view = self._cursor_in_view()
        wanted = filter_mask(vms, self._filter)
        order = sort_order(vms, self._keys, self._sort, self._reverse)
        want_order = order[wanted[order]]
        moved = int(np.count_nonzero(self._shown != wanted))
        if moved > _REBUILD_ABOVE:
            table.clear()
        if moved or not np.array_equal(want_order, self._order) or table.row_count != len(want_order):
            table.set_rows(self._names_arr[want_order].tolist())
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
        self.titled(title)

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


def _widest(values: Iterable[str], label: str, cap: int) -> int:
    """Cells for a text column: its widest value or its label, at most `cap`."""
    return min(cap, max([len(label), *map(len, values)]))
