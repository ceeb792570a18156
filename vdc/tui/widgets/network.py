"""Provides the network panel: each host's vSwitches, their uplinks and their port groups, with
what is cut off said in words."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Self

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Static

from vdc.sim.view import HostView, PortGroupView, SimView, UplinkView, VSwitchView
from vdc.tui.format import Tones, host_state
from vdc.tui.widgets.network_summary import (
    SUMMARISE_ABOVE,
    busiest,
    busiest_line,
    group_lines,
    load_text,
    speed,
    team_text,
)
from vdc.tui.widgets.panel import Panel
from vdc.tui.widgets.rows import focus_inside

VMKERNEL = {"management": "mgmt", "vmotion": "vmotion"}
"""Short marks of VMkernel port groups."""

COLUMN_MIN = 50
"""Cells a host needs side by side with others; narrower panels stack the hosts."""
GROUPS = "\0groups"
"""The block key of the lines counting healthy hosts (above SUMMARISE_ABOVE hosts)."""




def vlan_name(vlan: int) -> str:
    return "untagged" if vlan == 0 else f"VLAN {vlan}"


def trunk(uplink: UplinkView) -> str:
    """What the physical switch port lets through."""
    if uplink.vlans is None:
        if uplink.pruned:
            return "all VLANs but " + ",".join(str(v) for v in uplink.pruned)
        return "all VLANs"
    if not uplink.vlans:
        return "no VLANs"
    return "VLANs " + ",".join(str(v) for v in uplink.vlans)


def carries(uplink: UplinkView, vlan: int) -> bool:
    return (vlan not in uplink.pruned) if uplink.vlans is None else vlan in uplink.vlans


def lost_on(pg: PortGroupView, links: dict[str, UplinkView]) -> str:
    """Where a port group's team loses its traffic although the link is up, in words."""
    holes = [u for u in pg.cut_on if u in links and links[u].black_holed]
    pruned = [u for u in pg.cut_on if u not in holes]
    parts = []
    if pruned:
        parts.append(f"{vlan_name(pg.vlan)} not trunked on {', '.join(pruned)}")
    if holes:
        parts.append(f"lost upstream on {', '.join(holes)}")
    return "; ".join(parts)




def uplink_state(u: UplinkView, tones: Tones) -> Text:
    """What the team does with an uplink beyond its link: black hole, failed over, standby."""
    if u.black_holed:
        return tones.text("✖ BLACK HOLE: traffic lost upstream", "error", bold=True)
    if u.flapping:
        return tones.text("▲ FLAPPING: link bouncing", "warning", bold=True)
    if u.failed_over and u.up:
        return tones.text("✖ failed over (beacons lost)", "error")
    if u.role == "standby":
        return (tones.text("▲ standby in use", "warning") if u.in_use
                else tones.text("standby", "foreground-muted"))
    return Text("")


def cut_reason(pg: PortGroupView, uplinks: Sequence[UplinkView]) -> str:
    """Why a port group's VLAN reaches no physical switch, in words."""
    name = vlan_name(pg.vlan)
    up = [u for u in uplinks if u.up]
    if not uplinks:
        return f"{name} cut: vSwitch has no uplink"
    if not up:
        return f"{name} cut: no uplink up"
    only_down = [u.name for u in uplinks if not u.up and carries(u, pg.vlan)]
    if only_down:
        return f"{name} only trunked on down {', '.join(only_down)}"
    return f"{name} not trunked on {', '.join(u.name for u in up)}"


def loads(host: HostView) -> dict[str, int]:
    """Each up uplink's load in whole percent of its speed (the last sample's VM traffic)."""
    return {u.name: round(100.0 * mbps / u.speed) if u.speed else 0
            for u, mbps in zip(host.uplinks, host.uplink_mbps, strict=False) if u.up}




def host_problems(host: HostView) -> tuple[int, int, int]:
    """(uplinks down, vSwitches without an up uplink, port groups cut — wholly, or on an uplink
    that loses their traffic) of a host."""
    links = {u.name: u for u in host.uplinks}
    down = sum(1 for u in host.uplinks if not u.up)
    dead = 0
    cut = 0
    for vs in host.vswitches:
        if not any(links[n].up for n in vs.uplinks if n in links):
            dead += 1
        cut += sum(1 for pg in vs.portgroups if not pg.carried or pg.cut_on)
    return down, dead, cut


