"""Provides `TimelineBar`: the replay viewer's transport strip.

Two lines under the top bar. The first says what is being watched and how to move; the second
is the whole recording as a track from t=0 to its end, played part heavy (`━`) and the rest
light (`─`), the position `●`, and a marker where something happened: `▲` a command the player
gave, `✗` one the game refused, `✖` an incident, `≠` where the replay stopped matching the
recording. Each marker has its own symbol, so nothing is told by colour alone. A click on the
track seeks there.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual import events
from textual.message import Message
from textual.widget import Widget

from vdc.session.replayer import Marker
from vdc.tui.format import Tones, clock

MARK: dict[str, tuple[str, str]] = {
    # kind -> (symbol, tone); a later kind in this order wins a shared cell
    "command": ("▲", "primary"),
    "rejected": ("✗", "warning"),
    "incident": ("✖", "error"),
    "divergence": ("≠", "accent"),
}
_RANK = {kind: i for i, kind in enumerate(MARK)}


def track_cells(
    markers: list[Marker], end: float, width: int
) -> list[str | None]:
    """The marker kind drawn in each of `width` cells (None where nothing happened)."""
    cells: list[str | None] = [None] * max(1, width)
    for m in markers:
        i = column(m.t, end, width)
        shown = cells[i]
        if shown is None or _RANK[m.kind] > _RANK[shown]:
            cells[i] = m.kind
    return cells


def column(t: float, end: float, width: int) -> int:
    """The cell of sim time `t` on a track of `width` cells spanning [0, end]."""
    if end <= 0 or width <= 1:
        return 0
    return max(0, min(width - 1, round(t / end * (width - 1))))


class TimelineBar(Widget):
    """Where the replay is, what happened when, and the transport keys."""

    DEFAULT_CSS = """
    TimelineBar {
        height: 2;
        background: $panel;
        color: $foreground;
        padding: 0 1;
    }
    """

    class Seek(Message):
        """The player clicked the track: go to sim time `t`."""

        def __init__(self, t: float) -> None:
            super().__init__()
            self.t = t

    def __init__(
        self,
        *,
        title: str,
        markers: list[Marker],
        end: float,
        id: str | None = None,  # noqa: A002 - Textual's keyword
    ) -> None:
        super().__init__(id=id)
        self.title = title
        self.markers = markers
        self.end = end
        self.now = 0.0
        self.following = False
        self._tones: Tones | None = None

    def show(self, now: float, *, following: bool = False) -> None:
        if (now, following) != (self.now, self.following):
            self.now = now
            self.following = following
            self.refresh()

    # ------------------------------------------------------------------ drawing
    def _labels(self) -> tuple[str, str]:
        return clock(self.now), clock(self.end)

    def _track_width(self) -> int:
        left, right = self._labels()
        return max(4, self.size.width - 2 - len(left) - len(right) - 2)

    def render(self) -> Text:
        tones = self._tones = self._tones or Tones.of(self.app)
        width = self._track_width()
        room = max(1, self.size.width - 2)
        commands = sum(1 for m in self.markers if m.kind in ("command", "rejected"))
        incidents = sum(1 for m in self.markers if m.kind == "incident")
        counts = (
            f"  ·  {commands} command{'s' if commands != 1 else ''}, "
            f"{incidents} incident{'s' if incidents != 1 else ''}"
            + ("  ·  speed as played" if self.following else "")
        )
        label = "▶ REPLAY "
        # One line whatever the names: a long title gives way first (the counts stay), so
        # the track keeps its line below.
        title = self.title
        fits = room - len(label) - len(counts)
        if len(title) > fits:
            title = title[: max(8, fits) - 1] + "…"
        head = Text(no_wrap=True, overflow="ellipsis", end="")
        head.append(label, tones("accent") + Style(bold=True))
        head.append(title)
        head.append(counts, tones("foreground-muted"))
        keys = "  n/p next/prev command  [ / ] back / on 1 min  g go to"
        if head.cell_len + len(keys) <= room:
            head.append(keys, tones("foreground-muted"))
        head.truncate(room, overflow="ellipsis")
        left, right = self._labels()
        line = Text()
        line.append(left + " ")
        pos = column(self.now, self.end, width)
        for i, kind in enumerate(track_cells(self.markers, self.end, width)):
            if i == pos:
                line.append("●", tones("foreground") + Style(bold=True))
            elif kind is not None:
                symbol, tone = MARK[kind]
                line.append(symbol, tones(tone))
            else:
                line.append("━" if i < pos else "─", tones("primary" if i < pos else "foreground-muted"))
        line.append(" " + right)
        out = Text("\n", no_wrap=True, overflow="ellipsis").join([head, line])
        out.no_wrap = True
        return out

    # ------------------------------------------------------------------ mouse
    def on_click(self, event: events.Click) -> None:
        if event.y != 1:
            return
        left, _ = self._labels()
        x = event.x - 1 - len(left) - 1  # padding, the label and its space
        width = self._track_width()
        if 0 <= x < width:
            self.post_message(self.Seek(self.end * x / max(1, width - 1)))
