"""Trainers review campaign runs: `vdc grade` and `vdc report` work on the reference and the
naive save of every scripted level, and tell the two apart."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import solutions
from test_balance import KNOWN_UNBALANCED

from vdc.scenario.loader import load_level
from vdc.scenario.paths import list_levels
from vdc.session import grade as g
from vdc.session import report as rep
from vdc.session.actions import load_actions
from vdc.session.report_html import render
from vdc.session.runner import result, run_level
from vdc.session.save import load, save

PATHS = {p.stem: p for p in list_levels()}
LEVELS = [stem for stem in PATHS if all(solutions(stem))]


def _save(level_id: str, script: Path, path: Path) -> Path:
    loaded = load_level(PATHS[level_id])
    session = run_level(loaded.level, actions=load_actions(script))
    save(session, path, result=result(session, content_hash=loaded.content_hash))
    return path


@pytest.mark.parametrize("level_id", [
    pytest.param(i, marks=[pytest.mark.xfail(reason=KNOWN_UNBALANCED[i], strict=True)])
    if i in KNOWN_UNBALANCED else i for i in LEVELS
])
def test_grade_and_report_tell_the_reference_from_the_naive_play(level_id: str, tmp_path: Path):
    ref_script, naive_script = solutions(level_id)
    assert ref_script is not None and naive_script is not None
    ref = _save(level_id, ref_script, tmp_path / "ref.vdcsave")
    naive = _save(level_id, naive_script, tmp_path / "naive.vdcsave")
    rows = {Path(r.file).name: r for r in g.grade([ref, naive], jobs=1)}
    assert rows["ref.vdcsave"].status == g.VERIFIED and rows["naive.vdcsave"].status == g.VERIFIED
    assert rows["ref.vdcsave"].stars == 3 and rows["naive.vdcsave"].score < rows["ref.vdcsave"].score
    good = rep.build(load(ref), "ref.vdcsave", reference=False)
    bad = rep.build(load(naive), "naive.vdcsave", reference=False)
    assert good["verified"] and bad["verified"]
    assert good["lessons"] == [] and bad["lessons"]
    md, html = rep.markdown(bad), render(bad)
    assert "What a better operator would have done" in md and bad["lessons"][0][:40] in md
    assert "<h2>What a better operator would have done</h2>" in html
