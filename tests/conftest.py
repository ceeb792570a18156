"""Shared fixtures: small levels built in code, so each test states exactly what it needs."""

from __future__ import annotations

import copy
import shutil
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
