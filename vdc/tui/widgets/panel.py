"""Provides `Panel`: the frame every game panel shares (border, title, focus), its constructor
and its one message, `Panel.Selected`, defined once."""

from __future__ import annotations

from typing import Literal

from textual import events
from textual.message import Message
from textual.widget import Widget

from vdc.sim.view import SimView
from vdc.tui.format import Tones

Kind = Literal["host", "vm", "datastore", "service"]
"""What a player can pick in a panel."""


class Panel(Widget):
    """Base of the game's panels: a rounded frame whose title brightens when focus is inside.

    Subclasses add only their own layout rules to `DEFAULT_CSS` (Textual combines the CSS of a
    class and its bases, and a `Panel` rule matches every subclass). A panel that draws the
    whole view at once implements `_draw()`: `show(view)` keeps the view and draws it once
    mounted, and a resize draws it again.

    Every panel is made the same way, `Panel(*, name, id, classes, disabled)` (its title is its
    `BORDER_TITLE`), and tells what the player picked in it the same way: `Panel.Selected` with
    the kind of thing and its name.
    """

    class Selected(Message):
        """The player picked something in a panel: moved the cursor onto it while the panel has
        focus, brought focus to it, or pressed Enter on it. Handler: `on_panel_selected`."""

        def __init__(self, panel: Panel, kind: Kind, name: str) -> None:
            super().__init__()
            self.panel = panel
            """The panel that posted it."""
            self.kind: Kind = kind
            """What was picked: "host", "vm", "datastore" or "service"."""
            self.name = name
            """Its name."""

        @property
        def control(self) -> Panel:
            return self.panel

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's keyword
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)

    view: SimView | None = None
    """The last snapshot shown."""
    number: str = ""
    """The key that brings this panel up in the game ("1" Hosts … "9" DRS), shown before its
    title; empty for a panel alone."""

    def titled(self, text: str) -> None:
        """Set the border title to `text`, after the panel's number key when it has one (only
        when it changed: setting it repaints the whole panel)."""
        title = f"{self.number} {text}" if self.number else text
        if title != self.border_title:
            self.border_title = title

    def numbered(self, key: str) -> Panel:
        """This panel with its number key (the game screen's panels, at compose)."""
        self.number = key
        self.titled(self.BORDER_TITLE)
        return self
    _tones: tuple[str, Tones] | None = None

    def show(self, view: SimView) -> None:
        """Draw `view`: called on every sim tick with a fresh snapshot. A panel the game hides
        (the swapped-out ones, the infra panels at 80×24) only keeps it: it is drawn when the
        panel shows again (its Resize, see `on_resize`)."""
        self.view = view
        if self.is_mounted and self.display:
            self._draw()

    def _draw(self) -> None:
        """Render `self.view` (panels that use `show` as it is implement this)."""
        raise NotImplementedError

    def on_mount(self) -> None:
        # Textual runs the on_mount of every class in the MRO: subclasses add, never repeat.
        if self.view is not None:
            self._draw()

    def on_resize(self, _: events.Resize) -> None:
        if self.view is not None:
            self._draw()

    def _tones_now(self) -> Tones:
        """The theme's tones, looked up again only when the theme changes."""
        theme = self.app.theme
        if self._tones is None or self._tones[0] != theme:
            self._tones = (theme, Tones.of(self.app))
            self._theme_changed()
        return self._tones[1]

    def _theme_changed(self) -> None:
        """Drop whatever was drawn in the old theme's tones (nothing by default)."""

    DEFAULT_CSS = """
    Panel {
        border: round $panel-lighten-2;
        border-title-color: $foreground-muted;
        border-subtitle-color: $foreground-muted;
        &:focus-within {
            border: round $border;
            border-title-color: $foreground;
            border-title-style: bold;
        }
    }
    """
