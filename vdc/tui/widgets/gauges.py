"""Provides the gauges the infrastructure panels draw in their cells: `gauge` (a bar on a
track), `meter` (a gauge and its percent), `history` (a sparkline of a whole series) and
`ready_text` (CPU ready with a symbol from 5 %)."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

from rich.text import Text

from vdc.tui.format import Tones, bar, level_tone, sparkline

NUM_W = 4
"""`100%`."""

TRACK = "─"
"""Drawn where a bar is empty, so its length reads at a glance (in the muted tone)."""


def gauge(tones: Tones, fraction: float, width: int, tone: str, marks: Sequence[float] = ()) -> Text:
    """`format.bar` in `tone` on a muted track, its marks (`│` / `┃`) in the foreground tone."""
    cells = bar(fraction, width, marks)
    text = Text(end="", no_wrap=True)
    for kind, run in groupby(cells, lambda c: 0 if c == " " else 1 if c in "│┃" else 2):
        chars = "".join(run)
        if kind == 0:
            text.append(TRACK * len(chars), tones("foreground-muted"))
        elif kind == 1:
            text.append(chars, tones("foreground"))
        else:
            text.append(chars, tones(tone))
    return text


def meter(tones: Tones, value: float, width: int, tone: str) -> Text:
    """A gauge `width` cells wide and the percent after it (just the percent when width is 0)."""
    number = f"{value:.0f}%".rjust(NUM_W)
    if width <= 0:
        return tones.text(number, tone)
    text = gauge(tones, value / 100.0, width, tone)
    text.append(" ")
    text.append(number, tones(tone))
    return text


def history(values: Sequence[float], width: int) -> str:
    """A sparkline of the whole series in `width` cells (averaged in buckets when longer)."""
    n = len(values)
    if n > width > 0:
        values = [
            sum(values[n * k // width : n * (k + 1) // width])
            / max(1, n * (k + 1) // width - n * k // width)
            for k in range(width)
        ]
    return sparkline(values, width)


def ready_text(tones: Tones, ready: float) -> Text:
    """CPU ready %: a plain number while fine, `▲` from 5 % (warning), `✖` from 10 % (error)."""
    tone = level_tone(ready, 5.0, 10.0)
    number = f"{ready:.1f}%" if ready < 10 else f"{ready:.0f}%"
    symbol = {"success": "", "warning": "▲", "error": "✖"}[tone]
    return tones.text(symbol + number, tone, bold=tone == "error")
