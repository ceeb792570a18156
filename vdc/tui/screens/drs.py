"""Provides the vSphere DRS settings dialog of one cluster (key `D` on the game screen).

It shows what DRS makes of the cluster — status, the host loads of the last pass, the pending
recommendations, the rules (✖ when broken) and the groups — read from the snapshot. Every
change is a command given through the `give` it was handed (`drs mode prod full`,
`drs rule add prod apart keep-apart web-01 web-02`, …), so it is recorded, validated and
refused exactly like a typed one; the dialog then redraws from the next view (see
`ClusterDialog`).
"""

from __future__ import annotations

from collections.abc import Callable

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from vdc.sim.view import ClusterDrsView, SimView
from vdc.tui.format import Tones, bar
from vdc.tui.screens.cluster_dialog import ClusterDialog, Give
from vdc.tui.widgets.drs import THRESHOLDS, pack, recommendation_text, status_facts

MODES = ("manual", "partial", "full")
MODE_WORDS = {"manual": "manual (advises)", "partial": "partial (places)",
              "full": "full (moves VMs)"}
"""Mode → what DRS does in it (partial: places VMs at power on, advises the rest)."""
BAR_W = 12


def track(fraction: float) -> str:
    """A load bar whose empty part shows as dots, so its length reads at 0 % too."""
    filled = bar(fraction, BAR_W).rstrip(" ")
    return filled + "·" * (BAR_W - len(filled))


def loads_text(c: ClusterDrsView) -> str:
    """One line per host: CPU and memory load at the last pass, as bars."""
    if not c.host_loads:
        return "Host loads: none yet (DRS is off or has not passed)"
    lines = ["Host loads at the last pass"]
    for host, cpu, mem in c.host_loads:
        lines.append(f"  {host:<10} CPU {track(cpu)}{100 * cpu:4.0f}%"
                     f"   mem {track(mem)}{100 * mem:4.0f}%")
    return "\n".join(lines)


def rules_text(c: ClusterDrsView, tones: Tones) -> Text:
    out = Text()
    if not c.rules:
        out.append("Rules: none (add one below)", tones("foreground-muted"))
        return out
    out.append("Rules", tones("primary") + Style(bold=True))
    for r in c.rules:
        mark, tone = ("✖", "error") if r.broken else ("✔", "success")
        out.append(f"\n  {mark} ", tones(tone))
        out.append(f"{r.name}: {r.text}")
        out.append(" (required)" if r.required else " (preferred)", tones("foreground-muted"))
        for why in r.broken:
            out.append(f"\n      broken: {why}", tones(tone))
    return out


def groups_text(c: ClusterDrsView) -> str:
    if not c.vm_groups and not c.host_groups:
        return "Groups: none (set one below: vm|host NAME MEMBER…)"
    lines = ["Groups"]
    lines += [f"  VM group {name}: {', '.join(members)}" for name, members in c.vm_groups]
    lines += [f"  host group {name}: {', '.join(members)}" for name, members in c.host_groups]
    return "\n".join(lines)


def titled(text: str, tones: Tones) -> Text:
    """A section whose first line is its title (when it has more than one line)."""
    out = Text(text)
    if "\n" in text:
        out.stylize(tones("primary") + Style(bold=True), 0, text.index("\n"))
    return out


