"""Concept notes (F1 and the briefing): every concept a shipped level names has one, and the
campaign's notes say what it is, the number behind it and the command that acts on it."""

from __future__ import annotations

import re

import pytest

from vdc.concepts import CONCEPTS, describe
from vdc.scenario.loader import load_level
from vdc.scenario.paths import list_levels
from vdc.scenario.sandbox import generate

CAMPAIGN = (
    "vmotion", "cpu-ready", "maintenance", "storage-vmotion", "local-storage", "ha",
    "admission-control", "drs", "licensing", "affinity-rules", "snapshots", "vcenter", "rdm",
    "datastores", "co-scheduling", "right-sizing", "nic-teaming", "guest-os", "virtual-appliance",
    "load-balancing", "physical-to-virtual",
)
"""The concepts of the campaign's levels 01–08 (issue 11), 12 (issue 13), 09 and 10 (issue 16)."""

KEPT = ("hypervisor", "consolidation", "reservations", "contention", "overcommit", "storage",
        "vlans", "incidents", "services")
"""Ids that existed before the campaign: levels and saves name them, so they stay."""


def named_concepts() -> dict[str, list[str]]:
    """Concept id -> the shipped levels (and the generated sandbox) that name it."""
    out: dict[str, list[str]] = {}
    levels = [load_level(p).level for p in list_levels()]
    levels += [generate(size, 1) for size in ("small", "medium", "large")]
    for lv in levels:
        for c in lv.level.concepts:
            out.setdefault(c, []).append(lv.level.id)
    return out


def test_every_concept_a_shipped_level_names_has_a_note():
    missing = {c: ids for c, ids in named_concepts().items() if c not in CONCEPTS}
    assert not missing, f"concepts without a note in vdc/concepts.py: {missing}"
    assert describe("vmotion")[1] != "No notes yet."  # level 00 names it


def test_ids_are_kept_and_the_campaign_concepts_exist():
    for cid in (*KEPT, *CAMPAIGN):
        assert cid in CONCEPTS, cid
    for cid in CONCEPTS:
        assert re.fullmatch(r"[a-z][a-z-]*", cid), cid


@pytest.mark.parametrize("cid", CAMPAIGN)
def test_a_campaign_note_is_one_paragraph_with_a_number_and_a_command(cid: str):
    title, text = CONCEPTS[cid]
    assert title and not title.endswith(".")
    assert "\n" not in text and "  " not in text  # one paragraph (the briefing lists it)
    assert 250 <= len(text) <= 650, len(text)  # a few sentences
    assert re.search(r"\d", text), "the real-world number behind it"
    assert re.search(r"`[a-z]+ [^`]*`", text), "a command in backticks"


def test_an_unknown_id_gets_a_plain_note():
    assert describe("no-such-thing") == ("No such thing", "No notes yet.")
