"""Provides what the VM table (`VmTable`) shows, apart from the widget: its columns and how
they fit a width, a display key per cell (a number or a word that changes exactly when the
cell's text does, vectorised over the view's numpy columns), the cell made from a key, the
filter and the sort order.

Sorting uses the *displayed* (rounded) keys with inventory order breaking ties, so rows do not
shuffle while the numbers on screen stand still.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from rich.text import Text

from vdc.sim.model import PARAVIRTUAL
from vdc.sim.view import VmColumns
from vdc.tui.format import HEALTH, SEVERITY, VM_POWER, Tones, gib

Cell = str | Text
"""What a cell of the table shows."""
Keys = dict[str, np.ndarray | tuple[str, ...]]
"""Per column, the display key of every VM (numbers as an array, words as a tuple)."""
Formatter = Callable[[Any], Cell]
"""A column's display key → its cell."""
Words = tuple[tuple[str, ...], tuple[str, ...], np.ndarray, np.ndarray, tuple[str, ...]]
"""(power, reasons, healthy, off mask, health keys) of a view: worked out again only when the
power or health words change (see `display_keys`)."""


@dataclass(frozen=True, slots=True)
class Column:
    """A shown column of the table."""

    key: str
    label: str
    width: int
    numeric: bool
    """Right-aligned, and sorted highest first."""


SORT_COLUMNS: tuple[str, ...] = (
    "name", "host", "net", "power", "cpu", "ready", "costop", "memory", "reclaim", "latency", "snap",
    "guest", "service",
    "health",
)
"""Column keys in display order; also the order `s` cycles through (after "none")."""

LABELS: dict[str, str] = {
    "name": "VM", "host": "Host", "power": "Power", "cpu": "CPU%", "ready": "Ready%", "costop": "CoStp%",
    "memory": "Mem GiB", "latency": "Lat ms", "service": "Service", "health": "Health",
    "snap": "Snap", "reclaim": "Bal/Swap", "guest": "Tools NIC", "net": "Net",
}
NUMERIC = frozenset({"cpu", "ready", "costop", "memory", "latency", "snap", "reclaim"})
FIXED_WIDTHS: dict[str, int] = {
    "power": 6, "cpu": 4, "ready": 6, "costop": 6, "memory": 7, "latency": 6, "snap": 11,
    "reclaim": 9, "guest": 9,
}
"""Widest text of each fixed-format column (`◐ boot`, `100` or `▲200` for a saturated guest,
`✖ 12.3`, `16.7`, `100/128`, `1.1`)."""

SHORT_WIDTHS: dict[str, int] = {"snap": 6, "reclaim": 6}
"""Columns with a shorter form, taken before the column is left out (`2·14G` for `2 · 14 GiB`,
`s1.7G` for `2.6/1.7`)."""

KEEP_ORDER: tuple[str, ...] = (
    "name", "health", "cpu", "ready", "power", "host", "reclaim", "guest", "service", "memory",
    "costop", "snap", "net", "latency",
)
"""Which columns a narrow panel keeps first. "snap" (only once a VM has a snapshot) comes after
the columns the table always has, so a VM's first snapshot never pushes one of them out.
"reclaim" (only while a host balloons or swaps: GiB ballooned / swapped) goes before the
service and the memory: while it shows, it is why VMs starve. "costop" (only while a host
co-schedules strictly) comes after the memory, so it never pushes one of them out. "guest"
(only while a VM runs without Tools or on an emulated NIC: `✖ e1000`) comes before the
service: while it shows, it is what the level is about. "net" (the VMs' port groups: while a
VM's network is cut, or when the player asks with `P`) comes after the snapshots: a cut VM never
pushes one of the table's own columns out, nor the snapshot the player just took. Asked for with
`P`, it comes right after the service instead: the player wants it more than the memory."""


