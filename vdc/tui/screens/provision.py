"""Provides the "new VM" dialog (`N`) and the "deploy" dialog (`d`).

Neither changes anything itself: each is dismissed with the command text it built (`vm create
web-03 esx-01 ds-1 cpu 2 mem 4 disk 40 prod`, `deploy firewall fw-01 esx-01 ds-1 prod`), which
the game screen gives like a typed command — so it is validated, refused with its reason, and
recorded exactly the same. The line under the fields shows that command as it is being built.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, OptionList, Select
from textual.widgets.option_list import Option

from vdc.sim.provision.choices import ApplianceChoice, PlaceChoice
from vdc.tui.format import gib
from vdc.tui.screens.command_dialog import CommandDialog

NO_PORTGROUP = "(no NIC)"

DIALOG_CSS = """
{name} {{
    align: center middle;
}}
{name} > Vertical {{
    width: 78;
    max-width: 100%;
    height: auto;
    max-height: 100%;
    background: $panel;
    border: round $primary;
    padding: 0 1;
}}
{name} .prov-title {{ text-style: bold; }}
{name} .prov-note {{ color: $foreground-muted; }}
{name} .prov-row {{ height: auto; }}
{name} .prov-row Label {{ padding: 1 1 0 0; }}
{name} #prov-name {{ width: 1fr; }}
{name} .prov-num {{ width: 10; }}
{name} Select {{ width: 1fr; }}
{name} Button {{ margin: 0 1 0 0; min-width: 10; }}
{name} #prov-command {{ color: $accent; padding: 0 0 0 1; }}
{name} #prov-role {{ width: 100%; padding: 0 0 0 1; }}
{name} OptionList {{ height: auto; max-height: 6; border: none; }}
"""


class PlacementDialog(CommandDialog):
    """What both dialogs share: a name, a host, a datastore of that host, a port group of it."""

    PREVIEW = "#prov-command"

    def __init__(self, places: list[PlaceChoice]) -> None:
        super().__init__()
        self.places = {p.host: p for p in places}

    def placement_rows(self) -> ComposeResult:
        first = next(iter(self.places.values()), None)
        with Horizontal(classes="prov-row"):
            yield Label("Name")
            yield Input(placeholder="a new name, e.g. web-03", id="prov-name")
        with Horizontal(classes="prov-row"):
            yield Label("Host")
            yield Select([(h, h) for h in self.places], value=first.host if first else Select.BLANK,
                         allow_blank=first is None, id="prov-host")
            yield Label("Datastore")
            yield Select(self._datastores(first), allow_blank=first is None or not first.datastores,
                         id="prov-ds")
        with Horizontal(classes="prov-row"):
            yield Label("Port group")
            yield Select(self._portgroups(first), allow_blank=False, id="prov-pg")

    @staticmethod
    def _datastores(p: PlaceChoice | None) -> list[tuple[str, str]]:
        return [(f"{d} ({gib(free)} free)", d) for d, free in p.datastores] if p else []

    @staticmethod
    def _portgroups(p: PlaceChoice | None) -> list[tuple[str, str]]:
        return [(pg, pg) for pg in (p.portgroups if p else ())] + [(NO_PORTGROUP, NO_PORTGROUP)]

    def on_mount(self) -> None:
        name = self.query_one("#prov-name", Input)
        name.cursor_blink = False
        name.focus()
        if not self.places:
            self.notify("No host takes new VMs now (all are off, failed or in maintenance).",
                        severity="warning")
        self.show_command()

    @on(Select.Changed, "#prov-host")
    def _host_changed(self, event: Select.Changed) -> None:
        event.stop()
        p = self.places.get(str(event.value))
        ds, pg = self.query_one("#prov-ds", Select), self.query_one("#prov-pg", Select)
        ds.set_options(self._datastores(p))
        pg.set_options(self._portgroups(p))
        self.show_command()

    def placement(self) -> str:
        """`NAME HOST DATASTORE`, as far as chosen."""
        return " ".join(x for x in (self.value("#prov-name") or "NAME", self.value("#prov-host"),
                                    self.value("#prov-ds")) if x)

    def portgroup(self) -> str:
        pg = self.value("#prov-pg")
        return "" if pg in ("", NO_PORTGROUP) else f" {pg}"

    def command(self) -> str:  # pragma: no cover - each dialog says its own
        raise NotImplementedError

    def not_ready(self) -> str | None:
        name = self.value("#prov-name")
        return "Give it a one-word name first." if not name or " " in name else None


class NewVmScreen(PlacementDialog):
    """A new, empty VM: where, how big; dismissed with `vm create …` or None."""

    DEFAULT_CSS = DIALOG_CSS.format(name="NewVmScreen")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("New VM — created off, with no guest OS   (Esc closes)", classes="prov-title")
            yield from self.placement_rows()
            with Horizontal(classes="prov-row"):
                yield Label("vCPU")
                yield Input("2", id="prov-cpu", classes="prov-num", type="integer")
                yield Label("Memory GiB")
                yield Input("4", id="prov-mem", classes="prov-num", type="number")
                yield Label("Disk GiB")
                yield Input("40", id="prov-disk", classes="prov-num", type="number")
            with Horizontal(classes="prov-row"):
                yield Button("Create", id="prov-go", variant="primary")
                yield Label("then power on and os install", classes="prov-note")
            yield Label("", id="prov-command")

    def command(self) -> str:
        cpu, mem, disk = (self.value(f"#prov-{k}") or "?" for k in ("cpu", "mem", "disk"))
        return f"vm create {self.placement()} cpu {cpu} mem {mem} disk {disk}{self.portgroup()}"


APPLIANCE_HEADER = (f"{'appliance':<14}{'role':<10}{'vCPU':>4}{'memory':>8}{'disk':>8}{'NICs':>6}"
                    f"{'boot':>7}{'Mbit/s/vCPU':>12}")
"""The columns of the deploy dialog's list."""


