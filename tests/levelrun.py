"""`LevelRun`: a shipped level played step by step, for the level tests (tests/test_level_NN.py)
that check the numbers which make a level's lesson felt at given moments."""

from __future__ import annotations

from pathlib import Path

from vdc.scenario.loader import load_level
from vdc.scenario.paths import find_level
from vdc.session.actions import load_actions, parse_actions
from vdc.session.session import Session
from vdc.sim.engine import Simulation


class LevelRun:
    """`to(t)` gives the script's commands due by t (each must be accepted unless listed in
    `refused`), then runs the simulation to t; the readers look at the last sample."""

    def __init__(self, level: str, script: Path | str | None = None, refused: tuple[str, ...] = ()):
        self.s = Session(Simulation(load_level(find_level(level)).level))
        if script is None:
            self.todo = []
        elif isinstance(script, Path):
            self.todo = list(load_actions(script))
        else:
            self.todo = list(parse_actions(script, "<script>"))
        self.refused = refused
        self.messages: dict[str, str] = {}
        """The game's answer to each command given, by its text in the script."""

    def to(self, t: float) -> LevelRun:
        while self.todo and self.todo[0].t <= t:
            a = self.todo.pop(0)
            self.s.advance_to(a.t)
            rec = self.s.submit(a.command)
            self.messages[a.text] = rec.message
            assert rec.accepted != (a.text in self.refused), (a.text, rec.message)
        self.s.advance_to(t)
        return self

    @property
    def sim(self) -> Simulation:
        return self.s.sim

    def vm(self, name: str, what: str) -> float:
        """A VM's value in the sampler's array `what` (vm_latency, vm_healthy, vm_downtime…)."""
        sp = self.sim.sampler
        return getattr(sp, what)[sp.vm_index[name]].item()

    def ds(self, name: str, what: str) -> float:
        """A datastore's value in the sampler's array `what` (ds_pct, ds_latency, ds_util…)."""
        sp = self.sim.sampler
        return getattr(sp, what)[sp.ds_names.index(name)].item()

    def up(self, service: str) -> bool:
        sp = self.sim.sampler
        return bool(sp.service_up[sp.service_names.index(service)])

    def events(self, kind: str, subject: str | None = None) -> list[float]:
        return [r.t for r in self.sim.log if r.kind == kind and subject in (None, r.subject)]

    def detail(self, kind: str, subject: str | None = None) -> list[str]:
        return [r.detail for r in self.sim.log if r.kind == kind and subject in (None, r.subject)]
