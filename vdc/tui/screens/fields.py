"""What a command-building dialog's fields hold, as words of the command."""

from __future__ import annotations

from textual.dom import DOMNode
from textual.widgets import Input, Select


def field_value(root: DOMNode, selector: str) -> str:
    """The text of the Select or Input at `selector` under `root`: "" for nothing chosen."""
    w = root.query_one(selector)
    if isinstance(w, Select):
        return "" if w.value is Select.BLANK else str(w.value)
    assert isinstance(w, Input), f"{selector} is neither a Select nor an Input"
    return w.value.strip()