def failed_over(host: HostView) -> list[str]:
    """Uplinks whose link is up but that their team failed over (beacons lost: the network
    beyond the switch port is down): the team runs on fewer uplinks than it has."""
    return [u.name for u in host.uplinks if u.up and u.failed_over]


def is_down(host: HostView) -> bool:
    """A host that is not running has no network to speak of."""
    return host.state in ("failed", "off")


def summary_lines(
    view: SimView, tones: Tones, hosts: Sequence[HostView] | None = None
) -> list[Text]:
    """One line per host in trouble (so that a small panel shows it without scrolling);
    `hosts`: the ones to look at, when the others are known to be healthy."""
    lines: list[Text] = []
    for host in view.hosts if hosts is None else hosts:
        if host.state == "failed":  # its network went down with it: trouble, said first
            lines.append(tones.text(f"✖ {host.name}: ", "error", bold=True)
                         + tones.text("FAILED, no network while the host is down", "error"))
            continue
        if is_down(host):
            continue
        down, dead, cut = host_problems(host)
        beacons = failed_over(host)
        if not (down or cut or beacons):
            continue
        bad = bool(cut or dead)
        total = len(host.uplinks)
        line = tones.text(f"{'✖' if bad else '▲'} {host.name}: ", "error" if bad else "warning",
                          bold=True)
        parts: list[Text] = []
        if total and down == total:
            parts.append(tones.text("ALL UPLINKS DOWN", "error", bold=True))
        elif down:
            parts.append(tones.text(f"{down}/{total} uplinks down", "warning"))
        if beacons:
            parts.append(tones.text(f"{', '.join(beacons)} failed over (beacons lost)", "warning"))
        holes = [u.name for u in host.uplinks if u.black_holed]
        if holes:
            parts.append(tones.text(f"{', '.join(holes)} black-holed upstream", "error"))
        cut_names = [
            f"{pg.name} ({vlan_name(pg.vlan)})"
            for vs in host.vswitches
            for pg in vs.portgroups
            if not pg.carried
        ]
        partly = [
            f"{pg.name} ({vlan_name(pg.vlan)}) on {', '.join(pg.cut_on)}"
            for vs in host.vswitches
            for pg in vs.portgroups
            if pg.carried and pg.cut_on
        ]
        if len(cut_names) > 2:
            parts.append(tones.text(f"{len(cut_names)} port groups cut off", "error"))
        elif cut_names:
            parts.append(tones.text(f"{' and '.join(cut_names)} cut off", "error"))
        if len(partly) > 2:
            parts.append(tones.text(f"{len(partly)} port groups cut on an uplink", "error"))
        elif partly:
            parts.append(tones.text(f"{' and '.join(partly)} cut", "error"))
        lines.append(line + Text(", ", end="").join(parts))
    if not lines:
        off = [h.name for h in view.hosts if is_down(h)]
        if off:  # a host switched off has no network: do not claim every uplink is up
            named = ", ".join(off) if len(off) <= 3 else f"{len(off)} hosts"
            return [tones.text("✔ every running host's uplinks up, every VLAN carried", "success")
                    + tones.text(f" ({named} off)", "foreground-muted")]
        return [tones.text("✔ every uplink up, every VLAN carried", "success")]
    return lines


def host_lines(host: HostView, tones: Tones, width: int, *, count_ok: bool = False) -> list[Text]:
    """The lines of one host, none wider than `width` where that can be helped (`count_ok`:
    its VM port groups that are carried are counted, not listed)."""
    symbol, word, tone = host_state(host.state, host.maintenance)
    head = Text(end="")
    head.append(symbol, tones(tone) + Style(bold=True))
    head.append(f" {host.name}  ", Style(bold=True))
    if is_down(host):
        head.append_text(tones.text(f"{word}: no network while the host is down", tone,
                                    bold=tone == "error"))
        return [head]
    down, dead, cut = host_problems(host)
    total = len(host.uplinks)
    if total and down == total:
        head.append_text(tones.text("✖ ALL UPLINKS DOWN: host cut off", "error", bold=True))
    elif dead:
        head.append_text(tones.text(f"✖ {_n(dead, 'vSwitch')} without uplink", "error",
                                    bold=True))
    elif cut:
        head.append_text(tones.text(f"✖ {_n(cut, 'port group')} cut", "error", bold=True))
    elif down:
        head.append_text(tones.text(f"▲ {total - down}/{total} uplinks up", "warning"))
    elif failed_over(host):
        head.append_text(tones.text(f"▲ {total - len(failed_over(host))}/{total} uplinks in use",
                                    "warning"))
    else:
        head.append_text(tones.text(f"✔ {total}/{total} uplinks up", "success"))
    if host.state != "on":
        head.append_text(tones.text(f"  {symbol} {word}", tone))
    links = {u.name: u for u in host.uplinks}
    lines = [head]
    load = loads(host)
    for vs in host.vswitches:
        lines.extend(vswitch_lines(vs, links, tones, width, load, count_ok=count_ok))
    return lines


