"""Provides `LineChart`: numeric series over sim time, drawn with marker and box characters.

Each series is drawn with its own marker (`●`, `■`, `▲`, …) *and* its own tone, so series
are told apart without colour. Series longer than the plot is wide are downsampled to the minimum
and maximum of each column's bucket, so a one-minute outage or a one-minute spike still shows
as a vertical stroke; shorter series are stretched (each sample covers several columns).

The plotting is pure (`plot` returns a grid of `(character, role)` cells), so it is tested
without an app; the widget only turns roles into theme styles through its component classes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.widget import Widget

MARKERS: tuple[str, ...] = ("●", "■", "▲", "◆", "○", "□")
"""One marker per series, in order. Beyond this many series, aggregate (see `aggregate`)."""

MAX_SERIES = len(MARKERS)
"""The most series a chart tells apart; more reuse markers, so callers should aggregate."""

CONNECTOR = "│"
"""Joins a series' points when it moves more than one row between (or within) columns."""

THRESHOLD = "┄"
"""A threshold line, e.g. a datastore's 85 % alert level."""

Cell = tuple[str, str]
"""(character, role); roles: axis, label, legend, threshold, empty, series-1 … series-6."""


@dataclass(frozen=True)
class Series:
    """One named line of the chart: a value per time step (NaN for a missing sample)."""

    label: str
    """The name the legend shows."""
    values: tuple[float, ...]
    """The samples, one per `step_s` seconds, the first at time 0."""


@dataclass(frozen=True)
class Threshold:
    """A horizontal reference line across the plot."""

    value: float
    """Where the line sits, in the chart's unit."""
    label: str = "limit"
    """What the legend calls it (after the value)."""


def as_series(data: Mapping[str, Sequence[float]] | Iterable[Series]) -> list[Series]:
    """`Series` from a `{label: values}` mapping, or the given series as a list."""
    if isinstance(data, Mapping):
        return [Series(str(k), tuple(float(x) for x in v)) for k, v in data.items()]
    return [s if isinstance(s, Series) else Series(*s) for s in data]


def aggregate(
    label: str, columns: Sequence[Sequence[float]], how: str, *, scale: float = 1.0
) -> Series:
    """One series from many equally spaced ones: `max`, `min` or `mean` at each time step.

    Args:
        label: The legend name of the result.
        columns: The series to combine (they may differ in length; missing samples are skipped).
        how: `max`, `min` or `mean`.
        scale: A factor applied to the result (e.g. 100 to turn 0/1 into %).
    """
    n = max((len(c) for c in columns), default=0)
    out: list[float] = []
    for i in range(n):
        vals = [float(c[i]) for c in columns if i < len(c) and math.isfinite(c[i])]
        if not vals:
            out.append(math.nan)
        elif how == "max":
            out.append(max(vals) * scale)
        elif how == "min":
            out.append(min(vals) * scale)
        elif how == "mean":
            out.append(sum(vals) / len(vals) * scale)
        else:
            raise ValueError(f"unknown aggregate '{how}' (max, min, mean)")
    return Series(label, tuple(out))