def odd_guests(guest: tuple[str, ...]) -> bool:
    """Whether some VM runs without Tools or with an emulated NIC (the Tools NIC column shows)."""
    return any(not g.startswith("yes|") or g.partition("|")[2] not in PARAVIRTUAL | {""} for g in guest)

_HEALTH_MIN, _HEALTH_SHORT, _HEALTH_WANT, _HEALTH_MAX = 6, 14, 20, 26
"""Health cells: `✖ DOWN` at least, room for a short reason if the panel allows (the reason
gives way down to `_HEALTH_SHORT` before a column is left out)."""

_PAD = 2
"""DataTable cell padding: one cell either side of every column."""

POWER_RANK = {"off": 0, "booting": 1, "on": 2}
"""Power sort: problems (off, booting) first."""


def short_reason(reason: str) -> str:
    """The view's health reason, shortened to fit a table cell."""
    if reason.startswith("broken by"):
        return "bad change"
    if reason.startswith("network cut"):
        return "VLAN not carried"
    if reason.startswith("cut off: no router"):
        return "no router"
    if reason.startswith("paused: "):
        return reason.removeprefix("paused: ")
    if reason.startswith("starved: gets "):
        # `starved 50 %, saturated`: the share, and what is short (the view's few words).
        share, _, cause = reason.removeprefix("starved: gets ").partition(" of its demand")
        if cause.startswith(", "):  # the CPU's cause; memory's comes in brackets
            cause = ", " + cause.removeprefix(", ").replace("guest saturated", "saturated")
        return f"starved {share}{cause}"
    if reason.startswith("storage latency"):
        return reason.replace("storage latency", "disk latency")
    return _SHORT.get(reason, reason)


_SHORT = {"being converted (P2V)": "P2V copy", "installing its guest OS": "installing OS"}
"""Provisioning's reasons in the words that fit the Health column at 80 columns."""


def fit_columns(
    width: int, name: int, host: int, service: int, snap: bool = False, reclaim: bool = False,
    costop: bool = False, guest: bool = False, net: int = 0, net_first: bool = False,
) -> list[Column]:
    """The columns that fit `width` cells, in display order, most useful kept first.

    Columns are taken in `KEEP_ORDER`; one that does not fit takes its short form if it has
    one, then room from the health reason (down to `_HEALTH_SHORT`; latency never takes it),
    and only then is left out. What is left over widens the health reason.

    Args:
        width: Cells available for the table (without its scrollbar).
        name: Widest VM name. host: widest host name. service: widest service name.
        net: widest port groups of a VM, 0 to leave the column out.
        net_first: the player asked for the port groups (`P`): they come right after the
            service, before the memory and the other optional columns.
    """
    full = FIXED_WIDTHS | {"name": name, "host": host, "service": service, "net": net}

    def keep(health: int, floor: int) -> tuple[dict[str, int], int, int]:
        kept = {"name": name}
        used = name + health + 2 * _PAD
        order = KEEP_ORDER[2:]
        if net_first:
            order = tuple(k for k in order if k != "net")
            at = order.index("service") + 1
            order = (*order[:at], "net", *order[at:])
        for key in order:
            if ((key == "snap" and not snap) or (key == "reclaim" and not reclaim)
                    or (key == "costop" and not costop) or (key == "guest" and not guest)
                    or (key == "net" and not net)):
                continue
            for w in (full[key], SHORT_WIDTHS.get(key)):
                if w is None:
                    continue
                short_by = used + w + _PAD - width
                # Latency, the least useful, only takes room the reason does not need.
                least = max(floor, _HEALTH_WANT) if key == "latency" else floor
                if short_by <= health - least:  # fits, the reason giving way if need be
                    given = max(0, short_by)
                    health -= given
                    used += w + _PAD - given
                    kept[key] = w
                    break
        return kept, used, health

    kept, used, health = keep(_HEALTH_WANT, _HEALTH_SHORT)
    if not {"cpu", "ready", "power"} <= kept.keys():
        # numbers before the health reason when narrow
        kept, used, health = keep(_HEALTH_MIN, _HEALTH_MIN)
    kept["health"] = max(health, min(_HEALTH_MAX, health + width - used))
    return [
        Column(key, LABELS[key], kept[key], key in NUMERIC)
        for key in SORT_COLUMNS
        if key in kept
    ]


