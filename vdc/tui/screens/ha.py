"""Provides the vSphere HA settings dialog of one cluster (key `H` on the game screen).

It shows the cluster's HA state, admission policy, isolation response, VM monitoring and the failover
capacity they leave, read from the snapshot; every change is a command given through the `give`
it was handed (`ha enable prod`, `ha admission prod percent 25 25`, …), so it is recorded,
validated and refused exactly like a typed one (see `ClusterDialog`).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from vdc.sim.view import ClusterHaView
from vdc.tui.format import HA_STATES
from vdc.tui.screens.cluster_dialog import ClusterDialog

POLICIES = ("disabled", "slots", "percent", "failover-hosts")
RESPONSES = ("none", "power-off", "shutdown")


def policy_values(c: ClusterHaView) -> str:
    """What follows the policy in `ha admission` for the cluster's current settings."""
    if c.admission in ("slots",) or (c.admission == "percent" and c.cpu_pct is None):
        return str(c.failures)
    if c.admission == "percent":
        return f"{c.cpu_pct:g} {c.mem_pct:g}"
    if c.admission == "failover-hosts":
        return " ".join(c.failover_hosts)
    return ""


class HaScreen(ClusterDialog):
    """HA settings of one cluster; Esc closes."""

    BINDINGS = [
        Binding("escape", "dismiss_dialog", "Close"),
        Binding("e", "toggle_ha", "HA on / off"),
    ]

    DEFAULT_CSS = """
    HaScreen { align: center middle; }
    HaScreen > Vertical {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        background: $panel; border: round $primary; padding: 0 1;
    }
    HaScreen .ha-row { height: auto; }
    HaScreen .ha-label { width: 12; padding: 1 1 0 0; }
    HaScreen Select { width: 24; }
    HaScreen #ha-monitoring { width: 12; }
    HaScreen Input { width: 1fr; }
    HaScreen #ha-status, HaScreen #ha-capacity, HaScreen #ha-hosts { padding: 0 0 0 1; }
    HaScreen Button { margin: 0 1 0 0; min-width: 10; }
    """

    def current(self) -> ClusterHaView:
        return _cluster(self.latest().clusters, self.cluster)

    def compose(self) -> ComposeResult:
        c = self.current()
        with Vertical():
            yield Label(f"vSphere HA — cluster {c.name}", classes="screen-title")
            yield Static(id="ha-status")
            yield Static(id="ha-hosts")
            yield Static(id="ha-capacity")
            with Horizontal(classes="ha-row"):
                yield Label("Admission", classes="ha-label")
                yield Select([(p, p) for p in POLICIES], value=c.admission, allow_blank=False,
                             id="ha-policy")
                yield Input(policy_values(c), placeholder="failures | CPU% MEM% | hosts",
                            id="ha-values")
            with Horizontal(classes="ha-row"):
                yield Label("Isolation", classes="ha-label")
                yield Select([(r, r) for r in RESPONSES], value=c.isolation, allow_blank=False,
                             id="ha-isolation")
                yield Label("VM monitor", classes="ha-label")
                yield Select([("off", "off"), ("on", "on")], value="on" if c.vm_monitoring else "off",
                             allow_blank=False, id="ha-monitoring")
            with Horizontal(classes="ha-row"):
                yield Button("HA off (e)" if c.enabled else "HA on (e)", id="ha-toggle",
                             variant="primary")
                yield Button("Apply admission", id="ha-apply")
                yield Button("Close (Esc)", id="ha-close")

    def on_mount(self) -> None:
        self.redraw()

    def redraw(self) -> None:
        view = self.latest()
        c = _cluster(view.clusters, self.cluster)
        state = "on" if c.enabled else "off"
        bits = [f"HA is {state}"]
        if c.enabled:
            bits.append(f"primary {c.primary or 'none'}")
            bits.append(f"{c.restarting} restart(s) in progress" if c.restarting else "no restarts")
        self.query_one("#ha-status", Static).update(" · ".join(bits))
        roles = []
        for h in view.hosts:
            if h.cluster == c.name:
                symbol, word, _ = HA_STATES.get(h.ha, ("—", "no HA", ""))
                roles.append(f"{h.name} {symbol} {word}")
        self.query_one("#ha-hosts", Static).update("Hosts: " + ", ".join(roles))
        self.query_one("#ha-capacity", Static).update(
            f"Admission {c.admission}: {c.capacity}" if c.enabled else
            "Admission control applies while HA is on."
        )
        self.query_one("#ha-toggle", Button).label = "HA off (e)" if c.enabled else "HA on (e)"

    def action_toggle_ha(self) -> None:
        self.give(f"ha {'disable' if self.current().enabled else 'enable'} {self.cluster}")

    def apply_admission(self) -> None:
        policy = str(self.query_one("#ha-policy", Select).value)
        values = self.query_one("#ha-values", Input).value.strip()
        if policy == "disabled":
            values = ""
        self.give(" ".join(p for p in ("ha admission", self.cluster, policy, values) if p))

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ha-toggle":
            self.action_toggle_ha()
        elif event.button.id == "ha-apply":
            self.apply_admission()
        else:
            self.dismiss(None)

    @on(Input.Submitted, "#ha-values")
    def _values_entered(self) -> None:
        self.apply_admission()

    @on(Select.Changed, "#ha-isolation")
    def _isolation_chosen(self, event: Select.Changed) -> None:
        if event.value != self.current().isolation:
            self.give(f"ha isolation {self.cluster} {event.value}")


    @on(Select.Changed, "#ha-monitoring")
    def _monitoring_chosen(self, event: Select.Changed) -> None:
        if (event.value == "on") != self.current().vm_monitoring:
            self.give(f"ha monitoring {self.cluster} {event.value}")


def _cluster(clusters: tuple[ClusterHaView, ...], name: str) -> ClusterHaView:
    return next(c for c in clusters if c.name == name)
