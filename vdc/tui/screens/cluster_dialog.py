"""Provides `ClusterDialog`: the base of the dialogs that change a cluster's settings (HA, DRS).

Such a dialog stays open while the player gives several commands, and knows nothing of the game
screen: it is handed two callables when it is made, `view` (the latest `SimView`) and `give` (give
a command's text as the player; the game screen toasts the verdict, logs it and redraws, then
returns the `CommandRecord`, or None when the text did not parse). After each command the dialog
redraws from the next view. It dismisses with None: what it gave is already given.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.screen import ModalScreen

from vdc.session.session import CommandRecord
from vdc.sim.view import SimView

Give = Callable[[str], CommandRecord | None]
"""Give a command's text as the player: its record, or None when it did not parse."""


class ClusterDialog(ModalScreen[None]):
    """A dialog over one cluster that gives commands through `give` and redraws after each."""

    def __init__(self, cluster: str, *, view: Callable[[], SimView], give: Give) -> None:
        super().__init__()
        self.cluster = cluster
        self._view = view
        self._give = give

    def latest(self) -> SimView:
        """The simulation as it is now."""
        return self._view()

    def give(self, text: str) -> bool:
        """Give `text` as a command, then redraw; True when it was accepted."""
        record = self._give(text)
        self.redraw()
        return record is not None and record.accepted

    def redraw(self) -> None:
        """Show the cluster as the latest view has it."""
        raise NotImplementedError

    def action_dismiss_dialog(self) -> None:
        self.dismiss(None)
