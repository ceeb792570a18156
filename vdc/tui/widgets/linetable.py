"""Provides `LineTable`: a read-only row-cursor table drawn with Textual's line API.

`DataTable` keeps every cell of every row and renders through caches that any sort or update
invalidates as a whole; for 2,000 VMs re-ordered four times a second that costs more than the
rest of a tick. Here the owner hands over the row order (`set_rows`) and a function that makes
one row's cells; cells are made only for rows drawn, kept until the owner `invalidate`s them,
and each screen line is a cached `Strip` re-made only when its row, cursor or hover changed.

It draws exactly what a `DataTable(cursor_type="row", zebra_stripes=True)` with one-line rows
draws (same component styles under `linetable--` names, same meta for the mouse), and has the
same keys, clicks and messages, so a panel can swap one for the other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size, Spacing
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from vdc.tui.widgets.table import Sizes, same_sizes, text_cell_line

Cell = str | Text
_MARKUP = frozenset("[:\n")
"""A str cell with none of these is plain text (what `Text.from_markup` would give anyway)."""


@dataclass(frozen=True, slots=True)
class LineColumn:
    key: str
    label: Text
    width: int
    """Content width, without the padding either side."""


class LineTable(ScrollView, can_focus=True):
    """A table of one-line rows with a row cursor; the rows' cells come from `cells_of(key)`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Select", show=False),
        Binding("up", "cursor_up", "Cursor up", show=False),
        Binding("down", "cursor_down", "Cursor down", show=False),
        Binding("right", "scroll_right", "Scroll right", show=False),
        Binding("left", "scroll_left", "Scroll left", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("ctrl+home", "scroll_top", "Top", show=False),
        Binding("ctrl+end", "scroll_bottom", "Bottom", show=False),
        Binding("home", "scroll_home", "Home", show=False),
        Binding("end", "scroll_end", "End", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "linetable--cursor",
        "linetable--hover",
        "linetable--header",
        "linetable--header-hover",
        "linetable--odd-row",
        "linetable--even-row",
    }

    DEFAULT_CSS = """
    LineTable {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 100%;
        &:focus {
            background-tint: $foreground 5%;
            & > .linetable--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .linetable--header {
                background-tint: $foreground 5%;
            }
        }
        &:dark {
            & > .linetable--even-row {
                background: $surface-darken-1 40%;
            }
        }
        & > .linetable--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .linetable--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .linetable--odd-row {
        }
        & > .linetable--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .linetable--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .linetable--header-hover {
            background: $accent 30%;
        }
        & > .linetable--hover {
            background: $block-hover-background;
        }
    }
    """

    class _RowMessage(Message):
        def __init__(self, table: LineTable, cursor_row: int, row_key: str) -> None:
            self.table = table
            self.cursor_row = cursor_row
            self.row_key = row_key
            """The row's key, as given to `set_rows`."""
            super().__init__()

        @property
        def control(self) -> LineTable:
            return self.table

    class RowHighlighted(_RowMessage):
        """Posted when the cursor moves to another row."""

    class RowSelected(_RowMessage):
        """Posted on Enter, or a click on the row under the cursor."""

    class HeaderSelected(Message):
        """Posted on a click on a column label."""

        def __init__(self, table: LineTable, column_key: str, column_index: int) -> None:
            self.table = table
            self.column_key = column_key
            self.column_index = column_index
            super().__init__()

        @property
        def control(self) -> LineTable:
            return self.table

    def __init__(
        self,
        cells_of: Callable[[str], Sequence[Cell]],
        *,
        zebra_stripes: bool = True,
        cell_padding: int = 1,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's keyword
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._cells_of = cells_of
        self.zebra_stripes = zebra_stripes
        self.cell_padding = cell_padding
        self._columns: list[LineColumn] = []
        self._keys: list[str] = []
        self._row_of: dict[str, int] | None = {}
        self._cursor = 0
        self._hover = 0
        self._show_hover = False
        self._bodies: dict[str, list[list[Segment]]] = {}
        """Per row key, each cell's padded segments (not yet styled by the row)."""
        self._lines: dict[int, tuple[object, tuple[object, ...], Strip]] = {}
        """Per row index (-1: the header): (bodies, what else it depends on, the strip)."""
        self._styles: dict[tuple[bool, bool, bool], tuple[Style, Style]] = {}
        self._pres: dict[tuple[int, bool, bool, int], list[Style]] = {}
        self._base = Style()
        self._pseudo: object = None
        self._applied_sizes: Sizes | None = None

    # ------------------------------------------------------------------ data
    @property
    def columns(self) -> list[LineColumn]:
        return list(self._columns)

    @property
    def row_count(self) -> int:
        return len(self._keys)

    @property
    def row_keys(self) -> list[str]:
        """The row keys, top to bottom."""
        return list(self._keys)

    @property
    def cursor_row(self) -> int:
        return self._cursor

    @property
    def table_width(self) -> int:
        return sum(c.width + 2 * self.cell_padding for c in self._columns)

    def set_columns(self, columns: Iterable[LineColumn]) -> None:
        """New columns: every cached cell and line is dropped."""
        self._columns = list(columns)
        self._bodies.clear()
        self._lines.clear()
        self._resize_virtual()
        self.refresh()

    def set_rows(self, keys: Sequence[str]) -> None:
        """The rows, top to bottom (rows keep their cached cells when they only move)."""
        if len(keys) == len(self._keys) and list(keys) == self._keys:
            return
        self._keys = list(keys)
        self._row_of = None
        if self._cursor >= len(self._keys):
            self._cursor = max(0, len(self._keys) - 1)
        self._resize_virtual()
        self._refresh_changed()

    def invalidate(self, keys: Iterable[str]) -> None:
        """The cells of these rows changed: make them again when next drawn."""
        bodies = self._bodies
        dropped = False
        for key in keys:
            if bodies.pop(key, None) is not None:
                dropped = True
        if dropped:
            self._refresh_changed()

    @property
    def cached_rows(self) -> list[str]:
        """Keys of the rows whose cells are made and kept (about the rows drawn): the only
        ones `invalidate` has anything to drop for."""
        return [key for key in self._bodies if key != "\0header"]

    def invalidate_all(self) -> None:
        self._bodies.clear()
        self._lines.clear()
        self.refresh()

    def clear(self) -> None:
        """No rows; cursor and scroll back at the top (as `DataTable.clear`)."""
        self._keys = []
        self._row_of = {}
        self._bodies.clear()
        self._lines.clear()
        self._cursor = self._hover = 0
        self._resize_virtual()
        self.scroll_x = self.scroll_y = 0
        self.scroll_target_x = self.scroll_target_y = 0
        self.refresh()

    def get_row_index(self, key: str) -> int:
        if self._row_of is None:
            self._row_of = {k: i for i, k in enumerate(self._keys)}
        return self._row_of[key]

    def row_key_at(self, row: int) -> str:
        return self._keys[row]

    def get_row(self, key: str) -> list[Cell]:
        """The cells of a row, as `cells_of` makes them."""
        return list(self._cells_of(key))

    def get_row_at(self, row: int) -> list[Cell]:
        return self.get_row(self._keys[row])

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        if same_sizes(self, size, virtual_size, container_size) is None:
            return False  # (see same_sizes: else the scrollbar repaints on every layout)
        changed = super()._size_updated(size, virtual_size, container_size, layout)
        self._applied_sizes = (size, virtual_size, container_size, self.virtual_size)
        return changed

    def _resize_virtual(self) -> None:
        size = Size(self.table_width, len(self._keys) + 1)
        if size != self.virtual_size:
            self.virtual_size = size

    # ------------------------------------------------------------------ cursor
    def move_cursor(self, *, row: int, animate: bool = False, scroll: bool = True) -> None:
        """Put the cursor on `row` (clamped); scroll it into view unless `scroll` is False."""
        self._set_cursor(row, scroll=scroll, animate=animate)

    def _set_cursor(self, row: int, *, scroll: bool = True, animate: bool = False) -> None:
        row = max(0, min(row, len(self._keys) - 1))
        old = self._cursor
        self._cursor = row
        if scroll:
            self._scroll_cursor_into_view(animate)
        if row != old:
            self.refresh_line(old + 1)
            self.refresh_line(row + 1)
            if row < len(self._keys):
                self.post_message(self.RowHighlighted(self, row, self._keys[row]))

    def _scroll_cursor_into_view(self, animate: bool = False) -> None:
        region = Region(int(self.scroll_x), self._cursor + 1, self.size.width, 1)
        self.scroll_to_region(region, animate=animate, spacing=Spacing(1, 0, 0, 0), force=True)

    def _set_hover(self, active: bool, row: int | None = None) -> None:
        before = (self._show_hover, self._hover)
        self._show_hover = active
        if row is not None:
            self._hover = row
        if (self._show_hover, self._hover) != before:
            self.refresh_line(before[1] + 1)
            self.refresh_line(self._hover + 1)

    def refresh_line(self, y: int) -> None:
        if y == 0:  # the header does not scroll
            self.refresh(Region(0, 0, max(self.virtual_size.width, self.size.width), 1))
        else:
            super().refresh_line(y)

    # ------------------------------------------------------------------ actions
    def action_cursor_up(self) -> None:
        self._set_hover(False)
        self._set_cursor(self._cursor - 1)

    def action_cursor_down(self) -> None:
        self._set_hover(False)
        self._set_cursor(self._cursor + 1)

    def _page(self) -> int:
        return self.scrollable_content_region.height - 1

    def action_page_down(self) -> None:
        self._set_hover(False)
        height = self._page()
        self.scroll_relative(y=height, animate=False, force=True)
        self._set_cursor(self._cursor + height, scroll=False)

    def action_page_up(self) -> None:
        self._set_hover(False)
        height = self._page()
        self.scroll_relative(y=-height, animate=False)
        self._set_cursor(self._cursor - height, scroll=False)

    def action_scroll_top(self) -> None:
        self._set_hover(False)
        self._set_cursor(0)

    def action_scroll_bottom(self) -> None:
        self._set_hover(False)
        self._set_cursor(len(self._keys) - 1)

    def action_scroll_home(self) -> None:
        self._set_hover(False)
        self.scroll_x = 0

    def action_scroll_end(self) -> None:
        self._set_hover(False)
        self.scroll_x = self.max_scroll_x

    def action_select_cursor(self) -> None:
        self._set_hover(False)
        if self._keys:
            self.post_message(self.RowSelected(self, self._cursor, self._keys[self._cursor]))

    # ------------------------------------------------------------------ mouse
    def _on_mouse_move(self, event: events.MouseMove) -> None:
        meta = event.style.meta
        if not meta or "row" not in meta:
            self._set_hover(False)
            return
        self._set_hover(True, meta["row"])

    def _on_leave(self, _: events.Leave) -> None:
        self._set_hover(False)

    async def _on_click(self, event: events.Click) -> None:
        self._set_hover(True)
        meta = event.style.meta
        if "row" not in meta or "column" not in meta:
            return
        row, column = meta["row"], meta["column"]
        if row == -1:
            if 0 <= column < len(self._columns):
                self.post_message(self.HeaderSelected(self, self._columns[column].key, column))
        elif 0 <= row < len(self._keys):
            again = row == self._cursor
            self._set_cursor(row, scroll=False)
            if again:
                self.post_message(self.RowSelected(self, row, self._keys[row]))
            self._scroll_cursor_into_view(animate=True)
            event.stop()

    # ------------------------------------------------------------------ rendering
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._pres.clear()
        self._lines.clear()
        self.refresh()

    def _on_resize(self, _: events.Resize) -> None:
        self._lines.clear()

    def _refresh_changed(self) -> None:
        """Refresh the lines in view whose row or cells changed since they were drawn."""
        lines = self._lines
        keys = self._keys
        bodies = self._bodies
        n = len(keys)
        top = self.scroll_offset.y
        width = max(self.virtual_size.width, self.size.width)
        stale: list[int] = []
        for y in range(1, self.size.height):
            row = top + y - 1
            cached = lines.get(row)
            key = keys[row] if row < n else None
            if (
                cached is None
                or cached[1][0] != key
                or cached[0] is not (bodies.get(key) if key is not None else None)
            ):
                stale.append(y)
        if stale:  # one region per run of lines: a refresh costs about the same for any size
            regions = []
            start = previous = stale[0]
            for y in [*stale[1:], -1]:
                if y != previous + 1:
                    regions.append(Region(0, start, width, previous - start + 1))
                    start = y
                previous = y
            self.refresh(*regions)

    def render_lines(self, crop: Region) -> list[Strip]:
        self._base = self.rich_style
        self._pseudo = self.get_pseudo_class_state()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        row = -1 if y == 0 else y - 1 + self.scroll_offset.y
        if row >= len(self._keys):
            self._lines[row] = (None, (None,), Strip.blank(width, self._base))
            return self._lines[row][2]
        key = None if row == -1 else self._keys[row]
        bodies = self._header_bodies() if key is None else self._row_bodies(key)
        cursor = row == self._cursor and row != -1
        hover = self._show_hover and row == self._hover
        deps = (key, cursor, hover, width, self.scroll_offset.x, self._base, self._pseudo)
        cached = self._lines.get(row)
        if cached is not None and cached[0] is bodies and cached[1] == deps:
            return cached[2]
        strip = self._render_row(row, bodies, cursor, hover, width)
        if len(self._lines) > 4 * max(1, self.size.height) + 8:
            self._lines.clear()
        self._lines[row] = (bodies, deps, strip)
        return strip

    def _header_bodies(self) -> list[list[Segment]]:
        bodies = self._bodies.get("\0header")
        if bodies is None:
            console = self.app.console
            pad = self.cell_padding
            bodies = [
                text_cell_line(c.label, c.width + 2 * pad, pad, console) for c in self._columns
            ]
            self._bodies["\0header"] = bodies
        return bodies

    def _row_bodies(self, key: str) -> list[list[Segment]]:
        bodies = self._bodies.get(key)
        if bodies is None:
            bodies = []
            console = self.app.console
            pad = self.cell_padding
            for column, cell in zip(self._columns, self._cells_of(key), strict=False):
                width = column.width + 2 * pad
                if isinstance(cell, str) and _MARKUP.isdisjoint(cell) and len(cell) <= column.width:
                    fill = " " * (column.width - len(cell))
                    edge = " " * pad
                    bodies.append([Segment(f"{edge}{cell}{fill}{edge}")])
                else:
                    text = cell if isinstance(cell, Text) else _as_text(cell)
                    bodies.append(text_cell_line(text, width, pad, console))
            self._bodies[key] = bodies
        return bodies

    def _cell_styles(self, header: bool, hover: bool, cursor: bool) -> tuple[Style, Style]:
        """As `DataTable._get_styles_to_render_cell` for a row cursor (CSS foreground first)."""
        cache_key = (header, hover, cursor)
        styles = self._styles.get(cache_key)
        if styles is None:
            get = self.get_component_rich_style
            component = Style()
            if hover:
                component += get("linetable--hover")
                if header:
                    component += get("linetable--header-hover")
            if cursor:
                component += get("linetable--cursor")
            styles = (component, Style.from_color(color=component.color))
            self._styles[cache_key] = styles
        return styles

    def _row_style(self, row: int) -> Style:
        if row == -1:
            return self.get_component_styles("linetable--header").rich_style
        if self.zebra_stripes:
            name = "linetable--odd-row" if row % 2 else "linetable--even-row"
            return self.get_component_styles(name).rich_style
        return self._base

    def _render_row(
        self, row: int, bodies: list[list[Segment]], cursor: bool, hover: bool, width: int
    ) -> Strip:
        pres = self._pre_styles(row, cursor, hover, len(bodies))
        post = self._cell_styles(row == -1, hover, cursor)[1]
        apply = Segment.apply_style
        segments: list[Segment] = []
        for pre, body in zip(pres, bodies, strict=False):
            segments.extend(apply(body, pre, post))
        table_width = self.table_width
        segments.append(Segment(" " * max(0, width - table_width), pres[-1]))
        x = self.scroll_offset.x
        if not x and table_width <= width:  # (always, for a table that fits): one Strip
            return Strip(Segment.simplify(segments), width)
        strip = Strip(segments)
        if x:
            strip = strip.crop(x, x + width)
        return strip.adjust_cell_length(width, self._base).simplify()

    def _pre_styles(self, row: int, cursor: bool, hover: bool, columns: int) -> list[Style]:
        """Each cell's style before its own (row, meta for the mouse, cursor), then the
        style of the space after the last column: the same for a line until it moves."""
        key = (row, cursor, hover, columns)
        styles = self._pres.get(key)
        if styles is None:
            row_style = self._row_style(row)
            component = self._cell_styles(row == -1, hover, cursor)[0]
            styles = [
                row_style + Style.from_meta({"row": row, "column": column}) + component
                for column in range(columns)
            ]
            extend = row_style + component
            styles.append(extend + Style.from_meta({"row": row, "column": 0, "out_of_bounds": True}))
            if len(self._pres) > 512:
                self._pres.clear()
            self._pres[key] = styles
        return styles


def _as_text(cell: object) -> Text:
    """A cell as DataTable formats it for a one-line row (markup in strings is honoured)."""
    content = str(cell)
    newline = content.find("\n")
    if newline != -1:
        content = content[:newline]
    text = Text.from_markup(content, end="")
    text.no_wrap = True
    return text
