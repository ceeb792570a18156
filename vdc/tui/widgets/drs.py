"""Provides `DrsPanel`: the pending DRS recommendations of every cluster (key 9; it shares the
event log's place), and the words for DRS settings the panel and the DRS dialog both use.

Each cluster gets a line saying what DRS is doing there — off, mode, threshold, imbalance
against target, the next pass, why it cannot act — so the panel says something useful even
with nothing to apply. Enter on a recommendation asks for `drs apply CLUSTER ID` and `A` for
`drs apply CLUSTER all`, as command text the game screen submits like a typed command.
"""

from __future__ import annotations

import textwrap

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from vdc.sim.view import ClusterDrsView, DrsRecommendationView
from vdc.tui.format import Tones, clock
from vdc.tui.widgets.panel import Panel
from vdc.tui.widgets.tasks import eta

PRIORITIES: dict[int, tuple[str, str]] = {
    1: ("mandatory", "error"),
    2: ("high", "warning"),
    3: ("medium", "primary"),
    4: ("low", "foreground"),
    5: ("minor", "foreground-muted"),
}
"""DRS priority → word and tone (1 must be done: maintenance or a broken rule)."""
THRESHOLDS: dict[int, str] = {
    1: "conservative", 2: "cautious", 3: "moderate", 4: "eager", 5: "aggressive",
}
"""DRS migration threshold → a word: 1 makes mandatory moves only, 5 chases small gains."""


def balance_text(c: ClusterDrsView) -> str:
    """Imbalance against target in words ("balanced: 0.102 ≤ target 0.163"), short enough
    for the narrow panel."""
    if c.imbalance is None:
        return "no pass yet"
    if c.target is None:
        return f"imbalance {c.imbalance:.3f}, mandatory moves only"
    if c.imbalance <= c.target:
        return f"balanced: {c.imbalance:.3f} ≤ target {c.target:.3f}"
    return f"imbalance {c.imbalance:.3f} > target {c.target:.3f}"


def status_facts(c: ClusterDrsView, now: float) -> list[str]:
    """What DRS is doing in a cluster, one short fact each (panel header and dialog status)."""
    word = THRESHOLDS.get(c.threshold, "")
    if not c.enabled:
        return ["DRS off", f"set to {c.mode}", f"threshold {c.threshold} {word}",
                f"drs enable {c.name} or D turns it on", migrations_text(c)]
    facts = ["DRS on", c.mode, f"threshold {c.threshold} {word}", balance_text(c)]
    if c.last_pass is not None:
        facts.append(f"last pass {clock(c.last_pass)}")
    if c.next_pass is not None:
        facts.append(f"next pass {clock(c.next_pass)} (in {eta(c.next_pass - now)})")
    facts.append(migrations_text(c))
    return facts


def migrations_text(c: ClusterDrsView) -> str:
    return f"{c.migrations} DRS migration{'' if c.migrations == 1 else 's'} done"


def pack(facts: list[str], width: int, indent: str = " ") -> list[str]:
    """Facts joined with " · " into as few lines of `width` as they fit (never split one)."""
    lines: list[str] = []
    for fact in facts:
        if lines and len(lines[-1]) + 3 + len(fact) <= width:
            lines[-1] += " · " + fact
        else:
            lines.append((indent if lines else "") + fact)
    return lines


def hang(text: str, width: int, indent: str = " ") -> str:
    """`text` wrapped to `width`, every line indented (OptionList would wrap to column 0)."""
    return "\n".join(indent + line for line in textwrap.wrap(text, max(10, width - len(indent))))


def recommendation_text(r: DrsRecommendationView, tones: Tones, width: int = 80) -> Text:
    """One recommendation: id, priority, VM, move, then why; narrow: the move on its own line."""
    word, tone = PRIORITIES.get(r.priority, ("?", "foreground"))
    narrow = width < 44
    out = Text()
    out.append(f"{r.id:<3} ", tones("foreground-muted"))
    out.append(f"P{r.priority} {word if narrow else word.ljust(9)}", tones(tone))
    out.append(f" {r.vm}", tones("foreground"))
    out.append("\n    " if narrow else " ")
    out.append(f"{r.src} → {r.dst}", tones("accent"))
    if r.cold:
        out.append(" (cold: powered off)", tones("foreground-muted"))
    out.append("\n" + hang(r.reason, width, "    "), tones("foreground-muted"))
    return out