def appliance_line(a: ApplianceChoice) -> str:
    """One catalogue entry in the deploy dialog's list (under `APPLIANCE_HEADER`)."""
    return (f"{a.name:<14}{role_word(a):<10}{a.vcpu:>4}{gib(a.memory):>8}{gib(a.disk):>8}{a.nics:>6}"
            f"{a.boot_s:>5g} s{a.mbps_per_vcpu:>12g}")


def role_word(a: ApplianceChoice) -> str:
    """What the appliance is, in the list: a router and a load balancer change how a
    service's traffic flows; any other carries only its own (—)."""
    return "router" if a.routes else "balancer" if a.balances else "—"


def role_text(a: ApplianceChoice) -> str:
    """What deploying `a` brings, in a sentence under the list (two lines at most)."""
    if a.routes:
        return ("Router: joins the VLANs its NICs are on, for tiers on VLANs nothing upstream "
                "routes; its CPU follows what it routes.")
    if a.balances:
        return ("Load balancer: put in a service's tier, it spreads the next tier's load over "
                "that tier's running VMs; all that traffic goes through it.")
    return f"Neither routes nor balances: it carries only its own traffic ({a.net:g} Mbit/s at baseline)."


def cost_text(a: ApplianceChoice) -> str:
    """The note by the Deploy button: it starts at once, and its licence."""
    cost = f"licence {a.cost:,.0f} a year" if a.cost > 0 else "no licence cost"
    return f"it powers on at once · {cost}"


class DeployScreen(PlacementDialog):
    """An appliance from the catalogue; dismissed with `deploy …` or None."""

    DEFAULT_CSS = DIALOG_CSS.format(name="DeployScreen")

    def __init__(self, places: list[PlaceChoice], catalogue: list[ApplianceChoice]) -> None:
        super().__init__(places)
        self.catalogue = catalogue

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Deploy an appliance — ready once booted, no OS install   (Esc closes)",
                        classes="prov-title")
            yield Label(" " + APPLIANCE_HEADER, classes="prov-note")
            yield OptionList(*(Option(appliance_line(a), id=a.name) for a in self.catalogue),
                             id="prov-appliance")
            yield Label("", id="prov-role", markup=False)
            yield from self.placement_rows()
            with Horizontal(classes="prov-row"):
                yield Button("Deploy", id="prov-go", variant="primary")
                yield Label("it powers on at once", classes="prov-note", id="prov-cost")
            yield Label("", id="prov-command")

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = 0 if self.catalogue else None
        super().on_mount()

    @on(OptionList.OptionHighlighted)
    def _picked(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        i = event.option_index
        if 0 <= i < len(self.catalogue):
            self.query_one("#prov-role", Label).update(role_text(self.catalogue[i]))
            self.query_one("#prov-cost", Label).update(cost_text(self.catalogue[i]))
        self.show_command()

    @property
    def appliance(self) -> str:
        ol = self.query_one(OptionList)
        i = ol.highlighted
        return self.catalogue[i].name if i is not None and self.catalogue else "APPLIANCE"

    def command(self) -> str:
        return f"deploy {self.appliance} {self.placement()}{self.portgroup()}"