class DrsScreen(ClusterDialog):
    """DRS settings of one cluster; Esc closes."""

    BINDINGS = [
        Binding("escape", "dismiss_dialog", "Close"),
        Binding("e", "toggle_drs", "DRS on / off"),
    ]

    DEFAULT_CSS = """
    DrsScreen { align: center middle; }
    DrsScreen > VerticalScroll {
        width: 100; max-width: 100%; height: auto; max-height: 100%;
        background: $panel; border: round $primary; padding: 0 1;
    }
    DrsScreen .drs-row { height: auto; }
    DrsScreen .drs-label { width: 10; padding: 1 1 0 0; }
    DrsScreen #drs-mode { width: 27; }
    DrsScreen #drs-threshold { width: 30; }
    DrsScreen #drs-rule-name { width: 1fr; max-width: 28; }
    DrsScreen .section-title { padding: 0 0 0 1; }
    DrsScreen Input { width: 1fr; }
    DrsScreen Static { padding: 0 0 0 1; }
    DrsScreen OptionList { height: auto; max-height: 8; margin: 0 0 0 1; }
    DrsScreen Button { margin: 0 1 0 0; min-width: 10; }
    """

    def __init__(self, cluster: str, *, view: Callable[[], SimView], give: Give) -> None:
        super().__init__(cluster, view=view, give=give)
        self._shown: object = None
        self._rule_names: tuple[str, ...] | None = None

    def current(self) -> ClusterDrsView:
        return _cluster(self.latest().drs, self.cluster)

    def compose(self) -> ComposeResult:
        c = self.current()
        # Settings first, so they show without scrolling on a small terminal.
        with VerticalScroll():
            yield Label(f"vSphere DRS — cluster {c.name}", classes="screen-title")
            yield Static(id="drs-status")
            with Horizontal(classes="drs-row"):
                yield Button("DRS off (e)" if c.enabled else "DRS on (e)", id="drs-toggle",
                             variant="primary")
                yield Select([(MODE_WORDS[m], m) for m in MODES], value=c.mode,
                             allow_blank=False, id="drs-mode")
                yield Select([(f"threshold {n} {w}", n) for n, w in THRESHOLDS.items()],
                             value=c.threshold, allow_blank=False, id="drs-threshold")
            yield Static(id="drs-loads")
            yield Static(id="drs-recs-title", classes="section-title")
            yield OptionList(id="drs-recs")
            with Horizontal(classes="drs-row"):
                yield Button("Apply highlighted", id="drs-apply-one")
                yield Button("Apply all", id="drs-apply-all")
            yield Static(id="drs-rules")
            with Horizontal(classes="drs-row"):
                yield Label("Add rule", classes="drs-label")
                yield Input(placeholder="NAME keep-apart VM VM… | NAME must-run-on VMGRP HOSTGRP",
                            id="drs-rule")
                yield Button("Add", id="drs-rule-add")
            with Horizontal(classes="drs-row"):
                yield Label("Remove", classes="drs-label")
                yield Select([], prompt="rule", id="drs-rule-name")
                yield Button("Remove rule", id="drs-rule-remove")
            yield Static(id="drs-groups")
            with Horizontal(classes="drs-row"):
                yield Label("Group", classes="drs-label")
                yield Input(placeholder="vm|host NAME MEMBER…", id="drs-group")
                yield Button("Set group", id="drs-group-set")
            yield Button("Close (Esc)", id="drs-close")

    def on_mount(self) -> None:
        self.redraw()
        self.set_interval(1.0, self.redraw, name="drs-dialog")

    def redraw(self) -> None:
        """Show the cluster as the latest view has it (nothing when nothing changed)."""
        view = self.latest()
        c = _cluster(view.drs, self.cluster)
        now = view.t
        key = (c, int(now), self.app.theme)
        if key == self._shown:
            return
        self._shown = key
        tones = Tones.of(self.app)
        facts = status_facts(c, now)
        note = f"\n⚠ {c.note}" if c.note else ""
        width = min(94, self.app.size.width - 8)
        self.query_one("#drs-status", Static).update("\n".join(pack(facts, width, "")) + note)
        self.query_one("#drs-loads", Static).update(titled(loads_text(c), tones))
        n = len(c.recommendations)
        self.query_one("#drs-recs-title", Static).update(
            f"Recommendations: {n} (Enter applies the highlighted one)" if n else
            "Recommendations: none now")
        recs = self.query_one("#drs-recs", OptionList)
        recs.display = bool(n)
        ids = [o.id for o in recs.options]
        if ids != [r.id for r in c.recommendations]:
            recs.clear_options()
            recs.add_options(Option(recommendation_text(r, tones, recs.size.width or 80), id=r.id)
                             for r in c.recommendations)
            if n:
                recs.highlighted = 0
        for b in ("#drs-apply-one", "#drs-apply-all"):
            self.query_one(b, Button).disabled = not n
        self.query_one("#drs-rules", Static).update(rules_text(c, tones))
        self.query_one("#drs-groups", Static).update(titled(groups_text(c), tones))
        names = self.query_one("#drs-rule-name", Select)
        rule_names = tuple(r.name for r in c.rules)
        if rule_names != self._rule_names:  # else a rule picked to remove is kept
            self._rule_names = rule_names
            names.set_options([(n, n) for n in rule_names])
        names.disabled = not c.rules
        self.query_one("#drs-rule-remove", Button).disabled = not c.rules
        # A refused change leaves the selects where the cluster really is.
        with self.prevent(Select.Changed):
            self.query_one("#drs-mode", Select).value = c.mode
            self.query_one("#drs-threshold", Select).value = c.threshold
        self.query_one("#drs-toggle", Button).label = "DRS off (e)" if c.enabled else "DRS on (e)"

    def action_toggle_drs(self) -> None:
        self.give(f"drs {'disable' if self.current().enabled else 'enable'} {self.cluster}")

    def _apply(self, which: str) -> None:
        if which == "one":
            option = self.query_one("#drs-recs", OptionList).highlighted_option
            if option is None or option.id is None:
                self.notify("Highlight a recommendation first.", severity="warning")
                return
            which = option.id
        self.give(f"drs apply {self.cluster} {which}")

    def _typed(self, input_id: str, head: str) -> None:
        """Give `head` and what was typed; keep the text when refused, to fix it."""
        box = self.query_one(input_id, Input)
        rest = box.value.strip()
        if not rest:
            self.notify("Type the rest of the command first.", severity="warning")
            return
        if self.give(f"{head} {self.cluster} {rest}"):
            box.value = ""

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        match event.button.id:
            case "drs-toggle":
                self.action_toggle_drs()
            case "drs-apply-one":
                self._apply("one")
            case "drs-apply-all":
                self._apply("all")
            case "drs-rule-add":
                self._typed("#drs-rule", "drs rule add")
            case "drs-group-set":
                self._typed("#drs-group", "drs group")
            case "drs-rule-remove":
                name = self.query_one("#drs-rule-name", Select).value
                if isinstance(name, str):
                    self.give(f"drs rule remove {self.cluster} {name}")
            case _:
                self.dismiss(None)

    @on(OptionList.OptionSelected, "#drs-recs")
    def _rec_chosen(self, event: OptionList.OptionSelected) -> None:
        self.give(f"drs apply {self.cluster} {event.option.id}")

    @on(Input.Submitted, "#drs-rule")
    def _rule_entered(self) -> None:
        self._typed("#drs-rule", "drs rule add")

    @on(Input.Submitted, "#drs-group")
    def _group_entered(self) -> None:
        self._typed("#drs-group", "drs group")

    @on(Select.Changed, "#drs-mode")
    def _mode_chosen(self, event: Select.Changed) -> None:
        if event.value != self.current().mode:
            self.give(f"drs mode {self.cluster} {event.value}")

    @on(Select.Changed, "#drs-threshold")
    def _threshold_chosen(self, event: Select.Changed) -> None:
        if event.value != self.current().threshold:
            self.give(f"drs threshold {self.cluster} {event.value}")


def _cluster(clusters: tuple[ClusterDrsView, ...], name: str) -> ClusterDrsView:
    return next(c for c in clusters if c.name == name)
