"""Provides the help screens: the key list (`?`) and the level's concepts (F1)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Markdown

from vdc.concepts import describe
from vdc.sim.commands import COMMANDS
from vdc.tui.actions import GAME_ACTIONS, REPLAY_ACTIONS, key_label


def cell(text: str) -> str:
    """Text for a Markdown table cell: a `|` in it (`none|power-off|shutdown`) would end the
    cell, so it is escaped (also inside a code span, as tables are split before code)."""
    return text.replace("|", r"\|")


def _keys_table(title: str, catalog) -> list[str]:
    """A Markdown table of a screen's keys, from its action catalog."""
    lines = [f"## {title}", "", "| key | what it does |", "|---|---|"]
    lines += [f"| `{cell(key_label(a))}` | {cell(a.description)} |" for a in catalog]
    return lines


def replay_keys_markdown() -> str:
    """The replay viewer's keys (from its catalog) and what its timeline shows."""
    lines = _keys_table("Replay keys", REPLAY_ACTIONS)
    lines += [
        "| `Tab` / `Shift+Tab` | move between panels |",
        "",
        "## The timeline",
        "",
        "`●` where the replay is; `▲` a command the player gave, `✗` one the game refused, "
        "`✖` an incident, `≠` where the replay stopped matching the recording. Click the "
        "track to go there. Going back re-simulates from the start; the commands are given "
        "again at their recorded times, so what you see is the real run.",
    ]
    return "\n".join(lines)


def keys_markdown() -> str:
    """Every key of the game screen (from the action catalog) and every command."""
    lines = _keys_table("Keys", GAME_ACTIONS)
    lines += [
        "| `Tab` / `Shift+Tab` | move between panels |",
        "| `Ctrl+P` | command palette (fuzzy search over every command) |",
        "",
        "## Commands (`:` line, palette, action scripts)",
        "",
        "| command | what it does |",
        "|---|---|",
    ]
    for spec in COMMANDS:
        if spec.available:
            lines.append(f"| `{cell(spec.usage)}` | {cell(spec.help)} |")
    lines += [
        "",
        "Select a VM or host with the arrow keys in its panel, then act with a key; "
        "`c` and `m` open the command line ready for the new size. Tab completes command "
        "words and names on the `:` line; Up and Down recall earlier commands.",
    ]
    return "\n".join(lines)


class KeysScreen(ModalScreen[None]):
    """`?`: keys and commands."""

    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close")]

    def __init__(self, *, replay: bool = False) -> None:
        super().__init__()
        self.replay = replay

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Label("Help — Esc to close", classes="screen-title")
            yield Markdown(replay_keys_markdown() if self.replay else keys_markdown())


class ConceptsScreen(ModalScreen[None]):
    """F1: the concepts the current level teaches, in plain words."""

    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close")]

    def __init__(self, concepts: list[str]) -> None:
        super().__init__()
        self.concepts = concepts

    def compose(self) -> ComposeResult:
        body = "\n\n".join(f"### {describe(c)[0]}\n{describe(c)[1]}" for c in self.concepts)
        with VerticalScroll(classes="dialog"):
            yield Label("Concepts — Esc to close", classes="screen-title")
            yield Markdown(body or "This level lists no concepts.")


class LeaveScreen(ModalScreen[str]):
    """Leaving a level with unsaved commands: save first, leave anyway, or stay."""

    BINDINGS = [
        Binding("s", "choose('save')", "Save and leave"),
        Binding("l", "choose('leave')", "Leave without saving"),
        Binding("escape,c", "choose('stay')", "Stay"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog small-dialog"):
            yield Label("Leave this level?", classes="screen-title")
            yield Label("You gave commands since you last saved this game.")
            with Horizontal(classes="form-row"):
                yield Button("Save and leave (s)", id="save", variant="primary")
                yield Button("Leave (l)", id="leave")
                yield Button("Stay (Esc)", id="stay")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "stay")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)