def _idle_text(c: ClusterDrsView) -> str:
    """Why a cluster has nothing to apply."""
    if not c.enabled:
        return "no recommendations while DRS is off"
    if c.note:
        return "no recommendations while DRS cannot act (⚠ above)"
    if c.mode == "full":
        return "no recommendations: fully automated, DRS makes its moves itself"
    if c.imbalance is None:
        return "no recommendations yet: DRS has not passed over this cluster"
    return "no recommendations: nothing to move now"


class DrsPanel(Panel):
    """DRS recommendations (key 9): Enter applies the highlighted one, A all of its cluster."""

    BORDER_TITLE = "DRS recommendations"

    BINDINGS = [Binding("A", "apply_all", "Apply all of the cluster", show=False)]

    DEFAULT_CSS = """
    DrsPanel {
        height: 1fr;
        & > OptionList { height: 1fr; border: none; background: $surface; padding: 0 0 0 1;
                         scrollbar-size-vertical: 1; &:focus { border: none; } }
    }
    """

    class Apply(Message):
        """The player asked to apply: `text` is the `drs apply …` command."""

        def __init__(self, text: str) -> None:
            self.text = text
            super().__init__()

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's keyword
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._key: object = None

    def compose(self) -> ComposeResult:
        yield OptionList(id="drs-options")

    def _options(self) -> list[Option]:
        view = self.view
        assert view is not None
        tones = self._tones_now()
        if not view.drs:
            return [Option(Text("No clusters here: DRS balances the VMs of a cluster's hosts.",
                                tones("foreground-muted")), disabled=True)]
        out: list[Option] = []
        width = max(20, self.size.width - 4)
        for n, c in enumerate(view.drs):
            head = Text("\n" if n else "")
            head.append(c.name, tones("accent") + Style(bold=True))
            lines = pack(status_facts(c, view.t), width - len(c.name) - 1)
            head.append(" " + "\n".join(lines), tones("foreground"))
            if c.note:
                head.append("\n" + hang(f"⚠ {c.note}", width), tones("warning"))
            out.append(Option(head, id=f"c:{c.name}", disabled=True))
            for r in c.recommendations:
                out.append(Option(recommendation_text(r, tones, width), id=f"r:{c.name}:{r.id}"))
            if not c.recommendations:
                out.append(Option(Text(hang(_idle_text(c), width), tones("foreground-muted")),
                                  id=f"i:{c.name}", disabled=True))
        return out

    def _draw(self) -> None:
        view = self.view
        if view is None:
            return
        key = (view.drs, int(view.t), self.size.width, self.app.theme)
        if key == self._key:
            return
        self._key = key
        options = self._options()
        pending = sum(len(c.recommendations) for c in view.drs)
        self.border_subtitle = (f"{pending} to apply: Enter, A all" if pending else "")
        ol = self.query_one(OptionList)
        ids = [o.id for o in ol.options]
        if ids == [o.id for o in options]:  # same rows: new words only, cursor untouched
            for o in options:
                if o.id is not None:
                    ol.replace_option_prompt(o.id, o.prompt)
            return
        highlighted = ol.highlighted_option.id if ol.highlighted_option is not None else None
        ol.clear_options()
        ol.add_options(options)
        new_ids = [o.id for o in options]
        if highlighted in new_ids:
            ol.highlighted = new_ids.index(highlighted)
        else:
            first = next((i for i, o in enumerate(options) if not o.disabled), None)
            ol.highlighted = first

    def _chosen(self) -> tuple[str, str] | None:
        """(cluster, recommendation id) of the highlighted row."""
        option = self.query_one(OptionList).highlighted_option
        if option is None or option.id is None or not option.id.startswith("r:"):
            return None
        _, cluster, rid = option.id.split(":", 2)
        return cluster, rid

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        chosen = self._chosen()
        if chosen is not None:
            self.post_message(self.Apply(f"drs apply {chosen[0]} {chosen[1]}"))

    def action_apply_all(self) -> None:
        chosen = self._chosen()
        if chosen is None:
            self.notify("No DRS recommendation to apply here.", severity="warning")
            return
        self.post_message(self.Apply(f"drs apply {chosen[0]} all"))
