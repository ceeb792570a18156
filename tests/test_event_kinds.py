"""The catalogue of event kinds is exact: the simulation logs only kinds in it, every kind in it
is written somewhere in vdc/sim, and docs/levels.md shows it as it is."""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import vdc.sim
from vdc.scenario import event_kinds, sandbox
from vdc.scenario.event_kinds import EVENT_KINDS
from vdc.scenario.loader import load_level
from vdc.scenario.paths import list_levels
from vdc.session import reference
from vdc.session.actions import load_actions, parse_actions
from vdc.session.runner import run_level
from vdc.sim.events import SEVERITY, EventRecord

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data" / "levels"
SIM = Path(vdc.sim.__file__).resolve().parent

# A tour of the sandbox that starts every kind of task: migrations, snapshots, maintenance, DRS.
SANDBOX_TOUR = """
0    vmotion web-01 esx-03
0    svmotion web-03 ds-local-03
0    snapshot create app-01 s1
0    snapshot create app-01 s2
0    snapshot create app-01 s3
0    snapshot create app-01 s4
10   drs mode prod full
20   maintenance enter esx-01
30   vmotion no-such-vm esx-01
400  maintenance exit esx-01
500  snapshot delete app-01 --all
900  drs threshold prod 5
"""


def _kinds_of_runs() -> set[str]:
    kinds: set[str] = set()

    def run(level, actions=(), seed=None) -> None:
        kinds.update(r.kind for r in run_level(level, actions=actions, seed=seed).sim.log)

    for path in list_levels():
        run(load_level(path).level)
    for src in reference.sources():
        run(load_level(ROOT / "levels" / f"{src.level_id}.toml").level, load_actions(src.script))
    run(load_level(ROOT / "levels" / "00-sandbox.toml").level, parse_actions(SANDBOX_TOUR))
    for name in ("tui-ha.toml", "tui-trouble.toml"):
        run(load_level(DATA / name).level)
    for size, seed in (("small", 1), ("small", 3), ("medium", 2)):
        run(sandbox.generate(size, seed))
    return kinds


def test_runs_log_only_catalogued_kinds() -> None:
    seen = _kinds_of_runs()
    assert seen - set(EVENT_KINDS) == set(), "kinds logged but missing from EVENT_KINDS"
    # The runs reach every part of the simulation (else this test would prove little).
    assert {
        "host_failed", "ha_restart_started", "vmotion_completed", "svmotion_completed",
        "snapshot_depth", "maintenance_entered", "drs_migration", "command_rejected",
        "uplink_down", "vlan_cut", "service_down", "datastore_alert", "level_end",
    } <= seen


