"""`vdc grade --html`: the cohort page, read back with html.parser (issue 17).

A class of level 04 (esx-02 fails at 10:00): ann and bob typed the reference solution (the same
log, to the second: flagged, and flagged as the reference's), cy the naive play (HA on, nothing
else), dee did nothing, eve re-rolled the seed, and one file is not a save.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.test_cli import ROOT, vdc
from vdc.session import cohort

SOLUTION = ROOT / "levels" / "solutions" / "04-host-down.txt"
NAIVE = ROOT / "levels" / "solutions" / "04-host-down.naive.txt"


class Page(HTMLParser):
    """Tables by id (rows of cell texts, with the links in them), section ids, anchors."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.links: dict[str, list[str]] = {}
        self.ids: list[str] = []
        self.sections: list[str] = []
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._href: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(str(a["id"]))
        if tag == "table" and a.get("id"):
            self._table = str(a["id"])
            self.tables[self._table] = []
        elif tag == "section":
            self.sections.append(str(a.get("id")))
        elif tag == "tr" and self._table:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "a":
            self._href = a.get("href")
        elif tag in ("script", "link", "img", "iframe"):
            raise AssertionError(f"the page must be self-contained, found <{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None
        elif tag == "tr" and self._row is not None and self._table:
            if self._row:
                self.tables[self._table].append(self._row)
            self._row = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)
        if self._href is not None:
            self.links.setdefault(data.strip(), []).append(self._href)
            self._href = None

    def body(self, tid: str) -> list[dict[str, str]]:
        head, *rows = self.tables[tid]
        return [dict(zip(head, r, strict=True)) for r in rows]


@pytest.fixture(scope="module")
def cohort_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("class")
    runs = {"ann": ["--actions", str(SOLUTION)], "bob": ["--actions", str(SOLUTION)],
            "cy": ["--actions", str(NAIVE)], "dee": [], "eve": ["--seed", "5"]}
    for who, args in runs.items():
        r = vdc("run", "04", *args, "--save", str(d / f"{who}.vdcsave"), "--player", who)
        assert r.returncode == 0, r.stderr
    (d / "junk.vdcsave").write_text("not a save")
    return d


@pytest.fixture(scope="module")
def page(cohort_dir: Path) -> Page:
    out = cohort_dir.parent / "cohort.html"
    r = vdc("grade", str(cohort_dir), "--level", "04", "--html", str(out), "--jobs", "2", "--csv")
    assert r.returncode == 2, r.stderr  # one save unreadable; the page is written all the same
    assert r.stdout.startswith("file,verified,")
    p = Page()
    p.feed(out.read_text(encoding="utf-8"))
    return p


def test_score_and_star_distribution(page: Page):
    dist = {row["score"]: int(row["saves"]) for row in page.body("distribution")}
    assert len(dist) == 10 and sum(dist.values()) == 4  # ann, bob, cy, dee (replay exactly)
    assert (dist["90–100"], dist["20–30"], dist["0–10"]) == (2, 1, 1)
    stars = {row["stars"]: int(row["saves"]) for row in page.body("stars")}
    assert stars == {"☆☆☆": 2, "★☆☆": 0, "★★☆": 0, "★★★": 2}
    assert "6 saves: 4 verified, 1 wrong seed, 1 unreadable." in "".join(page.text)


def test_objective_pass_rates(page: Page):
    rows = page.body("objectives")
    assert len(rows) >= 2 and all(r["level"] == "04-host-down" for r in rows)
    by = {r["objective"]: (r["met"], r["pass rate"]) for r in rows}
    assert by["Shop up ≥ 94 % of the time (required)"] == ("2 of 4", "50 %")  # ann and bob
    assert by["HA on in prod"] == ("3 of 4", "75 %")  # cy switched HA on too
    assert by["Mail and files up ≥ 94 % of the time"] == ("3 of 4", "75 %")


def test_each_row_links_to_its_own_report_section(page: Page):
    players = {r["player"] or r["save"].rsplit("/", 1)[-1]: r for r in page.body("players")}
    assert list(players) == ["ann", "bob", "cy", "dee", "eve", "junk.vdcsave"]
    assert (players["eve"]["verified"], players["eve"]["score"]) == ("✘ wrong seed", "")
    assert players["eve"]["note"].startswith("played with seed 5; graded: seed")
    assert players["junk.vdcsave"]["verified"] == "✘ unreadable"
    assert page.sections == ["save-1", "save-2", "save-3", "save-4"]
    for i, who in enumerate(["ann", "bob", "cy", "dee"], 1):
        [href] = page.links[players[who]["save"]]
        assert href == f"#save-{i}" and f"save-{i}" in page.ids
    assert players["eve"]["save"] not in page.links  # no report for an ungraded save
    # The sections are the report's own pieces: its tables, one per save.
    assert page.text.count("Biggest mistakes") == 4 and page.text.count("Timeline") == 4
    assert page.text.count("Compared with the reference solution") == 4


