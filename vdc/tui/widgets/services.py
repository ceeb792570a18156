"""Provides `ServicesPanel`: each service chain on one line, its tiers in order, with uptime.

A line reads `shop  ✔ up  99.2%  fw ✔ → lb ✔ → web ✔ → db ✖`: the service's state in a symbol
and a word, its uptime so far, then the chain with a symbol per tier (down tiers in the error
tone). When the panel is narrow the chain is drawn compact (`fw✔›lb✔›web✔›db✖`), narrower still
as the tiers that are down (`db ✖ +3 up`), and the uptime gives way before the chain does, so a
line never wraps. A tier reached through a router appliance follows `⇄` instead of the arrow
(`web ✔ ⇄ db ✔`).
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import ClassVar

import numpy as np
from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.events import Resize
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from vdc.sim.view import ServiceView, SimView
from vdc.tui.format import HEALTH
from vdc.tui.widgets.panel import Panel

_STATE_WIDTH = 6
"""Cells for `✔ up` / `✖ DOWN`."""

_UPTIME_WIDTH = 6
"""Cells for `100.0%`."""

_MIN_CHAIN = 12
"""Cells the chain needs next to the uptime; with less, the uptime makes way."""

_BOLD = Style(bold=True)

LIST_MAX = 200
"""Services listed one per line at most (trouble first); the rest are counted in one line."""


def weak_tiers(svc: ServiceView, sick: AbstractSet[str]) -> tuple[bool, ...]:
    """Per tier: up, but with some VM of it in `sick` (the tier runs on fewer VMs)."""
    if not sick:
        return (False,) * len(svc.tiers)
    return tuple(t.up and not sick.isdisjoint(t.vms) for t in svc.tiers)


def health_rank(svc: ServiceView, sick: AbstractSet[str]) -> int:
    """0 down, 1 degraded (up, some tier short of a VM), 2 ok: the panel's order."""
    if not svc.up:
        return 0
    return 1 if any(weak_tiers(svc, sick)) else 2


def sick_vms(view: SimView) -> frozenset[str]:
    """The VMs not healthy, for the panel: a VM powered off on purpose (a spare) is not
    trouble. (Only the unhealthy ones are looked at: a few among 32,000.)"""
    v = view.vms
    bad = np.flatnonzero(~np.asarray(v.healthy, dtype=bool)).tolist()
    return frozenset(v.names[i] for i in bad if v.reasons[i] != "powered off")


def by_health(
    services: tuple[ServiceView, ...], view: SimView, sick: AbstractSet[str] | None = None
) -> list[ServiceView]:
    """Services down first, then degraded, then ok; by name within each."""
    if sick is None:
        sick = sick_vms(view)
    if not sick and all(s.up for s in services):
        return sorted(services, key=lambda s: s.name)
    return sorted(services, key=lambda s: (health_rank(s, sick), s.name))


def uptime_text(uptime: float) -> str:
    """Uptime so far as a percentage with one decimal, never rounded up to 100.0%."""
    tenths = int(uptime * 1000.0 + 1e-9)  # floor: 99.96 % shows as 99.9 %, not 100.0 %
    return f"{tenths / 10:.1f}%"


