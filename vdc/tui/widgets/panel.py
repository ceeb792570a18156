"""Provides `Panel`: the frame every game panel shares (border, title, focus), defined once."""

from __future__ import annotations

from textual.widget import Widget


class Panel(Widget):
    """Base of the game's panels: a rounded frame whose title brightens when focus is inside.

    Subclasses add only their own layout rules to `DEFAULT_CSS` (Textual combines the CSS of a
    class and its bases, and a `Panel` rule matches every subclass).
    """

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
