"""Provides the one catalog of player actions: keys, help lines and palette entries.

The game screen's bindings, the `?` key list and the command palette are all built from
`GAME_ACTIONS`, so a key is declared once. Actions that act on the selection produce command
text for the session (the same command language as the `:` line and action scripts).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from textual.binding import Binding, BindingsMap, BindingType


@dataclass(frozen=True, slots=True)
class GameAction:
    """One thing the player can do from the game screen."""

    id: str
    key: str
    action: str
    description: str
    group: str
    show: bool = True
    """Shown in the footer."""
    key_display: str | None = None
    priority: bool = False
    """Before the focused widget's own keys (`r` retries a lost level even in the VM list,
    whose `r` otherwise reverses the sort); the screen's `check_action` lets it through when
    it does not apply."""
    short: str = ""
    """The footer's word for it (the description when empty): the footer of an 80-column
    terminal has room for about a dozen keys."""
    footer: int = 99
    """Place in the footer, lowest first: the keys that act come before the ones that view,
    so what a small terminal cuts off is what a player needs least."""
    web_key: str = ""
    """Another key for it, for play in a browser (`vdc serve`), where the browser keeps
    `key` for itself (Ctrl+S saves the page); always bound, shown in the footer instead of
    `key` when served."""


GAME_ACTIONS: tuple[GameAction, ...] = (
    GameAction("pause", "space", "toggle_pause", "Pause / resume", "Time", key_display="Space",
               short="pause", footer=1),
    GameAction("faster", "plus,equals_sign", "faster", "Faster", "Time", key_display="+",
               short="faster", footer=14),
    GameAction("slower", "minus", "slower", "Slower", "Time", key_display="-", short="slower",
               footer=15),
    GameAction("skip", "greater_than_sign", "skip_event", "Skip ahead", "Time",
               key_display=">", short="skip", footer=10),
    GameAction("end-now", "e", "end_now", "End now", "Game", priority=True, short="end",
               footer=0),
    GameAction("retry", "r", "retry", "Retry", "Game", priority=True, short="retry", footer=0),
    GameAction("command", "colon", "command_line", "Command line", "Act", key_display=":",
               short="cmd", footer=2),
    GameAction("power-on", "o", "power_on", "Power on selection", "Act", short="on", footer=12),
    GameAction("power-off", "x", "power_off", "Power off selection", "Act", short="off",
               footer=13),
    GameAction("reset", "t", "reset", "Reset selected VM", "Act", show=False),
    GameAction("cpu", "c", "set_cpu", "Set vCPUs of selected VM", "Act", show=False),
    GameAction("mem", "m", "set_mem", "Set memory of selected VM", "Act", show=False),
    GameAction("vmotion", "v", "vmotion", "vMotion selected VM", "Act", short="vMotion",
               footer=4),
    GameAction("svmotion", "V", "svmotion", "Storage vMotion selected VM", "Act",
               short="svMotion", footer=5),
    GameAction("snapshots", "n", "snapshots", "Snapshots of selected VM", "Act", short="snap",
               footer=6),
    GameAction("new-vm", "N", "new_vm", "New VM (no guest OS yet)", "Act", show=False),
    GameAction("deploy", "d", "deploy_appliance", "Deploy an appliance", "Act", show=False),
    GameAction("maintenance", "M", "maintenance",
               "Maintenance mode on/off for selected host (vSAN: pick its data mode)", "Act",
               short="maint", footer=7),
    GameAction("ha", "H", "ha_settings", "HA settings of the selection's cluster", "Act",
               short="HA", footer=8),
    GameAction("drs", "D", "drs_settings", "DRS settings of the selection's cluster", "Act",
               short="DRS", footer=9),
    GameAction("network-dialog", "L", "network_dialog",
               "Network of the selected host: cables, trunks, port groups, teams, VM NICs", "Act",
               show=False),
    GameAction("zoom", "z", "zoom", "Zoom panel", "View", short="zoom", footer=16),
    GameAction("hosts", "1", "show_panel('hosts')", "Hosts", "View", show=False),
    GameAction("datastores", "2", "show_panel('datastores')", "Datastores", "View", show=False),
    GameAction("network", "3", "show_panel('network')", "Network", "View", show=False),
    GameAction("vms", "4", "show_panel('vms')", "VMs", "View", show=False),
    GameAction("services", "5", "show_panel('services')", "Services", "View", show=False),
    GameAction("alarms", "6", "show_panel('alarms')", "Alarms", "View", show=False),
    GameAction("log", "7", "show_panel('log')", "Event log", "View", show=False),
    GameAction("tasks", "8", "show_panel('tasks')", "Tasks", "View", show=False),
    GameAction("drs-panel", "9", "show_panel('drs')",
               "DRS recommendations", "View", show=False),
    GameAction("keys", "question_mark", "keys_help", "Keys", "Help", key_display="?",
               short="keys", footer=3),
    GameAction("concepts", "f1", "concepts", "Concepts", "Help", key_display="F1",
               short="notes", footer=17),
    GameAction("save", "ctrl+s", "save_game", "Save", "Game", key_display="^s", short="save",
               footer=18, web_key="f2"),
    GameAction("quit", "q", "quit_level", "Quit level", "Game", short="quit", footer=19),
)
"""The game's keys, in the order of the `?` list; the footer shows them by `footer`."""