class ServicesPanel(Panel):
    """The service chains: state, uptime so far, and the state of each tier in order.

    Call `show(view)` with each new snapshot. Enter or a click on a line posts
    `Panel.Selected` (kind "service").
    """

    BORDER_TITLE = "Services"

    BINDINGS: ClassVar[list[BindingType]] = []
    """Navigation keys are the inner OptionList's (up, down, home, end, enter)."""

    DEFAULT_CSS = """
    ServicesPanel {
        height: auto;
        max-height: 100%;
        &.-down { border-subtitle-color: $error; }
        & > OptionList {
            height: auto;
            max-height: 100%;
            background: $surface;
            scrollbar-size-vertical: 1;
        }
        & > #services-empty { color: $foreground-muted; padding: 0 1; }
    }
    """

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's keyword
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._view: SimView | None = None
        self._names: tuple[str, ...] = ()
        self._keys: list[tuple[object, ...]] = []
        """What each line shows (state, weak tiers, uptime, its tiers' views, width) as last
        drawn (tier views are kept by the snapshot while their states stand: compared by
        identity)."""
        self._sick: frozenset[str] = frozenset()

    def compose(self) -> ComposeResult:
        yield OptionList(compact=True, id="services-list")

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._on_theme_changed)

    def _on_theme_changed(self, _theme: object) -> None:
        self._redraw()

    def on_resize(self, _event: Resize) -> None:
        self._redraw()

    # ------------------------------------------------------------------ public API
    @property
    def option_list(self) -> OptionList:
        """The inner OptionList (for focus and tests)."""
        return self.query_one("#services-list", OptionList)

    @property
    def lines(self) -> list[str]:
        """The plain text of every line, top to bottom (for tests and screen readers)."""
        ol = self.option_list
        return [str(ol.get_option_at_index(i).prompt) for i in range(ol.option_count)]

    @property
    def selected_service(self) -> str | None:
        """The service under the highlight, or None."""
        ol = self.option_list
        if ol.highlighted is None or ol.highlighted >= len(self._names):
            return None
        return self._names[ol.highlighted]

    def show(self, view: SimView) -> None:
        """Bring the lines up to date with a new snapshot (only changed lines are redrawn).

        Lines keep their place in the list: when the order changes (a service falls into
        trouble and goes to the top), the lines whose service changed are redrawn in place.
        Above `LIST_MAX` services the healthy ones past it are counted in a last line.
        """
        self._view = view
        self._sick = sick_vms(view)
        ranked = by_health(view.services, view, self._sick)  # trouble on top, where it is seen
        services, rest = ranked[:LIST_MAX], ranked[LIST_MAX:]
        names = tuple(s.name for s in services)
        ol = self.option_list
        width = self._line_width()
        name_width = min(16, max((len(s.name) for s in view.services), default=0))
        picked = self.selected_service
        if len(names) != len(self._names) or not names:
            self._names = names
            self._keys = [self._key(s, width, name_width) for s in services]
            ol.set_options([
                *(Option(self._line(s, width, name_width)) for s in services),
                *([Option(self._rest_line(rest), disabled=True)] if rest else []),
            ])
        else:
            moved = names != self._names
            self._names = names
            for i, svc in enumerate(services):
                key = self._key(svc, width, name_width)
                if key != self._keys[i]:
                    self._keys[i] = key
                    ol.replace_option_prompt_at_index(i, self._line(svc, width, name_width))
            if rest:
                tail = self._rest_line(rest)
                if str(ol.get_option_at_index(len(names)).prompt) != tail.plain:
                    ol.replace_option_prompt_at_index(len(names), tail)
            if moved and picked in names:  # the highlight stays on the service it was on
                ol.highlighted = names.index(picked)
        down = sum(not s.up for s in view.services)
        self.set_class(down > 0, "-down")
        total = len(view.services)
        if not total:
            subtitle = "no services"
        elif down:
            subtitle = f"{HEALTH[False][0]} {down:,} of {total:,} down"
        else:
            subtitle = f"{HEALTH[True][0]} all {total:,} up"
        if subtitle != self.border_subtitle:  # setting it repaints the whole panel
            self.border_subtitle = subtitle

    # ------------------------------------------------------------------ internals
    @on(OptionList.OptionSelected, "#services-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_index < len(self._names):
            self.post_message(self.Selected(self, "service", self._names[event.option_index]))

    def _rest_line(self, rest: list[ServiceView]) -> Text:
        """The services past `LIST_MAX`, counted ("… 3,000 more services, all up")."""
        down = sum(not s.up for s in rest)
        weak = sum(1 for s in rest if s.up and any(weak_tiers(s, self._sick)))
        parts = [f"{down:,} down" if down else "", f"{weak:,} degraded" if weak else ""]
        words = ", ".join(p for p in parts if p) or "all up"
        return self._tones_now().text(
            f"… {len(rest):,} more services, {words} (the VMs panel filters by service: /)",
            "foreground-muted")

    def _redraw(self) -> None:
        if self._view is not None and self.is_mounted:
            self._names = ()
            highlighted = self.option_list.highlighted
            self.show(self._view)
            self.option_list.highlighted = highlighted

    def _line_width(self) -> int:
        width = self.option_list.scrollable_content_region.width
        return width if width > 0 else 80

    def _key(self, svc: ServiceView, width: int, name_width: int) -> tuple[object, ...]:
        return (svc.up, weak_tiers(svc, self._sick), uptime_text(svc.uptime), svc.tiers, width, name_width)

    def _line(self, svc: ServiceView, width: int, name_width: int) -> Text:
        """One service as one line of at most `width` cells.

        Wide enough: name, state word, uptime, chain. Too narrow for the chain: the state as a
        symbol alone and no uptime, so the chain (which tier is down) stays readable.
        """
        tones = self._tones_now()
        symbol, _word, tone = HEALTH[svc.up]
        state_style = tones(tone) if svc.up else tones(tone) + _BOLD
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        line.append(svc.name.ljust(name_width), style="bold")
        line.append(" ")
        wide = width - line.cell_len - _STATE_WIDTH - _UPTIME_WIDTH - 3 >= _MIN_CHAIN
        if wide:
            word = "up" if svc.up else "DOWN"
            line.append(f"{symbol} {word}".ljust(_STATE_WIDTH), style=state_style)
            line.append(" ")
            line.append(uptime_text(svc.uptime).rjust(_UPTIME_WIDTH))
            line.append("  ")
        else:
            line.append(symbol, style=state_style)
            line.append(" ")
        line.append_text(self._chain(svc, width - line.cell_len))
        line.truncate(width, overflow="ellipsis")
        return line

    def _chain(self, svc: ServiceView, room: int) -> Text:
        """The tiers in order, as wide as fits in `room` cells: full, compact or a summary."""
        tones = self._tones_now()

        weak = weak_tiers(svc, self._sick)

        def draw(sep: str, gap: str) -> Text:
            out = Text(end="")
            for k, tier in enumerate(svc.tiers):
                if k:  # ⇄: reached through a router appliance
                    out.append(sep.replace("→", "⇄").replace("›", "⇄") if tier.routed else sep,
                               style=tones("foreground-muted"))
                symbol, _word, tone = HEALTH[tier.up]
                if weak[k]:  # up on fewer VMs than it has: one more failure and it is down
                    out.append(tier.name)
                    out.append(f"{gap}▲", style=tones("warning") + _BOLD)
                elif tier.up:
                    out.append(tier.name)
                    out.append(f"{gap}{symbol}", style=tones(tone))
                else:
                    out.append(f"{tier.name}{gap}{symbol}", style=tones(tone) + _BOLD)
            return out

        full = draw(" → ", " ")
        if full.cell_len <= room:
            return full
        compact = draw("›", "")
        if compact.cell_len <= room:
            return compact
        down = [t.name for t in svc.tiers if not t.up]
        n = len(svc.tiers)
        if not down:
            return tones.text(f"{n} tier{'s' if n > 1 else ''} {HEALTH[True][0]}", "success")
        # Only the tiers that are down, then how many others are up.
        summary = tones.text(
            " ".join(f"{name} {HEALTH[False][0]}" for name in down), "error", bold=True
        )
        others = f" +{n - len(down)} up"
        if n > len(down) and summary.cell_len + len(others) <= room:
            summary.append(others, style=tones("foreground-muted"))
        return summary
