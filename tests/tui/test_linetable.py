"""LineTable: the line-API table under the VM list (keys, mouse, messages, lazy cells)."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from tests.tui.conftest import until
from vdc.tui.widgets.linetable import LineColumn, LineTable

ROWS = [f"vm-{i:03d}" for i in range(200)]


class TableApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.made: list[str] = []
        self.messages: list[tuple[str, object]] = []

    def cells(self, key: str) -> list[str | Text]:
        self.made.append(key)
        n = int(key[3:])
        return [key, str(n * 3 % 100).rjust(3), Text("✔ ok", style="green")]

    def compose(self) -> ComposeResult:
        yield LineTable(self.cells, id="t")

    def on_mount(self) -> None:
        table = self.query_one(LineTable)
        table.set_columns([
            LineColumn("name", Text("VM"), 8),
            LineColumn("cpu", Text("CPU", justify="right"), 3),
            LineColumn("health", Text("Health"), 6),
        ])
        table.set_rows(ROWS)

    def on_line_table_row_highlighted(self, m: LineTable.RowHighlighted) -> None:
        self.messages.append(("highlighted", m.row_key))

    def on_line_table_row_selected(self, m: LineTable.RowSelected) -> None:
        self.messages.append(("selected", m.row_key))

    def on_line_table_header_selected(self, m: LineTable.HeaderSelected) -> None:
        self.messages.append(("header", m.column_key))


async def test_only_rows_in_view_get_cells():
    app = TableApp()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(LineTable)

        def in_view(rows: list[str]) -> set[str]:
            return set(rows[: table.size.height - 1])  # the header takes a line

        await until(pilot, lambda: table.size.height and set(app.made) == in_view(ROWS))
        assert table.row_count == 200
        assert set(app.made) == in_view(ROWS)
        app.made.clear()
        table.set_rows(list(reversed(ROWS)))  # rows move: cells drawn before are reused
        await until(pilot, lambda: set(app.made) == in_view(list(reversed(ROWS))))
        assert set(app.made) == in_view(list(reversed(ROWS)))
        app.made.clear()
        table.invalidate(["vm-199", "vm-000"])  # one in view, one not
        await until(pilot, lambda: app.made)
        await pilot.pause()
        assert app.made == ["vm-199"]


async def test_keys_move_the_cursor_and_enter_selects():
    app = TableApp()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(LineTable)
        table.focus()
        await pilot.press("down", "down", "enter")
        await until(pilot, lambda: len(app.messages) == 3)
        assert table.cursor_row == 2
        assert app.messages == [
            ("highlighted", "vm-001"), ("highlighted", "vm-002"), ("selected", "vm-002"),
        ]
        await pilot.press("pagedown")
        page = table.scrollable_content_region.height - 1
        await until(pilot, lambda: table.cursor_row == 2 + page)
        assert table.cursor_row == 2 + page
        await pilot.press("ctrl+end")
        await until(pilot, lambda: table.cursor_row == 199 and table.scroll_y == table.max_scroll_y)
        assert table.cursor_row == 199 and table.scroll_y == table.max_scroll_y
        await pilot.press("ctrl+home", "up")
        await until(pilot, lambda: table.cursor_row == 0 and table.scroll_y == 0)
        assert table.cursor_row == 0 and table.scroll_y == 0


async def test_clicks_select_rows_and_headers():
    app = TableApp()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(LineTable)
        await pilot.click(LineTable, offset=(2, 3))  # row 2: moves the cursor
        await until(pilot, lambda: table.cursor_row == 2)
        assert table.cursor_row == 2
        assert ("selected", "vm-002") not in app.messages
        await pilot.click(LineTable, offset=(2, 3))  # again: selects it
        await until(pilot, lambda: app.messages[-1:] == [("selected", "vm-002")])
        assert app.messages[-1] == ("selected", "vm-002")
        await pilot.click(LineTable, offset=(12, 0))  # the CPU label
        await until(pilot, lambda: app.messages[-1:] == [("header", "cpu")])
        assert app.messages[-1] == ("header", "cpu")


async def test_draws_what_a_datatable_draws():
    """Same cells, same zebra, cursor and header styles as DataTable(cursor_type='row')."""

    class Both(App[None]):
        def compose(self) -> ComposeResult:
            yield LineTable(self.cells, id="lt")
            yield DataTable(cursor_type="row", zebra_stripes=True, id="dt")

        def cells(self, key: str) -> list[str | Text]:
            return [key, Text("12", justify="right"), Text("✖ DOWN", style="bold red")]

        def on_mount(self) -> None:
            lt = self.query_one(LineTable)
            dt = self.query_one(DataTable)
            columns = [("name", "VM", 8), ("cpu", "CPU", 3), ("health", "Health", 8)]
            lt.set_columns(LineColumn(k, Text(label), w) for k, label, w in columns)
            for k, label, w in columns:
                dt.add_column(Text(label), key=k, width=w)
            keys = [f"vm-{i}" for i in range(6)]
            lt.set_rows(keys)
            for k in keys:
                dt.add_row(*self.cells(k), key=k)

        CSS = "LineTable, DataTable { height: 8; width: 30; }"

    app = Both()
    async with app.run_test(size=(40, 20)) as pilot:
        lt, dt = app.query_one(LineTable), app.query_one(DataTable)
        region = lt.size.region
        app.set_focus(None)
        await pilot.pause()
        assert lt.render_lines(region) == dt.render_lines(region)
        lt.focus()
        await pilot.pause()
        focused = lt.render_lines(region)
        dt.focus()
        await pilot.pause()
        assert focused == dt.render_lines(region)
        assert focused != lt.render_lines(region)  # (focus does change the look)