_VIEW_IDS = ("zoom", "hosts", "datastores", "network", "vms", "services", "alarms", "log",
             "tasks", "drs-panel", "keys", "concepts")

REPLAY_ACTIONS: tuple[GameAction, ...] = (
    GameAction("pause", "space", "toggle_pause", "Play / pause", "Time", key_display="Space",
               short="play"),
    GameAction("faster", "plus,equals_sign", "faster", "Faster (up to 64×)", "Time",
               key_display="+", short="faster"),
    GameAction("slower", "minus", "slower", "Slower", "Time", key_display="-", short="slower"),
    GameAction("next-action", "n", "next_action", "Next player command", "Replay", short="next"),
    GameAction("prev-action", "p", "previous_action", "Previous player command", "Replay",
               short="prev"),
    GameAction("back", "left_square_bracket", "seek_by(-60)", "Back 1 minute", "Replay",
               key_display="[", short="−1m"),
    GameAction("forward", "right_square_bracket", "seek_by(60)", "Forward 1 minute", "Replay",
               key_display="]", short="+1m"),
    GameAction("goto", "g", "goto", "Go to a time", "Replay", short="go to"),
    GameAction("follow", "f", "follow_speed", "Speed as the player watched", "Replay", show=False),
    *(a for a in GAME_ACTIONS if a.id in _VIEW_IDS),
    GameAction("quit", "q", "quit_level", "Leave the replay", "Game", short="leave"),
)
"""The replay viewer's keys: transport and viewing; nothing that acts on the datacenter."""


WEB_PALETTE_KEY = "f9"
"""The command palette's key when served (the browser keeps Ctrl+P for printing)."""
WEB_DOWNLOAD_KEY = "f8"
"""Download the game's save to the browser's computer (`vdc serve`)."""
WEB_KEYS_NOTE = (
    "In a browser (`vdc serve`) the browser keeps some keys for itself: `F2` saves (for "
    "`Ctrl+S`), `F9` opens the command palette (for `Ctrl+P`), `Alt+Backspace` deletes a word "
    "on the `:` line (for `Ctrl+W`, which closes the tab), and `F8` downloads the save."
)


def bindings(
    catalog: tuple[GameAction, ...] = GAME_ACTIONS, *, by_footer: bool = True
) -> list[BindingType]:
    """Textual bindings for a screen, from a catalog (the game's by default), with the footer's
    short words, in footer order (`by_footer`) or the catalog's. An action's `web_key` is
    bound too, hidden until `show_web_keys` swaps it in."""
    order = sorted(catalog, key=lambda a: a.footer) if by_footer else catalog
    out: list[BindingType] = []
    for a in order:
        out.append(Binding(a.key, a.action, a.short or a.description, show=a.show,
                           key_display=a.key_display, id=a.id, tooltip=a.description,
                           priority=a.priority))
        if a.web_key:
            out.append(Binding(a.web_key, a.action, a.short or a.description, show=False,
                               key_display=a.web_key.upper(), id=f"{a.id}-web",
                               tooltip=a.description, priority=a.priority))
    return out


def show_web_keys(bindings_map: BindingsMap, catalog: tuple[GameAction, ...] = GAME_ACTIONS) -> None:
    """Served: the footer shows each action's `web_key` instead of the key the browser keeps.
    Replaces the lists (a node's map shares them with its class's)."""
    keys = bindings_map.key_to_bindings
    for a in catalog:
        if not (a.web_key and a.show):
            continue
        for key, show in ((a.key.split(",")[0], False), (a.web_key, True)):
            if key in keys:
                keys[key] = [dataclasses.replace(b, show=show) if b.action == a.action else b
                             for b in keys[key]]


def key_label(a: GameAction) -> str:
    return a.key_display or a.key.split(",")[0]
