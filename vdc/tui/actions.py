"""Provides the one catalog of player actions: keys, help lines and palette entries.

The game screen's bindings, the `?` key list and the command palette are all built from
`GAME_ACTIONS`, so a key is declared once. Actions that act on the selection produce command
text for the session (the same command language as the `:` line and action scripts).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True, slots=True)
class GameAction:
    """One thing the player can do from the game screen."""

    id: str
    key: str
    action: str
    description: str
    group: str
    show: bool = True
    key_display: str | None = None
    priority: bool = False
    """Before the focused widget's own keys (`r` retries a lost level even in the VM list,
    whose `r` otherwise reverses the sort); the screen's `check_action` lets it through when
    it does not apply."""


GAME_ACTIONS: tuple[GameAction, ...] = (
    GameAction("pause", "space", "toggle_pause", "Pause / resume", "Time", key_display="Space"),
    GameAction("faster", "plus,equals_sign", "faster", "Faster", "Time", key_display="+"),
    GameAction("slower", "minus", "slower", "Slower", "Time", key_display="-"),
    GameAction("skip", "greater_than_sign", "skip_event", "Skip ahead", "Time",
               key_display=">"),
    GameAction("end-now", "e", "end_now", "End now", "Game",
               priority=True),
    GameAction("retry", "r", "retry", "Retry", "Game", priority=True),
    GameAction("command", "colon", "command_line", "Command line", "Act", key_display=":"),
    GameAction("power-on", "o", "power_on", "Power on selection", "Act"),
    GameAction("power-off", "x", "power_off", "Power off selection", "Act"),
    GameAction("reset", "t", "reset", "Reset selected VM", "Act", show=False),
    GameAction("cpu", "c", "set_cpu", "Set vCPUs of selected VM", "Act", show=False),
    GameAction("mem", "m", "set_mem", "Set memory of selected VM", "Act", show=False),
    GameAction("vmotion", "v", "vmotion", "vMotion selected VM", "Act", show=False),
    GameAction("svmotion", "V", "svmotion", "Storage vMotion selected VM", "Act", show=False),
    GameAction("maintenance", "M", "maintenance", "Maintenance mode on/off for selected host", "Act",
               show=False),
    GameAction("snapshots", "n", "snapshots", "Snapshots of selected VM", "Act", show=False),
    GameAction("ha", "H", "ha_settings", "HA settings of the selection's cluster", "Act", show=False),
    GameAction("drs", "D", "drs_settings", "DRS settings of the selection's cluster", "Act",
               show=False),
    GameAction("zoom", "z", "zoom", "Zoom panel", "View"),
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
    GameAction("keys", "question_mark", "keys_help", "Keys", "Help", key_display="?"),
    GameAction("concepts", "f1", "concepts", "Concepts", "Help", key_display="F1"),
    GameAction("save", "ctrl+s", "save_game", "Save", "Game", key_display="^s"),
    GameAction("quit", "q", "quit_level", "Quit level", "Game"),
)


_VIEW_IDS = ("zoom", "hosts", "datastores", "network", "vms", "services", "alarms", "log",
             "tasks", "drs-panel", "keys", "concepts")

REPLAY_ACTIONS: tuple[GameAction, ...] = (
    GameAction("pause", "space", "toggle_pause", "Play / pause", "Time", key_display="Space"),
    GameAction("faster", "plus,equals_sign", "faster", "Faster (up to 64×)", "Time", key_display="+"),
    GameAction("slower", "minus", "slower", "Slower", "Time", key_display="-"),
    GameAction("next-action", "n", "next_action", "Next player command", "Replay"),
    GameAction("prev-action", "p", "previous_action", "Previous player command", "Replay"),
    GameAction("back", "left_square_bracket", "seek_by(-60)", "Back 1 minute", "Replay",
               key_display="["),
    GameAction("forward", "right_square_bracket", "seek_by(60)", "Forward 1 minute", "Replay",
               key_display="]"),
    GameAction("goto", "g", "goto", "Go to a time", "Replay"),
    GameAction("follow", "f", "follow_speed", "Speed as the player watched", "Replay", show=False),
    *(a for a in GAME_ACTIONS if a.id in _VIEW_IDS),
    GameAction("quit", "q", "quit_level", "Leave the replay", "Game"),
)
"""The replay viewer's keys: transport and viewing; nothing that acts on the datacenter."""


def bindings(catalog: tuple[GameAction, ...] = GAME_ACTIONS) -> list[BindingType]:
    """Textual bindings for a screen, from a catalog (the game's by default)."""
    return [
        Binding(a.key, a.action, a.description, show=a.show, key_display=a.key_display, id=a.id,
                priority=a.priority)
        for a in catalog
    ]


def key_label(a: GameAction) -> str:
    return a.key_display or a.key.split(",")[0]