def vswitch_lines(
    vs: VSwitchView, links: dict[str, UplinkView], tones: Tones, width: int,
    load: dict[str, int] | None = None, *, count_ok: bool = False,
) -> list[Text]:
    """A vSwitch: its name, then its uplinks (speed, link, load in % of the speed), then its
    port groups (one per line; with `count_ok`, the VM port groups carried in one line)."""
    load = load or {}
    uplinks = [links[n] for n in vs.uplinks if n in links]
    head = Text(f"  {vs.name}", style="bold")
    if not any(u.up for u in uplinks):
        head = _beside(head, tones.text("✖ no uplink up: every port group cut off", "error",
                                        bold=True), width)[0]
    lines = [head]
    if not vs.default_team:  # beside the name when it fits, else on a line of its own
        lines = _beside(head, tones.text(team_text(vs), "foreground-muted"), width)
    name_w = max([len(u.name) for u in uplinks] + [len(p.name) for p in vs.portgroups])
    for u in uplinks:
        line = Text("    ", end="")
        line.append(f"{u.name:<{name_w}}", tones("foreground" if u.up else "error"))
        line.append(f"  {speed(u.speed):>4}  ")
        line.append_text(tones.text("● up  ", "success") if u.up
                         else tones.text("✖ down", "error", bold=True))
        if load:  # "● up    2 %", "✖ down     "
            line.append_text(load_text(load[u.name], tones) if u.name in load else Text("     "))
        state = uplink_state(u, tones)
        if state.plain:
            line = _beside(line, state, width)[0] if line.cell_len + 2 + state.cell_len <= width \
                else line
            if state.plain not in line.plain:
                lines.append(line)
                line = Text("      ", end="") + state
        lines.extend(_beside(line, tones.text(trunk(u), "foreground-muted"), width,
                             optional=u.vlans is None and not u.pruned))
    vlan_w = max(len(vlan_name(p.vlan)) for p in vs.portgroups)
    role_w = max([len(VMKERNEL.get(p.vmkernel or "", "")) for p in vs.portgroups])
    counted = 0
    for pg in vs.portgroups:
        if count_ok and pg.carried and not pg.cut_on and not pg.vmkernel:
            counted += 1
            continue
        line = (
            Text(f"    {pg.name:<{name_w}}") if pg.carried
            else tones.text(f"    {pg.name:<{name_w}}", "error", bold=True)
        )
        line.append(f"  {vlan_name(pg.vlan):<{vlan_w}}")
        if role_w:
            line.append("  ")
            line.append_text(tones.text(f"{VMKERNEL.get(pg.vmkernel or '', ''):<{role_w}}",
                                        "primary"))
        if pg.carried and pg.cut_on:
            reason = tones.text(f"▲ {lost_on(pg, links)}: NICs there cut", "error")
            lines.extend(_beside(line, reason, width))
        elif pg.carried:
            line.append("  ")
            line.append_text(tones.text("✔", "success"))
            lines.append(line)
        else:
            why = lost_on(pg, links) if pg.cut_on else cut_reason(pg, uplinks)
            reason = tones.text(f"✖ {why}", "error", bold=True)
            lines.extend(_beside(line, reason, width))
    if counted:
        lines.append(Text("    ", end="") + tones.text(
            f"✔ {_n(counted, 'more port group')} carried", "success"))
    return lines


def _beside(line: Text, detail: Text, width: int, *, optional: bool = False) -> list[Text]:
    """`line` then `detail` on the same line if both fit in `width`, else `detail` on its own
    line under it (or, if `optional`, not at all)."""
    if line.cell_len + 2 + detail.cell_len <= width:
        return [line + Text("  ", end="") + detail]
    if optional:
        return [line]
    return [line, Text("      ", end="") + detail]


