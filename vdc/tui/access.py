"""Provides `vdc_app`: the running `VdcApp`, typed, for the screens that navigate through it.

Screens reach the app's own methods (`start_level`, `leave_level`, `saves_directory`, …) through
this accessor instead of an untyped `self.app`; `VdcApp` is imported only when called, so this
module is safe to import from any screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.dom import DOMNode

if TYPE_CHECKING:
    from vdc.tui.app import VdcApp


def vdc_app(node: DOMNode) -> VdcApp:
    """The `VdcApp` that `node` belongs to (TypeError inside any other app)."""
    from vdc.tui.app import VdcApp

    app = node.app
    if not isinstance(app, VdcApp):
        raise TypeError(f"{type(node).__name__} runs inside {type(app).__name__}, not VdcApp")
    return app
