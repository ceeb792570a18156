"""vdc report: the mistakes its rules find, downtime, the reference comparison, and the formats."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import add_vm, base_level, build

from vdc.session import report as rep
from vdc.session.actions import parse_actions
from vdc.session.runner import result, run_level
from vdc.session.save import load, save

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "saves" / "reference" / "01-first-light.vdcsave"
NAIVE = ROOT / "saves" / "examples" / "01-naive.vdcsave"
GAVE_UP = ROOT / "saves" / "examples" / "01-gave-up.vdcsave"


def vdc(*args: str):
    return subprocess.run([sys.executable, "-m", "vdc", *args], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)), cwd=ROOT)


def _save(lv: dict, script: str, path: Path) -> Path:
    session = run_level(build(lv), actions=parse_actions(script))
    save(session, path, result=result(session))
    return path


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory) -> Path:
    """A deliberately bad run: esx-01 is at 100 % CPU demand (two 8,000 MHz VMs on 16,000 MHz)
    and gets a third VM anyway; the only web server is powered off for good at 2 min; another
    tenant fills the datastore at 200 s. A placement on the half-busy esx-02 is no mistake."""
    lv = base_level(duration=900, end_on_fail=False)
    lv["hosts"].append(dict(lv["hosts"][0], name="esx-02"))
    add_vm(lv, "busy-1")
    add_vm(lv, "busy-2")
    add_vm(lv, "web-01", host="esx-02")
    add_vm(lv, "extra", power="off", vcpu=2, memory=4)
    add_vm(lv, "spare", power="off", vcpu=2, memory=4)
    lv["services"] = [{"name": "shop", "tiers": [{"name": "web", "vms": ["web-01"]}]}]
    lv["events"] = [{"at": 200, "kind": "datastore_fill", "datastore": "ds-1", "gib": 3000}]
    lv["objectives"] = [{"id": "shop-up", "kind": "service_uptime", "service": "shop", "target": 0.9,
                         "required": True}]
    script = "60 power on extra esx-01\n90 power on spare esx-02\n120 power off web-01\n"
    return _save(lv, script, tmp_path_factory.mktemp("bad") / "bad.vdcsave")


def test_rules_find_the_mistakes_of_a_bad_run(bad_run: Path):
    r = rep.build(load(bad_run), str(bad_run))
    assert r["verified"] is True and r["reference"] is None
    assert [(m["kind"], m["t"], m["subject"], m["duration_s"]) for m in r["mistakes"]] == [
        ("service_outage", 120.0, "shop", 780.0),
        ("vm_downtime", 0.0, "web-01", 780.0),
        ("datastore_full", 200.0, "ds-1", 700.0),
        ("busy_host", 60.0, "esx-01", 0.0),
    ]
    assert r["mistakes"][3]["text"] == (
        "`power on extra esx-01` at 0:01:00 put load on esx-01 while it was at 100 % CPU demand "
        "and 6.2 % memory"
    )
    placements = rep.busy_placements(load(bad_run))
    assert [(p["text"], p["host"], p["cpu_pct"]) for p in placements] == [
        ("power on extra esx-01", "esx-01", 100.0), ("power on spare esx-02", "esx-02", 50.0),
    ]
    [shop] = r["downtime"]["services"]
    assert shop["down_s"] == 780.0 and shop["outages"] == [{"start": 120.0, "end": 900.0, "duration_s": 780.0}]


def test_placement_onto_a_host_short_of_memory(tmp_path: Path):
    lv = base_level(duration=300)
    lv["hosts"].append(dict(lv["hosts"][0], name="esx-02"))
    lv["profiles"].append({"name": "hog", "cpu": 100, "mem_active": 1.0, "iops": 10, "write_mbps": 0,
                           "net": 1, "shape": "flat", "peak": 0, "noise": 0})
    add_vm(lv, "cache", vcpu=1, memory=60, profile="hog")
    add_vm(lv, "late", power="off", vcpu=1, memory=2)
    r = rep.build(load(_save(lv, "30 power on late\n", tmp_path / "m.vdcsave")), "m")
    [m] = [m for m in r["mistakes"] if m["kind"] == "busy_host"]
    assert m["subject"] == "esx-01" and "93.8 % memory" in m["text"]


def test_markdown_lists_the_mistakes(bad_run: Path):
    r = vdc("report", str(bad_run))
    assert r.returncode == 0, r.stderr
    md = r.stdout
    assert md.startswith("# Report: t-level — Test\n")
    assert "**✔ verified**" in md and "**✘ lost**" in md
    section = md.split("## Biggest mistakes")[1].split("## Downtime")[0]
    assert section.strip().splitlines() == [
        "1. **service outage** — service shop was down for 13m00s (0:02:00 – 0:15:00)",
        "2. **vm downtime** — VM web-01 (in service) was not healthy for 13m00s in total",
        "3. **datastore full** — datastore ds-1 was full at 0:03:20 for 11m40s",
        "4. **busy host** — `power on extra esx-01` at 0:01:00 put load on esx-01 while it was at "
        "100 % CPU demand and 6.2 % memory",
    ]
    assert "| 0:02:00 | ▶ you | `power off web-01` |" in md
    assert "| 0:03:20 | ‼ datastore full | ds-1 is 161.2 % full |" in md
    assert "| shop | 13m00s | 13.33 % | 0:02:00–0:15:00 |" in md


def test_reference_run_has_no_mistakes_and_compares_with_itself_by_note():
    r = rep.build(load(REFERENCE), str(REFERENCE))
    assert r["mistakes"] == [] and r["outcome"] == "won" and r["score"] == 100.0
    assert r["reference"]["note"] == "this save is the reference solution"
    intranet, mail, files = r["downtime"]["services"]
    assert intranet["outages"] == [{"start": 0.0, "end": 95.0, "duration_s": 95.0}]  # down from the start
    assert mail["outages"] == files["outages"] == []


def test_naive_example_compared_side_by_side_with_the_reference():
    r = vdc("report", str(NAIVE), "--format", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    # The intranet's 2m30s outage is a mistake in this 30-minute level (threshold 150 s).
    assert [m["subject"] for m in data["mistakes"]] == ["mail", "intranet", "mail-01", "intranet-db-01"]
    assert data["mistake_threshold_s"] == 150.0
    ref = data["reference"]
    assert ref["comparable"] is True and ref["file"].endswith("saves/reference/01-first-light.vdcsave")
    you, best = ref["player"], ref["reference"]
    assert (you["score"], best["score"]) == (76.92, 100.0)
    assert (you["vm_down_s"], best["vm_down_s"]) == (1710.0 + 30.0 + 150.0, 30.0 + 95.0)
    assert (you["service_down_s"], best["service_down_s"]) == (
        {"intranet": 150.0, "mail": 1710.0, "files": 0.0}, {"intranet": 95.0, "mail": 0.0, "files": 0.0})
    assert (you["commands_rejected"], you["mistakes"], best["mistakes"]) == (1, 4, 0)
    assert best["commands"] == ["0 host power on esx-02", "0 power on intranet-web-01",
                                "61 power on intranet-db-01 esx-02"]
    md = vdc("report", str(NAIVE)).stdout
    assert "| objective intranet-up | ✔ 91.67 % | ✔ 94.72 % |" in md
    assert "| objective mail-up | ✘ 5.00 % | ✔ 100.00 % |" in md
    assert "| 3 | `90 power off mail-01` | `61 power on intranet-db-01 esx-02` |" in md
    assert "| 4 | `120 power on intranet-db-01` |  |" in md
    assert "Compared with the reference" not in vdc("report", str(NAIVE), "--no-reference").stdout


def test_outages_from_transitions():
    ev = [{"t": 30.0, "kind": "service_up", "subject": "s"}, {"t": 60.0, "kind": "service_down", "subject": "s"},
          {"t": 90.0, "kind": "service_up", "subject": "s"}, {"t": 95.0, "kind": "service_down", "subject": "s"},
          {"t": 99.0, "kind": "service_up", "subject": "other"}]
    assert [(o["start"], o["end"]) for o in rep.outages(ev, "s", 65.0, 100.0)] == [(0, 30), (60, 90), (95, 100)]
    assert rep.outages([], "s", 100.0, 100.0) == [{"start": 0.0, "end": 100.0, "duration_s": 100.0}]
    assert rep.outages([], "s", 0.0, 100.0) == []


def test_html_is_one_self_contained_file_with_svg_charts(tmp_path: Path):
    out = tmp_path / "report.html"
    r = vdc("report", str(GAVE_UP), "--format", "html", "--output", str(out))
    assert r.returncode == 0 and r.stdout == "" and r.stderr == ""
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert html.count("<svg") == 5 and html.count("</svg>") == 5
    assert "<style>" in html
    assert not re.search(r"https?://|<script|<link|<img|src=|@import|url\((?!#)", html)
    assert "service intranet was down for 30m00s" in html and "✘ lost" in html
    assert "intranet down 0:00:00–0:30:00 (30m00s)" in html  # the hatched outage's tooltip
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temp file left behind


def test_tampered_save_is_reported_not_verified_and_exits_3(tmp_path: Path):
    data = json.loads(NAIVE.read_text(encoding="utf-8"))
    data["commands"][2]["t"] = 100.0  # power off mail-01 at 100 s instead of 90 s
    f = tmp_path / "t.vdcsave"
    f.write_text(json.dumps(data), encoding="utf-8")
    r = vdc("report", str(f))
    assert r.returncode == 3
    assert "**✘ NOT VERIFIED** — diverged at t=120s" in r.stdout
    assert r.stderr.strip().startswith(f"vdc: {f}: diverged at t=120s")


def test_bad_save_exits_2_with_one_line(tmp_path: Path):
    f = tmp_path / "bad.vdcsave"
    f.write_bytes(b"\xff\xfe")
    r = vdc("report", str(f))
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.strip() == f"vdc: error: {f}: not a vdc save (not UTF-8 text)"
    r = vdc("report", str(REFERENCE), "--output", str(tmp_path / "missing-dir" / "r.md"))
    assert r.returncode == 2 and "cannot write the report" in r.stderr and "Traceback" not in r.stderr


def test_chart_axes_use_round_numbers():
    from vdc.session.report_html import nice_top, tick_step

    assert [nice_top(x) for x in (0.0, 0.207, 0.401, 1.0, 3.2, 41.7, 120.0)] == [1.0, 0.25, 0.5, 1.0, 5.0, 50.0, 200.0]
    assert [tick_step(n) for n in (5, 30, 59, 60, 480)] == [1, 5, 10, 10, 120]


def test_vm_table_lists_only_vms_that_were_down():
    md = rep.markdown(rep.build(load(NAIVE), str(NAIVE), reference=False))
    vms = md.split("| VM | not healthy |")[1].split("## Timeline")[0]
    assert vms.strip().splitlines() == [
        "|---|---|", "| mail-01 | 28m30s |", "| intranet-db-01 | 2m30s |", "| intranet-web-01 | 30s |",
        "", "1 other VM stayed healthy throughout.",
    ]


def test_reference_of_another_version_of_the_level_is_named_not_compared(tmp_path: Path):
    from vdc.scenario.loader import content_hash, load_level
    from vdc.scenario.schema import Level

    data = load_level(ROOT / "levels" / "01-first-light.toml").level.model_dump(mode="json")
    data["hosts"][0]["memory"] = 128  # an edited copy: room for the database on esx-01
    level = Level.model_validate(data)
    session = run_level(level, actions=parse_actions("0 power on intranet-web-01\n0 power on intranet-db-01\n"))
    save(session, tmp_path / "edited.vdcsave", result=result(session, content_hash=content_hash(level)))
    r = rep.build(load(tmp_path / "edited.vdcsave"), str(tmp_path / "edited.vdcsave"))
    assert r["verified"] and r["outcome"] == "won"
    assert r["reference"]["comparable"] is False and "player" not in r["reference"]
    assert r["reference"]["note"] == "the reference solution is for another version of this level; numbers differ in kind"


def test_a_stale_reference_is_still_compared_with_a_note(tmp_path: Path):
    data = json.loads(REFERENCE.read_text(encoding="utf-8"))
    data["digests"][3][1] = "0" * 64
    (tmp_path / "reference").mkdir()
    (tmp_path / "reference" / REFERENCE.name).write_text(json.dumps(data), encoding="utf-8")
    r = rep.build(load(GAVE_UP), str(GAVE_UP), reference_root=tmp_path)
    ref = r["reference"]
    assert ref["comparable"] and ref["note"].startswith("the reference solution no longer replays exactly")
    assert (ref["player"]["score"], ref["reference"]["score"]) == (61.54, 100.0)


def test_report_says_why_first_and_the_concepts_to_reread():
    r = rep.build(load(ROOT / "saves/examples/01-gave-up.vdcsave"), "01-gave-up.vdcsave")
    assert r["verdict"].startswith("Lost: the intranet service was down 30 min of the 3 min allowed")
    md = rep.markdown(r)
    outcome = md.split("## Outcome", 1)[1].split("##", 1)[0]
    assert outcome.strip().splitlines()[0].startswith("**Lost: the intranet service was down 30 min")
    assert "## Concepts to reread\n\nHypervisor · Consolidation · Reservations" in md
    from vdc.session.report_html import render

    html = render(r)
    assert "<h2>Outcome</h2><p><strong>Lost: the intranet service was down 30 min" in html
    assert "Concepts to reread" in html


def test_report_timeline_folds_each_migration_into_one_line_with_its_duration():
    r = rep.build(load(ROOT / "saves/reference/05-let-drs-drive.vdcsave"), "x", reference=False)
    kinds = {x.get("kind") for x in r["timeline"]}
    assert not kinds & {"vmotion_queued", "vmotion_started", "vmotion_completed", "drs_pass"}
    first = next(x for x in r["timeline"] if x.get("kind") == "move")
    assert (first["t"], first["label"], first["text"]) == (
        60.0, "vMotion", "DRS: app-02 esx-03 → esx-01 in 31 s")
    md = rep.markdown(r)
    assert "| 0:01:00 | · vMotion | DRS: app-02 esx-03 → esx-01 in 31 s |" in md
    assert "vmotion queued" not in md and "drs pass" not in md


@pytest.mark.parametrize(("duration_s", "threshold"), [
    (240, 30.0), (600, 50.0), (1800, 150.0), (3600, 300.0), (5400, 450.0), (18000, 900.0),
])
def test_the_outage_threshold_is_a_twelfth_of_the_level(duration_s: int, threshold: float):
    assert rep.outage_threshold(duration_s) == threshold


@pytest.mark.parametrize(("duration_s", "is_mistake"), [(1200, True), (3600, False)])
def test_the_same_outage_is_a_mistake_in_a_short_level_only(tmp_path: Path, duration_s: int,
                                                            is_mistake: bool):
    """web-01 off from 60 s to 260 s (200 s): over a 20-minute level's 100 s
    threshold, under an hour-long level's 300 s."""
    lv = base_level(duration=duration_s)
    add_vm(lv, "web-01")
    lv["services"] = [{"name": "shop", "tiers": [{"name": "web", "vms": ["web-01"]}]}]
    r = rep.build(load(_save(lv, "60 power off web-01\n260 power on web-01\n",
                             tmp_path / "o.vdcsave")), "o", reference=False)
    [shop] = r["downtime"]["services"]
    [spell] = shop["outages"]
    assert 200.0 <= spell["duration_s"] < 300.0
    assert r["mistake_threshold_s"] == (100.0 if is_mistake else 300.0)
    assert [m["kind"] for m in r["mistakes"]] == (["service_outage", "vm_downtime"] if is_mistake else [])
    assert ("None found (no outage or VM downtime of 5m00s or more in this 1h00m00s level"
            in rep.markdown(r)) is not is_mistake