def _n(k: int, word: str) -> str:
    return f"{k} {word}" if k == 1 else f"{k} {word}es" if word.endswith("h") else f"{k} {word}s"


class NetworkPanel(Panel):
    """Per host: its vSwitches, their uplinks (speed, link `● up` or `✖ down`, load in % of
    the link speed, trunked VLANs)
    and port groups (VLAN, VMkernel role), with every cut said in words: a VLAN not trunked on
    any up uplink, a host whose last uplink is down.

    A summary on top names the trouble so it shows even in a small panel, and when not all
    fits, healthy hosts fold to one line (Enter shows them in full); the rest scrolls (Up /
    Down, Page Up / Page Down). Wide panels put the hosts side by side. Above
    `SUMMARISE_ABOVE` hosts only the hosts in trouble are listed (in full); the healthy ones are
    counted in one line per cluster and vSwitch, and the summary names the busiest uplinks. Call
    `show(view)` with each new `SimView`: a host's text is only redrawn when its network (or
    the panel's width) changed.
    """

    BORDER_TITLE = "Network"

    DEFAULT_CSS = """
    NetworkPanel {
        height: 1fr;
        & > VerticalScroll {
            height: 1fr;
            scrollbar-size-vertical: 1;
            background: $surface;
        }
        & #network-summary {
            padding: 0 1;
            margin-bottom: 1;
        }
        & #network-hosts {
            height: auto;
        }
        & .network-column {
            width: 1fr;
            height: auto;
        }
        & .network-host {
            padding: 0 1;
            margin-bottom: 1;
        }
        &.-tight #network-summary, &.-tight .network-host {
            margin-bottom: 0;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "toggle_details", "Details", show=False),
    ]
    """
    | Key(s) | Description |
    | :- | :- |
    | enter | Show every host in full, or fold healthy hosts again when space is short (up to 16 hosts; above, healthy hosts are counted per cluster). |
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
        self.details = False
        """Show healthy hosts in full even when the panel is too short for everything."""
        self.view: SimView | None = None
        """The last view shown."""
        self.text: Text = Text()
        """Everything the panel shows now (summary, then each host), for tests."""
        self._summary: Text | None = None
        self._hosts: dict[str, tuple[Text, Static]] = {}
        """Host name -> (the text it shows, its Static)."""
        self._full: dict[str, tuple[object, Text, Text, bool]] = {}
        """Host name -> (what it was drawn from, its full text, its first line, whether it is
        healthy)."""
        self._shape: tuple[tuple[str, ...], int] | None = None
        self._tones: tuple[str, Tones] | None = None
        self._last_key: object = None
        self._busiest: tuple[tuple[int, str, str], ...] = ()
        self._healthy: dict[str, tuple[object, object, str, bool]] = {}
        """Host name -> (uplinks, vSwitches, state it was judged on, network healthy)."""
        self._groups: tuple[object, Text] | None = None
        """(what they were counted from, the lines counting healthy hosts per cluster)."""

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(id="network-summary")
            yield Horizontal(id="network-hosts")

    # ------------------------------------------------------------------ public API
    def focus(self, scroll_visible: bool = True) -> Self:
        """Focus the scrolling body (the panel itself takes no focus)."""
        return focus_inside(self, VerticalScroll, scroll_visible)

    def action_toggle_details(self) -> None:
        """Show every host in full, or let healthy hosts fold again."""
        self.details = not self.details
        if self.view is not None:
            self._draw()

    # ------------------------------------------------------------------ drawing
    def _theme_changed(self) -> None:
        self._hosts.clear()  # redraw in the new theme's tones
        self._full.clear()
        self._summary = None
        self._groups = None

    def _health(self, view: SimView) -> dict[str, bool]:
        """Host name -> its network is healthy (running, every uplink up and in use, every
        port group carried), worked out again only for hosts whose network changed."""
        out: dict[str, bool] = {}
        known = self._healthy
        for h in view.hosts:
            cached = known.get(h.name)
            if cached is None or cached[0] is not h.uplinks or cached[1] is not h.vswitches \
                    or cached[2] != h.state:
                down, _, cut = host_problems(h)
                ok = not (down or cut or failed_over(h)) and not is_down(h)
                cached = known[h.name] = (h.uplinks, h.vswitches, h.state, ok)
            out[h.name] = cached[3]
        return out

    def _draw(self) -> None:
        view = self.view
        assert view is not None
        tones = self._tones_now()
        many = len(view.hosts) > SUMMARISE_ABOVE
        healthy = self._health(view)
        # Above SUMMARISE_ABOVE hosts only those in trouble are listed; the rest are counted.
        listed = [h for h in view.hosts if not healthy[h.name]] if many else list(view.hosts)
        # The network changes rarely: skip everything while nothing it shows has changed.
        network = tuple((h.name, h.state, h.uplinks, h.vswitches) for h in view.hosts)
        key = (
            network, tuple(tuple(loads(h).values()) for h in listed),
            self.content_size, self.details, self.app.theme,
        )
        top = busiest(view.hosts) if many else ()
        if key == self._last_key and top == self._busiest:
            return
        self._last_key, self._busiest = key, top
        inner = max(20, (self.content_size.width or 80) - 3)  # less a scrollbar and a margin
        columns = 1 if many else max(1, min(len(view.hosts), inner // COLUMN_MIN))
        width = inner // columns - 2  # less the padding of each host

        lines = summary_lines(view, tones, listed if many else None)
        load_line = busiest_line(top, tones, inner - 1)
        summary = Text("\n", end="").join([*lines, load_line] if load_line else lines)
        if summary != self._summary:
            self._summary = summary
            self.query_one("#network-summary", Static).update(summary)

        # A host's full text is only rebuilt when its network (or the width) changed.
        full: dict[str, tuple[Text, Text, bool]] = {}
        for host in listed:
            drawn_from = (host.state, host.uplinks, host.vswitches, tuple(loads(host).values()),
                          width)
            cached = self._full.get(host.name)
            if cached is None or cached[0] != drawn_from:
                host_text = host_lines(host, tones, width, count_ok=many)
                cached = (drawn_from, Text("\n", end="").join(host_text), host_text[0],
                          healthy[host.name])
                self._full[host.name] = cached
            full[host.name] = cached[1:]
        # When it all does not fit, healthy hosts shrink to their first line, so that the
        # hosts in trouble come into view without scrolling.
        per_column = -(-len(listed) // columns)
        needed = summary.plain.count("\n") + 2 + per_column * (
            1 + max([t.plain.count("\n") + 1 for t, _, _ in full.values()] + [0])
        )
        fold = not many and not self.details and needed > (self.content_size.height or 24)

        blocks: list[tuple[str, Text]] = []
        for host in listed:
            text, first, ok = full[host.name]
            if fold and ok:
                hint = tones.text("(Enter: details)", "foreground-muted")
                text = _beside(first, hint, width, optional=True)[0]
            blocks.append((host.name, text))
        if many:
            if self._groups is None or self._groups[0] != (network, width):
                grouped = Text("\n", end="").join(group_lines(view.hosts, healthy, tones, width))
                self._groups = ((network, width), grouped)
            if self._groups[1].plain:
                blocks.append((GROUPS, self._groups[1]))
        changed: list[tuple[Static, Text]] = []
        for name, text in blocks:
            known = self._hosts.get(name)
            if known is not None and known[0] == text:
                continue
            static = known[1] if known is not None else Static(classes="network-host")
            self._hosts[name] = (text, static)
            changed.append((static, text))
        texts = [text for _, text in blocks]
        self.text = Text("\n", end="").join([summary, *texts])
        # Blank lines between hosts only while they fit.
        tall = summary.plain.count("\n") + 2 + max(
            sum(t.plain.count("\n") + 2 for t in texts[c * per_column : (c + 1) * per_column])
            for c in range(columns)
        )
        self.set_class(tall > (self.content_size.height or 24), "-tight")

        shape = (tuple(name for name, _ in blocks), columns)
        if shape != self._shape:
            self._shape = shape
            self._arrange(shape[0], columns)
        else:
            for static, text in changed:
                static.update(text)

    def _arrange(self, names: tuple[str, ...], columns: int) -> None:
        """(Re)mount the blocks (hosts, and the counted hosts) in `columns` side-by-side
        columns, in order."""
        box = self.query_one("#network-hosts", Horizontal)
        box.remove_children()
        per_column = max(1, -(-len(names) // columns))
        groups: list[Vertical] = []
        for c in range(columns):
            blocks = []
            for name in names[c * per_column : (c + 1) * per_column]:
                text = self._hosts[name][0]
                static = Static(text, classes="network-host")
                self._hosts[name] = (text, static)
                blocks.append(static)
            groups.append(Vertical(*blocks, classes="network-column"))
        box.mount_all(groups)