def _log_calls() -> list[tuple[str, int, ast.expr]]:
    """(file, line, kind argument) of every `….log.add(t, kind, …)` and `log(t, kind, …)`."""
    out = []
    for path in sorted(SIM.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or len(node.args) < 2:
                continue
            f = node.func
            if (isinstance(f, ast.Attribute) and f.attr == "add" and isinstance(f.value, ast.Attribute)
                    and f.value.attr == "log") or (isinstance(f, ast.Name) and f.id == "log"):
                out.append((path.name, node.lineno, node.args[1]))
    return out


def test_every_literal_kind_the_sim_logs_is_catalogued() -> None:
    calls = _log_calls()
    assert len(calls) > 40
    literal = {a.value for _, _, a in calls if isinstance(a, ast.Constant)}
    assert literal - set(EVENT_KINDS) == set()
    # The two call sites that pass a kind through: the alarm kinds of `_alarm_transition` and
    # the uplink_down / uplink_up timeline ops. A new one needs a look (and a line here).
    passed = sorted(ast.unparse(a) for _, _, a in calls if not isinstance(a, ast.Constant))
    assert passed == ["kind", "op"], [c[:2] for c in calls if not isinstance(c[2], ast.Constant)]


@functools.cache
def _sim_string_literals() -> frozenset[str]:
    out: set[str] = set()
    for path in SIM.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                out.add(node.value)
    return frozenset(out)


def test_every_catalogued_kind_is_written_in_the_sim() -> None:
    """A kind the simulation never logs must not be in the catalogue: a level naming it in
    `pause_on` or a hint would never fire."""
    missing = set(EVENT_KINDS) - _sim_string_literals()
    assert missing == set(), f"catalogued but never logged by vdc/sim: {sorted(missing)}"


def test_kinds_never_logged_are_not_catalogued() -> None:
    # Once listed for severities, never logged by anything.
    for kind in ("vm_down", "level_lost"):
        assert kind not in EVENT_KINDS


def test_entries_are_complete_and_one_line() -> None:
    for name, e in EVENT_KINDS.items():
        assert e.name == name and re.fullmatch(r"[a-z][a-z_]*", name)
        assert e.severity in ("info", "warning", "critical")
        assert e.meaning and "\n" not in e.meaning and "|" not in e.meaning
        assert e.meaning[0].isupper() and e.meaning.endswith(".")


def test_severity_comes_from_the_catalogue() -> None:
    assert dict(SEVERITY) == {k: e.severity for k, e in EVENT_KINDS.items()}
    assert EventRecord(0.0, "host_failed", "esx-01", "").severity == "critical"
    assert EventRecord(0.0, "vm_restarted", "web-01", "").severity == "info"
    assert EventRecord(0.0, "not-a-kind", "x", "").severity == "info"


def test_toast_kinds_come_from_the_catalogue() -> None:
    from vdc.tui.controller import TOAST_KINDS

    assert set(TOAST_KINDS) == {k for k, e in EVENT_KINDS.items() if e.toast}
    assert {"host_failed", "message", "level_end", "vmotion_completed"} <= set(TOAST_KINDS)


def test_meanings_quote_the_simulation_thresholds() -> None:
    from vdc.sim.engine import DATASTORE_ALERT_PCT, DATASTORE_WARN_PCT, HOST_CPU_HIGH_PCT
    from vdc.sim.snapshots.chain import AGE_ALARM_S, DEPTH_ALARM

    assert f"{DATASTORE_WARN_PCT:g} % full" in EVENT_KINDS["datastore_warning"].meaning
    assert f"{DATASTORE_ALERT_PCT:g} % full" in EVENT_KINDS["datastore_alert"].meaning
    assert f"{HOST_CPU_HIGH_PCT:g} %" in EVENT_KINDS["host_cpu_high"].meaning
    assert f"more than {DEPTH_ALARM} snapshots" in EVENT_KINDS["snapshot_depth"].meaning
    assert f"more than {AGE_ALARM_S / 3600:g} h old" in EVENT_KINDS["snapshot_age"].meaning


def test_catalogue_is_on_the_ground_floor() -> None:
    """The level format layer imports nothing from the simulation, the session or the TUI."""
    tree = ast.parse(Path(event_kinds.__file__).read_text(encoding="utf-8"))
    imported = [
        n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
    ] + [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert not [m for m in imported if m.startswith("vdc")], imported


def test_docs_table_is_the_catalogue() -> None:
    text = (ROOT / "docs" / "levels.md").read_text(encoding="utf-8")
    m = re.search(r"<!-- event-kinds:begin -->\n(.*?)<!-- event-kinds:end -->", text, re.S)
    assert m, "docs/levels.md lost its event-kinds markers"
    assert m.group(1) == event_kinds.markdown_table(), (
        "docs/levels.md is out of date: paste the output of "
        "`python -c 'from vdc.scenario.event_kinds import markdown_table; print(markdown_table())'`"
        " between the event-kinds markers"
    )


def test_unknown_kind_sentence() -> None:
    assert event_kinds.unknown_kind("host_fialed") == (
        "unknown event kind 'host_fialed' (did you mean 'host_failed'?)"
    )
    assert event_kinds.unknown_kind("qqq") == (
        "unknown event kind 'qqq' (the event kinds are listed in docs/levels.md)"
    )


def test_json_schema_lists_the_kinds() -> None:
    from vdc.scenario.schema import Level

    defs = Level.model_json_schema()["$defs"]
    pause_on = defs["LevelMeta"]["properties"]["pause_on"]["items"]
    assert pause_on == {"enum": list(EVENT_KINDS), "type": "string"}
    event = defs["Hint"]["properties"]["event"]["anyOf"]
    assert {"enum": list(EVENT_KINDS), "type": "string"} in event


def test_every_kind_has_a_label_in_words_for_players() -> None:
    for kind in EVENT_KINDS.values():
        assert kind.label and "_" not in kind.label and len(kind.label) <= 24, kind
        assert event_kinds.label(kind.name) == kind.label
    assert event_kinds.label("command_rejected") == "refused"
    assert event_kinds.label("vmotion_queued") == "vMotion queued"
    assert event_kinds.label("not_a_kind") == "not a kind"
