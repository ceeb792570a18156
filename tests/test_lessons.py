"""Level lessons (`[[lessons]]`): what a better operator would have done, shown by the debrief
and `vdc report` when a run meets a lesson's conditions — and validated like every key."""

from __future__ import annotations

import pytest
from conftest import add_vm, base_level, build

from vdc.scenario import schema
from vdc.scenario.loader import LevelError, load_level_text
from vdc.session.actions import parse_actions
from vdc.session.lessons import applies
from vdc.session.runner import result, run_level

LESSONS = [
    {"objective": "web-up", "text": "Start the web server early: `power on web-01`."},
    {"event": "command_rejected", "subject": "power on", "text": "A refused power-on: read why."},
    {"command": "power off db-*", "text": "The database serves the shop: keep it running."},
    {"without": "power on web-01*", "text": "You never started web-01."},
    {"event": "service_down", "subject": "shop", "command": "power off *",
     "text": "Your power-off took the shop down."},
]


def _level() -> dict:
    lv = base_level(duration=600)
    add_vm(lv, "web-01", power="off")
    add_vm(lv, "db-01")
    lv["services"] = [{"name": "shop", "tiers": [{"name": "web", "vms": ["web-01"]},
                                                 {"name": "db", "vms": ["db-01"]}]}]
    lv["objectives"] = [{"id": "web-up", "kind": "service_uptime", "service": "shop", "target": 0.9}]
    lv["lessons"] = LESSONS
    return lv


def _run(script: str) -> dict:
    session = run_level(build(_level()), actions=parse_actions(script, "<t>"))
    return result(session)


def test_a_run_gets_the_lessons_whose_conditions_it_meets_in_the_levels_order():
    idle = _run("")
    assert idle["lessons"] == [LESSONS[0]["text"], LESSONS[3]["text"]]
    bad = _run("5 power on nosuch\n10 power on web-01\n100 power off db-01\n")
    assert bad["lessons"] == [x["text"] for x in (LESSONS[0], LESSONS[1], LESSONS[2], LESSONS[4])]
    good = _run("0 power on web-01\n")
    assert "lessons" not in good  # none apply: the result has no lessons key at all


def test_a_level_without_lessons_keeps_its_result_as_before():
    lv = _level()
    del lv["lessons"]
    out = result(run_level(build(lv)))
    assert "lessons" not in out


def test_conditions_combine_and_globs_match_canonical_command_text():
    lesson = schema.Lesson(text="t", event="service_down", subject="sh*", command="power off *")
    events = [("service_down", "shop")]
    assert applies(lesson, {}, events, ["power off db-01"])
    assert not applies(lesson, {}, events, ["power on db-01"])
    assert not applies(lesson, {}, [("service_down", "mail")], ["power off db-01"])
    missed = schema.Lesson(text="t", objective="o")
    assert applies(missed, {"o": False}, [], []) and not applies(missed, {"o": True}, [], [])


def test_a_refused_command_is_recognised_by_its_text():
    lesson = schema.Lesson(text="t", refused="power on web-01*")
    assert applies(lesson, {}, [], [], ["power on web-01 esx-09"])
    assert not applies(lesson, {}, [], ["power on web-01"], [])  # accepted is not refused
    assert not applies(lesson, {}, [], [], ["power on db-01"])
    lv = _level()
    lv["lessons"] = [{"refused": "power on nosuch*", "text": "No such VM."}]
    run = result(run_level(build(lv), actions=parse_actions("5 power on nosuch\n", "<t>")))
    assert run["lessons"] == ["No such VM."]
    assert "lessons" not in result(run_level(build(lv)))


TOML = """\
[level]
id = "t-lessons"
title = "Test"
duration = 600

[[hosts]]
name = "esx-01"
cores = 8
memory = 64

[[vms]]
name = "web-01"
host = "esx-01"
vcpu = 1
memory = 4

[[services]]
name = "shop"
tiers = [{ name = "web", vms = ["web-01"] }]

[[objectives]]
id = "web-up"
kind = "service_uptime"
service = "shop"
target = 0.9

[[lessons]]
"""


@pytest.mark.parametrize(("lines", "where", "says"), [
    ('text = "x"', "t.toml:27: lessons[0]", "a lesson needs a condition"),
    ('text = "x"\nobjective = "nope"', "lessons[0].objective", "no objective named 'nope'"),
    ('text = "x"\nevent = "host_fialed"', "lessons[0].event", "unknown event kind 'host_fialed'"),
    ('text = "x"\nevent = "service_down"\nsubject = "nothing-*"', "lessons[0].subject", "nothing-*"),
    ('text = "x"\ncommand = "power *"\nsubject = "shop"', "lessons[0]", "`subject` goes with `event`"),
    ('text = ""\nobjective = "web-up"', "lessons[0].text", ""),
    ('text = "x"\nrefused = " "', "lessons[0].refused", "a command glob"),
])
def test_a_bad_lesson_is_refused_with_where_and_why(lines: str, where: str, says: str):
    with pytest.raises(LevelError) as info:
        load_level_text(TOML + lines + "\n", "t.toml")
    text = str(info.value)
    assert where in text and says in text and "\n" not in text, text
    load_level_text(TOML + 'text = "x"\nobjective = "web-up"\n', "t.toml")  # the good one loads


def test_report_and_html_say_what_a_better_operator_would_have_done(tmp_path):
    from vdc.session import report as rep
    from vdc.session.report_html import render
    from vdc.session.save import load, save

    script = "0 power on web-01\n100 power off db-01\n"
    lv = _level()
    # A save's level is cross-checked like a level file, which refuses a lesson subject that
    # names no object of the level ("power on", kept in the other tests that build in code).
    lv["lessons"] = [x for x in LESSONS if x.get("subject") != "power on"]
    session = run_level(build(lv), actions=parse_actions(script, "<t>"))
    path = tmp_path / "bad.vdcsave"
    save(session, path, result=result(session))
    r = rep.build(load(path), "bad.vdcsave", reference=False)
    assert r["lessons"] == [LESSONS[0]["text"], LESSONS[2]["text"], LESSONS[4]["text"]]
    md = rep.markdown(r)
    assert "## What a better operator would have done" in md
    assert "- The database serves the shop: keep it running." in md
    assert "<h2>What a better operator would have done</h2>" in render(r)


async def test_the_debrief_shows_the_lessons_under_the_objectives():
    from textual.app import App
    from textual.widgets import Static

    from vdc.tui.screens.debrief import DebriefScreen

    out = _run("0 power on web-01\n100 power off db-01\n")
    out["events"] = []

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(DebriefScreen(out, {}))

    async with Host().run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        box = pilot.app.screen.query_one("#debrief-lessons", Static)
        assert box.border_title == "What a better operator did"
        text = str(box.render())
        assert "▸ The database serves the shop: keep it running." in text
        assert text.count("▸") == 3
