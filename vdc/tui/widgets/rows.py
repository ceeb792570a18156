"""Provides the row helpers the table panels share (hosts, datastores): `fit` (a cell of an
exact width), `sync_rows` (make a `DataTable` show a list of rows by touching only what
changed), the cursor's row key and moving it back, and focusing a panel's inner table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, TypeVar

from rich.text import Span, Text
from textual.css.query import NoMatches
from textual.widget import Widget
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist

from vdc.tui.widgets.table import InPlaceTable

Justify = Literal["left", "right"]
PanelT = TypeVar("PanelT", bound=Widget)


def fit(content: Text | str, width: int, justify: Justify = "left", *, gutter: bool = True) -> Text:
    """`content` as a Text exactly `width` cells wide, with a one-cell gutter on the left.

    The tables run with `cell_padding=0` so that every cell is laid out here: columns then keep
    their width from tick to tick, and a narrow panel spends one cell between columns, not two.
    Text that does not fit ends in an ellipsis.
    """
    inner = max(0, width - 1) if gutter else width
    if gutter and width > 0:
        source = Text(content) if isinstance(content, str) else content
        room = inner - source.cell_len
        if room >= 0:  # fits: what the steps below give, built at once (a tick makes hundreds)
            shift = 1 if justify == "left" else 1 + room
            body = f"{source.plain}{' ' * room}" if justify == "left" else f"{' ' * room}{source.plain}"
            out = Text(f" {body}", end="", no_wrap=True)
            spans = out.spans
            if source.style and body:
                spans.append(Span(1, 1 + len(body), source.style))
            spans.extend(Span(a + shift, b + shift, style) for a, b, style in source.spans)
            return out
    text = Text(content) if isinstance(content, str) else content.copy()
    text.truncate(inner, overflow="ellipsis")
    text.align(justify, inner)
    text.no_wrap = True
    text.end = ""
    if gutter and width > 0:
        text = Text(" ", end="") + text
        text.no_wrap = True
    return text


def sync_rows(table: InPlaceTable, rows: Sequence[tuple[str, Sequence[Text]]]) -> None:
    """Make `table` show `rows` (key, cells) in this order, changing only what differs.

    Cells that are equal to what the table holds are left alone, so an unchanged tick repaints
    nothing. Rows are added or removed only when the list of keys changes; a `DataTable` cannot
    insert in the middle, so rows after the first difference are taken out and put back with
    the same keys. The caller puts the cursor back (see `HostsPanel._restore_cursor`).
    """
    current = [str(row.key.value) for row in table.ordered_rows]
    wanted = [key for key, _ in rows]
    keep = len(wanted)
    if current != wanted:
        keep = 0
        for have, want in zip(current, wanted, strict=False):
            if have != want:
                break
            keep += 1
        for key in current[keep:]:
            table.remove_row(key)
        for key, cells in rows[keep:]:
            table.add_row(*cells, key=key)
    columns = [column.key for column in table.ordered_columns]
    # The row lists synced last time: a caller that hands the same list object again (a row
    # it did not rebuild) has nothing new in it.
    synced = table._synced_rows
    if table._synced_columns != columns or current != wanted:
        synced = {}
    for key, cells in rows[:keep]:
        if synced.get(key) is cells:
            continue
        for column, cell in zip(columns, cells, strict=False):
            if table.get_cell(key, column) != cell:
                table.update_cell(key, column, cell)
    table._synced_rows = {key: cells for key, cells in rows}
    table._synced_columns = columns


def cursor_key(table: DataTable) -> str | None:
    """The key of the row under the cursor, or None for an empty table."""
    if not table.row_count or not table.is_valid_row_index(table.cursor_row):
        return None
    return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value


def move_cursor_to(table: DataTable, key: str) -> bool:
    """Put the cursor on the row `key` (if it exists); True if it is there now."""
    try:
        index = table.get_row_index(key)
    except RowDoesNotExist:
        return False
    if index != table.cursor_row:
        table.move_cursor(row=index)
    return True


def focus_inside(panel: PanelT, kind: type[Widget], scroll_visible: bool = True) -> PanelT:
    """Focus the `kind` child of a panel that takes no focus itself (as soon as it exists)."""
    try:
        panel.query_one(kind).focus(scroll_visible)
    except NoMatches:  # not composed yet: right after it is
        panel.call_after_refresh(focus_inside, panel, kind, scroll_visible)
    return panel
