"""Provides `InPlaceTable`: a DataTable whose cell updates re-render only the rows they touch.

`DataTable.update_cell` bumps the table's `_update_count`, which is part of every render-cache
key, so one changed cell makes every visible cell render again through Rich (about 0.3 ms a
cell: some 50 ms a tick for a 2,000-VM table at 160×50). Here an update marks its row dirty,
and just before the next render only the dirty rows' cached renders are dropped.

This leans on DataTable internals (its caches and their keys) of the pinned Textual version;
the panel tests and snapshots check that what is drawn follows every update.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.coordinate import Coordinate
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist, CellType, ColumnKey, RowKey

Sizes = tuple[Size, Size, Size, Size]


def same_sizes(widget: ScrollView, size: Size, virtual: Size, container: Size) -> Sizes | None:
    """The sizes a ScrollView's `_size_updated` is about to apply, or None if it applied them
    last time (then there is nothing to do).

    `ScrollView._size_updated` compares the container size it is given with one computed
    differently (the widget's own size minus gutter), so every layout pass counts as a change
    and repaints the scrollbars: some 5 ms each for a tall one, on every tick and keypress.
    """
    sizes = (size, virtual, container, widget.virtual_size)
    return None if sizes == getattr(widget, "_applied_sizes", None) else sizes


class InPlaceTable(DataTable):
    """A `DataTable` for tables that change a few cells many times a second."""

    def __init__(self, *args, **kwargs) -> None:
        self._row_lines: dict[RowKey, tuple[tuple[object, ...], tuple[list, list]]] = {}
        """Per row key: what its line depends on, and the line (see `_render_line_in_row`)."""
        super().__init__(*args, **kwargs)
        self._dirty_rows: dict[RowKey, None] = {}
        self._applied_sizes: Sizes | None = None
        self._synced_rows: dict[str, Sequence[Text]] = {}
        """The cells of each row as `sync_rows` last handed them (`vdc.tui.widgets.rows`)."""
        self._synced_columns: list[ColumnKey] | None = None
        """The columns when `sync_rows` last ran."""

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        if same_sizes(self, size, virtual_size, container_size) is None:
            return False
        changed = super()._size_updated(size, virtual_size, container_size, layout)
        self._applied_sizes = (size, virtual_size, container_size, self.virtual_size)
        return changed

    def _clear_caches(self) -> None:
        super()._clear_caches()
        self._row_lines.clear()

    def notify_style_update(self) -> None:
        self._row_lines.clear()
        super().notify_style_update()

    def update_cell(
        self,
        row_key: RowKey | str,
        column_key: ColumnKey | str,
        value: CellType,
        *,
        update_width: bool = False,
    ) -> None:
        if update_width:  # a width change re-lays out the table: the full path
            super().update_cell(row_key, column_key, value, update_width=True)
            return
        if isinstance(row_key, str):
            row_key = RowKey(row_key)
        if isinstance(column_key, str):
            column_key = ColumnKey(column_key)
        if row_key not in self._row_locations or column_key not in self._column_locations:
            raise CellDoesNotExist(
                f"No cell exists for row_key={row_key!r}, column_key={column_key!r}."
            )
        self._data[row_key][column_key] = value
        if row_key not in self._dirty_rows:
            self._dirty_rows[row_key] = None
            row_index = self._row_locations.get(row_key)
            if row_index is not None:
                self.refresh_row(row_index)  # just that row's line

    def _drop_dirty(self) -> None:
        """Forget the rendered lines of the rows updated since the last render."""
        dirty = self._dirty_rows
        self._dirty_rows = {}
        rows = self._row_lines
        for key in dirty:
            rows.pop(key, None)
        indexes = {self._row_locations.get(k) for k in dirty}  # membership only
        for renderables in [k for k in self._row_renderable_cache.keys() if k[1] in indexes]:
            self._row_renderable_cache.discard(renderables)
        # (Only rows that are not plain one-line text use the next two.)
        if len(self._cell_render_cache):
            for cell in [k for k in self._cell_render_cache.keys() if k[0] in dirty]:
                self._cell_render_cache.discard(cell)
        if len(self._row_render_cache):
            for row in [k for k in self._row_render_cache.keys() if k[0] in dirty]:
                self._row_render_cache.discard(row)
        header = self.header_height if self.show_header else 0
        lines = {i + header for i in indexes if i is not None}
        for line in [k for k in self._line_cache.keys() if k[0] in lines]:
            self._line_cache.discard(line)

    def _render_line_in_row(
        self,
        row_key: RowKey,
        line_no: int,
        base_style: Style,
        cursor_location: Coordinate,
        hover_location: Coordinate,
    ) -> tuple[list[list[Segment]], list[list[Segment]]]:
        """As DataTable's, for one-line rows of `Text` under a row cursor: kept per row, so an
        update drops just its own row (DataTable's caches can only be cleared whole)."""
        row = self.rows.get(row_key)
        row_index = self._row_locations.get(row_key)
        if (
            row is None
            or row_index is None
            or row.height != 1
            or self.cursor_type != "row"
            or self.fixed_columns
            or self.fixed_rows
            or (self._labelled_row_exists and self.show_row_labels)
        ):
            return super()._render_line_in_row(
                row_key, line_no, base_style, cursor_location, hover_location
            )
        hover = self._show_hover_cursor and hover_location.row == row_index
        cursor = cursor_location.row == row_index
        deps = (
            row_index, base_style, cursor, hover, self.show_cursor, self._update_count,
            self._pseudo_class_state, self.size.width,
        )
        cached = self._row_lines.get(row_key)
        if cached is not None and cached[0] == deps:
            return cached[1]
        data = self._data[row_key]
        cells = [data.get(column.key) for column in self.ordered_columns]
        texts = [cell for cell in cells if isinstance(cell, Text)]
        if len(texts) != len(cells):
            return super()._render_line_in_row(
                row_key, line_no, base_style, cursor_location, hover_location
            )
        row_style = self._get_row_style(row_index, base_style)
        component, post = self._get_styles_to_render_cell(
            False, False, False, hover, cursor, self.show_cursor, self._show_hover_cursor,
            self.cursor_foreground_priority == "css", self.cursor_background_priority == "css",
        )
        console = self.app.console
        padding = self.cell_padding
        scrollable: list[list[Segment]] = []
        table_width = 0
        for column_index, (column, cell) in enumerate(zip(self.ordered_columns, texts, strict=True)):
            width = column.get_render_width(self)
            table_width += width
            pre = row_style + Style.from_meta({"row": row_index, "column": column_index})
            line = text_cell_line(cell, width, padding, console)
            scrollable.append(list(Segment.apply_style(line, pre + component, post)))
        extend, _ = self._get_styles_to_render_cell(
            False, False, False, hover, cursor, self.show_cursor, self._show_hover_cursor,
            False, False,
        )
        extend = row_style + extend
        extend += Style.from_meta({"row": row_index, "column": 0, "out_of_bounds": True})
        remaining = max(0, self.size.width - table_width - self._row_label_column_width)
        scrollable.append([Segment(" " * remaining, extend)])
        pair: tuple[list[list[Segment]], list[list[Segment]]] = ([], scrollable)
        self._row_lines[row_key] = (deps, pair)
        return pair

    def render_lines(self, crop: Region) -> list[Strip]:
        if self._dirty_rows:
            self._drop_dirty()
        return super().render_lines(crop)

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> list[list[Segment]]:
        """As `DataTable._render_cell`, with a fast path for one-line body cells of text.

        The stock path lays every cell out through `console.render_lines` (padding, wrapping,
        measuring): about 80 µs a cell. A one-line row of `Text` needs none of that: its
        segments, padded and cut to the column width, styled like `Styled` would.
        """
        if row_index < 0 or column_index < 0:  # header and row labels: the stock path
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        if row_key is None or column_key is None or self.rows[row_key].height != 1:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        cache_key = (
            row_key, column_key, base_style, cursor, hover, self._show_hover_cursor,
            self._update_count, self._pseudo_class_state,
        )
        cached = self._cell_render_cache.get(cache_key)
        if cached is not None:
            return cached
        _, row_cells = self._get_row_renderables(row_index)
        cell = row_cells[column_index]
        if not isinstance(cell, Text):
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        is_fixed = row_index < self.fixed_rows or column_index < self.fixed_columns
        component_style, post_style = self._get_styles_to_render_cell(
            False, False, is_fixed, hover, cursor, self.show_cursor, self._show_hover_cursor,
            self.cursor_foreground_priority == "css", self.cursor_background_priority == "css",
        )
        pre_style = base_style + Style.from_meta({"row": row_index, "column": column_index})
        line = text_cell_line(cell, width, self.cell_padding, self.app.console)
        lines = [list(Segment.apply_style(line, pre_style + component_style, post_style))]
        self._cell_render_cache[cache_key] = lines
        return lines


def text_cell_line(cell: Text, width: int, padding: int, console: Console) -> list[Segment]:
    """One line of `Text` as DataTable draws it in a cell: padded either side, cut or filled
    to `width`, not yet styled by its row (what `Styled(Padding(cell))` renders, faster)."""
    pad = " " * padding
    inner = max(0, width - 2 * padding)
    if cell.cell_len > inner or cell.justify in ("right", "center", "full"):
        cell = cell.copy()
        cell.truncate(inner, overflow=cell.overflow or "fold")
        if cell.justify in ("right", "center"):
            cell.align(cell.justify, inner)
    if cell.spans or not cell.style:
        body = list(cell.render(console, end=""))
    else:  # Text.render applies the base style only through spans
        body = [Segment(cell.plain, console.get_style(cell.style))]
    segments = [Segment(pad), *body, Segment(pad)] if pad else body
    return Segment.adjust_line_length(segments, width)
