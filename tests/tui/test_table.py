"""InPlaceTable: an updated cell is drawn anew, while the other rows keep their cached renders."""

from __future__ import annotations

from textual.app import App, ComposeResult

from vdc.tui.widgets.table import InPlaceTable


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield InPlaceTable()

    def on_mount(self) -> None:
        t = self.query_one(InPlaceTable)
        t.add_columns("vm", "cpu")
        for i in range(20):
            t.add_row(f"vm-{i:02d}", f"{i}%", key=f"vm-{i:02d}")


def line(t: InPlaceTable, y: int) -> str:
    return t.render_line(y).text


async def test_update_redraws_only_the_row_it_touches():
    app = TableApp()
    async with app.run_test(size=(40, 24)) as pilot:
        t = app.query_one(InPlaceTable)
        await pilot.pause()
        assert "vm-03" in line(t, 4) and "3%" in line(t, 4)
        cached_before = [k for k in t._row_render_cache.keys() if k[0].value == "vm-05"]
        assert cached_before
        t.update_cell("vm-03", t.ordered_columns[1].key, "97%")
        await pilot.pause()
        assert "97%" in line(t, 4)
        assert t.get_cell("vm-03", t.ordered_columns[1].key) == "97%"
        # vm-05 was not touched: its cached render survived the update.
        assert all(k in t._row_render_cache for k in cached_before)
        t.update_cell("vm-05", t.ordered_columns[1].key, "55%")
        t.update_cell("vm-05", t.ordered_columns[0].key, "vm-5b")
        await pilot.pause()
        assert "vm-5b" in line(t, 6) and "55%" in line(t, 6)