SATURATED = 100_000
"""CPU display keys from here on are saturated guests: SATURATED + wanted % of the vCPUs."""


def _cpu_keys(vms: VmColumns) -> np.ndarray:
    """CPU display key: served % of the vCPUs, or SATURATED + wanted % when the guest wants
    more than its vCPUs give (from 101 %, so sorting by CPU puts saturated guests first)."""
    served = np.rint(vms.cpu_pct).astype(np.int64)
    if vms.want_pct.size != len(vms):
        return served
    want = np.rint(vms.want_pct).astype(np.int64)
    return np.where(want > 100, SATURATED + np.minimum(want, 999), served)


def _costop_keys(vms: VmColumns) -> np.ndarray:
    """Co-stop display key in tenths of a % (0 without strict hosts)."""
    if vms.costop_pct.size != len(vms):
        return np.zeros(len(vms), dtype=np.int64)
    return np.rint(vms.costop_pct * 10.0).astype(np.int64)


def _tenths(values: np.ndarray) -> np.ndarray:
    """A display key: tenths below 10, whole numbers from 10 on (in tenths), as int64."""
    tenths = np.rint(values * 10.0)
    whole = np.rint(values) * 10.0
    return np.where(values < 10.0, tenths, whole).astype(np.int64)


def _tenths_text(key: int) -> str:
    return f"{key / 10:.1f}" if key < 100 else f"{key // 10}"


def _snap_keys(vms: VmColumns) -> np.ndarray:
    """Snap display key: GiB in tenths × 100 + count (−1 without snapshots)."""
    count, size = vms.snap_count, vms.snap_gib
    if count.size != len(vms):
        return np.full(len(vms), -1, dtype=np.int64)
    return np.where(count > 0, np.rint(size * 10.0).astype(np.int64) * 100 + count, -1)


def _snap_text(key: int) -> str:
    """`2 · 14 GiB`."""
    tenths, n = divmod(key, 100)
    return f"{n} · {gib(tenths / 10)}"


def _snap_short(key: int) -> str:
    """`2·14G` (the Snap column in its short form)."""
    tenths, n = divmod(key, 100)
    size = gib(tenths / 10).replace(" GiB", "G").replace(" TiB", "T")
    return f"{n}·{size}"


def _reclaim_keys(vms: VmColumns) -> np.ndarray:
    """Bal/Swap display key: swapped tenths × 100,000 + ballooned tenths (−1 when neither)."""
    b, sw = vms.balloon, vms.swapped
    if b.size != len(vms):
        return np.full(len(vms), -1, dtype=np.int64)
    bt = np.rint(b * 10.0).astype(np.int64)
    st = np.rint(sw * 10.0).astype(np.int64)
    return np.where((bt > 0) | (st > 0), st * 100_000 + bt, -1)


def _reclaim_text(key: int) -> str:
    """`2.6/1.7`: GiB ballooned / swapped."""
    st, bt = divmod(key, 100_000)
    return f"{bt / 10:.1f}/{st / 10:.1f}"


def _reclaim_short(key: int) -> str:
    """`s1.7G` (what is swapped, else `b2.6G`, what is ballooned)."""
    st, bt = divmod(key, 100_000)
    return f"s{st / 10:.1f}G" if st else f"b{bt / 10:.1f}G"


