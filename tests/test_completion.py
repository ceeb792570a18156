"""Shell completion (`eval "$(_VDC_COMPLETE=bash_source vdc)"`): level ids for LEVEL and
--level, saves for SAVE arguments, files for paths (issue 17)."""

from __future__ import annotations

from pathlib import Path

from tests.test_cli import vdc


def complete(words: str, env: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """What bash would be offered for the last word of `words` (a trailing space: a new word)."""
    parts = words.split(" ")
    r = vdc(env={"_VDC_COMPLETE": "bash_complete", "COMP_WORDS": words,
                 "COMP_CWORD": str(len(parts) - 1), **(env or {})})
    assert r.returncode == 0 and not r.stderr, r.stderr
    return [tuple(line.split(",", 1)) for line in r.stdout.splitlines()]  # type: ignore[misc]


def test_level_ids_complete():
    assert complete("vdc play 0")[:3] == [("plain", "00-sandbox"), ("plain", "01-first-light"),
                                         ("plain", "02-flash-sale")]
    assert complete("vdc run sa") == [("plain", "sandbox")]
    assert complete("vdc grade x.vdcsave --level first") == [("plain", "01-first-light")]
    assert complete("vdc replay s.vdcsave --level 04") == [("plain", "04-host-down")]
    assert ("plain", "sandbox") not in complete("vdc check s")  # check takes level files only
    assert complete("vdc pack 12") == [("plain", "12-wide-vms")]
    assert ("plain", "14-hci") in complete("vdc pack 1")


def test_paths_complete_as_files():
    assert complete("vdc run ./lev") == [("file", "./lev")]
    assert complete("vdc check levels/01") == [("file", "levels/01")]
    assert complete("vdc play zzz") == [("file", "zzz")]


def test_saves_complete_from_the_saves_directory(tmp_path: Path):
    for name in ("01-first-light-ann-1.autosave.vdcsave", "04-host-down-bob-2.save.vdcsave"):
        (tmp_path / "ann").mkdir(exist_ok=True)
        (tmp_path / "ann" / name).write_text("{}")
    env = {"VDC_SAVES_DIR": str(tmp_path)}
    got = complete("vdc report 04", env)
    assert got == [("plain", str(tmp_path / "ann" / "04-host-down-bob-2.save.vdcsave"))]
    assert {v for _, v in complete("vdc continue ", env)} == {
        str(p) for p in (tmp_path / "ann").glob("*.vdcsave")}
    assert complete("vdc grade ./hand-ins/", env) == [("file", "./hand-ins/")]
    assert complete("vdc replay zz", env) == [("file", "zz")]


def test_the_documented_eval_line_prints_a_bash_function():
    r = vdc(env={"_VDC_COMPLETE": "bash_source"})
    assert r.returncode == 0 and "_vdc_completion()" in r.stdout and "_VDC_COMPLETE=bash_complete" in r.stdout
