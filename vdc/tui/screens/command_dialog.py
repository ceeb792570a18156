"""Provides `CommandDialog`: the frame of a dialog whose fields build one command (the network
dialog, the new-VM and deploy dialogs). It previews the command as the fields change and is
dismissed with its text (Enter or the button) or with None (escape); the game screen then gives
the text like a typed command, so nothing here changes the simulation."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select


def field_value(root: DOMNode, selector: str) -> str:
    """The text of the Select or Input at `selector` under `root`: "" for nothing chosen."""
    w = root.query_one(selector)
    if isinstance(w, Select):
        return "" if w.value is Select.BLANK else str(w.value)
    assert isinstance(w, Input), f"{selector} is neither a Select nor an Input"
    return w.value.strip()


class CommandDialog(ModalScreen[str | None]):
    """Subclasses say the command (`command`), why it cannot be given yet (`not_ready`), and
    where its preview goes (`PREVIEW`, a Label's selector); the dialog's one Button gives it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss_none", "Close")]
    PREVIEW: ClassVar[str]

    def command(self) -> str:
        raise NotImplementedError

    def not_ready(self) -> str | None:
        """A warning while the command cannot be given yet; None when it can."""
        return None

    def value(self, selector: str) -> str:
        return field_value(self, selector)

    def show_command(self) -> None:
        self.query_one(self.PREVIEW, Label).update(f"→ {self.command()}")

    def finish(self) -> None:
        why = self.not_ready()
        if why:
            self.notify(why, severity="warning")
            return
        self.dismiss(self.command())

    @on(Select.Changed)
    @on(Input.Changed)
    def _changed(self) -> None:
        self.show_command()

    @on(Button.Pressed)
    def _go(self, event: Button.Pressed) -> None:
        event.stop()
        self.finish()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.finish()

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