def display_keys(vms: VmColumns, words: Words | None) -> tuple[Keys, Words]:
    """Per column, a value per VM that changes exactly when the cell's text changes; and the
    power and health words to hand back next time (`words`: those of the last call, or None)."""
    if words is None or words[0] != vms.power or words[1] != vms.reasons or not np.array_equal(
        words[2], vms.healthy
    ):  # power and health words change rarely: worked out again only when they do
        off = np.fromiter((p == "off" for p in vms.power), dtype=np.bool_, count=len(vms))
        health = tuple(
            "" if ok else reason or "unhealthy"
            for ok, reason in zip(vms.healthy.tolist(), vms.reasons, strict=True)
        )
        words = (vms.power, vms.reasons, vms.healthy.copy(), off, health)
    off, health = words[3], words[4]
    mem_cfg = np.rint(vms.memory * 10.0).astype(np.int64)
    keys: Keys = {
        "host": vms.hosts,
        "power": vms.power,
        "cpu": np.where(off, -1, _cpu_keys(vms)),
        "ready": np.where(off, -1, np.rint(vms.ready_pct * 10.0).astype(np.int64)),
        "costop": np.where(off, -1, _costop_keys(vms)),
        "memory": np.where(off, -1, _tenths(vms.mem_active) * 100_000 + mem_cfg),
        "latency": np.where(off, -1, _tenths(vms.latency_ms)),
        "snap": _snap_keys(vms),
        "reclaim": _reclaim_keys(vms),
        "guest": vms.guest,
        "net": vms.portgroups if len(vms.portgroups) == len(vms) else ("",) * len(vms),
        "service": vms.services,
        "health": health,
    }
    return keys, words


def changed_rows(new: Keys, old: Keys, columns: Sequence[Column], n: int) -> np.ndarray | None:
    """Which of the `n` VMs show other text in `columns` now (None: every row may have)."""
    if any(old.get(col.key) is None for col in columns):
        return None
    changed = np.zeros(n, dtype=np.bool_)
    for col in columns:
        keys, before = new[col.key], old[col.key]
        if isinstance(keys, np.ndarray):
            changed |= keys != before
        elif keys is before or keys == before:  # (words: mostly the same every tick)
            continue
        else:
            changed |= np.fromiter(
                (a != b for a, b in zip(keys, before, strict=True)), dtype=np.bool_, count=n
            )
    return changed


