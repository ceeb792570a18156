"""Action scripts: `<sim-seconds> <command>` per line, every mistake one line with its place."""

from __future__ import annotations

import pytest

from vdc.session.actions import ActionScriptError, TimedCommand, load_actions, parse_actions
from vdc.sim.commands import Command, parse


def _err(text: str, source: str = "actions.txt") -> str:
    with pytest.raises(ActionScriptError) as info:
        parse_actions(text, source)
    return str(info.value)


def test_lines_comments_and_blank_lines():
    script = (
        "# warm-up\n"
        "\n"
        "0 power on app-02\n"
        "   \n"
        "30\tvm set app-02 mem 16G   # more memory\n"
        "  45.5   Power Off web-01#trailing comment without a space\n"
    )
    assert parse_actions(script) == [
        TimedCommand(0.0, parse("power on app-02"), "power on app-02", 3),
        TimedCommand(
            30.0,
            Command("vm set mem", (("vm", "app-02"), ("gib", 16.0))),
            "vm set app-02 mem 16G",
            5,
        ),
        TimedCommand(45.5, parse("power off web-01"), "Power Off web-01", 6),
    ]


def test_empty_and_comment_only_scripts():
    assert parse_actions("") == []
    assert parse_actions("# nothing yet\n\n   # still nothing\n") == []


@pytest.mark.parametrize(
    ("tok", "seconds"),
    [
        ("90", 90.0),
        ("90.5", 90.5),
        ("90s", 90.0),
        ("2m", 120.0),
        ("1.5m", 90.0),
        ("1h", 3600.0),
        ("2M", 120.0),
        (".5", 0.5),
        ("0", 0.0),
    ],
)
def test_time_suffixes(tok, seconds):
    [a] = parse_actions(f"{tok} power off web-01")
    assert a.t == seconds
    assert isinstance(a.t, float)


def test_equal_times_keep_file_order():
    acts = parse_actions("60 power off a\n1m power off b\n60 power off c\n")
    assert [(a.t, a.command["vm"], a.line) for a in acts] == [
        (60, "a", 1),
        (60, "b", 2),
        (60, "c", 3),
    ]


def test_crlf_and_bom():
    acts = parse_actions("\ufeff10 power off a\r\n20 power off b\r\n")
    assert [(a.t, a.text, a.line) for a in acts] == [(10, "power off a", 1), (20, "power off b", 2)]


def test_help_and_refusable_commands_are_not_errors_here():
    # The game's validator decides later that no VM is called ghost; the script is well formed.
    acts = parse_actions("0 help power\n5 power on ghost nowhere\n")
    assert [a.command.name for a in acts] == ["help", "power on"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "0 power on a\n60 power off a\n\n# x\n30 power on a\n",
            "actions.txt:5: time 30 is earlier than the line before (60)",
        ),
        (
            "2m power on a\n90 power off a\n",
            "actions.txt:2: time 90 is earlier than the line before (120)",
        ),
        (
            "soon power on a\n",
            "actions.txt:1: expected a time in sim seconds (like 90, 90.5, 2m or 1h) before the "
            "command, got 'soon'",
        ),
        (
            "power on a\n",
            "actions.txt:1: expected a time in sim seconds (like 90, 90.5, 2m or 1h) before the "
            "command, got 'power'",
        ),
        (
            "10d power on a\n",
            "actions.txt:1: expected a time in sim seconds (like 90, 90.5, 2m or 1h) before the "
            "command, got '10d'",
        ),
        ("-5 power on a\n", "actions.txt:1: time must not be negative, got '-5'"),
        ("# c\n30\n", "actions.txt:2: no command after the time 30"),
        ("30   # later\n", "actions.txt:1: no command after the time 30"),
        (
            "0 power on a\n10 pwer off a\n",
            "actions.txt:2: unknown command 'pwer' (did you mean 'power'?)",
        ),
        (
            "0 vm set a cpu lots\n",
            "actions.txt:1: 'vm set cpu' count must be a whole number, got 'lots'",
        ),
        ("0 power off a now\n", "actions.txt:1: too many words after 'power off a': 'now'"),
    ],
)
def test_error_messages(text, message):
    assert _err(text) == message


def test_default_source_name():
    with pytest.raises(ActionScriptError, match=r"^<actions>:1: time must not be negative"):
        parse_actions("-1 power on a")


def test_load_actions_reads_utf8(tmp_path):
    path = tmp_path / "actions.txt"
    path.write_text("# café\n0 power on café-01\n2m power off café-01\n", encoding="utf-8")
    acts = load_actions(path)
    assert [(a.t, a.command.name, a.command["vm"], a.line) for a in acts] == [
        (0.0, "power on", "café-01", 2),
        (120.0, "power off", "café-01", 3),
    ]
    assert load_actions(str(path)) == acts


def test_load_actions_errors_name_the_file(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("0 power on a\n0 fly away\n", encoding="utf-8")
    with pytest.raises(ActionScriptError) as info:
        load_actions(bad)
    assert str(info.value) == f"{bad}:2: unknown command 'fly'"


def test_missing_file(tmp_path):
    path = tmp_path / "nope.txt"
    with pytest.raises(ActionScriptError) as info:
        load_actions(path)
    assert str(info.value) == f"{path}: no such file"


def test_not_utf8(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("0 power on caf\u00e9\n".encode("latin-1"))
    with pytest.raises(ActionScriptError) as info:
        load_actions(path)
    assert str(info.value) == f"{path}: not UTF-8 text"


def test_directory_is_not_a_script(tmp_path):
    with pytest.raises(ActionScriptError) as info:
        load_actions(tmp_path)
    assert str(info.value) == f"{tmp_path}: is a directory, not a file"
