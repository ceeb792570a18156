"""Provides the `:` command line: the whole command language, with completion and history."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static

from vdc.sim.commands import complete


def common_prefix(words: Sequence[str]) -> str:
    if not words:
        return ""
    first, last = min(words), max(words)
    i = 0
    while i < len(first) and i < len(last) and first[i] == last[i]:
        i += 1
    return first[:i]


class CommandInput(Input):
    """An Input whose Tab completes and whose Up/Down walk the history."""

    BINDINGS = [
        Binding("tab", "complete", "Complete", show=False, priority=True),
        Binding("up", "history(-1)", "Previous", show=False),
        Binding("down", "history(1)", "Next", show=False),
        Binding("escape", "close", "Close", show=False),
        # As in a shell: Alt+Backspace deletes the word before the cursor (Textual's Input
        # deletes the one after it). In a browser it stands in for Ctrl+W, which closes the tab.
        Binding("alt+backspace", "delete_left_word", "Delete word", show=False),
    ]

    class Completed(Message):
        """The candidates of the last completion (shown under the line)."""

        def __init__(self, candidates: list[str]) -> None:
            super().__init__()
            self.candidates = candidates

    class Closed(Message):
        """Escape: the player leaves the command line."""

    def __init__(self, names: Callable[[], Mapping[str, Sequence[str]]], **kw) -> None:
        super().__init__(
            placeholder="command — Tab completes, Enter runs, Esc closes",
            select_on_focus=False,
            **kw,
        )
        self._names = names
        self.cursor_blink = False  # a steady cursor: calmer, and stable in screenshots
        self.history: list[str] = []
        self._pos = 0

    def action_complete(self) -> None:
        text = self.value[: self.cursor_position]
        candidates = complete(text, self._names())
        last = text.split(" ")[-1] if not text.endswith(" ") else ""
        if candidates:
            fill = candidates[0] if len(candidates) == 1 else common_prefix(candidates)
            if len(fill) >= len(last):
                head = text[: len(text) - len(last)]
                new = head + fill + (" " if len(candidates) == 1 else "")
                self.value = new + self.value[self.cursor_position :]
                self.cursor_position = len(new)
        self.post_message(self.Completed(candidates))

    def remember(self, text: str) -> None:
        if text and (not self.history or self.history[-1] != text):
            self.history.append(text)
        self._pos = len(self.history)

    def action_history(self, step: int) -> None:
        if not self.history:
            return
        self._pos = max(0, min(len(self.history), self._pos + step))
        self.value = self.history[self._pos] if self._pos < len(self.history) else ""
        self.cursor_position = len(self.value)

    def action_close(self) -> None:
        self.post_message(self.Closed())

    async def _on_key(self, event: events.Key) -> None:
        # Any typing clears the candidate list; completion shows it again.
        if event.key not in ("tab",):
            self.post_message(self.Completed([]))


class CommandLine(Vertical):
    """The `:` line docked at the bottom of the game screen, hidden until opened."""

    DEFAULT_CSS = """
    CommandLine {
        height: auto;
        display: none;
        background: $panel;
    }
    CommandLine.-open { display: block; }
    CommandLine #candidates { color: $foreground-muted; padding: 0 1; height: auto; }
    CommandLine #candidates.-empty { display: none; }
    CommandLine #prompt-row { height: 1; }
    CommandLine #prompt { width: 2; padding: 0 0 0 1; color: $accent; text-style: bold; }
    CommandLine Input, CommandLine Input:focus {
        border: none;
        height: 1;
        padding: 0 1 0 0;
        background: $panel;
    }
    """

    class Submitted(Message):
        """The player pressed Enter on a command."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, names: Callable[[], Mapping[str, Sequence[str]]], **kw) -> None:
        super().__init__(**kw)
        self._names = names

    def compose(self) -> ComposeResult:
        yield Static("", id="candidates", classes="-empty")
        with Horizontal(id="prompt-row"):
            yield Static(":", id="prompt")
            yield CommandInput(self._names, id="cmd-input")

    @property
    def input(self) -> CommandInput:
        return self.query_one(CommandInput)

    def open(self, prefill: str = "") -> None:
        came = self.screen.focused
        if came is not None and came is not self.input:
            self._came_from = came
        self.add_class("-open")
        self.input.value = prefill
        self.input.cursor_position = len(prefill)
        self.input.focus()

    def close(self) -> None:
        self.remove_class("-open")
        self._show([])

    _came_from: Widget | None = None

    def _back(self, fallback: Callable[[], object]) -> None:
        """Focus goes back to what had it when the line opened (else `fallback`)."""
        came, self._came_from = self._came_from, None
        if came is not None and came.is_attached and came.focusable:
            came.focus()
        else:
            fallback()

    def _show(self, candidates: list[str]) -> None:
        box = self.query_one("#candidates", Static)
        if candidates:
            shown = candidates[:12]
            more = f"  … +{len(candidates) - 12}" if len(candidates) > 12 else ""
            box.update("  ".join(shown) + more)
            box.remove_class("-empty")
        else:
            box.update("")
            box.add_class("-empty")

    def on_command_input_completed(self, message: CommandInput.Completed) -> None:
        message.stop()
        self._show(message.candidates)

    def on_command_input_closed(self, message: CommandInput.Closed) -> None:
        message.stop()
        self.close()
        self._back(self.screen.focus_next)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        self.input.remember(text)
        self.input.value = ""
        self.close()
        self._back(self.screen.focus_previous)  # back to the panel the player came from
        if text:
            self.post_message(self.Submitted(text))