def test_common_mistakes_and_recovery(page: Page):
    mistakes = {r["mistake"]: r for r in page.body("mistakes")}
    first = next(iter(mistakes))
    # The most shared first: the batch job waits for esx-02's repair in ann's and bob's runs
    # (lowest priority, on purpose) and in dee's (no HA); cy's HA restarted it first.
    assert (first, mistakes[first]["saves"], mistakes[first]["share"]) == ("vm downtime batch-01", "3", "75 %")
    shop = mistakes["service outage shop"]
    assert (shop["saves"], shop["share"], shop["median duration"]) == ("2", "50 %", "16m52s")  # cy, dee
    [inc] = page.body("recovery")
    assert (inc["time"], inc["incident"], inc["saves"]) == ("0:10:00", "host failure esx-02", "4")
    assert inc["not recovered"] == "1"  # dee never brought the shop back
    # ann and bob: HA restarts db-01 first (1m20s); cy: the database waits for esx-02's repair.
    assert (inc["fastest"], inc["median"], inc["slowest"]) == ("1m20s", "1m20s", "13m45s")


def test_identical_command_logs_are_flagged(page: Page):
    [group] = page.body("identical")
    assert [Path(f).name for f in group["saves"].split(", ")] == ["ann.vdcsave", "bob.vdcsave"]
    assert (group["commands"], group["same as the reference"]) == ("4", "yes")
    flags = {r["player"]: r["flag"] for r in page.body("players")}
    assert flags["ann"].startswith("same commands as the reference solution; identical command log:")
    assert flags["bob"].endswith("ann.vdcsave") and flags["cy"] == flags["dee"] == ""


def test_a_trainers_reference_and_bad_input(cohort_dir: Path, tmp_path: Path):
    out = tmp_path / "c.html"
    r = vdc("grade", str(cohort_dir / "cy.vdcsave"), "--html", str(out),
            "--reference", str(cohort_dir / "dee.vdcsave"), "--jobs", "1")
    assert r.returncode == 0, r.stderr
    text = out.read_text(encoding="utf-8")
    assert f"Reference solution of 04-host-down: <code>{cohort_dir / 'dee.vdcsave'}</code>" in text
    for args, message in [
        (["--reference", str(cohort_dir / "dee.vdcsave")], "--reference goes with --html"),
        (["--html", str(out), "--reference", str(tmp_path / "nope")], "no such file or folder"),
        (["--html", str(out), "--reference", str(cohort_dir / "junk.vdcsave")], "junk.vdcsave"),
        (["--html", str(tmp_path / "no" / "dir" / "c.html")], "cannot write the cohort page"),
    ]:
        r = vdc("grade", str(cohort_dir / "cy.vdcsave"), *args, "--jobs", "1")
        assert r.returncode == 2 and len(r.stderr.splitlines()) == 1 and message in r.stderr, r.stderr


def test_the_distribution_bins():
    bins = cohort.distribution([0.0, 9.99, 10.0, 55.5, 100.0])
    assert [b["count"] for b in bins] == [2, 1, 0, 0, 0, 1, 0, 0, 0, 1]


def test_time_to_recover_rules():
    from vdc.session.incidents import recoveries

    found = [{"t": 100.0, "kind": "host_failure", "subject": "esx-01", "origin": "event"},
             {"t": 500.0, "kind": "load_spike", "subject": "web-*", "origin": "incident"},
             {"t": 800.0, "kind": "uplink_down", "subject": "esx-02", "origin": "event"}]
    services = [
        # shop: down 100–250 after the host failure, and from 850 to the end after the uplink.
        {"name": "shop", "outages": [{"start": 100.0, "end": 250.0, "duration_s": 150.0},
                                     {"start": 850.0, "end": 900.0, "duration_s": 50.0}]},
        # mail: down 120–400, also after the host failure.
        {"name": "mail", "outages": [{"start": 120.0, "end": 400.0, "duration_s": 280.0}]},
    ]
    out = recoveries(found, services, 900.0)
    assert [(i["services"], i["recovery_s"]) for i in out] == [
        (["mail", "shop"], 300.0),  # the last one up again: mail at 400
        ([], 0.0),                   # the spike hurt no service
        (["shop"], None),            # shop still down at the end: not recovered
    ]
