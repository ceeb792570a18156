"""Provides `InPlaceTable`: a DataTable whose cell updates re-render only the rows they touch.

`DataTable.update_cell` bumps the table's `_update_count`, which is part of every render-cache
key, so one changed cell makes every visible cell render again through Rich (about 0.3 ms a
cell: some 50 ms a tick for a 2,000-VM table at 160×50). Here an update marks its row dirty,
and just before the next render only the dirty rows' cached renders are dropped.

This leans on DataTable internals (its caches and their keys) of the pinned Textual version;
the panel tests and snapshots check that what is drawn follows every update.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist, CellType, ColumnKey, RowKey


class InPlaceTable(DataTable):
    """A `DataTable` for tables that change a few cells many times a second."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._dirty_rows: dict[RowKey, None] = {}

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
        self._dirty_rows[row_key] = None
        self.refresh()

    def _drop_dirty(self) -> None:
        """Forget the cached renders of the rows updated since the last render."""
        dirty = self._dirty_rows
        self._dirty_rows = {}
        indexes = {self._row_locations.get(k) for k in dirty}  # membership only
        for cache, pos, wanted in (
            (self._cell_render_cache, 0, dirty),
            (self._row_render_cache, 0, dirty),
            (self._row_renderable_cache, 1, indexes),
        ):
            for key in [k for k in cache.keys() if k[pos] in wanted]:
                cache.discard(key)
        self._line_cache.clear()  # lines are cheap to re-join from the cached rows

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
        row = self.rows[row_key]
        if row.height != 1:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        column_key = self._column_locations.get_key(column_index)
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
        pad = " " * self.cell_padding
        inner = max(0, width - 2 * self.cell_padding)
        if cell.cell_len > inner or cell.justify in ("right", "center", "full"):
            cell = cell.copy()
            cell.truncate(inner, overflow=cell.overflow or "fold")
            if cell.justify in ("right", "center"):
                cell.align(cell.justify, inner)
        console = self.app.console
        if cell.spans or not cell.style:
            body = list(cell.render(console, end=""))
        else:  # Text.render applies the base style only through spans
            body = [Segment(cell.plain, console.get_style(cell.style))]
        segments = [Segment(pad), *body, Segment(pad)] if pad else body
        line = Segment.adjust_line_length(segments, width)
        lines = [list(Segment.apply_style(line, pre_style + component_style, post_style))]
        self._cell_render_cache[cache_key] = lines
        return lines
