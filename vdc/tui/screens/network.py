"""Provides the network dialog (`L`): a cable, a switch port's VLANs, a port group's VLAN, a NIC
team, a VM NIC — one `net …` or `vm nic` command at a time. It opens on the selected host (or
the selected VM's host), else on the first host whose network is in trouble.

The dialog changes nothing itself: it is dismissed with the command text it built (`net trunk
esx-02 vmnic1 add 120`), which the game screen gives like a typed command — so it is validated,
refused with its reason, and recorded exactly the same. It opens on the selected host (or the
selected VM's host) and says what that host's uplinks and teams are doing now, so the player
sees what to change without leaving it.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select

from vdc.sim.view import HostView, SimView, VSwitchView
from vdc.tui.screens.command_dialog import CommandDialog

CHANGES: tuple[tuple[str, str], ...] = (
    ("Uplink: plug in / pull the cable", "uplink"),
    ("Trunk: a switch port's VLANs", "trunk"),
    ("Port group: its VLAN", "portgroup"),
    ("NIC team: policy, order, detection", "teaming"),
    ("VM NIC: its port group", "nic"),
)
"""What the dialog can change, and the id of the rows each needs."""

FIELDS: dict[str, tuple[str, ...]] = {
    "uplink": ("net-uplink-label", "net-uplink", "net-state"),
    "trunk": ("net-uplink-label", "net-uplink", "net-trunk-action", "net-trunk-vlan-label",
              "net-trunk-vlan"),
    "portgroup": ("net-pg-label", "net-pg", "net-pg-vlan-label", "net-pg-vlan"),
    "teaming": ("net-vswitch", "net-policy", "net-detection", "net-lacp-rate", "net-active-label",
                "net-active", "net-standby-label", "net-standby"),
    "nic": ("net-vm", "net-nic-label", "net-nic", "net-vm-pg"),
}
"""Which fields each change shows (a row with none of them shown is hidden; the LACP rate only
with policy lacp)."""

POLICIES = ("port-id", "mac-hash", "ip-hash", "explicit", "lacp")


def uplink_line(host: HostView) -> str:
    """The host's uplinks now, in a few words each: `vmnic0 up 2 %`, `vmnic1 BLACK HOLE`."""
    load = dict(zip([u.name for u in host.uplinks], host.uplink_mbps, strict=False))
    parts = []
    for u in host.uplinks:
        if not u.up:
            state = "down"
        elif u.black_holed:
            state = "BLACK HOLE"
        elif u.failed_over:
            state = "failed over"
        else:
            state = f"up {round(100.0 * load.get(u.name, 0.0) / u.speed) if u.speed else 0} %"
        if u.role == "standby":
            state += " (standby)"
        trunk = ("all VLANs but " + ",".join(map(str, u.pruned)) if u.pruned else "") \
            if u.vlans is None else "VLANs " + ",".join(map(str, u.vlans))
        parts.append(f"{u.name} {state}" + (f", {trunk}" if trunk else ""))
    return "; ".join(parts) or "no uplinks"


def team_line(vs: VSwitchView) -> str:
    """A vSwitch's team now: `vSwitch0: port-id, standby vmnic1, link status`."""
    standby = f", standby {','.join(vs.standby)}" if vs.standby else ""
    detection = "beacon probing" if vs.detection == "beacon" else "link status"
    if vs.lacp_rate:
        detection = f"{vs.lacp_rate} LACPDUs"
    return f"{vs.name}: {vs.policy}{standby}, {detection}"


def _in_trouble(h: HostView) -> bool:
    """A host with an uplink down, black-holed or missing a VLAN, or a port group cut."""
    return any(not u.up or u.black_holed or u.pruned for u in h.uplinks) or any(
        not pg.carried or pg.cut_on for vs in h.vswitches for pg in vs.portgroups)


