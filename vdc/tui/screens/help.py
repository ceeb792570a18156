"""Provides the help screens: the key list (`?`), the level's concepts (F1), and the output of
a command that answers at length (`help`, `snapshot list`)."""

from __future__ import annotations

import re
import textwrap

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Markdown, Static

from vdc.concepts import describe
from vdc.sim.commands import COMMANDS
from vdc.tui.actions import GAME_ACTIONS, REPLAY_ACTIONS, WEB_KEYS_NOTE, key_label


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
        "| `s` / `r` / `/` | in the VMs panel: sort by the next column / reverse / filter |",
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
        "| `s` / `r` / `/` | in the VMs panel: sort by the next column / reverse / filter |",
        "| `Enter` | in the Hosts panel: on a host, list its VMs or fold them; on a cluster's "
        "row (with several clusters), fold its hosts or list them |",
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
            text = replay_keys_markdown() if self.replay else keys_markdown()
            if getattr(self.app, "served", False):
                text = f"{WEB_KEYS_NOTE}\n\n{text}"
            yield Markdown(text)


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


_COLUMNS = re.compile(r"^(\s*\S.*?\s{2,})(\S.*)$")
"""A line of two columns (`  power on VM [HOST]      Power a VM on…`): the first column with
its gap, and the text of the second."""


class HangingText:
    """Plain text whose long lines wrap under their second column (a command's description
    under the description, not under the command), at whatever width it is drawn."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        widest = max((len(line) for line in self.text.splitlines()), default=0)
        return Measurement(min(widest, 20), widest)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines = []
        for line in self.text.splitlines() or [""]:
            lines += hanging_lines(line, options.max_width)
        yield Text("\n".join(lines), no_wrap=True, overflow="fold")


def hanging_lines(line: str, width: int) -> list[str]:
    """One line of output wrapped to `width` cells: a two-column line under its second column
    (or, when the first is too wide for that, four cells in); other lines under their own
    indent."""
    if len(line) <= width:
        return [line]
    m = _COLUMNS.match(line)
    if m is not None:
        head, tail = m.groups()
        indent = len(head) if width - len(head) >= 20 else 4
        if indent == len(head):
            wrapped = textwrap.wrap(tail, width - indent, break_on_hyphens=False) or [""]
            return [head + wrapped[0], *(" " * indent + w for w in wrapped[1:])]
        return [head.rstrip()[:width], *textwrap.wrap(tail, width, break_on_hyphens=False, initial_indent=" " * indent,
                                                      subsequent_indent=" " * indent)]
    lead = " " * (len(line) - len(line.lstrip()))
    return textwrap.wrap(line, width, break_on_hyphens=False, initial_indent="",
                         subsequent_indent=lead + "  ") or [line]


class OutputScreen(ModalScreen[None]):
    """A command's answer that is too long for a toast (`help`, `snapshot list`): it fits the
    terminal, scrolls, and stays until the player closes it."""

    BINDINGS = [Binding("escape,enter,q", "dismiss", "Close")]

    def __init__(self, command: str, text: str) -> None:
        super().__init__()
        self.command = command
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog output-dialog"):
            yield Label(f":{self.command} — Esc to close", classes="screen-title", markup=False)
            yield Static(HangingText(self.text), id="output")


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

