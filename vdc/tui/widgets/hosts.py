"""Provides the hosts panel: one row per hypervisor host, expandable to the VMs it runs.

Its columns give way in order as the panel narrows (`choose_layout`); the cells are laid out
with the shared row helpers (`vdc.tui.widgets.rows`) and gauges (`vdc.tui.widgets.gauges`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import Self

import numpy as np
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.widgets import DataTable

from vdc.sim.view import HostView, SimView, VmColumns
from vdc.tui.format import (
    HA_STATES,
    VM_POWER,
    Tones,
    bar,
    host_state,
    level_tone,
    squeeze,
)
from vdc.tui.widgets.gauges import NUM_W, history, meter, ready_text
from vdc.tui.widgets.host_groups import (
    FOLD_ABOVE,
    STANDALONE,
    ClusterTotals,
    groups,
    power_words,
    state_words,
    totals,
    trouble_text,
    vms_down,
)
from vdc.tui.widgets.panel import Panel
from vdc.tui.widgets.rows import Justify, cursor_key, fit, focus_inside, move_cursor_to, sync_rows
from vdc.tui.widgets.table import InPlaceTable

# --------------------------------------------------------------------------- layout

STATE_W = 8
"""Room kept for the state column: `✖ FAILED` (wider states widen it)."""
READY_W = 5
"""`✖12%`, `▲7.2%`."""
VMS_W = 3
POWER_W = 6
"""`1040 W`."""
HIST_MIN = 10
NAME_LEAST = 10
"""Cells a name column keeps when nothing else can give way: `▸ ` and 8 characters of a host's
name, cut in the middle (`▸ esx…d-01`)."""
HA_W = 12
"""`◇ secondary` with its gutter."""
HA_SHORT_W = 7
"""`◇ sec`, `✖ dead` with its gutter (narrow panels)."""
MEMST_W = 9
"""`▲ soft`, `✖ hard`, `▲ s 10.4G` (a VM's swap) with its gutter."""
MEMST_SHORT_W = 3
"""`▲s`, `✖h` with its gutter (narrow panels)."""
MEM_STATES = {
    "clear": ("·", "primary"), "soft": ("▲", "warning"), "hard": ("✖", "error"), "low": ("✖", "error"),
}
"""Memory states other than high: symbol and tone (high shows nothing)."""
HA_SHORT = {"primary": "pri", "secondary": "sec", "unreachable": "unr", "dead": "dead", "isolated": "iso",
            "maintenance": "mnt"}


@dataclass(frozen=True)
class HostsLayout:
    """Which columns the hosts table shows, and how wide: chosen from the panel's width."""

    state: int
    name: int
    bar: int
    """Cells per CPU / memory bar; 0 shows the percentages only."""
    vms: bool
    power: bool
    hist: int
    """Cells of the CPU history sparkline (and, on VM rows, their health); 0 hides it."""
    ha: int = 0
    """Cells of the vSphere HA role column (wide panels of clusters with HA); 0 hides it."""
    memst: int = 0
    """Cells of the memory-state column (while a host reclaims memory); 0 hides it."""

    def columns(self) -> list[tuple[str, str, int, Justify]]:
        """(key, label, width with gutter, justify) of each shown column, left to right."""
        meter_w = (self.bar + 1 + NUM_W) if self.bar else NUM_W
        justify: Justify = "left" if self.bar else "right"
        ha: list[tuple[str, str, int, Justify]] = [("ha", "HA", self.ha, "left")] if self.ha else []
        cols: list[tuple[str, str, int, Justify]] = [
            ("state", "State", self.state, "left"),
            ("name", "Host", self.name + 1, "left"),
            *ha,
            ("cpu", "CPU", meter_w + 1, justify),
            ("mem", "Mem", meter_w + 1, justify),
        ]
        if self.memst:
            cols.append(("memst", "Reclaim" if self.memst >= MEMST_W else "R", self.memst, "left"))
        cols += [
            ("ready", "Ready", READY_W + 1, "right"),
        ]
        if self.vms:
            cols.append(("vms", "VMs", VMS_W + 1, "right"))
        if self.power:
            cols.append(("power", "Power", POWER_W + 1, "right"))
        if self.hist:
            label = (
                "CPU history · VM health" if self.hist >= 23
                else "CPU history" if self.hist >= 11 else "History"
            )
            cols.append(("hist", label, self.hist + 1, "left"))
        return cols

    @property
    def width(self) -> int:
        return sum(width for _, _, width, _ in self.columns())


def choose_layout(
    width: int, state: int, name: int, name_min: int | None = None, *, ha: bool = False,
    memst: bool = False,
) -> HostsLayout:
    """`_choose_layout`, and while a host reclaims memory (`memst`) a column for its memory
    state: in full (`▲ soft`) while the bars keep 3 cells, else in short (`▲s`), taking the
    HA role's place if the panel has room for only one of them."""
    if not memst:
        return _choose_layout(width, state, name, name_min, ha=ha)
    full = _choose_layout(width - MEMST_W, state, name, name_min, ha=ha)
    if full.bar >= 3 or full.hist:
        return replace(full, memst=MEMST_W)
    short = replace(_choose_layout(width - MEMST_SHORT_W, state, name, name_min, ha=ha), memst=MEMST_SHORT_W)
    if short.width > width and ha:
        # Too narrow for both: a host short of memory matters more than its HA role.
        short = replace(_choose_layout(width - MEMST_SHORT_W, state, name, name_min), memst=MEMST_SHORT_W)
    return short


def _choose_layout(
    width: int, state: int, name: int, name_min: int | None = None, *, ha: bool = False
) -> HostsLayout:
    """The richest layout that fits `width` cells.

    What goes first as the panel narrows: the bars (down to 4 cells), the power column (the
    bars down to 3; `_keep_history`), then the history column (power and wider bars come
    back), the power column, the bars (down to 3 cells, then numbers only), the VM count,
    then the middle of long VM names (down to `name_min`, the widest host name), then of
    long host names (down to `NAME_LEAST`). State, name, CPU %, memory % and ready % stay.

    `ha`: the cluster has HA, and the role of each host gets a column. It takes its room from
    the bars (down to 3 cells, then numbers only) and says its role in short before it takes
    any column the panel shows without it (the history, the power, the VM count); it goes
    before a host's name would be cut.
    """
    plain = _layout(width, state, name, name_min)
    if not ha:
        return plain
    if plain.hist:
        for ha_w, least_bar in ((HA_W, 6), (HA_SHORT_W, 3), (HA_SHORT_W, 0)):
            fitted = _make_room(plain, width, ha_w, least_bar)
            if fitted is not None:
                return fitted
    # Too narrow to keep every column anyway: the role in full while the bars have room,
    # else in short.
    for ha_w, keep_bars in ((HA_W, True), (HA_SHORT_W, False)):
        with_ha = _layout(width - ha_w, state, name, name_min)
        if (with_ha.bar > 0) if keep_bars else (
            with_ha.name >= (name_min or name) and with_ha.width <= width - ha_w
        ):
            return replace(with_ha, ha=ha_w)
    return plain


def _make_room(plain: HostsLayout, width: int, ha_w: int, least_bar: int) -> HostsLayout | None:
    """`plain` with an HA column of `ha_w` cells, the room taken from the history (down to
    its least) and the bars (down to `least_bar` cells; 0: numbers only); None if that is
    not enough."""
    out = replace(plain, ha=ha_w)
    over = out.width - width
    if over > 0 and out.hist > HIST_MIN:
        cut = min(over, out.hist - HIST_MIN)
        out, over = replace(out, hist=out.hist - cut), over - cut
    while over > 0 and out.bar > max(least_bar, 3):
        out, over = replace(out, bar=out.bar - 1), over - 2
    if over > 0 and least_bar == 0 and out.bar:
        out = replace(out, bar=0)
        over = out.width - width
    if over > 0:
        return None
    return replace(out, hist=out.hist - over) if over < 0 else out


def _layout(width: int, state: int, name: int, name_min: int | None = None) -> HostsLayout:
    """`choose_layout` without an HA column."""

    def make(bar_w: int, vms: bool, power: bool, hist: int) -> HostsLayout:
        return HostsLayout(state, name, bar_w, vms, power, hist)

    base = make(6, True, True, HIST_MIN)
    spare = width - base.width
    if spare >= 0:
        # The history column also tells why a VM is down: it grows first, a little.
        grow = min(spare, 4)
        hist, spare = HIST_MIN + grow, spare - grow
        bar_w = 6
        while spare >= 2 and bar_w < 16:
            bar_w, spare = bar_w + 1, spare - 2
        grow = min(spare, 16)
        hist, spare = hist + grow, spare - grow
        while spare >= 2 and bar_w < 24:
            bar_w, spare = bar_w + 1, spare - 2
        return make(bar_w, True, True, hist + min(spare, 40))
    kept = _keep_history(width, make)
    if kept is not None:
        return kept
    for power, smallest in ((True, 4), (False, 3)):
        bar_w = min(12, (width - make(0, True, power, 0).width) // 2 - 1)
        if bar_w >= smallest:
            return make(bar_w, True, power, 0)
    for vms in (True, False):
        if make(0, vms, False, 0).width <= width:
            return make(0, vms, False, 0)
    least = make(0, False, False, 0)
    name = max(min(name_min or name, NAME_LEAST), name - (least.width - width))
    return HostsLayout(state, name, 0, False, False, 0)


def _keep_history(width: int, make: Callable[..., HostsLayout]) -> HostsLayout | None:
    """Short of room for every column: the history (a host's CPU, a VM's health) stays while
    the bars narrow (to 4 cells), then while the power column goes (the bars to 3 cells);
    None if even that does not fit. So long host names (`esx-prod-01`) and the VMs of an
    expanded host keep it at 160×50; names are not cut while another column can give way."""
    for power, smallest in ((True, 4), (False, 3)):
        room = width - make(0, True, power, HIST_MIN).width
        bar_w = min(6, room // 2 - 1)
        if bar_w >= smallest:
            layout = make(bar_w, True, power, HIST_MIN)
            return replace(layout, hist=HIST_MIN + width - layout.width)
    return None


# --------------------------------------------------------------------------- the panel


class HostsPanel(Panel):
    """The hosts of the datacenter as a table: state, load, CPU ready, VMs, power, CPU history.

    Up / Down move the cursor; the host (or VM) under it is the player's selection and is posted
    as `Panel.Selected` (kind "host" or "vm") while the panel has focus.
    Enter (or a click on the selected row) expands a host to list its VMs, or folds it again.
    With more than one cluster, each cluster has a row of its totals (hosts up, CPU and memory
    in use, highest ready, VMs, power, what is wrong) above its hosts; Enter on it folds the
    cluster to that row or opens it. Above `FOLD_ABOVE` hosts, clusters with nothing wrong
    start folded and a cluster in trouble opens by itself (until the player folds it).
    Call `show(view)` with each new `SimView`; cells change in place, rows only when the set
    of rows does.
    """

    BORDER_TITLE = "Hosts"

    DEFAULT_CSS = """
    HostsPanel {
        height: 1fr;
        & > DataTable {
            height: 1fr;
            scrollbar-size-vertical: 1;
        }
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
        self.view: SimView | None = None
        """The last view shown."""
        self._expanded: list[str] = []
        self._layout: HostsLayout | None = None
        self._announced: str | None = None
        self._auto: dict[str, bool] = {}
        """Per cluster, open by itself: few hosts, or something wrong there."""
        self._vm_host: dict[str, str] = {}
        self._placement: tuple[tuple[str, ...], tuple[str, ...]] | None = None
        self._tones: tuple[str, Tones] | None = None
        self._row_cache: dict[str, tuple[bool, list[Text], tuple[object, ...]]] = {}
        self._row_cache_for: object = None
        self._opened: dict[str, bool] = {}
        """Clusters the player opened (True) or folded (False); the others follow
        `_auto_open`."""
        self._cluster_of: dict[str, str] = {}
        self._vms_of: dict[str, list[int]] = {}
        """Host -> positions of its VMs (made again when a VM moves or the list changes)."""
        self._vm_pos = np.zeros(0, dtype=np.int64)
        """Each VM's host position in `view.hosts`."""
        self._hosts_for: tuple[str, ...] = ()
        self._groups_for: tuple[str, ...] = ()
        self._groups: list[tuple[str, list[int]]] | None = None

    def compose(self) -> ComposeResult:
        yield InPlaceTable(cursor_type="row", cell_padding=0, show_row_labels=False)

    @property
    def table(self) -> InPlaceTable:
        """The table inside the panel."""
        return self.query_one(InPlaceTable)

    # ------------------------------------------------------------------ public API
    @property
    def selected_host(self) -> str | None:
        """The host under the cursor (for a VM row, the host it runs on)."""
        key = self._cursor_key()
        if key is None:
            return None
        kind, name = key.split(":", 1)
        return name if kind == "host" else self._vm_host.get(name)

    @property
    def selected_vm(self) -> str | None:
        """The VM under the cursor, if the cursor is on a VM row."""
        key = self._cursor_key()
        return key[3:] if key and key.startswith("vm:") else None

    @property
    def expanded(self) -> tuple[str, ...]:
        """Hosts whose VMs are listed, in the order they were expanded."""
        return tuple(self._expanded)

    def toggle(self, host: str) -> Self:
        """Expand `host` to list its VMs, or fold it if it is expanded."""
        if host in self._expanded:
            self._expanded.remove(host)
        else:
            self._expanded.append(host)
        if self.view is not None and self.is_mounted:
            self._draw()
        return self

    @property
    def selected_cluster(self) -> str | None:
        """The cluster whose row is under the cursor, if the cursor is on a cluster row."""
        key = self._cursor_key()
        return key[8:] if key and key.startswith("cluster:") else None

    def is_open(self, cluster: str) -> bool:
        """Whether `cluster`'s hosts are listed under its row now."""
        return self._opened.get(cluster, self._auto.get(cluster, True))

    def toggle_cluster(self, cluster: str) -> Self:
        """Fold `cluster` to its row, or list its hosts again (the player's choice sticks)."""
        self._opened[cluster] = not self.is_open(cluster)
        if self.view is not None and self.is_mounted:
            self._draw()
        return self

    def focus(self, scroll_visible: bool = True) -> Self:
        """Focus the table inside (the panel itself takes no focus)."""
        return focus_inside(self, DataTable, scroll_visible)

    # ------------------------------------------------------------------ drawing
    def on_mount(self) -> None:
        # (Textual also runs Panel.on_mount, which draws the view.)
        self.watch(self.table, "scroll_y", self._scrolled, init=False)

    def _scrolled(self, _old: float, _new: float) -> None:
        """Rows that come into view get their current cells."""
        if self.view is not None:
            self._draw()

    def _draw(self) -> None:
        view = self.view
        assert view is not None
        table = self.table
        vms = view.vms
        before = (self._cursor_key(), self.selected_host)
        placement = (vms.names, vms.hosts)
        host_names = tuple(h.name for h in view.hosts)
        if placement != self._placement or host_names != self._hosts_for:
            # (32,000 VMs: only when one moves or the list changes)
            self._placement, self._hosts_for = placement, host_names
            self._vm_host = dict(zip(vms.names, vms.hosts, strict=False))
            self._vms_of = {}
            for i, runs_on in enumerate(vms.hosts):
                self._vms_of.setdefault(runs_on, []).append(i)
            pos = {h: k for k, h in enumerate(host_names)}
            self._vm_pos = np.fromiter((pos.get(h, 0) for h in vms.hosts), dtype=np.int64, count=len(vms.hosts))
            self._cluster_of = {h.name: h.cluster or STANDALONE for h in view.hosts}
        if self._groups_for != host_names:  # (clusters change with the inventory only)
            self._groups_for, self._groups = host_names, groups(view.hosts)
        grouped = self._groups
        # Widths come from what is listed (hosts, and the VMs of expanded hosts), so that
        # the layout only changes when the player expands a host or the panel is resized.
        hosts_w = max([2 + len(h) for h in host_names] + [4]
                      + [2 + len(name) for name, _ in grouped or ()])
        vms_w = max([3 + len(vms.names[i]) for h in self._expanded
                     for i in self._vms_of.get(h, ())] + [0])
        states = {(h.state, h.maintenance, h.entering_maintenance) for h in view.hosts}
        state_w = max([STATE_W, *(_state_width(*state) for state in states),
                       *(4 + 2 * len(str(len(members))) for _, members in grouped or ())])
        layout = choose_layout(self._available_width(), state_w, max(hosts_w, vms_w), hosts_w,
                               ha=any(h.ha for h in view.hosts),
                               memst=any(h.mem_state != "high" for h in view.hosts))
        if layout != self._layout:
            self._layout = layout
            table.clear(columns=True)
            for key, label, width, justify in layout.columns():
                table.add_column(fit(label, width, justify, gutter=key != "state"),
                                 width=width, key=key)
        sync_rows(table, self._rows(view, layout, grouped))
        self._restore_cursor(*before)
        # With physical servers, what consolidating them saves says more than the default
        # (relaxed) co-scheduling; a strict host is still named.
        servers = servers_words(view, max(20, self.size.width - 6))
        strict = any(h.co_scheduling == "strict" for h in view.hosts)
        subtitle = (f"{co_scheduling_words(view.hosts)} · {servers}" if strict else servers) if servers \
            else co_scheduling_words(view.hosts)
        if subtitle != self.border_subtitle:  # setting it repaints the whole panel
            self.border_subtitle = subtitle

    def _available_width(self) -> int:
        """Cells the columns may use: the table's width less one for a vertical scrollbar."""
        width = self.content_size.width
        return (width if width > 0 else 80) - 1

    def _rows(
        self, view: SimView, layout: HostsLayout, grouped: list[tuple[str, list[int]]] | None
    ) -> list[tuple[str, list[Text]]]:
        tones = self._tones_now()
        columns = layout.columns()
        vms_of = self._vms_of
        rows: list[tuple[str, list[Text]]] = []
        # Rows out of view keep their last cells (a 64-host table shows ~15): they are built
        # again as soon as they scroll into view (see `_scrolled`).
        table = self.table
        top = int(table.scroll_y)
        bottom = top + table.size.height  # (the header takes a line: one row to spare)
        fresh = (tones, layout)
        if self._row_cache_for != fresh:
            self._row_cache.clear()
            self._row_cache_for = fresh
        in_view = range(top, bottom + 1)
        listing: list[tuple[ClusterTotals | None, list[int]]]
        if grouped is None:
            listing = [(None, list(range(len(view.hosts))))]
        else:
            down = vms_down(view.vms, self._vm_pos, len(view.hosts))
            many = len(view.hosts) > FOLD_ABOVE
            listing = []
            for name, members in grouped:
                t = totals(name, view.hosts, members, down)
                self._auto[name] = not many or t.problem
                listing.append((t, members))
        for cluster, members in listing:
            if cluster is not None:
                open_ = self.is_open(cluster.name)
                key = f"cluster:{cluster.name}"
                rows.append((key, self._cached_row(
                    key, open_, len(rows) in in_view, columns,
                    partial(cluster_shows, cluster, layout, open_),
                    partial(self._cluster_cells, tones, cluster, layout, open_))))
                if not open_:
                    continue
            for h in members:
                host = view.hosts[h]
                open_ = host.name in self._expanded
                key = f"host:{host.name}"
                rows.append((key, self._cached_row(
                    key, open_, len(rows) in in_view, columns,
                    partial(host_shows, host, layout, open_),
                    partial(self._host_cells, tones, host, layout, open_))))
                if not open_:
                    continue
                vms = vms_of.get(host.name, [])
                for j, i in enumerate(vms):
                    cells = self._vm_cells(tones, view, i, layout, last=j == len(vms) - 1)
                    rows.append((f"vm:{view.vms.names[i]}", _fit_row(cells, columns)))
                if not vms:
                    empty = {"name": tones.text(" └ no VMs", "foreground-muted")}
                    rows.append((f"none:{host.name}", _fit_row(empty, columns)))
        return rows

    def _cached_row(
        self, key: str, open_: bool, visible: bool, columns: list[tuple[str, str, int, Justify]],
        shows: Callable[[], tuple[object, ...]], cells: Callable[[], dict[str, Text]],
    ) -> list[Text]:
        """A row's fitted cells, kept from the last tick: looked at again when it is in view or
        opened or closed, and drawn again only if what it shows differs (`shows` includes
        whether it is open)."""
        cached = self._row_cache.get(key)
        if visible or cached is None or cached[0] != open_:
            now = shows()
            if cached is None or cached[2] != now:
                cached = (open_, _fit_row(cells(), columns), now)
                self._row_cache[key] = cached
        return cached[1]

    def _cluster_cells(
        self, tones: Tones, t: ClusterTotals, layout: HostsLayout, open_: bool
    ) -> dict[str, Text]:
        words, tone = state_words(t)
        bad = tone == "error"
        cells = {
            "state": tones.text(words, tone, bold=bad),
            "name": tones.text(("▾ " if open_ else "▸ ") + squeeze(t.name, layout.name - 2),
                               "error" if bad else "accent", bold=True),
            "hist": trouble_text(tones, t),
            "vms": Text(str(t.vms)),
        }
        if not t.up:
            dash = tones.text("—", "foreground-muted")
            return cells | {"cpu": dash, "mem": dash, "ready": dash, "power": dash}
        return cells | {
            "cpu": meter(tones, t.cpu_pct, layout.bar, level_tone(t.cpu_pct, 75, 90)),
            "mem": meter(tones, t.mem_pct, layout.bar, level_tone(t.mem_pct, 80, 95)),
            "ready": ready_text(tones, t.ready_pct),
            "power": Text(power_words(t.power_w)),
        }

    def _host_cells(
        self, tones: Tones, host: HostView, layout: HostsLayout, open_: bool
    ) -> dict[str, Text]:
        symbol, word, tone = host_state(host.state, host.maintenance, host.entering_maintenance)
        alarm = host.state in ("failed", "isolated")
        cells = {
            "state": tones.text(f"{symbol} {word}", tone, bold=alarm),
            "name": tones.text(
                ("▪ " if host.bare_metal else "▾ " if open_ else "▸ ") + squeeze(host.name, layout.name - 2),
                "error" if alarm else "foreground",
                bold=alarm,
            ),
            "hist": tones.text(history(host.cpu_history, layout.hist), "primary"),
        }
        if layout.ha and host.ha:
            ha_symbol, ha_word, ha_tone = HA_STATES.get(host.ha, ("?", host.ha, "warning"))
            ha_word = ha_word if layout.ha >= HA_W else HA_SHORT.get(host.ha, ha_word[:4])
            cells["ha"] = tones.text(f"{ha_symbol} {ha_word}", ha_tone, bold=ha_tone == "error")
        if layout.memst and host.mem_state in MEM_STATES:
            symbol, tone = MEM_STATES[host.mem_state]
            word = host.mem_state if layout.memst >= MEMST_W else host.mem_state[0]
            gap = " " if layout.memst >= MEMST_W else ""
            cells["memst"] = tones.text(f"{symbol}{gap}{word}", tone, bold=tone == "error")
        if host.state in ("failed", "off"):
            dash = tones.text("—", "foreground-muted")
            cells |= {"cpu": dash, "mem": dash, "ready": dash, "power": dash}
            cells["vms"] = tones.text(str(host.vm_count), "foreground-muted")
            return cells
        cells |= {
            "cpu": meter(tones, host.cpu_pct, layout.bar, level_tone(host.cpu_pct, 75, 90)),
            "mem": meter(tones, host.mem_pct, layout.bar, level_tone(host.mem_pct, 80, 95)),
            "ready": ready_text(tones, host.ready_pct),
            "vms": Text(str(host.vm_count)),
            "power": Text(f"{host.power_w:.0f} W"),
        }
        if host.bare_metal:  # a physical server: no VMs; what it runs shows in the subtitle
            cells["vms"] = tones.text("HW", "foreground-muted")
        return cells

    def _vm_cells(
        self, tones: Tones, view: SimView, i: int, layout: HostsLayout, *, last: bool
    ) -> dict[str, Text]:
        vms = view.vms
        power = vms.power[i]
        healthy = bool(vms.healthy[i])
        reason = vms.reasons[i]
        if healthy or reason in ("powered off", "booting", "being converted (P2V)"):
            symbol, word, tone = VM_POWER.get(power, ("?", power, "warning"))
            state = tones.text(f"{symbol} {word}", tone)
        else:
            state = tones.text("✖ DOWN", "error", bold=True)
        if healthy:
            health = tones.text("✔ ok", "success")
        elif reason == "powered off":
            health = tones.text("○ powered off", "foreground-muted")
        elif reason == "booting":
            health = tones.text("◐ booting", "primary")
        else:
            health = tones.text(f"✖ {short_reason(reason)}", "error")
        cells = {
            "state": state,
            "name": Text((" └ " if last else " ├ ") + squeeze(vms.names[i], layout.name - 3)),
            "hist": health,
        }
        if power == "off":
            dash = tones.text("—", "foreground-muted")
            return cells | {"cpu": dash, "mem": dash, "ready": dash}
        cpu = float(vms.cpu_pct[i])
        memory = float(vms.memory[i])
        mem = 100.0 * float(vms.mem_active[i]) / memory if memory > 0 else 0.0
        if layout.memst:
            cells["memst"] = reclaim_cell(tones, vms, i, layout.memst >= MEMST_W)
        return cells | {
            "cpu": meter(tones, cpu, layout.bar, level_tone(cpu, 90, 100)),
            "mem": meter(tones, mem, layout.bar, "success"),
            "ready": ready_text(tones, float(vms.ready_pct[i])),
        }

    # ------------------------------------------------------------------ cursor and selection
    def _cursor_key(self) -> str | None:
        if not self.is_mounted:
            return None
        return cursor_key(self.table)

    def _restore_cursor(self, key: str | None, host: str | None) -> None:
        """After rows moved: back to the same row, or to the host it was listed under, or to
        that host's cluster row (folded)."""
        if key is None or move_cursor_to(self.table, key):
            return
        if host is not None and not move_cursor_to(self.table, f"host:{host}"):
            move_cursor_to(self.table, f"cluster:{self._cluster_of.get(host, STANDALONE)}")

    def _announce(self, *, force: bool = False) -> None:
        """Post the selection under the cursor (once per change unless `force`)."""
        key = self._cursor_key()
        if key is None or (key == self._announced and not force):
            return
        self._announced = key
        kind, name = key.split(":", 1)
        if kind == "host":
            self.post_message(self.Selected(self, "host", name))
        elif kind == "vm":
            self.post_message(self.Selected(self, "vm", name))

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        # Rows are taken out and put back when a host expands, which moves the cursor for a
        # moment: only what the cursor rests on, and only while the player is here, counts.
        if self.table.has_focus:
            self._announce()

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        kind, name = str(event.row_key.value).split(":", 1)
        if kind == "host":
            self.toggle(name)
        elif kind == "cluster":
            self.toggle_cluster(name)
        self._announce(force=kind == "vm")

    def on_descendant_focus(self, _: events.DescendantFocus) -> None:
        self._announce(force=True)


def reclaim_cell(tones: Tones, vms: VmColumns, i: int, full: bool) -> Text:
    """What the host reclaims from VM i: its swap (`✖ s 1.7G`) before its balloon (`b 2.6G`)."""
    swapped = float(vms.swapped[i]) if vms.swapped.size else 0.0
    balloon = float(vms.balloon[i]) if vms.balloon.size else 0.0
    if swapped >= 0.05:
        return tones.text(f"✖ s{swapped:.1f}G" if full else "✖s", "error")
    if balloon >= 0.05:
        return tones.text(f"b {balloon:.1f}G" if full else "b", "warning")
    return Text("")


def host_shows(host: HostView, layout: HostsLayout, open_: bool) -> tuple[object, ...]:
    """What a host's row shows (as `HostsPanel._host_cells` words it), cheaply: equal
    tuples draw the same cells."""
    hist = history(host.cpu_history, layout.hist)
    if host.state in ("failed", "off"):
        return (host.state, host.maintenance, host.name, open_, hist, host.vm_count, host.mem_state)

    def meter_shows(value: float, warn: float, bad: float) -> tuple[str, str, str]:
        drawn = bar(value / 100.0, layout.bar) if layout.bar > 0 else ""
        return drawn, f"{value:.0f}", level_tone(value, warn, bad)

    ready = host.ready_pct
    return (
        host.state, host.entering_maintenance, host.name, open_, hist,
        meter_shows(host.cpu_pct, 75, 90), meter_shows(host.mem_pct, 80, 95),
        level_tone(ready, 5.0, 10.0), f"{ready:.1f}" if ready < 10 else f"{ready:.0f}",
        host.vm_count, f"{host.power_w:.0f}", host.mem_state,
    )


def co_scheduling_words(hosts: tuple[HostView, ...]) -> str:
    """How the hosts schedule vCPUs, for the panel's subtitle: relaxed unless a host says
    strict (ESX 2.x gangs: a VM waits until as many cores as its vCPUs are free)."""
    strict = [h.name for h in hosts if h.co_scheduling == "strict"]
    if not strict:
        return "vCPUs: relaxed co-scheduling"
    names = ", ".join(strict) if len(strict) <= 2 else f"{len(strict)} hosts"
    rest = "; others relaxed" if len(strict) < len(hosts) else ""
    return f"strict co-scheduling: {names}{rest}"


def servers_words(view: SimView, room: int = 200) -> str:
    """With physical servers (▪, "HW") or a rack, power or cost budget: how many servers still
    run their workload, and the rack units and power of all that is not powered off, each
    against the level's limit when it sets one ("18/2 U ✖": 18 U in use, 2 allowed) — what
    consolidating saves ("" without). Parts that do not fit in `room` cells go, cost first."""
    servers = [h for h in view.hosts if h.bare_metal]
    lim = view.limits
    if not servers and not lim:
        return ""
    running = [h for h in servers if h.workload and h.state != "off"]
    rack = sum(h.rack_units for h in view.hosts if h.state != "off")
    parts = [f"▪ servers {len(running)}/{len(servers)}"] if servers else []
    parts.append(_against(rack, lim.get("rack"), f"{rack}", "{:g}", " U"))
    parts.append(_against(view.power_kw, lim.get("power"), f"{view.power_kw:.2f}", "{:g}", " kW"))
    if view.yearly_cost is not None:
        parts.append("cost " + _against(view.yearly_cost, lim.get("cost"), _k(view.yearly_cost), "", "/yr"))
    while len(parts) > 1 and len(" · ".join(parts)) > room:
        parts.pop(-1 if view.yearly_cost is not None and len(parts) > 2 + bool(servers) else 0)
    return " · ".join(parts)


def _against(value: float, limit: float | None, shown: str, fmt: str, unit: str) -> str:
    """"18/2 U ✖" (over the limit), "2/2 U ✔" (within), "18 U" (no limit); plain text: a
    border subtitle takes no markup."""
    if limit is None:
        return f"{shown}{unit}"
    cap = _k(limit) if not fmt else fmt.format(limit)
    return f"{shown}/{cap}{unit} {'✖' if value > limit + 1e-9 else '✔'}"


def _k(x: float) -> str:
    """A yearly sum in thousands: 20,487 → "20.5k"."""
    return f"{x / 1000:.1f}k" if x >= 1000 else f"{x:.0f}"


def short_reason(reason: str) -> str:
    """`view.vm_reason` in a few words, for a table cell."""
    if not reason:
        return "unhealthy"
    if reason.startswith("network cut"):
        return "VLAN cut off"
    if reason.startswith("paused: "):
        return reason.removeprefix("paused: ")
    if reason.startswith("starved"):
        share, _, cause = reason.removeprefix("starved: gets ").partition(" of its demand")
        if cause.startswith(", "):  # the CPU's cause; memory's comes in brackets
            cause = ", " + cause.removeprefix(", ").replace("guest saturated", "saturated")
        return f"starved: {share}{cause}"
    if reason.startswith("broken by"):
        return "bad change"
    return {"being converted (P2V)": "P2V copy", "installing its guest OS": "installing OS"}.get(reason, reason)


def _state_width(state: str, maintenance: bool = False, entering: bool = False) -> int:
    _, word, _ = host_state(state, maintenance, entering)
    return 2 + len(word)


def cluster_shows(t: ClusterTotals, layout: HostsLayout, open_: bool) -> tuple[object, ...]:
    """What a cluster row shows, cheaply (see `host_shows`)."""

    def meter_shows(value: float, warn: float, bad: float) -> tuple[str, str, str]:
        drawn = bar(value / 100.0, layout.bar) if layout.bar > 0 else ""
        return drawn, f"{value:.0f}", level_tone(value, warn, bad)

    return (
        open_, t.name, t.hosts, t.up, t.vms, t.failed, t.off, t.maint, t.entering, t.hot, t.vms_down,
        meter_shows(t.cpu_pct, 75, 90), meter_shows(t.mem_pct, 80, 95),
        level_tone(t.ready_pct, 5.0, 10.0), f"{t.ready_pct:.1f}" if t.ready_pct < 10 else f"{t.ready_pct:.0f}",
        power_words(t.power_w),
    )


def _fit_row(cells: dict[str, Text], columns: list[tuple[str, str, int, Justify]]) -> list[Text]:
    return [
        fit(cells.get(key, Text("")), width, justify, gutter=key != "state")
        for key, _, width, justify in columns
    ]