def formatters(tones: Tones, columns: Sequence[Column]) -> dict[str, Formatter]:
    """Per column, display key → cell, at the widths of the shown `columns`."""
    widths = {c.key: c.width for c in columns}

    def number(col: str, text: Callable[[int], str]) -> Formatter:
        width = widths.get(col, 0)
        return lambda k: ("–" if k == -1 else text(int(k))).rjust(width)

    def power(p: str) -> Cell:
        symbol, word, tone = VM_POWER.get(str(p), ("?", str(p), "warning"))
        return tones.text(f"{symbol} {word}", tone)

    def ready(k: int) -> Cell:
        key = int(k)
        width = widths.get("ready", 0)
        if key == -1:
            return "–".rjust(width)
        if key < 50:
            return f"{key / 10:.1f}".rjust(width)
        severity, tone = ("critical", "error") if key >= 100 else ("warning", "warning")
        return tones.text(f"{SEVERITY[severity][0]} {key / 10:.1f}".rjust(width), tone)

    def cpu(k: int) -> Cell:
        key = int(k)
        width = widths.get("cpu", 0)
        if key == -1:
            return "–".rjust(width)
        if key < SATURATED:
            return str(key).rjust(width)
        # The guest wants more than its vCPUs give: what it wants, as % of them.
        want = key - SATURATED
        tone = "error" if want >= 125 else "warning"
        return tones.text(f"▲{want}".rjust(width), tone)

    def guest(g: str) -> Cell:
        tools, _, nic = str(g).partition("|")
        symbol = {"yes": "✔", "no": "✖", "next boot": "⟳"}.get(tools, "?")
        odd = tools != "yes" or (nic and nic not in PARAVIRTUAL)
        return tones.text(f"{symbol} {nic or '–'}", "warning" if odd else "foreground")

    def memory(key: int) -> str:
        active, cfg = divmod(key, 100_000)
        return f"{_tenths_text(active)}/{cfg / 10:g}"

    def health(reason: str) -> Cell:
        symbol, word, tone = HEALTH[not reason]
        out = tones.text(f"{symbol} {word}", tone, bold=bool(reason))
        width = widths.get("health", 0)
        if reason:
            why = short_reason(str(reason))
            room = width - out.cell_len - 1
            if len(why) > width - 2 and why.startswith("starved "):
                why = why.split(", ")[0].split(" (")[0]  # `starved 50 %` when its cause does not fit
            if room < len(why) <= width - 2:
                # Short of room, the reason stays whole and the word DOWN gives way (the ✖
                # still says it): `✖ host failed`, not `✖ DOWN host fai…`.
                out = tones.text(symbol, tone, bold=True)
                out.append(f" {why}", tones(tone))
            elif len(why) <= room or room >= 8:  # a reason cut to 2–3 letters says nothing
                out.append(f" {why}", tones(tone))
        out.truncate(width, overflow="ellipsis")
        return out

    return {
        "host": str,
        "power": power,
        "cpu": cpu,
        "costop": number("costop", lambda k: f"{k / 10:.1f}"),
        "ready": ready,
        "memory": number("memory", memory),
        "latency": number("latency", _tenths_text),
        "snap": number("snap", _snap_text if widths.get("snap", 0) >= FIXED_WIDTHS["snap"] else _snap_short),
        "reclaim": number(
            "reclaim", _reclaim_text if widths.get("reclaim", 0) >= FIXED_WIDTHS["reclaim"] else _reclaim_short
        ),
        "guest": guest,
        "net": lambda k: str(k) or "–",
        "service": str,
        "health": health,
    }


def filter_mask(vms: VmColumns, text: str) -> np.ndarray:
    """Which VMs have `text` (lower case) in their name, host, service, health reason, NIC
    type (`e1000` finds the emulated NICs) or port groups."""
    if not text:
        return np.ones(len(vms), dtype=np.bool_)
    return np.fromiter(
        (
            text in name.lower() or text in host.lower() or text in svc.lower()
            or text in reason.lower() or text in guest.partition("|")[2] or text in pgs.lower()
            for name, host, svc, reason, guest, pgs in zip(
                vms.names, vms.hosts, vms.services, vms.reasons,
                vms.guest if len(vms.guest) == len(vms) else ("",) * len(vms),
                vms.portgroups if len(vms.portgroups) == len(vms) else ("",) * len(vms), strict=True
            )
        ),
        dtype=np.bool_,
        count=len(vms),
    )


def sort_order(vms: VmColumns, keys: Keys, column: str | None, reverse: bool) -> np.ndarray:
    """All VM indices in display order: by `column`'s display keys (None: inventory order),
    numbers highest first, words A→Z, health DOWN first, power off first; `reverse` turns that
    round; ties keep inventory order."""
    n = len(vms)
    index = np.arange(n)
    if column is None:
        return index[::-1] if reverse else index
    if column in NUMERIC:
        rank = -np.asarray(keys[column])  # highest first
    elif column == "power":
        rank = np.array([POWER_RANK.get(p, 3) for p in vms.power])
    elif column == "health":
        reasons = np.array([r or "~" for r in keys["health"]])
        rank = np.unique(reasons, return_inverse=True)[1].reshape(-1)
        rank = np.where(vms.healthy, n + rank, rank)  # DOWN first
    else:
        values = {"name": vms.names, "host": vms.hosts, "service": vms.services, "guest": vms.guest,
                  "net": vms.portgroups}[column]
        rank = np.unique(np.array(values, dtype=str), return_inverse=True)[1].reshape(-1)
    if reverse:
        rank = -rank
    return np.lexsort((index, rank))
