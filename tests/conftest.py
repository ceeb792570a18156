"""Shared fixtures: small levels built in code, so each test states exactly what it needs."""

from __future__ import annotations

import copy
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from vdc.scenario.schema import Level


def base_level(**level_overrides: Any) -> dict[str, Any]:
    """A one-host level as a plain dict: esx-01 (8 cores × 2,000 MHz, 64 GiB), one datastore,
    one vSwitch with VLAN 100 trunked, no VMs. Tests add what they need and validate it."""
    lv: dict[str, Any] = {
        "level": {"id": "t-level", "title": "Test", "duration": 600, "seed": 7} | level_overrides,
        "hosts": [
            {
                "name": "esx-01",
                "cores": 8,
                "mhz": 2000,
                "memory": 64,
                "nics": [{"name": "vmnic0", "speed": 10000}, {"name": "vmnic1", "speed": 10000}],
            }
        ],
        "datastores": [{"name": "ds-1", "capacity": 2000, "iops": 20000, "mbps": 1000}],
        "networks": [
            {
                "name": "vSwitch0",
                "uplinks": ["vmnic0", "vmnic1"],
                "portgroups": [{"name": "prod", "vlan": 100}],
            }
        ],
        "profiles": [
            # Demands exactly its baseline: no daily shape, no noise.
            {"name": "steady", "cpu": 8000, "mem_active": 0.25, "iops": 100, "write_mbps": 0,
             "net": 10, "shape": "flat", "peak": 0, "noise": 0},
        ],
        "vms": [],
        "services": [],
    }
    return lv


def add_vm(lv: dict[str, Any], name: str, **kw: Any) -> dict[str, Any]:
    vm = {
        "name": name,
        "host": "esx-01",
        "vcpu": 4,
        "memory": 8,
        "profile": "steady",
        "boot_s": 0,
        "nics": [{"portgroup": "prod"}],
        "disks": [{"datastore": "ds-1", "size": 40, "thin": False}],
    } | kw
    lv["vms"].append(vm)
    return vm


def build(lv: dict[str, Any]) -> Level:
    return Level.model_validate(copy.deepcopy(lv))


def run_ok(sim: Any, text: str) -> str:
    """Give one command to `sim`; its message, or `Rejected` with the refusal's words."""
    from vdc.sim import dispatch
    from vdc.sim.checks import Rejected
    from vdc.sim.commands import parse

    v = dispatch.execute(sim, parse(text))
    if not v.accepted:
        raise Rejected(v.message)
    return v.message


def vm_row(sim: Any, vm: str) -> int:
    """The sampler's row of `vm`."""
    return int(sim.sampler.vm_index[vm])


def lost_early_level() -> Level:
    """One VM serving a shop that must stay up 90 %: powering web-01 off at 10 s fails the
    required objective for good at 105 s, and the level ends there (end_on_fail)."""
    lv = base_level(duration=900)
    add_vm(lv, "web-01")
    lv["services"] = [{"name": "shop", "tiers": [{"name": "web", "vms": ["web-01"]}]}]
    lv["objectives"] = [{"id": "up", "kind": "service_uptime", "service": "shop", "target": 0.9,
                         "required": True}]
    return build(lv)


def campaign_dir(tmp: Path) -> Path:
    """A campaign of four levels in `tmp/levels`: the sandbox and three copies of level 01
    (01-first-light, 02-second-wind, 03-third-rail), for tests of unlocking in order."""
    root = Path(__file__).resolve().parent.parent
    d = tmp / "levels"
    d.mkdir()
    shutil.copy(root / "levels" / "00-sandbox.toml", d)
    text = (root / "levels" / "01-first-light.toml").read_text(encoding="utf-8")
    for stem, title in (("01-first-light", "First light"), ("02-second-wind", "Second wind"),
                        ("03-third-rail", "Third rail")):
        (d / f"{stem}.toml").write_text(
            text.replace('id = "01-first-light"', f'id = "{stem}"')
            .replace('title = "First light"', f'title = "{title}"'),
            encoding="utf-8",
        )
    return d


# --------------------------------------------------------------------------- balance


@dataclass(frozen=True)
class Played:
    """What a headless play of a level came to (see `play`)."""

    level: str
    seed: int
    outcome: str
    score: float
    stars: int
    objectives: dict[str, Any]
    """Objective id -> its `ObjectiveStatus` at the end."""
    rejected: list[str]
    """`t text: reason` of every command the game refused."""
    lessons: list[str] = field(default_factory=list)
    """The level's lessons this run calls for (what a better operator would have done)."""

    def __str__(self) -> str:  # what an assertion message shows
        worst = sorted(self.objectives.values(), key=lambda o: o.attainment)[:2]
        low = ", ".join(f"{o.id} {o.value} ({o.attainment:.2f})" for o in worst)
        return (f"{self.level} seed {self.seed}: {self.outcome} {self.score:g} "
                f"{'★' * self.stars}{'☆' * (3 - self.stars)}; lowest: {low}"
                + (f"; rejected: {self.rejected}" if self.rejected else ""))


def play(level: str | Path | Level, script: str | Path | None = None, *,
         seed: int | None = None) -> Played:
    """Play `level` headless to its end and score it, as `vdc run` does.

    `level`: a shipped level's id or prefix (`"01"`), a level file, or a `Level`. `script`: an
    action script file (`Path`), a script's text (`str`), or None to idle. The balance of a
    campaign level reads `play(id) < play(id, naive) < play(id, reference)` (`solutions`)."""
    from vdc.scenario.loader import load_level
    from vdc.scenario.paths import find_level
    from vdc.session.actions import load_actions, parse_actions
    from vdc.session.runner import result, run_level

    if isinstance(level, Level):
        lv = level
    elif isinstance(level, Path):
        lv = load_level(level).level
    else:
        lv = load_level(find_level(level)).level
    if script is None:
        actions = []
    elif isinstance(script, Path):
        actions = load_actions(script)
    else:
        actions = parse_actions(script, "<script>")
    session = run_level(lv, seed=seed, actions=actions)
    out = result(session)
    return Played(
        level=lv.level.id,
        seed=session.sim.seed,
        outcome=out["outcome"],
        score=out["score"],
        stars=out["stars"],
        objectives={st.id: st for st in session.sim.objective_statuses()},
        rejected=[f"{r['t']:g} {r['text']}: {r['reason']}" for r in out["commands"]["rejected"]],
        lessons=list(out.get("lessons", [])),
    )


def solutions(level_id: str) -> tuple[Path | None, Path | None]:
    """The reference and naive scripts of a shipped level (`levels/solutions/<id>.txt` and
    `<id>.naive.txt`), each None when missing."""
    from vdc.scenario.paths import levels_dir

    d = levels_dir() / "solutions"
    ref, naive = d / f"{level_id}.txt", d / f"{level_id}.naive.txt"
    return (ref if ref.is_file() else None, naive if naive.is_file() else None)


@pytest.fixture
def level_dict() -> dict[str, Any]:
    return base_level()


@pytest.fixture(autouse=True)
def _saves_in_tmp(tmp_path_factory, monkeypatch):
    """Autosaves of games played in tests go to a fresh directory, never the user's."""
    monkeypatch.setenv("VDC_SAVES_DIR", str(tmp_path_factory.mktemp("saves")))


@pytest.fixture(autouse=True)
def _data_in_tmp(tmp_path_factory, monkeypatch):
    """Campaign progress of games played in tests goes to a fresh directory, never the user's."""
    monkeypatch.setenv("VDC_DATA_DIR", str(tmp_path_factory.mktemp("data")))