def downsample(
    values: Sequence[float], width: int, total: int | None = None
) -> list[tuple[float, float] | None]:
    """The (min, max) of each of `width` column buckets; None where a bucket has no sample.

    Column `c` covers samples `c·total//width` up to (not including) `(c+1)·total//width`, at
    least one sample, so longer series are reduced (keeping both dips and spikes) and shorter
    ones are stretched. `total` is the length of the chart's longest series (default: this
    one's), so series of different lengths share one time axis.
    """
    n = len(values)
    total = n if total is None else total
    if width <= 0 or total <= 0:
        return []
    out: list[tuple[float, float] | None] = []
    for c in range(width):
        start = c * total // width
        end = max(start + 1, (c + 1) * total // width)
        vals = [float(v) for v in values[start:min(end, n)] if math.isfinite(v)]
        out.append((min(vals), max(vals)) if vals else None)
    return out


def value_row(value: float, lo: float, hi: float, rows: int) -> int:
    """The plot row of `value` (0 = bottom, rows-1 = top); values outside lo..hi are clipped."""
    if rows <= 1 or hi <= lo:
        return 0
    f = (value - lo) / (hi - lo)
    return max(0, min(rows - 1, int(f * (rows - 1) + 0.5)))


def nice_ceiling(x: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k that is ≥ x (x > 0)."""
    if x <= 0:
        return 1.0
    k = math.floor(math.log10(x))
    for m in (1.0, 2.0, 2.5, 5.0, 10.0):
        if m * 10**k >= x * (1 - 1e-12):
            return m * 10**k
    return 10.0 ** (k + 1)  # pragma: no cover - the loop always returns


def y_range(
    series: Sequence[Series],
    y_min: float | None,
    y_max: float | None,
    thresholds: Sequence[Threshold] = (),
) -> tuple[float, float]:
    """The value range of the plot: the given bounds, or the data's (rounded up to a nice top)."""
    vals = [v for s in series for v in s.values if math.isfinite(v)]
    vals += [t.value for t in thresholds]
    lo = y_min if y_min is not None else (min(vals) if vals else 0.0)
    if y_max is not None:
        hi = y_max
    elif not vals:
        hi = lo + 1.0
    else:
        top = max(vals)
        hi = nice_ceiling(top) if lo == 0 and top > 0 else top
    if hi <= lo:  # constant data with a free range: keep 0 as the floor when it is ≥ 0
        if y_min is not None:
            hi = lo + 1.0
        elif lo > 0:
            lo, hi = 0.0, nice_ceiling(1.5 * lo)
        else:
            lo, hi = lo - 1.0, lo + 1.0
    return lo, hi


def format_value(value: float, unit: str) -> str:
    """An axis label: `100%`, `2.5 kW`, `0`."""
    text = f"{value:.0f}" if unit == "%" or abs(value) >= 100 else f"{value:.3g}"
    if unit == "%":
        return text + "%"
    return f"{text} {unit}" if unit else text


def hm(seconds: float) -> str:
    """Sim time as h:mm (the x axis)."""
    m = int(seconds) // 60
    return f"{m // 60}:{m % 60:02d}"


_TICK_STEPS_S = (60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400)


def _x_ticks(total: int, width: int, step_s: float) -> list[tuple[int, str]]:
    """(column, label) pairs for the time axis: 0:00 at the left, the last sample's time at the
    right, and round times in between where they fit without touching."""
    if total <= 1 or width <= 1:
        return [(0, hm(0))]
    end_t = (total - 1) * step_s
    last = (width - 1, hm(end_t))
    ticks = [(0, hm(0))]
    label_w = max(len(hm(0)), len(last[1]))
    for step in _TICK_STEPS_S:
        n_ticks = end_t / step
        if n_ticks < 1:
            continue
        spacing = width / n_ticks
        if spacing < label_w + 3:
            continue
        k = 1
        while k * step < end_t:
            i = k * step / step_s
            col = min(width - 1, math.ceil(i * width / total))
            ticks.append((col, hm(k * step)))
            k += 1
        break
    # Drop middle ticks that would crowd the end label.
    ticks = [t for t in ticks if t[0] == 0 or t[0] + len(t[1]) // 2 + 2 < width - len(last[1])]
    return ticks + [last]


def _legend_lines(
    series: Sequence[Series],
    thresholds: Sequence[Threshold],
    unit: str,
    width: int,

) -> list[list[Cell]]:
    items: list[list[Cell]] = []
    for k, s in enumerate(series):
        role = f"series-{k % MAX_SERIES + 1}"
        label = s.label if len(s.label) <= max(4, width - 2) else s.label[: width - 3] + "…"
        items.append([(MARKERS[k % MAX_SERIES], role), (" ", "empty")] + _text(label, "legend"))
    for t in thresholds:
        text = f"{format_value(t.value, unit)} {t.label}".strip()
        items.append([(THRESHOLD * 2, "threshold"), (" ", "empty")] + _text(text, "legend"))
    lines: list[list[Cell]] = []
    line: list[Cell] = []
    for item in items:
        used = _cells_width(line)
        need = _cells_width(item) + (2 if line else 0)
        if line and used + need > width:
            lines.append(line)
            line = []
            need = _cells_width(item)
        if line:
            line += [(" ", "empty"), (" ", "empty")]
        line += item
    if line:
        lines.append(line)
    return lines


def _text(s: str, role: str) -> list[Cell]:
    return [(ch, role) for ch in s]


def _cells_width(cells: Sequence[Cell]) -> int:
    return sum(len(ch) for ch, _ in cells)


def _pad(cells: list[Cell], width: int) -> list[Cell]:
    """Cells cut or padded to exactly `width` characters."""
    out: list[Cell] = []
    used = 0
    for ch, role in cells:
        if used + len(ch) > width:
            break
        out.append((ch, role))
        used += len(ch)
    return out + [(" ", "empty")] * (width - used)


def plot(
    series: Sequence[Series],
    width: int,
    height: int,
    *,
    unit: str = "",
    y_min: float | None = 0.0,
    y_max: float | None = None,
    thresholds: Sequence[Threshold] = (),
    step_s: float = 60.0,
    empty_text: str = "no data",
) -> list[list[Cell]]:
    """The chart as `height` rows of `width` cells: legend, plot with y labels, time axis.

    Args:
        series: The lines to draw; the k-th gets marker `MARKERS[k]` and role `series-(k+1)`.
            Where several series fall on the same row, their markers alternate column by
            column (`●■●■`), so none hides another.
        width: Cells across.
        height: Rows; the plot gets what the legend and the two axis rows leave (at least 1).
        unit: Shown with the y labels (`%` is written `100%`, others `2.5 kW`).
        y_min: The bottom of the scale; None = the data's minimum.
        y_max: The top of the scale; None = the data's maximum rounded up. Values above the
            top are drawn on the top row.
        thresholds: Horizontal reference lines, drawn with `┄` under the series.
        step_s: Sim seconds between samples (the x axis).
        empty_text: Shown across the plot when no series has a sample.
    """
    width, height = max(0, width), max(0, height)
    if width == 0 or height == 0:
        return [[(" ", "empty")] * width for _ in range(height)]
    lo, hi = y_range(series, y_min, y_max, thresholds)
    total = max((len(s.values) for s in series), default=0)
    has_data = any(math.isfinite(v) for s in series for v in s.values)

    legend = _legend_lines(series, thresholds, unit, width)
    area = _Area.fit(height, len(legend), width, lo, hi, unit, thresholds)
    if area is None:
        return [_pad(_text("(too small)", "label") if i == 0 else [], width) for i in range(height)]
    legend = legend[: max(0, height - area.rows - area.spare - 2)]
    grid = area.draw(series, thresholds, total)
    if not has_data:
        msg = empty_text[: area.cols]
        r = area.rows // 2
        start = (area.cols - len(msg)) // 2
        for i, ch in enumerate(msg):
            grid[r][start + i] = (ch, "label", 9)

    rows: list[list[Cell]] = [_pad(line, width) for line in legend]
    rows += [[(" ", "empty")] * width for _ in range(area.spare)]
    for r in range(area.rows - 1, -1, -1):
        label = area.labels.get(r)
        left = _text((label or "").rjust(area.label_w), "label" if label else "empty")
        axis = ("┤" if label else "│", "axis")
        rows.append(left + [axis] + [(ch, role) for ch, role, _ in grid[r]])
    rows += area.time_axis(total, step_s, has_data)
    return [_pad(r, width) for r in rows[:height]]


@dataclass
class _Area:
    """The plot area of a chart: its size in cells, its value range and its y labels."""

    rows: int
    cols: int
    lo: float
    hi: float
    labels: dict[int, str]
    """Plot row (0 = bottom) -> y label."""
    label_w: int
    spare: int = 0
    """Blank rows between the legend and the plot."""

    @classmethod
    def fit(
        cls,
        height: int,
        legend_rows: int,
        width: int,
        lo: float,
        hi: float,
        unit: str,
        thresholds: Sequence[Threshold],
    ) -> _Area | None:
        """The area left by the legend and the two time-axis rows (None if too narrow)."""
        rows = max(1, height - min(legend_rows, max(0, height - 4)) - 2)
        # An odd number of rows puts the middle label exactly on its value (one row spare).
        spare = 1 if rows >= 5 and rows % 2 == 0 else 0
        rows -= spare
        # Y labels: top, bottom, the middle when there is room, and the thresholds' rows. A
        # label sits on the row its value is drawn on (`value_row`), so it never misleads.
        labels: dict[int, str] = {rows - 1: format_value(hi, unit), 0: format_value(lo, unit)}
        if rows >= 5:
            mid = (lo + hi) / 2
            labels.setdefault(value_row(mid, lo, hi, rows), format_value(mid, unit))
        for t in thresholds:
            r = value_row(t.value, lo, hi, rows)
            if lo <= t.value <= hi and all(abs(r - q) > 1 for q in labels):
                labels[r] = format_value(t.value, unit)
        label_w = max(len(s) for s in labels.values())
        cols = width - label_w - 1
        if cols < 2:
            return None
        return cls(rows, cols, lo, hi, labels, label_w, spare)

    def row(self, value: float) -> int:
        return value_row(value, self.lo, self.hi, self.rows)

    def draw(
        self, series: Sequence[Series], thresholds: Sequence[Threshold], total: int
    ) -> list[list[tuple[str, str, int]]]:
        """The plot cells, bottom row first, as (char, role, priority)."""
        grid: list[list[tuple[str, str, int]]] = [
            [(" ", "empty", 0)] * self.cols for _ in range(self.rows)
        ]
        marks: dict[tuple[int, int], list[tuple[str, str]]] = {}

        def put(row: int, col: int, ch: str, role: str, prio: int) -> None:
            if grid[row][col][2] < prio:
                grid[row][col] = (ch, role, prio)

        for t in thresholds:
            if self.lo <= t.value <= self.hi:
                r = self.row(t.value)
                for c in range(self.cols):
                    put(r, c, THRESHOLD, "threshold", 1)

        cols = 1 if total == 1 else self.cols
        for k, s in enumerate(series):
            role = f"series-{k % MAX_SERIES + 1}"
            marker = MARKERS[k % MAX_SERIES]
            prev: tuple[int, int] | None = None
            for c, bucket in enumerate(downsample(s.values, cols, total)):
                if bucket is None:
                    prev = None
                    continue
                r_lo, r_hi = self.row(bucket[0]), self.row(bucket[1])
                # A vertical stroke over the bucket's range, joined to the previous column
                # when the line jumps past it.
                a, b = r_lo, r_hi
                if prev is not None:
                    a, b = min(a, prev[1] + 1), max(b, prev[0] - 1)
                for r in range(a, b + 1):
                    if r not in (r_lo, r_hi):
                        put(r, c, CONNECTOR, role, 2)
                for r in (r_lo,) if r_lo == r_hi else (r_lo, r_hi):
                    marks.setdefault((r, c), []).append((marker, role))
                prev = (r_lo, r_hi)
        # Series sharing a cell take turns by column, so each stays visible along a shared row.
        for (r, c), here in marks.items():
            ch, role = here[c % len(here)]
            grid[r][c] = (ch, role, _MARK)
        return grid

    def time_axis(self, total: int, step_s: float, has_data: bool) -> list[list[Cell]]:
        """The axis line with ticks and the row of h:mm labels under it."""
        ticks = _x_ticks(total, self.cols, step_s) if has_data else []
        tick_cols = {c for c, _ in ticks}
        axis = _text(" " * self.label_w, "empty") + [("└", "axis")]
        axis += [("┬" if c in tick_cols else "─", "axis") for c in range(self.cols)]
        labels = [" "] * self.cols
        for i, (c, text) in enumerate(ticks):
            if i == 0:
                start = c
            elif i == len(ticks) - 1:
                start = self.cols - len(text)
            else:
                start = c - len(text) // 2
            start = max(0, min(self.cols - len(text), start))
            if any(ch != " " for ch in labels[max(0, start - 1) : start + len(text) + 1]):
                continue
            labels[start : start + len(text)] = list(text)
        under = _text(" " * (self.label_w + 1), "empty") + _text("".join(labels), "label")
        return [axis, under]


_MARK = 3
"""Drawing priority of a marker (threshold 1 < connector 2 < marker 3)."""


def plain(cells: Sequence[Sequence[Cell]]) -> list[str]:
    """The characters of a plotted grid, one string per row (for tests and logs)."""
    return ["".join(ch for ch, _ in row) for row in cells]


class LineChart(Widget):
    """Numeric series over sim time in a box of any size, told apart by marker and tone.

    | Component class | What it styles |
    | --- | --- |
    | `line-chart--axis` | the axis lines and ticks |
    | `line-chart--label` | the y and x labels, and the "no data" message |
    | `line-chart--legend` | the legend's series names |
    | `line-chart--threshold` | threshold lines and their legend mark |
    | `line-chart--series-1` … `line-chart--series-6` | each series' markers and connectors |
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "line-chart--axis",
        "line-chart--label",
        "line-chart--legend",
        "line-chart--threshold",
        *(f"line-chart--series-{k + 1}" for k in range(MAX_SERIES)),
    }

    DEFAULT_CSS = """
    LineChart {
        width: 1fr;
        height: 10;
        min-height: 5;
        & > .line-chart--axis { color: $foreground-muted; }
        & > .line-chart--label { color: $foreground-muted; }
        & > .line-chart--legend { color: $foreground; }
        & > .line-chart--threshold { color: $warning; }
        & > .line-chart--series-1 { color: $text-primary; }
        & > .line-chart--series-2 { color: $text-accent; }
        & > .line-chart--series-3 { color: $foreground; }
        & > .line-chart--series-4 { color: $text-success; }
        & > .line-chart--series-5 { color: $text-secondary; }
        & > .line-chart--series-6 { color: $text-warning; }
    }
    """

    def __init__(
        self,
        series: Mapping[str, Sequence[float]] | Iterable[Series] = (),
        *,
        unit: str = "",
        y_min: float | None = 0.0,
        y_max: float | None = None,
        thresholds: Sequence[Threshold] = (),
        step_s: float = 60.0,
        empty_text: str = "no data",
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's keyword
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        """A chart of `series` (see `plot` for the meaning of the options)."""
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.series: list[Series] = as_series(series)
        """The series drawn, in legend order."""
        self.unit = unit
        self.y_min = y_min
        self.y_max = y_max
        self.thresholds: list[Threshold] = list(thresholds)
        self.step_s = step_s
        self.empty_text = empty_text

    def set_series(self, series: Mapping[str, Sequence[float]] | Iterable[Series]) -> None:
        """Replace the series and redraw."""
        self.series = as_series(series)
        self.refresh()

    def cells(self, width: int, height: int) -> list[list[Cell]]:
        """The chart's cells at a size (what `render` draws)."""
        return plot(
            self.series,
            width,
            height,
            unit=self.unit,
            y_min=self.y_min,
            y_max=self.y_max,
            thresholds=self.thresholds,
            step_s=self.step_s,
            empty_text=self.empty_text,
        )

    def render(self) -> RenderResult:
        size = self.content_size
        styles: dict[str, Style] = {"empty": Style()}
        text = Text(no_wrap=True, overflow="crop", end="")
        for i, row in enumerate(self.cells(size.width, size.height)):
            if i:
                text.append("\n")
            run, run_role = "", ""
            for ch, role in row + [("", "")]:
                if role != run_role and run:
                    text.append(run, self._style(styles, run_role))
                    run = ""
                run_role = role
                run += ch
        return text

    def _style(self, cache: dict[str, Style], role: str) -> Style:
        if role not in cache:
            cache[role] = self.get_component_rich_style(f"line-chart--{role}", partial=True)
        return cache[role]
