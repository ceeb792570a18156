"""Provides the briefing: the level's story, objectives with weights, what it teaches, Start."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Label, Markdown, Switch

from vdc.concepts import describe
from vdc.scenario.loader import LoadedLevel
from vdc.sim.objectives import describe as describe_objective
from vdc.tui.access import vdc_app

PANEL_TITLES: dict[str, tuple[str, str]] = {
    "hosts": ("Hosts", "1"), "datastores": ("Datastores", "2"), "network": ("Network", "3"),
    "vms": ("VMs", "4"), "services": ("Services", "5"), "alarms": ("Alarms", "6"),
    "log": ("Events", "7"), "tasks": ("Tasks", "8"), "drs": ("DRS recommendations", "9"),
}
"""A level's `first_panel` → the panel's title and number key."""


class BriefingScreen(Screen):
    """Read the situation, then Start (Enter). Hints can be switched off here."""

    BINDINGS = [
        Binding("enter", "start", "Start", priority=True),
        Binding("h", "toggle_hints", "Hints on/off"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self, loaded: LoadedLevel, *, seed: int | None = None) -> None:
        super().__init__()
        self.loaded = loaded
        self.seed = seed

    def compose(self) -> ComposeResult:
        lvl = self.loaded.level
        meta = lvl.level
        with VerticalScroll(id="briefing-box"):
            yield Label(meta.title, classes="screen-title")
            yield Label(
                f"{meta.id} · {meta.duration // 60} min of sim time · seed "
                f"{meta.seed if self.seed is None else self.seed} · licence {meta.edition}",
                classes="hint-line",
            )
            yield Markdown(_story(meta.briefing), id="story")
            if meta.first_panel:
                title, key = PANEL_TITLES[meta.first_panel]
                yield Label(f"Start in the {title} panel (key {key}): it opens there.",
                            id="first-panel", classes="hint-line")
            yield Label("Objectives", classes="section-title")
            yield Markdown(_objectives(lvl), id="objectives")
            if meta.concepts:
                yield Label("What this level teaches", classes="section-title")
                yield Markdown(
                    "\n".join(f"- **{describe(c)[0]}** — {describe(c)[1]}" for c in meta.concepts),
                    id="concepts",
                )
        exam = vdc_app(self).exam
        if exam is not None:
            limit = (f"{exam_limit(exam.time_limit_s)} from Start" if exam.time_limit_s
                     else "no time limit")
            yield Label(f"Exam: no hints · up to {exam.max_speed}× · {limit}",
                        id="exam-rules", classes="section-title")
        with Horizontal(id="briefing-actions"):
            if exam is None:
                yield Label("Hints ", classes="form-label")
                yield Switch(value=True, id="hints")
            yield Button("Start", id="start", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#start", Button).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """An exam has no hints: no key for them in the footer."""
        return not (action == "toggle_hints" and vdc_app(self).exam is not None)

    def action_toggle_hints(self) -> None:
        for sw in self.query("#hints").results(Switch):  # none in an exam
            sw.value = not sw.value

    @on(Button.Pressed, "#start")
    def action_start(self) -> None:
        hints = any(sw.value for sw in self.query("#hints").results(Switch))
        vdc_app(self).start_level(self.loaded, seed=self.seed, hints=hints)


def exam_limit(seconds: float) -> str:
    """An exam's time limit in words: `45 min`, `1 h 30 min`, `90 s`."""
    s = int(seconds)
    if s < 60:
        return f"{s} s"
    h, m = divmod(round(s / 60), 60)
    return f"{h} h {m} min" if h and m else f"{h} h" if h else f"{m} min"


def _story(text: str) -> str:
    return " ".join(text.split()) or "_No briefing._"


def _objectives(level) -> str:
    if not level.objectives:
        return "_None: play freely._"
    lines = []
    for o in level.objectives:
        req = " **(required)**" if o.required else ""
        lines.append(f"- {describe_objective(o)}{req} — weight {o.weight:g}")
    stars = level.level.stars
    lines.append(f"\nStars at scores {stars[0]:g} / {stars[1]:g} / {stars[2]:g}.")
    return "\n".join(lines)
