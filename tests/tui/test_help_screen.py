"""The help screen's key table (`?`) as drawn: its right border is whole at 80×24 and 160×50.

The picture of its SVG baseline (`test_svg_screens.py::test_help_keys`) shows a gap there when
it is turned into a PNG with librsvg (`shot.sh`'s default engine): librsvg ignores the SVG's
`textLength`, so a long run of box characters (a row's `├───┼───┤`) is drawn with the
fallback font's own advance (12.04 px, not Textual's 12.2 px cell) and ends about one cell
short of the single `│` drawn on the rows between. The screen itself, a real terminal and
Chromium (`ENGINE=chromium shot.sh …`) draw it whole; this test holds the screen to that.
"""

from __future__ import annotations

import pytest

from tests.tui.conftest import SIZES, level_app, screen_of, start, until
from vdc.tui.screens.help import KeysScreen

RIGHT = "┐│┤┘"
"""What the table's right border is drawn with, top to bottom."""


@pytest.mark.parametrize("size", SIZES)
async def test_the_keys_table_has_a_whole_right_border(size: tuple[int, int]) -> None:
    from textual.widgets._markdown import MarkdownTableContent

    async with level_app().run_test(size=size) as pilot:
        await start(pilot)
        await pilot.press("question_mark")
        keys = await screen_of(pilot, KeysScreen)
        await until(pilot, lambda: len(keys.query(MarkdownTableContent)) >= 1)
        table = keys.query(MarkdownTableContent).first()
        await until(pilot, lambda: table.region.width > 0)
        lines = [strip.text.rstrip() for strip in table.render_lines(table.region.reset_offset)]
        lines = [line for line in lines if line]
        assert len(lines) >= 2 * 10  # (a line per key and one between)
        ends = {len(line) for line in lines}
        assert len(ends) == 1, f"the right border moves: {sorted(ends)}"
        assert all(line[-1] in RIGHT for line in lines), [line[-1] for line in lines]
        assert lines[0][-1] == "┐" and {line[-1] for line in lines[1:]} <= set("│┤┘")
        assert ends.pop() <= table.region.width
