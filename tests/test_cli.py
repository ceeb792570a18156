"""The `vdc` command end to end, in subprocesses: JSON fields, exit codes, import hygiene,
determinism under different PYTHONHASHSEEDs, and levels found by a non-editable install."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOLUTION = ROOT / "levels" / "solutions" / "01-first-light.txt"


def vdc(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None):
    e = dict(os.environ)
    e["PYTHONPATH"] = str(ROOT) + os.pathsep + e.get("PYTHONPATH", "")
    e.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "vdc", *args], capture_output=True, text=True, env=e, cwd=cwd or ROOT
    )


def test_run_json_has_every_field():
    r = vdc("run", "01", "--actions", str(SOLUTION), "--json", "--events")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    for key in ("level", "seed", "sim_time", "outcome", "score", "stars", "objectives", "digest",
                "commands", "metrics", "events", "level_hash"):
        assert key in out
    assert out["level"] == "01-first-light" and out["seed"] == 1
    assert out["sim_time"] == 1800 and out["outcome"] == "won" and out["stars"] == 3
    assert len(out["digest"]) == 64
    for o in out["objectives"]:
        assert {"id", "description", "met", "value"} <= set(o)
    assert out["commands"] == {"accepted": 3, "rejected": []}
    m = out["metrics"]
    assert set(m["vm_downtime_s"]) == {"mail-01", "files-01", "intranet-web-01", "intranet-db-01"}
    # The database powers on at 61 s and boots in 30 s: down until the sample at 95 s.
    assert m["vm_downtime_s"]["intranet-db-01"] == 95.0
    assert m["service_uptime"]["intranet"] == pytest.approx(1 - 95 / 1800, abs=1e-6)
    assert m["max_cpu_ready_pct"] == 0.0 and m["power_kw"] > 0
    kinds = [e["kind"] for e in out["events"]]
    assert "service_up" in kinds and kinds[-1] == "level_end"
    assert all(set(e) == {"t", "kind", "subject", "detail"} for e in out["events"])


def test_the_first_line_of_a_run_says_how_it_went():
    lost = vdc("run", "01")
    assert lost.returncode == 0, lost.stderr  # the command did its job; the run was lost
    first = lost.stdout.splitlines()[0]
    assert first.startswith("✘ lost  01-first-light  score ") and "☆☆☆" in first, first
    won = vdc("run", "01", "--actions", str(SOLUTION))
    assert won.stdout.splitlines()[0].startswith("✔ won  01-first-light  score "), won.stdout


def test_rejected_commands_are_listed_and_the_run_goes_on(tmp_path: Path):
    actions = tmp_path / "a.txt"
    actions.write_text("10 power on intranet-db-01\n20 power on intranet-web-01\n", encoding="utf-8")
    r = vdc("run", "01-first-light", "--actions", str(actions), "--json")
    assert r.returncode == 0
    out = json.loads(r.stdout)
    assert out["commands"]["accepted"] == 1
    assert out["commands"]["rejected"] == [
        {"t": 10.0, "text": "power on intranet-db-01",
         "reason": "esx-01 has 24 GiB unreserved memory, intranet-db-01 reserves 32 GiB"}
    ]


def test_until_gives_incomplete():
    out = json.loads(vdc("run", "00", "--until", "600", "--json").stdout)
    assert out["outcome"] == "incomplete" and out["sim_time"] == 600


@pytest.mark.parametrize(
    ("args", "content", "message"),
    [
        (("run", "nope"), None, "vdc: error: no level matches 'nope'"),
        (("run", "01", "--actions", "{f}"), "10 power on\n", "a.txt:1: 'power on' needs a VM"),
        (("run", "01", "--actions", "{f}"), "abc power off x\n", "a.txt:1: expected a time"),
        (("run", "01", "--actions", "{f}"), "20 power off a\n10 power off b\n", "a.txt:2: time 10"),
        (("run", "01", "--actions", "missing.txt"), None, "missing.txt: no such file"),
        (("run", "01", "--until", "-5"), None, "vdc: error: --until must be a time"),
        (("check", "tests/data/levels/unknown-host.toml"), None, "unknown-host.toml"),
        (("play", "nope"), None, "vdc: error: no level matches 'nope'"),
        ((), None, "vdc: error: the game needs a terminal"),
        (("continue",), None, "vdc: error: no saved game in"),
        (("continue", "{f}"), "garbage", "a.txt: not a vdc save"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path: Path, args, content, message):
    f = tmp_path / "a.txt"
    if content is not None:
        f.write_text(content, encoding="utf-8")
    r = vdc(*[a.replace("{f}", str(f)) for a in args])
    assert r.returncode == 2
    assert message in r.stderr
    assert "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_same_digest_under_different_hash_seeds(tmp_path: Path):
    digests = set()
    for seed in ("0", "1", "12345"):
        r = vdc("run", "sandbox", "--seed", "4", "--until", "3600", "--json",
                env={"PYTHONHASHSEED": seed})
        assert r.returncode == 0, r.stderr
        digests.add(json.loads(r.stdout)["digest"])
    assert len(digests) == 1


def test_headless_commands_never_import_textual():
    code = (
        "import sys, runpy\n"
        "sys.argv = ['vdc'] + sys.argv[1:]\n"
        "try:\n"
        "    runpy.run_module('vdc', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "bad = [m for m in ('textual', 'rich') if m in sys.modules]\n"
        "sys.stderr.write('LOADED:' + ','.join(bad))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for args in (
        ["--help"], ["check", "levels/00-sandbox.toml"], ["run", "01", "--json", "--until", "60"],
        ["play", "--help"],
    ):
        r = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                           env=env, cwd=ROOT)
        loaded = r.stderr.rsplit("LOADED:", 1)[1].split(",")
        assert "textual" not in loaded, args
    # The simulation itself imports neither textual nor rich.
    r = subprocess.run(
        [sys.executable, "-c",
         "import sys; import vdc.sim.engine, vdc.session.runner, vdc.scenario.loader; "
         "print([m for m in ('textual', 'rich') if m in sys.modules])"],
        capture_output=True, text=True, env=env, cwd=ROOT,
    )
    assert r.stdout.strip() == "[]"


def test_levels_and_schema_and_check():
    r = vdc("levels")
    assert r.returncode == 0 and "01-first-light" in r.stdout and "First light" in r.stdout
    schema = json.loads(vdc("schema").stdout)
    assert "level" in schema["properties"] and "vms" in schema["properties"]
    r = vdc("check", "00", "01")
    assert r.returncode == 0 and r.stdout.count("ok ") == 2


def test_non_editable_install_finds_shipped_levels(tmp_path: Path):
    """Build the wheel and install it without dependencies into a target dir: the levels
    travel inside the package (hatch force-include), so `vdc levels` works from anywhere."""
    target = tmp_path / "site"
    r = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(target), str(ROOT)],
        capture_output=True, text=True,
    )
    assert r.returncode == 0, r.stderr
    assert (target / "vdc" / "_levels" / "01-first-light.toml").is_file()
    env = dict(os.environ, PYTHONPATH=str(target))
    r = subprocess.run(
        [sys.executable, "-c",
         "from vdc.scenario.paths import levels_dir, find_level; import vdc; "
         "print(levels_dir()); print(find_level('01'))"],
        capture_output=True, text=True, env=env, cwd=tmp_path,
    )
    assert r.returncode == 0, r.stderr
    assert str(target / "vdc" / "_levels") in r.stdout
    assert r.stdout.strip().endswith("01-first-light.toml")


# ------------------------------------------------------------------ one-line usage errors (issue 19)
@pytest.mark.parametrize("args, says", [
    (["run", "01", "--seed", "1e3"], "vdc: error: invalid value for '--seed': '1e3' is not a valid seed (see: vdc run --help)"),
    (["--bogus"], "vdc: error: no such option '--bogus' (see: vdc --help)"),
    (["run"], "vdc: error: missing argument 'LEVEL' (see: vdc run --help)"),
    (["progress", "reset", "--nope"], "vdc: error: no such option '--nope' (see: vdc progress reset --help)"),
    (["nosuch"], "vdc: error: no such command 'nosuch' (see: vdc --help)"),
])
def test_a_malformed_option_is_one_line_and_exit_2(args, says):
    from click.testing import CliRunner

    from vdc.cli import main

    r = CliRunner().invoke(main, args)
    assert r.exit_code == 2
    assert r.stderr == says + "\n"
