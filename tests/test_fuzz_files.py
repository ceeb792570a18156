"""The project's own fuzzing of its input files (issue 19): hostile and malformed levels and
saves end in a one-line `LevelError` / `SaveError` or load cleanly — never another exception.

CI runs 1,000 cases of each (a few seconds); `VDC_LONG_TESTS=1` runs 20,000.
"""

from __future__ import annotations

import json
import os
import tomllib
from typing import Any

from conftest import add_vm, base_level, build
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vdc.scenario.loader import LevelError, canonical_data, content_hash, data_hash, load_level_text
from vdc.session.save import SaveError, loads
from vdc.session.session import Session
from vdc.sim.engine import Simulation

LONG = os.environ.get("VDC_LONG_TESTS") == "1"
CASES = 20_000 if LONG else 1_000
FAST = settings(max_examples=CASES, deadline=None, derandomize=not LONG,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _toml(value: Any) -> str:
    """A TOML value (as tomllib reads it back) for the little writer below."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if value == value and abs(value) != float("inf") else "nan"
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + "}"
    return '""'


def to_toml(data: dict[str, Any]) -> str:
    """Top-level tables as `[table]`, lists of tables as `[[name]]` with inline values."""
    out = []
    for key, value in data.items():
        if isinstance(value, dict):
            out.append(f"[{json.dumps(key)}]")
            out += [f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()]
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for entry in value:
                out.append(f"[[{json.dumps(key)}]]")
                out += [f"{json.dumps(k)} = {_toml(v)}" for k, v in entry.items()]
        else:
            out.insert(0, f"{json.dumps(key)} = {_toml(value)}")
    return "\n".join(out) + "\n"


def small_level() -> dict[str, Any]:
    lv = base_level(duration=300)
    add_vm(lv, "web-01")
    add_vm(lv, "db-01", power="off")
    lv["services"] = [{"name": "shop", "tiers": [{"name": "web", "vms": ["web-01"]}]}]
    return lv


BASE = small_level()
BASE_TEXT = to_toml(BASE)
assert tomllib.loads(BASE_TEXT) == json.loads(json.dumps(BASE))  # the writer round-trips

HOSTILE = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(10**18, 10**40), st.floats(allow_nan=True),
    st.text(max_size=30), st.sampled_from(["", "esx-01", "ds-1", "web-01", "../../etc", "x" * 300]),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def _paths(value: Any, path: tuple = ()) -> list[tuple]:
    found = [path] if path else []
    if isinstance(value, dict):
        for k, v in value.items():
            found += _paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += _paths(v, (*path, i))
    return found


PATHS = _paths(BASE)


def _mutate(data: Any, path: tuple, how: str, value: Any) -> Any:
    data = json.loads(json.dumps(data))
    parent = data
    for p in path[:-1]:
        parent = parent[p]
    last = path[-1]
    if how == "delete":
        del parent[last]
    elif how == "replace":
        parent[last] = value
    elif how == "add" and isinstance(parent, dict):
        parent[f"{last}_x"] = value
    elif how == "add" and isinstance(parent, list):
        parent.append(value)
    return data


def _none_to_missing(value: Any) -> Any:
    """TOML has no null: a mutated None becomes an absent key / dropped item."""
    if isinstance(value, dict):
        return {k: _none_to_missing(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_none_to_missing(v) for v in value if v is not None]
    return value


@FAST
@given(path=st.sampled_from(PATHS), how=st.sampled_from(("delete", "replace", "add")), value=HOSTILE)
def test_a_mutated_level_is_loaded_or_refused_in_one_line(path, how, value):
    text = to_toml(_none_to_missing(_mutate(BASE, path, how, value)))
    try:
        load_level_text(text, "f.toml")
    except LevelError as e:
        assert "\n" not in str(e)


@FAST
@given(cut=st.integers(0, len(BASE_TEXT)), junk=st.text(max_size=20), drop=st.integers(0, 40))
def test_a_level_text_cut_and_spliced_is_loaded_or_refused_in_one_line(cut, junk, drop):
    text = BASE_TEXT[:cut] + junk + BASE_TEXT[cut + drop:]
    try:
        load_level_text(text, "f.toml")
    except LevelError as e:
        assert "\n" not in str(e)


# ------------------------------------------------------------------ saves
def _save_data() -> dict[str, Any]:
    s = Session(Simulation(build(BASE)))
    s.submit("power on db-01")
    s.advance_to(120)
    s.submit("power off web-01")
    s.advance_to(300)
    level = s.sim.level
    return {
        "schema_version": 1, "program": "vdc", "program_version": "0", "level_id": level.level.id,
        "level_hash": content_hash(level), "level": canonical_data(level), "seed": s.sim.seed,
        "sim_time": s.sim.now, "commands": [r.as_dict() for r in s.records],
        "digests": [[t, d] for t, d in s.sim.digests], "speed_changes": [], "result": None,
    }


SAVE = _save_data()
SAVE_PATHS = _paths(SAVE)
RAW_HOSTILE = st.sampled_from([b"Infinity", b"-Infinity", b"NaN", b"1e400", b"9" * 5000,
                               b"[" * 5000 + b"]" * 5000, b'"\\ud800"', b'"\\udfff x"', b"-0", b"1e-400"])


@FAST
@given(path=st.sampled_from(SAVE_PATHS), how=st.sampled_from(("delete", "replace", "add")), value=HOSTILE,
       rehash=st.booleans())
def test_a_mutated_save_is_loaded_or_refused_in_one_line(path, how, value, rehash):
    data = _mutate(SAVE, path, how, value)
    if rehash and isinstance(data.get("level"), dict):  # an edit that hides itself
        data["level_hash"] = data_hash(data["level"])
    try:
        loads(json.dumps(data).encode(), "f.vdcsave")
    except SaveError as e:
        assert "\n" not in str(e)


@FAST
@given(path=st.sampled_from(SAVE_PATHS), raw=RAW_HOSTILE)
def test_a_save_with_hostile_json_is_refused_in_one_line(path, raw):
    data = _mutate(SAVE, path, "replace", "@@@")
    text = json.dumps(data).encode().replace(b'"@@@"', raw)
    try:
        loads(text, "f.vdcsave")
    except SaveError as e:
        assert "\n" not in str(e)
