"""Provides `TasksPanel`: operations that take sim time — vMotions, Storage vMotions, maintenance,
host reboots, HA restarts — queued and running first (with a progress bar and ETA), then the
most recent finished ones. Every state has a symbol and a word, not only a colour.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from vdc.sim.view import TaskView
from vdc.tui.format import bar
from vdc.tui.widgets.panel import Panel

TASK_STATES: dict[str, tuple[str, str, str]] = {
    "queued": ("◷", "queued", "foreground-muted"),
    "running": ("▶", "running", "primary"),
    "done": ("✔", "done", "success"),
    "failed": ("✖", "FAILED", "error"),
    "cancelled": ("⊘", "aborted", "warning"),
}
SHORT_WORDS = {"svmotion": "svMotion", "maintenance": "Maint.", "ha_restart": "HA", "vsan_resync": "Resync"}
"""Shorter kind words for a narrow panel."""
KIND_WORDS = {
    "vmotion": "vMotion", "svmotion": "Storage vMotion", "maintenance": "Maintenance",
    "host_reboot": "Reboot", "ha_restart": "HA restart", "consolidate": "Consolidate",
    "vsan_resync": "vSAN resync",
}
FINISHED_SHOWN = 8
"""Finished tasks listed under the active ones (newest first)."""
BAR_W = 10


def eta(seconds: float | None) -> str:
    if seconds is None:
        return ""
    s = max(0, int(seconds + 0.999))
    return f"{s // 60}m{s % 60:02d}s" if s >= 60 else f"{s}s"


class TasksPanel(Panel):
    """The Tasks panel (key 8; it shares the event log's place)."""

    BORDER_TITLE = "Tasks"

    DEFAULT_CSS = """
    TasksPanel {
        height: 1fr;
        & > VerticalScroll { background: $surface; padding: 0 1; scrollbar-size-vertical: 1; }
        & #task-lines { text-wrap: nowrap; text-overflow: ellipsis; }
    }
    """

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
        with VerticalScroll(can_focus=True):
            yield Static(id="task-lines")

    def _draw(self) -> None:
        view = self.view
        if view is None:
            return
        key = (view.tasks, self.size.width, self.app.theme)
        if key == self._key:
            return
        self._key = key
        self.query_one("#task-lines", Static).update(render_tasks(view.tasks, self._tones_now(), self.size.width - 4))
        active = sum(1 for t in view.tasks if t.state in ("queued", "running"))
        self.border_subtitle = f"{active} active" if active else ""


def _what(t: TaskView, narrow: bool) -> str:
    kind = (narrow and SHORT_WORDS.get(t.kind)) or KIND_WORDS.get(t.kind, t.kind)
    return f"{kind} {t.subject}" + (f" → {t.target}" if t.target else "")


def render_tasks(tasks: tuple[TaskView, ...], tones, width: int) -> Text:
    """Active tasks (oldest first), then the last finished ones (newest first).

    Wide: one line per task, progress and ETA in a column. Narrow (< 70 cells): progress and
    ETA on a second line under the task, so they are never cut off.
    """
    active = [t for t in tasks if t.state in ("queued", "running")]
    done = [t for t in reversed(tasks) if t.state not in ("queued", "running")][:FINISHED_SHOWN]
    out = Text(no_wrap=True, overflow="ellipsis")
    if not tasks:
        out.append("No tasks yet: vMotion, Storage vMotion, maintenance and reboots show here.",
                   tones("foreground-muted"))
        return out
    narrow = width < 70
    shown = active + done
    col = max(len(_what(t, narrow)) for t in shown)
    for n, t in enumerate(shown):
        if n:
            out.append("\n")
        symbol, word, tone = TASK_STATES.get(t.state, ("·", t.state, "foreground"))
        out.append(f"{symbol} {word:<7} ", tones(tone))
        what = _what(t, narrow)
        out.append(what if narrow else what.ljust(col), tones("foreground"))
        if t.state == "running" and t.kind != "maintenance":  # maintenance waits: no ETA
            if narrow:
                out.append(f"\n  {bar(t.progress, 6)}{100 * t.progress:4.0f}%", tones("primary"))
                out.append(f" ETA {eta(t.eta_s)}" if t.eta_s else "", tones("foreground-muted"))
            else:
                out.append(f"  {bar(t.progress, BAR_W)}{100 * t.progress:4.0f}%", tones("primary"))
                out.append(f"  ETA {eta(t.eta_s):>6}" if t.eta_s else " " * 12, tones("foreground-muted"))
        elif not narrow:
            out.append(" " * (BAR_W + 19))
        if t.detail and not narrow:
            out.append(f"  {t.detail}", tones("foreground-muted"))
    return out
