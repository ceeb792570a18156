"""The command language: table, parser, canonical formatter, help and completion."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vdc.sim import commands as cm
from vdc.sim.commands import (
    COMMANDS,
    Command,
    CommandSpec,
    CommandSyntaxError,
    CommandUnavailable,
    complete,
    format_command,
    format_number,
    help_text,
    make_command,
    parse,
    spec_for,
    usage,
)

SPEC_IDS = [s.name for s in COMMANDS]

# ------------------------------------------------------------------------------ helpers

_SAMPLE_NAMES = {
    "vm": "Web-01",
    "host": "esx-02",
    "cluster": "Prod",
    "datastore": "ds-Gold",
    "word": "thing_1",
}


def _sample(spec: CommandSpec, *, with_optional: bool) -> tuple[str, dict[str, object]]:
    """A text for `spec` built from its slots, and the args it must parse to."""
    parts: list[str] = []
    expected: dict[str, object] = {}
    for s in spec.slots:
        if s.kind == "literal":
            parts.append(s.text.upper())  # words are case-insensitive
            continue
        if s.kind == "flag" and s.arg is not None:  # a flag with a value: --detection beacon
            expected[s.name] = None
            if with_optional:
                a = s.arg
                tok, val = (a.choices[-1].upper(), a.choices[-1]) if a.kind == "choice" else ("Up_1", "Up_1")
                parts += [s.text, *([tok, tok] if a.many else [tok])]
                expected[s.name] = (val, val) if a.many else val
            continue
        if s.kind == "flag":
            expected[s.name] = with_optional
            if with_optional:
                parts.append(s.text)
            continue
        if s.optional and not with_optional:
            expected[s.name] = None
            continue
        if s.kind == "choice":
            tok, val = s.choices[-1].upper(), s.choices[-1]
        elif s.kind == "int":
            val = int(s.hi if s.hi is not None else 7)
            tok = str(val)
        elif s.kind == "gib":
            tok, val = "12.5GiB", 12.5
        elif s.kind == "pct":
            tok, val = "40%", 40.0
        else:
            tok = val = _SAMPLE_NAMES[s.kind]
        if s.many:
            parts += [tok, tok]
            expected[s.name] = (val, val)
        else:
            parts.append(tok)
            expected[s.name] = val
    return " ".join(parts), expected


def _err(text: str) -> str:
    with pytest.raises(CommandSyntaxError) as info:
        parse(text, allow_unavailable=True)
    return str(info.value)


# -------------------------------------------------------------------------------- table


def test_names_come_from_literal_words():
    assert spec_for("vm set cpu").pattern == "vm set {vm:vm} cpu {count:int}"
    assert spec_for("power on").pattern == "power on {vm:vm} [{host:host}]"
    assert spec_for("net portgroup vlan").pattern.startswith("net portgroup ")
    assert spec_for("snapshot create").name == "snapshot create"  # flags are not in the name
    assert spec_for("vm create cpu mem disk").name == "vm create cpu mem disk"
    assert len({s.name for s in COMMANDS}) == len(COMMANDS) == 49


def test_available_and_meta_flags():
    available = [s.name for s in COMMANDS if s.available]
    assert available == [
        "power on",
        "power off",
        "power reset",
        "vm set cpu",
        "vm set mem",
        "vm reserve cpu",
        "vm reserve mem",
        "vm policy ftt",
        "tools install",
        "vm adapter",
        "vm create cpu mem disk",
        "vm delete",
        "vm service",
        "task cancel",
        "host power on",
        "host power off",
        "help",
        "vmotion",
        "svmotion",
        "snapshot create",
        "snapshot revert",
        "snapshot delete",
        "snapshot list",
        "maintenance enter",
        "maintenance exit",
        "host reboot",
        "ha enable",
        "ha disable",
        "ha admission",
        "ha priority",
        "ha isolation",
        "ha monitoring",
        "drs enable",
        "drs disable",
        "drs mode",
        "drs threshold",
        "drs apply",
        "drs rule add",
        "drs rule remove",
        "drs group",
        "net uplink",
        "net portgroup vlan",
        "net trunk",
        "net teaming policy",
        "vm nic",
        "os install",
        "deploy",
        "p2v",
        "license upgrade",
    ]
    assert [s.name for s in COMMANDS if s.meta] == ["help", "snapshot list"]


def test_usage_lines():
    assert usage(spec_for("power on")) == "power on VM [HOST]"
    assert usage("vm set cpu") == "vm set VM cpu COUNT"
    assert spec_for("vm set mem").usage == "vm set VM mem GIB"
    assert spec_for("help").usage == "help [COMMAND...]"
    assert spec_for("snapshot create").usage == "snapshot create VM SNAP [--memory] [--quiesce]"
    assert spec_for("drs mode").usage == "drs mode CLUSTER manual|partial|full"
    assert spec_for("drs group").usage == "drs group CLUSTER vm|host GROUP MEMBERS..."


def test_slots_are_precomputed():
    slots = spec_for("power on").slots
    assert [(s.kind, s.name, s.text, s.optional) for s in slots] == [
        ("literal", "", "power", False),
        ("literal", "", "on", False),
        ("vm", "vm", "", False),
        ("host", "host", "", True),
    ]
    count = spec_for("vm set cpu").slots[-1]
    assert (count.kind, count.lo, count.hi) == ("int", 1, 128)
    flag = spec_for("maintenance enter").slots[-1]
    assert (flag.kind, flag.name, flag.text) == (
        "flag",
        "evacuate_powered_off",
        "--evacuate-powered-off",
    )


def test_spec_for_unknown_name():
    with pytest.raises(KeyError, match="no command named 'fly'"):
        spec_for("fly")


@pytest.mark.parametrize(
    "pattern",
    [
        "{vm:vm} power",  # must start with a word
        "power [{host:host}] {vm:vm}",  # optional before required
        "drs group {members:word...} {cluster:cluster}",  # '...' not last
        "x {a:flavour}",  # unknown kind
        "x --memory",  # flags must be optional
        "x [--memory] {vm:vm}",  # flags come last
        "x {a:vm} {a:host}",  # duplicate argument names
        "x [y]",  # optional literal word
    ],
)
def test_bad_patterns_are_refused(pattern):
    with pytest.raises(ValueError):
        CommandSpec(pattern, "h", "x")


def test_ambiguous_table_is_refused():
    a = CommandSpec("x {vm:vm}", "h", "x a")
    b = CommandSpec("x {host:host} z", "h", "x a z")  # a slot where the other has a slot too
    c = CommandSpec("x {vm:vm} y", "h", "x a y")  # `x a` would be complete and a prefix
    with pytest.raises(AssertionError, match="ambiguous"):
        cm.check_table([c, b])
    with pytest.raises(AssertionError, match="ambiguous"):
        cm.check_table([a, c])
    with pytest.raises(AssertionError, match="unique"):
        cm.check_table([a, a])


# ------------------------------------------------------------------------------ parsing


def test_parse_power_on_with_and_without_host():
    assert parse("power on web-01") == Command("power on", (("vm", "web-01"), ("host", None)))
    c = parse("power on web-01 esx-02")
    assert c.args == (("vm", "web-01"), ("host", "esx-02"))
    assert c["host"] == "esx-02" and c.get("host") == "esx-02"
    assert c.get("nothing", 5) == 5
    with pytest.raises(KeyError):
        c["nothing"]


def test_words_are_case_insensitive_names_are_not():
    c = parse("  POWER   On   Web-01\tESX-02 ")
    assert c.name == "power on"
    assert c.args == (("vm", "Web-01"), ("host", "ESX-02"))
    assert parse("Host Power OFF esx-01") == Command("host power off", (("host", "esx-01"),))
    assert parse("VM SET db cPu 4") == Command("vm set cpu", (("vm", "db"), ("count", 4)))


@pytest.mark.parametrize(
    ("tok", "gib"),
    [
        ("16", 16.0),
        ("16.5", 16.5),
        ("16G", 16.0),
        ("16GiB", 16.0),
        ("16gib", 16.0),
        ("16GB", 16.0),
        (".5", 0.5),
        ("0.25g", 0.25),
        ("2048", 2048.0),
    ],
)
def test_gib_values(tok, gib):
    c = parse(f"vm set app mem {tok}")
    assert c["gib"] == gib
    assert isinstance(c["gib"], float)


def test_cpu_count_limits():
    assert parse("vm set a cpu 1")["count"] == 1
    assert parse("vm set a cpu 128")["count"] == 128
    assert parse("vm set a cpu 008")["count"] == 8


def test_snapshot_delete_takes_a_name_or_all():
    assert parse("snapshot delete db-01 pre-patch").args == (
        ("vm", "db-01"), ("snap", "pre-patch"), ("all", False))
    c = parse("snapshot delete db-01 --all")
    assert c.args == (("vm", "db-01"), ("snap", None), ("all", True))
    assert format_command(c) == "snapshot delete db-01 --all"
    assert spec_for("snapshot delete").usage == "snapshot delete VM [SNAP] [--all]"


def test_flags_parse_to_bools_in_any_order():
    c = parse("snapshot create db-01 pre-patch --MEMORY", allow_unavailable=True)
    assert c.args == (("vm", "db-01"), ("snap", "pre-patch"), ("memory", True), ("quiesce", False))
    c = parse("snapshot create db-01 --quiesce pre-patch --memory", allow_unavailable=True)
    assert c.args == (("vm", "db-01"), ("snap", "pre-patch"), ("memory", True), ("quiesce", True))
    assert format_command(c) == "snapshot create db-01 pre-patch --memory --quiesce"
    c = parse("maintenance enter esx-03 --evacuate-powered-off", allow_unavailable=True)
    assert c["evacuate_powered_off"] is True
    assert (
        parse("maintenance enter esx-03", allow_unavailable=True)["evacuate_powered_off"] is False
    )


def test_maintenance_takes_the_vsan_data_mode_as_a_flag():
    c = parse("maintenance enter esx-03 --evacuate-powered-off --vsan FULL-EVACUATION")
    assert c.args == (("host", "esx-03"), ("vsan", "full-evacuation"), ("evacuate_powered_off", True))
    assert format_command(c) == "maintenance enter esx-03 --vsan full-evacuation --evacuate-powered-off"
    assert parse("maintenance enter esx-03")["vsan"] is None
    with pytest.raises(CommandSyntaxError, match=r"did you mean '--vsan full-evacuation'\?"):
        parse("maintenance enter esx-03 full-evacuation")  # the mode without its flag
    with pytest.raises(CommandSyntaxError, match="--vsan needs a vSAN data mode"):
        parse("maintenance enter esx-03 --vsan")
    with pytest.raises(CommandSyntaxError, match="vSAN data mode must be one of ensure-accessibility, "
                       "full-evacuation, no-data-migration, got 'full'"):
        parse("maintenance enter esx-03 --vsan full")


def test_many_slots_give_tuples_and_choices_are_lowercased():
    c = parse("drs rule add prod web-apart KEEP-APART web-01 Web-02", allow_unavailable=True)
    assert c.args == (
        ("cluster", "prod"),
        ("rule", "web-apart"),
        ("type", "keep-apart"),
        ("members", ("web-01", "Web-02")),
    )
    c = parse("ha admission prod slots", allow_unavailable=True)
    assert c["values"] is None
    assert parse("ha admission prod percent 25 30", allow_unavailable=True)["values"] == (
        "25",
        "30",
    )


def test_help_accepts_any_words():
    assert parse("help") == Command("help", (("command", None),))
    assert parse("HELP vm set whatever 12 --x") == Command(
        "help", (("command", ("vm", "set", "whatever", "12", "--x")),)
    )
    assert spec_for("help").meta


def test_every_reserved_verb_is_available_now():
    """os, deploy and p2v (issue 16) were the last verbs the grammar reserved; a typo in one is
    still a typo."""
    assert all(s.available for s in COMMANDS)
    with pytest.raises(CommandSyntaxError) as info:
        parse("p2v phys-01")
    assert type(info.value) is CommandSyntaxError
    assert str(info.value).startswith("'p2v' needs a host")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty command"),
        ("   \t ", "empty command"),
        ("vmotoin web-01 esx-02", "unknown command 'vmotoin' (did you mean 'vmotion'?)"),
        ("Pwer on web-01", "unknown command 'Pwer' (did you mean 'power'?)"),
        ("xyzzy", "unknown command 'xyzzy'"),
        ("power on", "'power on' needs a VM: power on VM [HOST]"),
        ("power", "'power' must be followed by on, off or reset"),
        ("power of web-01", "'power' must be followed by on, off or reset, got 'of'"),
        ("host", "'host' must be followed by power or reboot"),
        ("vm set", "'vm set' needs a VM: vm set VM cpu COUNT | vm set VM mem GIB"),
        ("vm set db", "'vm set db' must be followed by cpu or mem"),
        ("vm set db disk 4", "'vm set db' must be followed by cpu or mem, got 'disk'"),
        ("vm set db cpu", "'vm set cpu' needs a count: vm set VM cpu COUNT"),
        ("vm set db cpu two", "'vm set cpu' count must be a whole number, got 'two'"),
        ("vm set db cpu 2.5", "'vm set cpu' count must be a whole number, got '2.5'"),
        ("vm set db cpu 0", "'vm set cpu' count must be between 1 and 128, got 0"),
        ("vm set db cpu 129", "'vm set cpu' count must be between 1 and 128, got 129"),
        ("vm set db mem", "'vm set mem' needs a size: vm set VM mem GIB"),
        ("vm set db mem -3", "'vm set mem' size must be a positive number of GiB, got '-3'"),
        ("vm set db mem 0", "'vm set mem' size must be a positive number of GiB, got '0'"),
        ("vm set db mem 16TB", "'vm set mem' size must be a positive number of GiB, got '16TB'"),
        ("power off web-01 now", "too many words after 'power off web-01': 'now'"),
        ("power on a b c d", "too many words after 'power on a b': 'c d'"),
        ("drs mode prod auto", "'drs mode' mode must be one of manual, partial, full, got 'auto'"),
        ("drs threshold prod 6", "'drs threshold' level must be between 1 and 5, got 6"),
        (
            "net portgroup esx-01 prod",
            "'net portgroup esx-01 prod' must be followed by vlan: "
            "net portgroup HOST PORTGROUP vlan VLAN",
        ),
        (
            "net trunk esx-01 vmnic0 add 4096",
            "'net trunk' VLAN ID must be between 0 and 4095, got 4096",
        ),
        (
            "drs group prod vm web",
            "'drs group' needs at least one member: drs group CLUSTER vm|host GROUP MEMBERS...",
        ),
        (
            "snapshot create db s1 --force",
            "'snapshot create' has no option '--force' (options: --memory, --quiesce)",
        ),
        ("snapshot create db s1 --memory --MEMORY", "'snapshot create' got --memory twice"),
        ("deploy", "'deploy' needs an appliance: deploy APPLIANCE NAME HOST DATASTORE [PORTGROUP]"),
    ],
)
def test_syntax_error_messages(text, message):
    assert _err(text) == message


def test_messages_are_one_line():
    for text in ["", "vmotoin", "power", "vm set", "drs rule add p r keep-apart", "license"]:
        assert "\n" not in _err(text)


# ------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("spec", COMMANDS, ids=SPEC_IDS)
@pytest.mark.parametrize("with_optional", [False, True])
def test_round_trip_every_spec(spec, with_optional):
    text, expected = _sample(spec, with_optional=with_optional)
    cmd = parse(text, allow_unavailable=True)
    assert cmd.name == spec.name
    assert dict(cmd.args) == expected
    assert [k for k, _ in cmd.args] == [s.name for s in spec.args]  # pattern order
    canon = format_command(cmd)
    assert parse(canon, allow_unavailable=True) == cmd
    assert format_command(parse(canon, allow_unavailable=True)) == canon
    assert canon == canon.strip() and "  " not in canon
    if not spec.available:
        with pytest.raises(CommandUnavailable):
            parse(text)


@pytest.mark.parametrize("spec", COMMANDS, ids=SPEC_IDS)
def test_every_example_is_canonical_text_of_its_command(spec):
    cmd = parse(spec.example, allow_unavailable=True)
    assert cmd.name == spec.name
    assert format_command(cmd) == spec.example
    assert spec.help.endswith(".") and "\n" not in spec.help


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("POWER ON Web-01", "power on Web-01"),
        ("vm set a mem 16G", "vm set a mem 16"),
        ("vm set a mem 16.0GiB", "vm set a mem 16"),
        ("vm set a mem 16.50", "vm set a mem 16.5"),
        ("vm set a mem .125", "vm set a mem 0.125"),
        ("vm set a cpu +04", "vm set a cpu 4"),
        ("help  Power   ON", "help Power ON"),
    ],
)
def test_canonical_text(text, canonical):
    assert format_command(parse(text)) == canonical
    assert str(parse(text)) == canonical


def test_format_number_is_minimal_and_never_exponent():
    assert format_number(16.0) == "16"
    assert format_number(16.5) == "16.5"
    assert format_number(1e-7) == "0.0000001"
    assert format_number(1e22) == "10000000000000000000000"
    assert format_number(0.1 + 0.2) == "0.30000000000000004"


def test_format_refuses_a_missing_required_value():
    with pytest.raises(ValueError, match="'power off' is missing its VM"):
        format_command(Command("power off", (("vm", None),)))


_names = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,12}", fullmatch=True)


@st.composite
def _typed_commands(draw):
    """A spec, a text for it with random names, numbers, case and optional parts, and the
    args the text must parse to."""
    spec = draw(st.sampled_from(COMMANDS))
    parts: list[str] = []
    expected: dict[str, object] = {}
    for s in spec.slots:
        if s.kind == "literal":
            parts.append(draw(st.sampled_from([s.text, s.text.upper(), s.text.title()])))
            continue
        if s.kind == "flag" and s.arg is not None:
            expected[s.name] = None
            if draw(st.booleans()):
                a = s.arg
                vals = [draw(st.sampled_from(a.choices)) if a.kind == "choice" else draw(_names)
                        for _ in range(draw(st.integers(1, 3)) if a.many else 1)]
                parts += [s.text, *vals]
                expected[s.name] = tuple(vals) if a.many else vals[0]
            continue
        if s.kind == "flag":
            expected[s.name] = draw(st.booleans())
            if expected[s.name]:
                parts.append(s.text)
            continue
        if s.optional and draw(st.booleans()):
            expected[s.name] = None
            continue
        values = []
        for _ in range(draw(st.integers(1, 3)) if s.many else 1):
            if s.kind == "choice":
                val = draw(st.sampled_from(s.choices))
                tok = draw(st.sampled_from([val, val.upper()]))
            elif s.kind == "int":
                hi = int(s.hi) if s.hi is not None else 10**9
                val = draw(st.integers(int(s.lo or 0), hi))
                tok = str(val)
            elif s.kind in ("gib", "pct"):
                hi = 100.0 if s.kind == "pct" else 1e6
                lo = 0.0 if s.kind == "pct" else 1e-6
                val = draw(st.floats(lo, hi, allow_nan=False, allow_infinity=False))
                tok = format_number(val) + draw(
                    st.sampled_from(["", "G", "GiB"] if s.kind == "gib" else ["", "%"])
                )
            else:
                val = tok = draw(_names)
            values.append(val)
            parts.append(tok)
        expected[s.name] = tuple(values) if s.many else values[0]
    return spec, " ".join(parts), expected


@settings(max_examples=400, deadline=None)
@given(_typed_commands())
def test_round_trip_generated(case):
    spec, text, expected = case
    cmd = parse(text, allow_unavailable=True)
    assert cmd.name == spec.name
    assert dict(cmd.args) == expected
    canon = format_command(cmd)
    assert parse(canon, allow_unavailable=True) == cmd
    assert format_command(parse(canon, allow_unavailable=True)) == canon


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("power onvmsetcpumemhl-0123456789. GgiB--")), max_size=30)
)
def test_any_text_parses_or_gives_one_line_error(text):
    try:
        cmd = parse(text, allow_unavailable=True)
    except CommandSyntaxError as e:
        assert str(e) and "\n" not in str(e)
    else:
        assert parse(format_command(cmd), allow_unavailable=True) == cmd


def test_make_command_matches_typed_text():
    assert make_command("vm set mem", vm="app", gib=16) == parse("vm set app mem 16")
    assert make_command("power on", vm="a") == parse("power on a")
    assert make_command("maintenance enter", host="esx-01", evacuate_powered_off=True) == parse(
        "maintenance enter esx-01 --evacuate-powered-off", allow_unavailable=True
    )
    with pytest.raises(CommandSyntaxError, match="between 1 and 128, got 500"):
        make_command("vm set cpu", vm="a", count=500)
    with pytest.raises(TypeError, match="has no argument 'colour'"):
        make_command("power off", vm="a", colour="red")


# ---------------------------------------------------------------------------------- help


def test_help_without_words_lists_available_commands_and_later_verbs():
    text = help_text(None)
    lines = text.splitlines()
    assert lines[0] == "Commands:"
    width = len("deploy APPLIANCE NAME HOST DATASTORE [PORTGROUP]")  # the longest usage that fits
    assert lines[1] == (
        "  " + "power on VM [HOST]".ljust(width) + "  Power a VM on, on its own host or on a "
        "host you name (it moves there while off)."
    )
    assert len(lines) == 1 + 49 + 3 + 1  # three usages take a line of their own; nothing is reserved
    assert "Coming later" not in text
    assert "vmotion VM HOST" in text and "drs mode CLUSTER" in text
    i = lines.index("  vm create NAME HOST DATASTORE cpu VCPUS mem MEMORY disk DISK [PORTGROUP]")
    assert lines[i + 1] == " " * 6 + ("Create a powered-off VM with one disk and, given a "
                                      "port group, one NIC; it has no guest OS until you "
                                      "install one (os install).")
    # A usage too long for the column has a line of its own, its help below.
    i = lines.index("  net teaming HOST VSWITCH policy POLICY [--active ACTIVE...] [--standby "
                    "STANDBY...] [--detection link|beacon] [--lacp-rate fast|slow]")
    assert lines[i + 1].startswith("      Set how a vSwitch's uplinks share")
    assert "  maintenance enter HOST [--vsan VSAN] [--evacuate-powered-off]" in lines
    assert help_text(()) == text


def test_help_for_named_commands():
    assert help_text(("power", "off")) == (
        "power off VM\n"
        "  Cut a VM's power at once, like pulling the plug.\n"
        "  example: power off web-01"
    )
    assert [ln for ln in help_text(("VM", "set")).splitlines() if not ln.startswith(" ")] == [
        "vm set VM cpu COUNT",
        "vm set VM mem GIB",
    ]
    # Trailing arguments are ignored; a longer name does not match a shorter one.
    assert help_text(("power", "on", "web-01")).splitlines()[0] == "power on VM [HOST]"
    assert help_text(("vmotion",)).splitlines()[0] == "vmotion VM HOST [DATASTORE]"
    assert help_text(("p2v",)).splitlines()[0] == "p2v SERVER HOST DATASTORE"
    assert help_text(("os", "install")).splitlines()[0] == "os install VM [linux|windows]"
    assert (
        help_text(("vmotoin",))
        == "no command 'vmotoin' (did you mean 'vmotion'?); type 'help' for the list"
    )
    assert help_text(("zzz",)) == "no command 'zzz'; type 'help' for the list"


# ---------------------------------------------------------------------------- completion

NAMES = {"vm": ["web-01", "Web-02", "db-01"], "host": ["esx-01", "esx-02"], "cluster": ["prod"]}


def test_complete_command_words():
    assert complete("", NAMES) == [
        "deploy", "drs", "ha", "help", "host", "license", "maintenance", "net", "os", "p2v", "power",
        "snapshot", "svmotion", "task", "tools", "vm", "vmotion"]
    assert complete("p", NAMES) == ["p2v", "power"]
    assert complete("PO", NAMES) == ["power"]
    assert complete("v", NAMES) == ["vm", "vmotion"]
    assert complete("x", NAMES) == []
    assert complete("o", NAMES) == ["os"]
    assert complete("dr", NAMES, available_only=False) == ["drs"]


def test_complete_second_word():
    assert complete("power ", NAMES) == ["off", "on", "reset"]
    assert complete("power o", NAMES) == ["off", "on"]
    assert complete("host ", NAMES) == ["power", "reboot"]
    assert complete("host power ", NAMES) == ["off", "on"]
    assert complete("vm ", NAMES) == ["adapter", "create", "delete", "nic", "policy", "reserve", "service", "set"]
    assert complete("net ", NAMES) == ["portgroup", "teaming", "trunk", "uplink"]
    assert complete("vm set web-01 ", NAMES) == ["cpu", "mem"]


def test_complete_inventory_names_at_slots():
    assert complete("power on ", NAMES) == ["db-01", "web-01", "Web-02"]
    assert complete("power on w", NAMES) == ["web-01", "Web-02"]
    assert complete("power on W", NAMES) == ["web-01", "Web-02"]
    assert complete("power on web-01 ", NAMES) == ["esx-01", "esx-02"]
    assert complete("power on web-01 esx-01 ", NAMES) == []
    assert complete("host power on e", NAMES) == ["esx-01", "esx-02"]
    assert complete("vm set web-01 cpu ", NAMES) == []  # numbers: nothing to offer
    assert complete("power on ", {}) == []


def test_complete_choices_flags_and_help():
    assert complete("drs mode prod ", NAMES, available_only=False) == ["full", "manual", "partial"]
    assert complete("drs mode prod P", NAMES, available_only=False) == ["partial"]
    assert complete("drs mode p", NAMES, available_only=False) == ["prod"]
    assert complete("os install ", NAMES) == ["db-01", "web-01", "Web-02"]
    # A flag's value: its choices, then (a `...` value) more values or the other flags.
    team = "net teaming esx-01 vSwitch0 policy port-id "
    assert complete(team + "--detection ", NAMES) == ["beacon", "link"]
    assert complete(team + "--active ", {"active": ["vmnic0"]}) == ["vmnic0"]
    assert complete(team + "--active vmnic0 --", NAMES) == ["--detection", "--lacp-rate", "--standby"]
    assert complete("snapshot create db-01 s1 ", NAMES, available_only=False) == [
        "--memory",
        "--quiesce",
    ]
    assert complete("snapshot create db-01 s1 --quiesce --", NAMES, available_only=False) == [
        "--memory"
    ]
    assert complete("snapshot revert db-01 ", {"snap": ["pre-patch"]}, available_only=False) == [
        "pre-patch"
    ]
    assert complete("help ", NAMES) == [
        "deploy", "drs", "ha", "help", "host", "license", "maintenance", "net", "os", "p2v", "power",
        "snapshot", "svmotion", "task", "tools", "vm", "vmotion"]
    assert complete("snapshot delete db-01 ", {"snap": ["pre-patch"]}) == ["--all", "pre-patch"]
    assert complete("help power o", NAMES) == ["off", "on"]