class NetworkScreen(CommandDialog):
    """One host's network; dismissed with a `net …` / `vm nic …` command's text, or None."""

    PREVIEW = "#net-command"

    DEFAULT_CSS = """
    NetworkScreen {
        align: center middle;
    }
    NetworkScreen > Vertical {
        width: 80;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        background: $panel;
        border: round $primary;
        padding: 0 1;
    }
    NetworkScreen #net-title { text-style: bold; }
    NetworkScreen .net-note { color: $foreground-muted; }
    NetworkScreen .net-row { height: auto; }
    NetworkScreen .net-row Label { padding: 1 1 0 0; }
    NetworkScreen Select { width: 1fr; }
    NetworkScreen #net-change { width: 2fr; }
    NetworkScreen .net-num { width: 12; }
    NetworkScreen .net-choice { width: 18; }
    NetworkScreen .net-words { width: 1fr; }
    NetworkScreen Button { margin: 0 1 0 0; min-width: 10; }
    NetworkScreen #net-command { color: $accent; padding: 0 0 0 1; }
    NetworkScreen .-hidden { display: none; }
    """

    def __init__(self, view: SimView, host: str | None = None) -> None:
        super().__init__()
        self.hosts = {h.name: h for h in view.hosts if h.state not in ("failed", "off")} or {
            h.name: h for h in view.hosts}
        troubled = [h.name for h in self.hosts.values() if _in_trouble(h)]
        self.host = host if host in self.hosts else next(iter(troubled or self.hosts), "")
        self.vms = view.vms
        self.change = "trunk"

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        h = self.hosts.get(self.host)
        with Vertical():
            yield Label("Network — one change at a time, given as a command   (Esc closes)",
                        id="net-title")
            with Horizontal(classes="net-row"):
                yield Label("Change")
                yield Select([(t, v) for t, v in CHANGES], value=self.change, allow_blank=False,
                             id="net-change")
                yield Label("Host")
                yield Select([(n, n) for n in self.hosts], value=self.host or Select.BLANK,
                             allow_blank=not self.hosts, id="net-host")
            yield Label("", id="net-now", classes="net-note")
            with Horizontal(id="net-uplink-row", classes="net-row net-fields"):
                yield Label("Uplink", id="net-uplink-label")
                yield Select(self._uplinks(h), value=self._troubled(h), allow_blank=False,
                             id="net-uplink")
                yield Select([("up (plug in)", "up"), ("down (pull)", "down")], value="down",
                             allow_blank=False, id="net-state", classes="net-choice")
                yield Select([("add", "add"), ("remove", "remove")], value="add",
                             allow_blank=False, id="net-trunk-action", classes="net-choice")
                yield Label("VLAN", id="net-trunk-vlan-label")
                yield Input(placeholder="1-4094", id="net-trunk-vlan", classes="net-num",
                            type="integer")
            with Horizontal(id="net-pg-row", classes="net-row net-fields"):
                yield Label("Port group", id="net-pg-label")
                yield Select(self._portgroups(h), allow_blank=False, id="net-pg")
                yield Label("VLAN", id="net-pg-vlan-label")
                yield Input(placeholder="0-4094", id="net-pg-vlan", classes="net-num", type="integer")
            with Horizontal(id="net-team-row", classes="net-row net-fields"):
                yield Select(self._vswitches(h), allow_blank=False, id="net-vswitch")
                yield Select([(p, p) for p in POLICIES], value="port-id", allow_blank=False,
                             id="net-policy")
                yield Select([("link status", "link"), ("beacon probing", "beacon")], value="link",
                             allow_blank=False, id="net-detection")
                yield Select([("LACP slow", "slow"), ("LACP fast", "fast")],
                             value="slow", allow_blank=False, id="net-lacp-rate")
            with Horizontal(id="net-order-row", classes="net-row net-fields"):
                yield Label("Active", id="net-active-label")
                yield Input(placeholder="uplinks", id="net-active", classes="net-words")
                yield Label("Standby", id="net-standby-label")
                yield Input(placeholder="uplinks", id="net-standby", classes="net-words")
            with Horizontal(id="net-vm-row", classes="net-row net-fields"):
                yield Select(self._vms(), allow_blank=False, id="net-vm")
                yield Label("NIC", id="net-nic-label")
                yield Input("1", id="net-nic", classes="net-num", type="integer")
                yield Select(self._portgroups(h), allow_blank=False, id="net-vm-pg")
            with Horizontal(classes="net-row"):
                yield Button("Give", id="net-go", variant="primary")
                yield Label("refused changes say why", classes="net-note")
            yield Label("", id="net-command")

    def on_mount(self) -> None:
        self._fill_team()
        self._show_rows()
        self.query_one("#net-change", Select).focus()

    # ------------------------------------------------------------------ choices
    def _uplinks(self, h: HostView | None) -> list[tuple[str, str]]:
        return [(u.name, u.name) for u in h.uplinks] if h else [("(none)", "")]

    @staticmethod
    def _troubled(h: HostView | None) -> str:
        """The uplink to offer first: one whose trunk lost a VLAN or whose traffic is lost."""
        if h is None or not h.uplinks:
            return ""
        bad = [u.name for u in h.uplinks if u.pruned or u.black_holed]
        return (bad or [h.uplinks[0].name])[0]

    def _portgroups(self, h: HostView | None) -> list[tuple[str, str]]:
        pgs = [(f"{p.name} (VLAN {p.vlan})", p.name) for vs in h.vswitches for p in vs.portgroups
               if p.vmkernel is None] if h else []
        return pgs or [("(none)", "")]

    def _vswitches(self, h: HostView | None) -> list[tuple[str, str]]:
        return [(vs.name, vs.name) for vs in h.vswitches] if h and h.vswitches else [("(none)", "")]

    def _vms(self) -> list[tuple[str, str]]:
        here = [(f"{n} ({pgs or 'no NIC'})", n) for n, host, pgs in zip(
            self.vms.names, self.vms.hosts,
            self.vms.portgroups if len(self.vms.portgroups) == len(self.vms) else ("",) * len(self.vms),
            strict=True) if host == self.host]
        return here or [("(no VM on this host)", "")]

    def _vswitch(self) -> VSwitchView | None:
        h = self.hosts.get(self.host)
        name = self.value("#net-vswitch")
        return next((vs for vs in h.vswitches if vs.name == name), None) if h else None

    def _fill_team(self) -> None:
        """The chosen vSwitch's team as it is, to edit."""
        vs = self._vswitch()
        if vs is None:
            return
        self.query_one("#net-policy", Select).value = vs.policy
        self.query_one("#net-detection", Select).value = vs.detection
        self.query_one("#net-lacp-rate", Select).value = vs.lacp_rate or "slow"
        self.query_one("#net-active", Input).value = " ".join(u for u in vs.uplinks if u not in vs.standby)
        self.query_one("#net-standby", Input).value = " ".join(vs.standby)

    def _show_rows(self) -> None:
        shown = FIELDS.get(self.change, ())
        if self.value("#net-policy") != "lacp":
            shown = tuple(f for f in shown if f != "net-lacp-rate")
        for row in self.query(".net-fields"):
            visible = False
            for w in row.children:
                w.set_class(w.id not in shown, "-hidden")
                visible = visible or w.id in shown
            row.set_class(not visible, "-hidden")
        h = self.hosts.get(self.host)
        now = ""
        if h is not None:
            now = ("Teams: " + "; ".join(team_line(vs) for vs in h.vswitches)
                   if self.change == "teaming" else "Now: " + uplink_line(h))
        self.query_one("#net-now", Label).update(now)
        self.show_command()

    # ------------------------------------------------------------------ events
    @on(Select.Changed, "#net-change")
    def _change_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.change = str(event.value)
        self._show_rows()

    @on(Select.Changed, "#net-host")
    def _host_changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.value is Select.BLANK or str(event.value) == self.host:
            return
        self.host = str(event.value)
        h = self.hosts.get(self.host)
        uplink = self.query_one("#net-uplink", Select)
        uplink.set_options(self._uplinks(h))
        uplink.value = self._troubled(h)
        self.query_one("#net-pg", Select).set_options(self._portgroups(h))
        self.query_one("#net-vm-pg", Select).set_options(self._portgroups(h))
        self.query_one("#net-vswitch", Select).set_options(self._vswitches(h))
        self.query_one("#net-vm", Select).set_options(self._vms())
        self._fill_team()
        self._show_rows()

    @on(Select.Changed, "#net-policy")
    def _policy_changed(self, event: Select.Changed) -> None:
        event.stop()
        self._show_rows()

    @on(Select.Changed, "#net-vswitch")
    def _vswitch_changed(self, event: Select.Changed) -> None:
        event.stop()
        self._fill_team()
        self.show_command()

    # ------------------------------------------------------------------ the command
    def command(self) -> str:
        """The command the fields say, with a capitalised placeholder for what is missing."""
        return " ".join(w for w, _ in self._words())

    def missing(self) -> list[str]:
        """The placeholders still in the command (fields left empty)."""
        return [w for w, filled in self._words() if not filled]

    def _words(self) -> list[tuple[str, bool]]:
        """The command's words, each with whether it was filled in (False: a placeholder)."""

        def f(selector: str, placeholder: str) -> tuple[str, bool]:
            got = self.value(selector)
            return (got, True) if got else (placeholder, False)

        host = (self.host, True) if self.host else ("HOST", False)
        if self.change == "uplink":
            return [("net uplink", True), host, f("#net-uplink", "UPLINK"), f("#net-state", "STATE")]
        if self.change == "trunk":
            return [("net trunk", True), host, f("#net-uplink", "UPLINK"),
                    f("#net-trunk-action", "add"), f("#net-trunk-vlan", "VLAN")]
        if self.change == "portgroup":
            return [("net portgroup", True), host, f("#net-pg", "PORTGROUP"), ("vlan", True),
                    f("#net-pg-vlan", "VLAN")]
        if self.change == "teaming":
            vs = self._vswitch()
            words = [("net teaming", True), host, f("#net-vswitch", "VSWITCH"), ("policy", True),
                     f("#net-policy", "port-id")]
            active, standby = self.value("#net-active").split(), self.value("#net-standby").split()
            if vs is None or active != [u for u in vs.uplinks if u not in vs.standby] \
                    or standby != list(vs.standby):
                words += [("--active " + " ".join(active), True)] if active else []
                words += [("--standby " + " ".join(standby), True)] if standby else []
            words.append(("--detection " + (self.value("#net-detection") or "link"), True))
            if self.value("#net-policy") == "lacp":
                words.append(("--lacp-rate " + (self.value("#net-lacp-rate") or "slow"), True))
            return words
        return [("vm nic", True), f("#net-vm", "VM"), f("#net-nic", "N"), f("#net-vm-pg", "PORTGROUP")]

    def not_ready(self) -> str | None:
        missing = self.missing()
        return f"Fill in {', '.join(missing)} first." if missing else None
