"""Provides the small pieces every panel draws with: tones, state symbols, bars, sparklines.

Colours come from the running app's theme (`Tones.of(app)`), never from literals, and every
state also has a symbol and a word, so nothing is told by colour alone (NO_COLOR, colour-blind
players, monochrome terminals).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text

TONE_NAMES = ("success", "warning", "error", "primary", "accent", "foreground-muted", "foreground")


@dataclass(frozen=True)
class Tones:
    """Rich styles for the theme's semantic colours (success, warning, error, …)."""

    styles: dict[str, Style]

    @classmethod
    def of(cls, app: object) -> Tones:
        """Styles from `app.theme_variables` (no colour outside an app).

        A translucent theme colour (textual-dark's `foreground-muted` is `#E0E0E099`), which
        Rich cannot draw, is blended over the theme's `surface`, what panels are drawn on; a
        value Textual cannot read either falls back to dim text.
        """
        from textual.color import Color

        variables = getattr(app, "theme_variables", {}) or {}
        styles = {}
        for name in TONE_NAMES:
            value = variables.get(name)
            if not value:
                styles[name] = Style()
                continue
            try:
                colour = Color.parse(value)
                if colour.a < 1:
                    colour = Color.parse(variables.get("surface", "#000000")) + colour
                styles[name] = Style(color=colour.rich_color)
            except Exception:
                styles[name] = Style(dim=True)
        return cls(styles)

    def __call__(self, name: str) -> Style:
        return self.styles.get(name, Style())

    def text(self, content: str, tone: str, *, bold: bool = False) -> Text:
        style = self(tone) + Style(bold=True) if bold else self(tone)
        return Text(content, style=style)


# state -> (symbol, word, tone)
HOST_STATES: dict[str, tuple[str, str, str]] = {
    "on": ("●", "on", "success"),
    "off": ("○", "off", "foreground-muted"),
    "booting": ("◐", "booting", "primary"),
    "maintenance": ("◆", "maint", "warning"),
    "isolated": ("◌", "ISOLATED", "error"),
    "failed": ("✖", "FAILED", "error"),
}


ENTERING = ("◇", "→maint", "warning")
"""A running host on its way into maintenance mode (its VMs leaving)."""


def host_state(state: str, maintenance: bool = False, entering: bool = False) -> tuple[str, str, str]:
    """(symbol, word, tone) of a host's state; a host off, booting or failed in maintenance
    mode says so beside its state (`○ off ◆`); a running host `entering` maintenance mode says
    that (`◇ →maint`)."""
    if entering and state == "on" and not maintenance:
        return ENTERING
    symbol, word, tone = HOST_STATES.get(state, ("?", state, "warning"))
    return symbol, word + (" ◆" if maintenance and state != "maintenance" else ""), tone


VM_POWER: dict[str, tuple[str, str, str]] = {
    "on": ("●", "on", "success"),
    "booting": ("◐", "boot", "primary"),
    "off": ("○", "off", "foreground-muted"),
}
HEALTH: dict[bool, tuple[str, str, str]] = {
    True: ("✔", "ok", "success"),
    False: ("✖", "DOWN", "error"),
}
SEVERITY: dict[str, tuple[str, str]] = {
    "info": ("·", "foreground-muted"),
    "warning": ("▲", "warning"),
    "critical": ("✖", "error"),
}


def state_text(tones: Tones, table: dict, key: object) -> Text:
    """`symbol word` in the state's tone."""
    symbol, word, tone = table[key]
    return tones.text(f"{symbol} {word}", tone)


def level_tone(value: float, warn: float, bad: float) -> str:
    """success below `warn`, warning below `bad`, error from `bad` on."""
    if value >= bad:
        return "error"
    if value >= warn:
        return "warning"
    return "success"


_EIGHTHS = " ▏▎▍▌▋▊▉█"


def bar(fraction: float, width: int, marks: Sequence[float] = ()) -> str:
    """A horizontal bar `width` cells wide filled to `fraction` (0–1+), with `│` at `marks`.

    Eighth-block characters give 8 steps per cell; a mark over the filled part shows as `┃`.
    """
    width = max(1, width)
    f = max(0.0, min(1.0, fraction))
    eighths = round(f * width * 8)
    full, part = divmod(eighths, 8)
    cells = ["█"] * full + ([_EIGHTHS[part]] if part and full < width else [])
    cells += [" "] * (width - len(cells))
    for m in marks:
        i = min(width - 1, int(m * width))
        cells[i] = "┃" if i < full else "│"
    return "".join(cells)


_SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float], width: int, top: float = 100.0) -> str:
    """The last `width` values as block heights, scaled to `top` (values above are clipped)."""
    vals = list(values)[-width:]
    if not vals:
        return " " * width
    out = []
    for v in vals:
        i = int(max(0.0, min(1.0, v / top)) * (len(_SPARKS) - 1) + 0.5)
        out.append(_SPARKS[i])
    return "".join(out).rjust(width)


def code_markup(text: str) -> str:
    """Content markup for a player's text with `code` spans (a hint's commands): each span
    highlighted in the theme's accent, its backticks gone; nothing else is read as markup.
    Unpaired backticks leave the text as it is."""
    parts = text.split("`")
    if len(parts) % 2 == 0:
        return _escape_markup(text)
    return "".join(
        f"[b $accent]{_escape_markup(part)}[/]" if i % 2 else _escape_markup(part)
        for i, part in enumerate(parts)
    )


def _escape_markup(text: str) -> str:
    return text.replace("[", "\\[")


def clock(seconds: float) -> str:
    """Sim time as h:mm:ss."""
    s = int(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def gib(x: float) -> str:
    """GiB for people: 512 GiB, 1.5 TiB, 0.5 GiB."""
    if x >= 1024:
        return f"{x / 1024:.1f} TiB"
    if x >= 10 or x == int(x):
        return f"{x:.0f} GiB"
    return f"{x:.1f} GiB"


def pct(x: float) -> str:
    return f"{x:.0f}%"


HA_STATES: dict[str, tuple[str, str, str]] = {
    "primary": ("★", "primary", "success"),
    "secondary": ("◇", "secondary", "foreground"),
    "unreachable": ("?", "unreach", "warning"),
    "dead": ("✖", "dead", "error"),
    "isolated": ("◌", "isolated", "error"),
    "maintenance": ("▫", "maint", "foreground-muted"),
}
"""vSphere HA role of a host: symbol, word, tone (no entry: the cluster has no HA)."""


def squeeze(name: str, room: int) -> str:
    """`name` in `room` cells, cut in the middle when longer (`esx-prod-01` in 9: `esx-…d-01`):
    names in a datacenter differ most at their end (the number), so the end is kept."""
    if len(name) <= room:
        return name
    if room <= 2:
        return name[-room:] if room > 0 else ""
    head = (room - 1) // 2
    return f"{name[:head]}…{name[len(name) - (room - 1 - head):]}"
